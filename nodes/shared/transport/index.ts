/**
 * The Graph transport: the only code in the pack that talks HTTP. Nodes never call it directly; they go through the
 * gate (`nodes/shared/limiter`), which calls `graphRequest` and reacts to `GraphApiError.errorClass`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline, Readable, Transform } from 'node:stream';
import { resolveApiVersion } from './apiVersions';
import { getGraphClient, MAX_BODY_BYTES, type GraphClient, type RawAnswer } from './client';
import { egressRefusalIn, mediaUrlRefusal, plainHttpRefusal } from './egress';
import { GraphApiError, type SendStage } from './errors';
import { redactSecrets } from './redact';
import type { GraphRequest, GraphResponse, GraphUsage, WhatsAppCredentials } from './types';
import { parseLowerCaseUsageHeaders } from './usage';

export * from './types';
export {
	GraphApiError,
	classifyGraphError,
	isGraphApiError,
	INSIGHTS_DISABLED_CODES,
	PERMANENT_CODES,
	STALE_CURSOR_CODE,
	THROTTLED_CODES,
	TRANSIENT_CODES,
} from './errors';
export { listAgainOnStaleCursor } from './paging';
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
/** A call with the default timeout and no redirects: its timeout plus the body's grace. */
export const LONGEST_PLAIN_CALL_MS = DEFAULT_TIMEOUT_MS + BODY_GRACE_MS;
const API_VERSION_PATTERN = /^v\d+\.\d+$/;

function invalid(message: string): GraphApiError {
	return new GraphApiError({ message, invalidInput: true });
}

/** The version a credential's calls go to (`newest` resolved); a clear error when it is not a version. */
function checkedApiVersion(credentials: WhatsAppCredentials): string {
	const version = resolveApiVersion(credentials.apiVersion);
	if (!API_VERSION_PATTERN.test(version)) {
		throw invalid(`The credential's Graph API Version "${redactSecrets(version)}" is not valid: expected a version like v26.0`);
	}
	return version;
}

/** Check the credential fields the transport needs; a clear error names the field and what is expected. */
export function assertUsableCredentials(credentials: WhatsAppCredentials, auth: GraphRequest['auth'] = 'bearer'): void {
	if (!credentials || typeof credentials !== 'object') throw invalid('No WhatsApp Cloud Nodes API credential was given');
	checkedApiVersion(credentials);
	normaliseBaseUrl(credentials.baseUrl);
	assertSecrets(credentials, auth);
}

