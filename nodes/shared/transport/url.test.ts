/**
 * A send's URL is joined as text (the credential's cached `{base}/{version}` prefix plus the path) instead of parsed:
 * it must be exactly what `new URL` gives, for any base URL, version, path and query. Random cases from a seeded
 * generator (set URL_PROPERTY_SEED to replay one); the expected URL is built with `new URL` alone.
 */
import { resolveApiVersion } from './apiVersions';
import { isGraphApiError } from './errors';
import type { GraphRequest, WhatsAppCredentials } from './types';
import { graphTarget } from './url';

const SEED = Number(process.env.URL_PROPERTY_SEED ?? 20261205);
const CASES = 4000;

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const BASES = [
	'https://graph.facebook.com',
	'https://graph.facebook.com/',
	'https://GRAPH.Facebook.COM//',
	' https://graph.facebook.com ',
	'https://gw.example.com:8443/graph',
	'https://gw.example.com:443/graph/',
	'https://gw.example.com/a/../b',
	'https://gw.example.com/%7Euser/x',
	'https://gw.example.com/with space',
	'https://bücher.example/api',
	'http://localhost:4100',
	'http://127.0.0.1:80/',
	'http://[::1]:4100/sim',
];
const VERSIONS = ['v26.0', 'v21.0', 'newest', ' v25.0 '];
/** Characters `new URL` keeps as written in a path segment. */
const PLAIN = 'abcXYZ019_-~.';
/** Characters it may encode, resolve or cut at. */
const TRICKY = [...PLAIN, '.', '..', '%', '%2e', '%2E', '%41', '?', '#', ' ', 'é', '\\', ':', '@', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', '|', '^', '`', '{', '}', '<', '>', '"', '\t', '/'];

function pick<T>(random: () => number, list: readonly T[]): T {
	return list[Math.floor(random() * list.length)];
}

function randomPath(random: () => number, alphabet: readonly string[]): string {
	const segments = Math.floor(random() * 5);
	let path = '';
	for (let s = 0; s < segments; s++) {
		path += '/';
		const length = Math.floor(random() * 7);
		for (let c = 0; c < length; c++) path += pick(random, alphabet);
	}
	return random() < 0.15 ? `${path}/` : path || '/';
}

function randomQuery(random: () => number): GraphRequest['query'] {
	const roll = random();
	if (roll < 0.6) return undefined;
	if (roll < 0.7) return { after: undefined };
	return { fields: 'id,name', limit: Math.floor(random() * 100), 'a b': pick(random, ['c&d', 'é', '', '#x']), after: undefined };
}

/** What `new URL` makes of the call, built the way a reader would: base without trailing slashes, version, path, query. */
function expectedUrl(credentials: WhatsAppCredentials, request: GraphRequest): URL {
	const base = String(credentials.baseUrl).trim().replace(/\/+$/, '');
	const url = new URL(`${base}/${resolveApiVersion(credentials.apiVersion)}${request.path}`);
	for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.append(key, String(value));
	return url;
}

/** `graphTarget`, counting the URLs it parsed: none means it took the text path. */
function targetCountingParses(credentials: WhatsAppCredentials, request: GraphRequest): { target: ReturnType<typeof graphTarget>; parsed: number } {
	const holder = globalThis as unknown as { URL: typeof URL };
	const RealURL = holder.URL;
	let parsed = 0;
	holder.URL = class CountingURL extends RealURL {
		constructor(url: string | URL, base?: string | URL) {
			super(url, base);
			parsed++;
		}
	};
	try {
		return { target: graphTarget(credentials, request), parsed };
	} finally {
		holder.URL = RealURL;
	}
}

test(`the URL of a call is what new URL gives, for ${CASES} random base URLs, versions, paths and queries (seed ${SEED})`, () => {
	const random = seededRandom(SEED);
	// One credential object per base, as an execution's calls share one; sometimes edited in place.
	const credentials = BASES.map((baseUrl) => ({ accessToken: 'EAAtoken', baseUrl, apiVersion: 'v26.0' }) as WhatsAppCredentials);
	let textPath = 0;
	for (let n = 0; n < CASES; n++) {
		const credential = pick(random, credentials);
		if (random() < 0.1) credential.apiVersion = pick(random, VERSIONS);
		if (random() < 0.05) credential.baseUrl = pick(random, BASES);
		const request: GraphRequest = {
			method: 'POST',
			path: randomPath(random, random() < 0.5 ? [...PLAIN] : TRICKY),
			query: randomQuery(random),
		};
		const expected = expectedUrl(credential, request);
		const { target, parsed } = targetCountingParses(credential, request);
		const seen = { case: n, baseUrl: credential.baseUrl, apiVersion: credential.apiVersion, path: request.path, query: request.query };
		expect({ ...seen, href: target.href, origin: target.origin, pathname: target.pathname }).toEqual({
			...seen,
			href: expected.href,
			origin: expected.origin,
			pathname: expected.pathname,
		});
		if (parsed === 0) textPath++;
	}
	// The fast path must be what was checked, not only the parsing one.
	expect(textPath).toBeGreaterThan(CASES / 4);
});

test('a path that does not start with "/" is refused before any URL is built', () => {
	const credentials = { accessToken: 'EAAtoken', baseUrl: 'https://graph.facebook.com', apiVersion: 'v26.0' } as WhatsAppCredentials;
	for (const path of ['', 'me', '?x=1', '#a']) {
		let refused: unknown;
		try {
			graphTarget(credentials, { method: 'GET', path });
		} catch (error) {
			refused = error;
		}
		expect({ path, refused: isGraphApiError(refused) && refused.invalidInput === true }).toEqual({ path, refused: true });
	}
});
