/**
 * "Upload Once and Send by ID" shared through the gate's Redis (a real redis-server): a process that neither fetched
 * nor uploaded a link's file sends the media ID another process uploaded, after one conditional request its server
 * answers 304. Each "process" is this one with its local caches emptied; Redis is what they share.
 * Meta: media IDs over links for throughput, https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput;
 * the validators follow Meta's link cache, https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#media-http-caching
 */
import Redis from 'ioredis';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import type { Simulator } from '../../../test/simulator';
import { closeRedisClients } from '../../shared/redis';
import { send, withSimulator } from './helpers';
import { clearConversationLedgers, clearMediaCache, clearMediaLinks, resetGateForTests } from '../../../test/support/testHooks';

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips.
const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);
const ETAG = '"dot-v1"';

describeWithRedis('media links sent by ID, through the gate\'s Redis', () => {
	let sim: Simulator;
	let redis: TestRedis;
	let files: http.Server;
	let link = '';
	const served = { full: 0, notModified: 0 };

	withSimulator((started) => (sim = started));

	beforeAll(async () => {
		process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
		redis = await startRedis();
		files = http.createServer((req, res) => {
			const headers = { 'content-type': 'image/png', etag: ETAG, 'cache-control': 'no-cache' };
			if (req.headers['if-none-match'] === ETAG) {
				served.notModified++;
				res.writeHead(304, headers).end();
				return;
			}
			served.full++;
			res.writeHead(200, headers).end(PNG);
		});
		await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
		link = `http://127.0.0.1:${(files.address() as AddressInfo).port}/promo.png`;
	});

	afterAll(async () => {
		delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
		await resetGateForTests();
		// Send Message reads the conversation ledger through the same Redis: its shared client must close too, or its
		// reconnect timer keeps the test run alive once Redis is stopped.
		await closeRedisClients();
		clearConversationLedgers();
		clearMediaCache();
		clearMediaLinks();
		files.closeAllConnections();
		await new Promise<void>((resolve) => files.close(() => resolve()));
		await redis.stop();
	});

	beforeEach(async () => {
		const client = new Redis(redis.url);
		await client.flushall();
		client.disconnect();
	});

	const items = Array.from({ length: 4 }, (_, i) => ({ json: { phone: `+1 650 555 ${1000 + i}` } }));
	const parameters = { messageType: 'image', mediaSource: 'link', mediaLink: '', recipient: '={{ $json.phone }}' };
	const uploads = () => sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/media')).length;

	test('another process sends the media ID one process uploaded: one 304, no fetch and no upload of its own', async () => {
		const first = await send(sim, { ...parameters, mediaLink: link }, { inputItems: items, credentials: { redisUrl: redis.url } });
		expect(first.error).toBeUndefined();
		expect(served).toEqual({ full: 1, notModified: 0 });
		expect(uploads()).toBe(1);

		// Another process: nothing of the link or its media ID in memory.
		clearMediaCache();
		clearMediaLinks();
		const second = await send(sim, { ...parameters, mediaLink: link }, { inputItems: items, credentials: { redisUrl: redis.url } });
		expect(second.error).toBeUndefined();
		expect(served).toEqual({ full: 1, notModified: 1 });
		expect(uploads()).toBe(1);
		const ids = new Set(sim.log().map((message) => (message.body.image as { id?: string }).id));
		expect(ids.size).toBe(1);
		expect([...ids][0]).toMatch(/^\d+$/);
		expect(second.outputs('Send').every((output) => output.fromCache === true)).toBe(true);

		// In Redis under hashed keys only: the link never appears as it is.
		const client = new Redis(redis.url);
		try {
			const keys = await client.keys('wa-cache:*');
			expect(keys.length).toBeGreaterThanOrEqual(2);
			expect(keys.join(' ')).not.toContain('promo.png');
		} finally {
			client.disconnect();
		}
	});
});
