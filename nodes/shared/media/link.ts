/**
 * A media link fetched once, so every item sends the uploaded media ID instead of the link. Meta: "upload your media
 * assets to our servers and use their returned media IDs … or use media caching"
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput); what a link's answer may be
 * reused for follows Meta's own link cache (./linkFreshness).
 *
 * The fetch carries no token and obeys n8n's SSRF policy always, not only when the admin turned it on: private,
 * loopback and link-local addresses are refused unless N8N_SSRF_ALLOWED_IP_RANGES / N8N_SSRF_ALLOWED_HOSTNAMES allow
 * them. Each redirect is a new request, checked again; the size is capped at Meta's limit for the kind.
 */
import * as http from 'node:http';
import * as https from 'node:https';

import type { SharedEntries } from '../limiter';
import { processWide } from '../processWide';
import { egressRefusalIn, guardAgent, secureLookup } from '../transport/egress';
import { sha256Hex } from './api';
import { MEDIA_ID_TTL_MS } from './cache';
import { conditionalHeaders, linkFreshness, type LinkCacheHeaders } from './linkFreshness';
import { checkMedia, formatBytes, MEDIA_RULES, MediaValidationError, type CheckedMedia } from './mime';
import type { MediaKind } from './types';

/** Redirects followed before giving up (each one checked again where it goes). */
export const MAX_LINK_REDIRECTS = 3;
/** Longest a link's whole fetch may take, redirects included. */
export const LINK_FETCH_TIMEOUT_MS = 30_000;
/** Links whose answer is kept in this process (the gate's Redis keeps them for other processes). */
const LINK_CACHE_MAX_ENTRIES = 1000;
/** Bytes of recently fetched links kept for another sender number's upload (a larger file is fetched again). */
export const LINK_BYTES_KEPT_MAX = 32 * 1024 * 1024;

/** A link that could not be fetched or does not fit Meta's table: the item's error, before any send. */
export class MediaLinkError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'MediaLinkError';
	}
}

/** What a link held when last fetched: enough to find its media ID and to ask its server whether it changed. */
interface LinkEntry extends LinkCacheHeaders {
	sha256: string;
	mimeType: string;
	kind: MediaKind;
	fileSize: number;
	fileName: string;
	freshUntil: number;
}

/** A resolved link: `data` only when it was fetched now (otherwise the bytes are what `sha256` names). */
export interface LinkFile {
	url: string;
	sha256: string;
	mimeType: string;
	kind: MediaKind;
	fileSize: number;
	fileName: string;
	data?: Buffer;
	/** True when the file was downloaded by this call (not reused, not answered 304). */
	fetched: boolean;
}

export interface LinkFetchOptions {
	timeoutMs?: number;
	maxRedirects?: number;
	now?: () => number;
}

const agents = processWide('mediaLinkAgents', () => ({
	'http:': guardAgent(new http.Agent({ lookup: secureLookup('public') }), 'public'),
	'https:': guardAgent(new https.Agent({ lookup: secureLookup('public') }), 'public'),
}));

const kept = processWide('mediaLinks', () => new Map<string, LinkEntry>());
const inFlight = processWide('mediaLinks.inFlight', () => new Map<string, Promise<LinkFile>>());
const recentBytes = processWide('mediaLinks.bytes', () => new Map<string, Buffer>());

/** Keep a fetched file's bytes by content hash, the oldest dropped past LINK_BYTES_KEPT_MAX in all. */
function keepBytes(sha256: string, data: Buffer): void {
	const bytes = recentBytes();
	if (data.length > LINK_BYTES_KEPT_MAX) return;
	bytes.delete(sha256);
	bytes.set(sha256, data);
	let total = [...bytes.values()].reduce((sum, kept) => sum + kept.length, 0);
	for (const [hash, kept] of bytes) {
		if (total <= LINK_BYTES_KEPT_MAX) break;
		bytes.delete(hash);
		total -= kept.length;
	}
}

function linkKey(url: string, kind: MediaKind): string {
	return `media-link|${kind}|${url}`;
}

/** The largest answer read for a kind: Meta's limit (an animated sticker's for stickers; the exact one is checked after). */
function maxBytesOf(kind: MediaKind): number {
	const rule = MEDIA_RULES[kind];
	return rule.maxBytesAnimated ?? rule.maxBytes;
}

function fileNameOf(url: URL): string {
	const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
	try {
		return decodeURIComponent(last);
	} catch {
		return last;
	}
}

type Answer = { status: 304; headers: http.IncomingHttpHeaders } | { status: 200; headers: http.IncomingHttpHeaders; data: Buffer; url: URL };

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? value.join(', ') : value;
}

