/**
 * n8n queue mode on a high-throughput number (issue 22 items 1 and 4): a real n8n 2.40.7 main process, `--workers`
 * workers and Redis, the simulator in its own process with Meta-like latency. `--messages` template messages on the
 * 1,000-msg/s number are split over `--executions` executions of one broadcast workflow (webhook → Code → Send
 * Message), posted at once; each worker takes at most `--concurrency` of them, so they spread over the workers.
 * Scenarios (`--scenarios=rate,worker-kill,redis-restart`), each on a fresh n8n, Redis and simulator:
 *   - rate: the broadcast as it is. Goal: aggregate ratio ≥ 0.95, peak ≤ mps in any sliding second at the
 *     simulator, zero 130429, each message once.
 *   - worker-kill: once `--fault-at` of the messages were accepted, one worker that runs executions is killed with
 *     SIGKILL (its whole process group, task runner included: a crashed container). The other workers keep the
 *     number at its rate; the dead worker's Bottleneck lease in Redis is freed when its expiration passes (lease.ts:
 *     2 × leaseMs + the longest call + grace = 54 s); nothing is sent twice; the killed executions end as n8n decides
 *     (2.40.7: Bull's stalled-job check fails them with MaxStalledCountError, never re-runs them).
 *   - redis-restart: the gate shares through its own Redis (the credential's Redis URL; n8n's queue keeps its own,
 *     which a restart would empty of n8n's jobs). At `--fault-at` that Redis is killed, and started again (empty)
 *     `--redis-down-ms` later. Meanwhile each worker paces the number at the share it sent at through Redis in the
 *     last second before (localShare.ts; before 2026-12-05 at its full rate, and Meta answered 130429 to the excess);
 *     once Redis is back each adds its calls of the outage to the shared counts and the workers share again. Goal:
 *     no 130429 from the second after the return on.
 * Other options: `--workers=4` `--messages=10000` `--executions=10` `--mps=1000` `--concurrency=3`
 * `--fault-at=0.3` `--redis-down-ms=3000` `--crash-wait-s=180` (how long to wait for n8n to settle a killed
 * execution) `--db=postgres` (a throwaway PostgreSQL, n8n's database for queue mode; `sqlite` as the e2e tests run). `--sim-nice=0` (leave the simulator at its niceness; by default raised to −10 as in the limiter bench). `--sim-rt=0` (the niceness only; by default the simulator also runs in real time, see runInRealTime). Prints a table and per-process CPU (main, workers, simulator, Redis) from /proc.
 */
import * as fs from 'fs';
import * as os from 'os';
import Redis from 'ioredis';

import type { AcceptedMessage, SimCounters } from '../test/simulator/types';
import type { SimulatorProcess } from '../nodes/shared/limiter/__tests__/simulatorClient';
import { startRedis, type TestRedis } from '../test/support/redis';
import { databaseOf, startPostgres, type N8nDatabase, type TestPostgres } from '../test/support/postgres';
import {
	ARTIFACTS_DIR,
	executionsOf,
	httpRequest,
	loadWorkflow,
	queueModeEnv,
	startQueueProcess,
	startStack,
	waitFor,
	type N8nProcess,
	type Stack,
} from '../test/e2e/helpers';
import { raisePriority, runInRealTime } from './limiter/priority';
import { cpuMsOf, cpuSpent, formatCpu, n8nCpuMs, postgresCpuMs, redisCpuMs } from './processCpu';

type Scenario = 'rate' | 'worker-kill' | 'redis-restart';

interface Options {
	scenarios: Scenario[];
	workers: number;
	messages: number;
	executions: number;
	mps: number;
	concurrency: number;
	faultAt: number;
	redisDownMs: number;
	crashWaitS: number;
	/** n8n's database: `postgres` (what n8n supports for queue mode) or `sqlite` (four workers met SQLITE_BUSY). */
	db: N8nDatabase;
	/** Raise the simulator's priority (niceness −10), as the limiter and soak benches do (`--sim-nice=0`: leave it). */
	simNice: boolean;
	/** With `simNice`, also run the simulator in real time (`--sim-rt=0`: the niceness only). */
	simRealTime: boolean;
}

