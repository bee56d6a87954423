/**
 * The gate against the simulator's own enforcement over real HTTP, with timings scaled so each test takes seconds.
 * The simulator runs in a process of its own (as Meta is another machine), so a busy jest process cannot bunch the
 * arrival stamps of calls the gate spread out: see __tests__/simulatorClient.ts.
 */
import type { SimulatorOptions } from '../../../test/simulator/types';
import { getGateStatus, type GateTimings } from '.';
import { credentialsFor, FAST_NUMBER, peakInWindow, recipientFor, sendText, warmUp } from './__tests__/helpers';
import { startSimulatorProcess, type SimulatorProcess } from './__tests__/simulatorClient';
import { isGraphApiError } from '../transport';
import { configureGateForTests, resetGateForTests } from '../../../test/support/testHooks';

const FAST_TIMINGS: Partial<GateTimings> = {
	throttleRetryMs: 100,
	transientBackoffBaseMs: 20,
	transientBackoffMaxMs: 200,
	budgetPauseBaseMs: 300,
	maintenanceWaitMs: 300,
	pairBackoffBaseMs: 300,
	recoveryIntervalMs: 250,
	recoveryStep: 0.1,
};
const SMALL_LATENCY = { median: 10, p90: 25, p99: 40, max: 60, min: 3 };

// The options a test may change, as the simulator starts: restored before each test (a reset keeps options).
// `hourlyBudget: null` is the default budget (1,800,000 × numbers); JSON has no undefined.
const BASELINE = {
	latency: SMALL_LATENCY,
	mps: {},
	hourlyBudget: null as unknown as undefined,
	budgetWindowMs: 3_600_000,
	pairBurst: 45,
	pairIntervalMs: 6000,
} satisfies Partial<SimulatorOptions>;

let sim: SimulatorProcess;

beforeAll(async () => {
	sim = await startSimulatorProcess(BASELINE);
});

afterAll(async () => {
	await sim?.stop();
});

beforeEach(async () => {
	await resetGateForTests();
	configureGateForTests({ timings: FAST_TIMINGS });
	await sim.configure(BASELINE);
	await warmUp(credentialsFor(sim));
	await sim.reset();
});

afterEach(async () => {
	await resetGateForTests();
});

function bodiesOf(log: Array<{ body: Record<string, unknown> }>): string[] {
	return log.map((message) => (message.body.text as { body: string }).body);
}

describe('per-number pacing', () => {
	it('sends a burst of 500 calls at 200 mps with no 130429 and never more than 200 in any second', async () => {
		await sim.configure({ mps: { [FAST_NUMBER]: 200 } });
		const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 200 });
		const results = await Promise.all(Array.from({ length: 500 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i))));
		expect(results).toHaveLength(500);
		const counters = await sim.counters();
		expect(counters.rejectedByCode['130429'] ?? 0).toBe(0);
		expect(counters.peakPerSecond[FAST_NUMBER]).toBeLessThanOrEqual(200);
		expect(new Set(bodiesOf(await sim.log())).size).toBe(500);
	});

	// A high-throughput number at its tier's rate. (With the simulator in the jest process this failed now and then:
	// a stalled event loop stamped ~200 ms of arrivals at once, 30 × 130429 on CI.)
	it('sends 2,000 calls at 1,000 mps with no 130429', async () => {
		const credentials = credentialsFor(sim, { throughputTier: 'high' });
		await Promise.all(Array.from({ length: 2000 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i))));
		const counters = await sim.counters();
		// The figures a stability run reports (peak and 130429s per run).
		process.stdout.write(
			`[gate 1,000 mps] peak ${counters.peakPerSecond[FAST_NUMBER]} in a sliding second, 130429: ${counters.rejectedByCode['130429'] ?? 0}, simulator niceness ${sim.niceness}\n`,
		);
		expect(counters.rejectedByCode['130429'] ?? 0).toBe(0);
		expect(counters.peakPerSecond[FAST_NUMBER]).toBeLessThanOrEqual(1000);
		expect(await sim.log()).toHaveLength(2000);
	});

	it('applies a changed messages-per-second setting without a restart', async () => {
		await sim.configure({ mps: { [FAST_NUMBER]: 20 } });
		const fast = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 200 });
		await sendText(fast, 'warm-up', recipientFor(0));
		const slow = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 20 });
		await Promise.all(Array.from({ length: 60 }, (_, i) => sendText(slow, `m${i}`, recipientFor(i + 1))));
		expect((await sim.counters()).rejectedByCode['130429'] ?? 0).toBe(0);
		expect(getGateStatus(slow).find((s) => s.scope === 'phoneNumber')?.messagesPerSecond).toBe(20);
	});
});

