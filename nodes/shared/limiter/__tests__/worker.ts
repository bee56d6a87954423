/**
 * A separate Node process that sends through the gate: forked by the Redis tests and the limiter bench to prove that
 * two workers sharing one number through Redis stay within its limit together.
 * Protocol (IPC): parent sends a WorkerJob, the worker answers {ready}, parent sends {go}, worker answers a WorkerReport.
 */
import { getGateStatus, sharedEntriesFor, type GateTimings } from '..';
import { graphRequest } from '../../transport';
import type { WhatsAppCredentials } from '../../transport/types';
import type { GateEnvironment } from '../gate';
import { credentialsFor, departureRecorder, recipientFor, sendText, warmUp } from './helpers';
import { RedisStore } from '../redis';
import { configureGateForTests } from '../../../../test/support/testHooks';

export interface WorkerJob {
	simUrl: string;
	accessToken: string;
	wabaId: string;
	redisUrl: string;
	messagesPerSecond: number;
	count: number;
	/** Text prefix so the parent can tell the workers' messages apart in the simulator's log. */
	prefix: string;
	/** Recipients are numbered from here. */
	recipientOffset: number;
	phoneNumberId: string;
	timings?: Partial<GateTimings>;
	/** Concurrent groups ("executions") the count is split into (default 1). */
	executions?: number;
	/** More credential fields (budget override…). */
	credentialExtra?: Partial<WhatsAppCredentials>;
	/** Report when each message's request was written (by its text): the limiter bench's lag and departure counts. */
	recordDepartures?: boolean;
	/** Environment variables set in the worker before it starts (n8n's queue-mode QUEUE_BULL_REDIS_*…). */
	env?: Record<string, string>;
	/** The first `calls` requests reach the transport `afterMs` late, as behind a starved event loop or a full socket pool. */
	writeLate?: { calls: number; afterMs: number };
	/** The event loop is busy for `ms` (a queue-mode worker starting its executions) while its `reservation`th Redis reservation is under way. */
	stallWhileReserving?: { reservation: number; ms: number; answerAfterMs: number };
	/** Open this many connections to the simulator before answering ready (GETs, no message), as the limiter bench's
	 * in-process scenarios do before their clock starts. */
	warmUpCalls?: number;
	/** While sending, read this shared entry through the gate's Redis every `everyMs` (as a media link's upload is looked up). */
	readEntry?: { key: string; everyMs: number };
}

export interface WorkerReport {
	ok: number;
	failed: number;
	failures: string[];
	cpuUs: number;
	peakRssMb: number;
	sharedThroughRedis: boolean;
	durationMs: number;
	/** [text, written at] per message, when the job asked. */
	departures?: Array<[string, number]>;
	/** When each request was written (retries too), when the job asked for departures. */
	writes?: number[];
	/** What the worker printed as warnings (the gate's, once per topic). */
	warnings: string[];
}

const warnings: string[] = [];
const printWarning = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
	warnings.push(args.map(String).join(' '));
	printWarning(...args);
};

let job: WorkerJob | undefined;
let recorder: ReturnType<typeof departureRecorder> | undefined;

process.on('message', (message: { job?: WorkerJob; go?: boolean }) => {
	if (message.job) {
		job = message.job;
		Object.assign(process.env, job.env);
		recorder = job.recordDepartures ? departureRecorder() : undefined;
		configureGateForTests({ timings: job.timings, transport: writingLate(job.writeLate, recorder?.transport) });
		if (job.stallWhileReserving) stallWhileReserving(job.stallWhileReserving);
		const calls = job.warmUpCalls ?? 0;
		void (calls > 0 ? warmUp(credentialsFor({ url: job.simUrl, fixture: { accessToken: job.accessToken, wabaId: job.wabaId } }), calls) : Promise.resolve()).then(() =>
			process.send?.({ ready: true }),
		);
		return;
	}
	if (message.go && job) void run(job);
});

/** The transport, handing its first calls over late: their `onSent` still says when each really left. */
function writingLate(late: WorkerJob['writeLate'], transport: GateEnvironment['transport'] = graphRequest): GateEnvironment['transport'] | undefined {
	if (!late) return transport === graphRequest ? undefined : transport;
	let calls = 0;
	return (credentials, request, hooks) => {
		if (calls++ >= late.calls) return transport(credentials, request, hooks);
		return new Promise<void>((resolve) => setTimeout(resolve, late.afterMs)).then(() => transport(credentials, request, hooks));
	};
}

