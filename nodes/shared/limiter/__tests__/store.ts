/** The gate's Redis store with nothing behind it, for tests that call its scripts directly. */
import { resolveRedisTarget } from '../../redis';
import { RedisStore } from '../redis';
import { DEFAULT_TIMINGS } from '../settings';

/** A store on `url` whose transport is never used (reservations, moves and pauses only). */
export function bareStore(url: string): RedisStore {
	return new RedisStore(resolveRedisTarget(url, {})!, { timings: DEFAULT_TIMINGS, transport: async () => Promise.reject(new Error('unused')), random: Math.random, warn: () => undefined });
}

/** Reservations of `requested` calls on one number of cap 10 (the WABA's hour never binds): the scripts' own tests. */
export function reserverOn(store: RedisStore, numberKey: string, wabaKey: string, numberWindowMs: number) {
	return (requested: number, wanted?: number, afterFirstMs?: number) =>
		store.reserve({ numberKey, wabaKey, requested, numberCap: 10, numberWindowMs, budgetCap: 1_000_000, budgetWindowMs: 3_600_000, budgetSlotMs: 1000, wanted, afterFirstMs });
}
