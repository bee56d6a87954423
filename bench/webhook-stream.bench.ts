/**
 * Meta's webhooks for a 1,000-msg/s sender through a real n8n (2.40.7, as trigger-http starts it): the simulator
 * streams each message's sent, delivered and read statuses plus the customers' inbound messages (0.3 per message, as
 * in Meta's sizing example), signed and shaped as Meta sends them, to the production URL of
 *   - ours: WhatsApp Cloud Trigger (Trigger On: messages) → NoOp; it records every status in the conversation ledger
 *     (Redis) and starts an execution for the messages only;
 *   - the anchor: n8n's built-in WhatsApp Trigger (updates: messages, no status updates) → NoOp, the same stream in
 *     the same run. Its credential's Client Secret is the App Secret: it checks X-Hub-Signature-256 with it and, on a
 *     mismatch, answers 200 and starts nothing (no 401), so a wrong secret would look fast and lose every event.
 * Topologies: `main` (one n8n, on SQLite as `npm start` runs it unless `--main-db`; the credential's Redis URL for the ledger) and
 * `queue` (main + one webhook process + one worker + Redis; the webhook process takes the stream) on a throwaway
 * PostgreSQL, what n8n supports for queue mode (`--db=sqlite`: three processes on one SQLite file met SQLITE_BUSY). Batching: Meta puts up to 1,000 updates in one body
 * when it has a backlog; `--batches=100,1` runs the stream with bodies of up to 100 updates, then one update each
 * (the unbatched ceiling). Non-200 answers are retried as Meta does and counted.
 *
 * Every update is reconciled: each inbound message must be an item of exactly one execution (read back from n8n's
 * execution data); for ours each message's statuses must be in the ledger (its latest state `read`: the simulator
 * posts a message's next status only once the previous one was answered), for n8n's they are its deliberate drops;
 * what Meta could not deliver after its retries is counted apart. `lost` = updates − reconciled − dropped −
 * undelivered: must be 0.
 *
 * Goal: ≥ 3,000 events/s answered 200 with Meta-like batching (3× the send rate; Meta: median answer ≤ 250 ms).
 * Options: `--rate=1000` (messages/s) `--seconds=10` `--inbound=0.3` `--batches=100,1` `--connections=16`
 * `--tick=20` (ms of updates that may share a body when connections are free) `--inbound-batching=backlog` (inbound
 * messages waiting behind busy connections share bodies up to `--batches`, as Meta aggregates all notifications;
 * `body`: never beyond their tick, so at 20 ms they come ~6 to a body and make most POSTs and every execution whatever
 * `--batches` says) `--topologies=main,queue` `--targets=ours,anchor` `--db=postgres`
 * (queue mode's database) `--main-db=sqlite` (the main topology's) `--save-success=all` `--engine=vm` (n8n 2.x's default;
 * `vm-lazy` adds N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE, `legacy` as in trigger-http).
 *
 * Tuned as n8n's scaling docs tell a busy instance: "n8n recommends that you don't save unnecessary data" ("# Don't
 * save successful executions / export EXECUTIONS_DATA_SAVE_ON_SUCCESS=none", with EXECUTIONS_DATA_SAVE_ON_ERROR=all;
 * https://docs.n8n.io/deploy/host-n8n/configure-n8n/scaling/manage-execution-data), "You can configure data saving and
 * pruning to improve database performance" (https://docs.n8n.io/deploy/host-n8n/configure-n8n/scaling/), and queue mode
 * "provides the best scalability" (same page): `--save-success=none` sets it, `--main-db=postgres` puts one main on a
 * throwaway PostgreSQL. With `none` n8n keeps no successful execution to read back, so each workflow's second node
 * (both triggers alike) posts the IDs its trigger output to a counting sink in this process (bench/trigger/
 * countingSink.ts), one POST per execution; the inbound messages are reconciled against what it received, and the
 * executions n8n still saves (failed ones, SAVE_ON_ERROR) must be 0. With `all` the second node is the NoOp it was.
 * Each row shows how far batching went: posts and mean / largest updates per body, statuses and inbound apart.
 * Prints per-process CPU during each stream (n8n's processes, PostgreSQL, Redis, this process: the simulator's sender).
 * `--profile=DIR`: a CPU profile of n8n main during each stream, DIR/<topology>-<target>-<batch>.cpuprofile
 * (bench/trigger/profilePreload.js; summarise with `npx ts-node bench/trigger/profileSummary.ts FILE`).
 */
