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
