/**
 * A sliding-window counter over fixed slots: at most `cap` events in any interval of `windowMs`. A slot leaves the
 * window only once its whole span is older than `windowMs`, so slotting can only make the count stricter, never looser.
 * Used for the per-number sliding second (1 ms slots) and the WABA's rolling hour (1 s slots).
 */
export class SlidingWindow {
	private readonly counts: Float64Array;
	private readonly slotCount: number;
	/** Index (absolute slot number) of the oldest slot still held in `counts`. */
	private oldestSlot = 0;
	private newestSlot = -1;
	private total = 0;

	constructor(
		readonly windowMs: number,
		readonly slotMs: number,
	) {
		// One extra slot holds the partly elapsed oldest slot that still overlaps the window.
		this.slotCount = Math.ceil(windowMs / slotMs) + 1;
		this.counts = new Float64Array(this.slotCount);
	}

	/** Events counted in the window ending at `now`. */
	count(now: number): number {
		this.evict(now);
		return this.total;
	}

	/** How many events may happen at `now` without exceeding `cap` in any window. */
	available(now: number, cap: number): number {
		return Math.max(0, Math.floor(cap - this.count(now)));
	}

	record(now: number, events: number): void {
		this.evict(now);
		const slot = Math.floor(now / this.slotMs);
		if (this.newestSlot < 0) this.oldestSlot = slot;
		// A clock that steps back records into the newest slot: never into an evicted one.
		const target = Math.max(slot, this.newestSlot);
		this.counts[target % this.slotCount] += events;
		this.newestSlot = target;
		this.total += events;
	}

	/**
	 * Move `events` counted at `from` to `to` (later): the call really happened then. Sound for a sliding cap because
	 * every decision before `to` still saw the event (at `from`), and every decision after sees it at `to`.
	 */
	move(from: number, to: number, events = 1): void {
		this.evict(to);
		const slot = Math.floor(from / this.slotMs);
		if (slot >= this.oldestSlot && slot <= this.newestSlot) {
			const index = slot % this.slotCount;
			const taken = Math.min(events, this.counts[index]);
			this.counts[index] -= taken;
			this.total -= taken;
		}
		this.record(to, events);
	}

	/** Earliest time at which `needed` events fit under `cap` (now if they already do). */
	nextAvailableAt(now: number, cap: number, needed = 1): number {
		this.evict(now);
		let excess = this.total + needed - cap;
		if (excess <= 0) return now;
		for (let slot = this.oldestSlot; slot <= this.newestSlot; slot++) {
			excess -= this.counts[slot % this.slotCount];
			// This slot leaves the window once its end is `windowMs` old.
			if (excess <= 0) return (slot + 1) * this.slotMs + this.windowMs;
		}
		return now + this.windowMs;
	}

	/** The latest time at or before `until` at which some of the window's events leave it (undefined if none do by then). */
	lastLeavingBy(now: number, until: number): number | undefined {
		this.evict(now);
		let last: number | undefined;
		for (let slot = this.oldestSlot; slot <= this.newestSlot; slot++) {
			const leaves = (slot + 1) * this.slotMs + this.windowMs;
			if (leaves > until) break;
			if (this.counts[slot % this.slotCount] > 0) last = leaves;
		}
		return last;
	}

	/** Counts per slot start time, for replaying local events into Redis after an outage. */
	entries(now: number): Array<[number, number]> {
		this.evict(now);
		const result: Array<[number, number]> = [];
		for (let slot = this.oldestSlot; slot <= this.newestSlot; slot++) {
			const value = this.counts[slot % this.slotCount];
			if (value > 0) result.push([slot * this.slotMs, value]);
		}
		return result;
	}

	private evict(now: number): void {
		if (this.newestSlot < 0) return;
		// Slots whose end is at or before now - windowMs are out of every window that ends at or after now.
		const firstLiveSlot = Math.floor((now - this.windowMs) / this.slotMs);
		if (firstLiveSlot > this.newestSlot) {
			this.counts.fill(0);
			this.total = 0;
			this.oldestSlot = firstLiveSlot;
			this.newestSlot = -1;
			return;
		}
		while (this.oldestSlot < firstLiveSlot) {
			const index = this.oldestSlot % this.slotCount;
			this.total -= this.counts[index];
			this.counts[index] = 0;
			this.oldestSlot++;
		}
	}
}
