/**
 * The pacer: per round, how many calls may start now and when the next round should run, from the sliding second's
 * state, the tokens, the in-flight room, the WABA's budget, the cap and the time. Pure: the clock and every count are
 * passed in; the only state is the lane's `PacerState` (tokens and head start), changed only here.
 *
 * Tokens refill at the window's own rate and hold a full second: in steady state the sliding second decides, and each
 * round starts what has expired from it (replaying the first second's shape, the most Meta allows).
 */
import type { GateTimings } from './settings';
import type { SlidingWindow } from './slidingWindow';

export type PacerTimings = Pick<
	GateTimings,
	| 'secondMs'
	| 'pumpIntervalMs'
	| 'callsPerRound'
	| 'maxPumpIntervalMs'
	| 'redisPumpIntervalMs'
	| 'redisCallsPerRound'
	| 'redisMaxPumpIntervalMs'
	| 'burstShare'
	| 'headStartGuardMs'
	| 'maxCallsPerRound'
>;

/** A lane's pacing state: one per lane, allocated once. */
export interface PacerState {
	tokens: number;
	tokensAt: number;
	/** Until then the lane sends a head start: its calls count `headStartGuardMs` later in the sliding second. */
	headStartEndsAt: number;
	/** No call was waiting at some round since the last one that sent (a new lane too). */
	idleBeforeRound: boolean;
}

/** What the wake-up after a round depends on; the lane fills one such record per round (reused: no allocation). */
export interface WakeInput {
	now: number;
	/** The round length (pumpIntervalMs), the shortest a round may be, and the calls the cap allows in one round (fractional). */
	pumpIntervalMs: number;
	shortestRoundMs: number;
	/** The round was part of a head start (its calls count `headStartGuardMs` later). */
	headStart: boolean;
	roundsWorth: number;
	/** Tokens left after this round's starts, and their refill per ms (cap / window). */
	tokens: number;
	rate: number;
	/** Places the round found free in the sliding second, and the calls it started. */
	windowRoom: number;
	started: number;
	/** Calls still waiting in the lane's queues. */
	queued: number;
	/** Calls counted more than a sliding second ago and still unwritten (they count once written). */
	stale: number;
	window: SlidingWindow;
	cap: number;
	/** Calls of rounds whose reservation is under way, and places kept free for received messages. */
	reservedPending: number;
	inboundMargin: number;
	/** The WABA's rolling hour: what it has left now, its window, its budget and its reservations under way. */
	budgetRoom: number;
	budgetWindow: SlidingWindow;
	hourlyBudget: number;
	budgetReservedPending: number;
}

export function newPacerState(now: number, tokens: number): PacerState {
	return { tokens, tokensAt: now, headStartEndsAt: 0, idleBeforeRound: true };
}

/** The shortest round: through Redis a round costs a reservation's round trip, so longer. */
export function shortestRoundMs(throughRedis: boolean, timings: PacerTimings): number {
	return throughRedis ? timings.redisPumpIntervalMs : timings.pumpIntervalMs;
}

/** Rounds long enough to carry `callsPerRound` calls (a round's cost is per round: a wake-up, a reservation), never shorter than the floor. */
export function pumpIntervalMs(cap: number, throughRedis: boolean, timings: PacerTimings): number {
	const floor = shortestRoundMs(throughRedis, timings);
	const calls = throughRedis ? timings.redisCallsPerRound : timings.callsPerRound;
	const ceiling = throughRedis ? timings.redisMaxPumpIntervalMs : timings.maxPumpIntervalMs;
	const forBatch = (calls * timings.secondMs) / Math.max(1, cap);
	return Math.max(floor, Math.min(ceiling, forBatch));
}

/** Calls the cap allows in one round (fractional). */
export function roundsWorth(cap: number, intervalMs: number, timings: PacerTimings): number {
	return (cap * intervalMs) / timings.secondMs;
}

/**
 * Calls the pacer may start at once after a quiet spell: `burstShare` of a sliding second, at least two rounds' worth.
 * Only the two rounds while slowed down after 130429: Meta allows less than we thought, a head start would be refused.
 */
export function burst(cap: number, slowedDown: boolean, worth: number, timings: PacerTimings): number {
	const headStart = slowedDown ? 0 : Math.ceil(cap * timings.burstShare);
	return Math.max(1, Math.ceil(2 * worth), headStart);
}

/** Tokens at `now`: refilled at `rate` per ms since the last round, never above `burstSize`. */
export function refillTokens(state: PacerState, now: number, rate: number, burstSize: number): void {
	state.tokens = Math.min(burstSize, state.tokens + (now - state.tokensAt) * rate);
	state.tokensAt = now;
}

/**
 * Places kept free for messages Meta counted whose webhooks have not come yet: in proportion to those that came in the
 * sliding second (a webhook's delay varies; a steady delay is no harm, the window then just shifts).
 */
export function inboundMargin(received: number, lagMs: number, windowMs: number): number {
	return Math.ceil((received * lagMs) / windowMs);
}

