/**
 * CPU per message of a Send Message execution: 1,000 text messages (recipient and text from each item's expressions)
 * through n8n-core's real `WorkflowExecute`, against the simulator in its own process (so its work is not counted)
 * with no latency and a number limit far above the pace (no call waits at the gate). Beside it, in the same runs and
 * over the same items: n8n's own per-item cost (NoOp: an execution carrying the items; Set: the same two expressions
 * read per item) and n8n's built-in WhatsApp node (n8n-nodes-base, from the n8n install `scripts/ensure-n8n.js` makes)
 * sending the same messages with its base URL pointed at the simulator. Ours runs twice: with the fields mapped as
 * n8n's drag and drop writes them (`{{ $json.phone }}`: read from the item, see nodes/shared/fieldExpressions.ts) and
 * with expressions n8n must evaluate (`{{ $json.phone.trim() }}`). The harness runs n8n's legacy expression engine:
 * isolated-vm, the 2.x default, needs Node 24, so its cost per expression is not measured here.
 *
 *   npm run bench -- send-cpu                           5 runs of each, the median
 *   npm run bench -- send-cpu --runs=5 --items=1000     more runs; --cpu-prof=FILE also writes the profile for DevTools
 *   npm run bench -- send-cpu --large=0                 no 5,000-item pass of ours and Set (it splits the cost into
 *                                                       per message and per execution)
 *   npm run bench -- send-cpu --gc-between              a full GC before each execution (cold: see collectGarbage)
 *
 * CPU is this process's `process.cpuUsage()` (user + system) across one `runWorkflow` call, divided by the items:
 * everything n8n and the node do for the execution (credential decryption, every expression, the gate, HTTP, the
 * run data), nothing subtracted. The split by phase comes from an inspector CPU profile of separate executions of
 * ours (profiling slows them, so the timed runs are not profiled); `uptime`'s load is printed with each run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import Module from 'node:module';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { runWorkflow, type RunWorkflowOptions, type WorkflowNodeInput } from '../test/harness';
import { startSimulatorProcess, type SimulatorProcess } from '../nodes/shared/limiter/__tests__/simulatorClient';
import { destroyGraphClients } from '../nodes/shared/transport';
import { median } from './stats';
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';

const HIGH_NUMBER = '300000000000002';
/** Far above what 1,000 sends in a second need, in the credential and at the simulator alike: nobody waits. */
const UNBOUNDED_MPS = 1_000_000;
const REPO_ROOT = resolve(__dirname, '..');

type Target = 'noOp' | 'set' | 'ours' | 'oursEvaluated' | 'builtIn';
const TARGET_LABEL: Record<Target, string> = {
	noOp: 'n8n NoOp (engine carrying the items)',
	set: 'n8n Set (the same 2 expressions per item)',
	ours: 'WhatsApp Send Message (this pack)',
	oursEvaluated: 'the same, expressions n8n evaluates',
	builtIn: "n8n's WhatsApp node (n8n-nodes-base)",
};

interface Options {
	runs: number;
	items: number;
	/** Items of the second, larger pass of ours and Set (0: none), which splits a per-message from a per-execution cost. */
	largeItems: number;
	/** A full GC before each execution (a cold start: V8 then re-optimises the hot code in every execution). */
	gcBetween: boolean;
	cpuProf?: string;
}

