/**
 * The Graph transport: the only code in the pack that talks HTTP. Nodes never call it directly; they go through the
 * gate (`nodes/shared/limiter`), which calls `graphRequest` and reacts to `GraphApiError.errorClass`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { connectionFor, getGraphClient } from './client';
import { GraphApiError, type SendStage } from './errors';
import { redactSecrets } from './redact';
import type { GraphRequest, GraphResponse, GraphUsage, WhatsAppCredentials } from './types';
import { parseUsageHeaders } from './usage';

export * from './types';
export { GraphApiError, classifyGraphError, isGraphApiError, THROTTLED_CODES, TRANSIENT_CODES } from './errors';
export type { GraphApiErrorInit, SendStage } from './errors';
export { redactSecrets, redactDeep } from './redact';
export { parseUsageHeaders } from './usage';
export { destroyGraphClients, MAX_SOCKETS_PER_ORIGIN, MAX_BODY_BYTES } from './client';
export { proxyForUrl } from './proxy';

/** Default time for a whole call (connect + send + answer). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Uploads and downloads of media (up to 100 MB) get longer. */
export const MEDIA_TIMEOUT_MS = 300_000;
/** After the answer's headers arrived at the deadline, how much longer its body may take. */
const BODY_GRACE_MS = 10_000;
const MAX_DOWNLOAD_REDIRECTS = 3;
const API_VERSION_PATTERN = /^v\d+\.\d+$/;

function invalid(message: string): GraphApiError {
	return new GraphApiError({ message, invalidInput: true });
}

/** Check the credential fields the transport needs; a clear error names the field and what is expected. */
export function assertUsableCredentials(credentials: WhatsAppCredentials, auth: GraphRequest['auth'] = 'bearer'): void {
	if (!credentials || typeof credentials !== 'object') throw invalid('No WhatsApp Cloud API credential was given');
	const version = String(credentials.apiVersion ?? '').trim();
	if (!API_VERSION_PATTERN.test(version)) {
		throw invalid(`The credential's Graph API Version "${version}" is not valid: expected a version like v26.0`);
	}
	normaliseBaseUrl(credentials.baseUrl);
	if (auth === 'bearer' && !String(credentials.accessToken ?? '').trim()) {
		throw invalid('The credential has no Access Token: paste the token from Meta Business Settings');
	}
	if (auth === 'app' && (!String(credentials.appId ?? '').trim() || !String(credentials.appSecret ?? '').trim())) {
		throw invalid('This call needs the Meta App ID and App Secret in the credential');
	}
}

