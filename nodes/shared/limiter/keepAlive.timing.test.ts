/**
 * Across processes, a reserved call whose request is still unwritten keeps its place in Redis's shared sliding second
 * until it leaves, as it does in its own process (unwritten.test.ts): a CPU-starved queue-mode worker sent its
 * reserved second hundreds of ms late, after the other workers had seen the room free and filled it (`npm run bench --
 * queue`: peaks of 1,310–1,339 against 1,000). Two gate processes share one number through a real redis-server; the
 * simulator runs in a process of its own (see __tests__/simulatorClient.ts).
 */
import Redis from 'ioredis';
import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import { credentialsFor, FAST_NUMBER, peakInWindow, warmUp } from './__tests__/helpers';
import { jobBase, startWorkers } from './__tests__/processes';
import { bareStore, reserverOn } from './__tests__/store';
import { startSimulatorProcess, type SimulatorProcess } from './__tests__/simulatorClient';
import { redisKeys } from './redis';

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

	it('keeps their place in the shared second while unwritten: the other process never sends into it', async () => {
		const job = { ...jobBase(sim, redis.url), messagesPerSecond: 100 };
		// A's calls are counted in Redis when granted and written 1.5 s later; B has two seconds' worth to send at once.
		const workers = await startWorkers([
			{ ...job, count: 100, prefix: 'a', recipientOffset: 0, writeLate: { calls: 100, afterMs: 1500 } },
			{ ...job, count: 200, prefix: 'b', recipientOffset: 1000 },
		]);
		const [late, other] = workers.children;
		const admin = new Redis(redis.url);
		try {
			late.send({ go: true });
			// B starts once A holds the whole shared second (the number's count in Redis, under the keys the gate forms).
			const numberHash = redisKeys(`${sim.url}|number:${FAST_NUMBER}`, `${sim.url}|waba:${sim.fixture.wabaId}`)[0];
			while (Number(await admin.hget(numberHash, 'total')) < 100) await new Promise((resolve) => setTimeout(resolve, 10));
			other.send({ go: true });
			const reports = await workers.reports;
			expect(reports.map((report) => report.failed)).toEqual([0, 0]);
			expect(reports.every((report) => report.sharedThroughRedis)).toBe(true);
		} finally {
			await admin.quit();
		}
		const counters = await sim.counters();
		const log = await sim.log();
		process.stdout.write(
			`[late writes across 2 processes at 100 mps] peak ${counters.peakPerSecond[FAST_NUMBER]} in a sliding second, 130429: ${counters.rejectedByCode['130429'] ?? 0}\n`,
		);
		// Every call start counts in the peak, refused or not.
		expect(counters.peakPerSecond[FAST_NUMBER]).toBeLessThanOrEqual(100);
		expect(counters.rejectedByCode['130429'] ?? 0).toBe(0);
		expect(peakInWindow(log.map((message) => message.acceptedAt), 1000)).toBeLessThanOrEqual(100);
		expect(new Set(log.map((message) => (message.body.text as { body: string }).body)).size).toBe(300);
		expect(log).toHaveLength(300);
	});

	it("keeps a head start's calls moved ahead of Redis's present counted after a later reservation, until they leave", async () => {
		const store = bareStore(redis.url);
		const reserve = reserverOn(store, 'n', 'w', 1000);
		try {
			while (!store.usable()) await new Promise((resolve) => setTimeout(resolve, 10));
			const granted = await reserve(5);
			// They left with a head start's guard (800 ms here): counted that far ahead of Redis's present.
			await store.moveLate('n', 'w', 1000, Array.from({ length: 5 }, (): [number, number] => [granted.redisNow, granted.redisNow + 800]));
			// Another reservation counts at the present, behind them.
			expect((await reserve(1)).granted).toBe(1);
			// Past that reservation's second (not theirs): the five still take their places.
			await new Promise((resolve) => setTimeout(resolve, 1200));
			expect((await reserve(10)).granted).toBe(5);
		} finally {
			await store.close();
		}
	});

	it("counts a late departure again when it leaves, even once the number's counts have all left the shared second", async () => {
		const store = bareStore(redis.url);
		const reserve = reserverOn(store, 'n', 'w', 1000);
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
