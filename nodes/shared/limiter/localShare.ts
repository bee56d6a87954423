/**
 * The number's share this process took while it shared the number through Redis, for when Redis is lost. On local
 * limits each process would otherwise take the number's whole rate and Meta refuse the excess (two processes at
 * 100 msg/s drew 60–124 × 130429 while a Redis Cluster master was down for ~5 s). Learned from the reservations'
 * answers (this process's calls in the shared sliding second against the number's, at the last one); while Redis is lost the
 * cap is that share of itself for at most `localShareMs`, then whole again (the slow-down after 130429 takes over if
 * the others still send). A process that never shared, or alone, keeps the whole rate. The clock is passed in.
 * It keeps that share for one sliding second after Redis answers again: every process's calls of the outage's last
 * second are in none of the others' counts (a restarted Redis comes back empty, and a process's calls join it only at
 * its own first reservation: gate.ts carryUnshared), so a process that reserved first would otherwise see room for
 * the whole rate on top of them.
 */
import type { GateTimings } from './settings';

/** A reservation's sample counts when the number's sliding second holds at least this share of the cap (else noise). */
const LEAST_SAMPLE_SHARE = 0.25;

export class LocalShare {
	/** This process's share of the number's calls while it shared them (1 = all). */
	private share = 1;
	private learnedAt = -Infinity;
	/** When this outage's local rounds began (undefined: sharing, or never shared). */
	private localSince: number | undefined;
	/** Redis answered again after an outage on the share: that share holds until `until` (a sliding second). */
	private kept: { share: number; until: number } | undefined;

	/** `windowMs`: the number's shared sliding second (how long the outage's calls count after the return). */
	constructor(
		private readonly env: { readonly timings: Pick<GateTimings, 'localShareMs'> },
		private readonly windowMs: number,
	) {}

	/**
	 * A reservation through Redis answered (sharing again, if it was lost): `own` of the `total` calls in the number's
	 * sliding second are this process's (`total` not told: nothing learned).
	 */
	learn(now: number, own: number, total: number | undefined, cap: number): void {
		if (this.localSince !== undefined) {
			const share = this.factor(now);
			if (share < 1) this.kept = { share, until: now + this.windowMs };
		}
		this.localSince = undefined;
		if (total === undefined || total <= 0 || total < cap * LEAST_SAMPLE_SHARE) return;
		// Both counts are over a sliding second already: the latest says what the last second was (a lane sends in bursts,
		// a head start then nothing for most of a second, so a smoothing per reservation would lag by seconds).
		this.share = Math.min(1, own / total);
		this.learnedAt = now;
	}

	/** A round goes on local limits at `now`: the outage began then, unless it already had. */
	lost(now: number): void {
		this.localSince ??= now;
	}

	/**
	 * The factor on the cap at `now`: during an outage, the share learned before it (for at most localShareMs), and for
	 * a sliding second after it; else 1.
	 */
	factor(now: number): number {
		if (this.localSince === undefined) return this.kept !== undefined && now < this.kept.until ? this.kept.share : 1;
		const { localShareMs } = this.env.timings;
		// Learned long before the outage (the others may be gone), or the outage outlasted it: the whole rate.
		if (now - this.localSince >= localShareMs || this.localSince - this.learnedAt >= localShareMs) return 1;
		return this.share;
	}
}
