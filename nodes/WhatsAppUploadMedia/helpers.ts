import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_NAME, PhoneNumberIdError } from '../shared/descriptions';
import { errorItem, fieldError } from '../shared/errors';
import { MediaValidationError } from '../shared/media';
import { isGraphApiError, redactSecrets, toNodeApiError } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';

export async function readCredentials(context: IExecuteFunctions): Promise<WhatsAppCredentials> {
	return (await context.getCredentials(CREDENTIAL_NAME)) as unknown as WhatsAppCredentials;
}

/** The phone-number field as the WhatsApp Media node shows it. */
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
	if ((error instanceof NodeOperationError || error instanceof NodeApiError) && /^Item \d+/.test(error.message)) return error;
	if (error instanceof PhoneNumberIdError) return phoneNumberFieldError(node, itemIndex, error, PHONE_NUMBER_LABEL);
	if (error instanceof MediaValidationError && fieldLabel) {
		return fieldError(node, itemIndex, fieldLabel, redactSecrets(error.problem, credentials), { description: error.description });
	}
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

/**
 * Run one async job per item concurrently (the gate paces them), keep input order, and honour "continue on fail":
 * failures become the shared error items (Meta's code, trace ID, retryability… for a Graph API error); otherwise
 * the first failure fails the node after every job has settled.
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
	const node = context.getNode();
	for (let index = 0; index < jobs.length; index++) {
		const { itemIndex } = jobs[index];
		const result = settled[index];
		if (result.status === 'fulfilled') {
			output.push(await toOutput(result.value, itemIndex));
			continue;
		}
		if (!continueOnFail) throw toNodeError(node, result.reason, itemIndex, undefined, credentials);
		const reason: unknown = result.reason;
		output.push(errorItem(isGraphApiError(reason) ? reason : toNodeError(node, reason, itemIndex, undefined, credentials), itemIndex));
	}
	return output;
}
