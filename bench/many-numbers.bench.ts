/**
 * `npm run bench -- many-numbers`: many phone numbers in one process (issue 17). For 1, 10 and 100 numbers of one
 * WABA, each at 80 msg/s for 20 s, against the simulator in its own process (Meta-like latency, each number limited to
 * 80 in any sliding second): every number's peak in a sliding second (the simulator's count), 130429s, the aggregate
 * ratio (messages accepted / (numbers × 80 × seconds from the first call to the last acceptance)) and the process'
 * CPU per message; then the gate's own CPU per message at the same load on a stub transport (Meta-like latency, no HTTP)
 * minus the same calls on the stub without the gate; then memory per idle number and the timer wake-ups of idle
 * numbers (every timer callback that runs while 1,000 numbers sit idle, counted by wrapping the global timer functions).
 *
 *   npm run bench -- many-numbers                       1, 10 and 100 numbers, 20 s each (the issue's figures)
 *   npm run bench -- many-numbers --seconds=5 --numbers=1,10 --idle-numbers=200 --idle-seconds=5   a short run
 *
 * Options: --seconds=N (20), --numbers=1,10,100, --idle-numbers=N (1,000), --idle-seconds=N (15), --cpu-seconds=N (5)
 * and --cpu-segments=N (3; 0 = no CPU pass).
 *
 * Each number gets its messages as a backlog kept ~3 s deep (not all at once: 160,000 waiting calls would measure the
 * bench's memory, not the gate's). The aggregate ratio needs the CPU for numbers × 80 msg/s through HTTP on both the
 * gate's and the simulator's side: at 100 numbers (8,000 msg/s) a 2-core machine has not got it; the row says so.
 */
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { credentialsFor, peakInWindow, recipientFor, sendText, warmUp } from '../nodes/shared/limiter/__tests__/helpers';
import { startSimulatorProcess, type SimulatorProcess } from '../nodes/shared/limiter/__tests__/simulatorClient';
import { destroyGraphClients, graphRequest, isGraphApiError, type GraphRequestHooks } from '../nodes/shared/transport';
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from '../nodes/shared/transport/types';
import { defaultFixture } from '../test/simulator/fixture';
import type { FixturePhoneNumber } from '../test/simulator/types';
import { median } from './stats';
import { configureGateForTests, gateRegistryForTests, resetGateForTests } from '../test/support/testHooks';

const RATE = 80;
/** Each number's backlog is kept this many seconds of traffic deep. */
const BACKLOG_SECONDS = 3;
const STUB_MEDIAN_MS = 300;
/** The idle figures leave out this first stretch after the last answer (counted apart as the tail). */
const TAIL_MS = 1000;

interface RunRow {
	numbers: number;
	configured_mps_per_number: number;
	seconds: number;
	messages: number;
	accepted: number;
	/** Messages accepted / (numbers × 80 × seconds from the first call to the last acceptance). */
	aggregate_ratio: number;
	errors_130429: number;
	/** Items that failed (any code). */
	failed_items: number;
	/** The highest of the numbers' peaks in any sliding second (the simulator's count); each must be ≤ 80. */
	max_peak_per_second: number;
	numbers_over_limit: number;
	/** The highest of the numbers' peaks of our own requests (when each was written) in any 1,000 ms: the gate's pacing, whatever the receiver. */
	max_sent_per_second: number;
	process_cpu_us_per_msg: number;
	/** The gate's own CPU per message (median over segments) on the stub transport, and each segment's figure. */
	gate_cpu_us_per_msg: number | null;
	gate_cpu_segments_us_per_msg: number[] | null;
	stub_floor_us_per_msg: number | null;
	load_1m: number;
}

/** Numbers 31000000000000 + i, each a STANDARD number (80 msg/s), in the simulator's fixture. */
function numberIds(count: number): string[] {
	return Array.from({ length: count }, (_, index) => String(310_000_000_000_000 + index));
}

function fixtureNumbers(ids: string[]): FixturePhoneNumber[] {
	const standard = defaultFixture().phoneNumbers[0];
	return ids.map((id, index) => ({ ...standard, id, displayPhoneNumber: `+1 555-020-${String(index).padStart(4, '0')}`, verifiedName: `Many ${index}` }));
}

