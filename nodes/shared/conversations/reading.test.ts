/** Waiting for delivery statuses in memory: told at once, one wait for all messages, and what stands at the limit. */
import { MemoryLedger } from './memory';
import { whenStatusesSettle } from './reading';

describe('whenStatusesSettle in memory', () => {
	it('answers as soon as every message is delivered, read or failed', async () => {
		const ledger = new MemoryLedger();
		await ledger.recordStatus('wamid.1', { state: 'read', at: 1 });
		const settled = whenStatusesSettle(ledger, ['wamid.1', 'wamid.2'], 3_600_000);
		await ledger.recordStatus('wamid.2', { state: 'sent', at: 2 });
		await ledger.recordStatus('wamid.2', { state: 'delivered', at: 3 });
		// A one-hour limit: only the notification can have answered within the test's timeout.
		expect(await settled).toEqual([
			{ state: 'read', at: 1 },
			{ state: 'delivered', at: 3 },
		]);
	});

	it('gives what stands when the limit passes: a sent status or none', async () => {
		jest.useFakeTimers();
		try {
			const ledger = new MemoryLedger();
			await ledger.recordStatus('wamid.1', { state: 'sent', at: 1 });
			const settled = whenStatusesSettle(ledger, ['wamid.1', 'wamid.2'], 5000);
			await jest.advanceTimersByTimeAsync(5000);
			expect(await settled).toEqual([{ state: 'sent', at: 1 }, undefined]);
		} finally {
			jest.useRealTimers();
		}
	});

	it('does not wait at all when the limit is 0', async () => {
		const ledger = new MemoryLedger();
		expect(await whenStatusesSettle(ledger, ['wamid.1'], 0)).toEqual([undefined]);
	});
});
