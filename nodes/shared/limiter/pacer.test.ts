/**
 * The pacer's decisions under a fake clock: per round, how many calls may start and when the next round runs. The
 * figures are those of the gate's defaults (settings.ts): 20 ms rounds of 20 calls (at most 50 ms; through Redis
 * 25–50 ms rounds of 40), a burst of a full second, a 60 ms head-start guard, at most 80 calls a round.
 */
import {
	burst,
	inboundMargin,
	newPacerState,
	nextRoundAt,
	pumpIntervalMs,
	refillTokens,
	roundAllowance,
	roundsWorth,
	startRound,
	windowRoom,
	type WakeInput,
} from './pacer';
import { DEFAULT_TIMINGS } from './settings';
import { SlidingWindow } from './slidingWindow';

const timings = DEFAULT_TIMINGS;
const T0 = 1_000_000;

test.each([
	// cap, through Redis, round length (ms)
	[1000, false, 20],
	[80, false, 50],
	[400, false, 50],
	[500, false, 40],
	[1000, true, 40],
	[2000, true, 25],
	[0, false, 50],
])('at a cap of %i a second (through Redis: %s) a round lasts %i ms', (cap, redis, expected) => {
	expect(pumpIntervalMs(cap, redis, timings)).toBe(expected);
});

test.each([
	// cap, slowed down, round length, burst
	[1000, false, 20, 1000],
	[1000, true, 20, 40],
	[80, false, 50, 80],
	[80, true, 50, 8],
	[1, true, 50, 1],
])('at a cap of %i (slowed down: %s, %i ms rounds) a quiet lane may start %i at once', (cap, slowed, interval, expected) => {
	expect(burst(cap, slowed, roundsWorth(cap, interval, timings), timings)).toBe(expected);
});

test('tokens refill at the window rate from the last round, up to the burst', () => {
	const state = newPacerState(T0, 0);
	refillTokens(state, T0 + 10, 100 / 1030, 100);
	expect(state.tokens).toBeCloseTo(1000 / 1030, 10);
	expect(state.tokensAt).toBe(T0 + 10);
	refillTokens(state, T0 + 60_000, 100 / 1030, 100);
	expect(state.tokens).toBe(100);
});

test.each([
	// tokens, window room, in-flight room, budget room, allowed
	[100, 50, 200, 1_800_000, 50],
	[3.9, 50, 200, 1_800_000, 3],
	[1000, 1000, 2000, 1_800_000, 80],
	[100, 50, 7, 1_800_000, 7],
	[100, 50, 200, 2, 2],
	[100, -3, 200, 1_800_000, -3],
	[0.5, 50, 200, 1_800_000, 0],
])('with %d tokens, %i places, %i in-flight room and %i left in the hour, %i may start', (tokens, room, inFlight, budget, expected) => {
	expect(roundAllowance(tokens, room, inFlight, budget, timings)).toBe(expected);
});

test('the window room leaves places for reservations under way, calls unwritten past their second and received messages', () => {
	expect(windowRoom(100, 10, 5, 3)).toBe(82);
	expect(windowRoom(0, 10, 0, 0)).toBe(-10);
});

test.each([
	// received in the second, kept free (150 ms of lag over a 1,030 ms second)
	[0, 0],
	[1, 1],
	[100, 15],
	[1000, 146],
])('with %i messages received in the sliding second, %i places are kept for webhooks still on their way', (received, expected) => {
	expect(inboundMargin(received, DEFAULT_TIMINGS.inboundLagMs, 1030)).toBe(expected);
});

