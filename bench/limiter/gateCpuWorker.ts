/**
 * One process of the limiter bench's CPU pass: the gate with a transport stubbed by a timer of Meta-like latency (no
 * HTTP), then the same calls without the gate (replayed at the moments and with the latencies the gated pass had), in
 * the same process. gate CPU per message = (gated − floor) / messages: what the gate itself costs, not the stub's timers.
 * The work comes in segments, each a gated pass and a replay (alternating which goes first), so the bench can take the
 * median over segments: at 80 mps the replay alone of a 500-message segment costs 35–80 ms of CPU over 6 s (each
 * answer wakes the process, 70–160 µs per message from one pass to the next on this VM), and the gate ~15 ms.
 * Protocol (IPC): parent sends {job}, worker warms up and answers {ready}; then per segment the parent sends {go}
 * and the worker answers {report}; when {go} says floorFirst, the worker answers {half} after its replay and waits for
 * {resume}, so every process starts its gated pass together (through Redis they share the number); the parent sends
 * {done} at the end.
 */
import { readFileSync } from 'node:fs';
import { getGateStatus } from '../../nodes/shared/limiter';
import { credentialsFor, recipientFor, sendText } from '../../nodes/shared/limiter/__tests__/helpers';
import type { GraphRequestHooks } from '../../nodes/shared/transport';
import type { GraphResponse, WhatsAppCredentials } from '../../nodes/shared/transport/types';
import { configureGateForTests, resetGateForTests } from '../../test/support/testHooks';

export interface CpuJob {
	messagesPerSecond: number;
	executions: number;
	redisUrl: string;
	medianMs: number;
	prefix: string;
	recipientOffset: number;
	/** Calls of the warm-up, sent at `warmMessagesPerSecond` on another number (through Redis when the job is). */
	warmCount: number;
	warmMessagesPerSecond: number;
}

export interface CpuReport {
	/** Calls sent in this segment. */
	count: number;
	gatedCpuUs: number;
	floorCpuUs: number;
	/** The same on the main (JavaScript) thread alone, without V8's and libuv's helper threads. */
	gatedMainUs: number;
	floorMainUs: number;
	/** The gated pass went through Redis (false: local limits, e.g. Redis unreachable). */
	sharedThroughRedis: boolean;
}

const NUMBER = '399999999999999';
const WARM_NUMBER = '399999999999998';

/**
 * What a gated pass did, call by call: when (ms after its start) each call reached the transport, and its latency. Two
 * arrays of numbers: an object per call would be bench work counted as the gate's.
 */
interface Recording {
	startedAt: number;
	at: number[];
	latencyMs: number[];
}
let recording: Recording | undefined;

function newRecording(): Recording {
	return { startedAt: Date.now(), at: [], latencyMs: [] };
}

/** The transport's stand-in: says the request left (as a real one does once written, on a later tick), answers later. */
function stub<T>(medianMs: number, hooks?: GraphRequestHooks): Promise<GraphResponse<T>> {
	const latencyMs = medianMs * (0.3 + Math.random() * 1.4);
	if (recording) {
		recording.at.push(Date.now() - recording.startedAt);
		recording.latencyMs.push(latencyMs);
	}
	return stubCall<T>(latencyMs, hooks?.onSent ?? noop);
}

/** The stub's own work for one call, the same in both passes: a "request written" tick, then the answer. */
function stubCall<T>(latencyMs: number, onSent: (at: number) => void): Promise<GraphResponse<T>> {
	setImmediate(() => onSent(Date.now()));
	return answerAfter<T>(latencyMs);
}

function answerAfter<T>(latencyMs: number): Promise<GraphResponse<T>> {
	return new Promise((resolve) => setTimeout(() => resolve({ status: 200, data: { messages: [{ id: 'stub' }] } as T, usage: {} }), latencyMs));
}

