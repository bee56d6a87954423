/**
 * The gate's settings: read from the credential on every call (a change applies without a restart), plus internal
 * timing knobs that tests scale down through `configureGateForTests` (never user-visible).
 */
import { LONGEST_PLAIN_CALL_MS } from '../transport';
import type { PaceGuardTimings } from './guard';
import type { WhatsAppCredentials } from '../transport/types';

export const TIER_MESSAGES_PER_SECOND = { standard: 80, high: 1000, businessApp: 20 } as const;
/** Meta's seed budget per registered number per rolling hour. */
export const CALLS_PER_HOUR_PER_NUMBER = 1_800_000;
/** Management calls (the WABA, templates, phone numbers, subscriptions) per app per WABA per rolling hour. */
export const MANAGEMENT_CALLS_PER_HOUR = { withoutRegisteredNumber: 200, withRegisteredNumber: 5000 } as const;

export interface GateTimings extends PaceGuardTimings {
	/** Length of the "second" in messages per second (1,000 ms; tests keep it). */
	secondMs: number;
	/** Extra span counted into the sliding second so arrival jitter at Meta cannot put mps + 1 calls in one second. */
	secondGuardMs: number;
	/** The guard for the sliding second shared through Redis (grant → send varies more across processes). */
	redisSecondGuardMs: number;
	/** Extra guard for the calls of a head start (a burst far above the rate, which the receiver stamps late). */
	headStartGuardMs: number;
	/**
	 * How much later than usual a received message's webhook may come (Meta counted it first): while messages come in,
	 * sends leave this long's worth of them free in the sliding second.
	 */
	inboundLagMs: number;
	/** Length of the budget's rolling "hour". */
	hourMs: number;
	/** Slot size of the rolling-hour counter (coarser slots = fewer counters, slightly stricter). */
	hourSlotMs: number;
	/** Extra span counted into the rolling hour against arrival jitter. */
	hourGuardMs: number;
	/** Shortest pause between two pump rounds of one number: calls due within it go in one round. */
	pumpIntervalMs: number;
	/** The same through Redis, where each round costs round trips. */
	redisPumpIntervalMs: number;
	/** Calls a round aims to carry: rounds lengthen up to `maxPumpIntervalMs` so each carries about this many. */
	callsPerRound: number;
	maxPumpIntervalMs: number;
	/** The same through Redis (per number, all processes together). */
	redisCallsPerRound: number;
	redisMaxPumpIntervalMs: number;
	/** How often a lease waiting in the Redis limiter checks that Redis is still there (else it goes local). */
	redisJobWatchMs: number;
	/** A lane renews its Bottleneck lease after this long (and gives it up after twice this, to let others in). */
	leaseMs: number;
	/** Leases a number's Bottleneck limiter holds at once (each weighs the lane's in-flight cap). */
	leasesAtOnce: number;
	/**
	 * A Redis lease expires (a dead worker's is freed) after its longest life (two `leaseMs`), the longest its calls may
	 * take in the transport (`longestPlainCallMs` for plain calls: the default 30 s timeout plus the body's 10 s grace;
	 * longer for media and explicit timeouts) and this grace.
	 */
	leaseExpiryGraceMs: number;
	longestPlainCallMs: number;
	/** Head start after an idle spell, as a share of mps (the sliding second caps it either way). */
	burstShare: number;
	/** Most calls one round starts: a head start goes out over a few rounds, not as one CPU spike. */
	maxCallsPerRound: number;

