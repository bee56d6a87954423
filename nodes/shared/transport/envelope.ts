/**
 * Meta's error envelope (`{"error": {"message", "type", "code", "error_subcode", "error_data", "fbtrace_id"}}`) as a
 * GraphApiError. Shape: https://developers.facebook.com/docs/graph-api/guides/error-handling
 */
import { GraphApiError } from './errors';
import { redactSecrets } from './redact';
import type { GraphUsage, WhatsAppCredentials } from './types';

interface MetaErrorEnvelope {
	error?: {
		message?: unknown;
		type?: unknown;
		code?: unknown;
		error_subcode?: unknown;
		error_user_title?: unknown;
		error_user_msg?: unknown;
		error_data?: unknown;
		fbtrace_id?: unknown;
	};
}

function toInteger(value: unknown): number | undefined {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

export function errorFromResponse(
	status: number,
	bodyText: string,
	usage: GraphUsage,
	call: string,
	credentials: WhatsAppCredentials,
): GraphApiError {
	let envelope: MetaErrorEnvelope | undefined;
	try {
		const parsed: unknown = JSON.parse(bodyText);
		if (parsed && typeof parsed === 'object' && 'error' in parsed) envelope = parsed as MetaErrorEnvelope;
	} catch {
		envelope = undefined;
	}
	const e = envelope?.error;
	if (!e || typeof e !== 'object') {
		// Redacted before it is cut: a cut through a token would leave a piece that redaction no longer recognises.
		const snippet = redactSecrets(bodyText, credentials).replace(/\s+/g, ' ').trim().slice(0, 200);
		return new GraphApiError(
			{
				message: `The Graph API answered HTTP ${status} without Meta's error details${snippet ? `: ${snippet}` : ''}`,
				httpStatus: status,
				usage,
				request: call,
			},
			credentials,
		);
	}
	const code = toInteger(e.code);
	const errorData = e.error_data;
	let details: string | undefined;
	if (typeof errorData === 'string') details = errorData;
	else if (errorData && typeof errorData === 'object' && typeof (errorData as { details?: unknown }).details === 'string') {
		details = (errorData as { details: string }).details;
	}
	if (details === undefined && typeof e.error_user_msg === 'string') details = e.error_user_msg;
	const metaMessage = typeof e.message === 'string' && e.message ? e.message : `Graph API error ${code ?? ''}`.trim();
	return new GraphApiError(
		{
			message: metaMessage,
			httpStatus: status,
			code,
			subcode: toInteger(e.error_subcode),
			type: typeof e.type === 'string' ? e.type : undefined,
			details,
			fbtraceId: typeof e.fbtrace_id === 'string' ? e.fbtrace_id : undefined,
			usage,
			request: call,
		},
		credentials,
	);
}
