/**
 * The slow-down after 130429 (and the app's code 4): a factor on the number's rate. Each throttle takes one call per
 * second off the cap, but the cap loses at most `slowDownFactor` of itself within a second (answers to calls already
 * under way keep coming); recovery is additive, `recoveryStep` per `recoveryIntervalMs` without a new throttle. So a
 * setting twice what Meta allows is halved within a second, while one stray 130429 at 1,000 mps costs 0.1 % for a
 * second, not half. The clock is passed in.
 */
import type { GateTimings } from './settings';

export type SlowDownTimings = Pick<GateTimings, 'secondMs' | 'slowDownFactor' | 'minSlowDown' | 'recoveryStep' | 'recoveryIntervalMs'>;

export class SlowDown {
	/** The share of the rate in force (1 = none). */
	factor = 1;
	/** When the last throttle came (0 = never). */
	lastThrottledAt = 0;
	/** Start of the second in which the last throttles came, and the factor then (the most a second may cut). */
	private secondAt = -Infinity;
	private atSecondStart = 1;
	private lastRecoveryAt = 0;

	/** The timings are read live from `env`: tests and benches swap them for scaled ones. */
	constructor(private readonly env: { readonly timings: SlowDownTimings }) {}

	/** A throttle at `now` on a number allowed `messagesPerSecond`. */
	throttled(now: number, messagesPerSecond: number): void {
		const { secondMs, slowDownFactor, minSlowDown } = this.env.timings;
		if (now - this.secondAt >= secondMs) {
			this.secondAt = now;
			this.atSecondStart = this.factor;
		}
		const floor = Math.max(minSlowDown, this.atSecondStart * slowDownFactor);
		this.factor = Math.max(floor, this.factor - 1 / messagesPerSecond);
		this.lastRecoveryAt = now;
		this.lastThrottledAt = now;
	}

	/** Additive recovery while no new throttle comes in. */
	recover(now: number): void {
		if (this.factor >= 1) return;
		const { recoveryIntervalMs, recoveryStep } = this.env.timings;
		const steps = Math.floor((now - this.lastRecoveryAt) / recoveryIntervalMs);
		if (steps <= 0) return;
		this.factor = Math.min(1, this.factor + steps * recoveryStep);
		this.lastRecoveryAt += steps * recoveryIntervalMs;
	}
}