import * as fs from 'fs';
import * as os from 'os';

import { parse as parseFlatted } from 'flatted';

import { closeRedisClients } from '../nodes/shared/redis';
import { getConversationLedger } from '../nodes/shared/conversations';
import { waitFor, type Stack } from '../test/e2e/helpers';
import { streamWebhooks, type BodySizes, type WebhookStreamReport } from '../test/simulator/webhookStream';
import type { InboundBatching } from '../test/simulator/webhooks';
import { databaseOf, type N8nDatabase } from '../test/support/postgres';
import { choiceOf } from '../test/support/options';
import { cpuMsOf, cpuSpent, formatCpu, n8nCpuMs, postgresCpuMs, redisCpuMs } from './processCpu';
import { quantiles } from './stats';
import { countExecutions, cpuTimes, machineCpu, round, settle, startTriggerN8n, webhookIdOf, workflowIdOf, type Engine, type SaveSuccess, type Target } from './trigger-http.bench';
import { startCountingSink, type SinkTally } from './trigger/countingSink';
import { clearConversationLedgers } from '../test/support/testHooks';

type Topology = 'main' | 'queue';

interface Options {
	rate: number;
	seconds: number;
	inbound: number;
	batches: number[];
	connections: number;
	tickMs: number;
	inboundBatching: InboundBatching;
	topologies: Topology[];
	targets: Target[];
	profileDir?: string;
	/** n8n's database in the queue topology. */
	db: N8nDatabase;
	/** n8n's database in the main topology (default SQLite, as `npm start` runs it). */
	mainDb: N8nDatabase;
	saveSuccess: SaveSuccess;
	/** n8n's expression engine (trigger-http's names): `vm` (n8n 2.x's default, as users run it), `vm-lazy`, `legacy`. */
	engine: Engine;
}

interface Reconciled {
	/** Inbound messages found as execution items, and those found more than once. */
	inboundItems: number;
	duplicateItems: number;
	/** A few messages output more than once, with the executions that output them (to look them up in n8n). */
	duplicateExamples: Record<string, number[]>;
	/** Status updates the ledger accounts for (a message whose latest state is read accounts for three). */
	statusesInLedger: number;
	/** Statuses the trigger drops by design, unrecorded (n8n's trigger set to messages only). */
	droppedStatuses: number;
	/** Executions n8n saved as not successful (with `--save-success=none`, the only ones it keeps): must be 0. */
	failedExecutions?: number;
	lost: number;
}

interface Row {
	topology: Topology;
	db: N8nDatabase;
	saveSuccess: SaveSuccess;
	target: Target;
	maxUpdatesPerBody: number;
	updates: number;
	posts: number;
	/** Updates answered 200 per second, from the first message to the last answer (a backlog's drain included). */
	eventsPerSecond: number;
	/** The rate offered: updates per second of the sender's schedule. */
	offeredPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	non200: number;
	undelivered: number;
	/** Executions n8n counted (`all`), or POSTs the sink received, one per execution (`none`). */
	executionsStarted: number;
	bodies: WebhookStreamReport['bodies'];
	reconciled?: Reconciled;
	loadAverage: number;
	machineCpuBusy?: number;
	/** CPU time of n8n main (Linux /proc) from the stream's start until its executions settled, per update: unlike the rate, not slowed by other processes. */
	n8nMainCpuUsPerUpdate?: number;
	/** CPU ms of each process during the stream. */
	cpuMs: Record<string, number>;
}

