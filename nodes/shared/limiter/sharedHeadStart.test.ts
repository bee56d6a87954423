/**
 * Through Redis, a head start counts `headStartGuardMs` later in the shared second, as it does in its own process
 * (headStart.test.ts): the workers' head starts reach the receiver together and are stamped late together, so the next
 * second's calls must not start as soon as the plain shared second has passed (two workers at 1,000 msg/s: 7–26 ×
 * 130429 with our own departure peak at 1,000). Two lanes with one key stand for two processes; a stand-in for the
 * Redis store counts their grants and moves as Redis would. No Redis or HTTP needed. Under jest's fake clock.
 */
import Bottleneck from 'bottleneck';
import { WabaBudget } from './budget';
import { NumberLane, type GateEnvironment, type PendingCall } from './gate';
import type { SharedStore } from './store';
import { DEFAULT_TIMINGS, readGateSettings } from './settings';
import type { GraphResponse } from '../transport/types';

// 300 ms (60 by default): far above any stall of this machine, so the two cases cannot be mistaken for each other.
const HEAD_START_GUARD_MS = 300;
const SHARED_WINDOW_MS = DEFAULT_TIMINGS.secondMs + Math.max(DEFAULT_TIMINGS.secondGuardMs, DEFAULT_TIMINGS.redisSecondGuardMs);

afterEach(() => {
	jest.useRealTimers();
});

/** The number's shared sliding second as the reservation script keeps it: a grant counts now, a move re-counts it. */
function sharedSecond(limiter: Bottleneck): SharedStore {
	const counted: number[] = [];
	return {
		usable: () => true,
		connecting: () => false,
		forget: () => undefined,
		limiterFor: () => limiter,
		reserve: async (request) => {
			const now = Date.now();
			const live = counted.filter((at) => at > now - request.numberWindowMs).sort((a, b) => a - b);
			const granted = Math.max(0, Math.min(request.requested, request.numberCap - live.length));
			for (let i = 0; i < granted; i++) counted.push(now);
			// When `wanted` more fit: once enough of the oldest have left the window.
			const excess = live.length + granted + (request.wanted ?? 1) - request.numberCap;
			const retryInMs = granted < request.requested ? (excess > 0 ? live[excess - 1] + request.numberWindowMs - now + 1 : 1) : 0;
			return { granted, retryInMs, redisNow: now, paused: false };
		},
		pauseWaba: async () => undefined,
		moveLate: async (_number, _waba, _slotMs, moves) => {
			for (const [from, to] of moves) counted.splice(counted.indexOf(from), 1, to);
		},
		recordInbound: async () => undefined,
		carry: async () => undefined,
		answers: async () => true,
	};
}

test("two processes' head starts keep the shared second's calls back by the head start's guard too", async () => {
	jest.useFakeTimers({ now: 1_000_000 });
	const limiter = new Bottleneck({ maxConcurrent: 1_000_000 });
	const store = sharedSecond(limiter);
	const leftAt: number[] = [];
	const env: GateEnvironment = {
		timings: { ...DEFAULT_TIMINGS, headStartGuardMs: HEAD_START_GUARD_MS },
		transport: <T>(_credentials: unknown, _request: unknown, hooks?: { onSent?: (at: number) => void }) => {
			leftAt.push(Date.now());
			hooks?.onSent?.(Date.now());
			return new Promise<GraphResponse<T>>((resolve) => setTimeout(() => resolve({ status: 200, data: {} as T, usage: {} }), 20));
		},
		random: Math.random,
		warn: () => undefined,
	};
	const credentials = { accessToken: 'EAAGstub', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9', customMessagesPerSecond: 100, throughputTier: 'custom' as const };
	const settings = readGateSettings(credentials);
	const lanes = ['a', 'b'].map((process) => new NumberLane('n', '399999999999991', new WabaBudget(`w-${process}`, undefined, settings, env), settings, env, store));
	try {
		const sent = lanes.flatMap((lane, index) =>
			Array.from(
				{ length: 100 },
				(_, i) =>
					new Promise<GraphResponse<unknown>>((resolve, reject) => {
						const call: PendingCall = { credentials, request: { method: 'POST', path: '/x' }, recipient: `1650555${index}${i}`, settings, resolve, reject, attempts: 0, firstQueuedAt: Date.now(), started: false, seq: 0 };
						lane.enqueue(call);
					}),
			),
		);
		await jest.advanceTimersByTimeAsync(5000);
		await Promise.all(sent);
	} finally {
		for (const lane of lanes) lane.release();
		await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
	}
	expect(leftAt).toHaveLength(200);
	const first = leftAt[0];
	// Together a full second's worth at once (the shared second grants it between them)…
	expect(leftAt[99] - first).toBeLessThan(100);
	// …and the next call only once that head start has left the shared second with its guard (not after the plain 1,030 ms).
	expect(leftAt[100] - first).toBeGreaterThanOrEqual(SHARED_WINDOW_MS + HEAD_START_GUARD_MS);
});