	/** Calls in flight per number, as seconds of traffic at the configured mps (hides Meta's 1–2 s latency). */
	inFlightSeconds: number;
	/** Pair rate: messages to one recipient allowed in a burst, then one per `pairIntervalMs`. */
	pairBurst: number;
	pairIntervalMs: number;
	/** 131056: the recipient waits pairBackoffBaseMs × 4^(n-1). */
	pairBackoffBaseMs: number;
	/** One minute as Meta means it in `estimated_time_to_regain_access`. */
	minuteMs: number;
	/** 80007 without the header: pause base, doubled per repeat. */
	budgetPauseBaseMs: number;
	/** 131057 / 2494100 (number in maintenance): wait this long. */
	maintenanceWaitMs: number;
	/** Transient errors: backoff base (doubled per attempt, with ±50 % jitter) and ceiling. */
	transientBackoffBaseMs: number;
	transientBackoffMaxMs: number;
	/** 130429 / code 4: wait before the retry. */
	throttleRetryMs: number;
	/** Each 130429 takes one call per second off the cap, but within one second the cap keeps at least this share. */
	slowDownFactor: number;
	/** The slow-down factor never goes below this. */
	minSlowDown: number;
	/** Additive recovery of the slow-down factor per `recoveryIntervalMs`. */
	recoveryStep: number;
	recoveryIntervalMs: number;
	/** An idle number or WABA entry is released after this long (and never while its hour holds calls). */
	idleReleaseMs: number;
	/** Automatic tier: a number's throughput read from Meta is read again after this long (one management call). */
	throughputReadIntervalMs: number;
	/** ... or after this long when the number got 130429 since (Meta may have changed it). */
	throughputRecheckAfterThrottleMs: number;
	/** A failed throughput read is tried again after this long (the number paces at 80 meanwhile). */
	throughputRetryMs: number;
	/** A number's first sends wait at most this long for Meta's first answer (then go at 80 until it comes). */
	throughputFirstReadWaitMs: number;
	/** The longest the gate waits for a Redis answer: past it Redis counts as frozen and lanes send on local limits. */
	redisAnswerMs: number;
	/** Redis lost: a lane that shared its number sends at the share it took for at most this long (localShare.ts). */
	localShareMs: number;
}

export const DEFAULT_TIMINGS: GateTimings = {
	secondMs: 1000,
	// Each call is counted when it left; the guard covers the trip to Meta and Meta's own stamping of a burst: 3 % of the
	// rate. The simulator stamped paced calls up to 21–34 ms late in some 100 ms spells (measured against each call's
	// onSent): with 20 ms, 2 of 9 runs at 1,000 mps had 9–12 × 130429; with 30, 0 of 5 (stop 12).
	secondGuardMs: 30,
	// Across processes a grant reaches the wire a little later (a Redis round trip, another event loop): 3 %.
	redisSecondGuardMs: 30,
	// The simulator stamped a 1,000-call head start up to 59–68 ms after it left, most paced calls after it within ~10 ms.
	headStartGuardMs: 60,
	// The echo-broadcast timing test's webhooks (simulator → trigger, load 5–10 on 2 cores) came 3 ms after Meta counted
	// them at the median, 27–132 ms at worst: without a margin 4 of 8 runs met 1–11 × 130429, with 150 ms 0 of 3.
	inboundLagMs: 150,
	hourMs: 3_600_000,
	hourSlotMs: 1000,
	hourGuardMs: 1000,
	// A round costs a timer wake and the batch's bookkeeping (through Redis, one reservation round trip): 20 ms rounds
	// carry ~20 calls at 1,000 mps, and a full sliding second's freed slots wait at most a round before they are reused.
	pumpIntervalMs: 20,
	redisPumpIntervalMs: 25,
	callsPerRound: 20,
	maxPumpIntervalMs: 50,
	// Through Redis (per number, all processes together): 80-call rounds cost less CPU per call but each process's
	// freed share then waits longer: ~0.94 of the rate against ~0.97 (stop 10).
	redisCallsPerRound: 40,
	redisMaxPumpIntervalMs: 50,
	redisJobWatchMs: 500,
	// A lease costs one Bottleneck job (through Redis: submit, register, free and a pub/sub message in every process):
	// every 2 s that is nothing. 16 leases: through Redis up to 8 processes send on one number at once, each counted
	// twice for the moment its next lease starts while the last one's stragglers answer.
	leaseMs: 2000,
	leasesAtOnce: 16,
	leaseExpiryGraceMs: 10_000,
	longestPlainCallMs: LONGEST_PLAIN_CALL_MS,
	// A full sliding second: Meta allows mps calls in any second, so a broadcast may start with that many.
	burstShare: 1,
	// 80 calls cost ~25 ms of event loop in the transport: a 1,000-mps head start goes out over ~13 rounds.
	maxCallsPerRound: 80,
	inFlightSeconds: 2,
	pairBurst: 40,
	pairIntervalMs: 6000,
	pairBackoffBaseMs: 4000,
	minuteMs: 60_000,
	budgetPauseBaseMs: 60_000,
	maintenanceWaitMs: 60_000,
	transientBackoffBaseMs: 500,
	transientBackoffMaxMs: 30_000,
	throttleRetryMs: 1000,
	// The pace guard (guard.ts): 300 ± 200 ms before Meta counts needs ~200–400 ms; 50 ms needs none past the 30 above.
	guardStepMs: 25,
	guardMaxMs: 500,
	guardHoldMs: 5000,
	guardHoldMaxMs: 60_000,
	guardNarrowShare: 0.1,
	slowDownFactor: 0.5,
	minSlowDown: 0.05,
	recoveryStep: 0.05,
	recoveryIntervalMs: 1000,
	idleReleaseMs: 10 * 60_000,
	throughputReadIntervalMs: 3_600_000,
	throughputRecheckAfterThrottleMs: 5 * 60_000,
	throughputRetryMs: 10 * 60_000,
	// One management call, ~0.1–2 s at Meta: without the wait a number shared with the Business app (20 msg/s) would
	// start at 80 and get 130429s for its first second.
	throughputFirstReadWaitMs: 3000,
	// A healthy reservation takes ~1 ms (p99 under 100 ms with two processes on this 2-core machine at load 18): 5x that
	// worst case is no false alarm, and a frozen Redis costs half a second of sending.
	redisAnswerMs: 500,
	// An outage longer than a minute is no blip: the whole rate again, the slow-down after 130429 judging what is left.
	localShareMs: 60_000,
};

