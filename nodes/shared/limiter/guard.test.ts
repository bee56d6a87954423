/** The pace guard under a fake clock: times are plain numbers passed in. */
import { PaceGuard, type PaceGuardTimings } from './guard';

const TIMINGS: PaceGuardTimings = { guardStepMs: 25, guardMaxMs: 500, guardHoldMs: 5000, guardHoldMaxMs: 60_000, guardNarrowShare: 0.1, secondMs: 1000 };

describe('pace guard', () => {
	test('no margin until a 130429; then the first widening, doubled by one for a call paced under it', () => {
		const guard = new PaceGuard(TIMINGS);
		expect(guard.marginMs(0)).toBe(0);
		expect(guard.capAt(1000, 0)).toBe(1000);
		guard.throttled(1000, 900, 1000);
		expect(guard.marginMs(1000)).toBe(25);
		expect(guard.capAt(1000, 1000)).toBe(975);
		guard.throttled(2000, 1500, 1000);
		expect(guard.marginMs(2000)).toBe(50);
		expect(guard.capAt(80, 2000)).toBe(76);
	});

	test('130429s for calls that left before the last widening add their calls\' share to it, not another doubling', () => {
		// At 1,000 msg/s a call's share is 1 ms: three 130429s stay within the first step.
		const fast = new PaceGuard(TIMINGS);
		fast.throttled(1000, 900, 1000);
		fast.throttled(1200, 950, 1000);
		fast.throttled(1300, 999, 1000);
		expect(fast.marginMs(1300)).toBe(25);
		// At 80 msg/s it is 12.5 ms: three calls too many in a second need 37.5 ms more.
		const slow = new PaceGuard(TIMINGS);
		slow.throttled(1000, 900, 80);
		slow.throttled(1200, 950, 80);
		expect(slow.marginMs(1200)).toBe(25);
		slow.throttled(1300, 999, 80);
		expect(slow.marginMs(1300)).toBe(37.5);
		// 60 too many at 1,000 msg/s (a burst the receiver stamped late): 60 ms in one round trip.
		const burst = new PaceGuard(TIMINGS);
		for (let index = 0; index < 60; index++) burst.throttled(2000 + index, 1500 + index, 1000);
		expect(burst.marginMs(2100)).toBe(60);
		// A 130429 for a call paced under that margin doubles it.
		burst.throttled(3000, 2500, 1000);
		expect(burst.marginMs(3000)).toBe(120);
	});

	test('widening stops at the most the guard may take', () => {
		const guard = new PaceGuard(TIMINGS);
		for (let at = 1000; at < 20_000; at += 1000) guard.throttled(at, at, 1000);
		expect(guard.marginMs(20_000)).toBe(500);
		expect(guard.capAt(1000, 20_000)).toBe(666);
	});

	test('the margin holds, then narrows by a tenth a second down to none, never below', () => {
		const guard = new PaceGuard(TIMINGS);
		guard.throttled(0, 0, 1000);
		guard.throttled(100, 100, 1000);
		guard.throttled(200, 200, 1000);
		expect(guard.marginMs(200)).toBe(100);
		expect(guard.marginMs(5200)).toBe(100);
		expect(guard.marginMs(6200)).toBeCloseTo(90, 6);
		expect(guard.marginMs(7200)).toBeCloseTo(81, 6);
		let previous = guard.marginMs(7200);
		for (let at = 8200; at <= 60_000; at += 1000) {
			const margin = guard.marginMs(at);
			expect(margin).toBeLessThanOrEqual(previous);
			expect(margin).toBeGreaterThanOrEqual(0);
			previous = margin;
		}
		expect(guard.marginMs(60_000)).toBe(0);
		expect(guard.capAt(1000, 60_000)).toBe(1000);
	});

	test('the narrowing is the same however often it is read', () => {
		const often = new PaceGuard(TIMINGS);
		const once = new PaceGuard(TIMINGS);
		often.throttled(0, 0, 1000);
		once.throttled(0, 0, 1000);
		for (let at = 0; at <= 9000; at += 7) often.marginMs(at);
		expect(often.marginMs(9000)).toBeCloseTo(once.marginMs(9000), 6);
	});

	test('a 130429 after a narrowing doubles the next hold, so the margin is probed less and less often (no sawtooth)', () => {
		const guard = new PaceGuard(TIMINGS);
		guard.throttled(0, 0, 1000);
		guard.throttled(100, 100, 1000);
		// Hold 5 s, then narrowing: at 7.1 s the margin is 50 × 0.9² = 40.5.
		expect(guard.marginMs(7100)).toBeCloseTo(40.5, 6);
		guard.throttled(7100, 7000, 1000);
		expect(guard.marginMs(7100)).toBeCloseTo(81, 6);
		// The hold is now 10 s: still 81 at 17.1 s, narrowing after.
		expect(guard.marginMs(17_100)).toBeCloseTo(81, 6);
		expect(guard.marginMs(18_100)).toBeCloseTo(72.9, 6);
		guard.throttled(18_100, 18_000, 1000);
		// 20 s hold next.
		expect(guard.marginMs(38_100)).toBeCloseTo(145.8, 6);
		expect(guard.marginMs(39_100)).toBeLessThan(145.8);
	});

	test('a widening right after another (no narrowing between) keeps the hold it had', () => {
		const guard = new PaceGuard(TIMINGS);
		guard.throttled(0, 0, 1000);
		guard.throttled(1000, 1000, 1000);
		expect(guard.marginMs(6000)).toBe(50);
		expect(guard.marginMs(7000)).toBeCloseTo(45, 6);
	});

	test('once the margin is gone, the next trouble starts from the first hold again', () => {
		const guard = new PaceGuard(TIMINGS);
		guard.throttled(0, 0, 1000);
		guard.marginMs(3000);
		guard.throttled(7000, 7000, 1000);
		guard.throttled(7100, 7100, 1000);
		// The second hold was doubled (10 s); after it the margin narrows to nothing.
		expect(guard.marginMs(200_000)).toBe(0);
		guard.throttled(200_000, 200_000, 1000);
		expect(guard.marginMs(205_000)).toBe(25);
		expect(guard.marginMs(206_000)).toBeCloseTo(22.5, 6);
	});
});
