import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { PhoneNumberIdError } from './descriptions/phoneNumber';
import { fieldError } from './errors';
import { toNodeApiError } from './nodeApiError';
import { isGraphApiError, redactSecrets } from './transport';
import type { WhatsAppCredentials } from './transport/types';

/** A bad phone-number ID, worded after the field's name as the node shows it. */
export function phoneNumberFieldError(node: INode, itemIndex: number, error: PhoneNumberIdError, label: string): NodeOperationError {
	const problem =
		error.value === ''
			? 'is empty: pick a number from the list or give its phone number ID'
			: `is "${error.value.slice(0, 40)}", which is not a phone number ID: expected 5 to 20 digits, as shown in Meta's WhatsApp Manager (not the phone number itself)`;
	return fieldError(node, itemIndex, label, problem);
}

/**
 * Any failure of one item as an n8n error naming the item (and the field, when known): an error already naming its
 * item as it is, the node's own field checks through `nodeFieldError` (undefined: not one of them), a bad phone-number
 * ID after `phoneNumberLabel`, Graph failures through the transport's helper (Meta's code, hint, fbtrace_id),
 * everything else as a NodeOperationError. Secrets redacted.
 */
export function toItemError(
	node: INode,
	error: unknown,
	itemIndex: number,
	options: {
		phoneNumberLabel: string;
		credentials?: Partial<WhatsAppCredentials>;
		nodeFieldError?: (error: unknown) => NodeOperationError | undefined;
	},
): NodeApiError | NodeOperationError {
	const { credentials } = options;
	if ((error instanceof NodeOperationError || error instanceof NodeApiError) && /^Item \d+/.test(error.message)) return error;
	const nodeError = options.nodeFieldError?.(error);
	if (nodeError) return nodeError;
	if (error instanceof PhoneNumberIdError) return phoneNumberFieldError(node, itemIndex, error, options.phoneNumberLabel);
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
