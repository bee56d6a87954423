/**
 * Through Redis, a call granted in the shared second and still unwritten keeps its place there until it leaves, as it
 * does in its own process (rounds.ts): otherwise, once the window passes its grant, other processes see room and send,
 * then it leaves too. A stand-in for the Redis store replays the grants and moves as Redis would count them (its clock
 * 5 s ahead of this process's); no Redis or HTTP needed. Under jest's fake clock.
 */
import Bottleneck from 'bottleneck';
import { WabaBudget } from './budget';
import { NumberLane, type GateEnvironment, type PendingCall } from './gate';
import type { SharedStore } from './store';
import { DEFAULT_TIMINGS, readGateSettings } from './settings';
import type { GraphResponse } from '../transport/types';

const REDIS_AHEAD_MS = 5000;
const SHARED_WINDOW_MS = DEFAULT_TIMINGS.secondMs + Math.max(DEFAULT_TIMINGS.secondGuardMs, DEFAULT_TIMINGS.redisSecondGuardMs);

afterEach(() => {
	jest.useRealTimers();
});

/** Sends `count` calls through one lane whose transport writes each `writeAfterMs` late; checks the shared count as it goes. */
async function sendThroughRedis(count: number, writeAfterMs: number) {
	jest.useFakeTimers({ now: 1_000_000 });
	// Where Redis counts each granted call (Redis ms), and the pairs each round trip of moves carried.
	const counted: number[] = [];
	const moveTrips: Array<Array<[number, number]>> = [];
	const limiter = new Bottleneck({ maxConcurrent: 1_000_000 });
	const store: SharedStore = {
		usable: () => true,
		connecting: () => false,
		forget: () => undefined,
		limiterFor: () => limiter,
		reserve: async (request) => {
			const redisNow = Date.now() + REDIS_AHEAD_MS;
			for (let i = 0; i < request.requested; i++) counted.push(redisNow);
			return { granted: request.requested, retryInMs: 0, redisNow, paused: false };
		},
		pauseWaba: async () => undefined,
		moveLate: async (_number, _waba, _slotMs, moves) => {
			moveTrips.push(moves);
			for (const [from, to] of moves) counted.splice(counted.indexOf(from), 1, to);
		},
		recordInbound: async () => undefined,
		carry: async () => undefined,
		answers: async () => true,
	};
	let handed = 0;
	let written = 0;
	const env: GateEnvironment = {
		timings: { ...DEFAULT_TIMINGS },
		transport: <T>(_credentials: unknown, _request: unknown, hooks?: { onSent?: (at: number) => void }) => {
			handed++;
			return new Promise<GraphResponse<T>>((resolve) =>
				setTimeout(() => {
					written++;
					hooks?.onSent?.(Date.now());
					setTimeout(() => resolve({ status: 200, data: {} as T, usage: {} }), 100);
				}, writeAfterMs),
			);
		},
		random: Math.random,
		warn: () => undefined,
	};
	const credentials = { accessToken: 'EAAGstub', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9', customMessagesPerSecond: 80, throughputTier: 'custom' as const };
	const settings = readGateSettings(credentials);
	const lane = new NumberLane('n', '399999999999991', new WabaBudget('w', undefined, settings, env), settings, env, store);
	// The fewest calls the shared second held at any moment, less those handed over and not yet written.
	let leastSurplus = Infinity;
	try {
		const sent = Array.from(
			{ length: count },
			(_, i) =>
				new Promise<GraphResponse<unknown>>((resolve, reject) => {
					const call: PendingCall = { credentials, request: { method: 'POST', path: '/x' }, recipient: `1650555${i}`, settings, resolve, reject, attempts: 0, firstQueuedAt: Date.now(), started: false, seq: 0 };
					lane.enqueue(call);
				}),
		);
		for (let elapsed = 0; elapsed < 4000; elapsed += 5) {
			await jest.advanceTimersByTimeAsync(5);
			const redisNow = Date.now() + REDIS_AHEAD_MS;
			const inWindow = counted.filter((at) => at > redisNow - SHARED_WINDOW_MS).length;
			leastSurplus = Math.min(leastSurplus, inWindow - (handed - written));
		}
		await Promise.all(sent);
	} finally {
		lane.release();
		await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
	}
	return { leastSurplus, moveTrips, written };
}

test('calls written 1.5 s late stay counted in the shared second until they leave', async () => {
	const { leastSurplus, moveTrips, written } = await sendThroughRedis(10, 1500);
	expect(written).toBe(10);
	expect(leastSurplus).toBeGreaterThanOrEqual(0);
	// Kept alive twice (at about a half and a whole shared second), then moved to when each left: one round trip each.
	expect(moveTrips.map((moves) => moves.length)).toEqual([10, 10, 10]);
});

test('calls written on time cost no round trip to keep them alive: each is moved once, when it left', async () => {
	const { leastSurplus, moveTrips, written } = await sendThroughRedis(10, 10);
	expect(written).toBe(10);
	expect(leastSurplus).toBeGreaterThanOrEqual(0);
	const moves = moveTrips.flat();
	expect(moves).toHaveLength(10);
	// The ten are a head start (the lane was idle): each counts its guard later, as in the lane's own second.
	expect(moves.every(([from, to]) => to - from === 10 + DEFAULT_TIMINGS.headStartGuardMs)).toBe(true);
});
