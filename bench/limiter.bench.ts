/**
 * `npm run bench -- limiter`: the gate against the simulator (in its own process, Meta-like latency: median 300 ms,
 * p90 1 s, p99 2 s) enforcing the same mps. Prints a table and returns
 * {scenarios:[{name, configured_mps, messages, achieved_mps, ratio, errors_130429, errors_other, gate_cpu_us_per_msg,
 * peak_rss_mb, …}]}. achieved_mps = messages Meta accepted / seconds from the first call handed over to the last
 * acceptance. peak_sent_per_second counts our own requests (when each was written) in any 1,000 ms, and arrival_lag_ms
 * how long after that the simulator stamped them: a receiver stamping calls late (its backlog) is what turns a paced
 * second into a 130429, so a regression shows there before it shows as errors. gate_cpu_us_per_msg is measured in a second pass of the same shape whose transport is a timer of
 * Meta-like latency (no HTTP), minus the same calls on that stub without the gate (stub_floor_us_per_msg), so it is
 * the gate's own CPU: run by Node 24 (what n8n 2.40+ runs on, its young generation fixed) after a warm-up at 1,000 mps, in segments (a gated
 * pass and a replay without the gate, alternating which goes first) whose median is reported, with each segment's figure and the main
 * thread's share. The table also shows the whole process' CPU per message with real HTTP.
 * sustained_ratio is the rate after the first second and first_second_ms that second's span: `ratio` is bimodal by
 * the first second's shape (see sustained_ratio), these say which shape a run had. --dump=DIR writes each run's times.
 * Options: --messages=N (10,000 default; 2,000 at 80 mps), --only=name1,name2, --cpu-segments=N (4; the 80-mps CPU
 * pass takes four times as many, of 500 messages each, as its 8,000 messages, and the Redis one twice as many; 0 =
 * throughput only).
 * Pace under load (issue 17; throughput only, each with its goal in `goal_met`): contention-1000 runs one busy-loop
 * process per core beside it; jitter50-1000 has the simulator wait 0–50 ms before it counts a call; jitter300-80 waits
 * 300 ± 200 ms (as long as Meta's whole latency: there no item may fail, and 130429s are reported, not a goal).
 *   npm run bench -- limiter --only=contention-1000,jitter50-1000,jitter300-80 --cpu-segments=0
 */
import { fork } from 'node:child_process';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureNode } = require('../scripts/ensure-node') as {
	ensureNode: (major: number, options?: { orNewer?: boolean }) => { nodeBin: string; version: string };
};
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentialsFor, departureRecorder, FAST_NUMBER, peakInWindow, recipientFor, sendText, textOf, warmUp } from '../nodes/shared/limiter/__tests__/helpers';
import { jobBase, startWorkers } from '../nodes/shared/limiter/__tests__/processes';
import type { CpuJob, CpuReport } from './limiter/gateCpuWorker';
import type { GateEnvironment } from '../nodes/shared/limiter/gate';
import { destroyGraphClients, isGraphApiError } from '../nodes/shared/transport';
import { startRedis, type TestRedis } from '../test/support/redis';
import { startSimulatorProcess, type SimulatorProcess } from '../nodes/shared/limiter/__tests__/simulatorClient';
import type { ReceiveJitter } from '../test/simulator/types';
import { median, quantiles, secondShape } from './stats';
import { cpus, loadavg } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { configureGateForTests, resetGateForTests } from '../test/support/testHooks';

interface Scenario {
	name: string;
	mps: number;
	messages: number;
	executions: number;
	processes?: number;
	gate: boolean;
	/**
	 * Messages of the CPU pass when not `messages`, in `--cpu-segments` × (cpuMessages / messages) segments of the same
	 * size: at 80 mps a 500-message segment costs ~15 ms of gate CPU over 6 s, while its replay without the gate varies by
	 * ±10 ms from one pass to the next (each answer wakes the process), so that pass takes more of them; through Redis
	 * segments spread 7–61 µs/msg in one run (round trips wake the process too).
	 */
	cpuMessages?: number;
	/** The receiver's random delay before it counts a call (the simulator's receiveJitter), as a jittery network. */
	jitter?: ReceiveJitter;
	/** Run with one busy-loop process per core for the scenario's duration (a busy machine). */
	busy?: boolean;
	/** Throughput only: no CPU pass (the figure would measure the contention, not the gate). */
	noCpuPass?: boolean;
	/** What the scenario must show: at most this many 130429, at least this ratio, and no failed item. */
	goal?: { max130429: number; minRatio: number };
}

