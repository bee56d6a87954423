import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { isGraphApiError, redactSecrets, type GraphApiError, type WhatsAppCredentials } from './transport';

export interface GraphErrorText {
	/** One line: what went wrong, in the user's words, with Meta's own message. */
	message: string;
	/** What to do, then the facts support needs (code, subcode, details, fbtrace_id, request, attempts). */
	description: string;
}

/** The text n8n shows for a failed Graph call. Contains no secret (the error was redacted when it was made). */
export function describeGraphError(error: GraphApiError): GraphErrorText {
	const message =
		error.message && error.message !== error.userTitle ? `${error.userTitle}: ${error.message}` : error.userTitle;
	const facts: string[] = [];
	if (error.code !== undefined) {
		facts.push(`Meta error code ${error.code}${error.subcode !== undefined ? `, subcode ${error.subcode}` : ''}`);
	}
	if (error.httpStatus !== undefined) facts.push(`HTTP ${error.httpStatus}`);
	if (error.networkCode) facts.push(`network error ${error.networkCode}`);
	if (error.details) facts.push(`details: ${error.details}`);
	if (error.request) facts.push(`request: ${error.request}`);
	if (error.attempts !== undefined) facts.push(`attempts: ${error.attempts}`);
	if (error.waitedMs !== undefined) facts.push(`waited: ${(error.waitedMs / 1000).toFixed(1)} s`);
	if (error.usage.estimatedTimeToRegainAccessMinutes !== undefined) {
		facts.push(`Meta restores access in about ${error.usage.estimatedTimeToRegainAccessMinutes} min`);
	}
	if (error.fbtraceId) facts.push(`fbtrace_id: ${error.fbtraceId} (quote it to Meta support)`);
	return { message, description: [error.userHint, facts.join('; ')].filter(Boolean).join(' — ') };
}

/**
 * Turn any failure of a Graph call into the error n8n shows: a `NodeApiError` (with `httpCode`) for a
 * `GraphApiError`, a `NodeOperationError` otherwise. Text is redacted again with the credential when given.
 */
export function toNodeApiError(
	node: INode,
	error: unknown,
	itemIndex?: number,
	credentials?: Partial<WhatsAppCredentials>,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (isGraphApiError(error)) {
		const text = describeGraphError(error);
		const safe: JsonObject = {
			message: redactSecrets(text.message, credentials),
			description: redactSecrets(text.description, credentials),
			errorClass: error.errorClass,
		};
		if (error.code !== undefined) safe.metaCode = error.code;
		if (error.subcode !== undefined) safe.metaSubcode = error.subcode;
		if (error.fbtraceId) safe.fbtraceId = error.fbtraceId;
		// A plain object, not the error itself: n8n keeps what it is given as `errorResponse`/`cause`.
		return new NodeApiError(node, safe, {
			message: redactSecrets(text.message, credentials),
			description: redactSecrets(text.description, credentials),
			httpCode: error.httpStatus !== undefined ? String(error.httpStatus) : undefined,
			itemIndex,
		});
	}
	const raw = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, redactSecrets(raw, credentials), { itemIndex });
}
