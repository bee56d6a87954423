import type { INode, INodeExecutionData } from 'n8n-workflow';

import { errorItem } from '../shared/errors';
import { toNodeError } from '../shared/perItem';
import { isGraphApiError } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';

export { toNodeError };

/** The "continue on fail" item of a failed item: Meta's code, trace ID, retryability… for a Graph API error. */
export function failedItem(node: INode, error: unknown, itemIndex: number, credentials?: Partial<WhatsAppCredentials>): INodeExecutionData {
	return errorItem(isGraphApiError(error) ? error : toNodeError(node, error, itemIndex, credentials), itemIndex);
}
