/** Following Graph paging through the gate. */
import { scheduleGraphCall } from './limiter';
import { listAgainOnStaleCursor } from './transport';
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from './transport/types';
import type { GraphPaging } from './transport/types';

/** A safety stop far above what an analytics range produces; a loop beyond it is a paging bug, not data. */
export const MAX_PAGES = 500;

/** Query parameters of a Graph URL that authenticate the caller: never kept in a URL we follow or output. */
const SECRET_PARAMS = ['access_token', 'appsecret_proof', 'client_secret'];

export interface PagedCall<Page> {
	credentials: WhatsAppCredentials;
	request: GraphRequest;
	/** The page inside a response body: the body itself for edges, `body.analytics` etc. for field expansions. */
	pageOf: (body: unknown) => Page | undefined;
	/** The request for the page after `cursor` when Meta's `next` URL cannot be followed as it is. */
	requestAfter: (cursor: string) => GraphRequest;
	/** At most this many pages (default MAX_PAGES); more fails the call rather than silently cutting the data. */
	maxPages?: number;
	/** Stop once the pages read so far hold enough (a list's Limit); default: read every page. */
	enough?: (pages: Page[]) => boolean;
}

/** Thrown when Meta keeps offering a next page beyond the cap. */
export class TooManyPagesError extends Error {
	readonly description: string;

	constructor(maxPages: number) {
		super(`Meta still offered a next page after ${maxPages} pages; stopped so as not to output partial data as if it were complete`);
		this.name = 'TooManyPagesError';
		this.description = 'Narrow the time range, pick a coarser granularity or fewer break-downs, or split the request over several items.';
	}
}

/** A URL without its access token, app-secret proof or client secret (any host); text that is not a URL unchanged. */
export function stripUrlSecrets(text: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return text;
	}
	let changed = false;
	for (const name of [...url.searchParams.keys()]) {
		if (SECRET_PARAMS.includes(name.toLowerCase())) {
			url.searchParams.delete(name);
			changed = true;
		}
	}
	return changed ? url.toString() : text;
}

/** A page whose `paging.next` / `paging.previous` carry no secrets (a copy when anything changed). */
export function withCleanPaging<Page>(page: Page): Page {
	const paging = (page as { paging?: GraphPaging } | undefined)?.paging;
	if (!paging || typeof paging !== 'object' || (paging.next === undefined && paging.previous === undefined)) return page;
	const clean: GraphPaging = { ...paging };
	if (typeof clean.next === 'string') clean.next = stripUrlSecrets(clean.next);
	if (typeof clean.previous === 'string') clean.previous = stripUrlSecrets(clean.previous);
	return { ...page, paging: clean };
}

/**
 * The URL of the next page, when it is on the credential's own Graph host. Meta's `next` URLs carry the access
 * token in the query: drop it (the bearer header is sent anyway) so it never lands in a log or an error.
 */
export function followableNextUrl(next: string | undefined, baseUrl: string): string | undefined {
	if (!next) return undefined;
	try {
		const url = new URL(stripUrlSecrets(next));
		if (url.origin !== new URL(baseUrl).origin) return undefined;
		return url.toString();
	} catch {
		return undefined;
	}
}

/**
 * Every page of a paged call, in order, each with secret-free paging links (they may be output as they are).
 * Throws TooManyPagesError when Meta offers more than `maxPages` pages. A cursor Meta no longer accepts (131059)
 * starts the listing again from its first page, once.
 */
export function collectPages<Page extends { paging?: GraphPaging }>(call: PagedCall<Page>): Promise<Page[]> {
	return listAgainOnStaleCursor(() => readPages(call));
}

async function readPages<Page extends { paging?: GraphPaging }>(call: PagedCall<Page>): Promise<Page[]> {
	const maxPages = call.maxPages ?? MAX_PAGES;
	const pages: Page[] = [];
	let request: GraphRequest | undefined = call.request;
	const seenCursors = new Set<string>();
	while (request) {
		if (pages.length >= maxPages) throw new TooManyPagesError(maxPages);
		// Every paged read of the pack is of the WABA or its edges: Meta's management budget.
		const response: GraphResponse<unknown> = await scheduleGraphCall<unknown>({ credentials: call.credentials, family: 'management', request });
		// A `next` URL answers with the edge itself; the first call may answer with the field expansion around it.
		const found: Page | undefined = call.pageOf(response.data) ?? (response.data as Page | undefined);
		if (!found) break;
		const page = withCleanPaging(found);
		pages.push(page);
		const paging: GraphPaging | undefined = page.paging;
		const after: string | undefined = paging?.cursors?.after;
		if (!paging?.next || (after !== undefined && seenCursors.has(after)) || call.enough?.(pages)) break;
		if (after !== undefined) seenCursors.add(after);
		const nextUrl = followableNextUrl(paging.next, call.credentials.baseUrl);
		request = nextUrl ? { method: 'GET', url: nextUrl } : after ? call.requestAfter(after) : undefined;
	}
	return pages;
}
