/**
 * Where a call goes. A send's URL is the credential's checked `{base URL}/{version}` prefix plus a plain path, joined
 * as text; anything else is parsed by `new URL` (url.test.ts checks both give the same URL).
 */
import { checkedApiVersion, noCredential, normaliseBaseUrl } from './credentialCheck';
import { mediaUrlRefusal, plainHttpRefusal } from './egress';
import { invalidInput } from './errors';
import { redactSecrets } from './redact';
import type { GraphRequest, WhatsAppCredentials } from './types';

/** Where a call goes: the URL as text, its origin (the connection pool) and its path (for error texts). */
export interface Target {
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
	if (!credentials || typeof credentials !== 'object') noCredential();
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

export function targetOf(url: URL): Target {
	return { href: url.href, origin: url.origin, pathname: url.pathname };
}

/** The call's target for a Graph path, without parsing a URL in the usual case. */
export function graphTarget(credentials: WhatsAppCredentials, request: GraphRequest): Target {
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
			throw invalidInput('The media URL given is not a valid URL');
		}
		if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidInput('The media URL must be http(s)');
		assertAnswerUrl(url, credentials);
	} else {
		const path = request.path ?? '';
		if (!path.startsWith('/')) throw invalidInput(`Graph path "${redactSecrets(path)}" must start with "/"`);
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
export function assertAnswerUrl(url: URL, credentials: WhatsAppCredentials): void {
	const refusal = plainHttpRefusal(url) ?? mediaUrlRefusal(url, graphOrigin(credentials));
	if (refusal) throw invalidInput(refusal);
}
