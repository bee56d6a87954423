/**
 * The pace guard in the gate (issue 17), under jest's fake clock on a transport stub: a 130429 for a call paced within
 * the number's second widens the second for longer than the slow-down lasts, then the number returns to full rate.
 */
import { credentialsFor, recipientFor, sendText } from './__tests__/helpers';
import { GraphApiError, type GraphRequestHooks } from '../transport';
import type { GraphResponse } from '../transport/types';
import { configureGateForTests, gateRegistryForTests, resetGateForTests } from '../../../test/support/testHooks';

const NUMBER = '399999999999992';
let throttleNext = 0;

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
	throttleNext = 0;
	configureGateForTests({
		transport: <T>(_credentials: unknown, _request: unknown, hooks?: GraphRequestHooks) => {
			hooks?.onSent?.(Date.now());
			const throttled = throttleNext > 0;
			if (throttled) throttleNext--;
			return new Promise<GraphResponse<T>>((resolve, reject) =>
				setTimeout(() => (throttled ? reject(new GraphApiError({ message: '(#130429) Rate limit hit', code: 130429, httpStatus: 400 })) : resolve({ status: 200, data: {} as T, usage: {} })), 100),
			);
		},
	});
});

afterEach(async () => {
	await resetGateForTests();
	jest.useRealTimers();
});

test('a 130429 keeps the number below its rate after the slow-down recovered, then it returns to full rate', async () => {
	const credentials = credentialsFor({ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGstub', wabaId: '200000000000009' } }, { throughputTier: 'custom', customMessagesPerSecond: 100 });
	throttleNext = 1;
	const sent = sendText(credentials, 'm0', recipientFor(0), NUMBER);
	await jest.advanceTimersByTimeAsync(1500);
	await sent;
	const lane = [...gateRegistryForTests().lanes.values()].find((candidate) => candidate.phoneNumberId === NUMBER);
	expect(lane).toBeDefined();
	// 3 s later the slow-down (one call per second off, +5 % a second) is long over; the guard's 25 ms still holds.
	await jest.advanceTimersByTimeAsync(3000);
	expect(lane?.slowDown).toBe(1);
	expect(lane?.cap).toBe(Math.floor((100 * 1000) / 1025));
	// Narrowed away within two minutes of quiet.
	await jest.advanceTimersByTimeAsync(120_000);
	expect(lane?.cap).toBe(100);
});
