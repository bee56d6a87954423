/**
 * Inbound messages in the number's sliding second. Meta: "Throughput is inclusive of inbound and outbound messages and
 * all message types" (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput). The gate
 * under jest's fake clock, on a transport stub that stamps each call's start; then the shared count through a real
 * redis-server, as a webhook process and a sending worker see it.
 */
import Redis from 'ioredis';
import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import { recordInboundMessages, sharedEntriesFor } from '.';
import { credentialsFor, recipientFor, sendText } from './__tests__/helpers';
import { WabaBudget } from './budget';
import { NumberLane, type GateEnvironment } from './gate';
import type { SharedStore } from './store';
import { hashKey, RedisStore, redisKeys } from './redis';
import { resolveRedisTarget } from '../redis';
import { DEFAULT_TIMINGS, readGateSettings } from './settings';
import type { GraphRequestHooks } from '../transport';
import type { GraphResponse, WhatsAppCredentials } from '../transport/types';
import { configureGateForTests, gateRegistryForTests, resetGateForTests } from '../../../test/support/testHooks';

const NUMBER = '399999999999993';
const BASE_URL = 'http://127.0.0.1:9';
const WINDOW_MS = DEFAULT_TIMINGS.secondMs + DEFAULT_TIMINGS.secondGuardMs;
const sim = { url: BASE_URL, fixture: { accessToken: 'EAAGvictim0token', wabaId: '200000000000009' } };
/** A number paced at 10 messages per second, so a second's counts are small. */
const credentials = (extra: Partial<WhatsAppCredentials> = {}) => credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 10, ...extra });
const laneKey = `${BASE_URL}|number:${NUMBER}`;
const STRANGER_TOKEN = 'EAAGmade0up0token';

describe('under a fake clock', () => {
	let starts: number[] = [];

	beforeEach(() => {
		jest.useFakeTimers({ now: 1_000_000 });
		starts = [];
		configureGateForTests({
			transport: <T>(from: WhatsAppCredentials, _request: unknown, hooks?: GraphRequestHooks) => {
				// Meta refuses a made-up token.
				if (from.accessToken === STRANGER_TOKEN) return Promise.reject(new Error('Invalid OAuth access token'));
				starts.push(Date.now());
				hooks?.onSent?.(Date.now());
				return new Promise<GraphResponse<T>>((resolve) => setTimeout(() => resolve({ status: 200, data: {} as T, usage: {} }), 100));
			},
		});
	});

	afterEach(async () => {
		await resetGateForTests();
		jest.useRealTimers();
	});

	async function broadcast(count: number, from = credentials()): Promise<void> {
		const sent = Promise.all(Array.from({ length: count }, (_, i) => sendText(from, `m${i}`, recipientFor(i), NUMBER)));
		await jest.advanceTimersByTimeAsync(10_000);
		await sent;
	}

	/** Starts plus inbound messages in the sliding second ending at each start: never above the rate. */
	function busiestSecond(inboundAt: number, inbound: number): number {
		return Math.max(...starts.map((end) => starts.filter((at) => at > end - WINDOW_MS && at <= end).length + (inboundAt > end - WINDOW_MS && inboundAt <= end ? inbound : 0)));
	}

	test('sends take only the places the inbound messages of their second left, less a margin for webhooks on their way', async () => {
		const at = Date.now();
		recordInboundMessages(credentials(), NUMBER, 6);
		await broadcast(10);
		expect(starts).toHaveLength(10);
		// 10 a second, 6 received, and 6 × 150 / 1,030 ms rounded up kept for messages Meta counted before their webhook came.
		const margin = Math.ceil((6 * DEFAULT_TIMINGS.inboundLagMs) / WINDOW_MS);
		expect(margin).toBe(1);
		expect(starts.filter((start) => start < at + WINDOW_MS)).toHaveLength(10 - 6 - margin);
		expect(busiestSecond(at, 6)).toBeLessThanOrEqual(10);
	});

	test('once the received messages have left the second, so has the margin: sends have the whole second again', async () => {
		recordInboundMessages(credentials(), NUMBER, 6);
		await jest.advanceTimersByTimeAsync(WINDOW_MS);
		const at = Date.now();
		await broadcast(10);
		expect(starts.filter((start) => start < at + WINDOW_MS)).toHaveLength(10);
	});

	test('without inbound messages the same broadcast takes the whole second (the send path is unchanged)', async () => {
		const at = Date.now();
		await broadcast(10);
		expect(starts.filter((start) => start < at + WINDOW_MS)).toHaveLength(10);
	});

	test('inbound messages past the rate are counted whole: sends start once they have left the second', async () => {
		const at = Date.now();
		recordInboundMessages(credentials(), NUMBER, 15);
		expect(gateRegistryForTests().lanes.get(laneKey)?.window.count(at)).toBe(15);
		await broadcast(3);
		expect(Math.min(...starts)).toBeGreaterThanOrEqual(at + WINDOW_MS);
	});

	test('a credential that turns the count off leaves the whole second to sends', async () => {
		const at = Date.now();
		recordInboundMessages(credentials({ countInboundMessages: false }), NUMBER, 6);
		await broadcast(10, credentials({ countInboundMessages: false }));
		expect(starts.filter((start) => start < at + WINDOW_MS)).toHaveLength(10);
	});

	test('a token that has not proved access to a number another token claimed takes none of its second, and gets no lane', async () => {
		const { proofs, lanes } = gateRegistryForTests();
		proofs.record(laneKey, hashKey(sim.fixture.accessToken), Date.now());
		recordInboundMessages(credentials(), NUMBER, 2);
		const stranger = credentials({ accessToken: STRANGER_TOKEN });
		recordInboundMessages(stranger, NUMBER, 8);
		expect(lanes.get(laneKey)?.window.count(Date.now())).toBe(2);
		expect([...lanes.keys()]).toEqual([laneKey]);
	});

	test('such a token counts on the lane of its own its sends already use', async () => {
		const { proofs, lanes } = gateRegistryForTests();
		proofs.record(laneKey, hashKey(sim.fixture.accessToken), Date.now());
		const stranger = credentials({ accessToken: STRANGER_TOKEN });
		// Its probe was refused lately: its sends go through a lane of its own (and Meta refuses them too).
		proofs.refuse(laneKey, hashKey(STRANGER_TOKEN), Date.now());
		const sent = sendText(stranger, 'hello', recipientFor(1), NUMBER).catch((error: Error) => error.message);
		await jest.advanceTimersByTimeAsync(100);
		expect(await sent).toContain('Invalid OAuth');
		const own = lanes.get(`${laneKey}|token:${hashKey(STRANGER_TOKEN)}`);
		const counted = own?.window.count(Date.now());
		recordInboundMessages(stranger, NUMBER, 3);
		expect(own?.window.count(Date.now())).toBe((counted ?? NaN) + 3);
		expect(lanes.get(laneKey)?.window.count(Date.now()) ?? 0).toBe(0);
	});

	test('a credential the gate cannot read counts nothing and throws nothing', () => {
		const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
		expect(() => recordInboundMessages(credentials({ customMessagesPerSecond: 0 }), NUMBER, 1)).not.toThrow();
		expect(gateRegistryForTests().lanes.size).toBe(0);
		expect(warn).toHaveBeenCalledWith(expect.stringContaining('Custom Messages per Second'));
		warn.mockRestore();
	});

	test('a lane shares its inbound count through its store with the window its sends reserve under', () => {
		const recorded: unknown[][] = [];
		let usable = true;
		const store = {
			usable: () => usable,
			connecting: () => false,
			recordInbound: async (...args: unknown[]) => void recorded.push(args),
		} as unknown as SharedStore;
		const env: GateEnvironment = { timings: { ...DEFAULT_TIMINGS }, transport: async () => { throw new Error('unused'); }, random: Math.random, warn: () => undefined };
		const settings = readGateSettings(credentials());
		const lane = new NumberLane('number-key', NUMBER, new WabaBudget('waba-key', undefined, settings, env), settings, env, store);
		try {
			lane.countInbound(Date.now(), 6);
			usable = false;
			lane.countInbound(Date.now(), 1);
			expect(recorded).toEqual([['number-key', 'waba-key', 6, DEFAULT_TIMINGS.secondMs + Math.max(DEFAULT_TIMINGS.secondGuardMs, DEFAULT_TIMINGS.redisSecondGuardMs)]]);
			expect(lane.window.count(Date.now())).toBe(7);
		} finally {
			lane.release();
		}
	});
});

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips.
const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

