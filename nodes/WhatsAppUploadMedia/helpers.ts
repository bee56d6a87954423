import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../shared/descriptions';
import type { WhatsAppCredentials } from '../shared/transport/types';

export async function readCredentials(context: IExecuteFunctions): Promise<WhatsAppCredentials> {
	return (await context.getCredentials(CREDENTIAL_NAME)) as unknown as WhatsAppCredentials;
}

interface ErrorWithHints {
	message?: string;
	description?: string;
	field?: string;
	userTitle?: string;
	userHint?: string;
	code?: number;
	details?: string;
	fbtraceId?: string;
}

/** Any failure of one item as a NodeOperationError naming the item (and the field, when known). */
export function toNodeError(node: INode, error: unknown, itemIndex: number, fieldLabel?: string): NodeOperationError {
	const e = (error ?? {}) as ErrorWithHints;
	if (error instanceof NodeOperationError && /^Item \d+/.test(error.message)) return error;
	const base = e.message ?? String(error);
	const field = fieldLabel ? ` (field "${fieldLabel}")` : '';
	const message = e.userTitle && e.code !== undefined ? `${e.userTitle}: ${base}` : base;
	const description =
		[e.description, e.userHint, e.details && e.details !== base ? `Meta: ${e.details}` : undefined, e.fbtraceId ? `fbtrace_id ${e.fbtraceId}` : undefined]
			.filter(Boolean)
			.join(' ') || undefined;
	return new NodeOperationError(node, `Item ${itemIndex + 1}${field}: ${message}`, { itemIndex, description });
}

/**
 * Run one async job per item concurrently (the gate paces them), keep input order, and honour "continue on fail":
 * failures become error items; otherwise the first failure fails the node after every job has settled.
 */
export type ItemJob<T> = { itemIndex: number; run: () => Promise<T> } | { itemIndex: number; error: NodeOperationError };

export async function runPerItem<T>(
	context: IExecuteFunctions,
	jobs: Array<ItemJob<T>>,
	toOutput: (result: T, itemIndex: number) => INodeExecutionData | Promise<INodeExecutionData>,
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
		const error = toNodeError(context.getNode(), result.reason, itemIndex);
		if (!continueOnFail) throw error;
		output.push({ json: { error: error.message, description: error.description ?? undefined }, pairedItem: { item: itemIndex } });
	}
	return output;
}