/** The simulator's high-throughput number (1,000 msg/s by its tier unless `--mps` overrides it). */
const NUMBER = '300000000000002';
const WORKFLOW_ID = 'e2eQueueBroadcast1';

function parseOptions(args: string[]): Options {
	const value = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const number = (name: string, fallback: number) => Number(value(name) ?? fallback);
	return {
		scenarios: (value('scenarios')?.split(',').filter(Boolean) as Scenario[] | undefined) ?? ['rate', 'worker-kill', 'redis-restart'],
		workers: number('workers', 4),
		messages: number('messages', 10_000),
		executions: number('executions', 10),
		mps: number('mps', 1000),
		concurrency: number('concurrency', 3),
		faultAt: number('fault-at', 0.3),
		redisDownMs: number('redis-down-ms', 3000),
		crashWaitS: number('crash-wait-s', 180),
		db: databaseOf(value('db')),
		simNice: value('sim-nice') !== '0',
		simRealTime: value('sim-rt') !== '0',
	};
}

/** The queue test's broadcast workflow, sending from the high-throughput number. */
function broadcastWorkflow(): ReturnType<typeof loadWorkflow> {
	const workflow = loadWorkflow('queue-broadcast');
	for (const node of workflow.nodes) {
		if (node.name === 'Send Template') node.parameters = { ...node.parameters, phoneNumberId: { __rl: true, mode: 'id', value: NUMBER } };
	}
	return workflow;
}

/** Busy and total CPU ticks of the machine (/proc/stat). */
function machineTicks(): { busy: number; total: number } {
	const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	const total = fields.reduce((sum, value) => sum + value, 0);
	return { busy: total - fields[3] - (fields[4] ?? 0), total };
}

/** The largest number of times in any [t, t + 1000 ms) (times sorted). */
function slidingPeak(times: number[], from = -Infinity, to = Infinity): number {
	const inRange = times.filter((time) => time >= from && time < to);
	let peak = 0;
	let start = 0;
	for (let end = 0; end < inRange.length; end++) {
		while (inRange[end] - inRange[start] >= 1000) start++;
		peak = Math.max(peak, end - start + 1);
	}
	return peak;
}

/** Messages per second between the first and last of `times` (sorted), or 0. */
function rateOf(times: number[]): number {
	return times.length < 2 ? 0 : (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);
}

interface Topology {
	postgres?: TestPostgres;
	stack: Stack<SimulatorProcess>;
	workers: N8nProcess[];
	queueRedis: TestRedis;
	gateRedis: TestRedis;
	stop(): Promise<void>;
}

async function startTopology(name: string, options: Options, ownGateRedis: boolean): Promise<Topology> {
	const postgres = options.db === 'postgres' ? await startPostgres() : undefined;
	const queueRedis = await startRedis();
	const gateRedis = ownGateRedis ? await startRedis() : queueRedis;
	const queueEnv = { ...postgres?.env, ...queueModeEnv(queueRedis.port), EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' };
	const stack = await startStack({
		name: `queue-bench-${name}`,
		sim: { latency: 'meta', mps: { [NUMBER]: options.mps } },
		simulatorProcess: true,
		extraEnv: queueEnv,
		// The number's rate as the user sets it (the simulator's own tier read would say 1,000 whatever `--mps` is).
		credential: { throughputTier: 'custom', customMessagesPerSecond: options.mps, ...(ownGateRedis ? { redisUrl: gateRedis.url } : {}) },
	});
	const workers: N8nProcess[] = [];
	const stop = async (): Promise<void> => {
		await Promise.all(workers.map((worker) => worker.stop().catch(() => undefined)));
		await stack.stop();
		await queueRedis.stop();
		if (gateRedis !== queueRedis) await gateRedis.stop();
		postgres?.stop();
	};
	try {
		await stack.n8n.importWorkflows([broadcastWorkflow()]);
		for (let index = 1; index <= options.workers; index++) {
			workers.push(await startQueueProcess(stack, { name: `worker-${index}`, args: [`--concurrency=${options.concurrency}`] }));
		}
		await stack.n8n.activate(WORKFLOW_ID);
		await waitFor('the broadcast webhook', async () => {
			const res = await httpRequest(`${stack.n8n.url}/webhook/e2e-broadcast`, { method: 'GET' });
			return res.status !== 404 || /POST/.test(res.text) ? true : undefined;
		}, 60000, 500);
	} catch (error) {
		await stop();
		throw error;
	}
	return { postgres, stack, workers, queueRedis, gateRedis, stop };
}

/** Executions a worker started and has not finished, from its log. */
function runningOn(worker: N8nProcess): string[] {
	const output = worker.child.output();
	const started = [...output.matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]);
	const finished = new Set([...output.matchAll(/Worker finished execution (\d+)/g)].map((match) => match[1]));
	return started.filter((id) => !finished.has(id));
}

