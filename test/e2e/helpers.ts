/**
 * End-to-end helpers: a real n8n (N8N_VERSION, 2.40.7 on Node 24 unless a test names another, from the cache outside
 * the repo) with the pack's `npm pack` tarball installed as n8n's community-package installer installs it, and the
 * Cloud API simulator in this process (or, for a timing test, in its own). The plumbing is shared with `npm start`
 * (scripts/lib), so the demo and the tests start n8n the same way.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSimulatorProcess, type SimulatorProcess } from '../../nodes/shared/limiter/__tests__/simulatorClient';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator';

/* eslint-disable @typescript-eslint/no-require-imports */
const { ensureN8n, N8N_VERSION, SMOKE_VERSIONS } = require('../../scripts/ensure-n8n') as {
	ensureN8n: (version?: string) => { nodeBin: string; n8nBin: string; dir: string; version: string; nodeVersion: string };
	N8N_VERSION: string;
	SMOKE_VERSIONS: string[];
};
const instanceLib = require('../../scripts/lib/instance') as {
	N8nInstance: new (options: Record<string, unknown>) => N8nInstance;
	simulatorCredential: (fixture: unknown, url: string, overrides?: Record<string, unknown>) => CredentialFile;
	nodeOutput: (run: RunResult, nodeName: string, output?: number) => Array<{ json: Record<string, unknown> }>;
	NODE_TYPE_PREFIX: string;
	PACKAGE_NAME: string;
	CREDENTIAL_ID: string;
};
const n8nLib = require('../../scripts/lib/n8n') as {
	freePort: (preferred?: number) => Promise<number>;
	httpRequest: (
		url: string,
		options?: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number },
	) => Promise<{ status: number; text: string; json: unknown; headers: Record<string, unknown> }>;
	startN8n: (options: Record<string, unknown>) => Promise<N8nProcess>;
	sleep: (ms: number) => Promise<void>;
	DEFAULT_OWNER: { email: string; password: string };
};
/* eslint-enable @typescript-eslint/no-require-imports */

export const { nodeOutput, NODE_TYPE_PREFIX, PACKAGE_NAME, CREDENTIAL_ID, simulatorCredential } = instanceLib;
export const { freePort, httpRequest, sleep, DEFAULT_OWNER, startN8n } = n8nLib;
export { N8N_VERSION, SMOKE_VERSIONS };

export interface CredentialFile {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface N8nProcess {
	url: string;
	port: number;
	child: import('child_process').ChildProcess & { output(): string };
	env: Record<string, string>;
	stop(): Promise<void>;
}

export interface RunResult {
	finished?: boolean;
	status?: string;
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> } }>>;
			error?: unknown;
		};
	};
}

export interface N8nInstance {
	url: string;
	port: number;
	userFolder: string;
	/** The environment every process of this instance gets (queue mode, database), beside scripts/lib's defaults. */
	extraEnv: Record<string, string>;
	main?: N8nProcess;
	install: { nodeBin: string; n8nBin: string; version: string; nodeVersion: string };
	start(options?: { command?: string; timeoutMs?: number }): Promise<N8nInstance>;
	stop(): Promise<void>;
	ensureOwner(): Promise<string>;
	cli(args: string[], options?: { timeoutMs?: number; allowFailure?: boolean }): Promise<{ code: number; stdout: string; stderr: string }>;
	importCredentials(credentials: CredentialFile[], dir?: string): Promise<unknown>;
	importWorkflows(workflows: WorkflowFile[], dir?: string): Promise<unknown>;
	execute(id: string, options?: { timeoutMs?: number }): Promise<RunResult>;
	activate(id: string): Promise<unknown>;
	deactivate(id: string): Promise<unknown>;
	rest(method: string, route: string, body?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface WorkflowFile {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; [key: string]: unknown }>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

/** How long a first install of Node + one n8n version may take on a 2-core machine (measured 3–6 min). */
export const INSTALL_TIMEOUT_MS = 20 * 60 * 1000;
/** Starting n8n 2.40 takes 20–40 s on a busy 2-core machine (migrations on a fresh database included). */
export const START_TIMEOUT_MS = 4 * 60 * 1000;

export const ARTIFACTS_DIR = path.join(__dirname, 'artifacts');

export function ensureInstall(version?: string): { nodeBin: string; n8nBin: string; version: string; nodeVersion: string } {
	return ensureN8n(version);
}

/** Loads a workflow fixture from test/e2e/workflows; `{{PACKAGE}}.` becomes our node type prefix on import. */
export function loadWorkflow(name: string): WorkflowFile {
	return JSON.parse(fs.readFileSync(path.join(__dirname, 'workflows', `${name}.json`), 'utf8')) as WorkflowFile;
}

export function tempDir(prefix: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), `n8n-wa-e2e-${prefix}-`));
}

