import type { INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { PhoneNumberIdError } from '../shared/descriptions/phoneNumber';
import { errorItem, fieldError } from '../shared/errors';
import { isGraphApiError, redactSecrets, toNodeApiError } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';
import { MetricsInputError } from './timeRange';

/** The phone-number field as the Metrics node shows it. */
export const PHONE_NUMBER_LABEL = 'Phone Number';

/** A bad phone-number ID, worded after the field's name as this node shows it. */
export function phoneNumberFieldError(node: INode, itemIndex: number, error: PhoneNumberIdError, label: string): NodeOperationError {
	const problem =
		error.value === ''
			? 'is empty: pick a number from the list or give its phone number ID'
			: `is "${error.value.slice(0, 40)}", which is not a phone number ID: expected 5 to 20 digits, as shown in Meta's WhatsApp Manager (not the phone number itself)`;
	return fieldError(node, itemIndex, label, problem);
}

/**
 * Any failure of one item as an n8n error naming the item (and the field, when known): field checks through the
 * shared `fieldError`, Graph failures through the transport's helper (Meta's code, hint, fbtrace_id), everything
 * else as a NodeOperationError. Secrets redacted.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	credentials?: Partial<WhatsAppCredentials>,
): NodeApiError | NodeOperationError {
	if ((error instanceof NodeOperationError || error instanceof NodeApiError) && /^Item \d+/.test(error.message)) return error;
	if (error instanceof MetricsInputError) {
		return fieldError(node, itemIndex, error.field, redactSecrets(error.problem, credentials), { description: error.description });
	}
	if (error instanceof PhoneNumberIdError) return phoneNumberFieldError(node, itemIndex, error, PHONE_NUMBER_LABEL);
	if (isGraphApiError(error)) {
		const apiError = toNodeApiError(node, error, itemIndex, credentials);
		apiError.message = `Item ${itemIndex + 1}: ${apiError.message}`;
		return apiError;
	}
	const e = (error ?? {}) as { message?: string; description?: string };
	const message = redactSecrets(`Item ${itemIndex + 1}: ${e.message ?? String(error)}`, credentials);
	const description = e.description ? redactSecrets(e.description, credentials) : undefined;
	return new NodeOperationError(node, message, { itemIndex, description });
}

/** The "continue on fail" item of a failed item: Meta's code, trace ID, retryability… for a Graph API error. */
export function failedItem(node: INode, error: unknown, itemIndex: number, credentials?: Partial<WhatsAppCredentials>): INodeExecutionData {
	return errorItem(isGraphApiError(error) ? error : toNodeError(node, error, itemIndex, credentials), itemIndex);
}