/** One GET (no redirect followed): the answer's status, headers and, for a 200, its bytes up to `maxBytes`. */
function getOnce(url: URL, requestHeaders: Record<string, string>, maxBytes: number, signal: AbortSignal): Promise<{ status: number; headers: http.IncomingHttpHeaders; data?: Buffer }> {
	return new Promise((resolve, reject) => {
		const transport = url.protocol === 'https:' ? https : http;
		const request = transport.get(url, { agent: agents()[url.protocol as 'http:' | 'https:'], headers: requestHeaders, signal }, (response) => {
			const status = response.statusCode ?? 0;
			if (status !== 200) {
				response.resume();
				resolve({ status, headers: response.headers });
				return;
			}
			const declared = Number(response.headers['content-length']);
			if (Number.isFinite(declared) && declared > maxBytes) {
				response.destroy();
				reject(new MediaLinkError(`the file is ${formatBytes(declared)}, over WhatsApp's ${formatBytes(maxBytes)} limit`));
				return;
			}
			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > maxBytes) {
					response.destroy(new MediaLinkError(`the file is over WhatsApp's ${formatBytes(maxBytes)} limit (more than ${size.toLocaleString('en-US')} bytes)`));
					return;
				}
				chunks.push(chunk);
			});
			response.on('end', () => resolve({ status, headers: response.headers, data: Buffer.concat(chunks) }));
			response.on('error', reject);
		});
		request.on('error', reject);
	});
}

/**
 * Network failures in words, without Node's codes: n8n replaces an error message that holds one (ENOTFOUND…) with a
 * generic sentence, which would lose the item and the field.
 */
const NETWORK_FAILURES: Record<string, string> = {
	ENOTFOUND: 'its host name was not found',
	EAI_AGAIN: 'its host name could not be looked up (DNS did not answer)',
	ECONNREFUSED: 'its server refused the connection',
	ECONNRESET: 'its server closed the connection',
	ETIMEDOUT: 'the connection timed out',
	EHOSTUNREACH: 'its host is unreachable',
	ECONNABORTED: 'the connection was aborted',
};

/** What went wrong with a link's fetch, in words that follow "could not be fetched: ". */
function linkFailure(error: unknown, timedOut: boolean, timeoutMs: number): MediaLinkError {
	if (error instanceof MediaLinkError) return error;
	const refusal = egressRefusalIn(error);
	if (refusal) return new MediaLinkError(`the address is not allowed: ${refusal.message}`);
	if (timedOut) return new MediaLinkError(`it did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`);
	const described = NETWORK_FAILURES[String((error as { code?: unknown }).code)];
	return new MediaLinkError(described ?? `the fetch failed (${(error as Error).message})`);
}

/** GET the link, following at most `maxRedirects` redirects (each checked again where it goes). */
async function followRedirects(link: URL, requestHeaders: Record<string, string>, kind: MediaKind, maxRedirects: number, signal: AbortSignal): Promise<Answer> {
	let url = link;
	for (let redirects = 0; ; redirects++) {
		const answer = await getOnce(url, requestHeaders, maxBytesOf(kind), signal);
		if (answer.status === 200) return { status: 200, headers: answer.headers, data: answer.data!, url };
		if (answer.status === 304) return { status: 304, headers: answer.headers };
		const location = header(answer.headers, 'location');
		if (![301, 302, 303, 307, 308].includes(answer.status) || !location) {
			throw new MediaLinkError(`its server answered HTTP ${answer.status}${url === link ? '' : ` (at ${url.host}, after ${redirects} redirect${redirects === 1 ? '' : 's'})`}`);
		}
		if (redirects >= maxRedirects) throw new MediaLinkError(`it redirects more than ${maxRedirects} times`);
		url = new URL(location, url);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MediaLinkError(`it redirects to a ${url.protocol} URL; only http and https are fetched`);
	}
}

/** GET the link, redirects included, within `timeoutMs` in all; every failure a `MediaLinkError`. */
async function fetchLink(link: URL, requestHeaders: Record<string, string>, kind: MediaKind, options: LinkFetchOptions): Promise<Answer> {
	const { timeoutMs = LINK_FETCH_TIMEOUT_MS, maxRedirects = MAX_LINK_REDIRECTS } = options;
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), timeoutMs);
	try {
		return await followRedirects(link, requestHeaders, kind, maxRedirects, controller.signal).catch((error: unknown) =>
			Promise.reject(linkFailure(error, controller.signal.aborted, timeoutMs)),
		);
	} finally {
		clearTimeout(timer);
	}
}

/** Meta's MIME / size check of a fetched file, or why it does not fit (as a `MediaLinkError`). */
function checkFetched(data: Buffer, mimeType: string, kind: MediaKind, fileName: string): CheckedMedia | MediaLinkError {
	try {
		return checkMedia({ data, mimeType, kind, fileName });
	} catch (error) {
		if (!(error instanceof MediaValidationError)) return new MediaLinkError(String(error));
		return new MediaLinkError(`${error.message}. ${error.description ?? ''}`.trim());
	}
}