describe('rolling budget', () => {
	it('never holds more than the budget in any window of its length, at every instant', async () => {
		// Budget 100 per 2 s: a fixed window or token bucket would let up to 200 through around a boundary.
		// The guard covers arrival jitter (1 s of an hour by default); scaled to 2 s, 5 % (the sending jest process on a
		// busy 2-core machine still lags by tens of ms).
		configureGateForTests({ timings: { ...FAST_TIMINGS, hourMs: 2000, hourSlotMs: 10, hourGuardMs: 100 } });
		await sim.configure({ hourlyBudget: 100, budgetWindowMs: 2000, mps: { [FAST_NUMBER]: 200 } });
		const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 200, hourlyCallBudget: 100 });
		await Promise.all(Array.from({ length: 300 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i))));
		const log = await sim.log();
		expect(log).toHaveLength(300);
		expect(peakInWindow(log.map((message) => message.acceptedAt), 2000)).toBeLessThanOrEqual(100);
		expect((await sim.counters()).rejectedByCode['80007'] ?? 0).toBe(0);
		expect((await sim.counters()).peakBudgetWindow[sim.fixture.wabaId]).toBeLessThanOrEqual(100);
	});

	it('counts every messaging call against the budget, not only sends (management calls count apart: families.timing.test.ts)', async () => {
		const credentials = credentialsFor(sim, { hourlyCallBudget: 1000 });
		await sendText(credentials, 'hello', recipientFor(1));
		const { scheduleGraphCall } = await import('.');
		await scheduleGraphCall({ credentials, request: { method: 'GET', path: `/${FAST_NUMBER}` } });
		const waba = getGateStatus(credentials).find((status) => status.scope === 'waba');
		expect(waba?.sentLastHour).toBe(2);
		expect(waba?.budgetLeft).toBe(998);
	});

	it('reads the count of registered numbers from the WABA for the default budget', async () => {
		const credentials = credentialsFor(sim, { registeredNumbers: 0 });
		await sendText(credentials, 'hello', recipientFor(1));
		await new Promise((resolve) => setTimeout(resolve, 200));
		const waba = getGateStatus(credentials).find((status) => status.scope === 'waba');
		expect(waba?.hourlyBudget).toBe(1_800_000 * sim.fixture.phoneNumbers.length);
	});
});

