import type { INode, INodeExecutionData } from 'n8n-workflow';
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem, fieldError } from '../shared/errors';
import { phoneNumberFieldError, toItemError } from '../shared/itemErrors';
import { isGraphApiError, redactSecrets } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';
import { MetricsInputError } from './timeRange';

/** The phone-number field as the Metrics node shows it. */
export const PHONE_NUMBER_LABEL = 'Phone Number';

export { phoneNumberFieldError };

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
	return toItemError(node, error, itemIndex, {
		phoneNumberLabel: PHONE_NUMBER_LABEL,
		credentials,
		nodeFieldError: (e) =>
			e instanceof MetricsInputError
				? fieldError(node, itemIndex, e.field, redactSecrets(e.problem, credentials), { description: e.description })
				: undefined,
	});
}

/** The "continue on fail" item of a failed item: Meta's code, trace ID, retryability… for a Graph API error. */
export function failedItem(node: INode, error: unknown, itemIndex: number, credentials?: Partial<WhatsAppCredentials>): INodeExecutionData {
	return errorItem(isGraphApiError(error) ? error : toNodeError(node, error, itemIndex, credentials), itemIndex);
}