/** Bottleneck's running weight per client in the gate's Redis (its lease limiters), and when each client was last seen. */
async function bottleneckClients(client: Redis): Promise<Map<string, { running: number; lastSeen: number }>> {
	const clients = new Map<string, { running: number; lastSeen: number }>();
	for (const key of await client.keys('b_*_client_running')) {
		const prefix = key.slice(0, -'client_running'.length);
		// Both sorted sets (Bottleneck 2.19.5's process_tick.lua): client → running weight, client → last seen.
		const running = await client.zrange(key, 0, -1, 'WITHSCORES');
		const seen = await client.zrange(`${prefix}client_last_seen`, 0, -1, 'WITHSCORES');
		for (let i = 0; i < running.length; i += 2) clients.set(`${prefix}${running[i]}`, { running: Number(running[i + 1]), lastSeen: 0 });
		for (let i = 0; i < seen.length; i += 2) {
			const entry = clients.get(`${prefix}${seen[i]}`) ?? { running: 0, lastSeen: 0 };
			entry.lastSeen = Number(seen[i + 1]);
			clients.set(`${prefix}${seen[i]}`, entry);
		}
	}
	return clients;
}

interface Sample {
	at: number;
	accepted: number;
	throttled: number;
}

interface ScenarioResult {
	scenario: Scenario;
	workers: number;
	messages: number;
	executions: number;
	mps: number;
	sent: number;
	distinctRecipients: number;
	duplicates: number;
	seconds: number;
	ratio: number;
	peak: number;
	throttled: number;
	executionStatuses: Record<string, number>;
	cpuMs: Record<string, number>;
	machineCpuBusy: number;
	loadBefore: number;
	loadAfter: number;
	fault?: Record<string, unknown>;
	/** The goals this run missed (see missedGoals), and whether it met them all. */
	missed: string[];
	goal_met: boolean;
}

/** Seconds a dead worker's lease may hold its weight: its expiration (2 × 2 s + 40 s + 10 s, lease.ts) and a tick. */
const LEASE_EXPIRY_S = 54;
const LEASE_FREE_SLACK_S = 6;

