/**
 * A real Redis Cluster for one test: three masters (`redis-server --cluster-enabled yes`, no replicas) on free ports in
 * a temp dir, joined by `redis-cli --cluster create`. `kill(port)` then `start(port)` restarts one master: it rejoins
 * from its nodes.conf with its slots, empty (no persistence).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REDIS_SERVER_BINARY, redisAvailable } from './redis';

const run = promisify(execFile);
export const REDIS_CLI_BINARY = process.env.REDIS_CLI_BIN ?? '/usr/bin/redis-cli';

export interface TestRedisCluster {
	ports: number[];
	/** The credential's form: redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3 */
	url: string;
	/** The master that serves a key's slot. */
	masterOf(key: string): Promise<number>;
	/** Kill one master (SIGKILL: its connections drop at once, its data is gone). */
	kill(port: number): Promise<void>;
	/** Start a killed master again from its nodes.conf and wait until the cluster serves every slot. */
	start(port: number): Promise<void>;
	/** SIGSTOP one master: its connections stay open, nothing answers (under the 10 s node timeout: the others keep serving their slots). */
	freeze(port: number): void;
	/** SIGCONT: it answers again, commands sent during the freeze first. */
	thaw(port: number): void;
	stop(): Promise<void>;
}

/** Why this machine cannot start a cluster, or undefined when it can (redis-server and redis-cli ≥ 5 with --cluster). */
export function clusterUnsupported(): string | undefined {
	if (!redisAvailable()) return `${REDIS_SERVER_BINARY} not found`;
	// `redis-cli --cluster help` exits with 1 even when it prints the help: read what it prints.
	let help = '';
	try {
		help = execFileSync(REDIS_CLI_BINARY, ['--cluster', 'help'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
	} catch (error) {
		help = String((error as { stdout?: Buffer }).stdout ?? '');
	}
	if (!help.includes('create')) return `${REDIS_CLI_BINARY} is missing or has no --cluster support (Redis 5 or later)`;
	try {
		const version = execFileSync(REDIS_SERVER_BINARY, ['--version']).toString();
		const major = Number(/v=(\d+)/.exec(version)?.[1] ?? 0);
		// cluster-port (a bus port of our choosing) came with Redis 7.
		if (major < 7) return `redis-server ${major} is older than 7 (cluster-port)`;
	} catch {
		return `${REDIS_SERVER_BINARY} --version failed`;
	}
	return undefined;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as net.AddressInfo).port;
			server.close(() => resolve(port));
		});
	});
}

async function cli(port: number, ...args: string[]): Promise<string> {
	return (await run(REDIS_CLI_BINARY, ['-p', String(port), ...args])).stdout;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

export async function startRedisCluster(): Promise<TestRedisCluster> {
	const reason = clusterUnsupported();
	if (reason) throw new Error(`cannot start a Redis Cluster: ${reason}`);
	const root = mkdtempSync(join(tmpdir(), 'wa-redis-cluster-'));
	const nodes = await Promise.all(
		[0, 1, 2].map(async (index) => ({ index, port: await freePort(), busPort: await freePort(), child: undefined as ChildProcess | undefined })),
	);
	const launch = async (node: (typeof nodes)[number]): Promise<void> => {
		node.child = spawn(
			REDIS_SERVER_BINARY,
			[
				'--port', String(node.port), '--cluster-port', String(node.busPort), '--bind', '127.0.0.1',
				'--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${node.index}.conf`, '--cluster-node-timeout', '10000',
				'--dir', root, '--save', '', '--appendonly', 'no', '--daemonize', 'no',
			],
			{ stdio: 'ignore' },
		);
		await until(async () => (await cli(node.port, 'PING')).trim() === 'PONG', 5000, `node ${node.port} did not answer`);
	};
	const halt = async (node: (typeof nodes)[number], signal: NodeJS.Signals): Promise<void> => {
		const running = node.child;
		node.child = undefined;
		if (!running || running.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
		running.kill(signal);
		await exited;
	};
	const healthy = async (): Promise<boolean> => {
		for (const node of nodes) if (!(await cli(node.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
		return true;
	};
	try {
		await Promise.all(nodes.map(launch));
		await run(REDIS_CLI_BINARY, ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0', '--cluster-yes']);
		await until(healthy, 15_000, 'not every node reported cluster_state:ok');
	} catch (error) {
		await Promise.all(nodes.map((node) => halt(node, 'SIGKILL')));
		rmSync(root, { recursive: true, force: true });
		throw error;
	}
	const ports = nodes.map((node) => node.port);
	return {
		ports,
		url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
		masterOf: async (key) => {
			const slot = Number((await cli(ports[0], 'CLUSTER', 'KEYSLOT', key)).trim());
			const shards = (await cli(ports[0], 'CLUSTER', 'NODES')).split('\n');
			for (const line of shards) {
				const [, address, flags, , , , , , ...ranges] = line.split(' ');
				if (!flags?.includes('master')) continue;
				for (const range of ranges) {
					const [from, to = from] = range.split('-').map(Number);
					if (slot >= from && slot <= to) return Number(address.split(':')[1].split('@')[0]);
				}
			}
			throw new Error(`no master serves slot ${slot}`);
		},
		kill: (port) => halt(nodes.find((candidate) => candidate.port === port)!, 'SIGKILL'),
		start: async (port) => {
			await launch(nodes.find((candidate) => candidate.port === port)!);
			await until(healthy, 15_000, 'the restarted master did not rejoin');
		},
		freeze: (port) => void nodes.find((candidate) => candidate.port === port)?.child?.kill('SIGSTOP'),
		thaw: (port) => void nodes.find((candidate) => candidate.port === port)?.child?.kill('SIGCONT'),
		stop: async () => {
			// A frozen master would never take SIGTERM.
			nodes.forEach((node) => node.child?.kill('SIGCONT'));
			await Promise.all(nodes.map((node) => halt(node, 'SIGTERM')));
			rmSync(root, { recursive: true, force: true });
		},
	};
}
