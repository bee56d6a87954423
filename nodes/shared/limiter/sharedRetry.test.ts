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
import type { GraphRequestHooks } from '../transport';

afterEach(() => {
	jest.useRealTimers();
});

/** A lane at `mps` through a stand-in store whose reservations `reserve` answers; `started` is when each call left. */
function laneOnStandIn(mps: number, reserve: SharedStore['reserve'], usable = () => true, carry: SharedStore['carry'] = async () => undefined, writeDelayMs = 0) {
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
		carry,
	};
	const started: number[] = [];
	const env: GateEnvironment = {
		timings: { ...DEFAULT_TIMINGS },
		transport: async <T>(_credentials: unknown, _request: unknown, hooks?: GraphRequestHooks) => {
			// A request written `writeDelayMs` after its round (a busy event loop): it left then.
			if (writeDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, writeDelayMs));
			hooks?.onSent?.(Date.now());
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

/** The calls in a carry's (age, calls) pairs. */
const callsIn = (pairs: Array<[number, number]>) => pairs.reduce((sum, [, calls]) => sum + calls, 0);

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

test('Redis back (restarted, empty) after an outage: the calls started on local limits join the shared second first, so the processes together stay within the number', async () => {
	jest.useFakeTimers({ now: 1_000_000 });
	/** The most calls of both processes in any sliding second from the return on, with this lane's carry kept or dropped (Redis lost the calls). */
	const peakAfterReturn = async (carried: boolean) => {
		let usable = true;
		/** What Redis holds: when each counted call left (Redis restarts empty at the return). */
		let redis: number[] = [];
		const inSecond = (list: number[], now: number) => list.filter((at) => at > now - 1000 && at <= now).length;
		const other: number[] = [];
		const carries: Array<{ second: Array<[number, number]>; hour: number }> = [];
		/** When each reservation was made, and the number's cap it asked under. */
		const numberCaps: Array<[number, number]> = [];
		const { send, started, release } = laneOnStandIn(
			100,
			async (request) => {
				const now = Date.now();
				numberCaps.push([now, request.numberCap]);
				const granted = Math.max(0, Math.min(request.requested, 100 - inSecond(redis, now)));
				for (let i = 0; i < granted; i++) redis.push(now);
				return { granted, retryInMs: granted < request.requested ? 20 : 0, redisNow: now, paused: false, numberCount: inSecond(redis, now) };
			},
			() => usable,
			async (request) => {
				carries.push({ second: request.second, hour: callsIn(request.hour) });
				const now = Date.now();
				if (carried) for (const [ageMs, calls] of request.second) for (let i = 0; i < calls; i++) redis.push(now - ageMs);
			},
		);
		// The other process: a call every 10 ms through Redis where the second has room; on local limits, and for a
		// sliding second after the return, at the share it had in the second before the outage (as this lane does).
		let otherShare = 100;
		let returnAt = Infinity;
		const otherSends = setInterval(() => {
			const now = Date.now();
			if (now < returnAt + 1030 && inSecond(other, now) >= otherShare) return;
			if (usable && inSecond(redis, now) < 100) {
				redis.push(now);
				other.push(now);
			}
		}, 10);
		let otherLocal: NodeJS.Timeout | undefined;
		try {
			const sent = Array.from({ length: 1200 }, (_, i) => send(i));
			await jest.advanceTimersByTimeAsync(2000);
			usable = false;
			otherShare = inSecond(other, Date.now());
			otherLocal = setInterval(() => other.push(Date.now()), 1000 / otherShare);
			await jest.advanceTimersByTimeAsync(3000);
			clearInterval(otherLocal);
			// Redis is back, empty; the other process carried its calls of the last second first (as this lane now does).
			returnAt = Date.now();
			redis = other.filter((at) => at > returnAt - 1000);
			usable = true;
			await jest.advanceTimersByTimeAsync(3000);
			clearInterval(otherSends);
			await jest.advanceTimersByTimeAsync(20_000);
			await Promise.all(sent);
			const both = [...started, ...other].sort((a, b) => a - b);
			let peak = 0;
			for (const at of both) if (at >= returnAt) peak = Math.max(peak, inSecond(both, at));
			const ownBefore = (ms: number) => started.filter((at) => at > returnAt - ms && at < returnAt).length;
			const capsAfterReturn = numberCaps.filter(([at]) => at >= returnAt && at < returnAt + 1030).map(([, cap]) => cap);
			return { peak, carries, capsAfterReturn, sentDuringOutage: ownBefore(3001), lastSecond: ownBefore(1000), lastSharedWindow: ownBefore(1036) };
		} finally {
			clearInterval(otherSends);
			clearInterval(otherLocal);
			await release();
		}
	};
	const kept = await peakAfterReturn(true);
	const dropped = await peakAfterReturn(false);
	// One carry, at the return: this lane's calls of the last second where they were, the outage's for the hour.
	expect(kept.carries).toHaveLength(1);
	const carriedSecond = callsIn(kept.carries[0].second);
	expect(kept.lastSecond).toBeGreaterThan(0);
	expect(carriedSecond).toBeGreaterThanOrEqual(kept.lastSecond);
	expect(carriedSecond).toBeLessThanOrEqual(kept.lastSharedWindow);
	expect(kept.carries[0].second.every(([ageMs]) => ageMs >= -60 && ageMs <= 1035)).toBe(true);
	expect(kept.carries[0].hour).toBe(kept.sentDuringOutage);
	// Each process keeps its share for a sliding second after the return, so the second after it stays within the
	// number whether or not the other process's carry came first (before 2026-12-06: 130 in that second without the
	// carry, 109 with it alone: the other process reserved before this lane's carry reached Redis).
	expect(kept.peak).toBeLessThanOrEqual(100);
	expect(dropped.peak).toBeLessThanOrEqual(100);
	// The share bounds this lane's own calls; its reservations still ask under the number's whole cap (asking under its
	// share made every process wait until the number's whole count fell below its share: a stall, and in the queue
	// bench 238 × 130429 once the stalled processes resumed together).
	expect(kept.capsAfterReturn.length).toBeGreaterThan(0);
	expect(kept.capsAfterReturn.every((cap) => cap === 100)).toBe(true);
});

/**
 * A lane at 100 msg/s through a stand-in that grants every reservation (half the number's second this lane's): `calls`
 * sent, Redis lost after a second for `outageMs`, then back; `carry` answers its carries. Under jest's fake clock.
 */
async function throughOutage(calls: number, outageMs: number, carry: SharedStore['carry'], writeDelayMs = 0) {
	jest.useFakeTimers({ now: 1_000_000 });
	let usable = true;
	const { send, started, release } = laneOnStandIn(
		100,
		async (request) => ({ granted: request.requested, retryInMs: 0, redisNow: Date.now(), paused: false, numberCount: 2 * request.requested }),
		() => usable,
		carry,
		writeDelayMs,
	);
	try {
		const sent = Array.from({ length: calls }, (_, i) => send(i));
		await jest.advanceTimersByTimeAsync(1000);
		usable = false;
		const lostAt = Date.now();
		await jest.advanceTimersByTimeAsync(outageMs);
		usable = true;
		const returnAt = Date.now();
		await jest.advanceTimersByTimeAsync(10_000);
		await Promise.all(sent);
		return { started, lostAt, returnAt };
	} finally {
		await release();
	}
}

test('a carry Redis did not take is kept, and made again at the next reservation with nothing lost', async () => {
	const carries: Array<{ at: number; second: number; hour: number; taken: boolean }> = [];
	const { started, lostAt, returnAt } = await throughOutage(400, 1500, async (request) => {
		const taken = carries.length > 0;
		carries.push({ at: Date.now(), second: callsIn(request.second), hour: callsIn(request.hour), taken });
		if (!taken) throw new Error('Connection is closed.');
	});
	const local = started.filter((at) => at >= lostAt && at < returnAt);
	expect(local.length).toBeGreaterThan(0);
	// Refused once, made again at the next reservation: the whole outage for the hour both times, and in the second
	// the local calls still in it at the retry (those of the last sliding second; 5 ms slots, counted at their end).
	expect(carries.map((carry) => carry.taken)).toEqual([false, true]);
	expect(carries[0].hour).toBe(local.length);
	expect(carries[1].hour).toBe(local.length);
	const retryAt = carries[1].at;
	expect(retryAt - carries[0].at).toBeLessThan(500);
	expect(carries[1].second).toBeGreaterThan(0);
	expect(carries[1].second).toBeGreaterThanOrEqual(local.filter((at) => at > retryAt - 1025).length);
	expect(carries[1].second).toBeLessThanOrEqual(local.filter((at) => at > retryAt - 1035).length);
});

test('calls that left late on local limits are carried where they left, not where they were counted', async () => {
	const carries: Array<{ at: number; second: Array<[number, number]> }> = [];
	const { started, lostAt } = await throughOutage(300, 600, async (request) => void carries.push({ at: Date.now(), second: request.second }), 300);
	expect(carries).toHaveLength(1);
	const { at, second } = carries[0];
	// The calls of the rounds started on local limits left 300 ms after their round: none is carried earlier than
	// the first of them left (counted at their round's start, the earliest would be 300 ms before it).
	const firstLocalWrite = Math.min(...started.filter((time) => time >= lostAt + 300));
	expect(second.length).toBeGreaterThan(0);
	expect(Math.max(...second.map(([ageMs]) => ageMs))).toBeLessThanOrEqual(at - firstLocalWrite);
});
