/**
 * Payload → events: one flat event per message, status, error or account/template update, in the order Meta sent
 * them. Anything Meta adds later (a field, a message type, a status) becomes an event of its own kind; nothing throws.
 */
import type {
	InboundMessage,
	MessageStatus,
	MessagesValue,
	WebhookBody,
	WebhookChange,
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

function camelCase(key: string): string {
	return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setTimestamp(event: WhatsAppEvent, unixSeconds: unknown): void {
	const seconds = typeof unixSeconds === 'string' ? Number(unixSeconds) : unixSeconds;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return;
	const date = new Date(seconds * 1000);
	if (Number.isNaN(date.getTime())) return;
	event.timestamp = date.toISOString();
	event.timestampUnix = seconds;
}

function setDefined(target: Record<string, unknown>, key: string, value: unknown): void {
	if (value !== undefined) target[key] = value;
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

/** The flat fields of one inbound message, by type. */
function messageFields(message: InboundMessage, event: WhatsAppEvent): void {
	const type = typeof message.type === 'string' ? message.type : 'unknown';
	event.messageType = type;
	setDefined(event, 'messageId', message.id);
	setDefined(event, 'from', message.from);
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
			event.replyType = REPLY_TYPES[replyType] ?? replyType;
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
			} else {
				// A reply kind Meta adds later: keep its object as is.
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
			break;
		case 'request_welcome':
			break;
		case 'unsupported':
			setDefined(event, 'unsupportedType', message.unsupported?.type);
			break;
		default:
			// A type Meta added after this pack: keep its object as is.
			setDefined(event, 'content', message[type]);
	}
	addErrors(event, message.errors);
}

function statusFields(status: MessageStatus, event: WhatsAppEvent): void {
	event.status = typeof status.status === 'string' ? status.status : 'unknown';
	setDefined(event, 'messageId', status.id);
	setDefined(event, 'recipientId', status.recipient_id);
	setDefined(event, 'bizOpaqueCallbackData', status.biz_opaque_callback_data);
	if (isObject(status.conversation)) {
		setDefined(event, 'conversationId', status.conversation.id);
		setDefined(event, 'conversationCategory', status.conversation.origin?.type);
		if (status.conversation.expiration_timestamp !== undefined) {
			const expires = Number(status.conversation.expiration_timestamp);
			if (Number.isFinite(expires)) event.conversationExpiresAt = new Date(expires * 1000).toISOString();
		}
	}
	if (isObject(status.pricing)) {
		setDefined(event, 'billable', status.pricing.billable);
		setDefined(event, 'pricingModel', status.pricing.pricing_model);
		setDefined(event, 'pricingCategory', status.pricing.category);
		setDefined(event, 'pricingType', status.pricing.type);
	}
	addErrors(event, status.errors);
}

/** Top-level keys of a non-message field's value, renamed in the user's words; nested objects kept as they are. */
function genericFields(field: string, value: Record<string, unknown>, event: WhatsAppEvent): void {
	for (const [key, fieldValue] of Object.entries(value)) {
		if (key === 'metadata' || key === 'messaging_product') continue;
		let name: string;
		if (key === 'event') name = EVENT_KEY_RENAMES[field] ?? 'updateEvent';
		else name = KEY_RENAMES[key] ?? camelCase(key);
		// Never let Meta's keys overwrite the item's own metadata (`event`, `field`, `wabaId`…).
		if (name in event) name = `${name}Value`;
		event[name] = fieldValue;
	}
}

function baseEvent(event: string, field: string, wabaId: string | undefined, change: WebhookChange, options: SplitOptions): WhatsAppEvent {
	const base: WhatsAppEvent = { event, field };
	if (wabaId !== undefined) base.wabaId = wabaId;
	if (options.includeRawChange) base.rawChange = change;
	return base;
}

function splitMessagesChange(
	change: WebhookChange,
	value: MessagesValue,
	field: string,
	wabaId: string | undefined,
	options: SplitOptions,
	out: WhatsAppEvent[],
): void {
	const phoneNumberId = value.metadata?.phone_number_id;
	const displayPhoneNumber = value.metadata?.display_phone_number;
	const contacts = Array.isArray(value.contacts) ? value.contacts : [];
	const withMetadata = (kind: string): WhatsAppEvent => {
		const event = baseEvent(kind, field, wabaId, change, options);
		if (phoneNumberId !== undefined) event.phoneNumberId = String(phoneNumberId);
		if (displayPhoneNumber !== undefined) event.displayPhoneNumber = displayPhoneNumber;
		return event;
	};

	// Echoes of messages sent from the WhatsApp Business app arrive as `message_echoes`.
	const messages = Array.isArray(value.messages) ? value.messages : (value as { message_echoes?: InboundMessage[] }).message_echoes;
	if (Array.isArray(messages)) {
		for (const message of messages) {
			if (!isObject(message)) continue;
			const event = withMetadata(field === 'messages' ? 'message' : (FIELD_EVENTS[field] ?? field));
			const contact = contacts.find((candidate) => candidate?.wa_id === message.from) ?? contacts[0];
			setDefined(event, 'contactName', contact?.profile?.name);
			setDefined(event, 'contactWaId', contact?.wa_id);
			setTimestamp(event, message.timestamp);
			setDefined(event, 'to', message.to);
			messageFields(message, event);
			out.push(event);
		}
	}
	if (Array.isArray(value.statuses)) {
		for (const status of value.statuses) {
			if (!isObject(status)) continue;
			const event = withMetadata('status');
			setTimestamp(event, status.timestamp);
			statusFields(status, event);
			out.push(event);
		}
	}
	if (Array.isArray(value.errors)) {
		for (const error of value.errors) {
			if (!isObject(error)) continue;
			const event = withMetadata('error');
			addErrors(event, [error]);
			out.push(event);
		}
	}
	// Keys Meta adds to a messages value later (neither messages, statuses nor errors) stay visible.
	if (!Array.isArray(messages) && !Array.isArray(value.statuses) && !Array.isArray(value.errors)) {
		const event = withMetadata(field === 'messages' ? 'messagesUpdate' : (FIELD_EVENTS[field] ?? field));
		genericFields(field, value as Record<string, unknown>, event);
		out.push(event);
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
			const carriesMessages =
				isObject(value) &&
				(Array.isArray(value.messages) ||
					Array.isArray(value.message_echoes) ||
					Array.isArray(value.statuses) ||
					Array.isArray(value.errors));
			if (field === 'messages' && isObject(value)) {
				splitMessagesChange(change, value as MessagesValue, field, wabaId, options, out);
				continue;
			}
			if (carriesMessages && field !== 'user_preferences') {
				// e.g. smb_message_echoes or a future field shaped like `messages`: one event per entry in it.
				splitMessagesChange(change, value as MessagesValue, field, wabaId, options, out);
				continue;
			}
			const event = baseEvent(FIELD_EVENTS[field] ?? field, field, wabaId, change, options);
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
