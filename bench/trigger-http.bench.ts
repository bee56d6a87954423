/**
 * The WhatsApp Cloud Trigger in a real n8n (2.40.7 from the cache, as `npm start` runs it: SQLite, one main process),
 * answering signed webhooks posted to its production URL, as Meta posts them during a broadcast. For each expression
 * engine asked for (n8n's default `vm`, and `legacy`) a fresh n8n is started with two active workflows:
 *   - ours: WhatsApp Cloud Trigger (Trigger On: messages) → NoOp;
 *   - the anchor: n8n's built-in WhatsApp Trigger (updates: messages) → NoOp. Its activation talks to
 *     graph.facebook.com, which a preload in that n8n sends to a stub here (bench/trigger/graphStub.ts).
 * Streams, each for `--seconds` with `--concurrency` requests in flight (keep-alive):
 *   - status: one status per request (sent / delivered / read), as Meta sends them while it has no backlog. Ours
 *     starts no execution (the trigger outputs messages only); the anchor starts one per request.
 *   - inbound: one inbound text per request: every request starts an execution.
 *   - batch: Meta-like batches of 25 updates (70 % statuses), each starting one execution.
 * Prints requests/s, events/s, p50 / p99 latency, answers other than 200, executions started, and how busy the
 * machine's CPU was (share, and busy CPU ms per request over all cores and processes: tells a saturated machine).
 * Options: `--engines=vm,vm-lazy,legacy` `--streams=status,inbound,batch` `--targets=ours,anchor` `--seconds=10`
 * `--concurrency=8` `--warmup=2` (seconds of the same stream first, not counted) `--trigger-version=2`
 * `--webhook-processes=N` (queue mode with N webhook processes; 0, the default, is one n8n as `npm start` runs it).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

import { signWebhookBody } from '../nodes/shared/webhook';
import { batchBody, body, inboundTextChange, metaJson, statusChange, wamid } from '../nodes/shared/webhook/__tests__/fixtures';
import { executionsOf, queueModeEnv, startQueueProcess, startStack, waitFor, type N8nProcess, type Stack } from '../test/e2e/helpers';
import { startPostgres, type N8nDatabase, type TestPostgres } from '../test/support/postgres';
import { startRedis, type TestRedis } from '../test/support/redis';
import { quantiles } from './stats';
import { startGraphStub } from './trigger/graphStub';

/** n8n's expression engine: the default `vm`, `vm-lazy` (the same with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE), `legacy`. */
export type Engine = 'vm' | 'vm-lazy' | 'legacy';