describeWithRedis('through a real redis-server', () => {
	let redis: TestRedis;
	const env: GateEnvironment = { timings: DEFAULT_TIMINGS, transport: async () => { throw new Error('unused'); }, random: Math.random, warn: () => undefined };
	// A minute's window: the counts stay put however slow the machine is between two calls.
	const reserve = (store: RedisStore, numberKey: string, wabaKey: string, requested: number) =>
		store.reserve({ numberKey, wabaKey, requested, numberCap: 10, numberWindowMs: 60_000, budgetCap: 1_000_000, budgetWindowMs: 3_600_000, budgetSlotMs: 1000 });

	beforeAll(async () => {
		redis = await startRedis();
	});
	afterAll(async () => {
		await redis?.stop();
	});
	afterEach(async () => {
		await resetGateForTests();
	});

	async function readyStore(): Promise<RedisStore> {
		const store = new RedisStore(resolveRedisTarget(redis.url, {})!, env);
		while (!store.usable()) await new Promise((resolve) => setTimeout(resolve, 10));
		return store;
	}

	it("a reservation grants only the rest of the number's window, whatever the cap, and the WABA's hour stays untouched", async () => {
		const store = await readyStore();
		const admin = new Redis(redis.url);
		try {
			await store.recordInbound('n1', 'w1', 6, 60_000);
			expect((await reserve(store, 'n1', 'w1', 10)).granted).toBe(4);
			await store.recordInbound('n2', 'w2', 15, 60_000);
			expect((await reserve(store, 'n2', 'w2', 1)).granted).toBe(0);
			// The hour holds the 4 calls granted, none of the inbound messages: they are no Graph calls.
			expect(await admin.hget(redisKeys('n1', 'w1')[1], 'total')).toBe('4');
		} finally {
			await admin.quit();
			await store.close();
		}
	});

	it('what a webhook process counts, a sending worker sees under the keys its own sends reserve under', async () => {
		const withRedis = credentials({ redisUrl: redis.url });
		await sharedEntriesFor(withRedis);
		recordInboundMessages(withRedis, NUMBER, 7);
		const worker = await readyStore();
		const admin = new Redis(redis.url);
		try {
			// The worker's keys for this number and WABA, as the gate forms them (index.ts); the count is sent without waiting.
			const numberKey = redisKeys(laneKey, `${BASE_URL}|waba:${sim.fixture.wabaId}`)[0];
			for (let tries = 0; tries < 100 && (await admin.hget(numberKey, 'total')) === null; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
			const { granted } = await reserve(worker, laneKey, `${BASE_URL}|waba:${sim.fixture.wabaId}`, 10);
			expect(granted).toBe(3);
		} finally {
			await admin.quit();
			await worker.close();
		}
	});
});
