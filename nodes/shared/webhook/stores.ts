/**
 * The redelivery store of each trigger, kept for the life of the process (shared by every copy of this module):
 * memory per trigger, plus Redis when the gate shares through it.
 */
import { DEFAULT_MAX_REMEMBERED, MemoryRedeliveryStore, RedisRedeliveryStore, type RedeliveryStore } from './dedupe';
import { processWide } from '../processWide';
import { getRedisClient, redisConnectionOf, releaseRedisClient, resolveRedisTarget } from '../redis';

interface Entry {
	memory: MemoryRedeliveryStore;
	/** The Redis connection (server and login) the store uses, if any. */
	redisConnection?: string;
	store: RedeliveryStore;
}

const registry = processWide('webhook.redeliveryStores', () => new Map<string, Entry>());

export interface StoreRequest {
	/** One trigger: workflow ID, node ID and test/production. */
	scope: string;
	/** The credential's `redisUrl` (empty: queue mode's Redis, or memory only). */
	redisUrl?: string;
	maxEntries?: number;
	env?: Record<string, string | undefined>;
	/** Told once per Redis outage; the store answers from memory meanwhile. */
	onFallback?: (error: Error) => void;
}

/** The trigger's store; the same object across executions while its settings stay the same. */
export function getRedeliveryStore(request: StoreRequest): RedeliveryStore {
	const entries = registry();
	let target: ReturnType<typeof resolveRedisTarget>;
	try {
		target = resolveRedisTarget(request.redisUrl, request.env);
	} catch (error) {
		// A bad URL must not fail Meta's deliveries: dedupe in memory and say why (activation reports it too).
		request.onFallback?.(error as Error);
		target = undefined;
	}
	let entry = entries.get(request.scope);
	const maxEntries = request.maxEntries ?? DEFAULT_MAX_REMEMBERED;
	if (!entry) {
		entry = { memory: new MemoryRedeliveryStore(maxEntries), store: undefined as unknown as RedeliveryStore };
		entry.store = entry.memory;
		entries.set(request.scope, entry);
	} else {
		entry.memory.setMaxEntries(maxEntries);
	}
	const connection = target && redisConnectionOf(target);
	if (connection !== entry.redisConnection) {
		const previous = entry.redisConnection;
		entry.redisConnection = connection;
		// A changed password (or Redis) is used from this delivery on; the old login's connection closes once unused.
		if (previous && ![...entries.values()].some((other) => other.redisConnection === previous)) releaseRedisClient(previous);
		entry.store = target
			? new RedisRedeliveryStore(getRedisClient(target), {
					prefix: `whatsapp-cloud:webhook:${request.scope}:`,
					memory: entry.memory,
					onFallback: request.onFallback,
				})
			: entry.memory;
	}
	return entry.store;
}