const ENGINE_ENV: Record<Engine, Record<string, string>> = {
	vm: { N8N_EXPRESSION_ENGINE: 'vm' },
	'vm-lazy': { N8N_EXPRESSION_ENGINE: 'vm', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	legacy: { N8N_EXPRESSION_ENGINE: 'legacy' },
};
type Stream = 'status' | 'inbound' | 'batch';
export type Target = 'ours' | 'anchor';

interface Options {
	engines: Engine[];
	streams: Stream[];
	targets: Target[];
	seconds: number;
	warmupSeconds: number;
	concurrency: number;
	/** Our trigger's node version (2, what the editor adds; 1 for workflows made before it). */
	triggerVersion: number;
	/**
	 * 0: one n8n (`n8n start`) takes the webhooks. N: queue mode (Redis), the main process, one worker and N webhook
	 * processes (`n8n webhook`) taking the webhooks in turn, as a load balancer in front of them would.
	 */
	webhookProcesses: number;
}

interface StreamResult {
	engine: Engine;
	webhookProcesses: number;
	target: Target;
	stream: Stream;
	requests: number;
	requestsPerSecond: number;
	eventsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	non200: number;
	executionsStarted: number;
	/** Share of the machine's CPU time busy during the stream (every process: n8n, the load, the rest), in %. */
	machineCpuBusy?: number;
	/** The machine's busy CPU time during the stream per request answered, in ms (all cores, all processes). */
	machineCpuMsPerRequest?: number;
}

/** Linux counts /proc/stat in ticks of 1/100 s (USER_HZ). */
const MS_PER_TICK = 10;

/** Busy and total CPU time of the machine so far (Linux /proc/stat), to tell a saturated machine from a slow path. */
export function cpuTimes(): { busy: number; total: number } | undefined {
	try {
		const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
		const idle = fields[3] + (fields[4] ?? 0);
		const total = fields.reduce((sum, value) => sum + value, 0);
		return { busy: total - idle, total };
	} catch {
		return undefined;
	}
}

const OUR_WORKFLOW_ID = 'benchTriggerOurs1';
const ANCHOR_WORKFLOW_ID = 'benchTriggerAnch1';
const OUR_WEBHOOK_ID = '7d1c2b3a-4e5f-4a6b-9c8d-0e1f2a3b4c5d';
const ANCHOR_WEBHOOK_ID = '8e2d3c4b-5f6a-4b7c-8d9e-1f2a3b4c5d6e';
const ANCHOR_CREDENTIAL = { id: 'benchAnchorCred01', name: 'WhatsApp OAuth (bench anchor)' };
const EVENTS_PER_BATCH = 25;

function parseOptions(args: string[]): Options {
	const value = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const list = <T extends string>(name: string, fallback: T[]) => (value(name)?.split(',').filter(Boolean) as T[] | undefined) ?? fallback;
	return {
		engines: list<Engine>('engines', ['vm', 'vm-lazy', 'legacy']),
		streams: list<Stream>('streams', ['status', 'inbound', 'batch']),
		targets: list<Target>('targets', ['ours', 'anchor']),
		seconds: Number(value('seconds') ?? 10),
		warmupSeconds: Number(value('warmup') ?? 2),
		concurrency: Number(value('concurrency') ?? 8),
		triggerVersion: Number(value('trigger-version') ?? 2),
		webhookProcesses: Number(value('webhook-processes') ?? 0),
	};
}

/**
 * The message IDs of every item the trigger output, as an n8n expression: ours outputs `messageId` per message, n8n's
 * trigger one item per change with its `messages`.
 */
const OUTPUT_IDS = '$input.all().flatMap((item) => item.json.messageId !== undefined ? [item.json.messageId] : (item.json.messages || []).map((message) => message.id))';

/** The node after each trigger: a NoOp, or (with a sink) one POST per execution of the IDs output to `${sinkUrl}/${path}`. */
function doneNode(id: string, sinkUrl: string | undefined, path: Target): Record<string, unknown> {
	const node = { id, name: 'Done', position: [300, 0] };
	if (sinkUrl === undefined) return { ...node, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
	return {
		...node,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		// Once per execution, with every item's IDs in one body.
		executeOnce: true,
		parameters: { method: 'POST', url: `${sinkUrl}/${path}`, sendBody: true, contentType: 'json', specifyBody: 'json', jsonBody: `={{ { ids: ${OUTPUT_IDS} } }}`, options: {} },
	};
}

function workflows(triggerVersion: number, anchorMessagesOnly = false, sinkUrl?: string): Array<Record<string, unknown>> {
	return [
		{
			id: OUR_WORKFLOW_ID,
			name: 'bench: WhatsApp Cloud Trigger',
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'b0000000-0000-4000-8000-000000000001',
					name: 'Trigger',
					type: '{{PACKAGE}}.whatsAppTrigger',
					typeVersion: triggerVersion,
					position: [0, 0],
					parameters: { subscription: 'manual', triggerOn: ['messages'], verifySignature: true, options: { verifyToken: 'bench-verify-token' } },
					webhookId: OUR_WEBHOOK_ID,
				},
				doneNode('b0000000-0000-4000-8000-000000000002', sinkUrl, 'ours'),
			],
			connections: { Trigger: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		},
		{
			id: ANCHOR_WORKFLOW_ID,
			name: "bench: n8n's WhatsApp Trigger",
			active: false,
			settings: { executionOrder: 'v1' },
			nodes: [
				{
					id: 'b0000000-0000-4000-8000-000000000003',
					name: 'Trigger',
					type: 'n8n-nodes-base.whatsAppTrigger',
					typeVersion: 1,
					position: [0, 0],
					// No status values: n8n's trigger then drops status changes (filterStatuses) and starts nothing for them.
					parameters: { updates: ['messages'], options: anchorMessagesOnly ? { messageStatusUpdates: [] } : {} },
					webhookId: ANCHOR_WEBHOOK_ID,
					credentials: { whatsAppTriggerApi: ANCHOR_CREDENTIAL },
				},
				doneNode('b0000000-0000-4000-8000-000000000004', sinkUrl, 'anchor'),
			],
			connections: { Trigger: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		},
	];
}

interface Payload {
	raw: Buffer;
	signature: string;
	events: number;
}

/** A fresh signed body of the stream's kind (new message IDs each time, so no redelivery is dropped). */
function payload(stream: Stream, appSecret: string): Payload {
	let value: unknown;
	let events = 1;
	if (stream === 'status') {
		value = body([statusChange(wamid(), ['sent', 'delivered', 'read'][Math.floor(Math.random() * 3)])]);
	} else if (stream === 'inbound') {
		value = body([inboundTextChange('16505551234', 'Ana', 'Olá, quero saber do meu pedido')]);
	} else {
		value = batchBody(EVENTS_PER_BATCH).body;
		events = EVENTS_PER_BATCH;
	}
	const raw = Buffer.from(metaJson(value));
	return { raw, signature: signWebhookBody(raw, appSecret), events };
}

function post(agent: http.Agent, url: URL, item: Payload): Promise<{ status: number; ms: number }> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method: 'POST',
				agent,
				headers: { 'content-type': 'application/json', 'content-length': item.raw.length, 'x-hub-signature-256': item.signature },
			},
			(response) => {
				response.resume();
				response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
			},
		);
		request.on('error', reject);
		request.end(item.raw);
	});
}

