import { secondShape } from '../../bench/stats';

/** Times (ms) of `seconds` windows of `perWindow` calls each, every window starting `cycleMs` after the last, its calls `spacingMs` apart. */
function cycles(seconds: number, perWindow: number, cycleMs: number, spacingMs: number): number[] {
	return Array.from({ length: seconds * perWindow }, (_, i) => Math.floor(i / perWindow) * cycleMs + (i % perWindow) * spacingMs);
}

describe('secondShape (the limiter bench: which shape a run had, and its rate after the first second)', () => {
	it('gives the same sustained rate to a burst per window and to calls spread over the window', () => {
		// 10 windows of 100 calls, one every 1,040 ms: sent in 250 ms (a head start replayed) or spread over 1,030 ms.
		const burst = secondShape(cycles(10, 100, 1040, 2.5), 100);
		const spread = secondShape(cycles(10, 100, 1040, 10.3), 100);
		expect(burst.first_second_ms).toBeCloseTo(247.5);
		expect(spread.first_second_ms).toBeCloseTo(1019.7);
		// 900 calls after the first 100: from the 100th to the last, 9 cycles (the burst's last call is as early in its window as its first window's).
		expect(burst.sustained_ratio).toBeCloseTo(900 / 9.36 / 100, 2);
		expect(spread.sustained_ratio).toBeCloseTo(900 / 9.36 / 100, 2);
	});

	it('says nothing for a run shorter than two seconds of calls', () => {
		expect(secondShape(cycles(1, 100, 1000, 1), 100)).toEqual({ sustained_ratio: null, first_second_ms: null });
	});

	it('reads unordered times', () => {
		const times = cycles(3, 10, 1000, 10);
		expect(secondShape([...times].reverse(), 10)).toEqual(secondShape(times, 10));
	});
});
