/**
 * Across processes, a reserved call whose request is still unwritten keeps its place in Redis's shared sliding second
 * until it leaves, as it does in its own process (unwritten.test.ts): a CPU-starved queue-mode worker sent its
 * reserved second hundreds of ms late, after the other workers had seen the room free and filled it (`npm run bench --
 * queue`: peaks of 1,310–1,339 against 1,000). Two gate processes share one number through a real redis-server; the
 * simulator runs in a process of its own (see __tests__/simulatorClient.ts).
 */
import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import { credentialsFor, FAST_NUMBER, warmUp } from './__tests__/helpers';
import { startSimulatorProcess, type SimulatorProcess } from './__tests__/simulatorClient';
import { RedisStore } from './redis';
import { resolveRedisTarget } from '../redis';
import { DEFAULT_TIMINGS } from './settings';

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips: a missing binary fails.
const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

describeWithRedis('calls written late, across processes sharing a number through Redis', () => {
	const BASELINE = { latency: { median: 10, p90: 25, p99: 40, max: 60, min: 3 }, mps: { [FAST_NUMBER]: 100 } };
	let redis: TestRedis;
	let sim: SimulatorProcess;

	beforeAll(async () => {
		sim = await startSimulatorProcess(BASELINE);
	});

	afterAll(async () => {
		await sim?.stop();
	});

	beforeEach(async () => {
		redis = await startRedis();
		await sim.configure(BASELINE);
		await warmUp(credentialsFor(sim));
		await sim.reset();
	});

	afterEach(async () => {
		await redis.stop();
	});

	it("counts a late departure again when it leaves, even once the number's counts have all left the shared second", async () => {
		const store = new RedisStore(resolveRedisTarget(redis.url, {})!, { timings: DEFAULT_TIMINGS, transport: async () => { throw new Error('unused'); }, random: Math.random, warn: () => undefined });
		const reserve = (requested: number) =>
			store.reserve({ numberKey: 'n', wabaKey: 'w', requested, numberCap: 10, numberWindowMs: 1000, budgetCap: 1_000_000, budgetWindowMs: 3_600_000, budgetSlotMs: 1000 });
		try {
			while (!store.usable()) await new Promise((resolve) => setTimeout(resolve, 10));
			const granted = await reserve(5);
			expect(granted.granted).toBe(5);
			// A second later their slot has left the window: a reservation of nothing drops it (and with it the number's hash).
			await new Promise((resolve) => setTimeout(resolve, 1100));
			const empty = await reserve(0);
			// The five leave now: they take their places again, so only five more fit.
			await store.moveLate('n', 'w', 1000, Array.from({ length: 5 }, (): [number, number] => [granted.redisNow, empty.redisNow]));
			expect((await reserve(10)).granted).toBe(5);
		} finally {
			await store.close();
		}
	});
});
