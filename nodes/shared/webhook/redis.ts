/**
 * Which Redis the dedupe shares through: the credential's `redisUrl`, else n8n queue mode's `QUEUE_BULL_REDIS_*`
 * (the Redis every worker already reaches), else none. One client per connection for the whole process.
 */
import Redis, { type RedisOptions } from 'ioredis';
import { checkedRedisOptions, loginFingerprint, watchRedisVersion } from '../limiter/redisServer';

type Env = Record<string, string | undefined>;

export interface RedisTarget {
	/** Identifies the server and database (no password in it). */
	id: string;
	/** The login's fingerprint (never the password): a connection serves one login only, and a new password a new one. */
	login: string;
	url?: string;
	options: RedisOptions;
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** The Redis to share through, or undefined when the gate works locally (no URL, not in queue mode). */
export function resolveRedisTarget(redisUrl: string | undefined, env: Env = process.env): RedisTarget | undefined {
	const base: RedisOptions = {
		// Fail fast when Redis is down so the webhook answers from memory instead of hanging Meta's request.
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		connectTimeout: 2000,
		retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
	};
	const url = redisUrl?.trim();
	if (url) {
		const parsed = parseUrl(url);
		if (!parsed) {
			// Never echo the URL: it may carry the Redis password.
			throw new Error('"Redis URL" in the "WhatsApp Cloud Nodes API" credential is not a URL: expected redis://[user:password@]host:port[/db]');
		}
		if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
			throw new Error(`"Redis URL" in the "WhatsApp Cloud Nodes API" credential must start with redis:// or rediss://, not "${parsed.protocol}"`);
		}
		// A user's Redis obeys n8n's SSRF policy; n8n's own queue Redis below is the admin's.
		return {
			id: `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}${parsed.pathname}`,
			login: `${loginFingerprint(decodeURIComponent(parsed.username))}:${loginFingerprint(decodeURIComponent(parsed.password))}`,
			url,
			options: checkedRedisOptions(base),
		};
	}
	if (env.EXECUTIONS_MODE !== 'queue' && env.N8N_EXECUTIONS_MODE !== 'queue') return undefined;
	const host = env.QUEUE_BULL_REDIS_HOST || 'localhost';
	const port = Number(env.QUEUE_BULL_REDIS_PORT || 6379);
	const db = Number(env.QUEUE_BULL_REDIS_DB || 0);
	const options: RedisOptions = {
		...base,
		host,
		port,
		db,
		username: env.QUEUE_BULL_REDIS_USERNAME || undefined,
		password: env.QUEUE_BULL_REDIS_PASSWORD || undefined,
	};
	if (env.QUEUE_BULL_REDIS_TLS === 'true') options.tls = {};
	return { id: `redis://${host}:${port}/${db}`, login: `${loginFingerprint(options.username)}:${loginFingerprint(options.password)}`, options };
}

/** The part of a client that tells whether its first connection is still being made. */
export interface ConnectingClient {
	status?: string;
	once?(event: 'ready', listener: () => void): unknown;
	removeListener?(event: 'ready', listener: () => void): unknown;
}

/** While the first connection is being made, wait for it (briefly) instead of answering from memory. */
async function untilConnected(redis: ConnectingClient, timeoutMs: number): Promise<void> {
	if (!redis.once || !['wait', 'connecting', 'connect'].includes(String(redis.status))) return;
	await new Promise<void>((resolve) => {
		const onReady = () => {
			clearTimeout(timer);
			resolve();
		};
		const timer = setTimeout(() => {
			redis.removeListener?.('ready', onReady);
			resolve();
		}, timeoutMs);
		// A wait for Redis must never keep n8n (or a test run) alive on its own.
		timer.unref?.();
		redis.once?.('ready', onReady);
	});
}

/** One Redis call that fails after `timeoutMs` (not hangs), so the caller answers from memory in time. */
export async function callRedisWithin<T>(redis: ConnectingClient, call: () => Promise<T>, timeoutMs: number): Promise<T> {
	await untilConnected(redis, timeoutMs);
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
		timer.unref?.();
	});
	try {
		return await Promise.race([call(), timeout]);
	} finally {
		if (timer) clearTimeout(timer);
	}
}

/** The registry key of a target's connection: its server and its login. */
export function redisConnectionOf(target: RedisTarget): string {
	return `${target.id}#${target.login}`;
}

const REGISTRY_KEY = Symbol.for('n8n-nodes-whatsapp-cloud.webhook.redisClients');
type Registry = Map<string, Redis>;

function registry(): Registry {
	const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
	holder[REGISTRY_KEY] ??= new Map();
	return holder[REGISTRY_KEY];
}

/** The process-wide client for a target; connection errors are swallowed here (the store falls back to memory). */
export function getRedisClient(target: RedisTarget): Redis {
	const clients = registry();
	const key = redisConnectionOf(target);
	let client = clients.get(key);
	if (!client) {
		client = target.url ? new Redis(target.url, target.options) : new Redis(target.options);
		// Without a listener ioredis prints every reconnect failure; the store reports outages itself.
		client.on('error', () => undefined);
		const server = `${client.options.host}:${client.options.port}`;
		watchRedisVersion(client, server, (message) => console.warn(`[whatsapp-cloud webhook] ${message}`));
		clients.set(key, client);
	}
	return client;
}

/** Closes the connection of a login no trigger uses any more (its password was changed). */
export function releaseRedisClient(connection: string): void {
	const clients = registry();
	const client = clients.get(connection);
	if (!client) return;
	clients.delete(connection);
	// Commands still under way fail over to memory (the store reports it); no reconnect with the old password.
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
