/**
 * Helpers shared by the surface modules (media, templates, analytics, phone numbers, subscriptions):
 * Meta's object-not-found and permission errors, body parameters, cursor paging.
 */
import { MetaError } from './types';
import type { FixturePhoneNumber, SimContext, SimRequest } from './types';

/** Graph's answer for an id that does not exist or that the token cannot see (100, subcode 33). */
export function unknownObjectError(id: string): MetaError {
	return new MetaError({
		httpStatus: 400,
		code: 100,
		subcode: 33,
		type: 'GraphMethodException',
		message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
	});
}

export function invalidParameter(details: string, message = '(#100) Invalid parameter'): MetaError {
	return new MetaError({ httpStatus: 400, code: 100, message, details });
}

/** A token that is valid but was never granted the WABA (fixture.noAccessToken) gets Meta's 200 permission error. */
export function assertAccess(req: SimRequest, sim: SimContext): void {
	if (req.bearer !== undefined && req.bearer === sim.fixture.noAccessToken) {
		throw new MetaError({
			httpStatus: 403,
			code: 200,
			message: '(#200) Permissions error',
			details: 'The access token does not have access to this WhatsApp Business Account',
		});
	}
}

export function requireWaba(req: SimRequest, wabaId: string, sim: SimContext): void {
	if (wabaId !== sim.fixture.wabaId) throw unknownObjectError(wabaId);
	assertAccess(req, sim);
}

export function findPhoneNumber(sim: SimContext, phoneNumberId: string): FixturePhoneNumber | undefined {
	return sim.fixture.phoneNumbers.find((number) => number.id === phoneNumberId);
}

export function requirePhoneNumber(req: SimRequest, phoneNumberId: string, sim: SimContext): FixturePhoneNumber {
	const number = findPhoneNumber(sim, phoneNumberId);
	if (!number) throw unknownObjectError(phoneNumberId);
	assertAccess(req, sim);
	return number;
}

/** Per-module state kept in the store (cleared by the simulator's reset). */
export function moduleState<T>(sim: SimContext, name: string, create: () => T): T {
	let state = sim.store.modules.get(name) as T | undefined;
	if (state === undefined) {
		state = create();
		sim.store.modules.set(name, state);
	}
	return state;
}

/**
 * Parameters of a Graph call as Meta reads them: the query string, then a JSON, form-urlencoded or multipart body
 * (Graph accepts each, and clients and Meta's own curl samples use each).
 */
export function bodyParams(req: SimRequest): Record<string, unknown> {
	const params: Record<string, unknown> = {};
	for (const [key, value] of req.query) params[key] = value;
	if (req.rawBody.length > 0) {
		const body = req.json();
		if (body !== null && typeof body === 'object' && !Array.isArray(body)) Object.assign(params, body);
		else throw invalidParameter('The request body must be a JSON object or form-urlencoded parameters');
	}
	return params;
}

/** A Graph list value: a JSON array, a JSON array in a string, or a comma-separated string. */
export function listParam(value: unknown): string[] | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (Array.isArray(value)) return value.map((item) => String(item));
	const text = String(value).trim();
	if (text.startsWith('[')) {
		try {
			const parsed: unknown = JSON.parse(text.replace(/'/g, '"'));
			if (Array.isArray(parsed)) return parsed.map((item) => String(item));
		} catch {
			// not JSON: read it as a bracketed comma-separated list
		}
		return text
			.slice(1, text.endsWith(']') ? -1 : undefined)
			.split(',')
			.map((item) => item.trim().replace(/^["']|["']$/g, ''))
			.filter((item) => item !== '');
	}
	return text
		.split(',')
		.map((item) => item.trim())
		.filter((item) => item !== '');
}

// ---------------------------------------------------------------------------------------------------------------
// Cursor paging (Graph's `paging.cursors.before/after`, `next`, `previous`)
// ---------------------------------------------------------------------------------------------------------------

export interface Paging {
	cursors: { before: string; after: string };
	next?: string;
	previous?: string;
}

export function encodeCursor(index: number): string {
	return Buffer.from(`sim:${index}`).toString('base64').replace(/=+$/, '');
}

export function decodeCursor(cursor: string, name: string): number {
	const text = Buffer.from(cursor, 'base64').toString('utf8');
	const match = /^sim:(\d+)$/.exec(text);
	if (!match) throw invalidParameter(`Param ${name} is not a valid cursor: "${cursor}"`);
	return Number(match[1]);
}

export function readLimit(req: SimRequest, fallback: number, max: number): number {
	const raw = req.query.get('limit');
	if (raw === null || raw === '') return fallback;
	const limit = Number(raw);
	if (!Number.isInteger(limit) || limit < 1) {
		throw invalidParameter(`Param limit must be a positive integer - got "${raw}"`);
	}
	return Math.min(limit, max);
}

/**
 * One page of `items` by the request's `limit` / `after` / `before`, with Graph's paging object; `next` and
 * `previous` repeat the request's query with the new cursor and, as on Meta, the caller's `access_token`.
 */
export function pageOf<T>(
	req: SimRequest,
	sim: SimContext,
	items: T[],
	defaultLimit: number,
	maxLimit = 1000,
): { data: T[]; paging?: Paging } {
	const limit = readLimit(req, defaultLimit, maxLimit);
	const after = req.query.get('after');
	const before = req.query.get('before');
	let start = 0;
	let end: number;
	if (after) {
		start = decodeCursor(after, 'after') + 1;
		end = Math.min(items.length, start + limit);
	} else if (before) {
		end = Math.min(items.length, decodeCursor(before, 'before'));
		start = Math.max(0, end - limit);
	} else {
		end = Math.min(items.length, limit);
	}
	const data = items.slice(start, end);
	if (data.length === 0) return { data };
	const paging: Paging = { cursors: { before: encodeCursor(start), after: encodeCursor(end - 1) } };
	const link = (cursorName: 'after' | 'before', cursor: string): string => {
		const query = new URLSearchParams(req.query);
		query.delete('after');
		query.delete('before');
		query.set(cursorName, cursor);
		if (!query.has('limit')) query.set('limit', String(limit));
		// Meta puts the caller's token in its paging links, whether it came as a header or in the query.
		if (req.bearer !== undefined) query.set('access_token', req.bearer);
		return `${sim.url}/${req.version}/${req.segments.join('/')}?${query.toString()}`;
	};
	if (end < items.length) paging.next = link('after', paging.cursors.after);
	if (start > 0) paging.previous = link('before', paging.cursors.before);
	return { data, paging };
}

/** Graph's `fields=a,b,c` (top level only; nested expansions are the caller's business). */
export function requestedFields(req: SimRequest): string[] | undefined {
	const raw = req.query.get('fields');
	if (raw === null || raw.trim() === '') return undefined;
	return splitTopLevel(raw);
}

/** Splits on commas that are not inside (), [], {} or quotes. */
export function splitTopLevel(text: string, separator = ','): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quote: string | null = null;
	let current = '';
	for (const char of text) {
		if (quote) {
			if (char === quote) quote = null;
		} else if (char === '"' || char === "'") {
			quote = char;
		} else if (char === '(' || char === '[' || char === '{') {
			depth += 1;
		} else if (char === ')' || char === ']' || char === '}') {
			depth -= 1;
		} else if (char === separator && depth === 0) {
			if (current.trim() !== '') parts.push(current.trim());
			current = '';
			continue;
		}
		current += char;
	}
	if (current.trim() !== '') parts.push(current.trim());
	return parts;
}
