/**
 * The pair rate per recipient under a fake clock: a burst, then one message per interval, refilled a little slower
 * than Meta's (131056: https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/).
 */
import { PairRate } from './pairRate';
import { DEFAULT_TIMINGS } from './settings';

// Burst 2, then one per 1,000 ms at Meta: ours refills one per 1,000 × 1.05 + 25 = 1,075 ms.
const env = { timings: { ...DEFAULT_TIMINGS, pairBurst: 2, pairIntervalMs: 1000 } };

test('a new recipient may take a full burst at once, then waits one (slightly slower) interval per message', () => {
	const pairs = new PairRate<string>(env);
	const state = pairs.state('+1', 0);
	expect(pairs.readyAt(state, 0)).toBe(0);
	state.tokens -= 2;
	expect(pairs.readyAt(state, 0)).toBe(1075);
	expect(pairs.readyAt(state, 1075)).toBe(1075);
	state.tokens -= 1;
	expect(pairs.readyAt(state, 1075)).toBe(2150);
});

test('a refill never holds more than the burst', () => {
	const pairs = new PairRate<string>(env);
	const state = pairs.state('+1', 0);
	state.tokens = 0;
	pairs.refill(state, 1_000_000);
	expect(state.tokens).toBe(2);
	expect(state.updatedAt).toBe(1_000_000);
});

test('a blocked recipient (after a 131056) is ready only when its block ends, whatever its tokens', () => {
	const pairs = new PairRate<string>(env);
	const state = pairs.state('+1', 0);
	state.blockedUntil = 5000;
	expect(pairs.readyAt(state, 100)).toBe(5000);
});

test('the same recipient keeps one state; a new one starts full at its first call', () => {
	const pairs = new PairRate<string>(env);
	const first = pairs.state('+1', 0);
	first.tokens = 0;
	expect(pairs.state('+1', 500)).toBe(first);
	expect(pairs.get('+2')).toBeUndefined();
	expect(pairs.state('+2', 500).tokens).toBe(2);
});

test('the sweep drops only recipients with a full bucket and nothing parked, blocked, waking or under way', () => {
	const pairs = new PairRate<string>(env);
	pairs.state('full', 0);
	pairs.state('emptied', 0).tokens = 0;
	pairs.state('parked', 0).parked.push('call');
	pairs.state('blocked', 0).blockedUntil = 10_000;
	pairs.state('waking', 0).wakeAt = 3000;
	pairs.state('underWay', 0).inFlight = 1;
	pairs.sweep(1000);
	expect([...pairs.recipients.keys()].sort()).toEqual(['blocked', 'emptied', 'parked', 'underWay', 'waking']);
	// Two intervals later the emptied bucket is full again.
	pairs.sweep(2 * 1075);
	expect(pairs.get('emptied')).toBeUndefined();
});

test('the interval follows the timings the gate holds now (tests and benches swap them)', () => {
	const holder = { timings: { ...env.timings } };
	const pairs = new PairRate<string>(holder);
	holder.timings = { ...env.timings, pairIntervalMs: 100 };
	expect(pairs.intervalMs).toBe(130);
});

test('a call taken and given back leaves the bucket and the calls under way as they were', () => {
	const pairs = new PairRate<string>(env);
	const state = pairs.state('+1', 0);
	pairs.take(state);
	expect(state).toMatchObject({ tokens: 1, inFlight: 1 });
	pairs.giveBack(state);
	expect(state).toMatchObject({ tokens: 2, inFlight: 0 });
	pairs.take(state);
	pairs.done(state);
	pairs.done(state);
	expect(state).toMatchObject({ tokens: 1, inFlight: 0 });
});

test("a new call waits behind its recipient's parked calls, and after a 131056 behind the one under way; a resumed one does not", () => {
	const pairs = new PairRate<string>(env);
	const state = pairs.state('+1', 0);
	expect(pairs.waitsBehind(state, false)).toBe(false);
	state.parked.push('earlier');
	expect(pairs.waitsBehind(state, false)).toBe(true);
	expect(pairs.waitsBehind(state, true)).toBe(false);
	state.parked.shift();
	pairs.take(state);
	expect(pairs.waitsBehind(state, false)).toBe(false);
	state.strikes = 1;
	expect(pairs.holdsNext(state)).toBe(true);
	expect(pairs.waitsBehind(state, false)).toBe(true);
	pairs.done(state);
	expect(pairs.holdsNext(state)).toBe(false);
});

test("a call that went another way (a credential's probe) takes a token from the recipient's refilled bucket", () => {
	const pairs = new PairRate<string>(env);
	pairs.state('+1', 0).tokens = 0;
	pairs.countStart('+1', 1075);
	expect(pairs.get('+1')?.tokens).toBeCloseTo(0, 10);
	pairs.countStart('+2', 0);
	expect(pairs.get('+2')?.tokens).toBe(1);
});