/** Each scenario's goals, as names of what was missed. */
function missedGoals(row: Omit<ScenarioResult, 'missed' | 'goal_met'>): string[] {
	const missed: string[] = [];
	const fault = row.fault ?? {};
	const check = (ok: boolean, name: string) => {
		if (!ok) missed.push(name);
	};
	check(row.duplicates === 0, 'each message at most once');
	if (row.scenario === 'rate') {
		check(row.distinctRecipients === row.messages, 'every message sent');
		check(row.ratio >= 0.95, 'ratio ≥ 0.95');
		check(row.peak <= row.mps, 'peak ≤ mps');
		check(row.throttled === 0, 'zero 130429');
		check((row.executionStatuses.success ?? 0) === row.executions, 'every execution succeeded');
	}
	if (row.scenario === 'worker-kill') {
		const killed = Object.values((fault.killedStatus as Record<string, string> | undefined) ?? {});
		check((fault.survivorsPeak as number) <= row.mps, 'survivors: peak ≤ mps');
		check((fault.survivorsRatio as number) >= 0.95, 'survivors: ratio ≥ 0.95');
		check(typeof fault.deadLeaseFreedAfterS === 'number' && fault.deadLeaseFreedAfterS <= LEASE_EXPIRY_S + LEASE_FREE_SLACK_S, 'dead lease freed within its expiry');
		check(killed.length > 0 && killed.every((status) => status === 'error' || status === 'crashed'), 'killed executions end (error / crashed), not re-run');
		check((row.executionStatuses.success ?? 0) === row.executions - killed.length, 'the other executions succeeded');
	}
	if (row.scenario === 'redis-restart') {
		check(row.distinctRecipients === row.messages, 'nothing lost');
		check((row.executionStatuses.success ?? 0) === row.executions, 'every execution succeeded');
		// Sharing again is only shown by messages sent after Redis is back (a short broadcast may end while it is down).
		check((fault.sentAfter as number) > 0, 'messages sent after Redis came back');
		check((fault.peakAfter as number) <= row.mps, 'shared again: peak ≤ mps after');
		check(fault.throttledAfter === 0, 'shared again: no 130429 after');
	}
	return missed;
}

