/**
 * Redelivery dedupe: Meta retries a webhook it did not see answered (for up to 7 days) and sometimes sends one twice.
 * An event is let through the first time its key is claimed within the window. Memory is bounded (an LRU with a
 * cap per trigger); with Redis the claim is shared by every n8n process (`SET key 1 NX PX window`), and when Redis
 * is unreachable the local memory answers alone, so nothing is lost — at worst a duplicate slips through.
 * Keys are keyed hashes of fixed length: a message ID holds the customer's phone number (base64), so neither is kept.
 */
import { createHmac } from 'crypto';
import { callRedisBySlot, type RoutedClient } from '../redis';
import type { WhatsAppEvent } from './types';

export const DEFAULT_DEDUPE_WINDOW_MS = 60 * 60 * 1000;
export const MAX_DEDUPE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_REMEMBERED = 100_000;
/** Characters of a redelivery key: 128 bits of HMAC-SHA256 in base64url. */
export const REDELIVERY_KEY_LENGTH = 22;

/**
 * The secret one trigger's keys are hashed under: its scope (workflow, node, test/production) under a credential
 * secret, so that a reader of Redis can neither test a guessed phone number against a key nor link two triggers' keys.
 */
export function redeliveryHashKey(scope: string, credentialSecret: string): Buffer {
	return createHmac('sha256', credentialSecret).update(`whatsapp-trigger-redelivery:${scope}`).digest();
}

/** What stays the same across redeliveries of an event: message ID, status ID + status, or else its whole content. */
function redeliveryIdentity(event: WhatsAppEvent): string {
	const messageId = typeof event.messageId === 'string' && event.messageId !== '' ? event.messageId : undefined;
	if (event.event === 'status' && messageId) return `s:${messageId}:${String(event.status)}`;
	if (messageId && event.field === 'messages' && event.event === 'message') return `m:${messageId}`;
	if (messageId) return `${event.field}:${event.event}:${messageId}`;
	// The raw change is left out: it is the same content, and present only when the user asked for it.
	return 'h:' + JSON.stringify(event, (key, value: unknown) => (key === 'rawChange' ? undefined : value));
}

/** The key of an event across redeliveries: a keyed hash of its identity, always REDELIVERY_KEY_LENGTH characters. */
export function redeliveryKey(event: WhatsAppEvent, hashKey: Buffer): string {
	return createHmac('sha256', hashKey).update(redeliveryIdentity(event)).digest().subarray(0, 16).toString('base64url');
}

/**
 * How far Meta's clock may run ahead of n8n's: keys live this much longer than the window, so that no replay of an
 * event can fall between its key expiring and the event being older than the window (timestamps are whole seconds).
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60 * 1000;

/**
 * When an event happened by Meta's clock (epoch ms): its own `timestamp` (a message's, status's, call's…; `entry.time`
 * for account and template updates). Chat history carries the times of past chats, not of the delivery: none.
 */
function eventTimeMs(event: WhatsAppEvent): number | undefined {
	if (event.field === 'history') return undefined;
	const seconds = event.timestampUnix;
	return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * For each event, whether it happened longer than the window ago: a replay of a body whose keys have expired looks
 * exactly so. An event without a time of its own is as old as the newest event of its body (they were sent
 * together); a body with no time at all cannot be judged (Meta sends a few kinds so) and is left to the dedupe.
 */
export function olderThanWindow(events: WhatsAppEvent[], body: WhatsAppEvent[], windowMs: number, now: number): boolean[] {
	let newest: number | undefined;
	for (const event of body) {
		const time = eventTimeMs(event);
		if (time !== undefined && (newest === undefined || time > newest)) newest = time;
	}
	return events.map((event) => {
		const time = eventTimeMs(event) ?? newest;
		return time !== undefined && now - time > windowMs;
	});
}

/** Remembers keys for a window; `claim` answers, for each key, whether this is its first sighting. */
export interface RedeliveryStore {
	claim(keys: string[], windowMs: number): Promise<boolean[]>;
	/** Forgets keys this delivery claimed, so Meta's redelivery runs (n8n could not start the execution). */
	release(keys: string[]): Promise<void>;
	/** Where the memory lives, for status output and tests. */
	readonly kind: 'memory' | 'redis';
}

/** An LRU of keys with an expiry each; bounded by `maxEntries` (the oldest sighting is forgotten first). */
export class MemoryRedeliveryStore implements RedeliveryStore {
	readonly kind = 'memory' as const;
	private readonly expiries = new Map<string, number>();

	constructor(
		private maxEntries: number = DEFAULT_MAX_REMEMBERED,
		private readonly now: () => number = Date.now,
	) {}

	get size(): number {
		return this.expiries.size;
	}

	setMaxEntries(maxEntries: number): void {
		this.maxEntries = Math.max(1, Math.floor(maxEntries));
		this.evict(this.now());
	}

	claimSync(keys: string[], windowMs: number): boolean[] {
		const now = this.now();
		const firstSightings = keys.map((key) => {
			const expiry = this.expiries.get(key);
			if (expiry !== undefined && expiry > now) return false;
			// Re-insert so the Map's order stays the order of sightings (oldest first).
			if (expiry !== undefined) this.expiries.delete(key);
			this.expiries.set(key, now + windowMs);
			return true;
		});
		this.evict(now);
		return firstSightings;
	}

	async claim(keys: string[], windowMs: number): Promise<boolean[]> {
		return this.claimSync(keys, windowMs);
	}

	async release(keys: string[]): Promise<void> {
		for (const key of keys) this.expiries.delete(key);
	}

	private evict(now: number): void {
		for (const [key, expiry] of this.expiries) {
			if (this.expiries.size <= this.maxEntries && expiry > now) break;
			this.expiries.delete(key);
		}
	}
}

/** The subset of an ioredis client this store uses (so tests can pass a real client or a stand-in). */
export interface RedisLike extends RoutedClient {
	pipeline(): {
		set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): unknown;
		exec(): Promise<Array<[Error | null, unknown]> | null>;
	};
	del?(...keys: string[]): Promise<unknown>;
}

