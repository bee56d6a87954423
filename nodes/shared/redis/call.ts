/**
 * A Redis call with a deadline, for the users that answer from memory when Redis is slow or down (the trigger's
 * dedupe, the conversation ledger): it waits briefly for a first connection, then fails instead of hanging.
 */
import { keySlot, positionsBySlot } from './slots';

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
 * Redis (or one Redis Cluster master) cannot take calls now: its users go local at once. `node` is what: a cluster's
 * master (`host:port`), '' for a client as a whole; undefined when none is counted (not connected, or a call over
 * several masters). `over` settles once it takes calls again.
 */
export class RedisOutageError extends Error {
	constructor(
		message: string,
		readonly over: Promise<void>,
		readonly node?: string,
	) {
		super(message);
	}
}

/**
 * Redis took a call and did not answer in time: frozen (SIGSTOP, a stalled master) or far too slow. `over` settles
 * once every such call has had its answer (Redis answers again) or failed (the connection dropped).
 */
export class RedisDeadlineError extends RedisOutageError {}

/**
 * A Redis Cluster master refused or dropped the call, or the cluster said it is down (killed or shut down, until its
 * replica is promoted or it restarts). `over` settles once a probe on the same keys is answered.
 */
export class RedisMasterDownError extends RedisOutageError {}

/** A client that may be a Redis Cluster's: which master serves each hash slot (ioredis's `slots`, master first). */
export interface RoutedClient extends ConnectingClient {
	isCluster?: boolean;
	slots?: string[][];
	/** Probes a master that refused calls (on a key it serves); without it such a master is not counted down. */
	exists?(key: string): Promise<unknown>;
}

/**
 * What a client (or one master) cannot take calls for: calls past their deadline still unanswered (`late`), or, when
 * `down`, calls it refused; and the promise its return settles.
 */
interface Outage {
	node: string;
	down: boolean;
	/** Why it refused calls (the first refusal's message), for the calls failed meanwhile. */
	reason: string;
	late: number;
	over: Promise<void>;
	end: () => void;
}

// Keyed by client, then by what is out ('' for a whole client, a master for a cluster's): the gate's connection and the
// shared one freeze and thaw on their own, and so does each master of a Redis Cluster.
const outages = new WeakMap<object, Map<string, Outage>>();

/**
 * A cluster client's errors for a master it cannot reach (ioredis wraps them in "Too many Cluster redirections" after
 * its retries): a refused, reset or closed connection, or a cluster that lost the master. Script or command errors
 * (ERR, WRONGTYPE, NOPERM…) are answers, not outages.
 */
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|Connection is closed|Stream isn't writeable|Too many Cluster redirections|CLUSTERDOWN|MASTERDOWN|TRYAGAIN|LOADING/;

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

/** The outage a call on `keys` meets, if any: without keys on a cluster, any master's. */
function outageOf(redis: RoutedClient, keys: readonly string[] | undefined): Outage | undefined {
	const out = outages.get(redis);
	if (!out) return undefined;
	const nodes = nodesOf(redis, keys);
	if (!nodes) return out.values().next().value;
	for (const node of nodes) {
		const outage = out.get(node);
		if (outage) return outage;
	}
	return undefined;
}

/**
 * True while a call on `keys` (on a Redis Cluster: to a master serving one of them; without keys: to any) is past its
 * deadline unanswered, or its master refuses calls: its users go local at once, as when Redis is lost.
 */
export function redisUnavailable(redis: RoutedClient, keys?: readonly string[]): boolean {
	return outageOf(redis, keys) !== undefined;
}

/** The error a call meets while `outage` lasts: it fails at once, sending nothing. */
function outageError(outage: Outage): RedisOutageError {
	return outage.down
		? new RedisMasterDownError(outage.reason, outage.over, outage.node)
		: new RedisDeadlineError('Redis has not answered an earlier call yet', outage.over, outage.node);
}