function parseOptions(args: string[]): Options {
	const value = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const list = (name: string, fallback: string[]) => value(name)?.split(',').filter(Boolean) ?? fallback;
	const positive = (name: string, fallback: number) => {
		const number = Number(value(name) ?? fallback);
		if (!(number > 0)) throw new Error(`--${name} must be a positive number, not "${value(name)}"`);
		return number;
	};
	return {
		rate: positive('rate', 1000),
		seconds: positive('seconds', 10),
		inbound: Number(value('inbound') ?? 0.3),
		batches: list('batches', ['100', '1']).map(Number),
		connections: positive('connections', 16),
		tickMs: positive('tick', 20),
		inboundBatching: choiceOf<InboundBatching>('inbound-batching', value('inbound-batching'), ['backlog', 'body']),
		topologies: list('topologies', ['main', 'queue']) as Topology[],
		targets: list('targets', ['ours', 'anchor']) as Target[],
		profileDir: value('profile'),
		db: databaseOf(value('db')),
		mainDb: value('main-db') === undefined ? 'sqlite' : databaseOf(value('main-db')),
		saveSuccess: choiceOf<SaveSuccess>('save-success', value('save-success'), ['all', 'none']),
		engine: choiceOf<Engine>('engine', value('engine'), ['vm', 'vm-lazy', 'legacy']),
	};
}

/** n8n's executions list gives at most this many per page, whatever `limit` asks for. */
const PAGE = 100;
/** Above any execution ID (PostgreSQL's integer): the open upper end of a range. */
const ID_CEILING = 2_147_483_647;

/**
 * A workflow's execution IDs strictly between `firstId` and `lastId`, highest first. Both ends are always given:
 * without them n8n 2.40.7 (findLatestCurrentAndCompleted) lists running executions first and the rest by start
 * time, not by ID, and paging on by the last ID listed read one execution twice (its items counted twice).
 */
async function executionIdsBetween(stack: Stack, workflowId: string, firstId: number, lastId: number, limit: number): Promise<number[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await stack.n8n.rest('GET', `/executions?filter=${filter}&limit=${limit}&firstId=${firstId}&lastId=${lastId}`);
	return ((page.results ?? []) as Array<{ id: string }>).map((execution) => Number(execution.id));
}

/** The highest execution ID of a workflow so far (IDs grow), so a run's executions are those above it. */
async function lastExecutionId(stack: Stack, workflowId: string): Promise<number> {
	return (await executionIdsBetween(stack, workflowId, 0, ID_CEILING, 1))[0] ?? 0;
}

/** Every execution of a workflow above `afterId`, highest first, page by page. */
async function executionIdsAfter(stack: Stack, workflowId: string, afterId: number): Promise<number[]> {
	const ids: number[] = [];
	let below = ID_CEILING;
	for (;;) {
		const listed = await executionIdsBetween(stack, workflowId, afterId, below, PAGE);
		ids.push(...listed);
		// A short page is the last; one not below the previous means n8n ignored the range: stop rather than loop.
		if (listed.length < PAGE || listed[listed.length - 1] >= below) return ids;
		below = listed[listed.length - 1];
	}
}

interface OutputItem {
	json: { messageId?: string; messages?: Array<{ id?: string }> };
}

/**
 * The message IDs a trigger output in one execution, read back from n8n's execution data: ours outputs one item per
 * message (`messageId`), n8n's one item per change (its `messages`).
 */
async function itemsOf(stack: Stack, executionId: number): Promise<string[]> {
	// An execution is counted once created; its data is there once it ran (on the worker in queue mode).
	const execution = await waitFor(
		`execution ${executionId} to finish`,
		async () => {
			const found = await stack.n8n.rest('GET', `/executions/${executionId}`);
			return ['new', 'running', 'queued'].includes(String(found.status)) ? undefined : found;
		},
		120_000,
		250,
	);
	const data = parseFlatted(execution.data) as { resultData: { runData: Record<string, Array<{ data?: { main?: OutputItem[][] } }>> } };
	const items = data.resultData.runData.Trigger?.[0]?.data?.main?.[0] ?? [];
	return items.flatMap((item) => (item.json.messageId !== undefined ? [item.json.messageId] : (item.json.messages ?? []).map((message) => String(message.id))));
}