function assertSecrets(credentials: WhatsAppCredentials, auth: GraphRequest['auth']): void {
	if ((auth === 'bearer' || auth === 'oauth') && !String(credentials.accessToken ?? '').trim()) {
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
	const plainHttp = plainHttpRefusal(parsed);
	if (plainHttp) throw invalid(`The credential's Graph Base URL cannot be used: ${plainHttp}`);
	return text.replace(/\/+$/, '');
}

/** Where a call goes: the URL as text, its origin (the connection pool) and its path (for error texts). */
interface Target {
	href: string;
	origin: string;
	pathname: string;
}

/** `{base URL}/{version}` of a credential, checked and parsed once instead of on every call. */
interface VersionPrefix extends Target {
	/** False when appending a path to `href` as text would not give what `new URL` gives (a `?` or `#` in it). */
	appendable: boolean;
}

const MAX_CACHED_PREFIXES = 256;
const prefixes = new Map<string, VersionPrefix>();
const prefixOfCredentials = new WeakMap<WhatsAppCredentials, { apiVersion: unknown; baseUrl: unknown; prefix: VersionPrefix }>();

/** The checked prefix for a credential's base URL and API version; throws what `assertUsableCredentials` throws. */
function versionPrefix(credentials: WhatsAppCredentials): VersionPrefix {
	if (!credentials || typeof credentials !== 'object') throw invalid('No WhatsApp Cloud Nodes API credential was given');
	// The calls of an execution share one credential object: remember its prefix on it (fields compared, in case
	// the object is changed), and otherwise look the text up.
	const known = prefixOfCredentials.get(credentials);
	if (known && known.apiVersion === credentials.apiVersion && known.baseUrl === credentials.baseUrl) return known.prefix;
	const key = `${String(credentials.apiVersion ?? '')}\n${String(credentials.baseUrl ?? '')}`;
	let prefix = prefixes.get(key);
	if (prefix) {
		prefixOfCredentials.set(credentials, { apiVersion: credentials.apiVersion, baseUrl: credentials.baseUrl, prefix });
		return prefix;
	}
	const url = new URL(`${normaliseBaseUrl(credentials.baseUrl)}/${checkedApiVersion(credentials)}`);
	prefix = { href: url.href, origin: url.origin, pathname: url.pathname, appendable: !url.search && !url.hash };
	// A process sees a handful of base URLs; the bound only guards against a caller inventing them endlessly.
	if (prefixes.size >= MAX_CACHED_PREFIXES) prefixes.clear();
	prefixes.set(key, prefix);
	prefixOfCredentials.set(credentials, { apiVersion: credentials.apiVersion, baseUrl: credentials.baseUrl, prefix });
	return prefix;
}

/**
 * A path whose segments are plain characters (no `.`/`..` segment, no `%`, `?`, `#`, space…): `new URL` would leave
 * it exactly as written, so the call's URL is the prefix plus the path as text.
 */
const PLAIN_PATH = /^(?:\/[\w~-][\w.~-]*)*\/?$/;

function hasQuery(query: GraphRequest['query']): boolean {
	if (!query) return false;
	for (const key in query) if (query[key] !== undefined) return true;
	return false;
}

function targetOf(url: URL): Target {
	return { href: url.href, origin: url.origin, pathname: url.pathname };
}

/** The call's target for a Graph path, without parsing a URL in the usual case. */
function graphTarget(credentials: WhatsAppCredentials, request: GraphRequest): Target {
	const prefix = versionPrefix(credentials);
	const path = request.path ?? '';
	if (prefix.appendable && path.startsWith('/') && PLAIN_PATH.test(path) && !hasQuery(request.query)) {
		return { href: prefix.href + path, origin: prefix.origin, pathname: prefix.pathname + path };
	}
	return targetOf(buildGraphUrl(credentials, request));
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
		assertAnswerUrl(url, credentials);
	} else {
		const path = request.path ?? '';
		if (!path.startsWith('/')) throw invalid(`Graph path "${redactSecrets(path)}" must start with "/"`);
		url = new URL(`${normaliseBaseUrl(credentials.baseUrl)}/${checkedApiVersion(credentials)}${path}`);
	}
	for (const [key, value] of Object.entries(request.query ?? {})) {
		if (value !== undefined) url.searchParams.append(key, String(value));
	}
	return url;
}

/** The Graph origin of a credential (Meta's when the field is empty), for comparing URLs an answer names. */
function graphOrigin(credentials: WhatsAppCredentials): string {
	return new URL(normaliseBaseUrl(credentials.baseUrl || 'https://graph.facebook.com')).origin;
}

/** A URL an answer named (media download, next page, redirect): the token goes only to the Graph host or Meta's media hosts. */
function assertAnswerUrl(url: URL, credentials: WhatsAppCredentials): void {
	const refusal = plainHttpRefusal(url) ?? mediaUrlRefusal(url, graphOrigin(credentials));
	if (refusal) throw invalid(refusal);
}

function authorizationHeader(credentials: WhatsAppCredentials, auth: GraphRequest['auth']): string | undefined {
	if (auth === 'none') return undefined;
	// Graph accepts app tokens (`{app-id}|{app-secret}`) in the Authorization header too: keeping secrets out of
	// URLs keeps them out of proxy and server access logs.
	if (auth === 'app') return `Bearer ${String(credentials.appId).trim()}|${String(credentials.appSecret).trim()}`;
	return `${auth === 'oauth' ? 'OAuth' : 'Bearer'} ${String(credentials.accessToken).trim()}`;
}

/**
 * The longest one Graph call may take in the transport: its timeout (explicit, or the default for its kind), plus the
 * body's grace, for each request a media download's redirects may make. The gate keeps a Redis lease at least this long.
 */
export function longestCallMs(request: GraphRequest): number {
	const binary = isBinary(request);
	const requests = binary && request.method === 'GET' ? MAX_DOWNLOAD_REDIRECTS + 1 : 1;
	return requests * (timeoutOf(request) + BODY_GRACE_MS);
}

