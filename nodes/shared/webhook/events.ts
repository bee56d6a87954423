/**
 * Payload → events: one flat event per message, status, error, call, preference, group or account/template update,
 * in the order Meta sent them. Anything Meta adds later (a field, a message type, a status) becomes an event of its
 * own kind; nothing throws. Every event about a WhatsApp user says which ID to answer them with (`replyTo`).
 */
import type {
	InboundMessage,
	MessageStatus,
	MessagesValue,
	WebhookBody,
	WebhookChange,
	WebhookContact,
	WebhookError,
	WhatsAppEvent,
} from './types';

/** Webhook fields this pack names; any other field passes through with `event` = the field name. */
export const FIELD_EVENTS: Record<string, string> = {
	message_template_status_update: 'templateStatusUpdate',
	message_template_quality_update: 'templateQualityUpdate',
	template_category_update: 'templateCategoryUpdate',
	message_template_components_update: 'templateComponentsUpdate',
	phone_number_quality_update: 'phoneNumberQualityUpdate',
	phone_number_name_update: 'phoneNumberNameUpdate',
	account_update: 'accountUpdate',
	account_review_update: 'accountReviewUpdate',
	account_alerts: 'accountAlert',
	business_capability_update: 'businessCapabilityUpdate',
	security: 'security',
	user_preferences: 'userPreferences',
	history: 'history',
	smb_message_echoes: 'messageEcho',
	smb_app_state_sync: 'appStateSync',
	calls: 'call',
	flows: 'flowUpdate',
	message_echoes: 'messageEcho',
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks
	group_lifecycle_update: 'groupLifecycleUpdate',
	group_participants_update: 'groupParticipantsUpdate',
	group_settings_update: 'groupSettingsUpdate',
	group_status_update: 'groupStatusUpdate',
};

/** Message types Meta documents; a message whose type is not here also matches "Other Message Types". */
export const KNOWN_MESSAGE_TYPES = [
	'text',
	'image',
	'video',
	'audio',
	'document',
	'sticker',
	'location',
	'contacts',
	'interactive',
	'button',
	'reaction',
	'order',
	'system',
	'request_welcome',
	'unsupported',
];

/** Interactive reply kinds, named as the user picks them. */
const REPLY_TYPES: Record<string, string> = {
	button_reply: 'buttonReply',
	list_reply: 'listReply',
	nfm_reply: 'flowReply',
};

export const KNOWN_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'];

/** Renames of Meta's keys on non-message fields, so items read in the user's words. */
const KEY_RENAMES: Record<string, string> = {
	message_template_id: 'templateId',
	message_template_name: 'templateName',
	message_template_language: 'templateLanguage',
	message_template_category: 'templateCategory',
	message_template_title: 'templateTitle',
	message_template_element: 'templateBody',
	message_template_footer: 'templateFooter',
	message_template_buttons: 'templateButtons',
	previous_quality_score: 'previousQualityScore',
	new_quality_score: 'newQualityScore',
};

/** What each field's `event` key means (it would clash with the item's own `event`). */
const EVENT_KEY_RENAMES: Record<string, string> = {
	message_template_status_update: 'templateStatus',
	phone_number_quality_update: 'qualityEvent',
	account_update: 'accountEvent',
	security: 'securityEvent',
};

export interface SplitOptions {
	includeRawChange?: boolean;
}

/**
 * `table[key]` for a key read from Meta's payload: only the table's own entries, so `constructor` or `__proto__`
 * never reach an item as `Object` or `Object.prototype`.
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
	return Object.hasOwn(table, key) ? table[key] : undefined;
}

function camelCase(key: string): string {
	return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `timestamp` (ISO 8601) and `timestampUnix`; false when the value is not Unix seconds. */
function setTimestamp(event: WhatsAppEvent, unixSeconds: unknown): boolean {
	const seconds = typeof unixSeconds === 'string' && unixSeconds.trim() !== '' ? Number(unixSeconds) : unixSeconds;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return false;
	const date = new Date(seconds * 1000);
	if (Number.isNaN(date.getTime())) return false;
	event.timestamp = date.toISOString();
	event.timestampUnix = seconds;
	return true;
}

function setDefined(target: Record<string, unknown>, key: string, value: unknown): void {
	if (value !== undefined) target[key] = value;
}

// ---------------------------------------------------------------------------------------------------------------
// Who an event is about, and the ID to answer them with
// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
// ---------------------------------------------------------------------------------------------------------------

