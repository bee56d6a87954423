/**
 * "Upload Once and Send by ID" for media links, against the simulator over real HTTP, with a small file server in the
 * test that serves the image and counts what it is asked.
 *
 * Meta recommends media IDs over links: "For better performance, we recommend using `id` and an uploaded media asset ID
 * instead" (Image messages, the `<MEDIA_URL>` row, read in the verbatim mirror kapso-meta-docs/documentation,
 * documentation/whatsapp/messages/image-messages.mdx, "Updated: Nov 3, 2025"):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/image-messages — whose example
 * request sends `image.id` instead of `image.link`, as these tests check. The throughput page
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput) says the same for high volume.
 * A link's answer is reused as Meta's own link cache reuses it (Cache-Control max-age / no-cache / no-store / private,
 * Last-Modified, ETag): https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#media-http-caching
 * — that page is not in the material stored here; its rules were read as pywa (types/media.py, CacheControl and
 * MediaUrlToCache, which link the page) and two Go clients quote them word for word.
 *
 * The file server is on loopback, which the fetch refuses unless the n8n admin allows it: these tests allow
 * 127.0.0.1 through n8n's own N8N_SSRF_ALLOWED_IP_RANGES, as an admin would, and one test shows the refusal without it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Simulator } from '../../../test/simulator';
import { byId, HIGH_NUMBER, messageCalls, send, STANDARD_NUMBER, withSimulator } from './helpers';
import { clearMediaCache, clearMediaLinks } from '../../../test/support/testHooks';

let sim: Simulator;
let files: http.Server;
let filesUrl = '';

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);
const ETAG = '"dot-v1"';
const LAST_MODIFIED = 'Tue, 22 Feb 2022 22:22:22 GMT';
const OVER_IMAGE_LIMIT = 5 * 1024 * 1024 + 1;

/** What the file server was asked: full answers (200), 304s, and every request by path. */
const served = { full: 0, notModified: 0, paths: [] as string[] };

function serveFile(req: http.IncomingMessage, res: http.ServerResponse): void {
	const path = (req.url ?? '').split('?')[0];
	served.paths.push(path);
	const redirect = /^\/hop\/(\d+)\/dot\.png$/.exec(path);
	if (redirect) {
		const left = Number(redirect[1]);
		res.writeHead(302, { location: left > 1 ? `/hop/${left - 1}/dot.png` : '/dot.png' }).end();
		return;
	}
	if (path === '/dot.png') {
		// Meta's no-cache: keep it, but ask again (with the validators) every time.
		const headers = { 'content-type': 'image/png', etag: ETAG, 'last-modified': LAST_MODIFIED, 'cache-control': 'no-cache' };
		if (req.headers['if-none-match'] === ETAG) {
			served.notModified++;
			res.writeHead(304, headers).end();
			return;
		}
		served.full++;
		res.writeHead(200, { ...headers, 'content-length': PNG.length }).end(PNG);
		return;
	}
	if (path === '/big.png' || path === '/big-chunked.png') {
		served.full++;
		const declared = path === '/big.png' ? { 'content-length': OVER_IMAGE_LIMIT } : {};
		res.writeHead(200, { 'content-type': 'image/png', ...declared });
		// Chunked: the size is known only as the bytes come.
		const chunk = Buffer.alloc(64 * 1024, 7);
		let sent = 0;
		const pump = (): void => {
			while (sent < OVER_IMAGE_LIMIT) {
				const part = chunk.subarray(0, Math.min(chunk.length, OVER_IMAGE_LIMIT - sent));
				sent += part.length;
				if (!res.write(part)) {
					res.once('drain', pump);
					return;
				}
			}
			res.end();
		};
		res.on('error', () => undefined);
		pump();
		return;
	}
	res.writeHead(404).end();
}

const uploads = () => sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/media'));
const recipients = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { phone: `+1 650 ${String(1_000_000 + i).slice(1, 4)} ${String(1_000_000 + i).slice(4)}` } }));
const imageLink = (path: string, extra: Record<string, unknown> = {}) => ({
	messageType: 'image',
	mediaSource: 'link',
	mediaLink: `${filesUrl}${path}`,
	recipient: '={{ $json.phone }}',
	...extra,
});

withSimulator(
	(started) => (sim = started),
	() => {
		clearMediaCache();
		clearMediaLinks();
		served.full = 0;
		served.notModified = 0;
		served.paths = [];
		process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
	},
);