/** A call's timeout: its own, else the media timeout for downloads and uploads, else the default. */
function timeoutOf(request: GraphRequest): number {
	return request.timeoutMs ?? (isBinary(request) || isFormData(request.body) ? MEDIA_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
}

/** A media download: its bytes as one Buffer or as a stream. */
function isBinary(request: GraphRequest): boolean {
	return request.responseType === 'arraybuffer' || request.responseType === 'stream';
}

function isFormData(body: unknown): boolean {
	return typeof FormData !== 'undefined' && body instanceof FormData;
}

/**
 * One attempt of a call: how far it got (decides whether a network failure is "before sent", transient, or
 * "ambiguous"), its deadline, and the axios `transport` that creates its request. One object per attempt holds all
 * of it, so a call allocates no AbortController, no per-call closures for the deadline and no listener objects.
 */
class Attempt {
	/** The socket was connected (and TLS up) when the request got it: from then on the request may reach Meta. */
	connected = false;
	/** Meta's answer (status line and headers) has been read. */
	answered = false;
	timedOut = false;
	settled = false;
	private graceGiven = false;
	private timer: NodeJS.Timeout | undefined;
	private req: ClientRequest | undefined;
	/** The answer as Node parsed it: its headers are a plain object with lower-case names. */
	res: IncomingMessage | undefined;
	private fail: ((reason: unknown) => void) | undefined;

	constructor(
		private readonly timeoutMs: number,
		private readonly onSent?: (at: number) => void,
	) {}

	/** Runs the request; rejects at the deadline even if axios has not noticed the destroyed request yet. */
	run(client: GraphClient, method: string, url: string, headers: Record<string, string>, data: unknown, stream: boolean): Promise<RawAnswer> {
		this.timer = setTimeout(onDeadline, this.timeoutMs, this);
		return new Promise<RawAnswer>((resolve, reject) => {
			this.fail = reject;
			client.send(method, url, headers, data, this, stream).then(resolve, reject);
		});
	}

	/** Called at the deadline, one check phase later (see `onDeadline`). */
	expire(): void {
		if (this.settled) return;
		if (this.answered && !this.graceGiven) {
			// The status line is in: give the body one more (shorter) period before calling it a timeout.
			this.graceGiven = true;
			this.timer = setTimeout(onDeadline, Math.min(this.timeoutMs, BODY_GRACE_MS), this);
			return;
		}
		this.timedOut = true;
		const error = new Error('The call took longer than its timeout');
		this.fail?.(error);
		this.req?.destroy(error);
	}

	finish(): void {
		this.settled = true;
		clearTimeout(this.timer);
	}

	/**
	 * axios's `transport`: a node `http(s).request` that records whether the connection was established before a
	 * failure, and tells the caller (`onSent`, the gate) when the request finished writing. A request is written only
	 * once its socket is connected (and TLS is up), so a failure before that point cannot have reached Meta.
	 */
	request(options: RequestOptions, callback: (res: IncomingMessage) => void): ClientRequest {
		const module = options.protocol === 'https:' ? https : http;
		const req = module.request(options, (res) => {
			this.answered = true;
			this.res = res;
			callback(res);
		});
		this.req = req;
		(req as AttemptRequest)[ATTEMPT] = this;
		req.once('socket', onAttemptSocket);
		const onSent = this.onSent;
		if (onSent) req.once('finish', () => onSent(Date.now()));
		if (this.timedOut) req.destroy(new Error('The call took longer than its timeout'));
		return req;
	}
}

const ATTEMPT = Symbol('graphAttempt');
type AttemptRequest = ClientRequest & { [ATTEMPT]?: Attempt };

/**
 * The deadline fired. The abort waits for the next check phase: after an event-loop stall, timers run before pending
 * I/O is read, and an answer (or the connection) that already arrived must win over a deadline that only looks passed.
 */
function onDeadline(attempt: Attempt): void {
	setImmediate(expireAttempt, attempt);
}

function expireAttempt(attempt: Attempt): void {
	attempt.expire();
}

function onAttemptSocket(this: AttemptRequest, socket: Socket): void {
	const attempt = this[ATTEMPT];
	if (!attempt) return;
	const tls = typeof (socket as { encrypted?: boolean }).encrypted === 'boolean';
	const stillConnecting =
		socket.connecting === true || (tls && (socket as { _secureEstablished?: boolean })._secureEstablished === false);
	if (!stillConnecting) {
		// A reused keep-alive socket (or one a proxy agent handed over already open).
		attempt.connected = true;
		return;
	}
	socket.once(tls ? 'secureConnect' : 'connect', () => {
		attempt.connected = true;
	});
}

/** A download's bytes as they come: at most MAX_BODY_BYTES, and the call's deadline holds until the last one. */
function streamedBody(source: Readable, attempt: Attempt): Readable {
	let bytes = 0;
	const counted = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			bytes += chunk.length;
			if (bytes > MAX_BODY_BYTES) callback(new Error(`The download is larger than ${MAX_BODY_BYTES} bytes`));
			else callback(null, chunk);
		},
	});
	pipeline(source, counted, () => attempt.finish());
	return counted;
}

