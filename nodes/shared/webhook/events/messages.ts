/** Messages and statuses (`messages` and the fields shaped like it): one flat event per message or status. */
import type { InboundMessage, MessageStatus, MessagesValue, WhatsAppEvent } from '../types';
import { addErrors, camelCase, genericFields, isObject, parseJsonOrKeep, passThrough, setDefined, setTimestamp, sha256AsHex } from './flat';
import { contactsOf, pushErrors, type EventMaker } from './make';
import { FIELD_EVENTS, KNOWN_MESSAGE_TYPES, ownValue, REPLY_TYPES } from './names';
import { contactIds, counterpartOf, findContact, firstIds, newIdsOf, recipientIds, replyToOf, setContact, setUser } from './users';

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
export function messageFields(message: InboundMessage, event: WhatsAppEvent): void {
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

export function splitMessagesChange(value: MessagesValue, field: string, make: EventMaker, out: WhatsAppEvent[]): void {
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
