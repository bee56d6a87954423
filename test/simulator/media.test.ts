import { createHash } from 'crypto';
import type { Simulator } from './index';
import { call, PHONE_STANDARD } from './helpers';
import { ANIMATED_STICKER_MAX_BYTES, isAnimatedWebp, mediaExists, STATIC_STICKER_MAX_BYTES } from './media';
import { startSurfaceSimulator } from './surfaces.helpers';
import type { SimContext } from './types';

interface Upload {
	type?: string;
	fileType?: string;
	data?: Buffer;
	filename?: string;
	messagingProduct?: string | null;
}

async function upload(sim: Simulator, input: Upload = {}, phone = PHONE_STANDARD): Promise<{ status: number; body: any }> {
	const form = new FormData();
	if (input.messagingProduct !== null) form.append('messaging_product', input.messagingProduct ?? 'whatsapp');
	if (input.type !== undefined) form.append('type', input.type);
	if (input.data) form.append('file', new Blob([input.data], { type: input.fileType ?? input.type }), input.filename ?? 'file.bin');
	const response = await fetch(`${sim.url}/v26.0/${phone}/media`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${sim.fixture.accessToken}` },
		body: form,
	});
	return { status: response.status, body: await response.json() };
}

function png(size: number): Buffer {
	const data = Buffer.alloc(size, 0xab);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
	return data;
}

/** A WebP container with a VP8X header; `animated` sets the animation flag. */
function webp(size: number, animated: boolean): Buffer {
	const data = Buffer.alloc(size, 0);
	data.write('RIFF', 0, 'ascii');
	data.writeUInt32LE(size - 8, 4);
	data.write('WEBP', 8, 'ascii');
	data.write('VP8X', 12, 'ascii');
	data.writeUInt32LE(10, 16);
	data[20] = animated ? 0x02 : 0x00;
	return data;
}

describe('simulator media', () => {
	let sim: Simulator;
	let state: SimContext;
	let clockMs = Date.now();

	beforeAll(async () => {
		({ sim, state } = await startSurfaceSimulator({ clock: () => clockMs }));
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		clockMs = Date.now();
		sim.reset();
	});

	test('an uploaded file comes back byte for byte with its sha256, size and MIME type', async () => {
		const bytes = png(2048);
		const uploaded = await upload(sim, { type: 'image/png', data: bytes, filename: 'photo.png' });
		expect(uploaded.status).toBe(200);
		expect(uploaded.body.id).toMatch(/^\d{15,16}$/);

		const info = await call(sim, 'GET', `/v26.0/${uploaded.body.id}`);
		expect(info.status).toBe(200);
		expect(info.body).toEqual({
			messaging_product: 'whatsapp',
			url: expect.stringContaining(`${sim.url}/whatsapp_business/attachments/?mid=${uploaded.body.id}`),
			mime_type: 'image/png',
			sha256: createHash('sha256').update(bytes).digest('hex'),
			// A string, as on https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media#get-media-url
			file_size: '2048',
			id: uploaded.body.id,
		});

		const download = await fetch(info.body.url, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
		expect(download.status).toBe(200);
		expect(download.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
	});

	test('file_size can be answered as a number, which clients must take as well', async () => {
		sim.configure({ webhooks: { media: { fileSizeAs: 'number' } } });
		try {
			const uploaded = await upload(sim, { type: 'image/png', data: png(321) });
			expect((await call(sim, 'GET', `/v26.0/${uploaded.body.id}`)).body.file_size).toBe(321);
		} finally {
			sim.configure({ webhooks: { media: {} } });
		}
	});

	test('the download URL needs the bearer token', async () => {
		const uploaded = await upload(sim, { type: 'image/jpeg', data: Buffer.from('jpeg bytes') });
		const info = await call(sim, 'GET', `/v26.0/${uploaded.body.id}`);
		expect((await fetch(info.body.url)).status).toBe(401);
		expect((await fetch(info.body.url, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
	});

	test('the download URL stops working after its lifetime and a fresh one works', async () => {
		sim.configure({ webhooks: { media: { urlTtlMs: 60_000 } } });
		const uploaded = await upload(sim, { type: 'text/plain', data: Buffer.from('hello / world') });
		const info = await call(sim, 'GET', `/v26.0/${uploaded.body.id}`);
		const auth = { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } };
		clockMs += 60_001;
		expect((await fetch(info.body.url, auth)).status).toBe(404);
		const fresh = await call(sim, 'GET', `/v26.0/${uploaded.body.id}`);
		expect((await fetch(fresh.body.url, auth)).status).toBe(200);
	});

	test('a media id expires after its lifetime (30 days by default)', async () => {
		const uploaded = await upload(sim, { type: 'application/pdf', data: Buffer.from('%PDF-1.4') });
		expect(mediaExists(state, uploaded.body.id)).toBe(true);
		clockMs += 30 * 24 * 3600 * 1000 + 1;
		expect(mediaExists(state, uploaded.body.id)).toBe(false);
		const info = await call(sim, 'GET', `/v26.0/${uploaded.body.id}`);
		expect(info.status).toBe(400);
		expect(info.body.error).toMatchObject({ code: 100, error_subcode: 33 });
	});

	test('a deleted media id is gone and its URL answers 404', async () => {
		const uploaded = await upload(sim, { type: 'audio/ogg', fileType: 'audio/ogg; codecs=opus', data: Buffer.from('OggS') });
		expect(uploaded.status).toBe(200);
		const info = await call(sim, 'GET', `/v26.0/${uploaded.body.id}`);
		const deleted = await call(sim, 'DELETE', `/v26.0/${uploaded.body.id}`);
		expect(deleted.status).toBe(200);
		expect(deleted.body).toEqual({ success: true });
		expect((await call(sim, 'GET', `/v26.0/${uploaded.body.id}`)).body.error.code).toBe(100);
		expect((await fetch(info.body.url, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } })).status).toBe(404);
		expect((await call(sim, 'DELETE', `/v26.0/${uploaded.body.id}`)).status).toBe(400);
	});

	test('a file of an unsupported MIME type is refused with 100 naming the type received', async () => {
		const result = await upload(sim, { type: 'image/gif', data: Buffer.from('GIF89a') });
		expect(result.status).toBe(400);
		expect(result.body.error.code).toBe(100);
		expect(result.body.error.message).toContain("Received file of type 'image/gif'");
		expect(result.body.error.message).toContain('image/jpeg, image/png');
	});

	test('a file part sent as application/octet-stream is refused even with a valid type parameter', async () => {
		const result = await upload(sim, { type: 'image/png', fileType: 'application/octet-stream', data: png(100) });
		expect(result.body.error.code).toBe(100);
		expect(result.body.error.message).toContain("Received file of type 'application/octet-stream'");
	});

	test('a valid file with a type parameter outside the table is refused with 131053', async () => {
		const result = await upload(sim, { type: 'image/gif', fileType: 'image/png', data: png(100) });
		expect(result.body.error.code).toBe(131053);
		expect(result.body.error.error_data.details).toContain('image/gif');
	});

	test('a type parameter that does not match the file is refused', async () => {
		const result = await upload(sim, { type: 'image/jpeg', fileType: 'image/png', data: png(100) });
		expect(result.status).toBe(400);
		expect(result.body.error.code).toBe(131053);
		expect(result.body.error.error_data.details).toMatch(/image\/jpeg.*image\/png/);
	});

	test('an image over 5 MB is refused and one of exactly 5 MB is accepted', async () => {
		const over = await upload(sim, { type: 'image/png', data: png(5 * 1024 * 1024 + 1) });
		expect(over.status).toBe(400);
		expect(over.body.error.code).toBe(131053);
		expect(over.body.error.error_data.details).toContain('5 MB');
		expect((await upload(sim, { type: 'image/png', data: png(5 * 1024 * 1024) })).status).toBe(200);
	});

	test('a static sticker is limited to 100 KB and an animated one to 500 KB', async () => {
		expect(isAnimatedWebp(webp(200, true))).toBe(true);
		expect(isAnimatedWebp(webp(200, false))).toBe(false);
		const staticOver = await upload(sim, { type: 'image/webp', data: webp(STATIC_STICKER_MAX_BYTES + 1, false) });
		expect(staticOver.status).toBe(400);
		expect(staticOver.body.error.error_data.details).toContain('100 KB');
		expect((await upload(sim, { type: 'image/webp', data: webp(STATIC_STICKER_MAX_BYTES + 1, true) })).status).toBe(200);
		const animatedOver = await upload(sim, { type: 'image/webp', data: webp(ANIMATED_STICKER_MAX_BYTES + 1, true) });
		expect(animatedOver.status).toBe(400);
		expect(animatedOver.body.error.error_data.details).toContain('500 KB');
	});

	test('an upload without messaging_product or without a file is refused with 100', async () => {
		const noProduct = await upload(sim, { type: 'image/png', data: png(10), messagingProduct: null });
		expect(noProduct.body.error.code).toBe(100);
		expect(noProduct.body.error.message).toContain('messaging_product');
		const noFile = await upload(sim, { type: 'image/png' });
		expect(noFile.body.error.code).toBe(100);
		expect(noFile.body.error.message).toContain('file');
	});

	test('an upload to an unknown phone number is refused like Graph', async () => {
		const result = await upload(sim, { type: 'image/png', data: png(10) }, '399999999999999');
		expect(result.status).toBe(400);
		expect(result.body.error).toMatchObject({ code: 100, error_subcode: 33 });
	});
});
