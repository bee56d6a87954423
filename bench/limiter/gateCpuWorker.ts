/**
 * One process of the limiter bench's CPU pass: the gate with a transport stubbed by a timer of Meta-like latency (no
 * HTTP), then the same calls without the gate (replayed at the moments and with the latencies the gated pass had), in
 * the same process. gate CPU per message = (gated − floor) / messages: what the gate itself costs, not the stub's timers.
 * Protocol (IPC): parent sends {job}, worker answers {ready}; parent sends {go}, worker answers {report}.
 */
import { configureGateForTests, getGateStatus, resetGateForTests } from '../../nodes/shared/limiter';
import { credentialsFor, recipientFor, sendText } from '../../nodes/shared/limiter/__tests__/helpers';
import type { GraphResponse } from '../../nodes/shared/transport/types';

export interface CpuJob {
	messagesPerSecond: number;
	count: number;
	executions: number;
	redisUrl: string;
	medianMs: number;
	prefix: string;
	recipientOffset: number;
}

export interface CpuReport {
	gatedCpuUs: number;
	floorCpuUs: number;
	gatedMs: number;
	sharedThroughRedis: boolean;
}

const NUMBER = '399999999999999';
const WARM_NUMBER = '399999999999998';

/** What the gated pass did, call by call: when (ms after its start) each call reached the transport, and its latency. */
interface Issued {
	at: number;
	latencyMs: number;
}
let recording: { startedAt: number; issued: Issued[] } | undefined;

function stub<T>(medianMs: number): Promise<GraphResponse<T>> {
	const latencyMs = medianMs * (0.3 + Math.random() * 1.4);
	recording?.issued.push({ at: Date.now() - recording.startedAt, latencyMs });
	return answerAfter<T>(latencyMs);
}

function answerAfter<T>(latencyMs: number): Promise<GraphResponse<T>> {
	return new Promise((resolve) => setTimeout(() => resolve({ status: 200, data: { messages: [{ id: 'stub' }] } as T, usage: {} }), latencyMs));
}

async function gated(job: CpuJob, number: string, count: number, redisUrl: string): Promise<void> {
	const credentials = credentialsFor(
		{ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGbenchstub', wabaId: '200000000000009' } },
		{ throughputTier: 'custom', customMessagesPerSecond: job.messagesPerSecond, redisUrl, maxWaitSeconds: 600 },
	);
	const perExecution = Math.ceil(count / job.executions);
	await Promise.all(
		Array.from({ length: job.executions }, (_, execution) => {
			// n8n hands each execution its own credential object.
			const own = { ...credentials };
			const n = Math.min(perExecution, count - execution * perExecution);
			return Promise.allSettled(
				Array.from({ length: n }, (_, i) => sendText(own, `${job.prefix}${execution * perExecution + i}`, recipientFor(job.recipientOffset + execution * perExecution + i), number)),
			);
		}),
	);
}

/**
 * The same calls without the gate: each issued at the moment the gated pass issued it (one timer per round of
 * calls), with the same latency. What is left between the two passes is the gate.
 */
async function floor(issued: Issued[]): Promise<void> {
	// A round's calls leave in one tick that may straddle a millisecond or two: calls within 3 ms of a group's first join it.
	const schedule: Array<[number, number[]]> = [];
	for (const call of [...issued].sort((a, b) => a.at - b.at)) {
		const last = schedule[schedule.length - 1];
		if (last && call.at - last[0] <= 3) last[1].push(call.latencyMs);
		else schedule.push([call.at, [call.latencyMs]]);
	}
	const calls: Array<Promise<unknown>> = [];
	const startedAt = Date.now();
	await new Promise<void>((resolve) => {
		let index = 0;
		const next = (): void => {
			for (; index < schedule.length && schedule[index][0] <= Date.now() - startedAt; index++) {
				for (const latencyMs of schedule[index][1]) calls.push(answerAfter(latencyMs));
			}
			if (index >= schedule.length) resolve();
			else setTimeout(next, schedule[index][0] - (Date.now() - startedAt));
		};
		next();
	});
	await Promise.all(calls);
}

let job: CpuJob | undefined;

process.on('message', (message: { job?: CpuJob; go?: boolean }) => {
	if (message.job) {
		job = message.job;
		configureGateForTests({ transport: <T>() => stub<T>(job!.medianMs) });
		process.send?.({ ready: true });
		return;
	}
	if (message.go && job) void run(job);
});

async function run(work: CpuJob): Promise<void> {
	// Warm the code paths (JIT, lazy modules) on another number, locally, and the floor's replay of that pass.
	recording = { startedAt: Date.now(), issued: [] };
	await gated(work, WARM_NUMBER, Math.min(work.count, Math.max(100, work.messagesPerSecond * 2)), '');
	await floor(recording.issued);
	recording = { startedAt: Date.now(), issued: [] };
	let cpu = process.cpuUsage();
	await gated(work, NUMBER, work.count, work.redisUrl);
	const gatedMs = Date.now() - recording.startedAt;
	const gatedCpu = process.cpuUsage(cpu);
	const issued = recording.issued;
	recording = undefined;
	const sharedThroughRedis = getGateStatus(
		credentialsFor({ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGbenchstub', wabaId: '200000000000009' } }, { redisUrl: work.redisUrl }),
	).some((status) => status.sharedThroughRedis);
	await resetGateForTests();
	cpu = process.cpuUsage();
	await floor(issued);
	const floorCpu = process.cpuUsage(cpu);
	const report: CpuReport = {
		gatedCpuUs: gatedCpu.user + gatedCpu.system,
		floorCpuUs: floorCpu.user + floorCpu.system,
		gatedMs,
		sharedThroughRedis,
	};
	process.send?.({ report }, () => process.exit(0));
}
