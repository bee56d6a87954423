/**
 * The simulator in a child process, driven over HTTP through its /_sim/ control endpoints: what the timing tests
 * (sliding second, rolling budget, pair rate, queue mode) send to.
 *
 * Why not in the test's process: Meta's edge is another machine. A simulator sharing the sender's event loop stamps
 * an arrival when that loop gets to it, so a GC pause or the test's own work gives the calls that arrived over
 * ~200 ms one timestamp and bunches them into one sliding second: 130429s that real Meta would not give (1,000 mps
 * in-process saw 30). In its own process, with a raised scheduling priority where allowed, it stamps arrivals as
 * they come whatever the sender's process is doing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { AcceptedMessage, Fixture, ScriptedFault, SimCounters, SimulatorOptions } from '../../../../test/simulator/types';

export interface SimulatorProcess {
	/** Base URL without version, e.g. `http://127.0.0.1:41234`. */
	url: string;
	fixture: Fixture;
	/** The child's pid, and the niceness it runs at (-10 when raising was allowed, else the inherited one). */
	pid: number;
	niceness: number;
	/** Forgets messages, counters, requests, limit windows and scripted faults. */
	reset(): Promise<void>;
	/** Changes options at runtime (limits, latency, faults…). */
	configure(partial: Partial<SimulatorOptions>): Promise<void>;
	/** The next calls matching each fault get its action, in order. */
	scriptFaults(faults: ScriptedFault[]): Promise<void>;
	/** A customer's message to a number, delivered as a signed webhook (resolves once delivered). */
	injectInbound(input: Record<string, unknown>): Promise<void>;
	counters(): Promise<SimCounters>;
	/** Every accepted message, in the order accepted (read in pages). */
	log(): Promise<AcceptedMessage[]>;
	/** Stops the simulator and waits for its process to exit. */
	stop(): Promise<void>;
}

const ENTRY = join(__dirname, '..', '..', '..', '..', 'bench', 'limiter', 'simulatorProcess.ts');
const START_TIMEOUT_MS = 60000;
const CONTROL_TIMEOUT_MS = 30000;

/** Forks the simulator with these options (random port on 127.0.0.1 unless told otherwise). */
export async function startSimulatorProcess(options: Partial<SimulatorOptions> = {}): Promise<SimulatorProcess> {
	const child = fork(ENTRY, [JSON.stringify(options)], {
		execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	let hello: { url: string; fixture: Fixture; pid: number; niceness: number };
	try {
		hello = await new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`the simulator process did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
			child.once('message', (message) => {
				clearTimeout(timer);
				resolve(message as typeof hello);
			});
			child.once('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
			child.once('exit', (code, signal) => {
				clearTimeout(timer);
				reject(new Error(`the simulator process exited (${signal ?? code}) before it listened`));
			});
		});
	} catch (error) {
		child.kill('SIGKILL');
		throw error;
	}
	return remoteControl(child, exited, hello);
}

function remoteControl(
	child: ChildProcess,
	exited: Promise<void>,
	hello: { url: string; fixture: Fixture; pid: number; niceness: number },
): SimulatorProcess {
	async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${hello.url}/_sim/${path}`, {
			method,
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`simulator control ${method} /_sim/${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
		return JSON.parse(text) as T;
	}
	return {
		url: hello.url,
		fixture: hello.fixture,
		pid: hello.pid,
		niceness: hello.niceness,
		async reset() {
			await control('POST', 'reset');
		},
		async configure(partial) {
			await control('POST', 'config', partial);
		},
		async scriptFaults(faults) {
			await control('POST', 'faults', faults);
		},
		async injectInbound(input) {
			await control('POST', 'inbound', input);
		},
		counters: () => control<SimCounters>('GET', 'counters'),
		async log() {
			const all: AcceptedMessage[] = [];
			for (;;) {
				const page = await control<{ count: number; messages: AcceptedMessage[] }>('GET', `log?since=${all.length}`);
				all.push(...page.messages);
				if (all.length >= page.count || page.messages.length === 0) return all;
			}
		},
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			// The child stops its server and exits when the IPC channel closes; SIGKILL if it does not within 5 s.
			const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
			if (child.connected) child.disconnect();
			else child.kill('SIGTERM');
			await exited;
			clearTimeout(killer);
		},
	};
}
