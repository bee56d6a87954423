import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { joinFieldPath } from './fieldError';
import { isGraphApiError } from './transport';

export { joinFieldPath };

// Set on an error whose message already starts with its item, so nothing has to read the message to know (a
// Symbol.for key: a copy of this module loaded apart from another still recognises the mark).
const NAMES_ITEM = Symbol.for('n8n-nodes-whatsapp-cloud.namesItem');

/** Whether the error's message already starts with "Item N:". */
export function namesItem(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[NAMES_ITEM] === true;
}

/** Prefixes the error's message with its item, once. */
export function nameItem<T extends Error>(error: T, itemIndex: number): T {
	if (namesItem(error)) return error;
	error.message = `Item ${itemIndex + 1}: ${error.message}`;
	(error as unknown as Record<symbol, unknown>)[NAMES_ITEM] = true;
	return error;
}

/**
 * A bad field of one item, before any call: `Item 3: "Sections #2 › Rows #1 › Title" is longer than 24 characters`.
 * `field` is the display name the user sees (nested fields as a list, joined with ` › `).
 */
export function fieldError(
	node: INode,
	itemIndex: number,
	field: string | readonly string[],
	problem: string,
	options: { description?: string } = {},
): NodeOperationError {
	const name = joinFieldPath(field);
	return nameItem(new NodeOperationError(node, `"${name}" ${problem}`, { itemIndex, description: options.description }), itemIndex);
}

/**
 * The "continue on fail" output item of a failed item: Meta's code, details, trace ID, HTTP status, whether a retry
 * could help, attempts and time waited in the gate for a Graph API error; just the message for any other error.
 * Never a secret: GraphApiError messages are redacted by the transport, and nothing else of the request is copied.
 */
export function errorItem(error: unknown, itemIndex: number, extra: IDataObject = {}): INodeExecutionData {
	const json: IDataObject = { error: error instanceof Error ? error.message : String(error) };
	const description = (error as { description?: unknown } | undefined)?.description;
	if (typeof description === 'string' && description) json.description = description;
	if (isGraphApiError(error)) {
		if (error.code !== undefined) json.code = error.code;
		if (error.subcode !== undefined) json.subcode = error.subcode;
		if (error.details) json.details = error.details;
		if (error.fbtraceId) json.fbtraceId = error.fbtraceId;
		if (error.httpStatus !== undefined) json.httpStatus = error.httpStatus;
		json.errorClass = error.errorClass;
		json.retryable = error.retryable;
		if (error.attempts !== undefined) json.attempts = error.attempts;
		if (error.waitedMs !== undefined) json.waitedMs = error.waitedMs;
		json.hint = error.userHint;
	} else {
		// Validation failures: nothing reached Meta, a retry of the same input fails the same way.
		json.retryable = false;
	}
	for (const [key, value] of Object.entries(extra)) if (value !== undefined) json[key] = value;
	return { json, pairedItem: { item: itemIndex } };
}
