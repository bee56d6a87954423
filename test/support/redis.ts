/**
 * A real `redis-server` for one test or bench: started on a free port in a temp dir (no persistence), stopped and
 * removed afterwards. `kill()` simulates a crash; `restart()` brings it back on the same port, empty; `freeze()`
 * (SIGSTOP) keeps its connections open with nothing answering, until `thaw()` (SIGCONT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

export interface TestRedis {
	port: number;
	url: string;
	/** SIGKILL: connections drop at once, data is gone. */
	kill(): Promise<void>;
	/** Start again on the same port (after kill). */
	restart(): Promise<void>;
	/** SIGSTOP: connections stay open, nothing answers (a frozen server or a stalled master). */
	freeze(): void;
	/** SIGCONT: it answers again, commands sent during the freeze first. */
	thaw(): void;
	stop(): Promise<void>;
}

export function redisAvailable(): boolean {
	return existsSync(REDIS_SERVER_BINARY);
}

/** A port free on 127.0.0.1 now (the servers test/support starts each take one). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as net.AddressInfo).port;
			server.close(() => resolve(port));
		});
	});
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const ok = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (ok) return;
		if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

export async function startRedis(): Promise<TestRedis> {
	if (!redisAvailable()) {
		throw new Error(`${REDIS_SERVER_BINARY} not found: install it (apt-get install -y redis-server) or set REDIS_SERVER_BIN`);
	}
	const dir = mkdtempSync(join(tmpdir(), 'wa-gate-redis-'));
	const port = await freePort();
	let child: ChildProcess | undefined;

	const launch = async (): Promise<void> => {
		child = spawn(
			REDIS_SERVER_BINARY,
			['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
			{ stdio: 'ignore' },
		);
		await waitForPort(port, 5000);
	};
	const halt = async (signal: NodeJS.Signals): Promise<void> => {
		const running = child;
		child = undefined;
		if (!running || running.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
		running.kill(signal);
		await exited;
	};

	await launch();
	return {
		port,
		url: `redis://127.0.0.1:${port}`,
		kill: () => halt('SIGKILL'),
		restart: launch,
		freeze: () => void child?.kill('SIGSTOP'),
		thaw: () => void child?.kill('SIGCONT'),
		stop: async () => {
			// A frozen server would never take SIGTERM.
			child?.kill('SIGCONT');
			await halt('SIGTERM');
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
