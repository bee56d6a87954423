/**
 * Counting people under the messaging limit, under a fake clock: unique people per moving 24 hours, a person already
 * counted costs no new place and stays counted 24 h after the latest message, a place frees when the oldest leaves.
 * Meta: "the maximum number of unique WhatsApp user phone numbers your business can deliver messages to, outside of a
 * customer service window, within a moving 24-hour period", shared by the portfolio's numbers
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits). The same rules through
 * a real redis-server, across two processes, and memory alone when Redis is gone.
 */
import Redis from 'ioredis';

import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import { MemoryLedger } from './memory';
import { PortfolioReach, REACH_WINDOW_MS, reachOf } from './reach';
import { RedisLedger } from './redis';

const T0 = Date.UTC(2026, 11, 5, 8, 0, 0);
const MINUTE = 60_000;
const people = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `1650555${String(from + i).padStart(4, '0')}`);

describe('PortfolioReach (pure, fake clock)', () => {
	it('admits unique people up to the limit and refuses the rest, saying when the oldest place frees', () => {
		const reach = new PortfolioReach();
		const answers = reach.admit(people(5), 3, T0);
		expect(answers.slice(0, 3)).toEqual([{ admitted: true, isNew: true }, { admitted: true, isNew: true }, { admitted: true, isNew: true }]);
		expect(answers.slice(3)).toEqual([{ admitted: false, freesAt: T0 + REACH_WINDOW_MS }, { admitted: false, freesAt: T0 + REACH_WINDOW_MS }]);
		expect(reach.count(T0)).toBe(3);
	});

	it('admits a person already counted at the limit, without a new place', () => {
		const reach = new PortfolioReach();
		reach.admit(people(3), 3, T0);
		expect(reach.admit([people(1)[0]], 3, T0 + MINUTE)).toEqual([{ admitted: true, isNew: false }]);
		expect(reach.count(T0 + MINUTE)).toBe(3);
	});

	it('frees a place 24 hours after the oldest message, not before', () => {
		const reach = new PortfolioReach();
		reach.admit(people(1, 0), 2, T0);
		reach.admit(people(1, 1), 2, T0 + 10 * MINUTE);
		expect(reach.admit(people(1, 2), 2, T0 + REACH_WINDOW_MS - 1)).toEqual([{ admitted: false, freesAt: T0 + REACH_WINDOW_MS }]);
		expect(reach.admit(people(1, 2), 2, T0 + REACH_WINDOW_MS)).toEqual([{ admitted: true, isNew: true }]);
		// The next place frees when the second person's 24 hours end.
		expect(reach.admit(people(1, 3), 2, T0 + REACH_WINDOW_MS)).toEqual([{ admitted: false, freesAt: T0 + 10 * MINUTE + REACH_WINDOW_MS }]);
	});

	it('keeps a person messaged again counted 24 hours after the latest message', () => {
		const reach = new PortfolioReach();
		const [first, second] = people(2);
		reach.admit([first, second], 2, T0);
		reach.admit([first], 2, T0 + 60 * MINUTE);
		// The second person's place frees first, though the first was counted first.
		expect(reach.admit(people(1, 9), 2, T0 + REACH_WINDOW_MS)).toEqual([{ admitted: true, isNew: true }]);
		expect(reach.count(T0 + REACH_WINDOW_MS)).toBe(2);
		expect(reach.count(T0 + 60 * MINUTE + REACH_WINDOW_MS)).toBe(1);
	});

	it('gives back the places of messages Meta refused', () => {
		const reach = new PortfolioReach();
		reach.admit(people(2), 2, T0);
		reach.release([people(1)[0]]);
		expect(reach.admit(people(1, 5), 2, T0)).toEqual([{ admitted: true, isNew: true }]);
	});

	it('counts each portfolio of a ledger apart', async () => {
		const reach = reachOf(new MemoryLedger());
		await reach.admit('waba:1', people(2), 2, T0);
		expect(await reach.admit('waba:2', people(2), 2, T0)).toEqual([{ admitted: true, isNew: true }, { admitted: true, isNew: true }]);
		expect(await reach.admit('waba:1', people(1, 7), 2, T0)).toEqual([{ admitted: false, freesAt: T0 + REACH_WINDOW_MS }]);
	});
});

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips.
const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

describeWithRedis('reach through Redis', () => {
	let redis: TestRedis;
	const clients: Redis[] = [];

	/** A ledger as one n8n process holds it: its own connection and its own memory. */
	function processLedger(): RedisLedger {
		const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 500, retryStrategy: () => 100 });
		client.on('error', () => undefined);
		clients.push(client);
		return new RedisLedger({ client: () => client, memory: new MemoryLedger(), timeoutMs: 500, keySecret: Buffer.from('test') });
	}

	beforeAll(async () => {
		redis = await startRedis();
	});

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
	});

	afterAll(async () => {
		await redis.stop();
	});

	it('two processes share the portfolio\'s places; the key expires and names no phone number', async () => {
		const one = reachOf(processLedger());
		const two = reachOf(processLedger());
		expect(await one.admit('waba:9', people(2), 3, T0)).toEqual([{ admitted: true, isNew: true }, { admitted: true, isNew: true }]);
		expect(await two.admit('waba:9', [people(1)[0], ...people(2, 10)], 3, T0 + MINUTE)).toEqual([
			{ admitted: true, isNew: false },
			{ admitted: true, isNew: true },
			{ admitted: false, freesAt: T0 + REACH_WINDOW_MS },
		]);
		const inspector = new Redis(redis.url);
		clients.push(inspector);
		const keys = await inspector.keys('*');
		expect(keys).toHaveLength(1);
		expect(keys[0]).not.toMatch(/waba|9/);
		expect(await inspector.pttl(keys[0])).toBeGreaterThan(0);
		expect((await inspector.zrange(keys[0], 0, -1)).join(' ')).not.toContain('1650555');
		// A refused send gives its place back for every process.
		await two.release('waba:9', people(1, 10));
		expect(await one.admit('waba:9', people(1, 20), 3, T0 + 2 * MINUTE)).toEqual([{ admitted: true, isNew: true }]);
		await inspector.flushall();
	});

	it('answers from this process\'s memory while Redis is gone', async () => {
		const reach = reachOf(processLedger());
		await reach.admit('waba:8', people(2), 2, T0);
		await redis.kill();
		try {
			expect(await reach.admit('waba:8', people(1, 30), 2, T0 + MINUTE)).toEqual([{ admitted: false, freesAt: T0 + REACH_WINDOW_MS }]);
		} finally {
			await redis.restart();
		}
	});
});
