import { MessageValidationError } from './errors';
import { optionalBoolean, requiredId } from './rules';
import type { MarkAsReadRequest } from './types';

export interface MarkAsReadParams {
	/** The `wamid.…` of the received message. */
	messageId: unknown;
	/** Show "typing…" to the user until you reply or 25 seconds pass. */
	typingIndicator?: unknown;
}

export function buildMarkAsRead(params: MarkAsReadParams): MarkAsReadRequest {
	if (params === null || typeof params !== 'object') throw new MessageValidationError('messageId', 'is required');
	const request: MarkAsReadRequest = {
		messaging_product: 'whatsapp',
		status: 'read',
		message_id: requiredId('messageId', params.messageId, 512),
	};
	if (optionalBoolean('typingIndicator', params.typingIndicator)) request.typing_indicator = { type: 'text' };
	return request;
}
