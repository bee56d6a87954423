/**
 * Shared media against the simulator over real HTTP, through the gate: upload → send by ID → info → download →
 * delete, checks before any call, the content-hash cache.
 */
import { startSimulator } from '../../../test/simulator';
import type { Simulator } from '../../../test/simulator';
import { scheduleGraphCall } from '../limiter';
import type { WhatsAppCredentials } from '../transport/types';
import { MediaValidationError, deleteMedia, downloadMedia, forgetMedia, getMediaInfo, sha256Hex, uploadMediaCached } from '.';
import { clearMediaCache } from '../../../test/support/testHooks';

const PHONE = '300000000000001';
const OTHER_PHONE = '300000000000002';

/** A tiny valid-looking PNG: signature plus random bytes (the simulator checks MIME and size, not pixels). */
function png(size: number, seed = 1): Buffer {
	const data = Buffer.alloc(size);
	for (let i = 0; i < size; i++) data[i] = (i * 31 + seed * 17) & 0xff;
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
	return data;
}

let sim: Simulator;
let credentials: WhatsAppCredentials;

const graphRequests = () => sim.requests().filter((entry) => !entry.path.includes('/__sim'));
const uploads = () => graphRequests().filter((entry) => entry.method === 'POST' && entry.path.endsWith('/media'));

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
	credentials = {
		accessToken: sim.fixture.accessToken,
		apiVersion: 'v26.0',
		baseUrl: sim.url,
		wabaId: sim.fixture.wabaId,
	};
});

afterAll(async () => {
	await sim.stop();
});

beforeEach(() => {
	sim.reset();
	clearMediaCache();
});

describe('media round trip', () => {
	it('uploads, sends by ID, gets the URL, downloads the same bytes and deletes', async () => {
		const data = png(2048);
		const uploaded = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png', fileName: 'a.png' });
		expect(uploaded).toMatchObject({ kind: 'image', mimeType: 'image/png', fileSize: 2048, sha256: sha256Hex(data), fromCache: false });

		await scheduleGraphCall({
			credentials,
			phoneNumberId: PHONE,
			recipient: '15550001111',
			request: {
				method: 'POST',
				path: `/${PHONE}/messages`,
				body: { messaging_product: 'whatsapp', to: '15550001111', type: 'image', image: { id: uploaded.mediaId } },
			},
		});
		expect(sim.log().map((message) => (message.body.image as { id: string }).id)).toEqual([uploaded.mediaId]);

		const info = await getMediaInfo(credentials, uploaded.mediaId);
		expect(info).toMatchObject({ mediaId: uploaded.mediaId, mimeType: 'image/png', sha256: sha256Hex(data), fileSize: 2048 });
		expect(info.url).toMatch(/^http/);

		const downloaded = await downloadMedia(credentials, uploaded.mediaId);
		expect(downloaded.data.equals(data)).toBe(true);
		expect(downloaded.mimeType).toBe('image/png');

		expect(await deleteMedia(credentials, uploaded.mediaId)).toBe(true);
		await expect(getMediaInfo(credentials, uploaded.mediaId)).rejects.toMatchObject({ name: 'GraphApiError' });
	});

	it('fetches a fresh URL and downloads again when the first URL was refused as expired', async () => {
		const data = png(512, 2);
		const { mediaId } = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' });
		sim.scriptFaults([{ path: 'attachments', method: 'GET', count: 1, action: { kind: 'error', httpStatus: 404, code: 100, message: 'URL expired' } }]);
		const downloaded = await downloadMedia(credentials, mediaId);
		expect(downloaded.data.equals(data)).toBe(true);
		const infoCalls = graphRequests().filter((entry) => entry.method === 'GET' && entry.path.endsWith(`/${mediaId}`));
		expect(infoCalls).toHaveLength(2);
	});
});

describe('checks before any call', () => {
	it('rejects an image over 5 MB without calling Meta', async () => {
		const error = await uploadMediaCached({
			credentials,
			phoneNumberId: PHONE,
			data: png(5 * 1024 * 1024 + 1),
			mimeType: 'image/png',
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(MediaValidationError);
		expect((error as MediaValidationError).message).toMatch(/image\/png.*5 MB limit/);
		expect(graphRequests()).toHaveLength(0);
	});

	it('rejects a MIME type WhatsApp does not accept without calling Meta', async () => {
		const error = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data: Buffer.from('GIF89a...'), mimeType: 'image/gif' }).catch(
			(e: unknown) => e,
		);
		expect((error as MediaValidationError).field).toBe('mimeType');
		expect(graphRequests()).toHaveLength(0);
	});
});

describe('upload cache', () => {
	it('reuses the media ID for the same file from the same number without a second upload', async () => {
		const data = png(1000, 3);
		const first = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' });
		const second = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' });
		expect(second).toEqual({ ...first, fromCache: true });
		expect(uploads()).toHaveLength(1);
	});

	it('uploads again for another phone number', async () => {
		const data = png(1000, 4);
		const first = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' });
		const other = await uploadMediaCached({ credentials, phoneNumberId: OTHER_PHONE, data, mimeType: 'image/png' });
		expect(other.mediaId).not.toBe(first.mediaId);
		expect(uploads()).toHaveLength(2);
	});

	it('shares one upload between concurrent uploads of the same file', async () => {
		const data = png(1000, 5);
		const results = await Promise.all(
			Array.from({ length: 5 }, () => uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' })),
		);
		expect(new Set(results.map((result) => result.mediaId)).size).toBe(1);
		expect(results.filter((result) => !result.fromCache)).toHaveLength(1);
		expect(uploads()).toHaveLength(1);
	});

	it('uploads every time when the cache is turned off', async () => {
		const data = png(1000, 6);
		await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png', useCache: false });
		const again = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png', useCache: false });
		expect(again.fromCache).toBe(false);
		expect(uploads()).toHaveLength(2);
	});

	it('uploads again after forgetMedia drops a media ID Meta no longer knows', async () => {
		const data = png(1000, 7);
		const first = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' });
		expect(forgetMedia(first.mediaId)).toBe(1);
		const second = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' });
		expect(second.fromCache).toBe(false);
		expect(second.mediaId).not.toBe(first.mediaId);
	});

	it('forgets a deleted media ID so the next upload of the file is real', async () => {
		const data = png(1000, 8);
		const first = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' });
		await deleteMedia(credentials, first.mediaId);
		const second = await uploadMediaCached({ credentials, phoneNumberId: PHONE, data, mimeType: 'image/png' });
		expect(second.fromCache).toBe(false);
		expect(uploads()).toHaveLength(2);
	});
});
