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
 * Prints requests/s, events/s, p50 / p99 latency, answers other than 200, and executions started.
 * Options: `--engines=vm,legacy` `--streams=status,inbound,batch` `--targets=ours,anchor` `--seconds=10`
 * `--concurrency=8` `--warmup=2` (seconds of the same stream first, not counted).
 */
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

import { signWebhookBody } from '../nodes/shared/webhook';
import { batchBody, body, inboundTextChange, metaJson, statusChange, wamid } from '../nodes/shared/webhook/__tests__/fixtures';
import { executionsOf, startStack, waitFor, type Stack } from '../test/e2e/helpers';
import { quantiles } from './stats';
import { startGraphStub } from './trigger/graphStub';

type Engine = 'vm' | 'legacy';
type Stream = 'status' | 'inbound' | 'batch';
type Target = 'ours' | 'anchor';

interface Options {
	engines: Engine[];
	streams: Stream[];
	targets: Target[];
	seconds: number;
	warmupSeconds: number;
	concurrency: number;
}

interface StreamResult {
	engine: Engine;
	target: Target;
	stream: Stream;
	requests: number;
	requestsPerSecond: number;
	eventsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	non200: number;
	executionsStarted: number;
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
		engines: list<Engine>('engines', ['vm', 'legacy']),
		streams: list<Stream>('streams', ['status', 'inbound', 'batch']),
		targets: list<Target>('targets', ['ours', 'anchor']),
		seconds: Number(value('seconds') ?? 10),
		warmupSeconds: Number(value('warmup') ?? 2),
		concurrency: Number(value('concurrency') ?? 8),
	};
}

function workflows(): Array<Record<string, unknown>> {
	const noOp = (id: string) => ({ id, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} });
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
					typeVersion: 1,
					position: [0, 0],
					parameters: { subscription: 'manual', triggerOn: ['messages'], verifySignature: true, options: { verifyToken: 'bench-verify-token' } },
					webhookId: OUR_WEBHOOK_ID,
				},
				noOp('b0000000-0000-4000-8000-000000000002'),
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
					parameters: { updates: ['messages'], options: {} },
					webhookId: ANCHOR_WEBHOOK_ID,
					credentials: { whatsAppTriggerApi: ANCHOR_CREDENTIAL },
				},
				noOp('b0000000-0000-4000-8000-000000000004'),
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
async function drive(url: URL, stream: Stream, appSecret: string, seconds: number, concurrency: number) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const latencies: number[] = [];
	let non200 = 0;
	let events = 0;
	const started = performance.now();
	const deadline = started + seconds * 1000;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (performance.now() < deadline) {
				const item = payload(stream, appSecret);
				const answer = await post(agent, url, item);
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

async function countExecutions(stack: Stack, workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const data = await stack.n8n.rest('GET', `/executions?filter=${filter}&limit=1`);
	return Number(data.count ?? (await executionsOf(stack.n8n, workflowId)).length);
}

async function runEngine(engine: Engine, options: Options): Promise<StreamResult[]> {
	const stub = await startGraphStub();
	const stack = await startStack({
		name: `trigger-http-${engine}`,
		extraEnv: {
			N8N_EXPRESSION_ENGINE: engine,
			// The anchor's activation calls graph.facebook.com: the preload sends it to the stub.
			NODE_OPTIONS: `--require ${path.join(__dirname, 'trigger', 'graphPreload.js')}`,
			WA_BENCH_GRAPH_STUB: stub.url,
			// What `npm start` users keep: executions saved, the default log level.
			N8N_LOG_LEVEL: 'warn',
		},
	});
	const results: StreamResult[] = [];
	try {
		await stack.n8n.importCredentials([
			{ ...ANCHOR_CREDENTIAL, type: 'whatsAppTriggerApi', data: { clientId: stack.sim.fixture.appId, clientSecret: stack.sim.fixture.appSecret } },
		]);
		await stack.n8n.importWorkflows(workflows() as never);
		for (const target of options.targets) await stack.n8n.activate(target === 'ours' ? OUR_WORKFLOW_ID : ANCHOR_WORKFLOW_ID);
		for (const target of options.targets) {
			const webhookId = target === 'ours' ? OUR_WEBHOOK_ID : ANCHOR_WEBHOOK_ID;
			const workflowId = target === 'ours' ? OUR_WORKFLOW_ID : ANCHOR_WORKFLOW_ID;
			const url = new URL(`${stack.n8n.url}/webhook/${webhookId}/webhook`);
			await waitFor('the production webhook', async () => ((await post(new http.Agent(), url, payload('status', stack.sim.fixture.appSecret))).status === 200 ? true : undefined), 60_000, 500);
			for (const stream of options.streams) {
				if (options.warmupSeconds > 0) await drive(url, stream, stack.sim.fixture.appSecret, options.warmupSeconds, options.concurrency);
				await settle(stack, workflowId);
				const before = await countExecutions(stack, workflowId);
				const run = await drive(url, stream, stack.sim.fixture.appSecret, options.seconds, options.concurrency);
				const after = await settle(stack, workflowId);
				const [p50, p99] = quantiles(run.latencies, [0.5, 0.99]);
				results.push({
					engine,
					target,
					stream,
					requests: run.latencies.length,
					requestsPerSecond: round(run.latencies.length / run.elapsed),
					eventsPerSecond: round(run.events / run.elapsed),
					p50Ms: round(p50),
					p99Ms: round(p99),
					non200: run.non200,
					executionsStarted: after - before,
				});
				printRow(results[results.length - 1]);
			}
		}
	} finally {
		await stack.stop();
		await stub.stop();
	}
	return results;
}

/** Waits until the workflow's execution count stops growing (executions finish after their webhook answered). */
async function settle(stack: Stack, workflowId: string): Promise<number> {
	let last = -1;
	for (let tries = 0; tries < 120; tries++) {
		const count = await countExecutions(stack, workflowId);
		if (count === last) return count;
		last = count;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return last;
}

function round(value: number): number {
	return Math.round(value * 10) / 10;
}

function printRow(row: StreamResult): void {
	const cells = [row.engine, row.target, row.stream, row.requestsPerSecond, row.eventsPerSecond, row.p50Ms, row.p99Ms, row.non200, row.executionsStarted];
	console.log(`| ${cells.join(' | ')} |`);
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const options = parseOptions(args);
	console.log(`trigger-http: ${options.concurrency} in flight, ${options.seconds} s per stream (+${options.warmupSeconds} s warm-up); load average before: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
	console.log('| engine | target | stream | requests/s | events/s | p50 ms | p99 ms | non-200 | executions |');
	console.log('|---|---|---|---|---|---|---|---|---|');
	const results: StreamResult[] = [];
	for (const engine of options.engines) results.push(...(await runEngine(engine, options)));
	return { concurrency: options.concurrency, seconds: options.seconds, loadAverage: os.loadavg()[0], results };
}