function gcNow(): void {
	setFlagsFromString('--expose-gc');
	(runInNewContext('gc') as () => void)();
}

/**
 * Sends `perNumber` messages on each number through `send`, keeping each number's backlog ~3 s deep; resolves with
 * failures by code once every item settled, and the time the first call was handed over.
 */
async function feed(
	ids: string[],
	perNumber: number,
	send: (numberId: string, index: number) => Promise<unknown>,
): Promise<{ failures: Record<string, number>; startedAt: number }> {
	const failures: Record<string, number> = {};
	const issued = new Map(ids.map((id) => [id, 0]));
	const outstanding = new Map(ids.map((id) => [id, 0]));
	let settled = 0;
	const total = ids.length * perNumber;
	const startedAt = Date.now();
	await new Promise<void>((resolve) => {
		const topUp = () => {
			for (const id of ids) {
				while ((outstanding.get(id) ?? 0) < RATE * BACKLOG_SECONDS && (issued.get(id) ?? 0) < perNumber) {
					const index = issued.get(id) ?? 0;
					issued.set(id, index + 1);
					outstanding.set(id, (outstanding.get(id) ?? 0) + 1);
					send(id, index).then(
						() => undefined,
						(error: unknown) => {
							const code = isGraphApiError(error) ? String(error.code ?? error.errorClass) : 'other';
							failures[code] = (failures[code] ?? 0) + 1;
						},
					).finally(() => {
						outstanding.set(id, (outstanding.get(id) ?? 0) - 1);
						settled++;
						if (settled === total) {
							clearInterval(timer);
							resolve();
						}
					});
				}
			}
		};
		const timer = setInterval(topUp, 50);
		topUp();
	});
	return { failures, startedAt };
}

/** The transport's stand-in (as the limiter bench's CPU pass): says the request left on a later tick, answers after a Meta-like latency. */
function stubTransport<T>(_credentials: WhatsAppCredentials, _request: unknown, hooks?: GraphRequestHooks): Promise<GraphResponse<T>> {
	const onSent = hooks?.onSent;
	if (onSent) setImmediate(() => onSent(Date.now()));
	const latencyMs = STUB_MEDIAN_MS * (0.3 + Math.random() * 1.4);
	return new Promise((resolve) => setTimeout(() => resolve({ status: 200, data: { messages: [{ id: 'stub' }] } as T, usage: {} }), latencyMs));
}

/** CPU (µs) the process spent while `work` ran. */
async function cpuOf(work: () => Promise<unknown>): Promise<number> {
	const start = process.cpuUsage();
	await work();
	const used = process.cpuUsage(start);
	return used.user + used.system;
}

/**
 * The gate's own CPU per message for `ids` at 80 msg/s each: `segments` segments of `seconds`, each a gated pass on the
 * stub transport and the same count of stub calls released at the same aggregate rate without the gate (alternating
 * which goes first); the median over segments of the difference per message, and of the floor.
 */
async function gateCpu(sim: SimulatorProcess, ids: string[], seconds: number, segments: number): Promise<{ gate: number; floor: number; segments: number[] }> {
	const perNumber = Math.ceil(RATE * seconds);
	const total = ids.length * perNumber;
	const credentials = credentialsFor(sim, { throughputTier: 'standard', registeredNumbers: ids.length, maxWaitSeconds: 600, maxAttempts: 10 });
	const gated = async (): Promise<number> => {
		await resetGateForTests();
		configureGateForTests({ transport: stubTransport });
		gcNow();
		const used = await cpuOf(() => feed(ids, perNumber, (id, index) => sendText(credentials, `s${index}`, recipientFor(index), id)));
		await resetGateForTests();
		return used;
	};
	const floor = async (): Promise<number> => {
		gcNow();
		return cpuOf(() => releaseStubCalls(total, ids.length * RATE));
	};
	const differences: number[] = [];
	const floors: number[] = [];
	for (let index = 0; index < segments; index++) {
		const floorFirst = index % 2 === 1;
		const first = await (floorFirst ? floor() : gated());
		const second = await (floorFirst ? gated() : floor());
		const [gatedUs, floorUs] = floorFirst ? [second, first] : [first, second];
		differences.push(Math.round(((gatedUs - floorUs) / total) * 10) / 10);
		floors.push(Math.round((floorUs / total) * 10) / 10);
	}
	return { gate: median(differences), floor: median(floors), segments: differences };
}

