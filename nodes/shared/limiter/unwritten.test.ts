/**
 * A call is written late when it waits behind the socket pool or a starved event loop (issue 17: 100 numbers at
 * 80 msg/s put more calls in flight than the pool has sockets). Under jest's fake clock, on a transport stub that writes
 * the first second's calls 1.5 s late and the rest at once: the number's calls never leave more than its rate in any
 * second, counted when each really left.
 */
import { credentialsFor, peakInWindow, recipientFor, sendText } from './__tests__/helpers';
import type { GraphRequestHooks } from '../transport';
import type { GraphResponse } from '../transport/types';
import { configureGateForTests, resetGateForTests } from '../../../test/support/testHooks';

const NUMBER = '399999999999993';
const leftAt: number[] = [];

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
	leftAt.length = 0;
	let calls = 0;
	configureGateForTests({
		transport: <T>(_credentials: unknown, _request: unknown, hooks?: GraphRequestHooks) => {
			const writeAfterMs = calls++ < 10 ? 1500 : 0;
			return new Promise<GraphResponse<T>>((resolve) =>
				setTimeout(() => {
					leftAt.push(Date.now());
					hooks?.onSent?.(Date.now());
					setTimeout(() => resolve({ status: 200, data: {} as T, usage: {} }), 100);
				}, writeAfterMs),
			);
		},
	});
});

afterEach(async () => {
	await resetGateForTests();
	jest.useRealTimers();
});

test('calls still unwritten after their second keep their place until they leave', async () => {
	const credentials = credentialsFor({ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGstub', wabaId: '200000000000010' } }, { throughputTier: 'custom', customMessagesPerSecond: 10 });
	const all = Promise.all(Array.from({ length: 30 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i), NUMBER)));
	await jest.advanceTimersByTimeAsync(10_000);
	await all;
	expect(leftAt).toHaveLength(30);
	expect(peakInWindow(leftAt, 1000)).toBeLessThanOrEqual(10);
});
