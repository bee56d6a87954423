/**
 * The shared store: the counts and pauses that processes sharing one Redis hold together (each number's sliding
 * second, each WABA's rolling hour and pause, received messages) and the Bottleneck limiter each lane's leases go
 * through. One interface; RedisStore (redis.ts) implements it.
 */
import type { LeaseStore } from './lease';

/**
 * Cross-process limits (Redis: redis.ts). The gate falls back to local limits whenever `usable()` is false or a call
 * throws; with no store at all the lane's own windows are the only counts (no await on that path).
 */
export interface SharedStore extends LeaseStore {
	/** Atomically grant up to `requested` call starts under the number's sliding second and the WABA's rolling hour. */
	reserve(request: {
		numberKey: string;
		wabaKey: string;
		requested: number;
		numberCap: number;
		numberWindowMs: number;
		budgetCap: number;
		budgetWindowMs: number;
		budgetSlotMs: number;
		/** When not all are granted: retry once this many more fit (at most the rest), not as soon as one does. */
		wanted?: number;
		/** …but at most this long after the first one fits (the tail of a second: see pacer.ts nextRoundAt). */
		afterFirstMs?: number;
		/**
		 * The caller's cap while it is slowed down after 130429 (none: not slowed). The number's slow-down is shared: the
		 * lowest such cap reserved under within `slowShareMs` binds this request and every other process's that gives
		 * `slowShareMs` (a request without it, a count no cap refuses, is never bound).
		 */
		slowCap?: number;
		slowShareMs?: number;
	}): Promise<{
		granted: number;
		retryInMs: number;
		redisNow: number;
		/** Another process paused the WABA (80007). */
		paused: boolean;
		/** The calls in the number's shared sliding second, those granted included (not told while the WABA is paused). */
		numberCount?: number;
	}>;
	/** Pause the WABA in every process sharing this store (80007). */
	pauseWaba(wabaKey: string, pauseMs: number): Promise<void>;
	/** Move sent calls in the shared counts to the time they really left: pairs of (countedAt, sentAt) in Redis time. */
	moveLate(numberKey: string, wabaKey: string, budgetSlotMs: number, moves: Array<[number, number]>): Promise<void>;
	/** Calls started on local limits while Redis was lost join the shared counts (never refused): see CarryRequest. */
	carry(request: CarryRequest): Promise<void>;
	/** Messages customers sent to the number take `count` places in its shared sliding second now (never refused). */
	recordInbound(numberKey: string, wabaKey: string, count: number, numberWindowMs: number): Promise<void>;
	/** True while the first connection is being made (calls wait a moment instead of going local). */
	connecting(): boolean;
}

/**
 * What a process sent on local limits while Redis was lost, for when it answers again (a restarted Redis comes back
 * empty, a frozen one without these calls): each process's calls of the last second would otherwise be missing from the
 * number's shared second, and the processes together go over it in the second after the return.
 */
export interface CarryRequest {
	numberKey: string;
	wabaKey: string;
	/** The number's sliding second: (how long ago, calls) per slot still in it (negative: a head start's, ahead of now). */
	second: Array<[number, number]>;
	numberWindowMs: number;
	/** The WABA's rolling hour: (how long ago, calls) per minute of the outage still in it. */
	hour: Array<[number, number]>;
	budgetWindowMs: number;
	budgetSlotMs: number;
}
