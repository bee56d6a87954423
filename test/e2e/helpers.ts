/**
 * End-to-end helpers: a real n8n (Node 24, n8n 2.40.7 from the cache outside the repo) with the built pack installed
 * as a community package, and the Cloud API simulator in this process (or, for a timing test, in its own). The
 * plumbing is shared with `npm start` (scripts/lib), so the demo and the tests start n8n the same way.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSimulatorProcess, type SimulatorProcess } from '../../nodes/shared/limiter/__tests__/simulatorClient';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator';

/* eslint-disable @typescript-eslint/no-require-imports */
const { ensureN8n } = require('../../scripts/ensure-n8n') as {
	ensureN8n: () => { nodeBin: string; n8nBin: string; dir: string; version: string };
};
const instanceLib = require('../../scripts/lib/instance') as {
	N8nInstance: new (options: Record<string, unknown>) => N8nInstance;
	simulatorCredential: (fixture: unknown, url: string, overrides?: Record<string, unknown>) => CredentialFile;
	nodeOutput: (run: RunResult, nodeName: string, output?: number) => Array<{ json: Record<string, unknown> }>;
	NODE_TYPE_PREFIX: string;
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

export const { nodeOutput, NODE_TYPE_PREFIX, CREDENTIAL_ID, simulatorCredential } = instanceLib;
export const { freePort, httpRequest, sleep, DEFAULT_OWNER, startN8n } = n8nLib;

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
	main?: N8nProcess;
	install: { nodeBin: string; n8nBin: string };
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

/** Minutes a first-time install of Node 24 + n8n may take on a 2-core machine (measured ~8 min). */
export const INSTALL_TIMEOUT_MS = 20 * 60 * 1000;
/** Starting n8n 2.40 takes 20–40 s on a busy 2-core machine (migrations on a fresh database included). */
export const START_TIMEOUT_MS = 4 * 60 * 1000;

export const ARTIFACTS_DIR = path.join(__dirname, 'artifacts');

export function ensureInstall(): { nodeBin: string; n8nBin: string } {
	return ensureN8n();
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
}

/**
 * Starts the simulator (this process unless `simulatorProcess`) and a fresh n8n (own user folder and SQLite database)
 * with the pack, creates the owner and imports the simulator credential through `n8n import:credentials`.
 */
export async function startStack(options: StackOptions & { simulatorProcess: true }): Promise<Stack<SimulatorProcess>>;
export async function startStack(options: StackOptions & { simulatorProcess?: false }): Promise<Stack<Simulator>>;
export async function startStack(options: StackOptions): Promise<Stack<Simulator | SimulatorProcess>> {
	const install = ensureInstall();
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
