/** The share of a number a process took through Redis, as its cap while Redis is lost: pure, its clock passed in. */
import { LocalShare } from './localShare';

const share = () => new LocalShare({ timings: { localShareMs: 60_000 } }, 1030);

/** The cap's factor once a round went local at `now` (the outage began at the first such round). */
function localAt(told: LocalShare, now: number): number {
	told.lost(now);
	return told.factor(now);
}

/** A share told `own` of `total` calls (cap 100) by a reservation every 40 ms for the first second. */
function sharedFor(own: number, total: number): LocalShare {
	const told = share();
	for (let t = 0; t < 1000; t += 40) told.learn(t, own, total, 100);
	return told;
}

test('a process that never shared, or shares now, keeps the whole rate', () => {
	const never = share();
	expect(localAt(never, 1000)).toBe(1);
	const sharing = sharedFor(50, 100);
	expect(sharing.factor(1000)).toBe(1);
});

test("Redis lost: the cap is the share of the shared sliding second this process held at its last reservation", () => {
	const half = sharedFor(50, 100);
	expect(localAt(half, 1000)).toBeCloseTo(0.5, 2);
	// Both counts are over a second already: the last one says it (one reservation after a head start is enough).
	const once = share();
	once.learn(0, 80, 160, 100);
	expect(localAt(once, 40)).toBeCloseTo(0.5, 2);
	// The other process stopped: its calls leave the second, and this one's share grows with the counts.
	once.learn(500, 100, 130, 100);
	expect(localAt(once, 540)).toBeCloseTo(100 / 130, 2);
	// Alone on the number through Redis: the whole rate when it is lost.
	const alone = sharedFor(100, 100);
	expect(localAt(alone, 1000)).toBeCloseTo(1, 2);
});

test('a nearly empty shared second tells nothing (a broadcast starting or ending)', () => {
	const s = sharedFor(1, 20);
	expect(localAt(s, 1000)).toBe(1);
});

test('the share holds for at most localShareMs of an outage, and not at all when learned long before it', () => {
	const s = sharedFor(50, 100);
	expect(localAt(s, 2000)).toBeCloseTo(0.5, 2);
	expect(localAt(s, 61_999)).toBeCloseTo(0.5, 2);
	expect(localAt(s, 62_000)).toBe(1);
	// Shared again, then lost again: a new outage, the share again.
	s.learn(70_000, 50, 100, 100);
	expect(localAt(s, 70_100)).toBeCloseTo(0.5, 2);
	// Learned a minute before the outage: the others may be gone.
	const stale = sharedFor(50, 100);
	expect(localAt(stale, 61_000)).toBe(1);
});

test('Redis answers again: the share holds for one sliding second more (the outage calls are in no other count yet), then the whole rate', () => {
	const s = sharedFor(50, 100);
	expect(localAt(s, 2000)).toBeCloseTo(0.5, 2);
	// The first reservation after the outage (Redis empty after a restart: it tells little).
	s.learn(5000, 50, 60, 100);
	expect(s.factor(5000)).toBeCloseTo(0.5, 2);
	expect(s.factor(6029)).toBeCloseTo(0.5, 2);
	expect(s.factor(6030)).toBe(1);
	// An outage on the whole rate (learned long before): nothing to keep after it.
	const stale = sharedFor(50, 100);
	expect(localAt(stale, 61_000)).toBe(1);
	stale.learn(62_000, 50, 100, 100);
	expect(stale.factor(62_000)).toBe(1);
});
