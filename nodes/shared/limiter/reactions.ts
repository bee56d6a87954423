/**
 * How the gate reacts to one failed attempt: a pure decision from the error, the attempt count and the timings,
 * its effects (slow the number down, pause the WABA, delay one recipient) dispatched to the lane, and the failed
 * call's fate (give up, wait for its recipient, or go again later), which the lane carries out.
 */
import type { GraphApiError } from '../transport';
import type { GateSettings, GateTimings } from './settings';

export type Reaction =
	/** Give up: the error is final. */
	| { kind: 'fail' }
	/** Retry this call after `delayMs` (transient errors, opted-in ambiguous ones). */
	| { kind: 'retry'; delayMs: number }
	/** 130429 / 4: slow the number (or app) down, retry after `delayMs`. */
	| { kind: 'slowDown'; delayMs: number }
	/** 80007: pause every number of the WABA for `pauseMs`. */
	| { kind: 'pauseWaba'; pauseMs: number; fromHeader: boolean }
	/** 131057 / 2494100 (maintenance): pause this number for `pauseMs`. */
	| { kind: 'pauseNumber'; pauseMs: number }
	/** 131056: delay this recipient only for `pauseMs`. */
	| { kind: 'pauseRecipient'; pauseMs: number };

export interface ReactionContext {
	/** Attempts made so far, including the failed one (1 after the first failure). */
	attempts: number;
	/** Consecutive 131056 for this recipient, including this one. */
	recipientStrikes: number;
	/** Consecutive 80007 for this WABA without a usage header, including this one. */
	budgetStrikes: number;
	settings: GateSettings;
	timings: GateTimings;
	/** 0..1, injectable for tests. */
	random: () => number;
}

export function decideReaction(error: GraphApiError, context: ReactionContext): Reaction {
	const { timings } = context;
	switch (error.errorClass) {
		case 'throttled':
			switch (error.code) {
				case 130429:
				case 4:
					return { kind: 'slowDown', delayMs: timings.throttleRetryMs };
				case 80007: {
					const minutes = error.usage?.estimatedTimeToRegainAccessMinutes;
					if (typeof minutes === 'number' && minutes > 0) {
						return { kind: 'pauseWaba', pauseMs: minutes * timings.minuteMs, fromHeader: true };
					}
					const pauseMs = timings.budgetPauseBaseMs * 2 ** Math.min(context.budgetStrikes - 1, 6);
					return { kind: 'pauseWaba', pauseMs, fromHeader: false };
				}
				case 131057:
				case 2494100:
					return { kind: 'pauseNumber', pauseMs: timings.maintenanceWaitMs };
				case 131056:
					return {
						kind: 'pauseRecipient',
						pauseMs: timings.pairBackoffBaseMs * 4 ** Math.min(context.recipientStrikes - 1, 5),
					};
				default:
					return { kind: 'retry', delayMs: backoff(context) };
			}
		case 'transient':
			return { kind: 'retry', delayMs: backoff(context) };
		case 'ambiguous':
			// The call may have reached Meta: a duplicate WhatsApp message is worse than an error.
			return context.settings.retryAmbiguous ? { kind: 'retry', delayMs: backoff(context) } : { kind: 'fail' };
		default:
			return { kind: 'fail' };
	}
}

/** Exponential backoff with ±50 % jitter so many failed calls do not come back at the same instant. */
export function backoff(context: Pick<ReactionContext, 'attempts' | 'timings' | 'random'>): number {
	const { timings } = context;
	const base = Math.min(timings.transientBackoffMaxMs, timings.transientBackoffBaseMs * 2 ** (context.attempts - 1));
	return Math.round(base * (0.5 + context.random()));
}

/** The delay a reaction imposes on the failed call itself. */
export function reactionDelay(reaction: Reaction): number {
	switch (reaction.kind) {
		case 'fail':
			return 0;
		case 'retry':
		case 'slowDown':
			return reaction.delayMs;
		default:
			return reaction.pauseMs;
	}
}

/** Where a reaction takes effect beyond the failed call: the lane's number, its WABA, the call's recipient. */
export interface ReactionEffects {
	slowDown(): void;
	pauseWaba(pauseMs: number): void;
	pauseNumber(pauseMs: number): void;
	pauseRecipient(pauseMs: number): void;
}

/** The reaction's effect on the number / WABA / recipient: it applies even when this call gives up. */
export function applyReaction(reaction: Reaction, effects: ReactionEffects): void {
	switch (reaction.kind) {
		case 'slowDown':
			effects.slowDown();
			return;
		case 'pauseWaba':
			effects.pauseWaba(reaction.pauseMs);
			return;
		case 'pauseNumber':
			effects.pauseNumber(reaction.pauseMs);
			return;
		case 'pauseRecipient':
			effects.pauseRecipient(reaction.pauseMs);
			return;
		default:
			return;
	}
}

/** What becomes of the failed call: it gives up, waits for its recipient (131056), or goes again at `at`. */
export type CallFate = { kind: 'giveUp' } | { kind: 'backToRecipient' } | { kind: 'retryAt'; at: number };

export interface FailedCall {
	/** Attempts made so far, including the failed one. */
	attempts: number;
	firstQueuedAt: number;
	recipient?: string;
	settings: Pick<GateSettings, 'maxAttempts' | 'maxWaitMs' | 'pairRateLimiting'>;
}

/** A call gives up on a final error, after its last attempt, or when its next would start past its longest wait. */
export function fateOf(reaction: Reaction, call: FailedCall, now: number): CallFate {
	if (reaction.kind === 'fail') return { kind: 'giveUp' };
	const at = now + reactionDelay(reaction);
	if (call.attempts >= call.settings.maxAttempts || at - call.firstQueuedAt > call.settings.maxWaitMs) return { kind: 'giveUp' };
	// Only this recipient waits; its call goes back to the front of its own line.
	if (reaction.kind === 'pauseRecipient' && call.recipient !== undefined && call.settings.pairRateLimiting) return { kind: 'backToRecipient' };
	return { kind: 'retryAt', at };
}
