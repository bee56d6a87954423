import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem, fieldError } from './errors';
import { phoneNumberFieldError, toItemError } from './itemErrors';
import { MediaValidationError } from './media';
import { isGraphApiError, redactSecrets } from './transport';
import type { WhatsAppCredentials } from './transport/types';

export { readCredentials } from './transport/credentials';

/** The phone-number field as the WhatsApp Media node shows it. */
export const PHONE_NUMBER_LABEL = 'Phone Number';

export { phoneNumberFieldError };

/**
 * Any failure of one item as an n8n error naming the item (and the field, when known): field checks through the
 * shared `fieldError` (`fieldLabel`: the display name of the field a media check is about), Graph failures through
 * the transport's helper (Meta's code, hint, fbtrace_id), everything else as a NodeOperationError. Secrets redacted.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	fieldLabel?: string | readonly string[],
	credentials?: Partial<WhatsAppCredentials>,
): NodeApiError | NodeOperationError {
	return toItemError(node, error, itemIndex, {
		phoneNumberLabel: PHONE_NUMBER_LABEL,
		credentials,
		nodeFieldError: (e) =>
			e instanceof MediaValidationError && fieldLabel
				? fieldError(node, itemIndex, fieldLabel, redactSecrets(e.problem, credentials), { description: e.description })
				: undefined,
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
		if (!continueOnFail) throw toNodeError(node, result.reason, itemIndex, undefined, credentials);
		const reason: unknown = result.reason;
		output.push(errorItem(isGraphApiError(reason) ? reason : toNodeError(node, reason, itemIndex, undefined, credentials), itemIndex));
	}
	return output;
}
