import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isGraphApiError, redactSecrets, toNodeApiError } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';

/**
 * Any failure of one item as an n8n error naming the item (and the field, when known): Graph failures through the
 * transport's helper (Meta's code, hint, fbtrace_id), everything else as a NodeOperationError. Secrets redacted.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	fieldLabel?: string,
	credentials?: Partial<WhatsAppCredentials>,
): NodeApiError | NodeOperationError {
	if ((error instanceof NodeOperationError || error instanceof NodeApiError) && /^Item \d+/.test(error.message)) return error;
	if (isGraphApiError(error)) {
		const apiError = toNodeApiError(node, error, itemIndex, credentials);
		apiError.message = `Item ${itemIndex + 1}: ${apiError.message}`;
		return apiError;
	}
	const e = (error ?? {}) as { message?: string; description?: string };
	const field = fieldLabel ? ` (field "${fieldLabel}")` : '';
	const message = redactSecrets(`Item ${itemIndex + 1}${field}: ${e.message ?? String(error)}`, credentials);
	const description = e.description ? redactSecrets(e.description, credentials) : undefined;
	return new NodeOperationError(node, message, { itemIndex, description });
}