/** Runs `work` over `inputs` with `width` at a time. */
async function eachLimited<T>(inputs: T[], width: number, work: (input: T) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(Array.from({ length: Math.min(width, inputs.length) }, async () => {
		while (next < inputs.length) await work(inputs[next++]);
	}));
}

const STAGES: Record<string, number> = { sent: 1, delivered: 2, read: 3 };

/** Where each message ID was output: the executions that output it (read back), or one entry per POST to the sink. */
type Outputs = Map<string, number[]>;

/** The message IDs of every execution n8n kept (`--save-success=all`), with the execution that output each. */
async function outputsOfExecutions(stack: Stack, executionIds: number[]): Promise<Outputs> {
	const seen: Outputs = new Map();
	await eachLimited(executionIds, 8, async (id) => {
		for (const messageId of await itemsOf(stack, id)) seen.set(messageId, [...(seen.get(messageId) ?? []), id]);
	});
	return seen;
}

/** The message IDs the workflows' second node posted to the sink (`--save-success=none`); no execution ID to show. */
function outputsOfSink(tally: SinkTally): Outputs {
	return new Map([...tally.seen].map(([messageId, times]) => [messageId, Array.from({ length: times }, () => 0)]));
}

/** Waits until the sink has every inbound message, or its POSTs stop growing for 5 s (the rest then count as lost). */
async function settleSink(tally: SinkTally, inboundIds: string[]): Promise<void> {
	let lastPosts = -1;
	for (let quiet = 0; quiet < 10 && inboundIds.some((id) => !tally.seen.has(id)); ) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		quiet = tally.posts === lastPosts ? quiet + 1 : 0;
		lastPosts = tally.posts;
	}
}

/**
 * Accounts for every update of the stream: the outputs for the inbound messages, the ledger for the statuses (ours;
 * n8n's trigger keeps none, so its statuses are its deliberate drops and only its messages are reconciled).
 */
async function reconcile(stack: Stack, redisUrl: string | undefined, report: WebhookStreamReport, seen: Outputs, failedExecutions?: number): Promise<Reconciled> {
	const inboundItems = report.inboundIds.filter((id) => seen.has(id)).length;
	const twice = [...seen].filter(([, executions]) => executions.length > 1);
	const duplicateItems = twice.length;
	const duplicateExamples = Object.fromEntries(twice.slice(0, 3));
	if (redisUrl === undefined) {
		const dropped = report.messageIds.length * 3;
		return { inboundItems, duplicateItems, duplicateExamples, statusesInLedger: 0, droppedStatuses: dropped, failedExecutions, lost: report.updates - inboundItems - dropped - report.updatesUndelivered };
	}
	clearConversationLedgers();
	const ledger = getConversationLedger({ redisUrl, accessToken: stack.sim.fixture.accessToken });
	let statusesInLedger = 0;
	// One at a time: a Redis call that times out on a busy machine answers from this process's empty memory (and
	// concurrent calls with it), so a status not found is read again.
	for (const messageId of report.messageIds) {
		let state: string | undefined;
		for (let tries = 0; tries < 3 && state === undefined; tries++) state = (await ledger.statusOf(messageId))?.state;
		statusesInLedger += STAGES[state ?? ''] ?? 0;
	}
	return { inboundItems, duplicateItems, duplicateExamples, statusesInLedger, droppedStatuses: 0, failedExecutions, lost: report.updates - inboundItems - statusesInLedger - report.updatesUndelivered };
}

