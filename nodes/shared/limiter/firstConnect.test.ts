/**
 * A Redis the gate cannot finish connecting to (a server that takes the connection and never answers: a frozen one,
 * or a Redis Cluster master frozen during ioredis's ready check, which has no deadline). Its lanes stop waiting after
 * 2 s and use local limits: the gate says so then, once, and once more when the connection is made, as it does when
 * Redis is lost and back. A fake Redis, frozen until the test thaws it, stands in; under jest's fake clock (the
 * sockets' I/O is real).
 */
import { RedisStore } from './redis';
import { resolveRedisTarget } from '../redis';
import { DEFAULT_TIMINGS } from './settings';
import type { GateEnvironment } from './gate';
import { startFakeRedis, type FakeRedis } from '../../../test/support/fakeRedis';
import { forgetRedisVersionChecks } from '../../../test/support/testHooks';

let fake: FakeRedis | undefined;

afterEach(async () => {
	jest.useRealTimers();
	await fake?.close();
	fake = undefined;
	forgetRedisVersionChecks();
});

/** The real clock (jest's fake one replaces `Date` later). */
const realNow = Date.now.bind(Date);

/**
 * Lets the sockets' I/O run (fake timers do not drive it) until `until` holds, for at most 5 s of real time: on a busy
 * machine the loopback bytes may take longer than any fixed number of event-loop turns (CI once gave up after 200).
 */
async function ioTurns(until: () => boolean): Promise<void> {
	const giveUpAt = realNow() + 5000;
	while (!until() && realNow() < giveUpAt) await new Promise((resolve) => setImmediate(resolve));
}

test('a first connection not made within 2 s is warned about once, naming the server, and again once it is made', async () => {
	fake = await startFakeRedis({ redis_version: '7.4.6', redis_mode: 'standalone' }, { frozen: true });
	jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
	const warnings: Array<{ topic: string; message: string }> = [];
	const env = { timings: DEFAULT_TIMINGS, transport: async () => Promise.reject(new Error('unused')), random: Math.random, warn: (topic: string, message: string) => void warnings.push({ topic, message }) } as GateEnvironment;
	const store = new RedisStore(resolveRedisTarget(`redis://127.0.0.1:${fake.port}`, {})!, env);
	try {
		await ioTurns(() => fake!.connections > 0);
		expect(fake.connections).toBeGreaterThan(0);
		await jest.advanceTimersByTimeAsync(1900);
		expect(store.connecting()).toBe(true);
		expect(warnings).toEqual([]);
		await jest.advanceTimersByTimeAsync(200);
		// Its lanes no longer wait for it: local limits, said once.
		expect(store.connecting()).toBe(false);
		expect(store.usable()).toBe(false);
		await jest.advanceTimersByTimeAsync(5000);
		expect(warnings).toEqual([
			{ topic: `redis-first-connect:${store.targetKey}`, message: `Redis ${store.targetKey} has not finished connecting within 2 s; the gate uses local limits until it does` },
		]);
		fake.thaw();
		await ioTurns(() => store.usable());
		expect(store.usable()).toBe(true);
		expect(warnings.map((warning) => warning.topic)).toEqual([`redis-first-connect:${store.targetKey}`, `redis-connected:${store.targetKey}`]);
	} finally {
		await store.close();
	}
});