/**
 * The chosen reservation is answered `answerAfterMs` late (Redis runs a slow script first), and meanwhile this worker's
 * event loop turns busy for `ms` (from its next check phase, as an execution's work would): Redis answers during the
 * busy stretch, and its answer waits in the socket while the reservation's deadline passes.
 */
function stallWhileReserving(stall: NonNullable<WorkerJob['stallWhileReserving']>): void {
	const reserve = RedisStore.prototype.reserve;
	let reservations = 0;
	RedisStore.prototype.reserve = function (this: RedisStore, request) {
		if (++reservations === stall.reservation) {
			const client = this.client;
			const send = client.waGateReserve;
			client.waGateReserve = function (this: unknown, ...args: Parameters<typeof send>) {
				client.waGateReserve = send;
				void client.eval(SLOW_SCRIPT, 0, stall.answerAfterMs).catch(() => undefined);
				const answer = send.apply(client, args);
				setImmediate(() => busyFor(stall.ms));
				return answer;
			};
		}
		return reserve.call(this, request);
	};
}

/** Keeps Redis busy for ARGV[1] ms (the commands behind it on the connection wait). */
const SLOW_SCRIPT = `
local t = redis.call('TIME')
local stop = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1]) * 1000
repeat t = redis.call('TIME') until tonumber(t[1]) * 1000000 + tonumber(t[2]) >= stop
return 1
`;

function busyFor(ms: number): void {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		// a synchronous stretch of work, as building an execution's items
	}
}

async function sendAll(work: WorkerJob, phoneNumberId: string, prefix: string): Promise<Array<PromiseSettledResult<unknown>>> {
	const credentials = credentialsFor(
		{ url: work.simUrl, fixture: { accessToken: work.accessToken, wabaId: work.wabaId } },
		{ throughputTier: 'custom', customMessagesPerSecond: work.messagesPerSecond, redisUrl: work.redisUrl, maxWaitSeconds: 600, ...work.credentialExtra },
	);
	const executions = work.executions ?? 1;
	const perExecution = Math.ceil(work.count / executions);
	const groups = await Promise.all(
		Array.from({ length: executions }, (_, execution) => {
			const own = { ...credentials };
			const count = Math.min(perExecution, work.count - execution * perExecution);
			return Promise.allSettled(
				Array.from({ length: count }, (_, i) => {
					const index = execution * perExecution + i;
					return sendText(own, `${prefix}${index}`, recipientFor(work.recipientOffset + index), phoneNumberId);
				}),
			);
		}),
	);
	return groups.flat();
}

/** Reads the entry now and then until stopped; a read that fails is the entry's business (the gate warns). */
function readEntries(credentials: WhatsAppCredentials, { key, everyMs }: NonNullable<WorkerJob['readEntry']>): { stop: () => void } {
	let stopped = false;
	const read = async (): Promise<void> => {
		while (!stopped) {
			await (await sharedEntriesFor(credentials))?.get(key).catch(() => undefined);
			await new Promise((resolve) => setTimeout(resolve, everyMs));
		}
	};
	void read();
	return { stop: () => (stopped = true) };
}

async function run(work: WorkerJob): Promise<void> {
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
	const cpuStart = process.cpuUsage();
	const started = Date.now();
	const credentials = credentialsFor(
		{ url: work.simUrl, fixture: { accessToken: work.accessToken, wabaId: work.wabaId } },
		{ redisUrl: work.redisUrl, ...work.credentialExtra },
	);
	const reader = work.readEntry && readEntries(credentials, work.readEntry);
	const results = await sendAll(work, work.phoneNumberId, work.prefix);
	const cpu = process.cpuUsage(cpuStart);
	clearInterval(sampler);
	reader?.stop();
	const failures = results.flatMap((result) => (result.status === 'rejected' ? [String((result.reason as Error)?.message ?? result.reason)] : []));
	const report: WorkerReport = {
		ok: results.length - failures.length,
		failed: failures.length,
		failures: failures.slice(0, 5),
		cpuUs: cpu.user + cpu.system,
		peakRssMb: Math.round((peakRss / 1048576) * 10) / 10,
		sharedThroughRedis: getGateStatus(credentials).some((status) => status.sharedThroughRedis),
		durationMs: Date.now() - started,
		departures: recorder ? [...recorder.departures] : undefined,
		writes: recorder?.writes,
		warnings,
	};
	process.send?.({ report }, () => process.exit(0));
}
