/**
 * n8n queue mode's Redis, read from the variables as n8n reads them (n8n-io/n8n
 * packages/@n8n/config/src/configs/scaling-mode.config.ts and packages/cli/src/services/redis-client.service.ts):
 * a Redis Cluster when QUEUE_BULL_REDIS_CLUSTER_NODES is set (HOST and PORT are then ignored), the same login, TLS
 * and address family on every node, n8n's slot refresh settings and DNS strategy.
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { processWide } from '../processWide';
import { parseClusterNodes, type ClusterNode } from './clusterNodes';

export type Env = Record<string, string | undefined>;

export function isQueueMode(env: Env): boolean {
	return env.EXECUTIONS_MODE === 'queue' || env.N8N_EXECUTIONS_MODE === 'queue';
}

/** n8n's address family: IPv4 unless QUEUE_BULL_REDIS_DUALSTACK (both) or _IPV6 (IPv6 only); n8n refuses both. */
function familyFromEnv(env: Env): number | undefined {
	const dualStack = env.QUEUE_BULL_REDIS_DUALSTACK === 'true';
	const ipV6 = env.QUEUE_BULL_REDIS_IPV6 === 'true';
	if (dualStack && ipV6) throw new Error('QUEUE_BULL_REDIS_DUALSTACK and QUEUE_BULL_REDIS_IPV6 are both true: n8n allows only one of them');
	if (dualStack) return 0;
	if (ipV6) return 6;
	return undefined;
}

// The pack resolves its Redis per call: a certificate file is read once per process (a new file needs a restart, as in n8n).
const tlsFiles = processWide('redis.tlsFiles', () => new Map<string, string>());

function tlsFile(variable: string, path: string | undefined, readFile: (path: string) => string): string | undefined {
	if (!path) return undefined;
	if (!isAbsolute(path)) throw new Error(`${variable} must be an absolute path to a PEM file (as n8n requires)`);
	const files = tlsFiles();
	let text = files.get(path);
	if (text === undefined) {
		let failure: string | undefined;
		try {
			text = readFile(path);
		} catch (error) {
			failure = (error as NodeJS.ErrnoException).code ?? 'error';
		}
		if (text === undefined) throw new Error(`${variable} names a file that cannot be read (${failure})`);
		files.set(path, text);
	}
	return text;
}

/** QUEUE_BULL_REDIS_TLS and its QUEUE_BULL_REDIS_TLS_* files and checks, as n8n builds its TLS options. */
export function tlsFromEnv(env: Env, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): ConnectionOptions | undefined {
	if (env.QUEUE_BULL_REDIS_TLS !== 'true') return undefined;
	return {
		ca: tlsFile('QUEUE_BULL_REDIS_TLS_CA_FILE', env.QUEUE_BULL_REDIS_TLS_CA_FILE, readFile),
		cert: tlsFile('QUEUE_BULL_REDIS_TLS_CERT_FILE', env.QUEUE_BULL_REDIS_TLS_CERT_FILE, readFile),
		key: tlsFile('QUEUE_BULL_REDIS_TLS_CERT_KEY_FILE', env.QUEUE_BULL_REDIS_TLS_CERT_KEY_FILE, readFile),
		passphrase: env.QUEUE_BULL_REDIS_TLS_CERT_KEY_PASS || undefined,
		servername: env.QUEUE_BULL_REDIS_TLS_SERVERNAME || undefined,
		rejectUnauthorized: env.QUEUE_BULL_REDIS_TLS_REJECT_UNAUTHORIZED === 'false' ? false : undefined,
	};
}

/** n8n queue mode's Redis: its options, and the cluster's nodes when QUEUE_BULL_REDIS_CLUSTER_NODES is set. */
export function queueModeRedis(env: Env, base: RedisOptions): { nodes?: ClusterNode[]; options: RedisOptions } {
	const family = familyFromEnv(env);
	const login: RedisOptions = {
		...base,
		username: env.QUEUE_BULL_REDIS_USERNAME || undefined,
		password: env.QUEUE_BULL_REDIS_PASSWORD || undefined,
		tls: tlsFromEnv(env),
		...(family === undefined ? {} : { family }),
	};
	const list = env.QUEUE_BULL_REDIS_CLUSTER_NODES ?? '';
	if (list.trim() !== '') return { nodes: parseClusterNodes(list, 'QUEUE_BULL_REDIS_CLUSTER_NODES'), options: login };
	return {
		options: {
			...login,
			host: env.QUEUE_BULL_REDIS_HOST || 'localhost',
			port: Number(env.QUEUE_BULL_REDIS_PORT || 6379),
			db: Number(env.QUEUE_BULL_REDIS_DB || 0),
		},
	};
}

/** A whole number of ms from n8n's variable, else n8n's default. */
function msFromEnv(value: string | undefined, fallback: number): number {
	const ms = Number(value);
	return value && Number.isInteger(ms) && ms > 0 ? ms : fallback;
}

/** Connect by the name given: TLS then checks the certificate against it, and a credential's SSRF check sees it. */
const byName: ClusterOptions['dnsLookup'] = (address, callback) => callback(null, address);

/**
 * The cluster client's options: n8n's slot refresh settings and DNS strategy in queue mode, and failing fast while a
 * node is down (the gate then uses local limits and the webhook answers from memory) rather than queueing commands.
 */
export function clusterOptions(env: Env, fromQueueMode: boolean): ClusterOptions {
	return {
		enableOfflineQueue: false,
		clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
		// A node that stops answering: a few tries while the slots are refreshed, then the caller falls back.
		retryDelayOnFailover: 100,
		retryDelayOnClusterDown: 100,
		maxRedirections: 4,
		slotsRefreshTimeout: fromQueueMode ? msFromEnv(env.QUEUE_BULL_REDIS_SLOT_REFRESH_TIMEOUT, 1000) : 1000,
		slotsRefreshInterval: fromQueueMode ? msFromEnv(env.QUEUE_BULL_REDIS_SLOT_REFRESH_INTERVAL, 5000) : 5000,
		// A credential's nodes are resolved (and checked) by the SSRF-checking connector itself; n8n's "NONE" keeps names too.
		...(!fromQueueMode || env.QUEUE_BULL_REDIS_DNS_LOOKUP_STRATEGY === 'NONE' ? { dnsLookup: byName } : {}),
	};
}
