/** Following Graph paging through the gate. */
import { scheduleGraphCall } from '../shared/limiter';
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from '../shared/transport/types';
import type { GraphPaging } from './types';

/** A safety stop far above what an analytics range produces; a loop beyond it is a paging bug, not data. */
export const MAX_PAGES = 500;

export interface PagedCall<Page> {
	credentials: WhatsAppCredentials;
	request: GraphRequest;
	/** The page inside a response body: the body itself for edges, `body.analytics` etc. for field expansions. */
	pageOf: (body: unknown) => Page | undefined;
	/** The request for the page after `cursor` when Meta's `next` URL cannot be followed as it is. */
	requestAfter: (cursor: string) => GraphRequest;
}

/**
 * The URL of the next page, when it is on the credential's own Graph host. Meta's `next` URLs carry the access
 * token in the query: drop it (the bearer header is sent anyway) so it never lands in a log or an error.
 */
export function followableNextUrl(next: string | undefined, baseUrl: string): string | undefined {
	if (!next) return undefined;
	try {
		const url = new URL(next);
		if (url.origin !== new URL(baseUrl).origin) return undefined;
		url.searchParams.delete('access_token');
		return url.toString();
	} catch {
		return undefined;
	}
}

/** Every page of a paged call, in order. */
export async function collectPages<Page extends { paging?: GraphPaging }>(call: PagedCall<Page>): Promise<Page[]> {
	const pages: Page[] = [];
	let request: GraphRequest | undefined = call.request;
	const seenCursors = new Set<string>();
	while (request && pages.length < MAX_PAGES) {
		const response: GraphResponse<unknown> = await scheduleGraphCall<unknown>({ credentials: call.credentials, request });
		// A `next` URL answers with the edge itself; the first call may answer with the field expansion around it.
		const page: Page | undefined = call.pageOf(response.data) ?? (response.data as Page | undefined);
		if (!page) break;
		pages.push(page);
		const paging: GraphPaging | undefined = page.paging;
		const after: string | undefined = paging?.cursors?.after;
		if (!paging?.next || (after !== undefined && seenCursors.has(after))) break;
		if (after !== undefined) seenCursors.add(after);
		const nextUrl = followableNextUrl(paging.next, call.credentials.baseUrl);
		request = nextUrl ? { method: 'GET', url: nextUrl } : after ? call.requestAfter(after) : undefined;
	}
	return pages;
}