/** `https://graph.facebook.com/` → `https://graph.facebook.com`; rejects anything but an http(s) URL. */
export function normaliseBaseUrl(baseUrl: string | undefined): string {
	const text = String(baseUrl ?? '').trim();
	let parsed: URL;
	try {
		parsed = new URL(text);
	} catch {
		throw invalid(
			`The credential's Graph Base URL "${redactSecrets(text)}" is not a URL: expected e.g. https://graph.facebook.com`,
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw invalid(`The credential's Graph Base URL must start with https:// or http://, not "${parsed.protocol}"`);
	}
	if (parsed.search || parsed.hash) {
		throw invalid("The credential's Graph Base URL must not contain a query (?…) or fragment (#…)");
	}
	return text.replace(/\/+$/, '');
}

/** The full URL of a call, with its query string. */
export function buildGraphUrl(credentials: WhatsAppCredentials, request: GraphRequest): URL {
	let url: URL;
	if (request.url) {
		try {
			url = new URL(request.url);
		} catch {
			throw invalid('The media URL given is not a valid URL');
		}
		if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('The media URL must be http(s)');
	} else {
		const path = request.path ?? '';
		if (!path.startsWith('/')) throw invalid(`Graph path "${redactSecrets(path)}" must start with "/"`);
		url = new URL(`${normaliseBaseUrl(credentials.baseUrl)}/${String(credentials.apiVersion).trim()}${path}`);
	}
	for (const [key, value] of Object.entries(request.query ?? {})) {
		if (value !== undefined) url.searchParams.append(key, String(value));
	}
	return url;
}

function authorizationHeader(credentials: WhatsAppCredentials, auth: GraphRequest['auth']): string | undefined {
	if (auth === 'none') return undefined;
	// Graph accepts app tokens (`{app-id}|{app-secret}`) in the Authorization header too: keeping secrets out of
	// URLs keeps them out of proxy and server access logs.
	if (auth === 'app') return `Bearer ${String(credentials.appId).trim()}|${String(credentials.appSecret).trim()}`;
	return `Bearer ${String(credentials.accessToken).trim()}`;
}

function isFormData(body: unknown): boolean {
	return typeof FormData !== 'undefined' && body instanceof FormData;
}

/** How far a request got: decides whether a network failure is "before sent" (transient) or "ambiguous". */
interface SendTracker {
	connected: boolean;
	/** Meta's answer (status line and headers) has been read. */
	answered: boolean;
}

/**
 * A node `http(s).request` that records whether the connection was established before a failure. A request is
 * written only once its socket is connected (and TLS is up), so a failure before that point cannot have reached Meta.
 */
function trackingTransport(tracker: SendTracker) {
	return {
		request(options: RequestOptions, callback: (res: IncomingMessage) => void): ClientRequest {
			const module = options.protocol === 'https:' ? https : http;
			const req = module.request(options, (res) => {
				tracker.answered = true;
				callback(res);
			});
			req.on('socket', (socket) => {
				const tls = typeof (socket as { encrypted?: boolean }).encrypted === 'boolean';
				const stillConnecting =
					(socket as { connecting?: boolean }).connecting === true ||
					(tls && (socket as { _secureEstablished?: boolean })._secureEstablished === false);
				if (!stillConnecting) {
					// A reused keep-alive socket (or one a proxy agent handed over already open).
					tracker.connected = true;
					return;
				}
				socket.once(tls ? 'secureConnect' : 'connect', () => {
					tracker.connected = true;
				});
			});
			return req;
		},
	};
}

/** Safe text for the failing call: method and path, never the host's query string. */
function describeCall(method: string, url: URL): string {
	return `${method} ${url.pathname}`;
}

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

function errorFromResponse(
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
		const snippet = bodyText.replace(/\s+/g, ' ').trim().slice(0, 200);
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

function errorFromNetwork(
	error: unknown,
	timedOutAfterMs: number | undefined,
	tracker: SendTracker,
	call: string,
	origin: string,
	credentials: WhatsAppCredentials,
): GraphApiError {
	// Copy only the code: the axios error holds the request config and its Authorization header.
	const rawCode = (error as { code?: unknown } | null)?.code;
	const code = typeof rawCode === 'string' ? rawCode : undefined;
	const stage: SendStage = tracker.connected ? 'mayHaveBeenSent' : 'beforeSent';
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

function headersOf(raw: unknown): Record<string, string | string[] | undefined> {
	// AxiosHeaders has toJSON(); a plain object is fine as is.
	if (raw && typeof (raw as { toJSON?: unknown }).toJSON === 'function') {
		return (raw as { toJSON: () => Record<string, string | string[] | undefined> }).toJSON();
	}
	return (raw as Record<string, string | string[] | undefined>) ?? {};
}

/**
 * One Graph API call. Resolves with the answer for any 2xx; rejects with a `GraphApiError` (redacted, classified)
 * for everything else, including bad credential settings, before anything is sent.
 */
export async function graphRequest<T = unknown>(
	credentials: WhatsAppCredentials,
	request: GraphRequest,
): Promise<GraphResponse<T>> {
	const auth = request.auth ?? 'bearer';
	if (!request.url) assertUsableCredentials(credentials, auth);
	else if (auth !== 'none') assertUsableCredentials({ ...credentials, baseUrl: credentials.baseUrl || request.url }, auth);

	let url = buildGraphUrl(credentials, request);
	const method = request.method;
	const binary = request.responseType === 'arraybuffer';
	const form = isFormData(request.body);
	const timeoutMs = request.timeoutMs ?? (binary || form ? MEDIA_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
	let authorization = authorizationHeader(credentials, auth);
	const firstOrigin = url.origin;

	for (let hop = 0; ; hop++) {
		const call = describeCall(method, url);
		const headers: Record<string, string> = { Accept: binary ? '*/*' : 'application/json' };
		if (authorization) headers.Authorization = authorization;
		let data: unknown = undefined;
		if (request.body !== undefined && method !== 'GET') {
			data = request.body;
			if (!form) headers['Content-Type'] = 'application/json';
		}

		const tracker: SendTracker = { connected: false, answered: false };
		const controller = new AbortController();
		let timedOut = false;
		let settled = false;
		let graceGiven = false;
		// A per-call deadline, cleared as soon as the answer arrives. When it fires, the abort waits for the next
		// check phase: after an event-loop stall, timers run before pending I/O is read, and an answer (or the
		// connection) that already arrived must win over a deadline that only looks passed.
		const expire = (): void => {
			setImmediate(() => {
				if (settled) return;
				if (tracker.answered && !graceGiven) {
					// The status line is in: give the body one more (shorter) period before calling it a timeout.
					graceGiven = true;
					timer = setTimeout(expire, Math.min(timeoutMs, BODY_GRACE_MS));
					return;
				}
				timedOut = true;
				controller.abort();
			});
		};
		let timer = setTimeout(expire, timeoutMs);
		let response;
		try {
			const client = getGraphClient(url.origin);
			response = await client.axios.request<ArrayBuffer>({
				...connectionFor(client, url),
				method,
				url: url.toString(),
				headers,
				data,
				responseType: 'arraybuffer',
				signal: controller.signal,
				transport: trackingTransport(tracker),
			});
		} catch (error) {
			throw errorFromNetwork(error, timedOut ? timeoutMs : undefined, tracker, call, url.origin, credentials);
		} finally {
			settled = true;
			clearTimeout(timer);
		}

		const status = response.status;
		const responseHeaders = headersOf(response.headers);
		const usage = parseUsageHeaders(responseHeaders);
		const body = Buffer.from(response.data ?? new ArrayBuffer(0));

		const location = responseHeaders.location;
		if (binary && method === 'GET' && status >= 300 && status < 400 && typeof location === 'string') {
			if (hop >= MAX_DOWNLOAD_REDIRECTS) {
				throw new GraphApiError({ message: `Too many redirects downloading media (${call})`, httpStatus: status, usage, request: call }, credentials);
			}
			url = new URL(location, url);
			// Never hand the token to another host a redirect points at.
			if (url.origin !== firstOrigin) authorization = undefined;
			continue;
		}

		if (status < 200 || status >= 300) {
			throw errorFromResponse(status, body.toString('utf8'), usage, call, credentials);
		}
		if (binary) {
			const contentType = responseHeaders['content-type'];
			return {
				status,
				data: body as unknown as T,
				contentType: Array.isArray(contentType) ? contentType[0] : contentType,
				usage,
			};
		}
		const text = body.toString('utf8');
		if (text.trim() === '') return { status, data: {} as T, usage };
		try {
			return { status, data: JSON.parse(text) as T, usage };
		} catch {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the gate needs the typed error; nodes convert it with toNodeApiError
			throw new GraphApiError(
				{
					message: `The Graph API answered HTTP ${status} with a body that is not JSON (${call}): ${text.slice(0, 120)}`,
					httpStatus: status,
					usage,
					request: call,
					invalidInput: true,
				},
				credentials,
			);
		}
	}
}
export { toNodeApiError, describeGraphError } from './n8nError';
export type { GraphErrorText } from './n8nError';