describe('pair rate', () => {
	it('holds one busy recipient to the pair rate while the other recipients flow', async () => {
		// The margin the gate keeps at Meta's 6 s (5 % + 25 ms) is thin at a 400 ms scale when the sending process lags
		// by tens of ms on a busy machine: give the scaled test a comparable share of headroom.
		configureGateForTests({ timings: { ...FAST_TIMINGS, pairBurst: 3, pairIntervalMs: 500 } });
		await sim.configure({ pairBurst: 3, pairIntervalMs: 400 });
		const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 100 });
		const busy = '16505559999';
		const started = Date.now();
		const finished: Record<string, number[]> = { busy: [], others: [] };
		await Promise.all([
			...Array.from({ length: 7 }, (_, i) => sendText(credentials, `busy${i}`, busy).then(() => finished.busy.push(Date.now() - started))),
			...Array.from({ length: 40 }, (_, i) => sendText(credentials, `other${i}`, recipientFor(i)).then(() => finished.others.push(Date.now() - started))),
		]);
		expect((await sim.counters()).rejectedByCode['131056'] ?? 0).toBe(0);
		// 3 in a burst, then one per ~550 ms: the 7th needs about 4 × 550 ms.
		expect(Math.max(...finished.busy)).toBeGreaterThanOrEqual(1400);
		// The others are not held behind the busy recipient: Meta accepted every one of them before the 4th busy message,
		// the first that had to wait for the pair rate. (Meta's own order, not a wall-clock bound: a busy machine slows
		// both alike.)
		const log = await sim.log();
		const busyOrder = log.filter((m) => m.waId === busy).map((m) => (m.body.text as { body: string }).body);
		expect(busyOrder).toEqual(Array.from({ length: 7 }, (_, i) => `busy${i}`));
		const fourthBusy = log.findIndex((m) => (m.body.text as { body: string }).body === 'busy3');
		const others = log.flatMap((m, index) => (m.waId === busy ? [] : [index]));
		expect(others).toHaveLength(40);
		expect(Math.max(...others)).toBeLessThan(fourthBusy);
	});

	it('delays only the recipient that got 131056, by the 4^n backoff', async () => {
		configureGateForTests({ timings: { ...FAST_TIMINGS, pairBackoffBaseMs: 600 } });
		const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 100 });
		const slowed = '16505558888';
		await sim.scriptFaults([{ recipient: slowed, count: 1, action: { kind: 'error', code: 131056 } }]);
		const started = Date.now();
		let slowedDoneAt = 0;
		await Promise.all([
			sendText(credentials, 'slowed', slowed).then(() => (slowedDoneAt = Date.now() - started)),
			...Array.from({ length: 10 }, (_, i) => sendText(credentials, `other${i}`, recipientFor(i))),
		]);
		expect(slowedDoneAt).toBeGreaterThanOrEqual(600);
		// The others did not wait for the slowed recipient's backoff: Meta accepted all ten before it. (Meta's own order,
		// not a wall-clock bound: a busy machine slows both alike.)
		const log = await sim.log();
		expect(log.map((m) => m.waId)).toEqual([...Array.from({ length: 10 }, () => expect.not.stringMatching(`^${slowed}$`)), slowed]);
		expect((await sim.counters()).rejectedByCode['131056']).toBe(1);
	});
});