/** Posts for `seconds` with `concurrency` requests in flight; bodies are made before they are timed. */
async function drive(urls: URL[], stream: Stream, appSecret: string, seconds: number, concurrency: number) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const latencies: number[] = [];
	let non200 = 0;
	let events = 0;
	const started = performance.now();
	const deadline = started + seconds * 1000;
	await Promise.all(
		Array.from({ length: concurrency }, async (_unused, slot) => {
			for (let turn = slot; performance.now() < deadline; turn++) {
				const item = payload(stream, appSecret);
				const answer = await post(agent, urls[turn % urls.length], item);
				latencies.push(answer.ms);
				events += item.events;
				if (answer.status !== 200) non200 += 1;
			}
		}),
	);
	const elapsed = (performance.now() - started) / 1000;
	agent.destroy();
	return { latencies, non200, events, elapsed };
}

export async function countExecutions(stack: Stack, workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const data = await stack.n8n.rest('GET', `/executions?filter=${filter}&limit=1`);
	return Number(data.count ?? (await executionsOf(stack.n8n, workflowId)).length);
}

/** A fresh n8n (one main, or queue mode) with both trigger workflows active and their production URLs answering. */
export interface TriggerN8n {
	stack: Stack;
	/** Base URLs taking the webhooks: the main, or the webhook processes in queue mode. */
	bases: string[];
	/** The Redis of queue mode, or of the ledger when asked for (the trigger records statuses there). */
	redis?: TestRedis;
	/** Queue mode's processes beside the main, by name: `worker`, `webhook-1`, … */
	queueProcesses: Record<string, N8nProcess>;
	/** n8n's database when it is PostgreSQL. */
	postgres?: TestPostgres;
	stop(): Promise<void>;
}

