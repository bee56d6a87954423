/**
 * The pace guard: an extra safety margin on a number's sliding second, for a receiver that counts our calls later and
 * less evenly than they left (a jittery network, a busy Meta edge). The gate counts each call when its request finished
 * writing, so its own lateness (timers firing late, requests written in bunches) only ever counts a call late, which is
 * safe; what it cannot see is the trip's spread, and the one sign of it is a 130429 for a call paced within the limit.
 * So a 130429 widens the margin: at least doubling it (from `guardStepMs`), and by a call's share of the second for
 * each 130429 paced under the same margin (k calls too many in a second need k calls' time more), so one round trip
 * learns the size. A hold keeps it, and it narrows slowly after; a 130429 that comes again after a narrowing doubles the
 * next hold, so the margin settles near what the network needs instead of sawing between too wide and too narrow.
 * Pure: the clock is passed in.
 */

export interface PaceGuardTimings {
	/** The first widening (ms added to the second). */
	guardStepMs: number;
	/** The widest margin (ms): a trip spread beyond it is left to the slow-down and retries. */
	guardMaxMs: number;
	/** No narrowing for this long after a widening (doubled by each widening that follows a narrowing). */
	guardHoldMs: number;
	guardHoldMaxMs: number;
	/** Once the hold is over the margin loses this share of itself per second (and ends at 0 below 1 ms). */
	guardNarrowShare: number;
	secondMs: number;
}

export class PaceGuard {
	private margin = 0;
	/** The margin's value and time when it last changed by a widening or a lazy narrowing. */
	private settledAt = 0;
	private widenedAt = -Infinity;
	/** The margin before the last widening, and the 130429s seen for calls paced under it. */
	private widenedFrom = 0;
	private excess = 0;
	private holdMs: number;
	/** The margin narrowed since the last widening: a new 130429 means the narrowing went too far. */
	private narrowed = false;

	constructor(private readonly timings: PaceGuardTimings) {
		this.holdMs = timings.guardHoldMs;
	}

	/** The margin (ms) in force at `now`. */
	marginMs(now: number): number {
		if (this.margin === 0) return 0;
		const holdEndsAt = this.widenedAt + this.holdMs;
		if (now <= holdEndsAt) return this.margin;
		const from = Math.max(this.settledAt, holdEndsAt);
		const seconds = (now - from) / this.timings.secondMs;
		if (seconds <= 0) return this.margin;
		const narrowedTo = this.margin * Math.pow(1 - this.timings.guardNarrowShare, seconds);
		this.margin = narrowedTo < 1 ? 0 : narrowedTo;
		this.settledAt = now;
		this.narrowed = true;
		// Quiet long enough for the margin to be gone: the next trouble starts from the first hold again.
		if (this.margin === 0) this.holdMs = this.timings.guardHoldMs;
		return this.margin;
	}

	/**
	 * A 130429 for a call that left at `sentAt` on a number allowed `cap` a second. One that left before the last widening
	 * was paced under the narrower margin (answers come up to Meta's latency later): it adds its call's share to that
	 * widening rather than starting another.
	 */
	throttled(now: number, sentAt: number, cap: number): void {
		const current = this.marginMs(now);
		if (sentAt >= this.widenedAt) {
			if (this.narrowed && current > 0) this.holdMs = Math.min(this.timings.guardHoldMaxMs, 2 * this.holdMs);
			this.widenedFrom = current;
			this.excess = 0;
			this.widenedAt = now;
			this.narrowed = false;
		}
		this.excess++;
		const widening = Math.max(this.timings.guardStepMs, this.widenedFrom, (this.excess * this.timings.secondMs) / Math.max(1, cap));
		this.margin = Math.max(current, Math.min(this.timings.guardMaxMs, this.widenedFrom + widening));
		this.settledAt = now;
	}

	/** Starts allowed in the number's sliding second at `now`: `cap` spread over the second plus the margin. */
	capAt(cap: number, now: number): number {
		const margin = this.marginMs(now);
		if (margin === 0) return cap;
		return Math.max(1, Math.floor((cap * this.timings.secondMs) / (this.timings.secondMs + margin)));
	}
}
