/** Fields whose value is a list of records (calls, marketing preferences, groups): one flat event per record. */
import type { MessageStatus, WebhookContact, WhatsAppEvent } from '../types';
import { camelCase, isObject, recordFields } from './flat';
import { contactsOf, pushErrors, type EventMaker } from './make';
import { FIELD_EVENTS, ownValue } from './names';
import { callUser, contactIds, recipientIds, setUser, type UserIds } from './users';

/** How the records of one list are read: their event, Meta's keys renamed, and the user each one is about. */
interface RecordList {
	event: string;
	renames: Record<string, string>;
	user?: (record: Record<string, unknown>) => UserIds;
}

/**
 * The record lists of each field, by the key of their array in the change's value.
 * - calls (Calling API): connect / terminate in `calls`, the status of a business-initiated call in `statuses`, as
 *   whatsapp-api-js types them after Meta's reference (src/types.ts: ServerCallConnect, PostDataCallField)
 * - user_preferences: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * - group_*: https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks
 */
export function recordListsOf(field: string): Record<string, RecordList> | undefined {
	switch (field) {
		case 'calls':
			return {
				calls: { event: 'call', renames: { id: 'callId', event: 'callEvent', status: 'callStatus', session_sdp_type: 'sdpType', session_sdp: 'sdp' }, user: callUser },
				statuses: {
					event: 'callStatus',
					renames: { id: 'callId', status: 'callStatus', type: 'statusType' },
					user: (status) => recipientIds(status as MessageStatus),
				},
			};
		case 'user_preferences':
			return {
				user_preferences: {
					event: FIELD_EVENTS.user_preferences,
					renames: {},
					// A preference names its user with a contact's keys (wa_id, user_id, parent_user_id).
					user: (preference) => contactIds(preference as WebhookContact),
				},
			};
		default:
			return field.startsWith('group_') ? { groups: { event: ownValue(FIELD_EVENTS, field) ?? camelCase(field), renames: {} } } : undefined;
	}
}

export function splitRecords(value: Record<string, unknown>, lists: Record<string, RecordList>, make: EventMaker, out: WhatsAppEvent[]): void {
	const contacts = contactsOf(value);
	for (const [key, list] of Object.entries(lists)) {
		const records = value[key];
		if (!Array.isArray(records)) continue;
		for (const record of records) {
			if (!isObject(record)) continue;
			const event = make(list.event);
			recordFields(record, event, list.renames);
			if (list.user) setUser(event, contacts, list.user(record));
			out.push(event);
		}
	}
	pushErrors(value.errors, make, out);
}