/** `total` stub calls at `perSecond` (every 25 ms a 40th of a second's worth), no gate; resolves once all answered. */
function releaseStubCalls(total: number, perSecond: number): Promise<void> {
	return new Promise<void>((resolve) => {
		let issued = 0;
		let owed = 0;
		const pending: Array<Promise<unknown>> = [];
		const timer = setInterval(() => {
			owed += perSecond / 40;
			while (owed >= 1 && issued < total) {
				owed -= 1;
				issued++;
				pending.push(stubTransport(undefined as unknown as WhatsAppCredentials, {}, { onSent: () => undefined }));
			}
			if (issued >= total) {
				clearInterval(timer);
				void Promise.all(pending).then(() => resolve());
			}
		}, 25);
	});
}

async function runNumbers(sim: SimulatorProcess, ids: string[], seconds: number, cpuPass: { seconds: number; segments: number }): Promise<RunRow> {
	await sim.reset();
	await resetGateForTests();
	// The real transport, noting when each request was written, by number.
	const departures = new Map<string, number[]>(ids.map((id) => [id, []]));
	configureGateForTests({
		transport: <T>(credentials: WhatsAppCredentials, request: GraphRequest, hooks?: GraphRequestHooks) => {
			const times = departures.get((request.path ?? '').split('/')[1]);
			return graphRequest<T>(credentials, request, {
				onSent: (at) => {
					times?.push(at);
					hooks?.onSent?.(at);
				},
			});
		},
	});
	const credentials = credentialsFor(sim, { throughputTier: 'standard', registeredNumbers: ids.length, maxWaitSeconds: 600, maxAttempts: 10 });
	await warmUp(credentials, 50);
	await sim.reset();
	const perNumber = RATE * seconds;
	let failures: Record<string, number> = {};
	let startedAt = 0;
	const cpuUs = await cpuOf(async () => {
		({ failures, startedAt } = await feed(ids, perNumber, (id, index) => sendText(credentials, `m${index}`, recipientFor(index), id)));
	});
	const load = loadavg()[0];
	const counters = await sim.counters();
	const newest = await fetch(`${sim.url}/_sim/log?limit=1`).then((response) => response.json() as Promise<{ messages: Array<{ acceptedAt: number }> }>);
	const lastAt = newest.messages[0]?.acceptedAt ?? Date.now();
	const peaks = ids.map((id) => counters.peakPerSecond[id] ?? 0);
	const accepted = counters.accepted;
	const ratio = accepted / (ids.length * RATE * Math.max(0.001, (lastAt - startedAt) / 1000));
	const cpu = cpuPass.segments > 0 ? await gateCpu(sim, ids, cpuPass.seconds, cpuPass.segments) : undefined;
	return {
		numbers: ids.length,
		configured_mps_per_number: RATE,
		seconds,
		messages: ids.length * perNumber,
		accepted,
		aggregate_ratio: Math.round(ratio * 1000) / 1000,
		errors_130429: counters.rejectedByCode['130429'] ?? 0,
		failed_items: Object.values(failures).reduce((sum, count) => sum + count, 0),
		max_peak_per_second: Math.max(...peaks),
		numbers_over_limit: peaks.filter((peak) => peak > RATE).length,
		max_sent_per_second: Math.max(...ids.map((id) => peakInWindow(departures.get(id) ?? [], 1000))),
		process_cpu_us_per_msg: Math.round(cpuUs / (ids.length * perNumber)),
		gate_cpu_us_per_msg: cpu?.gate ?? null,
		gate_cpu_segments_us_per_msg: cpu?.segments ?? null,
		stub_floor_us_per_msg: cpu?.floor ?? null,
		load_1m: Math.round(load * 10) / 10,
	};
}

