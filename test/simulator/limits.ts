/**
 * Meta's limits as the simulator enforces them: per-number throughput in a sliding window, per-WABA call budget in
 * a rolling window, pair rate per (number, recipient), and a peak-rate meter. All O(1) amortised per call.
 */

/** A FIFO of numbers with O(1) push / shift (a plain array with a moving head, compacted now and then). */
class NumberQueue {
	private items: number[] = [];
	private head = 0;

	get length(): number {
		return this.items.length - this.head;
	}

	push(value: number): void {
		this.items.push(value);
	}

	first(): number | undefined {
		return this.head < this.items.length ? this.items[this.head] : undefined;
	}

	last(): number | undefined {
		return this.head < this.items.length ? this.items[this.items.length - 1] : undefined;
	}

	setLast(value: number): void {
		this.items[this.items.length - 1] = value;
	}

	shift(): number | undefined {
		if (this.head >= this.items.length) return undefined;
		const value = this.items[this.head++];
		// Compact once the dead prefix is large, so memory follows the live window.
		if (this.head > 1024 && this.head * 2 > this.items.length) {
			this.items = this.items.slice(this.head);
			this.head = 0;
		}
		return value;
	}

	clear(): void {
		this.items = [];
		this.head = 0;
	}
}

/**
 * At most `limit` call starts in any window of `windowMs`: a call at time t leaves the window at t + windowMs.
 * Rejected calls are not counted (they were not sent).
 */
export class SlidingWindowLimit {
	private readonly starts = new NumberQueue();

	constructor(
		public limit: number,
		public windowMs: number,
	) {}

	/** Records a start at `now` and returns true, or returns false when the window already holds `limit` starts. */
	tryStart(now: number): boolean {
		this.expire(now);
		if (this.starts.length >= this.limit) return false;
		this.starts.push(now);
		return true;
	}

	/**
	 * Counts an event that already happened and cannot be refused (a message a customer sent): it may fill the window
	 * past the limit, and starts are refused until enough of it has left.
	 */
	record(now: number): void {
		this.expire(now);
		this.starts.push(now);
	}

	/** Starts currently in the window. */
	count(now: number): number {
		this.expire(now);
		return this.starts.length;
	}

	/** Ms until the oldest start leaves the window (0 when the window is not full). */
	msUntilFree(now: number): number {
		this.expire(now);
		if (this.starts.length < this.limit) return 0;
		return (this.starts.first() as number) + this.windowMs - now;
	}

	private expire(now: number): void {
		const horizon = now - this.windowMs;
		let first = this.starts.first();
		while (first !== undefined && first <= horizon) {
			this.starts.shift();
			first = this.starts.first();
		}
	}
}

/**
 * A rolling-window call counter that merges calls of the same millisecond, so memory is bounded by
 * min(calls, windowMs) entries even for a one-hour window.
 */
export class RollingBudget {
	private readonly times = new NumberQueue();
	private readonly counts = new NumberQueue();
	private total = 0;
	/** Largest number of calls ever held by the window. */
	peak = 0;

	constructor(
		public budget: number,
		public windowMs: number,
	) {}

	/** Counts a call at `now` and returns true, or returns false (not counted) when the budget is spent. */
	tryCall(now: number): boolean {
		this.expire(now);
		if (this.total >= this.budget) return false;
		if (this.times.last() === now) {
			this.counts.setLast((this.counts.last() as number) + 1);
		} else {
			this.times.push(now);
			this.counts.push(1);
		}
		this.total++;
		if (this.total > this.peak) this.peak = this.total;
		return true;
	}

	used(now: number): number {
		this.expire(now);
		return this.total;
	}

	/** Ms until the oldest call leaves the window (when the budget is spent, the time until one call is possible). */
	msUntilOldestLeaves(now: number): number {
		this.expire(now);
		const first = this.times.first();
		return first === undefined ? 0 : Math.max(0, first + this.windowMs - now);
	}

	private expire(now: number): void {
		const horizon = now - this.windowMs;
		let first = this.times.first();
		while (first !== undefined && first <= horizon) {
			this.times.shift();
			this.total -= this.counts.shift() as number;
			first = this.times.first();
		}
	}
}