describe('head start', () => {
	test('the first round after an idle spell with tokens for more than two rounds counts later for a second', () => {
		const state = newPacerState(T0, 1000);
		expect(startRound(state, T0, 80, 20, timings)).toBe(60);
		expect(state.idleBeforeRound).toBe(false);
		expect(state.tokens).toBe(920);
		expect(state.headStartEndsAt).toBe(T0 + 1000);
		expect(startRound(state, T0 + 999, 80, 20, timings)).toBe(60);
		expect(startRound(state, T0 + 1000, 80, 20, timings)).toBe(0);
	});

	test('ends as soon as the tokens fall below a round, and the next call after it counts plainly', () => {
		const state = newPacerState(T0, 100);
		expect(startRound(state, T0, 80, 20, timings)).toBe(60);
		expect(startRound(state, T0 + 20, 10, 20, timings)).toBe(60);
		expect(state.tokens).toBe(10);
		expect(state.headStartEndsAt).toBe(0);
		expect(startRound(state, T0 + 40, 1, 20, timings)).toBe(0);
	});

	test('a steady stream near the rate (tokens for less than two rounds) gets none', () => {
		const state = newPacerState(T0, 39);
		expect(startRound(state, T0, 20, 20, timings)).toBe(0);
		expect(state.headStartEndsAt).toBe(0);
	});

	test('a round that starts nothing neither begins one nor ends idleness', () => {
		const state = newPacerState(T0, 1000);
		expect(startRound(state, T0, 0, 20, timings)).toBe(0);
		expect(state.idleBeforeRound).toBe(true);
		expect(state.tokens).toBe(1000);
	});

	test('a lane that was busy since its last round gets none, whatever its tokens', () => {
		const state = newPacerState(T0, 1000);
		state.idleBeforeRound = false;
		expect(startRound(state, T0, 80, 20, timings)).toBe(0);
	});
});

