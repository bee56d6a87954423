/** The gate's Redis store with nothing behind it, for tests that call its scripts directly. */
import { resolveRedisTarget } from '../../redis';
import { RedisStore } from '../redis';
import { DEFAULT_TIMINGS } from '../settings';

/** A store on `url` whose transport is never used (reservations, moves and pauses only). */
export function bareStore(url: string): RedisStore {
	return new RedisStore(resolveRedisTarget(url, {})!, { timings: DEFAULT_TIMINGS, transport: async () => Promise.reject(new Error('unused')), random: Math.random, warn: () => undefined });
}