/** Starts (first call) or stops and saves (second call) the CPU profile of n8n main; resolves the saved file. */
async function toggleProfile(stack: Stack, dir: string, saveAs?: string): Promise<void> {
	const pid = stack.n8n.main?.child.pid;
	if (pid === undefined) return;
	const before = new Set(fs.readdirSync(dir));
	process.kill(pid, 'SIGUSR2');
	if (saveAs === undefined) return;
	const file = await waitFor('the CPU profile', () => fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile') && !before.has(name)), 60_000, 200);
	fs.renameSync(`${dir}/${file}`, saveAs);
	console.log(`CPU profile of n8n main: ${saveAs}`);
}

async function runTopology(topology: Topology, options: Options): Promise<Row[]> {
	if (options.profileDir) {
		fs.mkdirSync(options.profileDir, { recursive: true });
		process.env.WA_BENCH_PROFILE_DIR = options.profileDir;
	}
	const db = topology === 'queue' ? options.db : options.mainDb;
	// Without successful executions to read back, the workflows report what they output to the sink.
	const sink = options.saveSuccess === 'none' ? await startCountingSink() : undefined;
	let n8n: Awaited<ReturnType<typeof startTriggerN8n>>;
	try {
		n8n = await startTriggerN8n(options.engine, {
			webhookProcesses: topology === 'queue' ? 1 : 0,
			triggerVersion: 2,
			targets: options.targets,
			ledgerRedis: true,
			anchorMessagesOnly: true,
			db,
			saveSuccess: options.saveSuccess,
			sinkUrl: sink?.url,
		});
	} catch (error) {
		await sink?.stop();
		throw error;
	}
	const { stack } = n8n;
	const processCpu = (): Record<string, number> => {
		const result: Record<string, number> = { main: n8nCpuMs(stack.n8n.main?.child.pid) };
		for (const [name, helper] of Object.entries(n8n.queueProcesses)) result[name] = n8nCpuMs(helper.child.pid);
		const postgres = postgresCpuMs(n8n.postgres);
		if (postgres !== undefined) result.postgres = postgres;
		const redis = n8n.redis && redisCpuMs(n8n.redis.port);
		if (redis !== undefined) result.redis = redis;
		// This process: the simulator streaming the webhooks, and the ledger reads between streams.
		result.bench = cpuMsOf((pid) => pid === process.pid);
		return result;
	};
	const rows: Row[] = [];
	try {
		for (const target of options.targets) {
			const workflowId = workflowIdOf(target);
			const url = `${n8n.bases[0]}/webhook/${webhookIdOf(target)}/webhook`;
			for (const maxUpdatesPerBody of options.batches) {
				await settle(stack, workflowId);
				const before = await countExecutions(stack, workflowId);
				const lastBefore = await lastExecutionId(stack, workflowId);
				sink?.reset(target);
				const loadAverage = os.loadavg()[0];
				const cpuBefore = cpuTimes();
				const processBefore = processCpu();
				if (options.profileDir) await toggleProfile(stack, options.profileDir);
				const report = await streamWebhooks(stack.sim, {
					url,
					messagesPerSecond: options.rate,
					messages: Math.round(options.rate * options.seconds),
					inboundPerMessage: options.inbound,
					maxUpdatesPerBody,
					connections: options.connections,
					tickMs: options.tickMs,
					inboundBatching: options.inboundBatching,
				});
				const cpuAfter = cpuTimes();
				const processAfter = processCpu();
				if (sink) await settleSink(sink.tally(target), report.inboundIds);
				const after = await settle(stack, workflowId);
				const mainCpuAfter = n8nCpuMs(stack.n8n.main?.child.pid);
				// After settling: the executions a stream started run (and are saved) after their webhook answered.
				if (options.profileDir) await toggleProfile(stack, options.profileDir, `${options.profileDir}/${topology}-${target}-${maxUpdatesPerBody}.cpuprofile`);
				const [p50, p99] = quantiles(report.latenciesMs, [0.5, 0.99]);
				const row: Row = {
					topology,
					db,
					saveSuccess: options.saveSuccess,
					target,
					maxUpdatesPerBody,
					updates: report.updates,
					posts: report.posts,
					eventsPerSecond: round(report.updatesAnswered / (report.elapsedMs / 1000)),
					offeredPerSecond: round(report.updates / options.seconds),
					p50Ms: round(p50),
					p99Ms: round(p99),
					non200: report.non200,
					undelivered: report.updatesUndelivered,
					executionsStarted: sink ? sink.tally(target).posts : after - before,
					bodies: report.bodies,
					loadAverage: round(loadAverage),
					machineCpuBusy: machineCpu(cpuBefore, cpuAfter, report.posts).machineCpuBusy,
					n8nMainCpuUsPerUpdate: round(((mainCpuAfter - processBefore.main) * 1000) / report.updates),
					cpuMs: cpuSpent(processBefore, processAfter),
				};
				const ledgerUrl = target === 'ours' ? n8n.redis?.url : undefined;
				const saved = await executionIdsAfter(stack, workflowId, lastBefore);
				// With `none` n8n keeps only the executions that did not succeed: each one is a failure.
				row.reconciled = sink
					? await reconcile(stack, ledgerUrl, report, outputsOfSink(sink.tally(target)), saved.length)
					: await reconcile(stack, ledgerUrl, report, await outputsOfExecutions(stack, saved));
				rows.push(row);
				printRow(row);
			}
		}
	} finally {
		await closeRedisClients();
		await n8n.stop();
		await sink?.stop();
	}
	return rows;
}

/** POSTs and mean / largest updates per body, statuses then inbound messages. */
function formatBodies(bodies: WebhookStreamReport['bodies']): string {
	const kind = (sizes: BodySizes) => `${sizes.posts} × ${sizes.posts ? round(sizes.updates / sizes.posts) : 0} (≤ ${sizes.max})`;
	return `${kind(bodies.statuses)} / ${kind(bodies.messages)}`;
}

function printRow(row: Row): void {
	const r = row.reconciled;
	const cells = [
		`${row.topology} (${row.db}, save ${row.saveSuccess})`,
		row.target,
		row.maxUpdatesPerBody,
		row.updates,
		row.posts,
		row.offeredPerSecond,
		row.eventsPerSecond,
		row.p50Ms,
		row.p99Ms,
		row.non200,
		row.undelivered,
		formatBodies(row.bodies),
		row.executionsStarted,
		r ? `${r.inboundItems} items (${r.duplicateItems} twice), ${r.statusesInLedger} in ledger, ${r.droppedStatuses} dropped${r.failedExecutions === undefined ? '' : `, ${r.failedExecutions} failed`}, lost ${r.lost}` : '—',
		`${row.loadAverage} / ${row.machineCpuBusy ?? '?'} %`,
		row.n8nMainCpuUsPerUpdate ?? '?',
		formatCpu(row.cpuMs),
	];
	console.log(`| ${cells.join(' | ')} |`);
	if (r && r.duplicateItems > 0) console.log(`  output more than once (message → executions; 0: an execution n8n did not keep): ${JSON.stringify(r.duplicateExamples)}`);
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const options = parseOptions(args);
	console.log(
		`webhook-stream: ${options.rate} msg/s for ${options.seconds} s (${options.inbound} inbound per message, batched by ${options.inboundBatching}), ${options.connections} connections, main on ${options.mainDb}, queue mode on ${options.db}, successful executions saved: ${options.saveSuccess}, expression engine ${options.engine}; load average before: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`,
	);
	console.log('| topology | target | updates / body ≤ | updates | POSTs | offered /s | answered 200 /s | p50 ms | p99 ms | non-200 | undelivered | bodies: statuses / inbound, POSTs × mean (≤ max) updates | executions | reconciled | load / CPU busy | n8n main CPU µs / update | process CPU s |');
	console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
	const rows: Row[] = [];
	for (const topology of options.topologies) rows.push(...(await runTopology(topology, options)));
	return { rate: options.rate, seconds: options.seconds, inbound: options.inbound, inboundBatching: options.inboundBatching, connections: options.connections, db: options.db, mainDb: options.mainDb, saveSuccess: options.saveSuccess, results: rows };
}
