/**
 * Through Redis, a round the shared second has no room for is asked again when Redis says a round's worth fits, not at
 * every round: with two workers on one number, polling for each freed slot made ~45 % of reservations grant nothing
 * (each a round trip). A stand-in for the Redis store records the reservations; no Redis or HTTP needed. Under jest's
 * fake clock.
 */
import Bottleneck from 'bottleneck';
import { WabaBudget } from './budget';
import { NumberLane, type GateEnvironment, type PendingCall } from './gate';
import type { SharedStore } from './store';
import { DEFAULT_TIMINGS, readGateSettings } from './settings';
import type { GraphResponse } from '../transport/types';

afterEach(() => {
	jest.useRealTimers();
});

test("after a refused reservation, the lane waits until Redis said a round's worth fits", async () => {
	jest.useFakeTimers({ now: 1_000_000 });
	const reservations: Array<{ at: number; requested: number; wanted?: number }> = [];
	const limiter = new Bottleneck({ maxConcurrent: 1_000_000 });
	const store: SharedStore = {
		usable: () => true,
		connecting: () => false,
		forget: () => undefined,
		limiterFor: () => limiter,
		answers: async () => true,
		// The first two reservations find the shared second full; a round's worth fits 300 ms later.
		reserve: async (request) => {
			reservations.push({ at: Date.now(), requested: request.requested, wanted: request.wanted });
			return { granted: reservations.length <= 2 ? 0 : request.requested, retryInMs: 300, redisNow: Date.now(), paused: false };
		},
		pauseWaba: async () => undefined,
		moveLate: async () => undefined,
		recordInbound: async () => undefined,
	};
	const env: GateEnvironment = {
		timings: { ...DEFAULT_TIMINGS },
		transport: async <T>() => ({ status: 200, data: {} as T, usage: {} }) as GraphResponse<T>,
		random: Math.random,
		warn: () => undefined,
	};
	const credentials = { accessToken: 'EAAGstub', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9', customMessagesPerSecond: 80, throughputTier: 'custom' as const };
	const settings = readGateSettings(credentials);
	const lane = new NumberLane('n', '399999999999992', new WabaBudget('w', undefined, settings, env), settings, env, store);
	try {
		const send = (i: number) =>
			new Promise<GraphResponse<unknown>>((resolve, reject) => {
				const call: PendingCall = { credentials, request: { method: 'POST', path: '/x' }, recipient: `1650555${i}`, settings, resolve, reject, attempts: 0, firstQueuedAt: Date.now(), started: false, seq: 0 };
				lane.enqueue(call);
			});
		const sent = Array.from({ length: 10 }, (_, i) => send(i));
		// A call arriving during the wait wakes the lane, which still does not ask before Redis said.
		await jest.advanceTimersByTimeAsync(100);
		sent.push(send(10));
		await jest.advanceTimersByTimeAsync(2000);
		await Promise.all(sent);
		expect(reservations).toHaveLength(3);
		// Each refused round waited the 300 ms Redis gave (rounds are 50 ms apart at 80 msg/s through Redis).
		expect(reservations[1].at - reservations[0].at).toBeGreaterThanOrEqual(290);
		expect(reservations[2].at - reservations[1].at).toBeGreaterThanOrEqual(290);
		// It asked for the wait until a round's worth fits: 80 msg/s × 50 ms.
		expect(reservations[0].wanted).toBe(4);
	} finally {
		lane.release();
		await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
	}
});
