/**
 * The content-hash upload cache: the same bytes uploaded for the same phone number reuse the media ID while it is
 * valid. One cache per process (shared by WhatsApp Media and WhatsApp Send Message, across executions).
 */
import { processWide } from '../processWide';
import type { MediaKind } from './types';

/** Uploaded IDs live 30 days at Meta; expire a day earlier so a cached ID is never one Meta just dropped. */
export const MEDIA_ID_TTL_MS = 29 * 24 * 60 * 60 * 1000;
export const MEDIA_CACHE_MAX_ENTRIES = 10_000;

export interface CachedMedia {
	mediaId: string;
	sha256: string;
	fileSize: number;
	mimeType: string;
	kind: MediaKind;
	/** Epoch ms after which the entry is not used. */
	expiresAt: number;
}

export interface MediaCacheKeyParts {
	baseUrl: string;
	phoneNumberId: string;
	sha256: string;
	mimeType: string;
}

export function mediaCacheKey({ baseUrl, phoneNumberId, sha256, mimeType }: MediaCacheKeyParts): string {
	return [baseUrl.replace(/\/+$/, ''), phoneNumberId, sha256, mimeType].join('|');
}

/** A bounded LRU map with expiry, plus an in-flight map so concurrent uploads of one file share one upload. */
export class MediaCache {
	private readonly entries = new Map<string, CachedMedia>();
	private readonly inFlight = new Map<string, Promise<CachedMedia>>();

	constructor(
		readonly maxEntries = MEDIA_CACHE_MAX_ENTRIES,
		readonly ttlMs = MEDIA_ID_TTL_MS,
		private readonly now: () => number = Date.now,
	) {}

	get size(): number {
		return this.entries.size;
	}

	get(key: string): CachedMedia | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.now()) {
			this.entries.delete(key);
			return undefined;
		}
		// Re-insert to mark as most recently used (Map keeps insertion order).
		this.entries.delete(key);
		this.entries.set(key, entry);
		return entry;
	}

	set(key: string, media: Omit<CachedMedia, 'expiresAt'>): CachedMedia {
		const entry: CachedMedia = { ...media, expiresAt: this.now() + this.ttlMs };
		this.entries.delete(key);
		this.entries.set(key, entry);
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
		}
		return entry;
	}

	/**
	 * The cached entry for `key`, or the result of `upload()`; callers asking for the same key while an upload runs
	 * wait for that one upload. `fromCache` is true when this caller did not trigger an upload.
	 */
	async getOrUpload(
		key: string,
		upload: () => Promise<Omit<CachedMedia, 'expiresAt'>>,
	): Promise<{ entry: CachedMedia; fromCache: boolean }> {
		const cached = this.get(key);
		if (cached) return { entry: cached, fromCache: true };
		const pending = this.inFlight.get(key);
		if (pending) return { entry: await pending, fromCache: true };
		const started = (async () => this.set(key, await upload()))();
		this.inFlight.set(key, started);
		try {
			return { entry: await started, fromCache: false };
		} finally {
			this.inFlight.delete(key);
		}
	}

	/** Drop every entry with this media ID (e.g. Meta answered "media not found"); returns how many were dropped. */
	forgetMediaId(mediaId: string): number {
		let dropped = 0;
		for (const [key, entry] of this.entries) {
			if (entry.mediaId === mediaId) {
				this.entries.delete(key);
				dropped++;
			}
		}
		return dropped;
	}

	clear(): void {
		this.entries.clear();
	}
}

/** The process-wide media cache (one for every copy of this module). */
export const getMediaCache = processWide('mediaCache', () => new MediaCache());

/** Media IDs Meta said it no longer knows: a copy of one in the gate's Redis (another process's upload) is not used. */
const forgotten = processWide('mediaCache.forgotten', () => new Set<string>());
const FORGOTTEN_MAX = 10_000;

export function isForgottenMedia(mediaId: string): boolean {
	return forgotten().has(mediaId);
}

/** Forget a media ID everywhere in the process-wide cache (a send got "media not found" for it). */
export function forgetMedia(mediaId: string): number {
	const ids = forgotten();
	if (ids.size >= FORGOTTEN_MAX) ids.clear();
	ids.add(mediaId);
	return getMediaCache().forgetMediaId(mediaId);
}