function parseOptions(args: string[]): Options {
	const value = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
	const whole = (name: string, fallback: number) => {
		const n = Number(value(name) ?? fallback);
		if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a whole number above 0`);
		return n;
	};
	const largeItems = value('large') === '0' ? 0 : whole('large', 5000);
	const items = whole('items', 1000);
	if (largeItems !== 0 && largeItems <= items) throw new Error('--large must be above --items (or 0)');
	return { runs: whole('runs', 5), items, largeItems, gcBetween: args.includes('--gc-between'), cpuProf: value('cpu-prof') };
}

// ---------------------------------------------------------------------------------------------------------------
// n8n-nodes-base from the n8n install
// ---------------------------------------------------------------------------------------------------------------

type AnyNodeType = INodeType | IVersionedNodeType;

interface BaseNodes {
	dir: string;
	noOp: AnyNodeType;
	set: AnyNodeType;
	whatsApp: INodeType;
	whatsAppApi: ICredentialType;
}

/** Where n8n-nodes-base is: the repo's node_modules if present, else the n8n install of scripts/ensure-n8n.js. */
function baseNodesDir(): string | undefined {
	const local = join(REPO_ROOT, 'node_modules', 'n8n-nodes-base');
	if (existsSync(local)) return local;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { n8nDir } = require('../scripts/ensure-n8n') as { n8nDir: () => string };
	const installed = join(n8nDir(), 'node_modules', 'n8n-nodes-base');
	return existsSync(installed) ? installed : undefined;
}

/**
 * Loads NoOp, Set and WhatsApp from n8n-nodes-base. Their `n8n-workflow` and `n8n-core` resolve to the copies this
 * process runs (the same versions), as in n8n, where one copy serves every node.
 */
function loadBaseNodes(dir: string): BaseNodes {
	const shared = new Map(['n8n-workflow', 'n8n-core'].map((name) => [name, require.resolve(name)]));
	const moduleWithResolver = Module as unknown as { _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string };
	const original = moduleWithResolver._resolveFilename;
	moduleWithResolver._resolveFilename = function (request, parent, ...rest) {
		const ours = shared.get(request);
		if (ours) return ours;
		return original.call(this, request, parent, ...rest);
	};
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const load = <T>(path: string, name: string) => new (require(join(dir, 'dist', path))[name] as new () => T)();
	return {
		dir,
		noOp: load<AnyNodeType>('nodes/NoOp/NoOp.node.js', 'NoOp'),
		set: load<AnyNodeType>('nodes/Set/Set.node.js', 'Set'),
		whatsApp: load<INodeType>('nodes/WhatsApp/WhatsApp.node.js', 'WhatsApp'),
		whatsAppApi: load<ICredentialType>('credentials/WhatsAppApi.credentials.js', 'WhatsAppApi'),
	};
}

// ---------------------------------------------------------------------------------------------------------------
// The executions
// ---------------------------------------------------------------------------------------------------------------

/** A distinct recipient per item (pair pacing is per recipient), in digits: the built-in node keeps spaces. */
function phoneFor(index: number): string {
	return `1650${5_000_000 + index}`;
}

/** Item fields, as n8n's drag-and-drop mapping writes them: read from the item without n8n's evaluator. */
const RECIPIENT = '={{ $json.phone }}';
const TEXT = '=Order {{ $json.ref }} is on its way';
/** The same values through n8n's evaluator (a method call is n8n's to run): the cost when expressions compute. */
const RECIPIENT_EVALUATED = '={{ $json.phone.trim() }}';
const TEXT_EVALUATED = '=Order {{ $json.ref.trim() }} is on its way';

function workflowFor(target: Target, sim: SimulatorProcess, base: BaseNodes | undefined, items: number): RunWorkflowOptions {
	const inputItems = Array.from({ length: items }, (_, i) => ({ json: { phone: phoneFor(i), ref: `cpu-${i}` } }));
	const fixture = sim.fixture;
	const ours = {
		accessToken: fixture.accessToken,
		apiVersion: 'v26.0',
		baseUrl: sim.url,
		wabaId: fixture.wabaId,
		throughputTier: 'custom',
		customMessagesPerSecond: UNBOUNDED_MPS,
	};
	// The items come from a node before, as from a trigger in n8n (a declarative node's `$json` needs a parent node).
	const node = (type: string, parameters: WorkflowNodeInput['parameters'], typeVersion?: number): WorkflowNodeInput[] => [
		...(base ? [{ name: 'Items', type: 'noOp', parameters: {} }] : []),
		{ name: 'Node', type, parameters, typeVersion },
	];
	switch (target) {
		case 'ours':
		case 'oursEvaluated':
			return {
				nodes: node('whatsAppSendMessage', {
					messageType: 'text',
					phoneNumberId: { __rl: true, mode: 'id', value: HIGH_NUMBER },
					recipient: target === 'ours' ? RECIPIENT : RECIPIENT_EVALUATED,
					textBody: target === 'ours' ? TEXT : TEXT_EVALUATED,
				}),
				nodeTypes: base ? { noOp: base.noOp } : {},
				credentials: { whatsAppCloudApi: ours },
				inputItems,
			};
		case 'noOp':
			return { nodes: node('noOp', {}), nodeTypes: { noOp: base!.noOp }, inputItems };
		case 'set':
			return {
				nodes: node(
					'set',
					{
						mode: 'manual',
						assignments: {
							assignments: [
								{ id: 'a1', name: 'to', value: RECIPIENT, type: 'string' },
								{ id: 'a2', name: 'text', value: TEXT, type: 'string' },
							],
						},
						options: {},
					},
					3.4,
				),
				nodeTypes: { noOp: base!.noOp, set: base!.set },
				inputItems,
			};
		case 'builtIn':
			return {
				nodes: node(
					'whatsApp',
					{
						resource: 'message',
						operation: 'send',
						phoneNumberId: HIGH_NUMBER,
						recipientPhoneNumber: RECIPIENT,
						messageType: 'text',
						textBody: TEXT,
					},
					1.1,
				),
				nodeTypes: { noOp: base!.noOp, whatsApp: base!.whatsApp },
				credentialTypes: { whatsAppApi: base!.whatsAppApi },
				credentials: { whatsAppApi: { accessToken: fixture.accessToken, businessAccountId: fixture.wabaId } },
				inputItems,
			};
	}
}

/**
 * The built-in node with its base URL (`requestDefaults.baseURL`, Meta's v13.0) pointed at the simulator, and without
 * its Send-and-Wait `webhook` method: with it, n8n-core (2.40) gives a declarative node no input data for expressions
 * and every `{{ $json… }}` fails ("No execution data available", n8n-io/n8n#13887, #13929); without it the node runs
 * its Send operation as before 1.82. Send and Wait is not used here.
 */
function pointAtSimulator(whatsApp: INodeType, sim: SimulatorProcess): void {
	whatsApp.description.requestDefaults = { ...whatsApp.description.requestDefaults, baseURL: `${sim.url}/v13.0/` };
	delete (whatsApp as { webhook?: unknown }).webhook;
}

interface Measurement {
	target: Target;
	cpuMs: number;
	/** Of which on the main (JavaScript) thread; the rest is V8's helper threads (GC, optimising compiles). */
	mainThreadMs?: number;
	wallMs: number;
	load1: number;
}

/** CPU time of this process's main thread so far, in ms (Linux schedstat, ns precision); undefined elsewhere. */
function mainThreadCpuMs(): number | undefined {
	try {
		return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
	} catch {
		return undefined;
	}
}

const SENDS: ReadonlySet<Target> = new Set(['ours', 'oursEvaluated', 'builtIn']);

/**
 * A full GC (`--gc-between`). Not the default: the objects of the last execution die with it, and V8 drops the
 * optimised code that referred to their shapes ("weak objects" in `--trace-deopt`), so every execution re-optimises
 * n8n's and our hot code on its helper threads: ~0.12 ms per message more at 1,000 items than back to back.
 */
function collectGarbage(): void {
	setFlagsFromString('--expose_gc');
	(runInNewContext('gc') as () => void)();
}

async function measure(target: Target, sim: SimulatorProcess, base: BaseNodes | undefined, items: number, gcBefore: boolean): Promise<Measurement> {
	const workflow = workflowFor(target, sim, base, items);
	if (SENDS.has(target)) await sim.reset();
	if (gcBefore) collectGarbage();
	const started = performance.now();
	const cpu = process.cpuUsage();
	const mainBefore = mainThreadCpuMs();
	const result = await runWorkflow(workflow);
	const used = process.cpuUsage(cpu);
	const mainAfter = mainThreadCpuMs();
	const wallMs = performance.now() - started;
	if (result.error) {
		throw new Error(`${TARGET_LABEL[target]}: the execution failed: ${result.error.message} ${String(result.error.description ?? '')}`, { cause: result.error });
	}
	const outputs = result.outputs('Node');
	if (outputs.length !== items) throw new Error(`${TARGET_LABEL[target]}: ${outputs.length} output items, expected ${items}`);
	if (SENDS.has(target)) {
		// Every item one accepted message (the built-in node reports Meta's errors as output items instead of failing).
		const counters = await sim.counters();
		if (counters.accepted !== items) {
			throw new Error(`${TARGET_LABEL[target]}: the simulator accepted ${counters.accepted} of ${items} (${JSON.stringify(counters.rejectedByCode)}); first output ${JSON.stringify(outputs[0])}`);
		}
	}
	const mainThreadMs = mainBefore === undefined || mainAfter === undefined ? undefined : mainAfter - mainBefore;
	return { target, cpuMs: (used.user + used.system) / 1000, mainThreadMs, wallMs, load1: loadavg()[0] };
}

// ---------------------------------------------------------------------------------------------------------------
// Phases, from a CPU profile
// ---------------------------------------------------------------------------------------------------------------

interface CpuProfile {
	nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

const PHASES = [
	'parameter reading',
	'body building',
	'gate',
	'transport',
	'output',
	'node loop (execute.ts)',
	'n8n engine (run data, items, credentials)',
	'garbage collection',
	'other (runtime, microtasks)',
] as const;
type Phase = (typeof PHASES)[number];

/**
 * The phase of one sample: parameter reading when n8n's getNodeParameter is anywhere on the stack (expressions are
 * evaluated there); otherwise the innermost frame that belongs to a phase (Node's own http/net code is transport).
 */
function phaseOfFrame(url: string, name: string): Phase | undefined {
	if (name === '(garbage collector)') return 'garbage collection';
	if (/nodes\/shared\/transport\/|node_modules\/(axios|form-data|proxy-from-env)\/|^node:(_http|http|https|net|tls|dns|internal\/(http|net|stream|streams\/|dns|url))/.test(url)) return 'transport';
	if (/nodes\/shared\/limiter\/|node_modules\/bottleneck\//.test(url)) return 'gate';
	if (/nodes\/WhatsAppSendMessage\/execute\.ts$/.test(url) && name === 'output') return 'output';
	if (/nodes\/WhatsAppSendMessage\/actions\/|nodes\/shared\/(messages|descriptions)\//.test(url)) return 'body building';
	if (/nodes\/WhatsAppSendMessage\/|nodes\/shared\/(errors|itemErrors)/.test(url)) return 'node loop (execute.ts)';
	if (/node_modules\/(n8n-core|n8n-workflow|@n8n\/|luxon|lodash)/.test(url)) return 'n8n engine (run data, items, credentials)';
	return undefined;
}

function phasesOf(profile: CpuProfile): Map<Phase, number> {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const cache = new Map<number, Phase | 'idle'>();
	const classify = (leaf: number): Phase | 'idle' => {
		const known = cache.get(leaf);
		if (known) return known;
		let phase: Phase | 'idle' | undefined;
		for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
			const { functionName, url } = byId.get(id)!.callFrame;
			// Idle, and the inspector's own work to hand the profile over.
			if (functionName === '(idle)' || functionName === '(program)' || url === 'node:inspector') {
				phase = 'idle';
				break;
			}
			if (/getNodeParameter$/.test(functionName) && /n8n-core/.test(url)) {
				phase = 'parameter reading';
				break;
			}
			phase ??= phaseOfFrame(url, functionName);
		}
		const result = phase ?? 'other (runtime, microtasks)';
		cache.set(leaf, result);
		return result;
	};
	const totals = new Map<Phase, number>();
	profile.samples.forEach((id, i) => {
		const phase = classify(id);
		if (phase === 'idle') return;
		totals.set(phase, (totals.get(phase) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	});
	return totals;
}

async function profiled<T>(work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
	const session = new Session();
	session.connect();
	const post = <R>(method: string, params?: object) =>
		new Promise<R>((done, fail) => session.post(method, params ?? {}, (error, result) => (error ? fail(error) : done(result as R))));
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: 200 });
	await post('Profiler.start');
	try {
		const result = await work();
		const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
		return { result, profile };
	} finally {
		session.disconnect();
	}
}

// ---------------------------------------------------------------------------------------------------------------

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const options = parseOptions(args);
	const dir = baseNodesDir();
	const base = dir ? loadBaseNodes(dir) : undefined;
	if (!base) console.log('n8n-nodes-base not found (run `node scripts/ensure-n8n.js`): only our node is measured');
	const sim = await startSimulatorProcess({ latency: 'none', mps: { [HIGH_NUMBER]: UNBOUNDED_MPS } });
	try {
		if (base) pointAtSimulator(base.whatsApp, sim);
		const targets: Target[] = base ? ['noOp', 'set', 'ours', 'oursEvaluated', 'builtIn'] : ['ours', 'oursEvaluated'];
		const gc = options.gcBetween;
		// Each target's executions back to back, as a busy n8n runs them, after two of its own: JIT, module loading,
		// sockets, the gate's lane, and the collection of what the target before left.
		const runs: Measurement[] = [];
		const rows: string[] = [];
		for (const target of targets) {
			for (let warmUp = 0; warmUp < 2; warmUp++) await measure(target, sim, base, options.items, gc);
			for (let r = 0; r < options.runs; r++) {
				const m = await measure(target, sim, base, options.items, gc);
				runs.push(m);
				const main = m.mainThreadMs === undefined ? '' : ` (main thread ${(m.mainThreadMs / options.items).toFixed(3)})`;
				rows.push(`run ${r + 1}  ${TARGET_LABEL[target].padEnd(44)} ${(m.cpuMs / options.items).toFixed(3).padStart(7)} ms/msg${main}  ${Math.round(m.cpuMs).toString().padStart(5)} ms CPU  ${Math.round(m.wallMs).toString().padStart(5)} ms wall  load ${m.load1.toFixed(2)}`);
			}
		}
		const perItem = (target: Target, field: 'cpuMs' | 'mainThreadMs' = 'cpuMs') => {
			const of = runs.filter((m) => m.target === target && m[field] !== undefined);
			return of.length ? round3(median(of.map((m) => m[field]!)) / options.items) : undefined;
		};

		// A larger execution of ours and Set: cost = per execution + items × per message. V8 re-optimises code after every
		// execution (see Measurement), a cost per execution that a per-message figure of 1,000 items carries a share of.
		const split: Partial<Record<Target, { largeMsPerMessage: number; marginalMsPerMessage: number; perExecutionMs: number }>> = {};
		if (options.largeItems > 0) {
			for (const target of targets.filter((t) => t === 'ours' || t === 'set')) {
				const large: number[] = [];
				await measure(target, sim, base, options.largeItems, gc);
				for (let r = 0; r < options.runs; r++) large.push((await measure(target, sim, base, options.largeItems, gc)).cpuMs);
				const small = median(runs.filter((m) => m.target === target).map((m) => m.cpuMs));
				const marginal = (median(large) - small) / (options.largeItems - options.items);
				split[target] = {
					largeMsPerMessage: round3(median(large) / options.largeItems),
					marginalMsPerMessage: round3(marginal),
					perExecutionMs: Math.round(small - marginal * options.items),
				};
			}
		}

		// Phases of ours, from profiled executions (not the timed ones).
		const { profile } = await profiled(async () => {
			for (let r = 0; r < options.runs; r++) await measure('ours', sim, base, options.items, gc);
		});
		if (options.cpuProf) writeFileSync(options.cpuProf, JSON.stringify(profile));
		const phases = phasesOf(profile);
		const profiledMs = [...phases.values()].reduce((t, ms) => t + ms, 0);
		const phaseRows = PHASES.map((phase) => {
			const ms = phases.get(phase) ?? 0;
			return { phase, msPerMessage: round3(ms / (options.runs * options.items)), share: Math.round((ms / Math.max(1, profiledMs)) * 1000) / 10 };
		});

		console.log(
			`\nsend-cpu: ${options.items} items per execution, median of ${options.runs} runs back to back${gc ? ', a full GC before each' : ''} (CPU of this process; the simulator runs apart)`,
		);
		for (const row of rows) console.log(row);
		console.log('');
		for (const target of targets) {
			const main = perItem(target, 'mainThreadMs');
			console.log(`${TARGET_LABEL[target].padEnd(52)} ${perItem(target)!.toFixed(3).padStart(7)} ms/msg (median)${main === undefined ? '' : `, main thread ${main.toFixed(3)}`}`);
		}
		for (const [target, figures] of Object.entries(split)) {
			console.log(
				`${TARGET_LABEL[target as Target]}: ${figures.largeMsPerMessage.toFixed(3)} ms/msg over ${options.largeItems} items; each message ${figures.marginalMsPerMessage.toFixed(3)} ms, each execution ${figures.perExecutionMs} ms`,
			);
		}
		// V8's profiler samples the main thread on a wall-clock tick: a sample taken while the thread waited for a core
		// counts for whatever was on its stack, so on a busy machine the split includes those waits.
		console.log(`\nWhere ours goes on the main thread (profiled executions, ${Math.round(profiledMs)} ms of samples; profiling adds its own cost, and on a busy machine the split includes waits for a core):`);
		for (const row of phaseRows) console.log(`  ${row.phase.padEnd(44)} ${row.msPerMessage.toFixed(3).padStart(7)} ms/msg  ${row.share.toFixed(1).padStart(5)} %`);

		return {
			items: options.items,
			runs: options.runs,
			oursMsPerMessage: perItem('ours'),
			oursMainThreadMsPerMessage: perItem('ours', 'mainThreadMs'),
			oursEvaluatedMsPerMessage: perItem('oursEvaluated'),
			setMainThreadMsPerItem: perItem('set', 'mainThreadMs'),
			noOpMsPerItem: perItem('noOp'),
			setMsPerItem: perItem('set'),
			builtInWhatsAppMsPerMessage: perItem('builtIn'),
			largeItems: options.largeItems,
			gcBetween: gc,
			oursLarge: split.ours,
			setLarge: split.set,
			goalMsPerMessage: 0.25,
			metGoal: (perItem('ours') ?? Infinity) <= 0.25,
			load1: runs.map((m) => round3(m.load1)),
			runsMs: runs.map((m) => ({ target: m.target, cpuMs: Math.round(m.cpuMs), wallMs: Math.round(m.wallMs) })),
			phases: Object.fromEntries(phaseRows.map((row) => [row.phase, row.msPerMessage])),
			n8nNodesBase: base?.dir,
		};
	} finally {
		destroyGraphClients();
		await sim.stop();
	}
}