interface IdleFigures {
	idle_numbers: number;
	/** Heap (after a full GC) per number that sent one message and went idle (its lane, WABA share, recipient, credential view). */
	heap_bytes_per_idle_number: number;
	/** Typed-array memory outside the heap per idle number (its sliding second's and hour's counters). */
	array_buffer_bytes_per_idle_number: number;
	/** Timer callbacks in the first second after the last answer (the tail of the sends: each lease's end in Bottleneck). */
	tail_wakeups: number;
	idle_seconds: number;
	/** Timer callbacks (setTimeout, setInterval, setImmediate) that ran while the numbers sat idle, all together. */
	timer_wakeups: number;
	/** Of those, the gate's process-wide sweeper (one per process, not per number). */
	sweeper_wakeups: number;
	timer_wakeups_per_idle_number_per_minute: number;
}

/**
 * Memory and timer wake-ups of idle numbers: `count` numbers each send one message (stub transport, no latency), then
 * sit idle for `seconds`; every timer callback that runs meanwhile is counted (the bench's own wait excepted), the first second apart.
 */
async function idleFigures(sim: SimulatorProcess, count: number, seconds: number): Promise<IdleFigures> {
	await resetGateForTests();
	configureGateForTests({ transport: (_credentials, _request, hooks) => stubIdleCall(hooks) });
	const ids = numberIds(count);
	const credentials = credentialsFor(sim, { throughputTier: 'standard', registeredNumbers: count });
	// One number first, so the heap figure leaves out what the first one costs the process (the WABA, the sweeper).
	await sendText(credentials, 'first', recipientFor(0), '399999999999990');
	const timers = countTimers();
	gcNow();
	const before = process.memoryUsage();
	await Promise.all(ids.map((id, index) => sendText(credentials, `i${index}`, recipientFor(index), id)));
	const idle = () => [...gateRegistryForTests().lanes.values()].every((lane) => lane.isIdle());
	while (!idle()) await timers.sleep(10);
	gcNow();
	const after = process.memoryUsage();
	const heapPerNumber = Math.round((after.heapUsed - before.heapUsed) / count);
	const arrayBuffersPerNumber = Math.round((after.arrayBuffers - before.arrayBuffers) / count);
	// The first second: the tail of the last sends (a lease ending in Bottleneck); after it, what idleness itself costs.
	timers.reset();
	await timers.sleep(TAIL_MS);
	const tail = timers.reset();
	await timers.sleep(seconds * 1000);
	const counted = timers.stop();
	await resetGateForTests();
	return {
		idle_numbers: count,
		heap_bytes_per_idle_number: heapPerNumber,
		array_buffer_bytes_per_idle_number: arrayBuffersPerNumber,
		tail_wakeups: tail.total,
		idle_seconds: seconds,
		timer_wakeups: counted.total,
		sweeper_wakeups: counted.sweeper,
		timer_wakeups_per_idle_number_per_minute: Math.round(((counted.total - counted.sweeper) / count / seconds) * 60 * 1000) / 1000,
	};
}

function stubIdleCall<T>(hooks?: GraphRequestHooks): Promise<GraphResponse<T>> {
	const onSent = hooks?.onSent;
	if (onSent) setImmediate(() => onSent(Date.now()));
	return new Promise((resolve) => setImmediate(() => resolve({ status: 200, data: { messages: [{ id: 'stub' }] } as T, usage: {} })));
}

/**
 * Wraps the global timer functions so each callback that runs is counted (the sweeper's by its interval's callback
 * name, `sweep`); `sleep` waits with the original setTimeout, uncounted. `stop` restores them.
 */
