import { MEDIA_ID_TTL_MS, MediaCache, forgetMedia, getMediaCache, mediaCacheKey } from './cache';
import type { CachedMedia } from './cache';
import { clearMediaCache } from '../../../test/support/testHooks';

const media = (mediaId: string): Omit<CachedMedia, 'expiresAt'> => ({
	mediaId,
	sha256: 'ab',
	fileSize: 2,
	mimeType: 'image/png',
	kind: 'image',
});

describe('MediaCache', () => {
	it('keys on base URL, phone number, content hash and MIME type', () => {
		const key = mediaCacheKey({ baseUrl: 'http://x/', phoneNumberId: '1', sha256: 'ab', mimeType: 'image/png' });
		expect(key).toBe(mediaCacheKey({ baseUrl: 'http://x', phoneNumberId: '1', sha256: 'ab', mimeType: 'image/png' }));
		expect(key).not.toBe(mediaCacheKey({ baseUrl: 'http://x', phoneNumberId: '2', sha256: 'ab', mimeType: 'image/png' }));
	});

	it('drops an entry once its media ID is 29 days old', () => {
		let now = 0;
		const cache = new MediaCache(10, MEDIA_ID_TTL_MS, () => now);
		cache.set('k', media('m1'));
		now = MEDIA_ID_TTL_MS - 1;
		expect(cache.get('k')?.mediaId).toBe('m1');
		now = MEDIA_ID_TTL_MS;
		expect(cache.get('k')).toBeUndefined();
		expect(MEDIA_ID_TTL_MS).toBe(29 * 24 * 3600 * 1000);
	});

	it('evicts the least recently used entry beyond its bound', () => {
		const cache = new MediaCache(2);
		cache.set('a', media('a'));
		cache.set('b', media('b'));
		cache.get('a');
		cache.set('c', media('c'));
		expect(cache.get('b')).toBeUndefined();
		expect(cache.get('a')?.mediaId).toBe('a');
		expect(cache.get('c')?.mediaId).toBe('c');
	});

	it('shares one upload between concurrent callers of the same key', async () => {
		const cache = new MediaCache();
		let uploads = 0;
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const upload = async () => {
			uploads++;
			await gate;
			return media('shared');
		};
		const calls = [cache.getOrUpload('k', upload), cache.getOrUpload('k', upload), cache.getOrUpload('k', upload)];
		release();
		const results = await Promise.all(calls);
		expect(uploads).toBe(1);
		expect(results.map((r) => r.entry.mediaId)).toEqual(['shared', 'shared', 'shared']);
		expect(results.map((r) => r.fromCache)).toEqual([false, true, true]);
	});

	it('does not remember a failed upload, so the next call uploads again', async () => {
		const cache = new MediaCache();
		await expect(cache.getOrUpload('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		const next = await cache.getOrUpload('k', async () => media('m2'));
		expect(next).toMatchObject({ fromCache: false, entry: { mediaId: 'm2' } });
	});

	it('forgets every entry holding a media ID', () => {
		const cache = new MediaCache();
		cache.set('a', media('gone'));
		cache.set('b', media('gone'));
		cache.set('c', media('kept'));
		expect(cache.forgetMediaId('gone')).toBe(2);
		expect(cache.size).toBe(1);
	});
});

describe('process-wide media cache', () => {
	it('lives on a Symbol.for key so every copy of the module shares it', () => {
		const cache = getMediaCache();
		const holder = globalThis as unknown as Record<symbol, unknown>;
		expect(holder[Symbol.for('n8n-nodes-whatsapp-cloud.mediaCache')]).toBe(cache);
	});

	it('forgetMedia drops the ID from the shared cache', () => {
		clearMediaCache();
		getMediaCache().set('k', media('stale'));
		expect(forgetMedia('stale')).toBe(1);
		expect(getMediaCache().get('k')).toBeUndefined();
	});
});
