/**
 * How long what a media link served may be reused, read from its answer's headers the way Meta reads them for its own
 * link cache ("Media HTTP Caching": Cache-Control max-age / no-cache / no-store / private, Last-Modified, ETag):
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#media-http-caching
 * Pure: no network, no clock of its own.
 */

/** The caching headers of a link's answer (lower-case names, as Node gives them). */
export interface LinkCacheHeaders {
	cacheControl?: string;
	etag?: string;
	lastModified?: string;
}

export interface LinkFreshness {
	/** False: nothing of this answer is kept for the next execution (no-store, private, or no caching header at all). */
	keep: boolean;
	/** Epoch ms until which the file is reused without asking its server; before then nothing is requested. */
	freshUntil: number;
}

/** `max-age=600, no-cache` → `{ 'max-age': '600', 'no-cache': '' }` (directive names lower-cased). */
export function cacheDirectives(cacheControl: string | undefined): Record<string, string> {
	const directives: Record<string, string> = {};
	for (const part of (cacheControl ?? '').split(',')) {
		const [name, ...value] = part.split('=');
		const key = name.trim().toLowerCase();
		if (key) directives[key] = value.join('=').trim().replace(/^"(.*)"$/, '$1');
	}
	return directives;
}

/**
 * Meta: `max-age=n` reuse for n seconds; `no-cache` keep, but ask again (with the validators) each time; `no-store` and
 * `private` never keep; none of Cache-Control, Last-Modified and ETag: never keep. A kept answer with neither max-age
 * nor no-cache is asked about again each time too (a conditional request costs a 304, never the file).
 */
export function linkFreshness(headers: LinkCacheHeaders, now: number): LinkFreshness {
	const directives = cacheDirectives(headers.cacheControl);
	if ('no-store' in directives || 'private' in directives) return { keep: false, freshUntil: now };
	if (!headers.cacheControl && !headers.etag && !headers.lastModified) return { keep: false, freshUntil: now };
	const maxAge = Number(directives['max-age']);
	const fresh = !('no-cache' in directives) && Number.isFinite(maxAge) && maxAge > 0;
	return { keep: true, freshUntil: fresh ? now + maxAge * 1000 : now };
}

/** The request headers that ask the server whether a kept file changed (answered 304 when it did not). */
export function conditionalHeaders(kept: { etag?: string; lastModified?: string }): Record<string, string> {
	const headers: Record<string, string> = {};
	if (kept.etag) headers['if-none-match'] = kept.etag;
	if (kept.lastModified) headers['if-modified-since'] = kept.lastModified;
	return headers;
}
