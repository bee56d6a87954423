/** The ledger in memory, under a fake clock: windows, statuses, heartbeats and waits, their expiry and their bounds. */
import { MemoryLedger } from './memory';
import { HEARTBEAT_TTL_MS, STATUS_TTL_MS, WINDOW_MS, type PendingWait } from './types';

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

function clock(start = T0) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

function waitFor(overrides: Partial<PendingWait> = {}): PendingWait {
	return {
		id: 'exec-1:node:0',
		phoneNumberId: '1001',
		contact: '15550001111',
		messageId: 'wamid.ASK1',
		resumeUrl: 'http://n8n/webhook-waiting/1',
		responseType: 'approval',
		createdAt: T0,
		expiresAt: T0 + HOUR,
		...overrides,
	};
}

describe('the 24-hour window', () => {
	it('stays open 24 hours after the last inbound message and closes after', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.recordInbound('1001', '15550001111', T0);
		expect(await ledger.windowOpenUntil('1001', '15550001111', T0 + 23 * HOUR)).toBe(T0 + WINDOW_MS);
		expect(await ledger.windowOpenUntil('1001', '15550001111', T0 + WINDOW_MS)).toBeUndefined();
	});

	it('is per business number and contact', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.recordInbound('1001', '15550001111', T0);
		expect(await ledger.windowOpenUntil('1002', '15550001111', T0)).toBeUndefined();
		expect(await ledger.windowOpenUntil('1001', '15550002222', T0)).toBeUndefined();
	});

	it('is not shortened by a late redelivery of an older message', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.recordInbound('1001', 'c', T0 + HOUR);
		await ledger.recordInbound('1001', 'c', T0);
		expect(await ledger.windowOpenUntil('1001', 'c', T0 + HOUR)).toBe(T0 + HOUR + WINDOW_MS);
	});

	it('closes when Meta answers 131047, until the contact writes again', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.recordInbound('1001', 'c', T0);
		await ledger.closeWindow('1001', 'c');
		expect(await ledger.windowOpenUntil('1001', 'c', T0)).toBeUndefined();
		await ledger.recordInbound('1001', 'c', T0 + HOUR);
		expect(await ledger.windowOpenUntil('1001', 'c', T0 + HOUR)).toBe(T0 + HOUR + WINDOW_MS);
	});
});

describe('delivery statuses', () => {
	it('move forward only: sent < delivered < read', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.recordStatus('wamid.1', { state: 'read', at: T0 + 2000 });
		await ledger.recordStatus('wamid.1', { state: 'delivered', at: T0 + 1000 });
		await ledger.recordStatus('wamid.1', { state: 'sent', at: T0 });
		expect(await ledger.statusOf('wamid.1')).toEqual({ state: 'read', at: T0 + 2000 });
	});

	it('keep failed with its error, whatever comes after', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		const error = { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', details: 'x' };
		await ledger.recordStatus('wamid.1', { state: 'sent', at: T0 });
		await ledger.recordStatus('wamid.1', { state: 'failed', at: T0 + 1000, error });
		await ledger.recordStatus('wamid.1', { state: 'read', at: T0 + 2000 });
		expect(await ledger.statusOf('wamid.1')).toEqual({ state: 'failed', at: T0 + 1000, error });
	});

	it('expire 7 days after they were recorded', async () => {
		const time = clock();
		const ledger = new MemoryLedger({}, time.now);
		await ledger.recordStatus('wamid.1', { state: 'delivered', at: T0 });
		time.advance(STATUS_TTL_MS - 1);
		expect(await ledger.statusOf('wamid.1')).toBeDefined();
		time.advance(1);
		expect(await ledger.statusOf('wamid.1')).toBeUndefined();
	});

	it('tell a listener of each change and not of a status that changes nothing', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		const heard: string[] = [];
		const stop = ledger.onStatus((id, record) => heard.push(`${id}:${record.state}`));
		await ledger.recordStatus('wamid.1', { state: 'delivered', at: T0 });
		await ledger.recordStatus('wamid.1', { state: 'sent', at: T0 });
		stop();
		await ledger.recordStatus('wamid.1', { state: 'read', at: T0 });
		expect(heard).toEqual(['wamid.1:delivered']);
	});
});

