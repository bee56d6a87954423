/**
 * Which Redis the pack shares through, for the gate, the trigger's dedupe and the conversation ledger alike: the
 * credential's Redis URL, else n8n queue mode's `QUEUE_BULL_REDIS_*` (the Redis every worker already reaches), else none.
 * Either may name a Redis Cluster: `redis+cluster://` / `rediss+cluster://` with one or more `host:port` in the
 * credential, or `QUEUE_BULL_REDIS_CLUSTER_NODES` as n8n reads it (packages/cli/src/services/redis-client.service.ts).
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { checkedRedisOptions, loginFingerprint } from './server';

type Env = Record<string, string | undefined>;

export interface ClusterNode {
	host: string;
	port: number;
}

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

/** One `host:port` (an IPv6 host in brackets), as a cluster's node list gives it; undefined when it is not one. */
function parseNode(text: string): ClusterNode | undefined {
	const parsed = parseUrl(`redis://${text.trim()}`);
	if (!parsed || !parsed.hostname || parsed.username || parsed.password || parsed.pathname.length > 1 || parsed.search || parsed.hash) return undefined;
	return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port ? Number(parsed.port) : 6379 };
}

/** A comma-separated `host:port` list; `where` names the field in the error, which never echoes the list. */
function parseNodes(list: string, where: string): ClusterNode[] {
	const entries = list.split(',').filter((entry) => entry.trim() !== '');
	const nodes = entries.map(parseNode);
	const bad = nodes.findIndex((node) => !node);
	if (entries.length === 0 || bad >= 0) {
		throw new Error(`${where} lists Redis Cluster nodes: node ${bad + 1} is not host:port (expected e.g. redis-1:6379,redis-2:6379)`);
	}
	return nodes as ClusterNode[];
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
		try {
			return decodeURIComponent(text);
		} catch {
			throw new Error(`${CREDENTIAL_FIELD} has a login that is not URL-encoded: encode "@", ":" and "%" in the user and password`);
		}
	};
	return {
		nodes: parseNodes(hosts, CREDENTIAL_FIELD),
		options: checkedRedisOptions({
			...base,
			username: decode(username),
			password: decode(password),
			tls: scheme.toLowerCase() === 'rediss' ? {} : undefined,
		}),
	};
}

function isQueueMode(env: Env): boolean {
	return env.EXECUTIONS_MODE === 'queue' || env.N8N_EXECUTIONS_MODE === 'queue';
}

/** n8n's address family for its queue Redis: IPv4 unless QUEUE_BULL_REDIS_DUALSTACK (both) or _IPV6 (IPv6 only). */
function familyFromEnv(env: Env): number | undefined {
	if (env.QUEUE_BULL_REDIS_DUALSTACK === 'true') return 0;
	if (env.QUEUE_BULL_REDIS_IPV6 === 'true') return 6;
	return undefined;
}

/** n8n queue mode's Redis: a cluster when QUEUE_BULL_REDIS_CLUSTER_NODES is set (HOST and PORT are then ignored, as n8n does). */
function fromEnv(env: Env, base: RedisOptions): { nodes?: ClusterNode[]; options: RedisOptions } {
	const family = familyFromEnv(env);
	const options: RedisOptions = {
		...base,
		host: env.QUEUE_BULL_REDIS_HOST || 'localhost',
		port: Number(env.QUEUE_BULL_REDIS_PORT || 6379),
		db: Number(env.QUEUE_BULL_REDIS_DB || 0),
		username: env.QUEUE_BULL_REDIS_USERNAME || undefined,
		password: env.QUEUE_BULL_REDIS_PASSWORD || undefined,
		tls: env.QUEUE_BULL_REDIS_TLS === 'true' ? {} : undefined,
		...(family === undefined ? {} : { family }),
	};
	const list = env.QUEUE_BULL_REDIS_CLUSTER_NODES ?? '';
	if (list.trim() === '') return { options };
	const { host: _host, port: _port, db: _db, ...perNode } = options;
	return { nodes: parseNodes(list, 'QUEUE_BULL_REDIS_CLUSTER_NODES'), options: perNode };
}

/** A whole number of ms from n8n's variable, else n8n's default. */
function msFromEnv(value: string | undefined, fallback: number): number {
	const ms = Number(value);
	return value && Number.isInteger(ms) && ms > 0 ? ms : fallback;
}

/**
 * The cluster client's options: n8n's slot refresh settings, and failing fast while a node is down (the gate then
 * uses local limits and the webhook answers from memory) rather than queueing commands for it.
 */
function clusterOptions(env: Env, fromQueueMode: boolean): ClusterOptions {
	return {
		enableOfflineQueue: false,
		clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
		// A node that stops answering: retry a few times while the slots are refreshed, then fail over to local.
		retryDelayOnFailover: 100,
		retryDelayOnClusterDown: 100,
		maxRedirections: 4,
		slotsRefreshTimeout: fromQueueMode ? msFromEnv(env.QUEUE_BULL_REDIS_SLOT_REFRESH_TIMEOUT, 1000) : 1000,
		slotsRefreshInterval: fromQueueMode ? msFromEnv(env.QUEUE_BULL_REDIS_SLOT_REFRESH_INTERVAL, 5000) : 5000,
		// n8n's "NONE" strategy (AWS ElastiCache with TLS): connect by name so the certificate matches.
		...(fromQueueMode && env.QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY === 'NONE'
			? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) }
			: {}),
	};
}

function nodeName({ host, port }: ClusterNode): string {
	return `${host.includes(':') ? `[${host}]` : host}:${port}`;
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
	let resolved: { nodes?: ClusterNode[]; options: RedisOptions };
	let fromQueueMode = false;
	const clusterUrl = url ? CLUSTER_URL.exec(url) : null;
	if (clusterUrl) resolved = clusterFromUrl(clusterUrl, base);
	else if (url) resolved = { options: optionsFromUrl(url, base) };
	else if (isQueueMode(env)) {
		resolved = fromEnv(env, base);
		fromQueueMode = true;
	} else return undefined;
	const { nodes, options } = resolved;
	const scheme = options.tls ? 'rediss' : 'redis';
	const user = options.username ? `${options.username}@` : '';
	return {
		id: nodes
			? `${scheme}+cluster://${user}${nodes.map(nodeName).join(',')}`
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