function parseLink(url: string): URL | undefined {
	try {
		return new URL(url.trim());
	} catch {
		return undefined;
	}
}

function cacheHeadersOf(headers: http.IncomingHttpHeaders): LinkCacheHeaders {
	return { cacheControl: header(headers, 'cache-control'), etag: header(headers, 'etag'), lastModified: header(headers, 'last-modified') };
}

async function readKept(key: string, shared: SharedEntries | undefined): Promise<LinkEntry | undefined> {
	const local = kept().get(key);
	if (local) return local;
	// The shared store is a help, never a failure: Redis down means fetching as without it.
	const found = await shared?.get(key).catch(() => undefined);
	return found ? (JSON.parse(found.value) as LinkEntry) : undefined;
}

async function keep(key: string, entry: LinkEntry, shared: SharedEntries | undefined): Promise<void> {
	const links = kept();
	links.delete(key);
	links.set(key, entry);
	if (links.size > LINK_CACHE_MAX_ENTRIES) links.delete(links.keys().next().value as string);
	await shared?.set(key, JSON.stringify(entry), MEDIA_ID_TTL_MS).catch(() => undefined);
}

async function drop(key: string, shared: SharedEntries | undefined): Promise<void> {
	kept().delete(key);
	await shared?.delete(key).catch(() => undefined);
}

async function resolve(link: URL, kind: MediaKind, shared: SharedEntries | undefined, options: LinkFetchOptions): Promise<LinkFile> {
	const now = options.now ?? Date.now;
	const key = linkKey(link.href, kind);
	const previous = await readKept(key, shared);
	const known = previous && { url: link.href, ...previous, fetched: false };
	if (known && previous.freshUntil > now()) return known;
	const answer = await fetchLink(link, previous ? conditionalHeaders(previous) : {}, kind, options);
	const headers = cacheHeadersOf(answer.headers);
	const freshness = linkFreshness(headers, now());
	if (answer.status === 304) {
		if (!known) throw new MediaLinkError('its server answered 304 Not Modified to a request that was not conditional');
		await keep(key, { ...previous, freshUntil: freshness.freshUntil }, shared);
		return known;
	}
	const fileName = fileNameOf(answer.url);
	const checked = checkFetched(answer.data, header(answer.headers, 'content-type') ?? '', kind, fileName);
	if (checked instanceof MediaLinkError) throw checked;
	const entry: LinkEntry = { ...headers, sha256: sha256Hex(answer.data), mimeType: checked.mimeType, kind, fileSize: checked.fileSize, fileName, freshUntil: freshness.freshUntil };
	await (freshness.keep ? keep(key, entry, shared) : drop(key, shared));
	keepBytes(entry.sha256, answer.data);
	return { url: link.href, ...entry, data: answer.data, fetched: true };
}

/** The link's bytes now, unconditionally (a media ID is needed for a number no process uploaded the kept file for). */
export async function loadMediaLink(file: LinkFile, options: LinkFetchOptions = {}): Promise<Buffer> {
	const recent = recentBytes().get(file.sha256);
	if (recent) return recent;
	const key = `bytes|${linkKey(file.url, file.kind)}`;
	const pending = inFlight();
	let loading = pending.get(key);
	if (!loading) {
		loading = fetchLink(new URL(file.url), {}, file.kind, options)
			.then((answer) => {
				if (answer.status !== 200) throw new MediaLinkError(`its server answered HTTP ${answer.status}`);
				return { ...file, data: answer.data, fetched: true };
			})
			.finally(() => pending.delete(key));
		pending.set(key, loading);
	}
	return (await loading).data!;
}

/**
 * The file behind a media link: reused while its server's caching headers allow, else fetched (a conditional request
 * when a kept answer has validators), checked against Meta's table for `kind`. Callers asking for one link while it is
 * being fetched wait for that one fetch. Throws `MediaLinkError` saying what is wrong.
 */
export async function resolveMediaLink(url: string, kind: MediaKind, shared?: SharedEntries, options: LinkFetchOptions = {}): Promise<LinkFile> {
	const link = parseLink(url);
	if (!link) throw new MediaLinkError('it is not a URL: expected an http:// or https:// link to the file');
	if (link.protocol !== 'http:' && link.protocol !== 'https:') throw new MediaLinkError(`it starts with ${link.protocol}: expected an http:// or https:// link`);
	const key = linkKey(link.href, kind);
	const pending = inFlight();
	let fetching = pending.get(key);
	if (!fetching) {
		fetching = resolve(link, kind, shared, options).finally(() => pending.delete(key));
		pending.set(key, fetching);
	}
	return fetching;
}