/** The stub's credential: no real endpoint behind it (the transport is stubbed). */
function benchCredentials(extra: Partial<WhatsAppCredentials>): WhatsAppCredentials {
	return credentialsFor({ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGbenchstub', wabaId: '200000000000009' } }, extra);
}

async function gated(job: CpuJob, number: string, count: number, redisUrl: string, messagesPerSecond = job.messagesPerSecond, offset = 0): Promise<void> {
	const credentials = benchCredentials({ throughputTier: 'custom', customMessagesPerSecond: messagesPerSecond, redisUrl, maxWaitSeconds: 600 });
	const perExecution = Math.ceil(count / job.executions);
	await Promise.all(
		Array.from({ length: job.executions }, (_, execution) => {
			// n8n hands each execution its own credential object.
			const own = { ...credentials };
			const n = Math.min(perExecution, count - execution * perExecution);
			return Promise.allSettled(
				Array.from({ length: n }, (_, i) => sendText(own, `${job.prefix}${offset + execution * perExecution + i}`, recipientFor(job.recipientOffset + offset + execution * perExecution + i), number)),
			);
		}),
	);
}

/**
 * The same calls without the gate: each issued at the moment the gated pass issued it (one timer per round of
 * calls), with the same latency. What is left between the two passes is the gate.
 */
async function floor(issued: Recording): Promise<void> {
	// A round's calls leave in one tick that may straddle a millisecond or two: calls within 3 ms of a group's first join it.
	const schedule: Array<[number, number[]]> = [];
	const order = issued.at.map((_, index) => index).sort((a, b) => issued.at[a] - issued.at[b]);
	for (const index of order) {
		const at = issued.at[index];
		const last = schedule[schedule.length - 1];
		if (last && at - last[0] <= 3) last[1].push(issued.latencyMs[index]);
		else schedule.push([at, [issued.latencyMs[index]]]);
	}
	const calls: Array<Promise<unknown>> = [];
	const startedAt = Date.now();
	await new Promise<void>((resolve) => {
		let index = 0;
		const next = (): void => {
			for (; index < schedule.length && schedule[index][0] <= Date.now() - startedAt; index++) {
				// The stub's work without the gate's hook behind it.
				for (const latencyMs of schedule[index][1]) calls.push(stubCall(latencyMs, noop));
			}
			if (index >= schedule.length) resolve();
			else setTimeout(next, schedule[index][0] - (Date.now() - startedAt));
		};
		next();
	});
	await Promise.all(calls);
}

function noop(_at?: number): void {}

/** CPU time of the main thread (its tid is the pid) in µs, from the kernel's schedstat (ns); 0 where unavailable. */
function mainThreadCpuUs(): number {
	try {
		return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
	} catch {
		return 0;
	}
}

function cpuNow(): { process: NodeJS.CpuUsage; main: number } {
	return { process: process.cpuUsage(), main: mainThreadCpuUs() };
}

function cpuSince(start: { process: NodeJS.CpuUsage; main: number }): { process: number; main: number } {
	const used = process.cpuUsage(start.process);
	return { process: used.user + used.system, main: mainThreadCpuUs() - start.main };
}

/** A full garbage collection (the bench forks this worker with --expose-gc). */
function collect(): void {
	(globalThis as { gc?: () => void }).gc?.();
}

let job: CpuJob | undefined;
let segment = 0;

let onResume: (() => void) | undefined;

process.on('message', (message: { job?: CpuJob; go?: { count: number; floorFirst: boolean }; resume?: boolean; done?: boolean }) => {
	if (message.resume) onResume?.();
	if (message.job) {
		job = message.job;
		configureGateForTests({ transport: <T>(_credentials: unknown, _request: unknown, hooks?: GraphRequestHooks) => stub<T>(job!.medianMs, hooks) });
		void warmUp(job).then(() => process.send?.({ ready: true }));
		return;
	}
	if (message.go && job) void runSegment(job, message.go.count, message.go.floorFirst);
	if (message.done) void resetGateForTests().then(() => process.exit(0));
});

/**
 * Warm the code paths (JIT, lazy modules) on another number, and the floor's replay of that pass: at the bench's
 * highest rate, so V8 has optimised the gate before the measured segments (a long-running n8n is in that state).
 */
async function warmUp(work: CpuJob): Promise<void> {
	for (const [count, messagesPerSecond, offset] of [
		[work.warmCount, work.warmMessagesPerSecond, 10_000_000],
		// Then two seconds' worth at the job's own rate: a slower rate takes other branches (window-bound rounds).
		[Math.max(100, work.messagesPerSecond * 2), work.messagesPerSecond, 20_000_000],
	]) {
		const pass = (recording = newRecording());
		await gated(work, WARM_NUMBER, count, work.redisUrl, messagesPerSecond, offset);
		recording = undefined;
		await floor(pass);
	}
}

/** The previous segment's gated pass: an odd segment replays it as its floor, before its own gated pass. */
let previousIssued: Recording | undefined;

/**
 * One segment: a gated pass and a floor of the same shape. The parent alternates the order: gated first, then its
 * replay; or (floorFirst) a replay of the previous segment's gated pass (same count and rate: the same rounds,
 * latencies from the same spread), then the gated pass. The order alternates because a process' CPU for the same work
 * drifts over a run (this VM's wake-ups got cheaper over the first passes after the warm-up): whichever pass always
 * came first would pay for it.
 */
async function runSegment(work: CpuJob, count: number, floorFirst: boolean): Promise<void> {
	let floorCpu: { process: number; main: number } | undefined;
	if (floorFirst) {
		const previous = previousIssued;
		if (previous && previous.at.length === count) floorCpu = await measure(() => floor(previous));
		// Every process starts its gated pass together.
		const resumed = new Promise<void>((resolve) => (onResume = resolve));
		process.send?.({ half: true });
		await resumed;
	}
	// Each pass starts on a collected heap (in measure): neither pays for the other's (or the warm-up's) old garbage.
	// What each allocates and drops within the pass (nearly all of it: promises, closures) is collected, and counted, in the pass.
	const issued = newRecording();
	const gatedCpu = await measure(() => {
		issued.startedAt = Date.now();
		recording = issued;
		return gated(work, NUMBER, count, work.redisUrl, work.messagesPerSecond, segment++ * count);
	});
	recording = undefined;
	const sharedThroughRedis = getGateStatus(benchCredentials({ redisUrl: work.redisUrl })).some((status) => status.sharedThroughRedis);
	floorCpu ??= await measure(() => floor(issued));
	previousIssued = issued;
	const report: CpuReport = {
		count,
		gatedCpuUs: gatedCpu.process,
		floorCpuUs: floorCpu.process,
		gatedMainUs: gatedCpu.main,
		floorMainUs: floorCpu.main,
		sharedThroughRedis,
	};
	process.send?.({ report });
}

/** CPU of one pass, started on a collected heap. */
async function measure(pass: () => Promise<void>): Promise<{ process: number; main: number }> {
	collect();
	const cpu = cpuNow();
	await pass();
	return cpuSince(cpu);
}
