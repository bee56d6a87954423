/** How long one Graph call may take, by its kind: the deadline an attempt keeps and the lease the gate holds. */
import type { GraphRequest } from './types';

/** Default time for a whole call (connect + send + answer). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Uploads and downloads of media (up to 100 MB) get longer. */
export const MEDIA_TIMEOUT_MS = 300_000;
/** After the answer's headers arrived at the deadline, how much longer its body may take. */
export const BODY_GRACE_MS = 10_000;
export const MAX_DOWNLOAD_REDIRECTS = 3;
/** A call with the default timeout and no redirects: its timeout plus the body's grace. */
export const LONGEST_PLAIN_CALL_MS = DEFAULT_TIMEOUT_MS + BODY_GRACE_MS;

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
export function timeoutOf(request: GraphRequest): number {
	return request.timeoutMs ?? (isBinary(request) || isFormData(request.body) ? MEDIA_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
}

/** A media download: its bytes as one Buffer or as a stream. */
export function isBinary(request: GraphRequest): boolean {
	return request.responseType === 'arraybuffer' || request.responseType === 'stream';
}

export function isFormData(body: unknown): boolean {
	return typeof FormData !== 'undefined' && body instanceof FormData;
}