async function runScenario(scenario: Scenario, options: Options): Promise<ScenarioResult> {
	const topology = await startTopology(scenario, options, scenario === 'redis-restart');
	const { stack, workers } = topology;
	const gateClient = new Redis({ port: topology.gateRedis.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
	// The redis-restart scenario kills this Redis: its errors are expected, not worth ioredis' unhandled-error noise.
	gateClient.on('error', () => undefined);
	try {
		await gateClient.connect();
		await stack.sim.reset();
		const loadBefore = os.loadavg()[0];
		const simulatorPid = stack.sim.pid;
		// As the limiter and soak benches: Meta's edge is another machine, which four busy workers cannot slow; a stamp
		// taken late bunches arrivals the workers spread out (`--sim-nice=0` leaves the simulator as it is).
		const simulatorNiceness = options.simNice && simulatorPid !== undefined ? raisePriority(simulatorPid) : 0;
		// Four workers building their executions' items starved it even at −10: it read new connections' requests up to
		// 1.1 s after they were written and stamped them then, 130429 for calls the shared second had spaced right.
		const simulatorRealTime = options.simNice && options.simRealTime && simulatorPid !== undefined && runInRealTime(simulatorPid);
		console.log(`simulator niceness ${simulatorNiceness}${simulatorRealTime ? ', real-time (SCHED_RR)' : ''}`);
		const cpu = (): Record<string, number> => {
			const result: Record<string, number> = { main: n8nCpuMs(stack.n8n.main?.child.pid) };
			workers.forEach((worker, index) => {
				result[`worker-${index + 1}`] = n8nCpuMs(worker.child.pid);
			});
			result.simulator = cpuMsOf((pid) => pid === simulatorPid);
			const postgres = postgresCpuMs(topology.postgres);
			if (postgres !== undefined) result.postgres = postgres;
			for (const [name, redis] of Object.entries({ redis: topology.queueRedis, gateRedis: topology.gateRedis })) {
				if (name === 'gateRedis' && topology.gateRedis === topology.queueRedis) continue;
				const ms = redisCpuMs(redis.port);
				if (ms !== undefined) result[name] = ms;
			}
			return result;
		};
		const cpuBefore = cpu();
		const machineBefore = machineTicks();
		const perExecution = Math.ceil(options.messages / options.executions);
		const parts = Array.from({ length: options.executions }, (_, index) => ({
			start: index * perExecution,
			count: Math.max(0, Math.min(perExecution, options.messages - index * perExecution)),
		}));
		const samples: Sample[] = [];
		const sample = async (): Promise<SimCounters> => {
			const counters = await stack.sim.counters();
			samples.push({ at: Date.now(), accepted: counters.accepted, throttled: counters.rejectedByCode['130429'] ?? 0 });
			return counters;
		};
		const answers = await Promise.all(parts.map((part) => httpRequest(`${stack.n8n.url}/webhook/e2e-broadcast`, { method: 'POST', body: part })));
		if (answers.some((answer) => answer.status !== 200)) throw new Error(`a broadcast part was refused: ${answers.map((answer) => answer.status).join(', ')}`);

		let fault: Record<string, unknown> | undefined;
		let cpuAtFault: Record<string, number> | undefined;
		const sampler = setInterval(() => void sample().catch(() => undefined), 250);
		try {
			if (scenario !== 'rate') {
				await waitFor('the fault point', async () => ((await sample()).accepted >= options.faultAt * options.messages ? true : undefined), 10 * 60_000, 100);
				cpuAtFault = cpu();
				fault = scenario === 'worker-kill' ? await killWorker(topology, gateClient, options) : await restartRedis(topology, options);
			}
			fault = { ...fault, ...(await settleExecutions(stack, parts.length, scenario === 'worker-kill' ? options.crashWaitS : 600, fault)) };
		} finally {
			clearInterval(sampler);
		}
		const cpuAfter = cpu();
		const machineAfter = machineTicks();
		const counters = await sample();
		const log = await stack.sim.log();
		const result = summarize(scenario, options, log, counters, samples, fault);
		// A killed worker's processes are gone: its CPU is what it had used when it was killed.
		const cpuMs = cpuSpent(cpuBefore, Object.fromEntries(Object.entries(cpuAfter).map(([name, ms]) => [name, Math.max(ms, cpuAtFault?.[name] ?? 0)])));
		const finalStatuses: Record<string, number> = {};
		for (const execution of (await executionsOf(stack.n8n, WORKFLOW_ID)).filter((entry) => entry.mode !== 'manual')) {
			finalStatuses[execution.status] = (finalStatuses[execution.status] ?? 0) + 1;
		}
		const row = {
			...result,
			executionStatuses: finalStatuses,
			cpuMs,
			machineCpuBusy: Math.round((100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.total - machineBefore.total)),
			loadBefore,
			loadAfter: os.loadavg()[0],
		};
		const missed = missedGoals(row);
		return { ...row, missed, goal_met: missed.length === 0 };
	} finally {
		gateClient.disconnect();
		await topology.stop();
	}
}

/**
 * Kills (SIGKILL, the whole process group) the first worker with executions under way, then watches the gate's Redis
 * until Bottleneck frees the dead worker's lease weight.
 */
async function killWorker(topology: Topology, gateClient: Redis, options: Options): Promise<Record<string, unknown>> {
	const victim = topology.workers.find((worker) => runningOn(worker).length > 0);
	if (!victim) throw new Error('no worker has an execution under way at the fault point');
	const killedExecutions = runningOn(victim);
	const before = await bottleneckClients(gateClient).catch(() => new Map<string, { running: number; lastSeen: number }>());
	const killedAt = Date.now();
	process.kill(-(victim.child.pid ?? 0), 'SIGKILL');
	const acceptedAtKill = (await topology.stack.sim.counters()).accepted;
	// Live clients heartbeat (Bottleneck's heartbeatInterval, 5 s): one whose last-seen stops is the dead worker's.
	let dead: string[] = [];
	let freedAfterMs: number | undefined;
	const deadline = killedAt + 120_000;
	while (Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		const now = await bottleneckClients(gateClient).catch(() => undefined);
		if (!now) continue;
		if (Date.now() - killedAt >= 12_000 && dead.length === 0) {
			dead = [...before.keys()].filter((id) => (now.get(id)?.lastSeen ?? 0) <= (before.get(id)?.lastSeen ?? 0));
			if (dead.length === 0) break;
		}
		if (dead.length > 0 && dead.every((id) => (now.get(id)?.running ?? 0) === 0)) {
			freedAfterMs = Date.now() - killedAt;
			break;
		}
	}
	return {
		killed: `worker-${topology.workers.indexOf(victim) + 1}`,
		killedExecutions,
		acceptedAtKill,
		killedAt,
		deadLeaseWeightAtKill: dead.reduce((sum, id) => sum + (before.get(id)?.running ?? 0), 0),
		deadLeaseFreedAfterS: freedAfterMs === undefined ? null : Math.round(freedAfterMs / 100) / 10,
		faultAt: options.faultAt,
	};
}

/** Kills the gate's Redis and starts it again, empty, `redisDownMs` later. */
async function restartRedis(topology: Topology, options: Options): Promise<Record<string, unknown>> {
	const downAt = Date.now();
	await topology.gateRedis.kill();
	await new Promise((resolve) => setTimeout(resolve, options.redisDownMs));
	await topology.gateRedis.restart();
	return { downAt, upAt: Date.now(), redisDownMs: options.redisDownMs };
}

/** Waits until no execution of the broadcast runs any more; records when killed ones ended and how. */
async function settleExecutions(stack: Stack<SimulatorProcess>, count: number, waitS: number, fault?: Record<string, unknown>): Promise<Record<string, unknown>> {
	const killed = new Set((fault?.killedExecutions as string[] | undefined) ?? []);
	const started = Date.now();
	let killedEndedAfterS: number | null = null;
	const ended = await waitFor('the executions to end', async () => {
		const list = await executionsOf(stack.n8n, WORKFLOW_ID);
		const live = list.filter((execution) => ['new', 'running', 'waiting'].includes(execution.status));
		if (killed.size > 0 && killedEndedAfterS === null && list.filter((execution) => killed.has(execution.id)).every((execution) => !['new', 'running'].includes(execution.status))) {
			killedEndedAfterS = Math.round((Date.now() - ((fault?.killedAt as number | undefined) ?? started)) / 1000);
		}
		return list.length >= count && live.length === 0 ? list : undefined;
	}, waitS * 1000 + 10 * 60_000, 1000).catch(() => undefined);
	if (killed.size === 0) return {};
	const killedStatus: Record<string, string> = {};
	const killedError: Record<string, string> = {};
	for (const execution of ended ?? (await executionsOf(stack.n8n, WORKFLOW_ID))) {
		if (!killed.has(execution.id)) continue;
		killedStatus[execution.id] = execution.status;
		const detail = await stack.n8n.rest('GET', `/executions/${execution.id}`).catch(() => undefined);
		const text = typeof detail?.data === 'string' ? detail.data : JSON.stringify(detail ?? {});
		killedError[execution.id] = /maximum number of attempts|too many times|stalled/i.exec(text)?.[0] ?? (/"message":"([^"]{0,160})/.exec(text)?.[1] ?? '');
	}
	return { killedStatus, killedError, killedEndedAfterS };
}