describe('reactions to Meta', () => {
	it('pauses the WABA for the estimated_time_to_regain_access of the usage header after 80007', async () => {
		// The simulator's budget (20 per 2 s) is below the credential's: the gate learns it from 80007.
		await sim.configure({ hourlyBudget: 20, budgetWindowMs: 2000, mps: { [FAST_NUMBER]: 100 } });
		const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 100, hourlyCallBudget: 100000 });
		await Promise.all(Array.from({ length: 40 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i))));
		const accepted = (await sim.log()).map((message) => message.acceptedAt).sort((a, b) => a - b);
		expect(accepted).toHaveLength(40);
		// The 21st waits for the first to leave the simulator's window instead of hammering it.
		expect(accepted[20] - accepted[0]).toBeGreaterThanOrEqual(1900);
		// Only calls already under way when the first 80007 came back can meet another: at most the 20 waiting ones.
		expect((await sim.counters()).rejectedByCode['80007'] ?? 0).toBeLessThanOrEqual(20);
	});

	it('backs off after an 80007 without a usage header and then succeeds', async () => {
		const credentials = credentialsFor(sim);
		await sim.scriptFaults([{ path: '/messages', count: 1, action: { kind: 'error', code: 80007 } }]);
		const started = Date.now();
		await sendText(credentials, 'once', recipientFor(1));
		expect(Date.now() - started).toBeGreaterThanOrEqual(150);
		expect(await sim.log()).toHaveLength(1);
	});

	it('slows a number down after 130429 when Meta allows less than the setting, and sends every item once', async () => {
		// Recovery at 20 % a second (scaled from 5 %): each second past Meta's limit costs about that share in 130429s.
		configureGateForTests({ timings: { ...FAST_TIMINGS, recoveryStep: 0.05 } });
		await sim.configure({ mps: { [FAST_NUMBER]: 50 } });
		const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 100, maxAttempts: 20, maxWaitSeconds: 120 });
		const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i))));
		expect(results.filter((result) => result.status === 'rejected')).toHaveLength(0);
		const bodies = bodiesOf(await sim.log());
		expect(bodies).toHaveLength(300);
		expect(new Set(bodies).size).toBe(300);
		// Without the slow-down every second would overshoot by ~50: bounded well below that.
		expect((await sim.counters()).rejectedByCode['130429'] ?? 0).toBeLessThan(150);
		expect((await sim.counters()).rejectedByCode['130429'] ?? 0).toBeGreaterThan(0);
	});

	it('waits on 131057 (maintenance) and then sends', async () => {
		const credentials = credentialsFor(sim);
		await sim.scriptFaults([{ path: '/messages', count: 1, action: { kind: 'error', code: 131057 } }]);
		const started = Date.now();
		await sendText(credentials, 'after maintenance', recipientFor(1));
		expect(Date.now() - started).toBeGreaterThanOrEqual(300);
		expect(await sim.log()).toHaveLength(1);
	});

	it('retries transient 5xx failures through the gate and sends once', async () => {
		const credentials = credentialsFor(sim);
		await sim.scriptFaults([{ path: '/messages', count: 2, action: { kind: 'error', code: 131000 } }]);
		await sendText(credentials, 'eventually', recipientFor(1));
		expect(await sim.log()).toHaveLength(1);
	});

	it('gives up after maxAttempts and says how many attempts and how long', async () => {
		const credentials = credentialsFor(sim, { maxAttempts: 3 });
		await sim.scriptFaults([{ path: '/messages', count: 10, action: { kind: 'error', code: 2 } }]);
		const error = await sendText(credentials, 'never', recipientFor(1)).catch((e: unknown) => e);
		expect(isGraphApiError(error)).toBe(true);
		if (!isGraphApiError(error)) return;
		expect(error.attempts).toBe(3);
		expect(error.waitedMs).toBeGreaterThan(0);
		expect(error.message).toMatch(/gave up after 3 attempts/);
		expect(error.message).not.toContain(credentials.accessToken);
	});

	it('does not retry a reset after Meta recorded the message: one error, one message in the log', async () => {
		const credentials = credentialsFor(sim);
		await sim.scriptFaults([{ path: '/messages', count: 1, action: { kind: 'resetAfterRecord' } }]);
		const error = await sendText(credentials, 'maybe', recipientFor(1)).catch((e: unknown) => e);
		expect(isGraphApiError(error) && error.errorClass).toBe('ambiguous');
		expect(await sim.log()).toHaveLength(1);
	});

	it('retries an ambiguous failure when the credential opts in, and the duplicate shows in the log', async () => {
		const credentials = credentialsFor(sim, { retryAmbiguous: true });
		await sim.scriptFaults([{ path: '/messages', count: 1, action: { kind: 'resetAfterRecord' } }]);
		await sendText(credentials, 'twice', recipientFor(1));
		expect(bodiesOf(await sim.log())).toEqual(['twice', 'twice']);
	});
});

describe('observability', () => {
	it('reports queued, in flight, sent counts and budget per number and WABA', async () => {
		const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 20, hourlyCallBudget: 5000 });
		const pending = Array.from({ length: 40 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i)));
		await new Promise((resolve) => setTimeout(resolve, 300));
		const during = getGateStatus(credentials).find((status) => status.scope === 'phoneNumber');
		expect(during?.queued).toBeGreaterThan(0);
		expect(during?.sentLastSecond).toBeLessThanOrEqual(20);
		await Promise.all(pending);
		const [number, waba] = getGateStatus(credentials);
		expect(number).toMatchObject({ scope: 'phoneNumber', id: FAST_NUMBER, queued: 0, inFlight: 0, sentLastHour: 40, slowDownFactor: 1 });
		expect(waba).toMatchObject({ scope: 'waba', id: sim.fixture.wabaId, hourlyBudget: 5000, budgetLeft: 4960 });
	});
});
