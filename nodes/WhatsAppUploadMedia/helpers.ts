import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../shared/descriptions';
import { isGraphApiError, redactSecrets, toNodeApiError } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';

export async function readCredentials(context: IExecuteFunctions): Promise<WhatsAppCredentials> {
	return (await context.getCredentials(CREDENTIAL_NAME)) as unknown as WhatsAppCredentials;
}

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

/**
 * Run one async job per item concurrently (the gate paces them), keep input order, and honour "continue on fail":
 * failures become error items; otherwise the first failure fails the node after every job has settled.
 */
export type ItemJob<T> = { itemIndex: number; run: () => Promise<T> } | { itemIndex: number; error: NodeApiError | NodeOperationError };

export async function runPerItem<T>(
	context: IExecuteFunctions,
	jobs: Array<ItemJob<T>>,
	toOutput: (result: T, itemIndex: number) => INodeExecutionData | Promise<INodeExecutionData>,
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
	for (let index = 0; index < jobs.length; index++) {
		const { itemIndex } = jobs[index];
		const result = settled[index];
		if (result.status === 'fulfilled') {
			output.push(await toOutput(result.value, itemIndex));
			continue;
		}
		const error = toNodeError(context.getNode(), result.reason, itemIndex, undefined, credentials);
		if (!continueOnFail) throw error;
		output.push({ json: { error: error.message, description: error.description ?? undefined }, pairedItem: { item: itemIndex } });
	}
	return output;
}
