/**
 * What callers do with a ledger beyond single facts: record a whole webhook body at once, read many statuses, and
 * wait for statuses to settle (memory: told at once; Redis: polled at a modest interval, as another process may
 * record them).
 */
import { MemoryLedger } from './memory';
import { RedisLedger } from './redis';
import { laterStatus } from './status';
import type { ConversationLedger, LedgerFacts, StatusRecord } from './types';

/** Records one body's facts: one Redis round trip for all of them. */
export async function recordFacts(ledger: ConversationLedger, facts: LedgerFacts): Promise<void> {
	if (ledger instanceof MemoryLedger || ledger instanceof RedisLedger) return ledger.recordFacts(facts);
	await Promise.all([
		...facts.triggerSeen.map(({ phoneNumberId, at }) => ledger.recordTriggerSeen(phoneNumberId, at)),
		...facts.inbound.map(({ phoneNumberId, contact, at }) => ledger.recordInbound(phoneNumberId, contact, at)),
		...facts.statuses.map(({ messageId, record }) => ledger.recordStatus(messageId, record)),
	]);
}

export async function statusesOf(ledger: ConversationLedger, messageIds: string[]): Promise<Array<StatusRecord | undefined>> {
	if (ledger instanceof RedisLedger) return ledger.statusesOf(messageIds);
	return Promise.all(messageIds.map((id) => ledger.statusOf(id)));
}

/** The windows of many senders in one round trip (a send of many items asks once). */
export async function windowsOpenUntil(
	ledger: ConversationLedger,
	senders: Array<{ phoneNumberId: string; contact: string }>,
	now: number,
): Promise<Array<number | undefined>> {
	if (ledger instanceof RedisLedger) return ledger.windowsOpenUntil(senders, now);
	return Promise.all(senders.map(({ phoneNumberId, contact }) => ledger.windowOpenUntil(phoneNumberId, contact, now)));
}

/** A status that will not change in a way the sender cares about: delivered, read or failed. */
export function isSettled(record: StatusRecord | undefined): boolean {
	return record !== undefined && record.state !== 'sent';
}

export const STATUS_POLL_MS = 500;

/**
 * The statuses of `messageIds` once every one is settled, or as they stand after `waitMs`. One wait for all the
 * messages together, however many there are.
 */
export async function whenStatusesSettle(
	ledger: ConversationLedger,
	messageIds: string[],
	waitMs: number,
	pollMs: number = STATUS_POLL_MS,
): Promise<Array<StatusRecord | undefined>> {
	const known: Array<StatusRecord | undefined> = messageIds.map(() => undefined);
	const indexes = new Map(messageIds.map((id, index) => [id, index]));
	const merge = (index: number, record: StatusRecord | undefined) => {
		if (record) known[index] = laterStatus(known[index], record);
	};
	// Listen before the first read, so a status recorded in between is not missed.
	const memory = ledger instanceof MemoryLedger ? ledger : ledger instanceof RedisLedger ? ledger.memory : undefined;
	let onChange = () => {};
	const stopListening = memory?.onStatus((id, record) => {
		const index = indexes.get(id);
		if (index === undefined) return;
		merge(index, record);
		onChange();
	});
	const refresh = async () => (await statusesOf(ledger, messageIds)).forEach((record, index) => merge(index, record));
	await refresh();
	if (waitMs <= 0 || known.every(isSettled)) {
		stopListening?.();
		return known;
	}
	return new Promise((resolve) => {
		const timers: NodeJS.Timeout[] = [];
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			timers.forEach(clearTimeout);
			stopListening?.();
			resolve(known);
		};
		// Statuses this process's trigger records are heard at once.
		onChange = () => known.every(isSettled) && finish();
		timers.push(setTimeout(() => void refresh().finally(finish), waitMs));
		// Another process's trigger writes to Redis only: read it every `pollMs`.
		if (ledger instanceof RedisLedger) {
			const poll = async () => {
				await refresh();
				if (known.every(isSettled)) finish();
				else if (!done) timers.push(setTimeout(() => void poll(), pollMs));
			};
			timers.push(setTimeout(() => void poll(), pollMs));
		}
	});
}