interface ScenarioResult {
	name: string;
	configured_mps: number;
	messages: number;
	achieved_mps: number;
	ratio: number;
	/**
	 * The rate after the first second, as a share of the mps: (messages − mps) / (last acceptance − the mps-th). `ratio`
	 * ends at the last acceptance, so a run whose sends keep the head start's shape (each second's calls in one burst,
	 * then silence until the window frees) ends its last second early and scores above 1; one whose first second came
	 * spread out (items produced slower than the rate at the start) scores ~0.95. Both send the mps once per window
	 * (1,000 ms + the 30 ms guard + timer lateness): this figure is the same for both shapes. Null below two seconds.
	 */
	sustained_ratio: number | null;
	/** From the first acceptance to the mps-th (ms): a burst (~250–400) or a spread first second (~1,000). */
	first_second_ms: number | null;
	errors_130429: number;
	errors_other: number;
	/** Most requests we wrote in any 1,000 ms (from the transport's onSent): the gate's own pacing, whatever the receiver. */
	peak_sent_per_second: number;
	/** Most messages the simulator accepted in any 1,000 ms (it refuses past the configured mps in any 1,000 ms). */
	peak_accepted_per_second: number;
	/**
	 * From a request written to the simulator accepting it: median, p99 and max (ms). Our guard covers 30. "Written" is
	 * when this process heard the request finished (onSent), which can come after the simulator stamped it when the event
	 * loop was busy: small negative values are that, not clock error (one machine, one clock).
	 */
	arrival_lag_ms: { p50: number; p99: number; max: number } | null;
	gate_cpu_us_per_msg: number | null;
	/** CPU per message of the same calls on the stub transport without the gate (subtracted from the above). */
	stub_floor_us_per_msg: number | null;
	/** The gate's CPU on the main (JavaScript) thread alone: without V8's compiler and GC helper threads. */
	gate_main_thread_us_per_msg: number | null;
	/** gate_cpu_us_per_msg of each segment (the figure above is their median). */
	gate_cpu_segments_us_per_msg: number[] | null;
	/** The Node that ran the CPU pass (n8n 2.40+ needs 24). */
	gate_cpu_node: string | null;
	peak_rss_mb: number;
	/** The receiver's delay before counting (ms: `0-50` or `300±200`), or null. */
	receive_jitter: string | null;
	/** Busy-loop processes run beside it (0 = an idle machine, as far as the bench knows). */
	busy_processes: number;
	/** The simulator's niceness (-10 where it could be raised: Meta's edge is another machine a busy one cannot slow). */
	simulator_niceness: number;
	/** Load average (1 min) when the scenario ended. */
	load_1m: number;
	/** Whether the scenario met its goal (null where it has none). */
	goal_met: boolean | null;
}

type SimHandle = SimulatorProcess;

const STUB_MEDIAN_MS = 300;
/** The CPU pass' warm-up: enough calls at the highest rate for V8 to optimise the gate's code. */
const WARM_MESSAGES = 10_000;
const WARM_MPS = 1000;
/**
 * The CPU workers' young generation, fixed at the size it grows to at 1,000 mps: else V8's memory reducer shrinks it
 * in some runs (the warm-up's replay is quiet), and the gated passes after pay more scavenges and an early major GC.
 */
const CPU_WORKER_HEAP_FLAGS = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

function startSimProcess(): Promise<SimHandle> {
	return startSimulatorProcess({ latency: 'meta', requestLogLimit: 100 });
}

/**
 * Sends `messages` split over `executions` concurrent batches in this process (through the gate, or straight to
 * `transport` without it); returns final failures by code.
 */
