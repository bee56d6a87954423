/**
 * Issue 8, the gate's part: under injected faults every input ends as exactly one success or error, in input order,
 * and the simulator's log holds no duplicate (unless the credential retries ambiguous failures: then they are counted).
 */
import { startSimulator, type Simulator } from '../../../test/simulator';
import { isGraphApiError } from '../transport';
import type { WhatsAppCredentials } from '../transport/types';
import { scheduleGraphCall } from '.';
import { credentialsFor, FAST_NUMBER, recipientFor, warmUp } from './__tests__/helpers';
import { configureGateForTests, gateRegistryForTests, resetGateForTests } from '../../../test/support/testHooks';

let sim: Simulator;

beforeEach(async () => {
	await resetGateForTests();
	configureGateForTests({
		timings: { throttleRetryMs: 50, transientBackoffBaseMs: 10, transientBackoffMaxMs: 100, budgetPauseBaseMs: 200, pairBackoffBaseMs: 200, recoveryIntervalMs: 200, recoveryStep: 0.2 },
		random: () => 0.5,
	});
	sim = await startSimulator({ latency: { median: 5, p90: 15, p99: 30, max: 40, min: 1 }, seed: 7 });
	await warmUp(credentialsFor(sim));
	sim.reset();
});

afterEach(async () => {
	await resetGateForTests();
	await sim.stop();
});

interface Outcome {
	index: number;
	ok: boolean;
	wamid?: string;
	errorClass?: string;
	code?: number;
}

/** Sends `count` texts as one execution would (all at once) and maps each settled result back to its input. */
async function runInputs(credentials: WhatsAppCredentials, count: number, recipientOf = recipientFor, timeoutMs?: number): Promise<Outcome[]> {
	const settled = await Promise.allSettled(
		Array.from({ length: count }, (_, index) =>
			scheduleGraphCall<{ messages: Array<{ id: string }> }>({
				credentials,
				phoneNumberId: FAST_NUMBER,
				recipient: recipientOf(index),
				request: {
					method: 'POST',
					path: `/${FAST_NUMBER}/messages`,
					body: { messaging_product: 'whatsapp', to: recipientOf(index), type: 'text', text: { body: `m${index}` } },
					timeoutMs,
				},
			}),
		),
	);
	return settled.map((result, index) =>
		result.status === 'fulfilled'
			? { index, ok: true, wamid: result.value.data.messages[0].id }
			: {
					index,
					ok: false,
					errorClass: isGraphApiError(result.reason) ? result.reason.errorClass : 'not a GraphApiError',
					code: isGraphApiError(result.reason) ? result.reason.code : undefined,
				},
	);
}

/** Each success is the simulator's record of that very input (order kept), and no body is in the log twice. */
function expectOneOutcomeEachInOrder(outcomes: Outcome[], count: number, allowDuplicates = false): { duplicates: number } {
	expect(outcomes).toHaveLength(count);
	const log = sim.log();
	const byWamid = new Map(log.map((message) => [message.wamid, (message.body.text as { body: string }).body]));
	for (const outcome of outcomes.filter((o) => o.ok)) expect(byWamid.get(outcome.wamid!)).toBe(`m${outcome.index}`);
	const bodies = log.map((message) => (message.body.text as { body: string }).body);
	const duplicates = bodies.length - new Set(bodies).size;
	if (!allowDuplicates) expect(duplicates).toBe(0);
	return { duplicates };
}

it('ends every input once through a burst of 5xx answers, retrying them without duplicates', async () => {
	sim.configure({ errorRatio5xx: 0.3 });
	const outcomes = await runInputs(credentialsFor(sim, { maxAttempts: 10 }), 80);
	expectOneOutcomeEachInOrder(outcomes, 80);
	expect(outcomes.every((o) => o.ok)).toBe(true);
	expect(sim.counters().errors5xx).toBeGreaterThan(0);
});

it('ends resets before the message was recorded as ambiguous errors, not retried, nothing duplicated', async () => {
	sim.scriptFaults([{ path: '/messages', count: 5, action: { kind: 'reset' } }]);
	const outcomes = await runInputs(credentialsFor(sim), 40);
	expectOneOutcomeEachInOrder(outcomes, 40);
	const failed = outcomes.filter((o) => !o.ok);
	expect(failed).toHaveLength(5);
	expect(failed.every((o) => o.errorClass === 'ambiguous')).toBe(true);
	expect(sim.log()).toHaveLength(35);
});

it('ends resets after the message was recorded as errors, and the log holds each of those messages once', async () => {
	sim.scriptFaults([{ path: '/messages', count: 5, action: { kind: 'resetAfterRecord' } }]);
	const outcomes = await runInputs(credentialsFor(sim), 40);
	expectOneOutcomeEachInOrder(outcomes, 40);
	expect(outcomes.filter((o) => !o.ok)).toHaveLength(5);
	expect(sim.log()).toHaveLength(40);
});