export interface TriggerN8nOptions {
	webhookProcesses: number;
	triggerVersion: number;
	targets: Target[];
	/** One main: the credential's Redis URL points at a Redis of its own, so the conversation ledger can be read back. */
	ledgerRedis?: boolean;
	/** n8n's trigger outputs inbound messages only, as ours does (default: statuses too). */
	anchorMessagesOnly?: boolean;
	/** n8n's database (default: SQLite, as `npm start` runs it; n8n supports queue mode on PostgreSQL). */
	db?: N8nDatabase;
	/** EXECUTIONS_DATA_SAVE_ON_SUCCESS (default `all`, n8n's default); failed executions are saved either way. */
	saveSuccess?: SaveSuccess;
	/** Each workflow's second node posts the IDs it got here (bench/trigger/countingSink.ts) instead of doing nothing. */
	sinkUrl?: string;
}

/** Whether n8n keeps successful executions' data: `all` (its default) or `none` (its advice for volume). */
export type SaveSuccess = 'all' | 'none';

export async function startTriggerN8n(engine: Engine, options: TriggerN8nOptions): Promise<TriggerN8n> {
	const stub = await startGraphStub();
	const redis: TestRedis | undefined = options.webhookProcesses > 0 || options.ledgerRedis ? await startRedis() : undefined;
	const postgres = options.db === 'postgres' ? await startPostgres() : undefined;
	const queue = options.webhookProcesses > 0;
	const env: Record<string, string> = {
		...postgres?.env,
		...ENGINE_ENV[engine],
		// The anchor's activation calls graph.facebook.com: the preload sends it to the stub.
		NODE_OPTIONS: [
			`--require ${path.join(__dirname, 'trigger', 'graphPreload.js')}`,
			// Inert unless WA_BENCH_PROFILE_DIR is set (webhook-stream --profile).
			`--require ${path.join(__dirname, 'trigger', 'profilePreload.js')}`,
			process.env.WA_BENCH_NODE_OPTIONS ?? '',
		]
			.join(' ')
			.trim(),
		WA_BENCH_GRAPH_STUB: stub.url,
		// What `npm start` users keep: the default log level, successful executions saved unless told `none`.
		N8N_LOG_LEVEL: 'warn',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: options.saveSuccess ?? 'all',
		...(redis && queue ? queueModeEnv(redis.port) : {}),
	};
	// In queue mode the pack uses queue mode's Redis when the credential names none.
	const credential = redis && !queue ? { redisUrl: redis.url } : undefined;
	const queueProcesses: Record<string, N8nProcess> = {};
	let stack: Stack | undefined;
	const stop = async () => {
		await Promise.all(Object.values(queueProcesses).map((helper) => helper.stop()));
		await stack?.stop();
		await redis?.stop();
		postgres?.stop();
		await stub.stop();
	};
	try {
		stack = await startStack({ name: `trigger-http-${engine}`, extraEnv: env, credential });
		const started = stack;
		await started.n8n.importCredentials([
			{ ...ANCHOR_CREDENTIAL, type: 'whatsAppTriggerApi', data: { clientId: started.sim.fixture.appId, clientSecret: started.sim.fixture.appSecret } },
		]);
		await started.n8n.importWorkflows(workflows(options.triggerVersion, options.anchorMessagesOnly, options.sinkUrl) as never);
		for (const target of options.targets) await started.n8n.activate(target === 'ours' ? OUR_WORKFLOW_ID : ANCHOR_WORKFLOW_ID);
		let bases = [started.n8n.url];
		if (queue) {
			queueProcesses.worker = await startQueueProcess(started, { name: 'worker' });
			for (let index = 1; index <= options.webhookProcesses; index++) {
				queueProcesses[`webhook-${index}`] = await startQueueProcess(started, { name: `webhook-${index}`, command: 'webhook' });
			}
			bases = Object.entries(queueProcesses).filter(([name]) => name.startsWith('webhook-')).map(([, helper]) => helper.url);
		}
		for (const target of options.targets) {
			for (const base of bases) {
				const url = new URL(`${base}/webhook/${webhookIdOf(target)}/webhook`);
				await waitFor('the production webhook', async () => ((await post(new http.Agent(), url, payload('status', started.sim.fixture.appSecret))).status === 200 ? true : undefined), 60_000, 500);
			}
		}
		return { stack: started, bases, redis, queueProcesses, postgres, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

export function webhookIdOf(target: Target): string {
	return target === 'ours' ? OUR_WEBHOOK_ID : ANCHOR_WEBHOOK_ID;
}

export function workflowIdOf(target: Target): string {
	return target === 'ours' ? OUR_WORKFLOW_ID : ANCHOR_WORKFLOW_ID;
}

async function runEngine(engine: Engine, options: Options): Promise<StreamResult[]> {
	const n8n = await startTriggerN8n(engine, options);
	const { stack, bases } = n8n;
	const results: StreamResult[] = [];
	try {
		for (const target of options.targets) {
			const workflowId = workflowIdOf(target);
			const urls = bases.map((base) => new URL(`${base}/webhook/${webhookIdOf(target)}/webhook`));
			for (const stream of options.streams) {
				if (options.warmupSeconds > 0) await drive(urls, stream, stack.sim.fixture.appSecret, options.warmupSeconds, options.concurrency);
				await settle(stack, workflowId);
				const before = await countExecutions(stack, workflowId);
				const cpuBefore = cpuTimes();
				const run = await drive(urls, stream, stack.sim.fixture.appSecret, options.seconds, options.concurrency);
				const cpuAfter = cpuTimes();
				const after = await settle(stack, workflowId);
				const [p50, p99] = quantiles(run.latencies, [0.5, 0.99]);
				results.push({
					engine,
					webhookProcesses: options.webhookProcesses,
					target,
					stream,
					requests: run.latencies.length,
					requestsPerSecond: round(run.latencies.length / run.elapsed),
					eventsPerSecond: round(run.events / run.elapsed),
					p50Ms: round(p50),
					p99Ms: round(p99),
					non200: run.non200,
					executionsStarted: after - before,
					...machineCpu(cpuBefore, cpuAfter, run.latencies.length),
				});
				printRow(results[results.length - 1]);
			}
		}
	} finally {
		await n8n.stop();
	}
	return results;
}

/** How busy the machine was between two readings: share of CPU time, and busy CPU ms per request answered. */
export function machineCpu(
	before: ReturnType<typeof cpuTimes>,
	after: ReturnType<typeof cpuTimes>,
	requests: number,
): { machineCpuBusy?: number; machineCpuMsPerRequest?: number } {
	if (!before || !after) return {};
	return {
		machineCpuBusy: Math.round((100 * (after.busy - before.busy)) / Math.max(1, after.total - before.total)),
		machineCpuMsPerRequest: round(((after.busy - before.busy) * MS_PER_TICK) / Math.max(1, requests)),
	};
}

/** Waits until the workflow's execution count stops growing (executions finish after their webhook answered). */
export async function settle(stack: Stack, workflowId: string): Promise<number> {
	let last = -1;
	for (let tries = 0; tries < 120; tries++) {
		const count = await countExecutions(stack, workflowId);
		if (count === last) return count;
		last = count;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return last;
}

export function round(value: number): number {
	return Math.round(value * 10) / 10;
}

function printRow(row: StreamResult): void {
	const cells = [row.engine, row.webhookProcesses || 'one n8n', row.target, row.stream, row.requestsPerSecond, row.eventsPerSecond, row.p50Ms, row.p99Ms, row.non200, row.executionsStarted, row.machineCpuBusy ?? '?', row.machineCpuMsPerRequest ?? '?'];
	console.log(`| ${cells.join(' | ')} |`);
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const options = parseOptions(args);
	console.log(`trigger-http: ${options.concurrency} in flight, ${options.seconds} s per stream (+${options.warmupSeconds} s warm-up); load average before: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
	console.log('| engine | webhook processes | target | stream | requests/s | events/s | p50 ms | p99 ms | non-200 | executions | machine CPU busy % | CPU ms / request |');
	console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
	const results: StreamResult[] = [];
	for (const engine of options.engines) results.push(...(await runEngine(engine, options)));
	return { concurrency: options.concurrency, seconds: options.seconds, loadAverage: os.loadavg()[0], results };
}