function countTimers(): { reset: () => { total: number; sweeper: number }; stop: () => { total: number; sweeper: number }; sleep: (ms: number) => Promise<void> } {
	const original = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval, setImmediate: globalThis.setImmediate };
	let total = 0;
	let sweeper = 0;
	const counted =
		<F extends (...args: never[]) => unknown>(schedule: F) =>
		(callback: (...args: unknown[]) => void, ...rest: unknown[]) =>
			(schedule as unknown as (...args: unknown[]) => unknown)((...args: unknown[]) => {
				total++;
				if (/\bsweep\(/.test(callback.toString())) sweeper++;
				callback(...args);
			}, ...rest);
	Object.assign(globalThis, {
		setTimeout: counted(original.setTimeout),
		setInterval: counted(original.setInterval),
		setImmediate: counted(original.setImmediate),
	});
	return {
		reset: () => {
			const so = { total, sweeper };
			total = 0;
			sweeper = 0;
			return so;
		},
		stop: () => {
			Object.assign(globalThis, original);
			return { total, sweeper };
		},
		sleep: (ms) => new Promise((resolve) => original.setTimeout(resolve, ms)),
	};
}

function table(rows: RunRow[]): string {
	const header = ['numbers', 'mps each', 'seconds', 'messages', 'accepted', 'ratio', '130429', 'failed', 'max peak/s', 'over limit', 'max sent/s', 'process µs/msg', 'gate µs/msg', 'stub floor', 'load'];
	const lines = rows.map((row) => [
		String(row.numbers),
		String(row.configured_mps_per_number),
		String(row.seconds),
		String(row.messages),
		String(row.accepted),
		row.aggregate_ratio.toFixed(3),
		String(row.errors_130429),
		String(row.failed_items),
		String(row.max_peak_per_second),
		String(row.numbers_over_limit),
		String(row.max_sent_per_second),
		String(row.process_cpu_us_per_msg),
		row.gate_cpu_us_per_msg === null ? '–' : row.gate_cpu_us_per_msg.toFixed(1),
		row.stub_floor_us_per_msg === null ? '–' : row.stub_floor_us_per_msg.toFixed(1),
		row.load_1m.toFixed(1),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
	const format = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column])).join('  ');
	return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const seconds = Number(option('seconds') ?? 20);
	const counts = (option('numbers') ?? '1,10,100').split(',').map(Number);
	const idleCount = Number(option('idle-numbers') ?? 1000);
	const idleSeconds = Number(option('idle-seconds') ?? 15);
	// The gate's CPU: segments of a gated pass and a replay without the gate (0 segments: no CPU pass).
	const cpuPass = { seconds: Number(option('cpu-seconds') ?? 5), segments: Number(option('cpu-segments') ?? 3) };
	const ids = numberIds(Math.max(...counts));
	// The idle numbers use a stub transport: the simulator knows only the sending ones (its options go in argv).
	const sim = await startSimulatorProcess({ latency: 'meta', requestLogLimit: 100, messageLogLimit: 1000, fixture: { phoneNumbers: fixtureNumbers(ids) } });
	const rows: RunRow[] = [];
	let idle: IdleFigures | undefined;
	try {
		for (const count of counts) {
			const row = await runNumbers(sim, ids.slice(0, count), seconds, cpuPass);
			rows.push(row);
			console.log(`many-numbers ${count}: ratio ${row.aggregate_ratio}, 130429 ${row.errors_130429}, max peak ${row.max_peak_per_second}, gate ${row.gate_cpu_us_per_msg} µs/msg`);
		}
		idle = await idleFigures(sim, idleCount, idleSeconds);
	} finally {
		await resetGateForTests();
		destroyGraphClients();
		await sim.stop();
	}
	console.log('');
	console.log(`many-numbers bench (${seconds} s at ${RATE} msg/s per number; ${cpus().length} cores; simulator niceness ${sim.niceness})`);
	console.log(table(rows));
	console.log(
		`idle: ${idle.idle_numbers} numbers, ${idle.heap_bytes_per_idle_number} bytes of heap and ${idle.array_buffer_bytes_per_idle_number} of array buffers each; ${idle.tail_wakeups} timer wake-ups in the first second after the last answer, then ${idle.timer_wakeups} timer wake-ups in ${idle.idle_seconds} s (${idle.sweeper_wakeups} the process' sweeper), ${idle.timer_wakeups_per_idle_number_per_minute} per idle number per minute`,
	);
	return { runs: rows, idle, simulator_niceness: sim.niceness };
}
