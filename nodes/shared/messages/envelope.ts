import { MessageValidationError } from './errors';
import { isBusinessScopedUserId, normalizeRecipient } from './recipient';
import { optionalText, requiredId } from './rules';
import type { MessageEnvelope } from './types';

/** What every message kind accepts besides its own content. */
export interface EnvelopeParams {
	/** The recipient as the user typed it (phone number, WhatsApp ID or BSUID); normalised by `normalizeRecipient`. */
	to: unknown;
	/** Send as a reply to this message (`context.message_id`, a `wamid.…`). */
	replyToMessageId?: unknown;
	/** Echoed back in status webhooks for this message; at most 512 characters. */
	bizOpaqueCallbackData?: unknown;
}

export const MAX_CALLBACK_DATA = 512;

export function buildEnvelope(params: EnvelopeParams): MessageEnvelope {
	if (params === null || typeof params !== 'object') throw new MessageValidationError('to', 'is required');
	const recipient = normalizeRecipient(params.to, 'to');
	// Meta takes a business-scoped user ID in `recipient`, never in `to` (which would win if both were sent).
	const envelope: MessageEnvelope = isBusinessScopedUserId(recipient)
		? { messaging_product: 'whatsapp', recipient_type: 'individual', recipient }
		: { messaging_product: 'whatsapp', recipient_type: 'individual', to: recipient };
	const replyTo = optionalText('replyToMessageId', params.replyToMessageId);
	if (replyTo !== undefined) envelope.context = { message_id: requiredId('replyToMessageId', replyTo, 512) };
	const callbackData = optionalText('bizOpaqueCallbackData', params.bizOpaqueCallbackData, MAX_CALLBACK_DATA);
	if (callbackData !== undefined) envelope.biz_opaque_callback_data = callbackData;
	return envelope;
}

/** The normalised recipient of a built body: phone digits, or the business-scoped user ID. */
export function recipientOf(body: MessageEnvelope): string {
	return body.to ?? body.recipient!;
}