/** `node`'s outage, opened now unless one is already open. */
function outageAt(redis: object, node: string, down: boolean, reason: string): Outage {
	let out = outages.get(redis);
	if (!out) {
		out = new Map();
		outages.set(redis, out);
	}
	const open = out.get(node);
	if (open) return open;
	const nodes = out;
	let settle = (): void => undefined;
	const over = new Promise<void>((resolve) => (settle = resolve));
	const outage: Outage = { node, down, reason, late: 0, over, end: () => undefined };
	outage.end = () => {
		if (nodes.get(node) === outage) nodes.delete(node);
		settle();
	};
	out.set(node, outage);
	return outage;
}

/** A call past its deadline on a connected client: `node` counts as frozen until it (and any other such) settles. */
function lateCall(redis: object, node: string, call: Promise<unknown>): Promise<void> {
	const outage = outageAt(redis, node, false, '');
	// Sent before its master refused calls: the probe, not this call, tells when it is back.
	if (outage.down) return outage.over;
	outage.late++;
	const settled = (): void => {
		if (--outage.late === 0) outage.end();
	};
	call.then(settled, settled);
	return outage.over;
}

/**
 * A master refused a call on `key`: it counts as down until a probe on that key (routed as the call was: to its
 * replica once promoted) is answered, one probe every `probeEveryMs`. A closed client ends it.
 */
function masterDown(redis: RoutedClient, node: string, reason: string, key: string, probeEveryMs: number): Outage {
	const known = outages.get(redis)?.get(node);
	if (known) return known;
	const outage = outageAt(redis, node, true, reason);
	const probeLater = (): void => void setTimeout(probe, probeEveryMs).unref?.();
	const probe = (): void => {
		if (redis.status === 'end') return outage.end();
		if (redis.status !== 'ready' || !redis.exists) return probeLater();
		redis.exists(key).then(outage.end, probeLater);
	};
	probeLater();
	return outage;
}

/** A failed call's error: on a Redis Cluster, one its master refused (see UNREACHABLE) counts that master down. */
function refusal(redis: RoutedClient, keys: readonly string[] | undefined, error: unknown, probeEveryMs: number): unknown {
	if (error instanceof RedisOutageError || !redis.isCluster || !redis.exists || redis.status !== 'ready') return error;
	const reason = error instanceof Error ? error.message : String(error);
	const nodes = nodesOf(redis, keys);
	if (!keys || nodes?.length !== 1 || !UNREACHABLE.test(reason)) return error;
	const outage = masterDown(redis, nodes[0], reason, keys[0], probeEveryMs);
	return new RedisMasterDownError(reason, outage.over, outage.node);
}

/**
 * One Redis call that fails after `timeoutMs` (not hangs), so the caller answers from memory in time. While an earlier
 * call is past its deadline (Redis frozen) it fails at once, sending nothing. On a Redis Cluster `keys` (those the call
 * touches) say which masters it waits on: a frozen master fails only the calls on its keys, and so does a master that
 * refused one (probed every `timeoutMs` until it answers). A call over several masters cannot tell which one froze or
 * refused and marks none (callers split such calls per slot to be told).
 */
export async function callRedisWithin<T>(redis: RoutedClient, call: () => Promise<T>, timeoutMs: number, keys?: readonly string[]): Promise<T> {
	const outage = outageOf(redis, keys);
	if (outage) throw outageError(outage);
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
	} catch (error) {
		throw refusal(redis, keys, error, timeoutMs);
	} finally {
		if (timer) clearTimeout(timer);
	}
}

/**
 * A call over unrelated keys, made once per hash slot (once in all on a single Redis), each part under its own deadline
 * (callRedisWithin): a frozen or down Redis Cluster master fails only its keys' part (at once once known), and the other
 * parts are answered. `call` takes its part's key positions (and fills in their answers); the first failure, or
 * undefined when every part was answered.
 */
export async function callRedisBySlot(redis: RoutedClient, keys: readonly string[], call: (positions: number[]) => Promise<unknown>, timeoutMs: number): Promise<Error | undefined> {
	let failure: Error | undefined;
	await Promise.all(
		positionsBySlot(redis, keys).map((positions) =>
			callRedisWithin(redis, () => call(positions), timeoutMs, positions.map((position) => keys[position])).catch(
				(error: unknown) => void (failure ??= error instanceof Error ? error : new Error(String(error))),
			),
		),
	);
	return failure;
}