/** Places free in the sliding second for this round: less those reserved, unwritten past their second, or kept for received messages. */
export function windowRoom(available: number, reservedPending: number, stale: number, inboundMargin: number): number {
	return available - reservedPending - stale - inboundMargin;
}

/** How many calls may start now: the fewest that any limit allows. */
export function roundAllowance(tokens: number, room: number, inFlightRoom: number, budgetRoom: number, timings: PacerTimings): number {
	return Math.min(Math.floor(tokens), room, inFlightRoom, budgetRoom, timings.maxCallsPerRound);
}

/**
 * `started` calls start now: they take their tokens. Returns how much later they count in the sliding second.
 * A head start goes out far faster than the rate, and a receiver stamps such a burst late (its backlog: 59–68 ms in the
 * simulator at 1,000 mps) while the token-paced calls after it come in on time: its calls count `headStartGuardMs`
 * later. It begins with the first round after the lane had nothing to send, if the tokens hold more than two rounds (a
 * steady stream near the rate has few; a window-bound lane refilling them is not idle), and ends when they fall to a
 * round's worth or after a second (counting the next second later too would push every later second back). So it
 * costs `headStartGuardMs` once per broadcast.
 */
export function startRound(state: PacerState, now: number, started: number, worth: number, timings: PacerTimings): number {
	if (state.idleBeforeRound && started > 0) {
		state.idleBeforeRound = false;
		if (state.tokens >= 2 * worth) state.headStartEndsAt = now + timings.secondMs;
	}
	const extraGuardMs = now < state.headStartEndsAt ? timings.headStartGuardMs : 0;
	if (started > 0) {
		state.tokens -= started;
		if (state.tokens < worth) state.headStartEndsAt = 0;
	}
	return extraGuardMs;
}

/**
 * Calls a round started but the shared second did not grant (another process took those places) give their tokens
 * back: they were not sent. Kept, a process whose rounds Redis cut short ran out of tokens while sharing the number,
 * and once alone sent at the tokens' refill (~970/s) with the sliding second half empty.
 */
export function returnTokens(state: PacerState, count: number, burstSize: number): void {
	state.tokens = Math.min(burstSize, state.tokens + count);
}

/** When the next round should run while calls wait: when the next constraint lifts (new calls and answers kick earlier rounds anyway). */
export function nextRoundAt(input: WakeInput, timings: PacerTimings): number {
	const { now, tokens } = input;
	let next = now + input.pumpIntervalMs;
	// A round cut by its own cap while the sliding second has room for more: the next follows at the shortest round.
	// Through Redis a round lasts 40 ms at 1,000 mps, so 80-call rounds held a process to 2,000/s (1,600 as measured):
	// fine while processes share the number, but the one left alone when its partner ends sent the freed places of
	// the last second slower than they freed (the two-process bench's tail: 480 ms against 340 for the same 1,000).
	// Not in a head start: its guard was measured for the rounds as they are (a faster burst is stamped later).
	if (!input.headStart && input.started >= timings.maxCallsPerRound && input.windowRoom - input.started > 0) next = now + input.shortestRoundMs;
	if (tokens < 1) next = Math.max(next, now + Math.ceil((1 - tokens) / input.rate));
	if (input.windowRoom - input.started <= 0) {
		// Window-bound: wake when a round's worth has expired, not a round later. Each wake that comes late delays every
		// later second's sends by as much (they replay the first second's shape), which costs throughput.
		const want = Math.max(1, Math.min(input.queued, Math.floor(tokens) || 1, Math.ceil(input.roundsWorth), timings.maxCallsPerRound));
		const held = input.reservedPending + input.inboundMargin;
		// Calls still unwritten after their second: look again a round later (they count once written).
		if (input.stale > 0) next = now + input.pumpIntervalMs;
		else {
			// But a place that frees never waits more than a round: the tail of a second (fewer than a round's worth before
			// its silence) would otherwise wait for the next second's first places, and every later second is full, so
			// those places are lost for the whole broadcast (one short second: ~19 of 10,000 calls in one more second).
			// Nor does it wait out that round when nothing more frees in it: a clump of places (the tail of a second, sent
			// in one round) is taken when its last place frees. Waiting the whole round, such a clump came back a round
			// late every second and drifted apart from the rest, into one more second at the end (two-process bench:
			// 21 calls 1,075 ms apart against the others' 1,040).
			const firstFree = input.window.nextAvailableAt(now, input.cap, held + 1);
			const roundEnd = firstFree + input.pumpIntervalMs;
			const wanted = input.window.nextAvailableAt(now, input.cap, held + want);
			next = wanted <= roundEnd ? wanted : Math.max(firstFree, input.window.lastLeavingBy(now, roundEnd) ?? roundEnd);
		}
	}
	if (input.budgetRoom <= 0) {
		next = Math.max(next, input.budgetWindow.nextAvailableAt(now, input.hourlyBudget, input.budgetReservedPending + 1));
	}
	return next;
}
