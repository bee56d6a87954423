/**
 * Rounds whose calls are not all written yet. A call is counted in the sliding second when its round starts, then moved
 * to when its request was written; one still unwritten after its second (queued behind the socket pool, or a starved
 * event loop) has left the window yet will leave, so it still takes a place. Without this, 100 numbers at 80 msg/s
 * (more calls in flight than the pool's sockets) sent each second's calls twice. Across processes the same holds in
 * Redis's shared second: its unwritten calls move there to the present before they leave its window (`keepAlive`).
 * Pure: the clock is passed in.
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
	/** Through Redis: where the shared second counts its unwritten calls. */
	shared?: SharedCount;
}

/**
 * Redis counted a round at `redisNow`, and `localAt` (read before the reservation was sent) maps there, so a mapped
 * time is never early; its unwritten calls are counted at local `at` (`localAt` until they are kept alive).
 */
export interface SharedCount {
	redisNow: number;
	localAt: number;
	at: number;
}

/** Redis's time for local `at` (ms). */
export function redisTimeOf(shared: SharedCount, at: number): number {
	return shared.redisNow + (at - shared.localAt);
}

/** Calls of the round not yet written (nor settled without a write). */
function unwrittenOf(round: Round): number {
	return round.calls - Math.max(round.written, round.settled);
}

export class UnwrittenRounds {
	private readonly rounds = new Set<Round>();

	add(round: Round): void {
		this.rounds.add(round);
	}

	/** A round whose calls are all written (or settled without a write) no longer holds places outside the window. */
	progressed(round: Round): void {
		if (unwrittenOf(round) <= 0) this.rounds.delete(round);
	}

	/** Calls counted at or before `now − windowMs` whose request is still not written. */
	outside(now: number, windowMs: number): number {
		if (this.rounds.size === 0) return 0;
		const horizon = now - windowMs;
		let count = 0;
		for (const round of this.rounds) if (round.countedAt <= horizon) count += unwrittenOf(round);
		return count;
	}

	/** When the oldest shared count of unwritten calls is `ageMs` old (undefined: none is through Redis). */
	nextKeepAliveAt(ageMs: number): number | undefined {
		let next: number | undefined;
		for (const round of this.rounds) if (round.shared && (next === undefined || round.shared.at + ageMs < next)) next = round.shared.at + ageMs;
		return next;
	}

	/**
	 * Unwritten calls counted in the shared second `ageMs` ago or more are counted at `now` instead, before they leave
	 * Redis's window and other processes see their places free: the moves (Redis ms, one per call) for `moveLate`.
	 */
	keepAlive(now: number, ageMs: number): Array<[number, number]> {
		const moves: Array<[number, number]> = [];
		for (const round of this.rounds) {
			const shared = round.shared;
			if (!shared || shared.at > now - ageMs) continue;
			const move: [number, number] = [redisTimeOf(shared, shared.at), redisTimeOf(shared, now)];
			for (let call = unwrittenOf(round); call > 0; call--) moves.push(move);
			shared.at = now;
		}
		return moves;
	}
}