describe('the next round', () => {
	function wake(overrides: Partial<WakeInput>): WakeInput {
		return {
			now: T0,
			pumpIntervalMs: 20,
			shortestRoundMs: 20,
			headStart: false,
			roundsWorth: 20,
			tokens: 500,
			rate: 1000 / 1030,
			windowRoom: 500,
			started: 80,
			queued: 1000,
			stale: 0,
			window: new SlidingWindow(1030, 1),
			cap: 1000,
			reservedPending: 0,
			inboundMargin: 0,
			budgetRoom: 1_800_000,
			budgetWindow: new SlidingWindow(3_601_000, 1000),
			hourlyBudget: 1_800_000,
			budgetReservedPending: 0,
			...overrides,
		};
	}

	test('with room left in every limit, runs a round later', () => {
		expect(nextRoundAt(wake({}), timings)).toBe(T0 + 20);
	});

	test('a round cut by its own cap (80 calls) with room left in the sliding second: the next follows at the shortest round', () => {
		// Through Redis at 1,000 mps: 40 ms rounds, 25 ms the shortest. The two-process bench's tail: the process left
		// alone sent the last second's freed places at 80 per ~50 ms, slower than they freed.
		const redis = { pumpIntervalMs: 40, shortestRoundMs: 25, roundsWorth: 40 };
		expect(nextRoundAt(wake({ ...redis, started: 80, windowRoom: 300 }), timings)).toBe(T0 + 25);
		// Fewer than the cap started: the round was not cut by it, a full round later.
		expect(nextRoundAt(wake({ ...redis, started: 60, windowRoom: 300 }), timings)).toBe(T0 + 40);
		// The cap and the window's room ended together: window-bound, not sooner.
		expect(nextRoundAt(wake({ ...redis, started: 80, windowRoom: 80 }), timings)).not.toBe(T0 + 25);
		// In a head start: the rounds its guard was measured for, a full round later.
		expect(nextRoundAt(wake({ ...redis, started: 80, windowRoom: 300, headStart: true }), timings)).toBe(T0 + 40);
		// Out of tokens: waits for one even so.
		expect(nextRoundAt(wake({ ...redis, started: 80, windowRoom: 300, tokens: 0.5, rate: 0.01 }), timings)).toBe(T0 + 50);
	});

	test('out of tokens, waits until one has refilled', () => {
		expect(nextRoundAt(wake({ tokens: 0.5, rate: 0.01 }), timings)).toBe(T0 + 50);
		expect(nextRoundAt(wake({ tokens: 0.9, rate: 0.01 }), timings)).toBe(T0 + 20);
	});

	test('window-bound, wakes when a round’s worth has left the sliding second, not a round later', () => {
		const window = new SlidingWindow(1030, 1);
		// A second's worth sent over the first 50 ms: 20 calls (a round's worth) leave the window 1,030 ms after the 1st ms.
		for (let ms = 0; ms < 50; ms++) window.record(T0 - 1000 + ms, 20);
		expect(nextRoundAt(wake({ window, windowRoom: 0, started: 0, tokens: 100 }), timings)).toBe(T0 - 1000 + 1 + 1030);
	});

	test('window-bound with fewer calls waiting, wakes as soon as those fit', () => {
		const window = new SlidingWindow(1030, 1);
		for (let ms = 0; ms < 50; ms++) window.record(T0 - 1000 + ms, 20);
		expect(nextRoundAt(wake({ window, windowRoom: 0, started: 0, queued: 1, cap: 1000 }), timings)).toBe(T0 - 1000 + 1 + 1030);
		// One place (1 queued): the first slot leaving frees 20; with 30 reserved and kept for received messages, 31 are needed.
		expect(nextRoundAt(wake({ window, windowRoom: 0, started: 0, queued: 1, reservedPending: 20, inboundMargin: 10 }), timings)).toBe(T0 - 1000 + 2 + 1030);
	});

	test('window-bound at the tail of a second: the last places (fewer than a round’s worth) are used as they free, not a round or a second later', () => {
		// The four-executions bench: a second's calls went in rounds; its last 19 left at one ms, then silence until the
		// next second. Waiting for a round's worth (20) waited for that next second: 19 places idle through the gap, and as
		// every later second is full, 19 calls of the broadcast went in an eleventh second (ratio 0.95 instead of 1.01).
		const window = new SlidingWindow(1030, 1);
		// The last 19 of the second before (they free at T0 − 1,000 + 1 + 1,030), then this second's 981, just sent.
		window.record(T0 - 1000, 19);
		window.record(T0 - 10, 981);
		const next = nextRoundAt(wake({ window, windowRoom: 0, started: 0, tokens: 1000 }), timings);
		// When the 19 free, not when this second's first calls do (T0 + 1,021), nor a round (20 ms) after: nothing else
		// frees in that round, and a clump waiting a round each second drifts a round later every second.
		expect(next).toBe(T0 + 31);
	});

	test('window-bound with a few places freeing over the next round: wakes when the last of them frees, not at the round’s end', () => {
		const window = new SlidingWindow(1030, 1);
		// 5 places free at T0 + 31, 5 more at T0 + 41, then none until T0 + 1,021.
		window.record(T0 - 1000, 5);
		window.record(T0 - 990, 5);
		window.record(T0 - 10, 990);
		expect(nextRoundAt(wake({ window, windowRoom: 0, started: 0, tokens: 1000 }), timings)).toBe(T0 + 41);
	});

	test('window-bound with places freeing steadily: still one wake-up per round’s worth, not one per place', () => {
		const window = new SlidingWindow(1030, 1);
		for (let ms = 0; ms < 1000; ms++) window.record(T0 - 1000 + ms, 1);
		// One place a ms from T0 + 31: 20 are free 19 ms later, sooner than a round after the first.
		expect(nextRoundAt(wake({ window, windowRoom: 0, started: 0, tokens: 1000 }), timings)).toBe(T0 - 1000 + 20 + 1030);
	});

	test('window-bound while calls from more than a second ago are still unwritten: looks again a round later', () => {
		expect(nextRoundAt(wake({ windowRoom: 10, started: 10, stale: 3 }), timings)).toBe(T0 + 20);
	});

	test('with the hour spent, waits until the first of its calls leaves the rolling hour', () => {
		const now = 10_000_000;
		const budgetWindow = new SlidingWindow(3_601_000, 1000);
		budgetWindow.record(now - 3_000_000, 10);
		// Its 1 s slot (7,000,000–7,001,000) leaves the hour (plus its 1 s guard) at 7,001,000 + 3,601,000.
		expect(nextRoundAt(wake({ now, budgetRoom: 0, budgetWindow, hourlyBudget: 10 }), timings)).toBe(10_602_000);
		// Calls of the hour still being reserved need their places too: none leaves before then.
		expect(nextRoundAt(wake({ now, budgetRoom: 0, budgetWindow, hourlyBudget: 10, budgetReservedPending: 5 }), timings)).toBe(10_602_000);
	});
});
