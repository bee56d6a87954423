/**
 * Soak: 100,000 text messages at 1,000 mps (a number on the 1,000 mps tier) through real `WorkflowExecute` runs of
 * the Send Message node, against the simulator in its own process (so its log of every message does not count in
 * our RSS) with a little latency. RSS is sampled every second; at the end the gate's registry must be empty once
 * the idle number is released, and the simulator's log must hold each message once.
 *
 *   npm run bench -- soak                                  100,000 messages in 10 executions, 2 at a time
 *   npm run bench -- soak --messages=5000 --executions=5   a short run
 *
 * Flags: --messages=N, --executions=N, --concurrency=N (executions in flight), --latency=MEDIAN,P90,P99 (ms).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { loadPackageCredentialTypes, loadPackageNodeTypes, runWorkflow } from '../test/harness';
import { configureGateForTests, getGateStatus, scheduleGraphCall } from '../nodes/shared/limiter';
import { destroyGraphClients, type WhatsAppCredentials } from '../nodes/shared/transport';

const HIGH_NUMBER = '300000000000002';
const REPO_ROOT = resolve(__dirname, '..');
/** The number is released this long after its last call (production: 10 minutes); the bench waits for it. */
const IDLE_RELEASE_MS = 2000;

interface SoakArgs {
	messages: number;
	executions: number;
	concurrency: number;
	latency: string;
	/** `workflow`: WorkflowExecute runs of Send Message (default); `gate`: `scheduleGraphCall` batches directly. */
	mode: 'workflow' | 'gate';
}

