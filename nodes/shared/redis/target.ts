/**
 * Which Redis the pack shares through, for the gate, the trigger's dedupe and the conversation ledger alike: the
 * credential's Redis URL, else n8n queue mode's `QUEUE_BULL_REDIS_*` (the Redis every worker already reaches), else none.
 * Either may name a Redis Cluster: `redis+cluster://` / `rediss+cluster://` with one or more `host:port` in the
 * credential, or `QUEUE_BULL_REDIS_CLUSTER_NODES` as n8n reads it (queueMode.ts).
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { clusterNodeName, parseClusterNodes, type ClusterNode } from './clusterNodes';
import { clusterOptions, isQueueMode, queueModeRedis, type Env } from './queueMode';
import { processWide } from '../processWide';
import { checkedRedisOptions, loginFingerprint } from './server';

export interface RedisTarget {
	/** Names the server (or the cluster's startup nodes) and database, never the password (it appears in warnings). */
	id: string;
	/** The login's fingerprint (never the password): a connection serves one login only, and a new password a new one. */
	login: string;
	/** Everything ioredis needs to connect (host, port, login, db, TLS, timeouts); for a cluster, what each node gets. */
	options: RedisOptions;
	/** A Redis Cluster: the nodes to start from and the cluster client's own options (`options` apply to each node). */
	cluster?: { nodes: ClusterNode[]; options: ClusterOptions };
}

const CREDENTIAL_FIELD = '"Redis URL" in the "WhatsApp Cloud Nodes API" credential';
const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:(.*)@)?([^@/?#]+)(\/[^?#]*)?$/i;

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
		throw new Error(`${CREDENTIAL_FIELD} is not a URL: expected redis://[user:password@]host:port[/db] or redis+cluster://[user:password@]host:port,host:port`);
	}
	if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
		throw new Error(`${CREDENTIAL_FIELD} must start with redis://, rediss://, redis+cluster:// or rediss+cluster://, not "${parsed.protocol}"`);
	}
	const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
	if (!Number.isInteger(db) || db < 0) {
		throw new Error(`${CREDENTIAL_FIELD} names database "${parsed.pathname.slice(1, 20)}": expected a number, e.g. redis://host:6379/0`);
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

/** A credential's `redis+cluster://[user:password@]host:port,host:port` (rediss+cluster:// for TLS): nodes and login. */
function clusterFromUrl(match: RegExpExecArray, base: RedisOptions): { nodes: ClusterNode[]; options: RedisOptions } {
	const [, scheme, login, hosts, path] = match;
	if (path && path !== '/' && path !== '/0') {
		throw new Error(`${CREDENTIAL_FIELD} names a database for a Redis Cluster: a cluster has database 0 only, e.g. redis+cluster://host:6379`);
	}
	const colon = login?.indexOf(':') ?? -1;
	const username = login ? (colon >= 0 ? login.slice(0, colon) : login) : '';
	const password = login && colon >= 0 ? login.slice(colon + 1) : '';
	const decode = (text: string): string | undefined => {
		if (!text) return undefined;
		let decoded: string | undefined;
		try {
			decoded = decodeURIComponent(text);
		} catch {
			decoded = undefined;
		}
		if (decoded === undefined) throw new Error(`${CREDENTIAL_FIELD} has a login that is not URL-encoded: encode "@", ":" and "%" in the user and password`);
		return decoded;
	};
	return {
		nodes: parseClusterNodes(hosts, CREDENTIAL_FIELD),
		options: checkedRedisOptions({
			...base,
			username: decode(username),
			password: decode(password),
			tls: scheme.toLowerCase() === 'rediss' ? {} : undefined,
		}),
	};
}

/** Credential URLs parsed so far: every webhook request resolves its trigger's, and a URL always names the same Redis. */
const targetsByUrl = processWide('redis.targetsByUrl', () => new Map<string, Readonly<RedisTarget>>());
const MAX_REMEMBERED_URLS = 100;

/**
 * The Redis to share through, or undefined when everything stays in this process (no URL, not in queue mode). A
 * credential's URL (not a cluster's, whose options read the environment) is parsed once per process; a bad one
 * throws every time.
 */
export function resolveRedisTarget(redisUrl: string | undefined, env: Env = process.env): RedisTarget | undefined {
	const url = redisUrl?.trim();
	if (!url || CLUSTER_URL.test(url)) return resolveAnew(url, env);
	const remembered = targetsByUrl();
	let target = remembered.get(url);
	if (!target) {
		target = resolveAnew(url, env)!;
		if (remembered.size >= MAX_REMEMBERED_URLS) remembered.clear();
		remembered.set(url, target);
	}
	return target;
}

function resolveAnew(url: string | undefined, env: Env): RedisTarget | undefined {
	const base: RedisOptions = {
		// Fail fast while Redis is down: the gate falls back to local limits and the webhook answers from memory.
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		connectTimeout: 2000,
		retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
	};
	let resolved: { nodes?: ClusterNode[]; options: RedisOptions };
	let fromQueueMode = false;
	const clusterUrl = url ? CLUSTER_URL.exec(url) : null;
	if (clusterUrl) resolved = clusterFromUrl(clusterUrl, base);
	else if (url) resolved = { options: optionsFromUrl(url, base) };
	else if (isQueueMode(env)) {
		resolved = queueModeRedis(env, base);
		fromQueueMode = true;
	} else return undefined;
	const { nodes, options } = resolved;
	const scheme = options.tls ? 'rediss' : 'redis';
	const user = options.username ? `${options.username}@` : '';
	return {
		id: nodes
			? `${scheme}+cluster://${user}${nodes.map(clusterNodeName).join(',')}`
			: `${scheme}://${user}${options.host}:${options.port}/${options.db ?? 0}`,
		login: `${loginFingerprint(options.username)}:${loginFingerprint(options.password)}`,
		options,
		...(nodes ? { cluster: { nodes, options: clusterOptions(env, fromQueueMode) } } : {}),
	};
}

/** The key of a target's connection: its server and its login. */
export function redisConnectionOf(target: RedisTarget): string {
	return `${target.id}#${target.login}`;
}
