/**
 * A Redis call with a deadline, for the users that answer from memory when Redis is slow or down (the trigger's
 * dedupe, the conversation ledger): it waits briefly for a first connection, then fails instead of hanging.
 */
import { keySlot } from './slots';

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

/**
 * Redis took a call and did not answer in time: frozen (SIGSTOP, a stalled master) or far too slow. `over` settles
 * once every such call has had its answer (Redis answers again) or failed (the connection dropped). `node` is what
 * froze: a Redis Cluster's master (`host:port`), '' for a client as a whole; undefined when none is counted frozen (not
 * connected, or a call over several masters).
 */
export class RedisDeadlineError extends Error {
	constructor(
		message: string,
		readonly over: Promise<void>,
		readonly node?: string,
	) {
		super(message);
	}
}

/** A client that may be a Redis Cluster's: which master serves each hash slot (ioredis's `slots`, master first). */
export interface RoutedClient extends ConnectingClient {
	isCluster?: boolean;
	slots?: string[][];
}

/** A client's (or one master's) calls past their deadline still unanswered, and the promise their last answer settles. */
interface Freeze {
	node: string;
	late: number;
	over: Promise<void>;
	end: () => void;
}

// Keyed by client, then by what froze ('' for a whole client, a master for a cluster's): the gate's connection and the
// shared one freeze and thaw on their own, and so does each master of a Redis Cluster.
const freezes = new WeakMap<object, Map<string, Freeze>>();

/** The masters a call on `keys` waits on: on a cluster client the ones serving their slots (as it routes them); else ''. */
function nodesOf(redis: RoutedClient, keys: readonly string[] | undefined): string[] | undefined {
	if (!redis.isCluster) return [''];
	if (!keys || keys.length === 0) return undefined;
	const masterOf = (key: string): string => {
		const slot = keySlot(key);
		return redis.slots?.[slot]?.[0] ?? `slot ${slot}`;
	};
	return [...new Set(keys.map(masterOf))];
}

/** The freeze a call on `keys` waits behind, if any: without keys on a cluster, any master's. */
function freezeOf(redis: RoutedClient, keys: readonly string[] | undefined): Freeze | undefined {
	const frozen = freezes.get(redis);
	if (!frozen) return undefined;
	const nodes = nodesOf(redis, keys);
	if (!nodes) return frozen.values().next().value;
	for (const node of nodes) {
		const freeze = frozen.get(node);
		if (freeze) return freeze;
	}
	return undefined;
}

/**
 * True while a call on `keys` (on a Redis Cluster: to a master serving one of them; without keys: to any) is past its
 * deadline unanswered: its users go local at once, as when Redis is lost.
 */
export function redisFrozen(redis: RoutedClient, keys?: readonly string[]): boolean {
	return freezeOf(redis, keys) !== undefined;
}

/** A call past its deadline on a connected client: `node` counts as frozen until it (and any other such) settles. */
function lateCall(redis: object, node: string, call: Promise<unknown>): Promise<void> {
	let frozen = freezes.get(redis);
	if (!frozen) {
		frozen = new Map();
		freezes.set(redis, frozen);
	}
	let freeze = frozen.get(node);
	if (!freeze) {
		let end = (): void => undefined;
		const over = new Promise<void>((resolve) => (end = resolve));
		freeze = { node, late: 0, over, end };
		frozen.set(node, freeze);
	}
	const current = freeze;
	const nodes = frozen;
	current.late++;
	const settled = (): void => {
		if (--current.late > 0) return;
		nodes.delete(node);
		current.end();
	};
	call.then(settled, settled);
	return current.over;
}

/**
 * One Redis call that fails after `timeoutMs` (not hangs), so the caller answers from memory in time. While an earlier
 * call is past its deadline (Redis frozen) it fails at once, sending nothing. On a Redis Cluster `keys` (those the call
 * touches) say which masters it waits on: a frozen master fails only the calls on its keys. A late call over several
 * masters cannot tell which one froze and marks none (callers split such calls per slot to be told).
 */
export async function callRedisWithin<T>(redis: RoutedClient, call: () => Promise<T>, timeoutMs: number, keys?: readonly string[]): Promise<T> {
	const frozen = freezeOf(redis, keys);
	if (frozen) throw new RedisDeadlineError('Redis has not answered an earlier call yet', frozen.over, frozen.node);
	await untilConnected(redis, timeoutMs);
	let timer: NodeJS.Timeout | undefined;
	let answered = false;
	const pending = call();
	pending.then(
		() => (answered = true),
		() => (answered = true),
	);
	const timeout = new Promise<never>((_resolve, reject) => {
		const expire = (): void => {
			if (answered) return;
			// Read when the deadline passes: a cluster's slot table may have changed since the call went out.
			const nodes = nodesOf(redis, keys);
			const node = nodes?.length === 1 ? nodes[0] : undefined;
			// Not connected: the call fails on its own (no offline queue), and its user goes local as when Redis is lost.
			const counted = redis.status === 'ready' && node !== undefined;
			const over = counted ? lateCall(redis, node, pending) : Promise.resolve();
			reject(new RedisDeadlineError(`Redis did not answer within ${timeoutMs} ms`, over, counted ? node : undefined));
		};
		// After a stalled event loop the timer runs before the answer already in the socket is read (timers go before
		// I/O): look after the next poll, so a busy process is not taken for a frozen Redis (and never goes local for it).
		timer = setTimeout(() => setImmediate(expire).unref?.(), timeoutMs);
		timer.unref?.();
	});
	try {
		return await Promise.race([pending, timeout]);
	} finally {
		if (timer) clearTimeout(timer);
	}
}
