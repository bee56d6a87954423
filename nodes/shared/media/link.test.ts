/**
 * A media link's fetch over real HTTP (a local file server counting requests): one fetch for concurrent callers, reuse
 * as the server's caching headers allow (Meta's link cache rules:
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#media-http-caching), a timeout, and
 * Meta's MIME table. Loopback is allowed here through n8n's N8N_SSRF_ALLOWED_IP_RANGES, as an admin would.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { MediaLinkError, resolveMediaLink } from './link';
import { clearMediaLinks } from '../../../test/support/testHooks';

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);
let server: http.Server;
let base = '';
const hits: string[] = [];
const stalled: http.ServerResponse[] = [];

beforeAll(async () => {
	process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
	server = http.createServer((req, res) => {
		hits.push(req.url ?? '');
		if (req.url === '/stall.png') {
			// Never answers: only the timeout ends the fetch.
			stalled.push(res);
			return;
		}
		const cacheControl = req.url === '/fresh.png' ? 'max-age=600' : req.url === '/nostore.png' ? 'no-store' : undefined;
		const type = req.url === '/page.html' ? 'text/html' : 'image/png';
		res.writeHead(200, { 'content-type': type, ...(cacheControl ? { 'cache-control': cacheControl } : {}) }).end(PNG);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
	hits.length = 0;
	clearMediaLinks();
});
afterAll(async () => {
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
	for (const res of stalled) res.destroy();
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('concurrent callers of one link share one fetch', async () => {
	const files = await Promise.all(Array.from({ length: 50 }, () => resolveMediaLink(`${base}/fresh.png`, 'image')));
	expect(hits).toEqual(['/fresh.png']);
	expect(new Set(files.map((file) => file.sha256)).size).toBe(1);
	expect(files[0]).toMatchObject({ mimeType: 'image/png', kind: 'image', fileSize: PNG.length, fileName: 'fresh.png', fetched: true });
});

test('max-age: reused without a request until it runs out', async () => {
	let now = 1_700_000_000_000;
	await resolveMediaLink(`${base}/fresh.png`, 'image', undefined, { now: () => now });
	now += 599_000;
	const reused = await resolveMediaLink(`${base}/fresh.png`, 'image', undefined, { now: () => now });
	expect(reused.fetched).toBe(false);
	expect(reused.data).toBeUndefined();
	expect(hits).toHaveLength(1);
	now += 2_000;
	expect(await resolveMediaLink(`${base}/fresh.png`, 'image', undefined, { now: () => now })).toMatchObject({ fetched: true });
	expect(hits).toHaveLength(2);
});

test('no-store: fetched again every time', async () => {
	await resolveMediaLink(`${base}/nostore.png`, 'image');
	await resolveMediaLink(`${base}/nostore.png`, 'image');
	expect(hits).toEqual(['/nostore.png', '/nostore.png']);
});

test('a server that does not answer fails after the timeout', async () => {
	await expect(resolveMediaLink(`${base}/stall.png`, 'image', undefined, { timeoutMs: 200 })).rejects.toThrow(
		new MediaLinkError('it did not answer within 200 ms'),
	);
});

test('a file whose MIME type WhatsApp does not take for the kind is refused, saying which', async () => {
	await expect(resolveMediaLink(`${base}/page.html`, 'image')).rejects.toThrow(/WhatsApp does not accept MIME type "text\/html"/);
});

test.each(['not a url', 'ftp://files.example/a.png'])('"%s" is refused before any request', async (url) => {
	await expect(resolveMediaLink(url, 'image')).rejects.toBeInstanceOf(MediaLinkError);
	expect(hits).toEqual([]);
});
