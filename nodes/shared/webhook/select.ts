/**
 * What starts the workflow: the user's "Trigger On" choices and phone-number filter, matched against events.
 * Option values: `all`, `messages`, `message:<type>`, `statuses`, `status:<status>`, `errors`, `field:<field>`,
 * and `message:other` / `status:other` / `field:other` for what Meta adds later.
 */
import { FIELD_EVENTS, KNOWN_MESSAGE_TYPES, KNOWN_STATUSES, ownValue } from './events';
import type { WhatsAppEvent } from './types';

const INTERACTIVE_REPLY_KEYS: Record<string, string> = {
	buttonReply: 'message:button_reply',
	listReply: 'message:list_reply',
	flowReply: 'message:nfm_reply',
};

/**
 * Fields "Other Updates" selected before they got a choice of their own: they still answer to it, so a trigger made
 * then keeps receiving them.
 */
const FIELDS_ONCE_OTHER = new Set(['group_lifecycle_update', 'group_participants_update', 'group_settings_update', 'group_status_update']);

/** The option values an event answers to (besides `all`). */
export function selectionKeys(event: WhatsAppEvent): string[] {
	if (event.field !== 'messages') {
		const keys = [`field:${event.field}`];
		if (!Object.hasOwn(FIELD_EVENTS, event.field) || FIELDS_ONCE_OTHER.has(event.field)) keys.push('field:other');
		return keys;
	}
	switch (event.event) {
		case 'message': {
			const type = String(event.messageType);
			const keys = ['messages', `message:${type}`];
			if (type === 'interactive') {
				const replyKey = ownValue(INTERACTIVE_REPLY_KEYS, String(event.replyType));
				if (replyKey) keys.push(replyKey);
			}
			if (!KNOWN_MESSAGE_TYPES.includes(type)) keys.push('message:other');
			return keys;
		}
		case 'status': {
			const status = String(event.status);
			const keys = ['statuses', `status:${status}`];
			if (!KNOWN_STATUSES.includes(status)) keys.push('status:other');
			return keys;
		}
		case 'error':
			return ['errors'];
		default:
			return ['field:messages', 'field:other'];
	}
}

export interface EventSelection {
	triggerOn: string[];
	/** Only events of these numbers; events that belong to no number (template, account updates) always pass. */
	phoneNumberIds?: string[];
}

/** A predicate for the user's choices; an empty "Trigger On" selects nothing. */
export function createEventFilter(selection: EventSelection): (event: WhatsAppEvent) => boolean {
	const chosen = new Set(selection.triggerOn);
	const all = chosen.has('all');
	// `message:interactive` also covers the three reply kinds, as the user reads it.
	if (chosen.has('message:interactive')) {
		chosen.add('message:button_reply');
		chosen.add('message:list_reply');
		chosen.add('message:nfm_reply');
	}
	const numbers = new Set((selection.phoneNumberIds ?? []).map((id) => id.trim()).filter((id) => id !== ''));
	return (event) => {
		if (numbers.size > 0 && event.phoneNumberId !== undefined && !numbers.has(event.phoneNumberId)) return false;
		if (all) return true;
		return selectionKeys(event).some((key) => chosen.has(key));
	};
}

/** Webhook fields a Meta subscription needs for the user's choices (`messages` carries messages, statuses, errors). */
export function fieldsForSelection(triggerOn: string[], allFields: readonly string[]): string[] {
	const fields = new Set<string>();
	for (const choice of triggerOn) {
		if (choice === 'all') allFields.forEach((field) => fields.add(field));
		else if (choice === 'messages' || choice === 'statuses' || choice === 'errors') fields.add('messages');
		else if (choice.startsWith('message:') || choice.startsWith('status:')) fields.add('messages');
		else if (choice.startsWith('field:') && choice !== 'field:other') fields.add(choice.slice('field:'.length));
	}
	return [...fields];
}
