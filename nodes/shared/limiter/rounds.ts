/**
 * Rounds whose calls are not all written yet. A call is counted in the sliding second when its round starts, then moved
 * to when its request was written; one still unwritten after its second (queued behind the socket pool, or a starved
 * event loop) has left the window yet will leave, so it still takes a place. Without this, 100 numbers at 80 msg/s
 * (more calls in flight than the pool's sockets) sent each second's calls twice. Pure: the clock is passed in.
 */

/**
 * A round of calls, counted in the sliding second at `countedAt` until each call's request is written (then when it
 * left). `calls − max(written, settled)` bounds those still unwritten: a call settles after its write, or without one.
 */
export interface Round {
	countedAt: number;
	calls: number;
	written: number;
	settled: number;
}

export class UnwrittenRounds {
	private readonly rounds = new Set<Round>();

	add(round: Round): void {
		this.rounds.add(round);
	}

	/** A round whose calls are all written (or settled without a write) no longer holds places outside the window. */
	progressed(round: Round): void {
		if (round.calls - Math.max(round.written, round.settled) <= 0) this.rounds.delete(round);
	}

	/** Calls counted at or before `now − windowMs` whose request is still not written. */
	outside(now: number, windowMs: number): number {
		if (this.rounds.size === 0) return 0;
		const horizon = now - windowMs;
		let count = 0;
		for (const round of this.rounds) if (round.countedAt <= horizon) count += round.calls - Math.max(round.written, round.settled);
		return count;
	}
}