export interface GateSettings {
	/** The tier's rate; for the Automatic tier the safe 80 until Meta's answer is known. */
	messagesPerSecond: number;
	/** The Automatic tier: each number paces at what Meta says of it once known (see throughput.ts). */
	automaticThroughput: boolean;
	/** 0 = unknown yet (read from the WABA). */
	registeredNumbers: number;
	/** Explicit budget override, 0 = derived from registered numbers. */
	hourlyCallBudget: number;
	pairRateLimiting: boolean;
	/** Inbound messages take places in their number's sliding second (Meta counts them in its throughput). */
	countInboundMessages: boolean;
	maxAttempts: number;
	maxWaitMs: number;
	retryAmbiguous: boolean;
}

function positiveNumber(value: unknown, fallback: number): number {
	const parsed = typeof value === 'string' ? Number(value) : value;
	return typeof parsed === 'number' && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/** Reads the limits off the credential; bad values fall back to safe defaults with a clear error only where unusable. */
export function readGateSettings(credentials: WhatsAppCredentials): GateSettings {
	// The credential's default: a never-edited field means Automatic.
	const tier = credentials.throughputTier ?? 'automatic';
	let messagesPerSecond: number;
	if (tier === 'automatic') {
		messagesPerSecond = TIER_MESSAGES_PER_SECOND.standard;
	} else if (tier === 'custom') {
		const custom = Number(credentials.customMessagesPerSecond);
		if (!Number.isFinite(custom) || custom <= 0) {
			throw new Error(
				`The credential's "Custom Messages per Second" must be a number above 0 when the throughput tier is "custom" (got ${String(credentials.customMessagesPerSecond)})`,
			);
		}
		messagesPerSecond = custom;
	} else {
		messagesPerSecond = TIER_MESSAGES_PER_SECOND[tier] ?? TIER_MESSAGES_PER_SECOND.standard;
	}
	return {
		messagesPerSecond,
		automaticThroughput: tier === 'automatic',
		registeredNumbers: Math.floor(positiveNumber(credentials.registeredNumbers, 0)),
		hourlyCallBudget: Math.floor(positiveNumber(credentials.hourlyCallBudget, 0)),
		pairRateLimiting: credentials.pairRateLimiting !== false,
		countInboundMessages: credentials.countInboundMessages !== false,
		maxAttempts: Math.floor(positiveNumber(credentials.maxAttempts, 5)),
		maxWaitMs: positiveNumber(credentials.maxWaitSeconds, 300) * 1000,
		retryAmbiguous: credentials.retryAmbiguous === true,
	};
}
