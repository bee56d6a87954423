/**
 * Which Redis the pack shares through, for the gate, the trigger's dedupe and the conversation ledger alike: the
 * credential's Redis URL, else n8n queue mode's `QUEUE_BULL_REDIS_*` (the Redis every worker already reaches), else none.
 */
import type { RedisOptions } from 'ioredis';
import { checkedRedisOptions, loginFingerprint } from './server';

type Env = Record<string, string | undefined>;

export interface RedisTarget {
	/** Names the server and database, never the password (it appears in warnings). */
	id: string;
	/** The login's fingerprint (never the password): a connection serves one login only, and a new password a new one. */
	login: string;
	/** Everything ioredis needs to connect (host, port, login, db, TLS, timeouts). */
	options: RedisOptions;
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** The options of a credential's `redis://` / `rediss://` URL; its messages never echo the URL (it may hold a password). */
function optionsFromUrl(url: string, base: RedisOptions): RedisOptions {
	const parsed = parseUrl(url);
	if (!parsed) {
		throw new Error('"Redis URL" in the "WhatsApp Cloud Nodes API" credential is not a URL: expected redis://[user:password@]host:port[/db]');
	}
	if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
		throw new Error(`"Redis URL" in the "WhatsApp Cloud Nodes API" credential must start with redis:// or rediss://, not "${parsed.protocol}"`);
	}
	const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
	if (!Number.isInteger(db) || db < 0) {
		throw new Error(`"Redis URL" in the "WhatsApp Cloud Nodes API" credential names database "${parsed.pathname.slice(1, 20)}": expected a number, e.g. redis://host:6379/0`);
	}
	// A user's Redis obeys n8n's SSRF policy; n8n's own queue Redis below is the admin's.
	return checkedRedisOptions({
		...base,
		host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
		port: parsed.port ? Number(parsed.port) : 6379,
		username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
		password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
		db,
		tls: parsed.protocol === 'rediss:' ? {} : undefined,
	});
}

function isQueueMode(env: Env): boolean {
	return env.EXECUTIONS_MODE === 'queue' || env.N8N_EXECUTIONS_MODE === 'queue';
}

/** The Redis to share through, or undefined when everything stays in this process (no URL, not in queue mode). */
export function resolveRedisTarget(redisUrl: string | undefined, env: Env = process.env): RedisTarget | undefined {
	const base: RedisOptions = {
		// Fail fast while Redis is down: the gate falls back to local limits and the webhook answers from memory.
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		connectTimeout: 2000,
		retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
	};
	const url = redisUrl?.trim();
	let options: RedisOptions;
	if (url) options = optionsFromUrl(url, base);
	else if (isQueueMode(env)) {
		options = {
			...base,
			host: env.QUEUE_BULL_REDIS_HOST || 'localhost',
			port: Number(env.QUEUE_BULL_REDIS_PORT || 6379),
			db: Number(env.QUEUE_BULL_REDIS_DB || 0),
			username: env.QUEUE_BULL_REDIS_USERNAME || undefined,
			password: env.QUEUE_BULL_REDIS_PASSWORD || undefined,
			tls: env.QUEUE_BULL_REDIS_TLS === 'true' ? {} : undefined,
		};
	} else return undefined;
	const scheme = options.tls ? 'rediss' : 'redis';
	const user = options.username ? `${options.username}@` : '';
	return {
		id: `${scheme}://${user}${options.host}:${options.port}/${options.db ?? 0}`,
		login: `${loginFingerprint(options.username)}:${loginFingerprint(options.password)}`,
		options,
	};
}

/** The key of a target's connection: its server and its login. */
export function redisConnectionOf(target: RedisTarget): string {
	return `${target.id}#${target.login}`;
}
