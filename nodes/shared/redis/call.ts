/**
 * A Redis call with a deadline, for the users that answer from memory when Redis is slow or down (the trigger's
 * dedupe, the conversation ledger): it waits briefly for a first connection, then fails instead of hanging.
 */

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
 * once every such call has had its answer (Redis answers again) or failed (the connection dropped).
 */
export class RedisDeadlineError extends Error {
	constructor(
		message: string,
		readonly over: Promise<void>,
	) {
		super(message);
	}
}

/** A client's calls past their deadline still unanswered, and the promise their last answer settles. */
interface Freeze {
	late: number;
	over: Promise<void>;
	end: () => void;
}

// Keyed by client: the gate's connection and the shared one freeze and thaw on their own.
const freezes = new WeakMap<object, Freeze>();

/** True while a call to this client is past its deadline unanswered: its users go local at once, as when it is lost. */
export function redisFrozen(redis: object): boolean {
	return freezes.has(redis);
}

/** A call past its deadline on a connected client: the client counts as frozen until it (and any other such) settles. */
function lateCall(redis: object, call: Promise<unknown>): Promise<void> {
	let freeze = freezes.get(redis);
	if (!freeze) {
		let end = (): void => undefined;
		const over = new Promise<void>((resolve) => (end = resolve));
		freeze = { late: 0, over, end };
		freezes.set(redis, freeze);
	}
	const current = freeze;
	current.late++;
	const settled = (): void => {
		if (--current.late > 0) return;
		freezes.delete(redis);
		current.end();
	};
	call.then(settled, settled);
	return current.over;
}

/**
 * One Redis call that fails after `timeoutMs` (not hangs), so the caller answers from memory in time. While an earlier
 * call is past its deadline (Redis frozen) it fails at once, sending nothing.
 */
export async function callRedisWithin<T>(redis: ConnectingClient, call: () => Promise<T>, timeoutMs: number): Promise<T> {
	const frozen = freezes.get(redis);
	if (frozen) throw new RedisDeadlineError('Redis has not answered an earlier call yet', frozen.over);
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
			// Not connected: the call fails on its own (no offline queue), and its user goes local as when Redis is lost.
			const over = redis.status === 'ready' ? lateCall(redis, pending) : Promise.resolve();
			reject(new RedisDeadlineError(`Redis did not answer within ${timeoutMs} ms`, over));
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