describe('trigger heartbeats', () => {
	it('keep the latest time a trigger received a number’s webhooks, for 24 hours', async () => {
		const time = clock();
		const ledger = new MemoryLedger({}, time.now);
		await ledger.recordTriggerSeen('1001', T0);
		await ledger.recordTriggerSeen('1001', T0 - 5000);
		expect(await ledger.triggerSeenAt('1001')).toBe(T0);
		time.advance(HEARTBEAT_TTL_MS);
		expect(await ledger.triggerSeenAt('1001')).toBeUndefined();
	});
});

describe('waits', () => {
	it('an answer quoting the asking message takes that wait, even when a later one exists', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.addWait(waitFor({ id: 'a', messageId: 'wamid.A', createdAt: T0 }));
		await ledger.addWait(waitFor({ id: 'b', messageId: 'wamid.B', createdAt: T0 + 1000 }));
		expect((await ledger.takeWaitFor('1001', '15550001111', 'wamid.A', T0 + 2000))?.id).toBe('a');
		expect((await ledger.takeWaitFor('1001', '15550001111', undefined, T0 + 2000))?.id).toBe('b');
		expect(await ledger.takeWaitFor('1001', '15550001111', undefined, T0 + 2000)).toBeUndefined();
	});

	it('an answer quoting nothing known goes to the contact’s latest wait on that number', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.addWait(waitFor({ id: 'a', createdAt: T0 }));
		await ledger.addWait(waitFor({ id: 'b', messageId: 'wamid.B', createdAt: T0 + 1000 }));
		await ledger.addWait(waitFor({ id: 'other-number', phoneNumberId: '1002', createdAt: T0 + 2000 }));
		expect((await ledger.takeWaitFor('1001', '15550001111', 'wamid.UNKNOWN', T0 + 3000))?.id).toBe('b');
	});

	it('tells which senders a wait is pending for, until it is taken', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.addWait(waitFor());
		const senders = [
			{ phoneNumberId: '1001', contact: '15550001111' },
			{ phoneNumberId: '1001', contact: '15550002222' },
			{ phoneNumberId: '1002', contact: '15550001111' },
		];
		expect(await ledger.contactsWaiting(senders)).toEqual([true, false, false]);
		await ledger.takeWaitFor('1001', '15550001111', undefined, T0);
		expect(await ledger.contactsWaiting(senders)).toEqual([false, false, false]);
	});

	it('one answer takes one wait once', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.addWait(waitFor());
		const taken = await Promise.all([1, 2, 3].map(() => ledger.takeWaitFor('1001', '15550001111', undefined, T0)));
		expect(taken.filter(Boolean)).toHaveLength(1);
	});

	it('an expired wait is never taken', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.addWait(waitFor({ expiresAt: T0 + HOUR }));
		expect(await ledger.takeWaitFor('1001', '15550001111', 'wamid.ASK1', T0 + HOUR)).toBeUndefined();
	});

	it('a removed wait is never taken', async () => {
		const ledger = new MemoryLedger({}, clock().now);
		await ledger.addWait(waitFor());
		await ledger.removeWait(waitFor());
		expect(await ledger.takeWaitFor('1001', '15550001111', undefined, T0)).toBeUndefined();
	});
});

describe('bounds', () => {
	it('keeps at most the configured entries per kind, forgetting the least recently written first', async () => {
		const ledger = new MemoryLedger({ windows: 3, statuses: 2, waits: 2 }, clock().now);
		for (const contact of ['a', 'b', 'c', 'd']) await ledger.recordInbound('1001', contact, T0);
		for (const id of ['w1', 'w2', 'w3']) await ledger.recordStatus(id, { state: 'sent', at: T0 });
		for (const id of ['x', 'y', 'z']) await ledger.addWait(waitFor({ id, contact: id }));
		expect(ledger.sizes).toMatchObject({ windows: 3, statuses: 2, waits: 2 });
		expect(await ledger.windowOpenUntil('1001', 'a', T0)).toBeUndefined();
		expect(await ledger.windowOpenUntil('1001', 'd', T0)).toBe(T0 + WINDOW_MS);
		expect(await ledger.statusOf('w1')).toBeUndefined();
		expect(await ledger.takeWaitFor('1001', 'x', undefined, T0)).toBeUndefined();
		expect((await ledger.takeWaitFor('1001', 'z', undefined, T0))?.id).toBe('z');
	});
});