function parseArgs(args: string[]): SoakArgs {
	const values: Record<string, string> = {};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (!arg.startsWith('--')) continue;
		const eq = arg.indexOf('=');
		if (eq !== -1) values[arg.slice(2, eq)] = arg.slice(eq + 1);
		else if (args[i + 1] !== undefined && !args[i + 1].startsWith('--')) values[arg.slice(2)] = args[++i];
	}
	const positive = (name: string, fallback: number): number => {
		if (values[name] === undefined) return fallback;
		const n = Number(values[name]);
		if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a whole number above 0, got "${values[name]}"`);
		return n;
	};
	return {
		messages: positive('messages', 100_000),
		executions: positive('executions', 10),
		concurrency: positive('concurrency', 2),
		latency: values.latency ?? '20,40,80',
		mode: values.mode === 'gate' ? 'gate' : 'workflow',
	};
}

interface SimProcess {
	url: string;
	child: ChildProcess;
	stop(): Promise<void>;
}

/** Starts `test/simulator/cli.ts` on a random port and reads its URL from the first line it prints. */
async function startSimulatorProcess(latency: string): Promise<SimProcess> {
	const child = spawn(
		process.execPath,
		['-r', 'ts-node/register/transpile-only', join(REPO_ROOT, 'test/simulator/cli.ts'), '--port', '0', '--latency', latency],
		{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const url = await new Promise<string>((resolveUrl, reject) => {
		let text = '';
		const timer = setTimeout(() => reject(new Error(`The simulator did not start within 60 s: ${text}`)), 60_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(text);
			if (match) {
				clearTimeout(timer);
				resolveUrl(match[1]);
			}
		});
		child.stderr!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`The simulator exited with ${code}: ${text}`));
		});
	});
	return {
		url,
		child,
		stop: () =>
			new Promise<void>((done) => {
				if (child.exitCode !== null) return done();
				child.once('exit', () => done());
				child.kill('SIGTERM');
			}),
	};
}

async function control<T>(sim: SimProcess, path: string): Promise<T> {
	const response = await fetch(`${sim.url}${path}`);
	if (!response.ok) throw new Error(`${path} answered ${response.status}`);
	return (await response.json()) as T;
}

interface LoggedMessage {
	bizOpaqueCallbackData?: string;
	acceptedAt: number;
	phoneNumberId: string;
}

/** Every accepted message, read in pages so no single answer is huge. */
async function readLog(sim: SimProcess): Promise<LoggedMessage[]> {
	const all: LoggedMessage[] = [];
	for (;;) {
		const page = await control<{ count: number; messages: LoggedMessage[] }>(sim, `/_sim/log?since=${all.length}`);
		// The log answers everything after `since`; keep only the fields we need.
		for (const m of page.messages) all.push({ bizOpaqueCallbackData: m.bizOpaqueCallbackData, acceptedAt: m.acceptedAt, phoneNumberId: m.phoneNumberId });
		if (all.length >= page.count || page.messages.length === 0) return all;
	}
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** A distinct recipient per message (pair pacing is per recipient and would otherwise hold repeats back). */
function phoneFor(index: number): string {
	return `+1 650 ${String(1_000_000 + (index % 1_000_000)).slice(1)}`;
}

function gateRegistrySize(): { lanes: number; wabas: number } {
	const registry = (globalThis as unknown as Record<symbol, { lanes: Map<string, unknown>; wabas: Map<string, unknown> } | undefined>)[
		Symbol.for('n8n-nodes-whatsapp-cloud.gate')
	];
	return { lanes: registry?.lanes.size ?? 0, wabas: registry?.wabas.size ?? 0 };
}

/** What failed executions said (the bench reports the distinct ones). */
const executionErrorMessages: string[] = [];

/** One WorkflowExecute run of the Send Message node over `count` items. */
async function sendThroughWorkflow(credentials: WhatsAppCredentials, first: number, count: number) {
	const inputItems = Array.from({ length: count }, (_, i) => ({ json: { phone: phoneFor(first + i), ref: `soak-${first + i}` } }));
	const result = await runWorkflow({
		nodes: [
			{
				name: 'Send',
				type: 'whatsAppSendMessage',
				parameters: {
					phoneNumberId: { __rl: true, mode: 'id', value: HIGH_NUMBER },
					recipient: '={{ $json.phone }}',
					messageType: 'text',
					textBody: '=Order {{ $json.ref }} is on its way',
					sendOptions: { bizOpaqueCallbackData: '={{ $json.ref }}' },
				},
			},
		],
		credentials: { whatsAppCloudApi: credentials as unknown as Record<string, string> },
		inputItems,
	});
	if (result.error) {
		executionErrorMessages.push(`${result.error.message}${result.error.description ? ` — ${String(result.error.description).slice(0, 300)}` : ''}`);
		return { error: true, sent: 0, failed: count };
	}
	const outputs = result.outputs('Send');
	const sent = outputs.filter((o) => typeof o.messageId === 'string').length;
	return { error: false, sent, failed: outputs.length - sent };
}

/** One batch of `count` sends scheduled on the gate at once, as the node does, without n8n around it. */
async function sendThroughGate(credentials: WhatsAppCredentials, first: number, count: number) {
	const settled = await Promise.allSettled(
		Array.from({ length: count }, (_, i) => {
			const ref = `soak-${first + i}`;
			const to = phoneFor(first + i).replace(/\D/g, '');
			return scheduleGraphCall({
				credentials,
				phoneNumberId: HIGH_NUMBER,
				recipient: to,
				request: {
					method: 'POST',
					path: `/${HIGH_NUMBER}/messages`,
					body: { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: `Order ${ref} is on its way` }, biz_opaque_callback_data: ref },
				},
			});
		}),
	);
	const sent = settled.filter((r) => r.status === 'fulfilled').length;
	return { sent, failed: count - sent };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const options = parseArgs(args);
	const perExecution = Math.ceil(options.messages / options.executions);
	const sim = await startSimulatorProcess(options.latency);
	// Production timings, except that an idle number is released after 2 s instead of 10 min so the bench can see it.
	configureGateForTests({ timings: { idleReleaseMs: IDLE_RELEASE_MS } });
	const fixture = await control<{ accessToken: string; wabaId: string }>(sim, '/_sim/fixture');
	const credentials: WhatsAppCredentials = {
		accessToken: fixture.accessToken,
		apiVersion: 'v26.0',
		baseUrl: sim.url,
		wabaId: fixture.wabaId,
		throughputTier: 'high',
		registeredNumbers: 3,
	};

	// Compile and load the node classes first (ts-node), so the clock measures sending, not compiling.
	loadPackageNodeTypes();
	loadPackageCredentialTypes();

	const samples: Array<{ at: number; rssMb: number; heapMb: number }> = [];
	const started = Date.now();
	const sample = () => {
		const usage = process.memoryUsage();
		samples.push({ at: Date.now() - started, rssMb: mb(usage.rss), heapMb: mb(usage.heapUsed) });
	};
	sample();
	const sampler = setInterval(sample, 1000);
	const cpuBefore = process.cpuUsage();
	// The longest stretch the event loop was blocked: in-flight calls cannot see their answers meanwhile.
	const loopDelay = monitorEventLoopDelay({ resolution: 20 });
	loopDelay.enable();

	let failedItems = 0;
	let executionErrors = 0;
	let sentItems = 0;
	const executionSeconds: number[] = [];
	try {
		let next = 0;
		const worker = async () => {
			while (next < options.executions) {
				const execution = next++;
				const first = execution * perExecution;
				const count = Math.max(0, Math.min(perExecution, options.messages - first));
				if (count === 0) return;
				const executionStart = Date.now();
				if (options.mode === 'gate') {
					const outcome = await sendThroughGate(credentials, first, count);
					sentItems += outcome.sent;
					failedItems += outcome.failed;
				} else {
					const outcome = await sendThroughWorkflow(credentials, first, count);
					if (outcome.error) executionErrors++;
					sentItems += outcome.sent;
					failedItems += outcome.failed;
				}
				executionSeconds.push((Date.now() - executionStart) / 1000);
			}
		};
		await Promise.all(Array.from({ length: Math.min(options.concurrency, options.executions) }, worker));
	} finally {
		clearInterval(sampler);
	}
	const sendSeconds = (Date.now() - started) / 1000;
	const cpu = process.cpuUsage(cpuBefore);
	loopDelay.disable();
	sample();

	const statusAfterRun = getGateStatus(credentials).find((s) => s.scope === 'phoneNumber' && s.id === HIGH_NUMBER);
	// Wait for the sweeper to release the idle number (it runs every idleReleaseMs / 2).
	const releaseDeadline = Date.now() + IDLE_RELEASE_MS * 4;
	while (gateRegistrySize().lanes > 0 && Date.now() < releaseDeadline) await new Promise((r) => setTimeout(r, 250));
	const registryAfter = gateRegistrySize();
	const statusAfterIdle = getGateStatus(credentials);

	const log = await readLog(sim);
	const counters = await control<{ rejectedByCode: Record<string, number>; peakPerSecond: Record<string, number>; duplicateSends: number; calls: number }>(
		sim,
		'/_sim/counters',
	);
	const refs = new Map<string, number>();
	for (const m of log) refs.set(m.bizOpaqueCallbackData ?? '', (refs.get(m.bizOpaqueCallbackData ?? '') ?? 0) + 1);
	let duplicates = 0;
	for (const n of refs.values()) if (n > 1) duplicates += n - 1;
	const missing = options.messages - refs.size;
	const acceptedTimes = log.map((m) => m.acceptedAt).sort((a, b) => a - b);
	const acceptSpanSeconds = acceptedTimes.length > 1 ? (acceptedTimes[acceptedTimes.length - 1] - acceptedTimes[0]) / 1000 : 0;

	await sim.stop();
	destroyGraphClients();

	// Memory once the executions' results are garbage: what the pack itself keeps.
	setFlagsFromString('--expose_gc');
	const gc = runInNewContext('gc') as () => void;
	gc();
	gc();
	const afterGc = process.memoryUsage();

	const rss = samples.map((s) => s.rssMb);
	// "Flat": compare the second half's average with the first half's, after the first 10 % (warm-up).
	const steady = samples.slice(Math.floor(samples.length / 10));
	const half = Math.floor(steady.length / 2);
	const avg = (xs: Array<{ rssMb: number }>) => (xs.length ? xs.reduce((t, s) => t + s.rssMb, 0) / xs.length : 0);
	const rssDrift = Math.round((avg(steady.slice(half)) - avg(steady.slice(0, half))) * 10) / 10;

	const result = {
		messages: log.length,
		achieved_mps: Math.round(log.length / sendSeconds),
		accept_window_mps: acceptSpanSeconds > 0 ? Math.round(log.length / acceptSpanSeconds) : 0,
		rss_start_mb: rss[0],
		rss_end_mb: rss[rss.length - 1],
		rss_peak_mb: Math.max(...rss),
		rss_drift_second_half_mb: rssDrift,
		heap_start_mb: samples[0].heapMb,
		heap_end_mb: samples[samples.length - 1].heapMb,
		heap_peak_mb: Math.max(...samples.map((s) => s.heapMb)),
		rss_after_gc_mb: mb(afterGc.rss),
		heap_after_gc_mb: mb(afterGc.heapUsed),
		event_loop_max_block_ms: Math.round(loopDelay.max / 1e6),
		duplicates,
		missing,
		requested: options.messages,
		executions: options.executions,
		concurrency: options.concurrency,
		seconds: Math.round(sendSeconds * 10) / 10,
		mode: options.mode,
		cpu_ms_per_message: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, options.messages)) * 100) / 100,
		load_average_1m: Math.round(loadavg()[0] * 10) / 10,
		failed_items: failedItems,
		failed_executions: executionErrors,
		execution_errors: [...new Set(executionErrorMessages)].slice(0, 3),
		sent_items: sentItems,
		peak_per_second: counters.peakPerSecond[HIGH_NUMBER] ?? 0,
		rejected_130429: counters.rejectedByCode['130429'] ?? 0,
		sim_duplicate_sends: counters.duplicateSends,
		queued_after_run: statusAfterRun?.queued ?? 0,
		in_flight_after_run: statusAfterRun?.inFlight ?? 0,
		lanes_left: registryAfter.lanes,
		// The WABA's entry is kept while its rolling hour still counts calls (by design); reported, not required 0.
		wabas_left: registryAfter.wabas,
		number_status_after_idle: statusAfterIdle.filter((s) => s.scope === 'phoneNumber').length,
	};

	const rows: Array<[string, string]> = [
		['messages accepted', `${result.messages} of ${options.messages} (${options.executions} executions, ${options.concurrency} at a time)`],
		['wall time', `${result.seconds} s (mode ${options.mode}, load average ${result.load_average_1m} on ${cpus().length} cores)`],
		['CPU of this process', `${result.cpu_ms_per_message} ms per message`],
		['achieved mps (wall)', String(result.achieved_mps)],
		['mps while sending', String(result.accept_window_mps)],
		['peak in any second', `${result.peak_per_second} (limit 1000), 130429: ${result.rejected_130429}`],
		['RSS start / end / peak', `${result.rss_start_mb} / ${result.rss_end_mb} / ${result.rss_peak_mb} MB`],
		['RSS drift (2nd half − 1st)', `${result.rss_drift_second_half_mb} MB`],
		['heap start / end / peak', `${result.heap_start_mb} / ${result.heap_end_mb} / ${result.heap_peak_mb} MB`],
		['after GC: RSS / heap', `${result.rss_after_gc_mb} / ${result.heap_after_gc_mb} MB`],
		['longest event-loop block', `${result.event_loop_max_block_ms} ms`],
		['duplicates / missing', `${duplicates} / ${missing}`],
		['failed items / executions', `${failedItems} / ${executionErrors}${executionErrorMessages.length ? ` (${executionErrorMessages[0].slice(0, 200)})` : ''}`],
		['gate after the run', `queued ${result.queued_after_run}, in flight ${result.in_flight_after_run}`],
		['registry after idle', `${registryAfter.lanes} numbers, ${registryAfter.wabas} WABA (kept for its rolling hour)`],
	];
	console.log(`\nSoak: ${options.mode === 'gate' ? 'scheduleGraphCall batches' : 'Send Message through WorkflowExecute'} at 1,000 mps`);
	for (const [label, value] of rows) console.log(`  ${label.padEnd(28)} ${value}`);
	const trace = samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 12)) === 0).map((s) => `${Math.round(s.at / 1000)}s:${s.rssMb}`);
	console.log(`  RSS samples (MB)             ${trace.join('  ')}`);
	return result;
}