beforeAll(async () => {
	process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
	files = http.createServer(serveFile);
	await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
	filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
	files.closeAllConnections();
	await new Promise<void>((resolve) => files.close(() => resolve()));
});

test('1,000 items with one image link: 1 fetch, 1 upload, 1,000 sends by media ID', async () => {
	const result = await send(sim, { ...imageLink('/dot.png'), phoneNumberId: byId(HIGH_NUMBER) }, { inputItems: recipients(1000), credentials: { throughputTier: 'high' } });
	expect(result.error).toBeUndefined();
	expect(served.full).toBe(1);
	expect(uploads()).toHaveLength(1);
	const log = sim.log();
	expect(log).toHaveLength(1000);
	const mediaId = (log[0].body.image as { id?: string }).id;
	expect(mediaId).toMatch(/^\d+$/);
	for (const message of log) {
		expect(message.body.image).toEqual({ id: mediaId });
	}
	expect(new Set(result.outputs('Send').map((output) => output.mediaId))).toEqual(new Set([mediaId]));
}, 120_000);

// Meta's image-by-ID example (send-image-id.json, from the Image messages page above) gives `id`, then `caption`.
test('a captioned link uploaded once is sent as the very bytes of that media ID given by hand, as Meta\'s example orders them', async () => {
	const byLink = await send(sim, imageLink('/dot.png', { caption: 'The best succulent ever?', linkUploadOnce: 'always' }), { inputItems: recipients(1) });
	const mediaId = String(byLink.outputs('Send')[0].mediaId);
	await send(sim, { messageType: 'image', mediaSource: 'id', mediaId, caption: 'The best succulent ever?', recipient: '={{ $json.phone }}' }, { inputItems: recipients(1) });
	const [linkSent, idSent] = sim.log();
	expect(JSON.stringify(linkSent.body)).toBe(JSON.stringify(idSent.body));
	expect(Object.keys(linkSent.body.image as object)).toEqual(['id', 'caption']);
});

test('a second execution asks with the validators, is answered 304, and neither fetches nor uploads again', async () => {
	const first = await send(sim, imageLink('/dot.png'), { inputItems: recipients(5) });
	expect(first.error).toBeUndefined();
	const second = await send(sim, imageLink('/dot.png'), { inputItems: recipients(5) });
	expect(second.error).toBeUndefined();
	expect(served.full).toBe(1);
	expect(served.notModified).toBe(1);
	expect(uploads()).toHaveLength(1);
	expect(sim.log()).toHaveLength(10);
	expect(new Set(sim.log().map((message) => (message.body.image as { id?: string }).id)).size).toBe(1);
	expect(second.outputs('Send').every((output) => output.fromCache === true)).toBe(true);
});

test('a second sender number gets its own upload of the one fetched file', async () => {
	const items = recipients(6).map((item, i) => ({ json: { ...item.json, from: i % 2 ? HIGH_NUMBER : STANDARD_NUMBER } }));
	const result = await send(sim, { ...imageLink('/dot.png'), phoneNumberId: byId('={{ $json.from }}') }, { inputItems: items });
	expect(result.error).toBeUndefined();
	expect(served.full).toBe(1);
	expect(uploads().map((request) => request.path).sort()).toEqual([`/v26.0/${STANDARD_NUMBER}/media`, `/v26.0/${HIGH_NUMBER}/media`].sort());
	const idsByNumber = new Map<string, Set<string>>();
	result.outputs('Send').forEach((output) => {
		const ids = idsByNumber.get(String(output.phoneNumberId)) ?? new Set<string>();
		ids.add(String(output.mediaId));
		idsByNumber.set(String(output.phoneNumberId), ids);
	});
	expect([...idsByNumber.values()].map((ids) => ids.size)).toEqual([1, 1]);
	expect(idsByNumber.get(STANDARD_NUMBER)).not.toEqual(idsByNumber.get(HIGH_NUMBER));
});

test('a second sender number in a later execution gets its own upload without a second fetch (one 304)', async () => {
	const first = await send(sim, { ...imageLink('/dot.png'), phoneNumberId: byId(STANDARD_NUMBER) }, { inputItems: recipients(3) });
	expect(first.error).toBeUndefined();
	const second = await send(sim, { ...imageLink('/dot.png'), phoneNumberId: byId(HIGH_NUMBER) }, { inputItems: recipients(3) });
	expect(second.error).toBeUndefined();
	expect(served).toMatchObject({ full: 1, notModified: 1 });
	expect(uploads().map((request) => request.path)).toEqual([`/v26.0/${STANDARD_NUMBER}/media`, `/v26.0/${HIGH_NUMBER}/media`]);
	expect(second.outputs('Send')[0].mediaId).not.toBe(first.outputs('Send')[0].mediaId);
});

