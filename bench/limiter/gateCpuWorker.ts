/**
 * One process of the limiter bench's CPU pass: the gate with a transport stubbed by a timer of Meta-like latency (no
 * HTTP), and the same calls without the gate (released by a plain 20 ms timer), in the same process one after the
 * other. gate CPU per message = (gated − floor) / messages: what the gate itself costs, not the stub's timers.
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

function stub<T>(medianMs: number): Promise<GraphResponse<T>> {
	return new Promise((resolve) =>
		setTimeout(() => resolve({ status: 200, data: { messages: [{ id: 'stub' }] } as T, usage: {} }), medianMs * (0.3 + Math.random() * 1.4)),
	);
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

/** The same calls and stub without the gate: released in 20 ms rounds at the same rate. */
async function floor(job: CpuJob): Promise<void> {
	const releases: Array<() => void> = [];
	const calls = Array.from({ length: job.count }, () => new Promise<void>((resolve) => releases.push(resolve)).then(() => stub(job.medianMs)));
	const perRound = Math.max(1, Math.round(job.messagesPerSecond / 50));
	let next = 0;
	const timer = setInterval(() => {
		for (let k = 0; k < perRound && next < releases.length; k++) releases[next++]();
		if (next >= releases.length) clearInterval(timer);
	}, 20);
	await Promise.allSettled(calls);
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
	// Warm the code paths (JIT, lazy modules) on another number, locally.
	await gated(work, WARM_NUMBER, Math.min(work.count, Math.max(100, work.messagesPerSecond * 2)), '');
	await floor({ ...work, count: Math.min(work.count, 500) });
	let cpu = process.cpuUsage();
	const started = Date.now();
	await gated(work, NUMBER, work.count, work.redisUrl);
	const gatedMs = Date.now() - started;
	const gatedCpu = process.cpuUsage(cpu);
	const sharedThroughRedis = getGateStatus(
		credentialsFor({ url: 'http://127.0.0.1:9', fixture: { accessToken: 'EAAGbenchstub', wabaId: '200000000000009' } }, { redisUrl: work.redisUrl }),
	).some((status) => status.sharedThroughRedis);
	await resetGateForTests();
	cpu = process.cpuUsage();
	await floor(work);
	const floorCpu = process.cpuUsage(cpu);
	const report: CpuReport = {
		gatedCpuUs: gatedCpu.user + gatedCpu.system,
		floorCpuUs: floorCpu.user + floorCpu.system,
		gatedMs,
		sharedThroughRedis,
	};
	process.send?.({ report }, () => process.exit(0));
}