async function sendInProcess(
	sim: SimHandle,
	scenario: Scenario,
	transport: GateEnvironment['transport'],
	extra: Record<string, unknown> = {},
): Promise<{ failures: Record<string, number> }> {
	const credentials = credentialsFor(sim, {
		throughputTier: 'custom',
		customMessagesPerSecond: scenario.mps,
		maxWaitSeconds: 600,
		maxAttempts: 10,
		...extra,
	});
	const perExecution = Math.ceil(scenario.messages / scenario.executions);
	const failures: Record<string, number> = {};
	const executions = Array.from({ length: scenario.executions }, async (_, execution) => {
		// Each execution is its own credential object, as n8n hands each execution its own copy.
		const own = { ...credentials };
		const count = Math.min(perExecution, scenario.messages - execution * perExecution);
		const results = await Promise.allSettled(
			Array.from({ length: count }, (_, i) => {
				const index = execution * perExecution + i;
				return scenario.gate
					? sendText(own, `m${index}`, recipientFor(index))
					: transport(own, {
							method: 'POST',
							path: `/${FAST_NUMBER}/messages`,
							body: { messaging_product: 'whatsapp', to: recipientFor(index), type: 'text', text: { body: `m${index}` } },
						});
			}),
		);
		for (const result of results) {
			if (result.status === 'fulfilled') continue;
			const code = isGraphApiError(result.reason) ? String(result.reason.code ?? result.reason.errorClass) : 'other';
			failures[code] = (failures[code] ?? 0) + 1;
		}
	});
	await Promise.all(executions);
	return { failures };
}

