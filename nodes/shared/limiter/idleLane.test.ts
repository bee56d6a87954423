/**
 * Many numbers in one process (issue 17): a number that has nothing left to send costs no timer wake-up. Under jest's
 * fake clock, on a transport stub answering after 100 ms: once the round that sent a number's last calls ran, no other
 * round runs, however long the number then sits idle, and its next call still starts at once.
 */
import { NumberLane } from './gate';
import { credentialsFor, recipientFor, sendText } from './__tests__/helpers';
import type { GraphRequestHooks } from '../transport';
import type { GraphResponse } from '../transport/types';
import { configureGateForTests, resetGateForTests } from '../../../test/support/testHooks';

const NUMBER = '399999999999991';
let sent = 0;

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
	sent = 0;
	configureGateForTests({
		transport: <T>(_credentials: unknown, _request: unknown, hooks?: GraphRequestHooks) => {
			sent++;
			hooks?.onSent?.(Date.now());
			return new Promise<GraphResponse<T>>((resolve) => setTimeout(() => resolve({ status: 200, data: {} as T, usage: {} }), 100));
		},
	});
});

afterEach(async () => {
	jest.restoreAllMocks();
	await resetGateForTests();
	jest.useRealTimers();
});

test('a number that sent its last calls runs no more rounds while idle, and its next call goes at once', async () => {
	const credentials = credentialsFor({ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGstub', wabaId: '200000000000008' } });
	const pump = jest.spyOn(NumberLane.prototype, 'pump');
	const first = Promise.all(Array.from({ length: 5 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i), NUMBER)));
	await jest.advanceTimersByTimeAsync(10);
	expect(sent).toBe(5);
	const roundsWhenSent = pump.mock.calls.length;
	await jest.advanceTimersByTimeAsync(60_000);
	await first;
	expect(pump.mock.calls.length).toBe(roundsWhenSent);
	const next = sendText(credentials, 'later', recipientFor(9), NUMBER);
	await jest.advanceTimersByTimeAsync(10);
	expect(sent).toBe(6);
	await jest.advanceTimersByTimeAsync(200);
	await next;
});
