/**
 * Payload → events: one flat event per message, status, error, call, preference, group or account/template update,
 * in the order Meta sent them. Anything Meta adds later (a field, a message type, a status) becomes an event of its
 * own kind; nothing throws. Every event about a WhatsApp user says which ID to answer them with (`replyTo`).
 */
import type { MessagesValue, WebhookBody, WhatsAppEvent } from '../types';
import { genericFields, isObject, setDefined, setTimestamp } from './flat';
import { splitHistory } from './history';
import { baseEvent, eventMaker, type SplitOptions } from './make';
import { splitMessagesChange } from './messages';
import { FIELD_EVENTS, ownValue } from './names';
import { recordListsOf, splitRecords } from './records';

export { sha256AsHex } from './flat';
export type { SplitOptions } from './make';
export { FIELD_EVENTS, KNOWN_MESSAGE_TYPES, KNOWN_STATUSES, ownValue } from './names';

/** Every event of a verified, parsed body, in Meta's order. */
export function splitIntoEvents(body: WebhookBody, options: SplitOptions = {}): WhatsAppEvent[] {
	const out: WhatsAppEvent[] = [];
	if (!Array.isArray(body.entry)) return out;
	for (const entry of body.entry) {
		if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
		const wabaId = entry.id === undefined ? undefined : String(entry.id);
		for (const change of entry.changes) {
			if (!isObject(change)) continue;
			const field = typeof change.field === 'string' ? change.field : 'unknown';
			const value = change.value;
			if (isObject(value)) {
				const make = eventMaker(change, value, field, wabaId, options);
				const lists = recordListsOf(field);
				if (field === 'history' && Array.isArray(value.history)) {
					splitHistory(value.history, make, out);
					continue;
				}
				if (lists && Object.keys(lists).some((key) => Array.isArray(value[key]))) {
					splitRecords(value, lists, make, out);
					continue;
				}
				// Only messages and statuses make a change message-shaped: a `flows` alert also lists `errors` (its own).
				const carriesMessages = ['messages', 'message_echoes', 'statuses'].some((key) => Array.isArray(value[key]));
				if (field === 'messages' || carriesMessages) {
					// e.g. smb_message_echoes or a future field shaped like `messages`: one event per entry in it.
					splitMessagesChange(value as MessagesValue, field, make, out);
					continue;
				}
			}
			const event = baseEvent(ownValue(FIELD_EVENTS, field) ?? field, field, wabaId, change, options);
			if (isObject(value)) {
				const metadata = value.metadata;
				if (isObject(metadata)) {
					setDefined(event, 'phoneNumberId', metadata.phone_number_id === undefined ? undefined : String(metadata.phone_number_id));
					setDefined(event, 'displayPhoneNumber', metadata.display_phone_number);
				}
				genericFields(field, value, event);
				if (value.timestamp !== undefined) setTimestamp(event, value.timestamp);
			} else if (value !== undefined) {
				event.value = value;
			}
			if (event.timestamp === undefined && entry.time !== undefined) setTimestamp(event, entry.time);
			out.push(event);
		}
	}
	return out;
}
