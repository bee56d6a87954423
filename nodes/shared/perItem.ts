import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem } from './errors';
import { toItemError } from './itemErrors';
import { MediaValidationError } from './media';
import { isGraphApiError } from './transport';
import type { WhatsAppCredentials } from './transport/types';

export { readCredentials } from './transport/credentials';

/** The phone-number field as every node shows it. */
export const PHONE_NUMBER_LABEL = 'Phone Number';

/**
 * Any failure of one item as an n8n error naming the item and the field (see toItemError); `mediaFieldLabel`: the
 * field a media check (MIME type, size) is about, as the operation shows it.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	credentials?: Partial<WhatsAppCredentials>,
	mediaFieldLabel?: string | readonly string[],
): NodeApiError | NodeOperationError {
	return toItemError(node, error, itemIndex, {
		phoneNumberLabel: PHONE_NUMBER_LABEL,
		credentials,
		fieldLabel: (e) => (e instanceof MediaValidationError && mediaFieldLabel ? mediaFieldLabel : e.field),
	});
}

/**
 * Run one async job per item concurrently (each giving one output item, or several for a list) (the gate paces them), keep input order, and honour "continue on fail":
 * failures become the shared error items (Meta's code, trace ID, retryability… for a Graph API error); otherwise
 * the first failure fails the node after every job has settled.
 */
export type ItemJob<T> = { itemIndex: number; run: () => Promise<T> } | { itemIndex: number; error: NodeApiError | NodeOperationError };

export async function runPerItem<T>(
	context: IExecuteFunctions,
	jobs: Array<ItemJob<T>>,
	toOutput: (result: T, itemIndex: number) => INodeExecutionData | INodeExecutionData[] | Promise<INodeExecutionData | INodeExecutionData[]>,
	credentials?: Partial<WhatsAppCredentials>,
): Promise<INodeExecutionData[]> {
	const settled = await Promise.allSettled(
		jobs.map(async (job) => {
			if ('error' in job) throw job.error;
			return job.run();
		}),
	);
	const output: INodeExecutionData[] = [];
	const continueOnFail = context.continueOnFail();
	const node = context.getNode();
	for (let index = 0; index < jobs.length; index++) {
		const { itemIndex } = jobs[index];
		const result = settled[index];
		if (result.status === 'fulfilled') {
			// A list operation outputs one item per entry (none for an empty list).
			output.push(...[await toOutput(result.value, itemIndex)].flat());
			continue;
		}
		if (!continueOnFail) throw toNodeError(node, result.reason, itemIndex, credentials);
		const reason: unknown = result.reason;
		output.push(errorItem(isGraphApiError(reason) ? reason : toNodeError(node, reason, itemIndex, credentials), itemIndex));
	}
	return output;
}