function summarize(
	scenario: Scenario,
	options: Options,
	log: AcceptedMessage[],
	counters: SimCounters,
	samples: Sample[],
	fault: Record<string, unknown> | undefined,
): Omit<ScenarioResult, 'executionStatuses' | 'cpuMs' | 'machineCpuBusy' | 'loadBefore' | 'loadAfter' | 'missed' | 'goal_met'> {
	const mine = log.filter((message) => message.phoneNumberId === NUMBER);
	const perRecipient = new Map<string, number>();
	for (const message of mine) perRecipient.set(message.to, (perRecipient.get(message.to) ?? 0) + 1);
	const duplicates = [...perRecipient.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
	const times = mine.map((message) => message.acceptedAt).sort((a, b) => a - b);
	const rate = rateOf(times);
	const throttled = counters.rejectedByCode['130429'] ?? 0;
	let detail: Record<string, unknown> | undefined = fault;
	if (fault && scenario === 'worker-kill') {
		// The survivors' pace: from 2 s after the kill (their next lease, the dead one's last calls answered) until 95 %
		// of what they sent after it had gone (the last executions' tails run below the rate).
		const killedAt = fault.killedAt as number;
		const after = times.filter((time) => time >= killedAt);
		const from = killedAt + 2000;
		const until = after[Math.floor(after.length * 0.95)] ?? from;
		const window = after.filter((time) => time >= from && time <= until);
		detail = {
			...fault,
			sentAfterKill: after.length,
			survivorsRatio: Math.round((rateOf(window) / options.mps) * 1000) / 1000,
			survivorsPeak: slidingPeak(times, killedAt),
			notSent: options.messages - perRecipient.size,
		};
	}
	if (fault && scenario === 'redis-restart') {
		const downAt = fault.downAt as number;
		const upAt = fault.upAt as number;
		const throttledBy = (at: number) => samples.filter((entry) => entry.at <= at).reduce((last, entry) => Math.max(last, entry.throttled), 0);
		detail = {
			...fault,
			throttledBeforeDown: throttledBy(downAt),
			throttledWhileDownAndFirstSecond: throttledBy(upAt + 1000) - throttledBy(downAt),
			throttledAfter: throttled - throttledBy(upAt + 1000),
			peakWhileDown: slidingPeak(times, downAt, upAt + 1000),
			// Where a 130429 after the return comes from: the busiest second that overlaps the two after it, and the
			// acceptances per 100 ms from a second before the return to three after (0 = the 100 ms the return began in).
			peakAroundReturn: slidingPeak(times, upAt - 1000, upAt + 2000),
			acceptedPer100msAroundReturn: Array.from({ length: 40 }, (_, i) => times.filter((time) => time >= upAt - 1000 + i * 100 && time < upAt - 900 + i * 100).length).join(' '),
			sentAfter: times.filter((time) => time >= upAt + 2000).length,
			peakAfter: slidingPeak(times, upAt + 2000),
			ratioAfter: Math.round((rateOf(times.filter((time) => time >= upAt + 2000)) / options.mps) * 1000) / 1000,
			notSent: options.messages - perRecipient.size,
		};
	}
	// When the 130429s came: seconds after the first accepted message → how many in that second (from the samples).
	const throttledAt: Record<string, number> = {};
	for (let i = 1; i < samples.length; i++) {
		const added = samples[i].throttled - samples[i - 1].throttled;
		if (added > 0 && times.length > 0) {
			const second = String(Math.floor((samples[i].at - times[0]) / 1000));
			throttledAt[second] = (throttledAt[second] ?? 0) + added;
		}
	}
	if (throttled > 0) detail = { ...detail, throttledAtSecond: throttledAt };
	return {
		scenario,
		workers: options.workers,
		messages: options.messages,
		executions: options.executions,
		mps: options.mps,
		sent: mine.length,
		distinctRecipients: perRecipient.size,
		duplicates,
		seconds: times.length > 1 ? Math.round((times[times.length - 1] - times[0]) / 100) / 10 : 0,
		ratio: Math.round((rate / options.mps) * 1000) / 1000,
		peak: counters.peakPerSecond[NUMBER] ?? 0,
		throttled,
		fault: detail,
	};
}

function printRow(row: ScenarioResult): void {
	const cpu = formatCpu(row.cpuMs);
	const cells = [
		row.scenario,
		`${row.workers} × ${row.executions} exec`,
		`${row.sent} / ${row.messages}`,
		row.duplicates,
		row.seconds,
		row.ratio,
		`${row.peak} / ${row.mps}`,
		row.throttled,
		JSON.stringify(row.executionStatuses),
		`${row.machineCpuBusy} %`,
		cpu,
		`${row.loadBefore.toFixed(1)} → ${row.loadAfter.toFixed(1)}`,
		row.goal_met ? 'met' : `MISSED: ${row.missed.join('; ')}`,
	];
	console.log(`| ${cells.join(' | ')} |`);
	if (row.fault) console.log(`  ${row.scenario}: ${JSON.stringify(row.fault)}`);
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const options = parseOptions(args);
	fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
	console.log(
		`queue: ${options.messages} messages in ${options.executions} executions on ${options.workers} workers (concurrency ${options.concurrency}), ` +
			`number at ${options.mps} msg/s, n8n on ${options.db}; ${os.cpus().length} CPUs, load average before: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`,
	);
	console.log('| scenario | topology | sent | duplicates | s sending | ratio | peak / mps | 130429 | executions | machine CPU busy | process CPU s | load | goal |');
	console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
	const results: ScenarioResult[] = [];
	for (const scenario of options.scenarios) {
		const result = await runScenario(scenario, options);
		printRow(result);
		results.push(result);
	}
	return { ...options, results };
}