/** A WhatsApp user's IDs as an event gives them: phone number (`wa_id`), business-scoped user ID, parent BSUID. */
interface UserIds {
	phone?: string;
	userId?: string;
	parentUserId?: string;
}

/**
 * Keys of one of Meta's records that the pack has no name for, as `name(key)` on the event (a field Meta adds later
 * reaches the user instead of being lost); a name the event already holds is left as it is.
 */
function passThrough(event: WhatsAppEvent, record: Record<string, unknown>, known: ReadonlySet<string>, name: (key: string) => string = camelCase): void {
	for (const [key, value] of Object.entries(record)) {
		if (known.has(key) || value === undefined) continue;
		const target = name(key);
		if (Object.hasOwn(event, target)) continue;
		// A name every object inherits (`constructor`, `toString`…) would shadow it: suffixed, as genericFields does.
		event[target in event ? `${target}Value` : target] = value;
	}
}

/** `identity_key_hash` → `contactIdentityKeyHash`. */
const contactKey = (key: string) => `contact${camelCase(`_${key}`)}`;

/** A string with something in it (Meta may send `""` where it withholds a phone number). */
function nonEmpty(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The contact an event is about: by phone number, else by business-scoped user ID, else the only one given. */
function findContact(contacts: WebhookContact[], ids: UserIds): WebhookContact | undefined {
	const objects = contacts.filter(isObject) as WebhookContact[];
	return (
		(ids.phone === undefined ? undefined : objects.find((contact) => contact.wa_id === ids.phone)) ??
		(ids.userId === undefined ? undefined : objects.find((contact) => contact.user_id === ids.userId)) ??
		(ids.parentUserId === undefined ? undefined : objects.find((contact) => contact.parent_user_id === ids.parentUserId)) ??
		(objects.length === 1 ? objects[0] : undefined)
	);
}

function contactIds(contact: WebhookContact | undefined): UserIds {
	return { phone: nonEmpty(contact?.wa_id), userId: nonEmpty(contact?.user_id), parentUserId: nonEmpty(contact?.parent_user_id) };
}

/** Of each kind of ID, the first one given, in order of preference. */
function firstIds(...candidates: UserIds[]): UserIds {
	const first = (kind: keyof UserIds) => candidates.map((ids) => ids[kind]).find((id) => id !== undefined);
	return { phone: first('phone'), userId: first('userId'), parentUserId: first('parentUserId') };
}

/**
 * The ID to answer a user with, which Send Message takes as is: the phone number when Meta shares it, else the parent
 * BSUID (valid for every business of the portfolio), else the BSUID.
 */
function replyToOf(ids: UserIds): string | undefined {
	return ids.phone ?? ids.parentUserId ?? ids.userId;
}

const CONTACT_KEYS: ReadonlySet<string> = new Set(['profile', 'wa_id', 'user_id', 'parent_user_id']);
const PROFILE_KEYS: ReadonlySet<string> = new Set(['name', 'username']);

function setContact(event: WhatsAppEvent, contact: WebhookContact | undefined): void {
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
function setUser(event: WhatsAppEvent, contacts: WebhookContact[], ids: UserIds): void {
	const contact = findContact(contacts, ids);
	setContact(event, contact);
	setDefined(event, 'replyTo', replyToOf(firstIds(ids, contactIds(contact))));
}

/** Whom a message is with: its sender, or for an echo of the business's own message, its recipient. */
function counterpartOf(message: InboundMessage, echo: boolean): UserIds {
	if (echo) return { phone: nonEmpty(message.to), userId: nonEmpty(message.to_user_id), parentUserId: nonEmpty(message.to_parent_user_id) };
	return { phone: nonEmpty(message.from), userId: nonEmpty(message.from_user_id), parentUserId: nonEmpty(message.from_parent_user_id) };
}

/** The recipient of a message or call a status is about (the parent BSUID under either of Meta's names). */
function recipientIds(status: MessageStatus): UserIds {
	return {
		phone: nonEmpty(status.recipient_id),
		userId: nonEmpty(status.recipient_user_id),
		parentUserId: nonEmpty(status.recipient_parent_user_id ?? status.parent_recipient_user_id),
	};
}

/** A system message announcing a new number or BSUID: the new IDs are the ones to answer with. */
function newIdsOf(message: InboundMessage): UserIds {
	if (message.type !== 'system' || !isObject(message.system)) return {};
	return {
		phone: nonEmpty(message.system.new_wa_id) ?? nonEmpty(message.system.wa_id),
		userId: nonEmpty(message.system.user_id),
		parentUserId: nonEmpty(message.system.parent_user_id),
	};
}

function addErrors(target: Record<string, unknown>, errors: WebhookError[] | undefined): void {
	if (!Array.isArray(errors) || errors.length === 0) return;
	const first = errors[0] ?? {};
	setDefined(target, 'errorCode', first.code);
	setDefined(target, 'errorTitle', first.title);
	setDefined(target, 'errorMessage', first.message);
	setDefined(target, 'errorDetails', first.error_data?.details);
	setDefined(target, 'errorHref', first.href);
	if (errors.length > 1) target.errors = errors;
}

/**
 * Meta's webhooks carry a media file's SHA-256 in base64, while `GET /{media-id}` (and the WhatsApp Media node) give
 * it in hex: output hex so both can be compared as they are. A value that is neither is kept as Meta sent it.
 */
export function sha256AsHex(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
	if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return value;
	const digest = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	return digest.length === 32 ? digest.toString('hex') : value;
}

function parseJsonOrKeep(text: string | undefined): unknown {
	if (typeof text !== 'string') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** A message's type: as Meta names it, or (some documented messages have none) the content it carries. */
function messageTypeOf(message: InboundMessage): string {
	if (typeof message.type === 'string') return message.type;
	return KNOWN_MESSAGE_TYPES.find((type) => isObject(message[type])) ?? 'unknown';
}

/** Keys of a message the pack reads by name; any other (`group_id`…) passes through in camelCase. */
const MESSAGE_KEYS: ReadonlySet<string> = new Set([
	'from',
	'id',
	'timestamp',
	'type',
	'context',
	'referral',
	'errors',
	'from_user_id',
	'from_parent_user_id',
	'to',
	'to_user_id',
	'to_parent_user_id',
	// A history message's own status, read by splitHistory as `historyStatus`.
	'history_context',
]);

/** The flat fields of one inbound message, by type. */
function messageFields(message: InboundMessage, event: WhatsAppEvent): void {
	const type = messageTypeOf(message);
	event.messageType = type;
	setDefined(event, 'messageId', message.id);
	// `from` as Meta sent it (absent or "" for a user known only by a BSUID); `replyTo` is the ID to answer with.
	setDefined(event, 'from', message.from);
	setDefined(event, 'fromUserId', message.from_user_id);
	setDefined(event, 'fromParentUserId', message.from_parent_user_id);
	setDefined(event, 'toUserId', message.to_user_id);
	setDefined(event, 'toParentUserId', message.to_parent_user_id);
	if (isObject(message.context)) {
		setDefined(event, 'replyToMessageId', message.context.id);
		setDefined(event, 'replyToFrom', message.context.from);
		setDefined(event, 'forwarded', message.context.forwarded);
		setDefined(event, 'frequentlyForwarded', message.context.frequently_forwarded);
		setDefined(event, 'referredProduct', message.context.referred_product);
	}
	if (isObject(message.referral)) event.referral = message.referral;

	switch (type) {
		case 'text':
			setDefined(event, 'text', message.text?.body);
			break;
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker': {
			const media = message[type];
			if (isObject(media)) {
				setDefined(event, 'mediaId', media.id);
				setDefined(event, 'mimeType', media.mime_type);
				setDefined(event, 'sha256', sha256AsHex(media.sha256));
				setDefined(event, 'caption', media.caption);
				setDefined(event, 'filename', media.filename);
				setDefined(event, 'voice', media.voice);
				setDefined(event, 'animated', media.animated);
				setDefined(event, 'mediaUrl', media.url);
			}
			break;
		}
		case 'location':
			if (isObject(message.location)) {
				setDefined(event, 'latitude', message.location.latitude);
				setDefined(event, 'longitude', message.location.longitude);
				setDefined(event, 'locationName', message.location.name);
				setDefined(event, 'locationAddress', message.location.address);
				setDefined(event, 'locationUrl', message.location.url);
			}
			break;
		case 'contacts':
			setDefined(event, 'contacts', message.contacts);
			break;
		case 'interactive': {
			const interactive = message.interactive;
			if (!isObject(interactive)) break;
			const replyType = typeof interactive.type === 'string' ? interactive.type : 'unknown';
			event.replyType = ownValue(REPLY_TYPES, replyType) ?? replyType;
			if (interactive.button_reply) {
				setDefined(event, 'buttonReplyId', interactive.button_reply.id);
				setDefined(event, 'buttonReplyTitle', interactive.button_reply.title);
			} else if (interactive.list_reply) {
				setDefined(event, 'listReplyId', interactive.list_reply.id);
				setDefined(event, 'listReplyTitle', interactive.list_reply.title);
				setDefined(event, 'listReplyDescription', interactive.list_reply.description);
			} else if (interactive.nfm_reply) {
				setDefined(event, 'flowName', interactive.nfm_reply.name);
				setDefined(event, 'flowBody', interactive.nfm_reply.body);
				setDefined(event, 'flowResponse', parseJsonOrKeep(interactive.nfm_reply.response_json));
			} else if (isObject(ownValue(interactive as Record<string, unknown>, replyType))) {
				// Another reply kind (`call_permission_reply`, or one Meta adds later): its fields, named after it.
				const prefix = camelCase(replyType.replace(/_reply$/, ''));
				const reply = ownValue(interactive as Record<string, unknown>, replyType) as Record<string, unknown>;
				passThrough(event, reply, new Set(), (key) => prefix + camelCase(`_${key}`));
			} else {
				event.interactive = interactive;
			}
			break;
		}
		case 'button':
			setDefined(event, 'buttonText', message.button?.text);
			setDefined(event, 'buttonPayload', message.button?.payload);
			break;
		case 'reaction':
			setDefined(event, 'reactionToMessageId', message.reaction?.message_id);
			// An absent emoji means the customer removed the reaction.
			event.reactionEmoji = message.reaction?.emoji ?? '';
			break;
		case 'order':
			setDefined(event, 'catalogId', message.order?.catalog_id);
			setDefined(event, 'orderText', message.order?.text);
			setDefined(event, 'productItems', message.order?.product_items);
			break;
		case 'system':
			setDefined(event, 'systemType', message.system?.type);
			setDefined(event, 'systemBody', message.system?.body);
			setDefined(event, 'newWaId', message.system?.new_wa_id ?? message.system?.wa_id);
			setDefined(event, 'newUserId', message.system?.user_id);
			setDefined(event, 'newParentUserId', message.system?.parent_user_id);
			break;
		case 'request_welcome':
			break;
		case 'unsupported':
			setDefined(event, 'unsupportedType', message.unsupported?.type);
			break;
		default:
			// A type Meta added after this pack: keep its object as is.
			setDefined(event, 'content', ownValue(message as Record<string, unknown>, type));
	}
	addErrors(event, message.errors);
	passThrough(event, message, new Set([...MESSAGE_KEYS, type]));
}

/** Keys of a status the pack reads by name; any other (`recipient_type`, a group's participant…) passes through. */
const STATUS_KEYS: ReadonlySet<string> = new Set([
	'id',
	'status',
	'timestamp',
	'recipient_id',
	'recipient_user_id',
	'recipient_parent_user_id',
	'parent_recipient_user_id',
	'biz_opaque_callback_data',
	'conversation',
	'pricing',
	'errors',
]);

function statusFields(status: MessageStatus, event: WhatsAppEvent): void {
	event.status = typeof status.status === 'string' ? status.status : 'unknown';
	setDefined(event, 'messageId', status.id);
	setDefined(event, 'recipientId', status.recipient_id);
	setDefined(event, 'recipientUserId', status.recipient_user_id);
	setDefined(event, 'recipientParentUserId', status.recipient_parent_user_id ?? status.parent_recipient_user_id);
	setDefined(event, 'bizOpaqueCallbackData', status.biz_opaque_callback_data);
	if (isObject(status.conversation)) {
		setDefined(event, 'conversationId', status.conversation.id);
		setDefined(event, 'conversationCategory', status.conversation.origin?.type);
		if (status.conversation.expiration_timestamp !== undefined) {
			const expires = Number(status.conversation.expiration_timestamp);
			if (Number.isFinite(expires)) event.conversationExpiresAt = new Date(expires * 1000).toISOString();
		}
	}
	// Meta's group status examples nest `pricing` in `conversation`; every other page has it beside it.
	const pricing = isObject(status.pricing) ? status.pricing : isObject(status.conversation) ? status.conversation.pricing : undefined;
	if (isObject(pricing)) {
		setDefined(event, 'billable', pricing.billable);
		setDefined(event, 'pricingModel', pricing.pricing_model);
		setDefined(event, 'pricingCategory', pricing.category);
		setDefined(event, 'pricingType', pricing.type);
	}
	addErrors(event, status.errors);
	passThrough(event, status as Record<string, unknown>, STATUS_KEYS);
}

/** Meta's keys in a template's buttons, without their `message_template_button_` prefix (`type`, `text`, `url`…). */
function templateButtonKey(key: string): string {
	return camelCase(key.replace(/^message_template_button_/, ''));
}

/** Top-level keys of a non-message field's value, renamed in the user's words; nested objects kept as they are. */
function genericFields(field: string, value: Record<string, unknown>, event: WhatsAppEvent): void {
	for (const [key, fieldValue] of Object.entries(value)) {
		if (key === 'metadata' || key === 'messaging_product') continue;
		let name: string;
		if (key === 'event') name = ownValue(EVENT_KEY_RENAMES, field) ?? 'updateEvent';
		else name = ownValue(KEY_RENAMES, key) ?? camelCase(key);
		// Never let Meta's keys overwrite the item's own metadata (`event`, `field`, `wabaId`…) nor shadow `toString`….
		if (name in event) name = `${name}Value`;
		event[name] = key === 'message_template_buttons' ? camelKeys(fieldValue, templateButtonKey) : fieldValue;
	}
}

function baseEvent(event: string, field: string, wabaId: string | undefined, change: WebhookChange, options: SplitOptions): WhatsAppEvent {
	const base: WhatsAppEvent = { event, field };
	if (wabaId !== undefined) base.wabaId = wabaId;
	if (options.includeRawChange) base.rawChange = change;
	return base;
}

/** Makes an event of a kind with the change's metadata (phone-number ID, display number) beside it. */
type EventMaker = (kind: string) => WhatsAppEvent;

function eventMaker(change: WebhookChange, value: Record<string, unknown>, field: string, wabaId: string | undefined, options: SplitOptions): EventMaker {
	const metadata = isObject(value.metadata) ? value.metadata : {};
	return (kind) => {
		const event = baseEvent(kind, field, wabaId, change, options);
		if (metadata.phone_number_id !== undefined) event.phoneNumberId = String(metadata.phone_number_id);
		setDefined(event, 'displayPhoneNumber', metadata.display_phone_number);
		return event;
	};
}

/** One `error` event per error Meta lists outside a message or status. */
function pushErrors(errors: unknown, make: EventMaker, out: WhatsAppEvent[]): void {
	if (!Array.isArray(errors)) return;
	for (const error of errors) {
		if (!isObject(error)) continue;
		const event = make('error');
		addErrors(event, [error]);
		out.push(event);
	}
}

function contactsOf(value: Record<string, unknown>): WebhookContact[] {
	return Array.isArray(value.contacts) ? (value.contacts as WebhookContact[]) : [];
}

function splitMessagesChange(value: MessagesValue, field: string, make: EventMaker, out: WhatsAppEvent[]): void {
	const contacts = contactsOf(value as Record<string, unknown>);
	// Echoes of messages sent from the WhatsApp Business app arrive as `message_echoes`: their customer is `to`.
	const echo = !Array.isArray(value.messages) && Array.isArray(value.message_echoes);
	const messages = echo ? value.message_echoes : value.messages;
	if (Array.isArray(messages)) {
		for (const message of messages) {
			if (!isObject(message)) continue;
			const event = make(field === 'messages' ? 'message' : (ownValue(FIELD_EVENTS, field) ?? field));
			const counterpart = counterpartOf(message, echo);
			const contact = findContact(contacts, counterpart);
			setContact(event, contact);
			setTimestamp(event, message.timestamp);
			setDefined(event, 'to', message.to);
			messageFields(message, event);
			setDefined(event, 'replyTo', replyToOf(firstIds(newIdsOf(message), counterpart, contactIds(contact))));
			out.push(event);
		}
	}
	if (Array.isArray(value.statuses)) {
		for (const status of value.statuses) {
			if (!isObject(status)) continue;
			const event = make('status');
			setTimestamp(event, status.timestamp);
			statusFields(status, event);
			const recipient = recipientIds(status);
			// A group's status names the group, not a user to answer.
			if (status.recipient_type === 'group') setContact(event, findContact(contacts, recipient));
			else setUser(event, contacts, recipient);
			out.push(event);
		}
	}
	pushErrors(value.errors, make, out);
	// Keys Meta adds to a messages value later (neither messages, statuses nor errors) stay visible.
	if (!Array.isArray(messages) && !Array.isArray(value.statuses) && !Array.isArray(value.errors)) {
		const event = make(field === 'messages' ? 'messagesUpdate' : (ownValue(FIELD_EVENTS, field) ?? field));
		genericFields(field, value as Record<string, unknown>, event);
		out.push(event);
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Fields whose value is a list of records (calls, marketing preferences, groups): one flat event per record
// ---------------------------------------------------------------------------------------------------------------

/** Keys in camelCase all the way down (`added_participants: [{wa_id}]` → `addedParticipants: [{waId}]`). */
function camelKeys(value: unknown, name: (key: string) => string = camelCase): unknown {
	if (Array.isArray(value)) return value.map((item) => camelKeys(item, name));
	if (!isObject(value)) return value;
	return Object.fromEntries(Object.entries(value).map(([key, inner]) => [name(key), camelKeys(inner, name)]));
}

/**
 * One record's keys as the event's own fields, in the user's words: `renames` first, else camelCase; an object is
 * spread one level (`session: {sdp_type}` → `sessionSdpType`); `timestamp` becomes ISO 8601 plus Unix seconds.
 */
function recordFields(record: Record<string, unknown>, event: WhatsAppEvent, renames: Record<string, string>): void {
	const put = (key: string, value: unknown) => {
		let name = ownValue(renames, key) ?? camelCase(key);
		if (name in event) name = `${name}Value`;
		event[name] = camelKeys(value);
	};
	for (const [key, value] of Object.entries(record)) {
		if (value === undefined) continue;
		if (key === 'timestamp' && setTimestamp(event, value)) continue;
		if (isObject(value)) for (const [inner, innerValue] of Object.entries(value)) put(`${key}_${inner}`, innerValue);
		else put(key, value);
	}
}

/** How the records of one list are read: their event, Meta's keys renamed, and the user each one is about. */
interface RecordList {
	event: string;
	renames: Record<string, string>;
	user?: (record: Record<string, unknown>) => UserIds;
}

/** The caller of a call the user placed, the callee of one the business placed. */
function callUser(call: Record<string, unknown>): UserIds {
	const side = call.direction === 'BUSINESS_INITIATED' ? 'to' : 'from';
	return { phone: nonEmpty(call[side]), userId: nonEmpty(call[`${side}_user_id`]), parentUserId: nonEmpty(call[`${side}_parent_user_id`]) };
}

/**
 * The record lists of each field, by the key of their array in the change's value.
 * - calls (Calling API): connect / terminate in `calls`, the status of a business-initiated call in `statuses`, as
 *   whatsapp-api-js types them after Meta's reference (src/types.ts: ServerCallConnect, PostDataCallField)
 * - user_preferences: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * - group_*: https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks
 */
function recordListsOf(field: string): Record<string, RecordList> | undefined {
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

function splitRecords(value: Record<string, unknown>, lists: Record<string, RecordList>, make: EventMaker, out: WhatsAppEvent[]): void {
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

/**
 * `history`: the WhatsApp Business app's past chats, in chunks of threads. One event per message, with its chunk
 * (phase, chunkOrder, progress) and thread beside it; a chunk with nothing in it still reports its progress, and a
 * declined share comes as errors. https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history/
 */
function splitHistory(chunks: unknown[], make: EventMaker, out: WhatsAppEvent[]): void {
	for (const chunk of chunks) {
		if (!isObject(chunk)) continue;
		const progress = isObject(chunk.metadata) ? chunk.metadata : {};
		const chunkEvent = (kind: string): WhatsAppEvent => {
			const event = make(kind);
			recordFields(progress, event, {});
			return event;
		};
		const threads = Array.isArray(chunk.threads) ? chunk.threads.filter(isObject) : [];
		const errors = Array.isArray(chunk.errors) ? chunk.errors.filter(isObject) : [];
		for (const error of errors) {
			const event = chunkEvent('error');
			addErrors(event, [error]);
			out.push(event);
		}
		for (const thread of threads) {
			const messages = Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
			for (const message of messages.length ? messages : [undefined]) {
				const event = chunkEvent(FIELD_EVENTS.history);
				setDefined(event, 'threadId', thread.id);
				if (message) {
					setTimestamp(event, message.timestamp);
					setDefined(event, 'to', message.to);
					messageFields(message as InboundMessage, event);
					if (isObject(message.history_context)) setDefined(event, 'historyStatus', message.history_context.status);
				}
				// A thread is the chat with one user: its ID is theirs.
				setDefined(event, 'replyTo', nonEmpty(thread.id));
				out.push(event);
			}
		}
		if (threads.length === 0 && errors.length === 0) out.push(chunkEvent(FIELD_EVENTS.history));
	}
}

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
