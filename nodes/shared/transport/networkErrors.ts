/** A call that got no answer: where it failed (before sending, or after) and in words a user understands. */
import { egressRefusalIn } from './egress';
import { GraphApiError, type SendStage } from './errors';
import type { WhatsAppCredentials } from './types';

const NETWORK_TEXT: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found (DNS)',
	EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection was closed while sending',
	ETIMEDOUT: 'the connection timed out',
	EHOSTUNREACH: 'the host is unreachable',
	ERR_PROXY_CONNECT: 'the proxy refused the tunnel',
	ENETUNREACH: 'the network is unreachable',
};

export function errorFromNetwork(
	error: unknown,
	timedOutAfterMs: number | undefined,
	tracker: { connected: boolean },
	call: string,
	origin: string,
	credentials: WhatsAppCredentials,
): GraphApiError {
	// Copy only the code: the axios error holds the request config and its Authorization header.
	const rawCode = (error as { code?: unknown } | null)?.code;
	const code = typeof rawCode === 'string' ? rawCode : undefined;
	const stage: SendStage = tracker.connected ? 'mayHaveBeenSent' : 'beforeSent';
	const refused = egressRefusalIn(error);
	if (refused) {
		// Our own text (host, address, rule): nothing was sent, and retrying cannot help.
		return new GraphApiError({ message: `Nothing was sent (${call}): ${refused.message}`, request: call, invalidInput: true }, credentials);
	}
	if (timedOutAfterMs !== undefined) {
		return new GraphApiError(
			{
				message:
					stage === 'beforeSent'
						? `Could not connect to ${origin} within ${timedOutAfterMs / 1000} s (${call})`
						: `No answer from the Graph API within ${timedOutAfterMs / 1000} s (${call}); it may have been processed`,
				networkCode: 'ETIMEDOUT',
				sendStage: stage,
				request: call,
			},
			credentials,
		);
	}
	if (code && /^ERR_(BAD_OPTION|BAD_OPTION_VALUE|NOT_SUPPORT|INVALID_URL|BAD_RESPONSE|FR_MAX)/.test(code)) {
		// axios's own refusals (a body over the size limit, an unsupported option): not a network failure.
		const text = error instanceof Error ? error.message : String(error);
		return new GraphApiError({ message: `${call} failed: ${text}`, request: call, invalidInput: true }, credentials);
	}
	const networkCode = code ?? 'ENETWORK';
	const what = NETWORK_TEXT[networkCode] ?? `network error ${networkCode}`;
	const message =
		stage === 'beforeSent'
			? `Could not reach ${origin}: ${what} (${call}); nothing was sent`
			: `Connection to ${origin} failed after the request was sent: ${what} (${call}); it may have been processed`;
	return new GraphApiError({ message, networkCode, sendStage: stage, request: call }, credentials);
}
