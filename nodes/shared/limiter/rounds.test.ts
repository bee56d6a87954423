/** Rounds with unwritten calls, under a fake clock: what still takes a place once the sliding second no longer holds it. */
import { UnwrittenRounds, type Round } from './rounds';

function round(countedAt: number, calls: number): Round {
	return { countedAt, calls, written: 0, settled: 0 };
}

test('calls counted within the window are the window’s: none counts outside it', () => {
	const rounds = new UnwrittenRounds();
	rounds.add(round(1000, 5));
	expect(rounds.outside(1999, 1000)).toBe(0);
	expect(rounds.outside(2000, 1000)).toBe(5);
});

test('a call written, or settled without a write, no longer counts; the larger of the two bounds the rest', () => {
	const rounds = new UnwrittenRounds();
	const first = round(0, 5);
	rounds.add(first);
	first.written = 2;
	rounds.progressed(first);
	expect(rounds.outside(5000, 1000)).toBe(3);
	// Settled after their write: no double count.
	first.settled = 2;
	rounds.progressed(first);
	expect(rounds.outside(5000, 1000)).toBe(3);
	// One more failed before its request was written.
	first.settled = 3;
	rounds.progressed(first);
	expect(rounds.outside(5000, 1000)).toBe(2);
});

test('a round whose calls are all written is dropped, while later rounds still count', () => {
	const rounds = new UnwrittenRounds();
	const first = round(0, 2);
	const second = round(100, 3);
	rounds.add(first);
	rounds.add(second);
	first.written = 2;
	rounds.progressed(first);
	expect(rounds.outside(5000, 1000)).toBe(3);
	second.settled = 3;
	rounds.progressed(second);
	expect(rounds.outside(5000, 1000)).toBe(0);
});
