/**
 * What the gate keeps per recipient (the pair rate's bucket, 234 bytes) goes once the bucket has refilled, on the pair
 * rate's timescale: at 1,000 msg/s a minute's worth of recipients would hold ~14 MB. Under jest's fake clock.
 */
import { credentialsFor, recipientFor, sendText } from './__tests__/helpers';
import type { GraphResponse } from '../transport/types';
import { configureGateForTests, gateRegistryForTests, resetGateForTests } from '../../../test/support/testHooks';

const NUMBER = '399999999999991';

/** The recipients the gate tracks on that number. */
function trackedRecipients(): number {
	let count = 0;
	for (const lane of gateRegistryForTests().lanes.values()) if (lane.phoneNumberId === NUMBER) count += lane.recipients.size;
	return count;
}

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
	configureGateForTests({
		// A recipient's bucket refills in 445 ms (pairIntervalMs × 1.05 + 25 per message); idle numbers stay (10 min).
		timings: { pairIntervalMs: 400 },
		transport: <T>() => new Promise<GraphResponse<T>>((resolve) => setTimeout(() => resolve({ status: 200, data: {} as T, usage: {} }), 5)),
	});
});

afterEach(async () => {
	await resetGateForTests();
	jest.useRealTimers();
});

test('forgets recipients whose pair bucket refilled, within a few pair intervals', async () => {
	const credentials = credentialsFor({ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGstub', wabaId: '200000000000006' } }, { throughputTier: 'custom', customMessagesPerSecond: 1000 });
	const sent = Promise.all(Array.from({ length: 200 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i), NUMBER)));
	// The first sweep comes 800 ms after the number's first call; sending takes a fraction of that.
	await jest.advanceTimersByTimeAsync(200);
	await sent;
	expect(trackedRecipients()).toBeGreaterThan(100);
	// Sweeps every 2 pair intervals (800 ms): by 2.5 s every bucket has refilled and been swept (once a minute before).
	await jest.advanceTimersByTimeAsync(2300);
	expect(trackedRecipients()).toBe(0);
});
