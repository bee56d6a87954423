/** Events of one change: its kind, field and WABA, with the change's phone-number metadata beside it. */
import type { WebhookChange, WebhookContact, WhatsAppEvent } from '../types';
import { addErrors, isObject, setDefined } from './flat';

export interface SplitOptions {
	includeRawChange?: boolean;
}

export function baseEvent(event: string, field: string, wabaId: string | undefined, change: WebhookChange, options: SplitOptions): WhatsAppEvent {
	const base: WhatsAppEvent = { event, field };
	if (wabaId !== undefined) base.wabaId = wabaId;
	if (options.includeRawChange) base.rawChange = change;
	return base;
}

/** Makes an event of a kind with the change's metadata (phone-number ID, display number) beside it. */
export type EventMaker = (kind: string) => WhatsAppEvent;

export function eventMaker(change: WebhookChange, value: Record<string, unknown>, field: string, wabaId: string | undefined, options: SplitOptions): EventMaker {
	const metadata = isObject(value.metadata) ? value.metadata : {};
	return (kind) => {
		const event = baseEvent(kind, field, wabaId, change, options);
		if (metadata.phone_number_id !== undefined) event.phoneNumberId = String(metadata.phone_number_id);
		setDefined(event, 'displayPhoneNumber', metadata.display_phone_number);
		return event;
	};
}

/** One `error` event per error Meta lists outside a message or status. */
export function pushErrors(errors: unknown, make: EventMaker, out: WhatsAppEvent[]): void {
	if (!Array.isArray(errors)) return;
	for (const error of errors) {
		if (!isObject(error)) continue;
		const event = make('error');
		addErrors(event, [error]);
		out.push(event);
	}
}

export function contactsOf(value: Record<string, unknown>): WebhookContact[] {
	return Array.isArray(value.contacts) ? (value.contacts as WebhookContact[]) : [];
}