/** A streamed answer that is not the file (an error, a redirect): its few bytes, at most MAX_BODY_BYTES. */
async function readAll(source: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let bytes = 0;
	for await (const chunk of source) {
		bytes += (chunk as Buffer).length;
		if (bytes > MAX_BODY_BYTES) {
			source.destroy();
			throw new Error(`The answer is larger than ${MAX_BODY_BYTES} bytes`);
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** Safe text for the failing call: method and path, never the host's query string. */
function describeCall(method: string, target: Target): string {
	return `${method} ${target.pathname}`;
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

function headersOf(raw: unknown): Record<string, string | string[] | undefined> {
	// AxiosHeaders has toJSON(); a plain object is fine as is.
	if (raw && typeof (raw as { toJSON?: unknown }).toJSON === 'function') {
		return (raw as { toJSON: () => Record<string, string | string[] | undefined> }).toJSON();
	}
	return (raw as Record<string, string | string[] | undefined>) ?? {};
}

/**
 * A JSON body as text, as axios's default transform would send it: a string that is JSON already goes as it is,
 * anything else through JSON.stringify. Done here, once, so axios runs no request transform.
 */
function jsonText(body: unknown): string | Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') {
		try {
			JSON.parse(body);
			return body.trim();
		} catch {
			// not JSON text: sent as a JSON string below
		}
	}
	try {
		return JSON.stringify(body);
	} catch (error) {
		throw invalid(`The request body cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`);
	}
}

/**
 * A success: `usage` is parsed from the headers when first read. Nothing on the hot path reads it (the gate needs
 * usage only from errors), and parsing two JSON headers on every send was a measurable part of a call's CPU.
 */
function successResponse<T>(status: number, data: T, headers: IncomingHttpHeaders, binary = false): GraphResponse<T> {
	const response = (binary ? { status, data, contentType: headers['content-type'] } : { status, data }) as GraphResponse<T>;
	Object.defineProperty(response, 'usage', {
		configurable: true,
		enumerable: true,
		get(): GraphUsage {
			const usage = parseLowerCaseUsageHeaders(headers);
			Object.defineProperty(response, 'usage', { value: usage, configurable: true, enumerable: true, writable: true });
			return usage;
		},
		set(value: GraphUsage) {
			Object.defineProperty(response, 'usage', { value, configurable: true, enumerable: true, writable: true });
		},
	});
	return response;
}

/** What the caller of one Graph call may learn while it runs. */
export interface GraphRequestHooks {
	/** When the request finished writing to its socket (Date.now()): the gate counts the call as sent then. */
	onSent?: (at: number) => void;
}

/**
 * One Graph API call. Resolves with the answer for any 2xx; rejects with a `GraphApiError` (redacted, classified)
 * for everything else, including bad credential settings, before anything is sent.
 */
export async function graphRequest<T = unknown>(
	credentials: WhatsAppCredentials,
	request: GraphRequest,
	hooks?: GraphRequestHooks,
): Promise<GraphResponse<T>> {
	const auth = request.auth ?? 'bearer';
	let target: Target;
	if (!request.url) {
		target = graphTarget(credentials, request);
		assertSecrets(credentials, auth);
	} else {
		if (auth !== 'none') assertUsableCredentials({ ...credentials, baseUrl: credentials.baseUrl || request.url }, auth);
		target = targetOf(buildGraphUrl(credentials, request));
	}
	const method = request.method;
	const stream = request.responseType === 'stream';
	const binary = isBinary(request);
	const form = isFormData(request.body);
	const timeoutMs = timeoutOf(request);
	let authorization = authorizationHeader(credentials, auth);
	const firstOrigin = target.origin;
	let data: unknown = undefined;
	if (request.body !== undefined && method !== 'GET') data = form ? request.body : jsonText(request.body);

	for (let hop = 0; ; hop++) {
		// A plain header object: axios copies it into its own header set anyway.
		const headers: Record<string, string> = { ...request.headers, Accept: binary ? '*/*' : 'application/json' };
		if (authorization) headers.Authorization = authorization;
		if (data !== undefined && !form) headers['Content-Type'] = Buffer.isBuffer(request.body) ? 'application/octet-stream' : 'application/json';
		// Sends, uploads and deletes answer a few hundred bytes: a compressed answer would cost a zlib stream per call
		// (~130 µs of CPU measured, more than the rest of the call) to save nothing. GETs (lists, analytics, media)
		// may be large and keep axios's gzip/deflate/br offer.
		if (method !== 'GET') headers['Accept-Encoding'] = 'identity';
		// Only the first request says when it left: a redirect's hop is not a new call to Meta.
		const attempt = new Attempt(timeoutMs, hop === 0 ? hooks?.onSent : undefined);
		let response: RawAnswer;
		try {
			response = await attempt.run(getGraphClient(target.origin), method, target.href, headers, data, stream);
		} catch (error) {
			attempt.finish();
			const call = describeCall(method, target);
			throw errorFromNetwork(error, attempt.timedOut ? timeoutMs : undefined, attempt, call, target.origin, credentials);
		}

		const status = response.status;
		// Node's own header object (lower-case names), not axios's AxiosHeaders copy.
		const responseHeaders: IncomingHttpHeaders = attempt.res?.headers ?? headersOf(response.headers);
		const raw = response.data;
		if (raw instanceof Readable && status >= 200 && status < 300) {
			// The bytes as they come, under the call's deadline until the last one.
			return successResponse<T>(status, streamedBody(raw, attempt) as unknown as T, responseHeaders, true);
		}
		let body: Buffer;
		try {
			body = raw instanceof Readable ? await readAll(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw ?? new ArrayBuffer(0));
		} catch (error) {
			const call = describeCall(method, target);
			throw errorFromNetwork(error, attempt.timedOut ? timeoutMs : undefined, attempt, call, target.origin, credentials);
		} finally {
			attempt.finish();
		}

		const location = responseHeaders.location;
		if (binary && method === 'GET' && status >= 300 && status < 400 && typeof location === 'string') {
			if (hop >= MAX_DOWNLOAD_REDIRECTS) {
				const call = describeCall(method, target);
				throw new GraphApiError(
					{ message: `Too many redirects downloading media (${call})`, httpStatus: status, usage: parseLowerCaseUsageHeaders(responseHeaders), request: call },
					credentials,
				);
			}
			const next = new URL(location, target.href);
			assertAnswerUrl(next, credentials);
			target = targetOf(next);
			// Never hand the token to another host a redirect points at.
			if (target.origin !== firstOrigin) authorization = undefined;
			continue;
		}

		if (status < 200 || status >= 300) {
			const call = describeCall(method, target);
			throw errorFromResponse(status, body.toString('utf8'), parseLowerCaseUsageHeaders(responseHeaders), call, credentials);
		}
		if (binary) {
			return successResponse<T>(status, body as unknown as T, responseHeaders, true);
		}
		const text = body.toString('utf8');
		let parsed: T;
		try {
			parsed = JSON.parse(text) as T;
		} catch {
			if (text.trim() === '') return successResponse<T>(status, {} as T, responseHeaders);
			const call = describeCall(method, target);
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the gate needs the typed error; nodes convert it with toNodeApiError
			throw new GraphApiError(
				{
					message: `The Graph API answered HTTP ${status} with a body that is not JSON (${call}): ${redactSecrets(text, credentials).slice(0, 120)}`,
					httpStatus: status,
					usage: parseLowerCaseUsageHeaders(responseHeaders),
					request: call,
					invalidInput: true,
				},
				credentials,
			);
		}
		return successResponse<T>(status, parsed, responseHeaders);
	}
}
export { toNodeApiError, describeGraphError } from './n8nError';
export type { GraphErrorText } from './n8nError';
