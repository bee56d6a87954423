/**
 * What a verified webhook body tells the ledger, read before any event filter: each inbound message's sender and
 * time (the window), each status with Meta's error (delivery outcomes), and each business number that received
 * webhooks (the heartbeat). Pure; the text of messages is never read.
 */
import type { InboundMessage, MessageStatus, MessagesValue, WebhookBody, WebhookError } from '../webhook/types';
import type { DeliveryState, LedgerFacts, StatusRecord } from './types';

const DELIVERY_STATES: ReadonlySet<string> = new Set<DeliveryState>(['sent', 'delivered', 'read', 'failed']);

/** Meta's Unix seconds as epoch ms, or the receipt time when Meta gave none. */
function timeOf(timestamp: string | undefined, now: number): number {
	const seconds = Number(timestamp);
	return timestamp !== undefined && timestamp !== '' && Number.isFinite(seconds) ? seconds * 1000 : now;
}

function nonEmpty(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Meta's first error of a failed status, as the ledger keeps it. */
function statusError(errors: WebhookError[] | undefined): StatusRecord['error'] {
	const first = Array.isArray(errors) ? errors[0] : undefined;
	if (!first || typeof first.code !== 'number') return undefined;
	const error: NonNullable<StatusRecord['error']> = { code: first.code };
	if (typeof first.title === 'string') error.title = first.title;
	if (typeof first.message === 'string') error.message = first.message;
	if (typeof first.error_data?.details === 'string') error.details = first.error_data.details;
	return error;
}

/**
 * The senders whose message opens a window: the phone number (`from`, i.e. wa_id), and the BSUID too when Meta
 * gives one, so a send to either finds it. A group message opens no 1:1 window; a `system` notice is not the user's.
 */
function windowContacts(message: InboundMessage): string[] {
	if (message.type === 'system' || nonEmpty(message.group_id)) return [];
	return [nonEmpty(message.from), nonEmpty(message.from_user_id)].filter((contact): contact is string => contact !== undefined);
}

function statusRecord(status: MessageStatus, now: number): { messageId: string; record: StatusRecord } | undefined {
	const messageId = nonEmpty(status.id);
	if (!messageId || !status.status || !DELIVERY_STATES.has(status.status)) return undefined;
	const record: StatusRecord = { state: status.status as DeliveryState, at: timeOf(status.timestamp, now) };
	const error = record.state === 'failed' ? statusError(status.errors) : undefined;
	if (error) record.error = error;
	return { messageId, record };
}

/** The ledger's facts of one body; `now` is when it was received (the heartbeat's time). */
export function ledgerFactsOf(body: WebhookBody, now: number): LedgerFacts {
	const facts: LedgerFacts = { inbound: [], statuses: [], triggerSeen: [] };
	const numbers = new Set<string>();
	for (const entry of Array.isArray(body.entry) ? body.entry : []) {
		for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
			const value = (change?.value ?? {}) as MessagesValue;
			if (typeof value !== 'object') continue;
			const phoneNumberId = nonEmpty(value.metadata?.phone_number_id);
			if (!phoneNumberId) continue;
			numbers.add(phoneNumberId);
			if (change.field !== 'messages') continue;
			for (const message of Array.isArray(value.messages) ? value.messages : []) {
				const at = timeOf(message?.timestamp, now);
				for (const contact of windowContacts(message ?? {})) facts.inbound.push({ phoneNumberId, contact, at });
			}
			for (const status of Array.isArray(value.statuses) ? value.statuses : []) {
				const fact = status && statusRecord(status, now);
				if (fact) facts.statuses.push(fact);
			}
		}
	}
	for (const phoneNumberId of numbers) facts.triggerSeen.push({ phoneNumberId, at: now });
	return facts;
}