it('counts the duplicates when the credential opts into retrying ambiguous failures', async () => {
	sim.scriptFaults([{ path: '/messages', count: 5, action: { kind: 'resetAfterRecord' } }]);
	const outcomes = await runInputs(credentialsFor(sim, { retryAmbiguous: true }), 40);
	const { duplicates } = expectOneOutcomeEachInOrder(outcomes, 40, true);
	expect(outcomes.every((o) => o.ok)).toBe(true);
	expect(duplicates).toBe(5);
});

it('ends stalls past the timeout as ambiguous errors without a retry', async () => {
	sim.scriptFaults([{ path: '/messages', count: 3, action: { kind: 'stall', ms: 3000 } }]);
	const outcomes = await runInputs(credentialsFor(sim), 20, recipientFor, 800);
	expectOneOutcomeEachInOrder(outcomes, 20);
	const failed = outcomes.filter((o) => !o.ok);
	expect(failed).toHaveLength(3);
	expect(failed.every((o) => o.errorClass === 'ambiguous')).toBe(true);
});

it('rides out a storm of 130429 and sends every input exactly once', async () => {
	sim.scriptFaults([{ path: '/messages', count: 40, action: { kind: 'error', code: 130429 } }]);
	const outcomes = await runInputs(credentialsFor(sim, { maxAttempts: 10, maxWaitSeconds: 120 }), 60);
	expectOneOutcomeEachInOrder(outcomes, 60);
	expect(outcomes.every((o) => o.ok)).toBe(true);
	expect(sim.log()).toHaveLength(60);
});

it('waits out 80007 with and without the usage header and sends every input exactly once', async () => {
	// Without the header: scripted 80007s. With it: the simulator's own budget (15 per 1.5 s) under the credential's.
	sim.scriptFaults([{ path: '/messages', count: 2, action: { kind: 'error', code: 80007 } }]);
	sim.configure({ hourlyBudget: 15, budgetWindowMs: 1500 });
	const outcomes = await runInputs(credentialsFor(sim, { hourlyCallBudget: 1000, maxAttempts: 10, maxWaitSeconds: 120 }), 30);
	expectOneOutcomeEachInOrder(outcomes, 30);
	expect(outcomes.every((o) => o.ok)).toBe(true);
	expect(sim.counters().rejectedByCode['80007']).toBeGreaterThanOrEqual(2);
});

it('delays only the recipients that got 131056 and sends every input exactly once', async () => {
	const slowed = ['16505557001', '16505557002'];
	sim.scriptFaults(slowed.map((recipient) => ({ recipient, count: 2, action: { kind: 'error' as const, code: 131056 } })));
	const recipientOf = (index: number) => (index % 10 === 0 ? slowed[(index / 10) % 2] : recipientFor(index));
	const outcomes = await runInputs(credentialsFor(sim, { maxAttempts: 10, maxWaitSeconds: 120 }), 40, recipientOf);
	expectOneOutcomeEachInOrder(outcomes, 40);
	expect(outcomes.every((o) => o.ok)).toBe(true);
	expect(sim.counters().rejectedByCode['131056']).toBe(4);
	// Each slowed recipient still got its messages in input order.
	for (const recipient of slowed) {
		const order = sim.log().filter((m) => m.waId === recipient).map((m) => Number((m.body.text as { body: string }).body.slice(1)));
		expect(order).toEqual([...order].sort((a, b) => a - b));
	}
});

// Error classes by Meta's table, not by HTTP status alone:
// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
it.each([
	[131045, 500],
	[133000, 500],
	[1, 400],
])('tries a %i (HTTP %i) once and ends it as a permanent error: Meta would answer the same again', async (code, httpStatus) => {
	sim.scriptFaults([{ path: '/messages', count: 5, action: { kind: 'error', code, httpStatus } }]);
	const outcomes = await runInputs(credentialsFor(sim, { maxAttempts: 5 }), 1);
	expect(outcomes).toEqual([{ index: 0, ok: false, errorClass: 'permanent', code }]);
	expect(sim.counters().rejectedByCode[String(code)]).toBe(1);
	expect(sim.log()).toHaveLength(0);
});

it('waits on 2494100 (maintenance) by pausing the number, like 131057, and then sends', async () => {
	configureGateForTests({ timings: { maintenanceWaitMs: 200, transientBackoffBaseMs: 10 }, random: () => 0.5 });
	sim.scriptFaults([{ path: '/messages', count: 1, action: { kind: 'error', code: 2494100 } }]);
	const outcomes = await runInputs(credentialsFor(sim), 1);
	expect(outcomes[0].ok).toBe(true);
	expect(sim.counters().rejectedByCode['2494100']).toBe(1);
	expect(sim.log()).toHaveLength(1);
	// The number itself was held (the maintenance path), not just this call retried after a backoff.
	const lane = [...gateRegistryForTests().lanes.values()].find((candidate) => candidate.phoneNumberId === FAST_NUMBER);
	expect(lane?.pausedUntil).toBeGreaterThan(0);
});