/** One busy-loop process per core (a machine kept busy by other work); stop() ends exactly these. */
function startBusyLoops(): { count: number; stop: () => void } {
	const children: ChildProcess[] = Array.from({ length: cpus().length }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
	return { count: children.length, stop: () => children.forEach((child) => child.kill('SIGKILL')) };
}

function describeJitter(jitter: ReceiveJitter | undefined): string | null {
	if (!jitter) return null;
	return 'maxMs' in jitter ? `0-${jitter.maxMs}` : `${jitter.meanMs}±${jitter.spreadMs}`;
}

async function runScenario(sim: SimHandle, redis: TestRedis | undefined, scenario: Scenario, cpuSegments: number, dumpDir?: string): Promise<ScenarioResult & { process_cpu_us_per_msg: number }> {
	await sim.reset();
	await sim.configure({ mps: { [FAST_NUMBER]: scenario.mps }, receiveJitter: scenario.jitter ?? null });
	await resetGateForTests();
	// The real transport, noting when each request was written (the gated scenarios' own pacing and the trip's lag).
	const recorder = departureRecorder();
	configureGateForTests({ transport: recorder.transport });
	await warmUp(credentialsFor(sim), 50);
	await sim.reset();
	const departures = recorder.departures;

	const busy = scenario.busy ? startBusyLoops() : undefined;
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
	const cpuStart = process.cpuUsage();
	const started = Date.now();
	let failures: Record<string, number> = {};
	let processCpuUs = 0;
	let workerRssMb = 0;
	if (scenario.processes && redis) {
		const job = {
			...jobBase(sim, redis.url),
			messagesPerSecond: scenario.mps,
			count: Math.ceil(scenario.messages / scenario.processes),
			recordDepartures: true,
			// The sockets the in-process scenarios warm before their clock starts (warmUp above), in each worker.
			warmUpCalls: 50,
		};
		const workers = await startWorkers(
			Array.from({ length: scenario.processes }, (_, p) => ({ ...job, prefix: `p${p}-`, recipientOffset: p * job.count })),
		);
		const goAt = Date.now();
		workers.go();
		const reports = await workers.reports;
		processCpuUs = reports.reduce((sum, report) => sum + report.cpuUs, 0);
		workerRssMb = Math.max(...reports.map((report) => report.peakRssMb));
		for (const report of reports) if (report.failed > 0) failures.worker = (failures.worker ?? 0) + report.failed;
		for (const report of reports) for (const [text, at] of report.departures ?? []) departures.set(text, at);
		return finish(goAt);
	}
	({ failures } = await sendInProcess(sim, scenario, recorder.transport));
	const cpu = process.cpuUsage(cpuStart);
	processCpuUs = cpu.user + cpu.system;
	return finish(started);

	async function finish(from: number): Promise<ScenarioResult & { process_cpu_us_per_msg: number }> {
		clearInterval(sampler);
		const load = loadavg()[0];
		busy?.stop();
		const counters = await sim.counters();
		const log = await sim.log();
		const times = log.map((message) => message.acceptedAt);
		const lags = log.flatMap((message) => {
			const text = textOf(message.body);
			const sentAt = text === undefined ? undefined : departures.get(text);
			return sentAt === undefined ? [] : [message.acceptedAt - sentAt];
		});
		const last = times.length > 0 ? Math.max(...times) : from;
		const achieved = times.length / Math.max(0.001, (last - from) / 1000);
		const first = times.length > 0 ? Math.min(...times) : from;
		// Where the time went: until the first acceptance, then the run itself.
		console.log(`${scenario.name}: first acceptance after ${first - from} ms, then ${((times.length - 1) / Math.max(0.001, (last - first) / 1000)).toFixed(1)} mps`);
		const cpu = scenario.gate && !scenario.noCpuPass && cpuSegments > 0 ? await measureGateCpu(redis, scenario, cpuSegments * Math.ceil((scenario.cpuMessages ?? scenario.messages) / scenario.messages)) : undefined;
		const errors130429 = counters.rejectedByCode['130429'] ?? 0;
		const errorsOther = Object.entries(failures).reduce((sum, [code, count]) => (code === '130429' ? sum : sum + count), 0);
		const failedItems = Object.values(failures).reduce((sum, count) => sum + count, 0);
		const ratio = Math.round((achieved / scenario.mps) * 1000) / 1000;
		const shape = secondShape(times, scenario.mps);
		// Each time with its message's text (its process's prefix in the two-process scenario), in the log's order.
		if (dumpDir) writeFileSync(join(dumpDir, `${scenario.name}-${Date.now()}.json`), JSON.stringify({ from, accepted: times, acceptedTexts: log.map((message) => textOf(message.body)), sent: [...departures.entries()] }));
		return {
			name: scenario.name,
			configured_mps: scenario.mps,
			messages: scenario.messages,
			achieved_mps: Math.round(achieved * 10) / 10,
			ratio,
			...shape,
			errors_130429: errors130429,
			errors_other: errorsOther,
			peak_sent_per_second: peakInWindow([...departures.values()], 1000),
			peak_accepted_per_second: peakInWindow(times, 1000),
			arrival_lag_ms: lagFigures(lags),
			gate_cpu_us_per_msg: cpu?.gate ?? null,
			stub_floor_us_per_msg: cpu?.floor ?? null,
			gate_main_thread_us_per_msg: cpu?.main ?? null,
			gate_cpu_segments_us_per_msg: cpu?.segments ?? null,
			gate_cpu_node: cpu?.node ?? null,
			peak_rss_mb: Math.round((Math.max(peakRss / 1048576, workerRssMb)) * 10) / 10,
			process_cpu_us_per_msg: Math.round(processCpuUs / scenario.messages),
			receive_jitter: describeJitter(scenario.jitter),
			busy_processes: busy?.count ?? 0,
			simulator_niceness: sim.niceness,
			load_1m: Math.round(load * 10) / 10,
			goal_met: scenario.goal ? failedItems === 0 && times.length === scenario.messages && errors130429 <= scenario.goal.max130429 && ratio >= scenario.goal.minRatio : null,
		};
	}
}

/**
 * The same scenario in fresh processes whose transport is a timer of Meta-like latency (no HTTP), run by the Node that
 * n8n 2.40+ runs on (24), after a warm-up at 1,000 mps; each segment is a gated pass and then the same calls without
 * the gate (released by a plain timer); the difference is the gate's own CPU. Returns the median over segments
 * (process-wide and main thread alone, µs per message), the stub floor, each segment's figure and the Node version.
 */
async function measureGateCpu(redis: TestRedis | undefined, scenario: Scenario, segments: number): Promise<GateCpu> {
	const processes = scenario.processes ?? 1;
	const { nodeBin, version } = ensureNode(24, { orNewer: true });
	const perSegment = Math.ceil((scenario.cpuMessages ?? scenario.messages) / processes / segments);
	const children = Array.from({ length: processes }, (_, p) => {
		const job: CpuJob = {
			messagesPerSecond: scenario.mps,
			executions: scenario.executions,
			redisUrl: scenario.processes && redis ? redis.url : '',
			medianMs: STUB_MEDIAN_MS,
			prefix: `s${p}-`,
			recipientOffset: p * 1_000_000,
			warmCount: WARM_MESSAGES,
			warmMessagesPerSecond: WARM_MPS,
		};
		const child = fork(join(__dirname, 'limiter', 'gateCpuWorker.ts'), [], {
			execPath: nodeBin,
			execArgv: ['--expose-gc', ...CPU_WORKER_HEAP_FLAGS, '-r', require.resolve('ts-node/register/transpile-only')],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		let onReady: (() => void) | undefined;
		let onReport: ((report: CpuReport) => void) | undefined;
		let onHalf: (() => void) | undefined;
		child.on('message', (message: { ready?: boolean; half?: boolean; report?: CpuReport }) => {
			if (message.ready) onReady?.();
			if (message.half) onHalf?.();
			if (message.report) onReport?.(message.report);
		});
		const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`gate CPU worker exited with ${code}`))));
		exited.catch(() => undefined);
		const ready = new Promise<void>((resolve) => (onReady = resolve));
		const next = (): Promise<CpuReport> => Promise.race([new Promise<CpuReport>((resolve) => (onReport = resolve)), exited]);
		const half = (): Promise<void> => Promise.race([new Promise<void>((resolve) => (onHalf = resolve)), exited]);
		child.send({ job });
		return { child, ready: Promise.race([ready, exited]), next, half };
	});
	const perMessage = (us: number, count: number) => Math.round((us / count) * 10) / 10;
	const gate: number[] = [];
	const main: number[] = [];
	const floor: number[] = [];
	try {
		await Promise.all(children.map((child) => child.ready));
		for (let index = 0; index < segments; index++) {
			// Every process starts each gated pass together, so through Redis they share the number as in the real pass.
			// Odd segments replay the previous gated pass first (see gateCpuWorker's runSegment).
			const floorFirst = index % 2 === 1;
			const halves = floorFirst ? children.map((child) => child.half()) : [];
			const pending = children.map((child) => child.next());
			for (const { child } of children) child.send({ go: { count: perSegment, floorFirst } });
			if (floorFirst) {
				await Promise.all(halves);
				for (const { child } of children) child.send({ resume: true });
			}
			const reports = await Promise.all(pending);
			// A Redis scenario whose workers fell back to local limits would measure the wrong path.
			if (scenario.processes && reports.some((report) => !report.sharedThroughRedis)) {
				throw new Error(`${scenario.name}: a CPU worker did not share the number through Redis; its figure would not be the Redis path's`);
			}
			const sum = (pick: (report: CpuReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
			const count = sum((report) => report.count);
			gate.push(perMessage(sum((report) => report.gatedCpuUs - report.floorCpuUs), count));
			main.push(perMessage(sum((report) => report.gatedMainUs - report.floorMainUs), count));
			floor.push(perMessage(sum((report) => report.floorCpuUs), count));
		}
	} finally {
		for (const { child } of children) if (child.connected) child.send({ done: true });
	}
	return {
		gate: Math.max(0, median(gate)),
		main: Math.max(0, median(main)),
		floor: median(floor),
		segments: gate,
		node: version,
	};
}

interface GateCpu {
	gate: number;
	main: number;
	floor: number;
	segments: number[];
	node: string;
}

/** Median, p99 and max of the trip lags (ms), or null when no departure could be matched. */
function lagFigures(lags: number[]): { p50: number; p99: number; max: number } | null {
	if (lags.length === 0) return null;
	const [p50, p99, max] = quantiles(lags, [0.5, 0.99, 1]);
	return { p50, p99, max };
}

function table(rows: Array<ScenarioResult & { process_cpu_us_per_msg: number }>): string {
	const header = ['scenario', 'mps', 'messages', 'achieved', 'ratio', 'sustained', '1st s ms', '130429', 'other errors', 'peak sent/s', 'peak accepted/s', 'lag p50/p99/max ms', 'gate µs/msg', 'main thread', 'stub floor', 'process µs/msg', 'peak RSS MB', 'jitter ms', 'busy', 'load', 'goal'];
	const lines = rows.map((row) => [
		row.name,
		String(row.configured_mps),
		String(row.messages),
		row.achieved_mps.toFixed(1),
		row.ratio.toFixed(3),
		row.sustained_ratio?.toFixed(3) ?? '–',
		row.first_second_ms === null ? '–' : String(row.first_second_ms),
		String(row.errors_130429),
		String(row.errors_other),
		String(row.peak_sent_per_second),
		String(row.peak_accepted_per_second),
		row.arrival_lag_ms === null ? '–' : `${row.arrival_lag_ms.p50}/${row.arrival_lag_ms.p99}/${row.arrival_lag_ms.max}`,
		row.gate_cpu_us_per_msg === null ? '–' : row.gate_cpu_us_per_msg.toFixed(1),
		row.gate_main_thread_us_per_msg === null ? '–' : row.gate_main_thread_us_per_msg.toFixed(1),
		row.stub_floor_us_per_msg === null ? '–' : row.stub_floor_us_per_msg.toFixed(1),
		String(row.process_cpu_us_per_msg),
		row.peak_rss_mb.toFixed(1),
		row.receive_jitter ?? '–',
		String(row.busy_processes),
		row.load_1m.toFixed(1),
		row.goal_met === null ? '–' : row.goal_met ? 'met' : 'MISSED',
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
	const format = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
	return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const messages = Number(option('messages') ?? 10_000);
	const slowMessages = Number(option('messages') ?? 2_000);
	const only = option('only')?.split(',');
	// --cpu-segments=0: throughput only (no CPU pass).
	const cpuSegments = Math.max(0, Number(option('cpu-segments') ?? 4));
	// --dump=DIR: each scenario's acceptance and departure times (ms) as JSON, to see the shape of its seconds.
	const dumpDir = option('dump');
	if (dumpDir) mkdirSync(dumpDir, { recursive: true });
	const scenarios: Scenario[] = [
		{ name: 'one-execution-80', mps: 80, messages: slowMessages, executions: 1, gate: true, cpuMessages: slowMessages * 4 },
		{ name: 'one-execution-1000', mps: 1000, messages, executions: 1, gate: true },
		{ name: 'four-executions-1000', mps: 1000, messages, executions: 4, gate: true, goal: { max130429: 0, minRatio: 0.97 } },
		{ name: 'two-processes-redis-1000', mps: 1000, messages, executions: 1, processes: 2, gate: true, cpuMessages: messages * 2 },
		{ name: 'no-gate-1000', mps: 1000, messages, executions: 1, gate: false },
		// A busy machine and a jittery network (issue 17): zero 130429 and ratio ≥ 0.95 in each.
		{ name: 'contention-1000', mps: 1000, messages, executions: 1, gate: true, busy: true, noCpuPass: true, goal: { max130429: 0, minRatio: 0.95 } },
		{ name: 'jitter50-1000', mps: 1000, messages, executions: 1, gate: true, jitter: { maxMs: 50 }, noCpuPass: true, goal: { max130429: 0, minRatio: 0.95 } },
		// A delay before counting as large as Meta's whole latency: no pacing is both full speed and throttle-free; no item may fail.
		{ name: 'jitter300-80', mps: 80, messages: slowMessages, executions: 1, gate: true, jitter: { meanMs: 300, spreadMs: 200 }, noCpuPass: true, goal: { max130429: Infinity, minRatio: 0 } },
	].filter((scenario) => !only || only.includes(scenario.name));

	const sim = await startSimProcess();
	const redis = scenarios.some((scenario) => scenario.processes) ? await startRedis() : undefined;
	const rows: Array<ScenarioResult & { process_cpu_us_per_msg: number }> = [];
	try {
		for (const scenario of scenarios) {
			const row = await runScenario(sim, redis, scenario, cpuSegments, dumpDir);
			rows.push(row);
			console.log(`${scenario.name}: ${row.achieved_mps} mps, ratio ${row.ratio}, 130429 ${row.errors_130429}, other ${row.errors_other}`);
		}
	} finally {
		await resetGateForTests();
		destroyGraphClients();
		await sim.stop();
		await redis?.stop();
	}
	console.log('');
	console.log(`limiter bench (messages ${messages}, ${slowMessages} at 80 mps; load average ${require('node:os').loadavg().map((n: number) => n.toFixed(1)).join(' ')})`);
	console.log(table(rows));
	return {
		scenarios: rows.map(({ process_cpu_us_per_msg: _unused, ...row }) => row),
	};
}
