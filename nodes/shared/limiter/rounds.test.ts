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

describe('through Redis, unwritten calls keep their place in the shared second', () => {
	// Redis's clock runs 5 s ahead of this process's: moves are in Redis time.
	function sharedRound(localAt: number, calls: number): Round {
		return { countedAt: localAt, calls, written: 0, settled: 0, shared: { redisNow: localAt + 5000, localAt, at: localAt } };
	}

	test('once counted `ageMs` ago, each unwritten call moves to now, and is next due `ageMs` later', () => {
		const rounds = new UnwrittenRounds();
		const first = sharedRound(1000, 5);
		rounds.add(first);
		first.written = 2;
		rounds.progressed(first);
		expect(rounds.nextKeepAliveAt(500)).toBe(1500);
		expect(rounds.keepAlive(1499, 500)).toEqual([]);
		expect(rounds.keepAlive(1600, 500)).toEqual([
			[6000, 6600],
			[6000, 6600],
			[6000, 6600],
		]);
		expect(rounds.nextKeepAliveAt(500)).toBe(2100);
		expect(rounds.keepAlive(1700, 500)).toEqual([]);
		// One failed before its write: two are left to move, from where they were kept alive.
		first.settled = 3;
		rounds.progressed(first);
		expect(rounds.keepAlive(2100, 500)).toEqual([
			[6600, 7100],
			[6600, 7100],
		]);
	});

	test('rounds are kept alive each on its own time, the oldest first', () => {
		const rounds = new UnwrittenRounds();
		rounds.add(sharedRound(1000, 1));
		rounds.add(sharedRound(1200, 2));
		expect(rounds.keepAlive(1500, 500)).toEqual([[6000, 6500]]);
		expect(rounds.nextKeepAliveAt(500)).toBe(1700);
		expect(rounds.keepAlive(1700, 500)).toEqual([
			[6200, 6700],
			[6200, 6700],
		]);
	});

	test('a round counted only in this process, or all written, is never kept alive', () => {
		const rounds = new UnwrittenRounds();
		rounds.add(round(0, 5));
		const written = sharedRound(0, 2);
		rounds.add(written);
		written.written = 2;
		rounds.progressed(written);
		expect(rounds.nextKeepAliveAt(500)).toBeUndefined();
		expect(rounds.keepAlive(5000, 500)).toEqual([]);
	});
});
