/**
 * One Graph API call, from the request to the answer or a classified GraphApiError: checks the credential, builds the
 * URL, runs attempts (following a download's redirects), and reads Meta's envelope or the network failure.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Attempt, readAll, streamedBody } from './attempt';
import { getGraphClient, type RawAnswer } from './client';
import { assertSecrets, assertUsableCredentials } from './credentialCheck';
import { errorFromResponse } from './envelope';
import { GraphApiError, invalidInput } from './errors';
import { errorFromNetwork } from './networkErrors';
import { redactSecrets } from './redact';
import { isBinary, isFormData, MAX_DOWNLOAD_REDIRECTS, timeoutOf } from './timeouts';
import type { GraphRequest, GraphResponse, GraphUsage, WhatsAppCredentials } from './types';
import { parseLowerCaseUsageHeaders } from './usage';
import { assertAnswerUrl, buildGraphUrl, graphTarget, targetOf, type Target } from './url';

function authorizationHeader(credentials: WhatsAppCredentials, auth: GraphRequest['auth']): string | undefined {
	if (auth === 'none') return undefined;
	// Graph accepts app tokens (`{app-id}|{app-secret}`) in the Authorization header too: keeping secrets out of
	// URLs keeps them out of proxy and server access logs.
	if (auth === 'app') return `Bearer ${String(credentials.appId).trim()}|${String(credentials.appSecret).trim()}`;
	return `${auth === 'oauth' ? 'OAuth' : 'Bearer'} ${String(credentials.accessToken).trim()}`;
}

/** Safe text for the failing call: method and path, never the host's query string. */
function describeCall(method: string, target: Target): string {
	return `${method} ${target.pathname}`;
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
		throw invalidInput(`The request body cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`);
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
