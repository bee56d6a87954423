/**
 * One Redis client per server and login for the whole process, shared by the trigger's dedupe and the conversation
 * ledger. The gate keeps a connection of its own per login (limiter/redis.ts): it carries the gate's Lua commands and
 * Bottleneck's datastore, and is reset when Redis restarts. Both are made here, a Redis Cluster client when the
 * target is a cluster.
 */
import Redis, { Cluster } from 'ioredis';
import { processWide } from '../processWide';
import { watchRedisVersion } from './server';
import { redisConnectionOf, type RedisTarget } from './target';

/** A client of one Redis server or of a Redis Cluster: the same commands, scripts and pipelines (per hash slot). */
export type RedisClient = Redis | Cluster;

/** Where a target's client connects, for warnings: `host:port`, or a cluster's startup nodes. */
export function redisServerOf(target: RedisTarget): string {
	return target.id.replace(/^[a-z+]+:\/\/([^@/]*@)?/, '').replace(/\/\d+$/, '');
}

/** A new client for the target (a cluster client for a cluster), warning once per server when it lacks the Lua fixes. */
export function connectRedis(target: RedisTarget, warn: (message: string) => void): RedisClient {
	const client = target.cluster
		? // No ready check: ioredis asks CLUSTER INFO of a random master with no deadline, so a process starting while one
			// master is frozen never finished connecting (and shared nothing, on any master) until it thawed. A cluster that
			// is down answers the first calls with CLUSTERDOWN instead, which the stores take as that master being down.
			new Cluster(target.cluster.nodes, { ...target.cluster.options, enableReadyCheck: false, redisOptions: target.options })
		: new Redis(target.options);
	watchRedisVersion(client, redisServerOf(target), warn);
	return client;
}

const registry = processWide('redis.clients', () => new Map<string, RedisClient>());

/** The process-wide client for a target; connection errors are swallowed here (its users fall back to memory). */
export function getRedisClient(target: RedisTarget): RedisClient {
	const clients = registry();
	const key = redisConnectionOf(target);
	let client = clients.get(key);
	if (!client) {
		client = connectRedis(target, (message) => console.warn(`[whatsapp-cloud] ${message}`));
		// Without a listener ioredis prints every reconnect failure; the stores report outages themselves.
		client.on('error', () => undefined);
		clients.set(key, client);
	}
	return client;
}

/** Closes the connection of a login nothing uses any more (its password was changed). */
export function releaseRedisClient(connection: string): void {
	const clients = registry();
	const client = clients.get(connection);
	if (!client) return;
	clients.delete(connection);
	// Commands still under way fail over to memory (their store reports it); no reconnect with the old password.
	client.disconnect();
}

/** Closes every client (tests, shutdown). */
export async function closeRedisClients(): Promise<void> {
	const clients = registry();
	const closing = [...clients.values()].map(async (client) => {
		// A client still (re)connecting would wait for Redis to QUIT: stop it outright.
		if (client.status !== 'ready') {
			client.disconnect();
			return;
		}
		try {
			await client.quit();
		} catch {
			client.disconnect();
		}
	});
	clients.clear();
	await Promise.all(closing);
}