export interface Stack<Sim extends Simulator | SimulatorProcess = Simulator> {
	sim: Sim;
	n8n: N8nInstance;
	logFile: string;
	stop(): Promise<void>;
}

export interface StackOptions {
	name: string;
	sim?: Partial<SimulatorOptions>;
	credential?: Record<string, unknown>;
	extraEnv?: Record<string, string>;
	/**
	 * Run the simulator in a process of its own (driven through /_sim/, so its methods are async), for tests that
	 * assert Meta's sliding-second limit: Meta is another machine, and a simulator in this busy process stamps
	 * arrivals late and bunched (see nodes/shared/limiter/__tests__/simulatorClient.ts).
	 */
	simulatorProcess?: boolean;
	/** The n8n version to run (installed on first use); N8N_VERSION when absent. */
	n8nVersion?: string;
}

/**
 * Starts the simulator (this process unless `simulatorProcess`) and a fresh n8n (own user folder and SQLite database)
 * with the pack, creates the owner and imports the simulator credential through `n8n import:credentials`.
 */
export async function startStack(options: StackOptions & { simulatorProcess: true }): Promise<Stack<SimulatorProcess>>;
export async function startStack(options: StackOptions & { simulatorProcess?: false }): Promise<Stack<Simulator>>;
export async function startStack(options: StackOptions): Promise<Stack<Simulator | SimulatorProcess>> {
	const install = ensureInstall(options.n8nVersion);
	const simOptions: Partial<SimulatorOptions> = { latency: 'none', ...options.sim };
	const sim = options.simulatorProcess ? await startSimulatorProcess(simOptions) : await startSimulator(simOptions);
	const userFolder = tempDir(options.name);
	fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
	const logFile = path.join(ARTIFACTS_DIR, `n8n-${options.name}.log`);
	fs.rmSync(logFile, { force: true });
	const n8n = new instanceLib.N8nInstance({ install, userFolder, extraEnv: options.extraEnv ?? {}, logFile });
	try {
		await n8n.start({ timeoutMs: START_TIMEOUT_MS });
		await n8n.ensureOwner();
		await n8n.importCredentials([simulatorCredential(sim.fixture, sim.url, options.credential)]);
	} catch (error) {
		await n8n.stop().catch(() => undefined);
		await sim.stop().catch(() => undefined);
		throw error;
	}
	return {
		sim,
		n8n,
		logFile,
		async stop() {
			await n8n.stop().catch(() => undefined);
			await sim.stop().catch(() => undefined);
			fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

/** Queue mode's settings for every n8n process of one instance: Bull's queue in this Redis, no worker health server. */
export function queueModeEnv(redisPort: number): Record<string, string> {
	return { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redisPort), QUEUE_HEALTH_CHECK_ACTIVE: 'false' };
}

export interface QueueProcessOptions {
	/** Names the process in errors and its log: artifacts/n8n-<stack name>-<name>.log. */
	name: string;
	/** `worker` runs executions; `webhook` answers production webhooks and queues their executions. */
	command?: 'worker' | 'webhook';
	/** Worker options, e.g. `--concurrency=1`. */
	args?: string[];
	/** Settings for this process only, over the main process's (queue mode and database are the instance's). */
	extraEnv?: Record<string, string>;
}

/**
 * Starts one more process of a queue-mode stack (started with queueModeEnv in its extraEnv): a worker (default) or a
 * webhook process on the main's user folder, database and Redis, on a port of its own; resolves once it is ready.
 */
export async function startQueueProcess(stack: Stack<Simulator | SimulatorProcess>, options: QueueProcessOptions): Promise<N8nProcess> {
	const command = options.command ?? 'worker';
	const logFile = stack.logFile.replace(/\.log$/, `-${options.name}.log`);
	fs.rmSync(logFile, { force: true });
	return startN8n({
		nodeBin: stack.n8n.install.nodeBin,
		n8nBin: stack.n8n.install.n8nBin,
		userFolder: stack.n8n.userFolder,
		port: await freePort(),
		// A worker says it is ready (and which executions it starts and finishes) at log level info only.
		extraEnv: { ...stack.n8n.extraEnv, ...(command === 'worker' ? { N8N_LOG_LEVEL: 'info' } : {}), ...options.extraEnv },
		command,
		args: options.args ?? [],
		logFile,
		timeoutMs: START_TIMEOUT_MS,
		name: options.name,
	});
}

/** Polls until `check` returns a value other than undefined, or fails with `what` after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30000, everyMs = 200): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			last = error;
		}
		await sleep(everyMs);
	}
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Executions n8n recorded for a workflow (newest first), through the editor's REST API. */
export async function executionsOf(n8n: N8nInstance, workflowId: string): Promise<Array<{ id: string; status: string; mode: string }>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const data = await n8n.rest('GET', `/executions?filter=${filter}&limit=100`);
	return (data.results ?? data) as Array<{ id: string; status: string; mode: string }>;
}

/**
 * Activates a workflow with a WhatsApp Cloud Trigger and waits until n8n serves its production URL and the trigger's
 * subscription at the simulator has been answered; resolves that subscription request.
 */
export async function activateTrigger(stack: Stack, workflowId: string, webhookUrl: string): Promise<{ status?: number }> {
	await stack.n8n.activate(workflowId);
	// Activation returns before the production webhook is served; Meta's handshake GET tells when it is.
	await waitFor('the production webhook', async () => {
		const res = await httpRequest(`${webhookUrl}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`);
		return res.status === 404 ? undefined : true;
	}, 60000, 500);
	// Then the trigger subscribes; the simulator verifies the callback first (a GET to n8n), which takes a
	// moment on a busy machine: the request has a status once the subscription is stored or refused.
	const subscribed = await waitFor('the trigger\'s subscription at the simulator', () => {
		const done = stack.sim
			.requests()
			.filter((request) => request.method === 'POST' && /subscribed_apps/.test(request.path) && request.status !== undefined);
		return done.length > 0 ? done[done.length - 1] : undefined;
	}, 120000, 250);
	if (subscribed.status !== 200) throw new Error(`The trigger's subscription was refused (HTTP ${subscribed.status})`);
	return subscribed;
}

/**
 * The credential test the editor runs on a saved credential: it loads the credential (secrets redacted, as the
 * editor gets them), changes what the user typed over it, and posts it to /rest/credentials/test, where n8n puts the
 * stored secrets back and calls the credential's test (ours: the node method `whatsAppCloudApiTest`).
 */
export async function testCredential(n8n: N8nInstance, id: string, typed: Record<string, unknown> = {}): Promise<{ status: string; message: string }> {
	const stored = await n8n.rest('GET', `/credentials/${id}?includeData=true`);
	return n8n.rest('POST', '/credentials/test', {
		credentials: { id, name: stored.name, type: stored.type, data: { ...stored.data, ...typed } },
	});
}

/** The node and credential types n8n's editor loads (`/types/nodes.json`, `/types/credentials.json`). */
async function editorTypes(n8n: N8nInstance): Promise<{ nodes: string[]; credentials: string[] }> {
	const cookie = await n8n.ensureOwner();
	const names = async (file: string): Promise<string[]> => {
		const res = await httpRequest(`${n8n.url}/types/${file}`, { headers: { cookie }, timeoutMs: 60000 });
		if (res.status !== 200) throw new Error(`GET /types/${file}: HTTP ${res.status}`);
		return (res.json as Array<{ name: string }>).map((type) => type.name);
	};
	return { nodes: await names('nodes.json'), credentials: await names('credentials.json') };
}

/** The smoke's editor check, the same in every n8n version: the editor lists our five nodes and the credential. */
export async function expectEditorListsPack(n8n: N8nInstance): Promise<void> {
	const types = await editorTypes(n8n);
	for (const name of ['whatsAppSendMessage', 'whatsAppMedia', 'whatsAppMetrics', 'whatsAppBusinessAccount', 'whatsAppTrigger']) {
		expect(types.nodes).toContain(`${NODE_TYPE_PREFIX}${name}`);
	}
	expect(types.credentials).toContain('whatsAppCloudApi');
}

/**
 * The smoke's credential check: the editor's test passes with the stored credential, and a wrong token typed over it
 * fails with a message that does not repeat the token.
 */
export async function expectCredentialTestWorks(n8n: N8nInstance): Promise<void> {
	// The messages are our test's (nodes/shared/transport/credentialTest.ts), not n8n's "no testing function".
	expect(await testCredential(n8n, CREDENTIAL_ID)).toEqual({
		status: 'OK',
		message: expect.stringMatching(/^Connected: the token can use WhatsApp Business Account /),
	});
	const wrongToken = 'EAAGwrong0token0typed0in0the0editor';
	const refused = await testCredential(n8n, CREDENTIAL_ID, { accessToken: wrongToken });
	expect(refused).toEqual({ status: 'Error', message: expect.stringMatching(/^The access token is invalid: Meta did not accept it/) });
	expect(refused.message).not.toContain(wrongToken);
}
