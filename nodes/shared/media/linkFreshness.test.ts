/**
 * How long a media link's answer is reused, as Meta's own link cache reads the same headers ("Media HTTP Caching"):
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#media-http-caching (not stored here: read
 * as pywa's CacheControl docstrings and two Go clients quote the page word for word)
 * max-age=n: reuse n seconds; no-cache: keep but ask again (Last-Modified); no-store / private: never keep; none of
 * Cache-Control, Last-Modified, ETag: never keep. Pure, under a fixed clock.
 */
import { cacheDirectives, conditionalHeaders, linkFreshness } from './linkFreshness';

const NOW = 1_700_000_000_000;

test('max-age=n reuses the file n seconds without asking its server', () => {
	expect(linkFreshness({ cacheControl: 'public, max-age=604800' }, NOW)).toEqual({ keep: true, freshUntil: NOW + 604_800_000 });
});

test('no-cache keeps the file but asks again each time, even with a max-age', () => {
	expect(linkFreshness({ cacheControl: 'no-cache', lastModified: 'Tue, 22 Feb 2022 22:22:22 GMT' }, NOW)).toEqual({ keep: true, freshUntil: NOW });
	expect(linkFreshness({ cacheControl: 'max-age=600, no-cache', etag: '"a"' }, NOW)).toEqual({ keep: true, freshUntil: NOW });
});

test.each(['no-store', 'private, max-age=600', 'No-Store'])('"%s" keeps nothing for the next execution', (cacheControl) => {
	expect(linkFreshness({ cacheControl, etag: '"a"' }, NOW).keep).toBe(false);
});

test('no caching header at all keeps nothing; validators alone keep it, asked again each time', () => {
	expect(linkFreshness({}, NOW).keep).toBe(false);
	expect(linkFreshness({ etag: '"a"' }, NOW)).toEqual({ keep: true, freshUntil: NOW });
	expect(linkFreshness({ lastModified: 'Tue, 22 Feb 2022 22:22:22 GMT' }, NOW)).toEqual({ keep: true, freshUntil: NOW });
});

test('a max-age that is not a positive number gives no free reuse', () => {
	expect(linkFreshness({ cacheControl: 'max-age=abc' }, NOW)).toEqual({ keep: true, freshUntil: NOW });
	expect(linkFreshness({ cacheControl: 'max-age=0' }, NOW)).toEqual({ keep: true, freshUntil: NOW });
});

test('directives are read case-insensitively, quoted values unquoted', () => {
	expect(cacheDirectives('Max-Age="60", NO-CACHE')).toEqual({ 'max-age': '60', 'no-cache': '' });
});

test('the conditional request carries the kept ETag and Last-Modified', () => {
	expect(conditionalHeaders({ etag: '"v1"', lastModified: 'Tue, 22 Feb 2022 22:22:22 GMT' })).toEqual({
		'if-none-match': '"v1"',
		'if-modified-since': 'Tue, 22 Feb 2022 22:22:22 GMT',
	});
	expect(conditionalHeaders({})).toEqual({});
});
