/**
 * Through Redis, rounds the shared second cut short: asked again when Redis says a round's worth fits, not at every
 * round (with two workers on one number, polling for each freed slot made ~45 % of reservations grant nothing, each a
 * round trip), and the calls not granted give their tokens back. A stand-in for the Redis store answers the
 * reservations; no Redis or HTTP needed. Under jest's fake clock.
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

/** A lane at `mps` through a stand-in store whose reservations `reserve` answers; `started` is when each call left. */
function laneOnStandIn(mps: number, reserve: SharedStore['reserve'], usable = () => true) {
	const limiter = new Bottleneck({ maxConcurrent: 1_000_000 });
	const store: SharedStore = {
		usable,
		connecting: () => false,
		forget: () => undefined,
		limiterFor: () => limiter,
		answers: async () => true,
		reserve,
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
	const credentials = { accessToken: 'EAAGstub', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9', customMessagesPerSecond: mps, throughputTier: 'custom' as const };
	const settings = readGateSettings(credentials);
	const lane = new NumberLane('n', '399999999999992', new WabaBudget('w', undefined, settings, env), settings, env, store);
	const send = (i: number) =>
		new Promise<GraphResponse<unknown>>((resolve, reject) => {
			const call: PendingCall = { credentials, request: { method: 'POST', path: '/x' }, recipient: `1650555${i}`, settings, resolve, reject, attempts: 0, firstQueuedAt: Date.now(), started: false, seq: 0 };
			lane.enqueue(call);
		});
	const release = async () => {
		lane.release();
		await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
	};
	return { send, started, release };
}

test("after a refused reservation, the lane waits until Redis said a round's worth fits", async () => {
	jest.useFakeTimers({ now: 1_000_000 });
	const reservations: Array<{ at: number; requested: number; wanted?: number }> = [];
	// The first two reservations find the shared second full; a round's worth fits 300 ms later.
	const { send, release } = laneOnStandIn(80, async (request) => {
		reservations.push({ at: Date.now(), requested: request.requested, wanted: request.wanted });
		return { granted: reservations.length <= 2 ? 0 : request.requested, retryInMs: 300, redisNow: Date.now(), paused: false };
	});
	try {
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
		await release();
	}
});

/**
 * Kept, the two-process bench's processes ran out of tokens while sharing the number, and the one left alone at the
 * end sent at the tokens' refill (~970/s) with the sliding second half empty.
 */
test('a process whose rounds the shared second refused sends at the full rate once the number is its own', async () => {
	jest.useFakeTimers({ now: 1_000_000 });
	let partnerUntil = Date.now() + 1000;
	let refused = 0;
	// For a second another process holds every place of the number's second; then it has ended.
	const { send, started, release } = laneOnStandIn(1000, async (request) => {
		const partner = Date.now() < partnerUntil;
		if (partner) refused += request.requested;
		return { granted: partner ? 0 : request.requested, retryInMs: partner ? 25 : 0, redisNow: Date.now(), paused: false };
	});
	try {
		const sent = Array.from({ length: 2000 }, (_, i) => send(i));
		await jest.advanceTimersByTimeAsync(1000);
		// The refused rounds asked for more than the lane's whole second of tokens.
		expect(started).toHaveLength(0);
		expect(refused).toBeGreaterThan(1000);
		const alone = Date.now();
		await jest.advanceTimersByTimeAsync(300);
		// Alone, its own sliding second empty: 80-call rounds every 25 ms (the shortest round through Redis), ~960 in
		// 300 ms. With the refused rounds' tokens kept it had ~0 and sent at their refill (296); with 40 ms rounds, 640.
		expect(started.filter((at) => at - alone <= 300).length).toBeGreaterThanOrEqual(800);
		partnerUntil = 0;
		await jest.advanceTimersByTimeAsync(3000);
		await Promise.all(sent);
	} finally {
		await release();
	}
});

test("Redis lost after sharing the number half and half: the lane takes its half, not the whole rate (alone, the whole)", async () => {
	jest.useFakeTimers({ now: 1_000_000 });
	/** Calls started in the second from one second after Redis was lost: with another process sending as much, and alone. */
	const perSecondOnceLost = async (othersSendAsMuch: boolean) => {
		let usable = true;
		const grants: number[] = [];
		const { send, started, release } = laneOnStandIn(
			100,
			async (request) => {
				const now = Date.now();
				for (let i = 0; i < request.requested; i++) grants.push(now);
				const own = grants.filter((at) => at > now - 1000).length;
				return { granted: request.requested, retryInMs: 0, redisNow: now, paused: false, numberCount: othersSendAsMuch ? 2 * own : own };
			},
			() => usable,
		);
		try {
			const sent = Array.from({ length: 500 }, (_, i) => send(i));
			await jest.advanceTimersByTimeAsync(2000);
			usable = false;
			const lostAt = Date.now();
			await jest.advanceTimersByTimeAsync(8000);
			await Promise.all(sent);
			return started.filter((at) => at >= lostAt + 1000 && at < lostAt + 2000).length;
		} finally {
			await release();
		}
	};
	const [shared, alone] = [await perSecondOnceLost(true), await perSecondOnceLost(false)];
	expect(shared).toBeGreaterThanOrEqual(45);
	expect(shared).toBeLessThanOrEqual(50);
	expect(alone).toBeGreaterThanOrEqual(95);
});
