/**
 * Who an event is about, and the ID to answer them with.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
import type { InboundMessage, MessageStatus, WebhookContact, WhatsAppEvent } from '../types';
import { camelCase, isObject, nonEmpty, passThrough, setDefined } from './flat';

/** A WhatsApp user's IDs as an event gives them: phone number (`wa_id`), business-scoped user ID, parent BSUID. */
export interface UserIds {
	phone?: string;
	userId?: string;
	parentUserId?: string;
}

/** `identity_key_hash` → `contactIdentityKeyHash`. */
const contactKey = (key: string) => `contact${camelCase(`_${key}`)}`;

/** The contact an event is about: by phone number, else by business-scoped user ID, else the only one given. */
export function findContact(contacts: WebhookContact[], ids: UserIds): WebhookContact | undefined {
	const objects = contacts.filter(isObject) as WebhookContact[];
	return (
		(ids.phone === undefined ? undefined : objects.find((contact) => contact.wa_id === ids.phone)) ??
		(ids.userId === undefined ? undefined : objects.find((contact) => contact.user_id === ids.userId)) ??
		(ids.parentUserId === undefined ? undefined : objects.find((contact) => contact.parent_user_id === ids.parentUserId)) ??
		(objects.length === 1 ? objects[0] : undefined)
	);
}

export function contactIds(contact: WebhookContact | undefined): UserIds {
	return { phone: nonEmpty(contact?.wa_id), userId: nonEmpty(contact?.user_id), parentUserId: nonEmpty(contact?.parent_user_id) };
}

/** Of each kind of ID, the first one given, in order of preference. */
export function firstIds(...candidates: UserIds[]): UserIds {
	const first = (kind: keyof UserIds) => candidates.map((ids) => ids[kind]).find((id) => id !== undefined);
	return { phone: first('phone'), userId: first('userId'), parentUserId: first('parentUserId') };
}

/**
 * The ID to answer a user with, which Send Message takes as is: the phone number when Meta shares it, else the parent
 * BSUID (valid for every business of the portfolio), else the BSUID.
 */
export function replyToOf(ids: UserIds): string | undefined {
	return ids.phone ?? ids.parentUserId ?? ids.userId;
}

const CONTACT_KEYS: ReadonlySet<string> = new Set(['profile', 'wa_id', 'user_id', 'parent_user_id']);
const PROFILE_KEYS: ReadonlySet<string> = new Set(['name', 'username']);

export function setContact(event: WhatsAppEvent, contact: WebhookContact | undefined): void {
	if (!contact) return;
	setDefined(event, 'contactName', contact.profile?.name);
	setDefined(event, 'contactUsername', contact.profile?.username);
	setDefined(event, 'contactWaId', contact.wa_id);
	setDefined(event, 'contactUserId', contact.user_id);
	setDefined(event, 'contactParentUserId', contact.parent_user_id);
	// e.g. `identity_key_hash`, `profile.country_code`
	passThrough(event, contact as Record<string, unknown>, CONTACT_KEYS, contactKey);
	if (isObject(contact.profile)) passThrough(event, contact.profile, PROFILE_KEYS, contactKey);
}

/** The contact's fields and `replyTo` of an event about the user with these IDs. */
export function setUser(event: WhatsAppEvent, contacts: WebhookContact[], ids: UserIds): void {
	const contact = findContact(contacts, ids);
	setContact(event, contact);
	setDefined(event, 'replyTo', replyToOf(firstIds(ids, contactIds(contact))));
}

/** Whom a message is with: its sender, or for an echo of the business's own message, its recipient. */
export function counterpartOf(message: InboundMessage, echo: boolean): UserIds {
	if (echo) return { phone: nonEmpty(message.to), userId: nonEmpty(message.to_user_id), parentUserId: nonEmpty(message.to_parent_user_id) };
	return { phone: nonEmpty(message.from), userId: nonEmpty(message.from_user_id), parentUserId: nonEmpty(message.from_parent_user_id) };
}

/** The recipient of a message or call a status is about (the parent BSUID under either of Meta's names). */
export function recipientIds(status: MessageStatus): UserIds {
	return {
		phone: nonEmpty(status.recipient_id),
		userId: nonEmpty(status.recipient_user_id),
		parentUserId: nonEmpty(status.recipient_parent_user_id ?? status.parent_recipient_user_id),
	};
}

/** A system message announcing a new number or BSUID: the new IDs are the ones to answer with. */
export function newIdsOf(message: InboundMessage): UserIds {
	if (message.type !== 'system' || !isObject(message.system)) return {};
	return {
		phone: nonEmpty(message.system.new_wa_id) ?? nonEmpty(message.system.wa_id),
		userId: nonEmpty(message.system.user_id),
		parentUserId: nonEmpty(message.system.parent_user_id),
	};
}

/** The caller of a call the user placed, the callee of one the business placed. */
export function callUser(call: Record<string, unknown>): UserIds {
	const side = call.direction === 'BUSINESS_INITIATED' ? 'to' : 'from';
	return { phone: nonEmpty(call[side]), userId: nonEmpty(call[`${side}_user_id`]), parentUserId: nonEmpty(call[`${side}_parent_user_id`]) };
}
