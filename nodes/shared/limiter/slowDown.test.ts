/**
 * The slow-down after 130429 under a fake clock, with the gate's defaults: one call per second off per throttle, at
 * most half the cap lost within a second, never below 5 %, and back by 5 % per quiet second.
 */
import { DEFAULT_TIMINGS } from './settings';
import { SlowDown } from './slowDown';

const env = { timings: DEFAULT_TIMINGS };

test('each throttle takes one call per second off the rate', () => {
	const slowDown = new SlowDown(env);
	slowDown.throttled(1000, 100);
	slowDown.throttled(1001, 100);
	expect(slowDown.factor).toBeCloseTo(0.98, 10);
	expect(slowDown.lastThrottledAt).toBe(1001);
});

test('within one second the cap loses at most half of itself, however many throttles come', () => {
	const slowDown = new SlowDown(env);
	for (let i = 0; i < 50; i++) slowDown.throttled(1000 + i, 10);
	expect(slowDown.factor).toBe(0.5);
	// The next second may halve it again.
	for (let i = 0; i < 50; i++) slowDown.throttled(2000 + i, 10);
	expect(slowDown.factor).toBe(0.25);
});

test('never falls below the floor', () => {
	const slowDown = new SlowDown(env);
	for (let second = 0; second < 10; second++) for (let i = 0; i < 10; i++) slowDown.throttled(1000 * (second + 1) + i, 1);
	expect(slowDown.factor).toBe(0.05);
});

test('recovers additively per quiet interval after the last throttle, up to the full rate', () => {
	const slowDown = new SlowDown(env);
	for (let i = 0; i < 10; i++) slowDown.throttled(1000, 10);
	expect(slowDown.factor).toBe(0.5);
	slowDown.recover(1999);
	expect(slowDown.factor).toBe(0.5);
	slowDown.recover(3000);
	expect(slowDown.factor).toBeCloseTo(0.6, 10);
	// Partial intervals carry over: 3,500 then 4,000 make one more step, not none.
	slowDown.recover(3500);
	slowDown.recover(4000);
	expect(slowDown.factor).toBeCloseTo(0.65, 10);
	slowDown.recover(60_000);
	expect(slowDown.factor).toBe(1);
});

test('a new throttle restarts the recovery clock', () => {
	const slowDown = new SlowDown(env);
	slowDown.throttled(1000, 10);
	slowDown.throttled(1900, 10);
	slowDown.recover(2500);
	expect(slowDown.factor).toBeCloseTo(0.8, 10);
	slowDown.recover(2900);
	expect(slowDown.factor).toBeCloseTo(0.85, 10);
});