/** Tracks the largest count of events in any sliding `windowMs` (the "peak per second" counter). */
export class PeakRateMeter {
	private readonly events = new NumberQueue();
	peak = 0;

	constructor(private readonly windowMs = 1000) {}

	record(now: number): void {
		const horizon = now - this.windowMs;
		let first = this.events.first();
		while (first !== undefined && first <= horizon) {
			this.events.shift();
			first = this.events.first();
		}
		this.events.push(now);
		if (this.events.length > this.peak) this.peak = this.events.length;
	}
}

interface PairBucket {
	tokens: number;
	updatedAt: number;
}

/** Pair rate: per (number, recipient), a bucket of `burst` messages refilled one per `intervalMs`. */
export class PairRateBuckets {
	private readonly buckets = new Map<string, PairBucket>();

	constructor(
		public burst: number,
		public intervalMs: number,
	) {}

	/** Takes one message from the pair's bucket; false when it is empty. */
	tryTake(phoneNumberId: string, recipient: string, now: number): boolean {
		const key = `${phoneNumberId}:${recipient}`;
		let bucket = this.buckets.get(key);
		if (!bucket) {
			if (this.buckets.size >= 200_000) this.prune(now);
			bucket = { tokens: this.burst, updatedAt: now };
			this.buckets.set(key, bucket);
		}
		this.refill(bucket, now);
		if (bucket.tokens < 1) return false;
		bucket.tokens -= 1;
		return true;
	}

	clear(): void {
		this.buckets.clear();
	}

	private refill(bucket: PairBucket, now: number): void {
		if (this.intervalMs <= 0) {
			bucket.tokens = this.burst;
		} else if (now > bucket.updatedAt) {
			bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) / this.intervalMs);
		}
		bucket.updatedAt = now;
	}

	// Full buckets carry no information: drop them so many one-off recipients do not grow memory.
	private prune(now: number): void {
		for (const [key, bucket] of this.buckets) {
			this.refill(bucket, now);
			if (bucket.tokens >= this.burst) this.buckets.delete(key);
		}
	}
}

/** Unique users per moving 24 h by messaging-limit tier (null: unlimited). */
export const MESSAGING_LIMIT_USERS: Record<string, number | null> = {
	TIER_250: 250,
	TIER_2K: 2000,
	TIER_10K: 10_000,
	TIER_100K: 100_000,
	TIER_UNLIMITED: null,
};

/**
 * A portfolio's messaging limit: the unique users reached with business-initiated messages in a moving `windowMs`,
 * each counted until `windowMs` after the latest such message to them (a user already counted takes no new place).
 * Map order = order of those times, so the oldest is first.
 */
export class UniqueReach {
	private readonly lastSent = new Map<string, number>();

	constructor(public windowMs: number) {}

	/** Whether a message to `user` at `now` fits under `limit` (checks only; `record` counts it once it is accepted). */
	fits(user: string, limit: number | null, now: number): boolean {
		this.expire(now);
		return limit === null || this.lastSent.has(user) || this.lastSent.size < limit;
	}

	record(user: string, now: number): void {
		this.lastSent.delete(user);
		this.lastSent.set(user, now);
	}

	count(now: number): number {
		this.expire(now);
		return this.lastSent.size;
	}

	clear(): void {
		this.lastSent.clear();
	}

	private expire(now: number): void {
		for (const [user, at] of this.lastSent) {
			if (at > now - this.windowMs) return;
			this.lastSent.delete(user);
		}
	}
}

/** Messages a number may start in one throughput window: mps × window, at least 1. */
export function throughputLimit(mps: number, windowMs: number): number {
	return Math.max(1, Math.round((mps * windowMs) / 1000));
}

/** Meta's `estimated_time_to_regain_access` in minutes: whole minutes for real windows, fractional for scaled ones. */
export function regainAccessMinutes(ms: number, windowMs: number): number {
	if (ms <= 0) return 0;
	if (windowMs >= 60_000) return Math.max(1, Math.ceil(ms / 60_000));
	return Math.round((ms / 60_000) * 1e6) / 1e6;
}
