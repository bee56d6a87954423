/**
 * Through Redis, calls a round started but the shared second did not grant (another process held those places) give
 * their tokens back. Kept, the two-process bench's processes ran out of tokens while sharing the number, and the one
 * left alone at the end sent at the tokens' refill (~970/s) with the sliding second half empty. A stand-in for the
 * Redis store answers the reservations; no Redis or HTTP needed. Under jest's fake clock.
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

test('a process whose rounds the shared second refused sends at the full rate once the number is its own', async () => {
	jest.useFakeTimers({ now: 1_000_000 });
	const limiter = new Bottleneck({ maxConcurrent: 1_000_000 });
	let partnerUntil = Date.now() + 1000;
	let refused = 0;
	const store: SharedStore = {
		usable: () => true,
		connecting: () => false,
		forget: () => undefined,
		limiterFor: () => limiter,
		answers: async () => true,
		// For a second another process holds every place of the number's second; then it has ended.
		reserve: async (request) => {
			const partner = Date.now() < partnerUntil;
			if (partner) refused += request.requested;
			return { granted: partner ? 0 : request.requested, retryInMs: partner ? 25 : 0, redisNow: Date.now(), paused: false };
		},
		pauseWaba: async () => undefined,
		moveLate: async () => undefined,
		recordInbound: async () => undefined,
	};
	const started: number[] = [];
	const env: GateEnvironment = {
		timings: { ...DEFAULT_TIMINGS },
		transport: async <T>() => {
			started.push(Date.now());
			return { status: 200, data: {} as T, usage: {} } as GraphResponse<T>;
		},
		random: Math.random,
		warn: () => undefined,
	};
	const credentials = { accessToken: 'EAAGstub', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9', customMessagesPerSecond: 1000, throughputTier: 'custom' as const };
	const settings = readGateSettings(credentials);
	const lane = new NumberLane('n', '399999999999992', new WabaBudget('w', undefined, settings, env), settings, env, store);
	try {
		const sent = Array.from(
			{ length: 2000 },
			(_, i) =>
				new Promise<GraphResponse<unknown>>((resolve, reject) => {
					const call: PendingCall = { credentials, request: { method: 'POST', path: '/x' }, recipient: `1650555${i}`, settings, resolve, reject, attempts: 0, firstQueuedAt: Date.now(), started: false, seq: 0 };
					lane.enqueue(call);
				}),
		);
		await jest.advanceTimersByTimeAsync(1000);
		// The refused rounds asked for more than the lane's whole second of tokens.
		expect(started).toHaveLength(0);
		expect(refused).toBeGreaterThan(1000);
		const alone = Date.now();
		await jest.advanceTimersByTimeAsync(300);
		// Alone, its own sliding second empty: 80-call rounds every 25 ms (the shortest round through Redis), ~960 in
		// 300 ms. With the refused rounds' tokens kept it had ~0 and sent at their refill: under 300.
		const firstThird = started.filter((at) => at - alone <= 300).length;
		expect(firstThird).toBeGreaterThanOrEqual(800);
		partnerUntil = 0;
		await jest.advanceTimersByTimeAsync(3000);
		await Promise.all(sent);
	} finally {
		lane.release();
		await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
	}
});