test('a link to a loopback address is refused by default, naming the item and the field, before any send', async () => {
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
	const result = await send(sim, imageLink('/dot.png'), { inputItems: recipients(3) });
	expect(result.error?.message).toMatch(/^Item 1: "Link" could not be fetched/);
	expect(result.error?.message).toContain('127.0.0.1');
	expect(result.error?.message).toContain('N8N_SSRF_BLOCKED_IP_RANGES');
	expect(served.paths).toEqual([]);
	expect(messageCalls(sim)).toBe(0);
	expect(uploads()).toHaveLength(0);
});

test('with "Continue On Fail", each item of a refused link gets its own error item', async () => {
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
	const result = await send(sim, imageLink('/dot.png'), { inputItems: recipients(2), continueOnFail: true });
	expect(result.error).toBeUndefined();
	const errors = result.outputs('Send').map((output) => String(output.error));
	expect(errors).toHaveLength(2);
	errors.forEach((error, i) => expect(error).toMatch(new RegExp(`^Item ${i + 1}: "Link" could not be fetched to upload once \\(http://127\\.0\\.0\\.1:\\d+/dot\\.png\\): the address is not allowed`)));
	expect(messageCalls(sim)).toBe(0);
});

test('redirects are followed up to 3, and a fourth fails the items before any send', async () => {
	const followed = await send(sim, imageLink('/hop/3/dot.png'), { inputItems: recipients(2) });
	expect(followed.error).toBeUndefined();
	expect(served.paths).toEqual(['/hop/3/dot.png', '/hop/2/dot.png', '/hop/1/dot.png', '/dot.png']);
	expect(sim.log().every((message) => (message.body.image as { id?: string }).id)).toBe(true);

	sim.reset();
	const tooMany = await send(sim, imageLink('/hop/4/dot.png'), { inputItems: recipients(2) });
	expect(tooMany.error?.message).toMatch(/^Item 1: "Link" could not be fetched.*redirects more than 3 times/);
	expect(messageCalls(sim)).toBe(0);
});

test.each(['/big.png', '/big-chunked.png'])('a file over Meta’s 5 MB image limit (%s) fails the items before any send or upload', async (path) => {
	const result = await send(sim, imageLink(path), { inputItems: recipients(2) });
	expect(result.error?.message).toMatch(/^Item 1: "Link" could not be fetched.*over WhatsApp's 5 MB limit/);
	expect(uploads()).toHaveLength(0);
	expect(messageCalls(sim)).toBe(0);
});

test('"Never" sends the link as before: nothing fetched, nothing uploaded', async () => {
	const result = await send(sim, imageLink('/dot.png', { linkUploadOnce: 'never' }), { inputItems: recipients(3) });
	expect(result.error).toBeUndefined();
	expect(served.paths).toEqual([]);
	expect(uploads()).toHaveLength(0);
	expect(sim.log().map((message) => message.body.image)).toEqual(Array(3).fill({ link: `${filesUrl}/dot.png` }));
});

test('by default a link sent to a single item still goes as a link (nothing to share)', async () => {
	const result = await send(sim, imageLink('/dot.png'), { inputItems: recipients(1) });
	expect(result.error).toBeUndefined();
	expect(served.paths).toEqual([]);
	expect(sim.log()[0].body.image).toEqual({ link: `${filesUrl}/dot.png` });
});

test('the link shares the binary upload cache: bytes already uploaded from a binary file are not uploaded again', async () => {
	const binary = await send(sim, { messageType: 'image', mediaSource: 'binary', binaryPropertyName: 'data' }, {
		inputItems: [{ json: {}, binary: { data: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'dot.png' } } }],
	});
	expect(binary.error).toBeUndefined();
	const result = await send(sim, imageLink('/dot.png'), { inputItems: recipients(3) });
	expect(result.error).toBeUndefined();
	expect(served.full).toBe(1);
	expect(uploads()).toHaveLength(1);
	expect(new Set(sim.log().map((message) => (message.body.image as { id?: string }).id))).toEqual(new Set([binary.outputs('Send')[0].mediaId]));
});
