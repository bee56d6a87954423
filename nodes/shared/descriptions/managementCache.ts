/**
 * What management reads answered (template definitions, phone-number lists), kept a few minutes. Meta allows 200
 * management calls per app per WABA per hour (5,000 with a registered number), so a bot answering with a template must
 * not read it once per execution. One cache per process, shared through the gate's Redis when the gate uses Redis.
 */
import type { SharedEntries } from '../limiter';

/** Long enough that a busy bot reads a template a few times an hour, short enough that an edit at Meta shows soon. */
export const MANAGEMENT_CACHE_TTL_MS = 5 * 60_000;
/** Templates × WABAs a process sends with: a handful; the bound only stops a pathological churn. */
export const MANAGEMENT_CACHE_MAX_ENTRIES = 2000;

/** The key of a management read: the Graph base URL, the WABA and what was read. */
export function managementCacheKey(credentials: { baseUrl?: string; wabaId?: string }, ...what: string[]): string {
	return [(credentials.baseUrl || 'https://graph.facebook.com').replace(/\/+$/, ''), credentials.wabaId ?? '', ...what].join('\0');
}

interface Entry {
	value: unknown;
	expiresAt: number;
}

/** A bounded map with expiry; readers of one key while it is being read wait for that one read. */
export class ManagementCache {
	private readonly entries = new Map<string, Entry>();
	private readonly reading = new Map<string, Promise<unknown>>();

	constructor(
		readonly ttlMs = MANAGEMENT_CACHE_TTL_MS,
		private readonly now: () => number = Date.now,
		readonly maxEntries = MANAGEMENT_CACHE_MAX_ENTRIES,
	) {}

	get size(): number {
		return this.entries.size;
	}

	/** The kept answer for `key`; else one read (the shared store first, then `load`) for every caller meanwhile. */
	async read<T>(key: string, load: () => Promise<T>, shared?: SharedEntries): Promise<T> {
		const entry = this.entries.get(key);
		if (entry && entry.expiresAt > this.now()) return entry.value as T;
		const pending = this.reading.get(key);
		if (pending) return pending as Promise<T>;
		const started = this.fill(key, load, shared, true);
		this.reading.set(key, started);
		try {
			return await started;
		} finally {
			this.reading.delete(key);
		}
	}

	/** Reads afresh whatever is kept, and keeps (and shares) that answer. */
	refresh<T>(key: string, load: () => Promise<T>, shared?: SharedEntries): Promise<T> {
		return this.fill(key, load, shared, false);
	}

	/** Drops `key` here and in the shared store (Meta said the kept answer is out of date). */
	async forget(key: string, shared?: SharedEntries): Promise<void> {
		this.entries.delete(key);
		await shared?.delete(key).catch(() => undefined);
	}

	clear(): void {
		this.entries.clear();
	}

	private async fill<T>(key: string, load: () => Promise<T>, shared: SharedEntries | undefined, useShared: boolean): Promise<T> {
		// The shared store is a help, never a failure: Redis down means reading from Meta as without it.
		const found = useShared ? await shared?.get(key).catch(() => undefined) : undefined;
		if (found) {
			const value = JSON.parse(found.value) as T;
			this.keep(key, value, Math.min(found.ttlMs, this.ttlMs));
			return value;
		}
		const value = await load();
		this.keep(key, value, this.ttlMs);
		await shared?.set(key, JSON.stringify(value), this.ttlMs).catch(() => undefined);
		return value;
	}

	private keep(key: string, value: unknown, ttlMs: number): void {
		this.entries.delete(key);
		this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
		while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
	}
}

// One per loaded copy of the package (node files may not touch globalThis): two copies, a rare set-up, would each read
// a template once per few minutes.
let processCache: ManagementCache | undefined;

/** The process-wide management cache. */
export function getManagementCache(): ManagementCache {
	processCache ??= new ManagementCache();
	return processCache;
}
