/**
 * The management cache under a hand-moved clock: what it keeps, for how long, who reads, and what the shared store
 * (the gate's Redis in production; an in-memory stand-in on the same clock here) changes.
 */
import type { SharedEntries } from '../limiter';
import { ManagementCache, MANAGEMENT_CACHE_TTL_MS } from './managementCache';

function fakeClock(start = 1_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Another process's view of Redis: entries with an expiry on the same clock. */
function sharedStore(now: () => number): SharedEntries & { texts: Map<string, { value: string; expiresAt: number }> } {
	const texts = new Map<string, { value: string; expiresAt: number }>();
	return {
		texts,
		async get(key) {
			const entry = texts.get(key);
			return entry && entry.expiresAt > now() ? { value: entry.value, ttlMs: entry.expiresAt - now() } : undefined;
		},
		async set(key, value, ttlMs) {
			texts.set(key, { value, expiresAt: now() + ttlMs });
		},
		async delete(key) {
			texts.delete(key);
		},
	};
}

/** A read that counts its calls and answers with the count. */
function counter() {
	const state = { reads: 0 };
	return { state, load: async () => ({ read: ++state.reads }) };
}

it('keeps an answer for five minutes, then reads again', async () => {
	const clock = fakeClock();
	const cache = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now);
	const { state, load } = counter();
	expect(await cache.read('t', load)).toEqual({ read: 1 });
	clock.advance(MANAGEMENT_CACHE_TTL_MS - 1);
	expect(await cache.read('t', load)).toEqual({ read: 1 });
	clock.advance(1);
	expect(await cache.read('t', load)).toEqual({ read: 2 });
	expect(state.reads).toBe(2);
});

it('makes one read for every caller asking while it is under way', async () => {
	const cache = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, fakeClock().now);
	let release: () => void = () => undefined;
	let reads = 0;
	const load = () =>
		new Promise<string>((resolve) => {
			reads++;
			release = () => resolve('definition');
		});
	const answers = Array.from({ length: 1000 }, () => cache.read('t', load));
	while (reads === 0) await Promise.resolve();
	release();
	expect(new Set(await Promise.all(answers))).toEqual(new Set(['definition']));
	expect(reads).toBe(1);
});

it('keeps no failure: the next caller reads again', async () => {
	const cache = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, fakeClock().now);
	await expect(cache.read('t', async () => Promise.reject(new Error('80007')))).rejects.toThrow('80007');
	expect(await cache.read('t', async () => 'fine')).toBe('fine');
});

it('reads afresh on refresh and keeps that answer for the readers after it', async () => {
	const cache = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, fakeClock().now);
	const { state, load } = counter();
	await cache.read('t', load);
	expect(await cache.refresh('t', load)).toEqual({ read: 2 });
	expect(await cache.read('t', load)).toEqual({ read: 2 });
	expect(state.reads).toBe(2);
});

it('reads again after forget', async () => {
	const cache = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, fakeClock().now);
	const { load } = counter();
	await cache.read('t', load);
	await cache.forget('t');
	expect(await cache.read('t', load)).toEqual({ read: 2 });
});

it('keys are apart: another template or WABA is read on its own', async () => {
	const cache = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, fakeClock().now);
	const { state, load } = counter();
	await cache.read('waba-1|hello', load);
	await cache.read('waba-2|hello', load);
	await cache.read('waba-1|bye', load);
	expect(state.reads).toBe(3);
});

it('holds at most its bound, dropping the oldest first', async () => {
	const cache = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, fakeClock().now, 2);
	const { state, load } = counter();
	for (const key of ['a', 'b', 'c']) await cache.read(key, load);
	expect(cache.size).toBe(2);
	await cache.read('c', load);
	await cache.read('a', load);
	expect(state.reads).toBe(4);
});

describe('through a shared store (another process)', () => {
	it('an answer one process read is used by another without a read of its own', async () => {
		const clock = fakeClock();
		const shared = sharedStore(clock.now);
		const { state, load } = counter();
		await new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now).read('t', load, shared);
		expect(await new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now).read('t', load, shared)).toEqual({ read: 1 });
		expect(state.reads).toBe(1);
	});

	it('another process keeps a shared answer only for what is left of its life', async () => {
		const clock = fakeClock();
		const shared = sharedStore(clock.now);
		const { state, load } = counter();
		await new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now).read('t', load, shared);
		clock.advance(4 * 60_000);
		const other = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now);
		await other.read('t', load, shared);
		clock.advance(60_000);
		expect(await other.read('t', load, shared)).toEqual({ read: 2 });
		expect(state.reads).toBe(2);
	});

	it('a refresh or a forget in one process reaches the others through the store', async () => {
		const clock = fakeClock();
		const shared = sharedStore(clock.now);
		const { state, load } = counter();
		await new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now).refresh('t', load, shared);
		expect(await new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now).read('t', load, shared)).toEqual({ read: 1 });
		await new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now).forget('t', shared);
		expect(shared.texts.size).toBe(0);
		expect(await new ManagementCache(MANAGEMENT_CACHE_TTL_MS, clock.now).read('t', load, shared)).toEqual({ read: 2 });
		expect(state.reads).toBe(2);
	});

	it('a store that fails is read around: the answer comes from Meta', async () => {
		const broken: SharedEntries = {
			get: async () => Promise.reject(new Error('redis down')),
			set: async () => Promise.reject(new Error('redis down')),
			delete: async () => Promise.reject(new Error('redis down')),
		};
		const cache = new ManagementCache(MANAGEMENT_CACHE_TTL_MS, fakeClock().now);
		expect(await cache.read('t', async () => 'from Meta', broken)).toBe('from Meta');
		await expect(cache.forget('t', broken)).resolves.toBeUndefined();
	});
});