export interface RedisStoreOptions {
	/** Key prefix, e.g. `whatsapp:webhook:<workflow>:<node>:`. */
	prefix: string;
	/** Local memory used alongside Redis and alone when Redis fails. */
	memory: MemoryRedeliveryStore;
	/** Called once per outage with the reason; the store keeps answering from memory. */
	onFallback?: (error: Error) => void;
	/** Longest wait for Redis before answering from memory alone. */
	timeoutMs?: number;
}

/** Claims in Redis and in local memory: first sighting only when both agree (a Redis restart loses nothing local). */
export class RedisRedeliveryStore implements RedeliveryStore {
	readonly kind = 'redis' as const;
	private failing = false;

	constructor(
		private readonly redis: RedisLike,
		private readonly options: RedisStoreOptions,
	) {}

	/** True while the last Redis call failed and memory answers alone. */
	get fallingBack(): boolean {
		return this.failing;
	}

	async claim(keys: string[], windowMs: number): Promise<boolean[]> {
		const local = this.options.memory.claimSync(keys, windowMs);
		if (keys.length === 0) return local;
		const { claimed, error } = await this.claimInRedis(keys, windowMs);
		if (error && !this.failing) this.options.onFallback?.(error);
		this.failing = error !== undefined;
		// A key whose Redis (or cluster master) failed is answered from memory alone.
		return local.map((first, index) => first && claimed[index] !== false);
	}

	async release(keys: string[]): Promise<void> {
		await this.options.memory.release(keys);
		if (keys.length === 0 || !this.redis.del) return;
		const names = keys.map((key) => this.options.prefix + key);
		const del = this.redis.del.bind(this.redis);
		// A frozen Redis must not hold the execution that gives its claims back; a frozen cluster master fails only its keys.
		// Where Redis fails, its keys expire with the window (this process's memory is already cleared).
		await callRedisBySlot(this.redis, names, (positions) => del(...positions.map((position) => names[position])), this.options.timeoutMs ?? 1000);
	}

	/** Each key's claim in Redis (undefined where Redis failed), and the first failure. */
	private async claimInRedis(keys: string[], windowMs: number): Promise<{ claimed: Array<boolean | undefined>; error?: Error }> {
		const ms = Math.max(1, Math.round(windowMs));
		const names = keys.map((key) => this.options.prefix + key);
		const claimed: Array<boolean | undefined> = [];
		const claimSlot = async (positions: number[]): Promise<void> => {
			const pipeline = this.redis.pipeline();
			for (const position of positions) pipeline.set(names[position], '1', 'PX', ms, 'NX');
			const results = await pipeline.exec();
			if (!results) throw new Error('Redis returned no result for the dedupe pipeline');
			for (const [error] of results) if (error) throw error;
			results.forEach(([, reply], index) => (claimed[positions[index]] = reply === 'OK'));
		};
		// One pipeline per hash slot on a Redis Cluster (the keys are unrelated), each under its own deadline: a frozen
		// master fails only its keys. One in all on a single Redis.
		const error = await callRedisBySlot(this.redis, names, claimSlot, this.options.timeoutMs ?? 1000);
		return { claimed, error };
	}
}
