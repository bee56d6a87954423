/**
 * The head start's extra guard, on a transport stub that records when each call left: a broadcast after a quiet spell
 * starts with a full second's worth at once, which a receiver stamps late; those calls count `headStartGuardMs` later,
 * once, and the paced seconds after them keep the plain guard. Under jest's fake clock.
 */
import { credentialsFor, recipientFor, sendText } from './__tests__/helpers';
import type { GraphRequestHooks } from '../transport';
import type { GraphResponse } from '../transport/types';
import { configureGateForTests, resetGateForTests } from '../../../test/support/testHooks';

const leftAt: number[] = [];

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
	leftAt.length = 0;
	configureGateForTests({
		// 300 ms (60 by default): far above any stall of this machine, so the two cases cannot be mistaken for each other.
		timings: { headStartGuardMs: 300 },
		transport: <T>(_credentials: unknown, _request: unknown, hooks?: GraphRequestHooks) => {
			const at = Date.now();
			leftAt.push(at);
			hooks?.onSent?.(at);
			return new Promise<GraphResponse<T>>((resolve) => setTimeout(() => resolve({ status: 200, data: {} as T, usage: {} }), 20));
		},
	});
});

afterEach(async () => {
	await resetGateForTests();
	jest.useRealTimers();
});

test('counts a head start later than paced calls (headStartGuardMs), once per broadcast', async () => {
	const credentials = credentialsFor({ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGstub', wabaId: '200000000000007' } }, { throughputTier: 'custom', customMessagesPerSecond: 100 });
	const all = Promise.all(Array.from({ length: 300 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i), '399999999999990')));
	await jest.advanceTimersByTimeAsync(5000);
	await all;
	expect(leftAt).toHaveLength(300);
	const [first, head, paced] = [leftAt[0], leftAt[100], leftAt[200]];
	// The head start (100 calls at once) leaves the sliding second after 1,000 + 20 (guard) + 300 ms…
	expect(leftAt[99] - first).toBeLessThan(100);
	expect(head - first).toBeGreaterThanOrEqual(1320);
	// …the calls paced after it (one per ~10 ms, tokens) after the plain 1,020 ms.
	expect(paced - head).toBeGreaterThanOrEqual(1020);
	expect(paced - head).toBeLessThan(1300);
});
