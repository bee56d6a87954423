/**
 * `npm run bench -- transport`: the CPU one Graph call costs the sending process. The simulator runs in its own
 * process with a fixed server latency (300 ms by default); N POST /messages calls go at a fixed concurrency
 * (300 by default, so ~1,000 calls/s with hundreds in flight) through `graphRequest` directly (no gate), and, in the
 * same run, through a bare `http.request` keep-alive client that does only what HTTP needs (the floor). Rounds
 * alternate the two clients so machine noise hits both alike.
 * Prints a table and returns {calls, concurrency, latency_ms, rounds, clients:[{client, calls_per_s, cpu_us_per_call,
 * p50_ms, p99_ms, errors}], ratio_cpu_vs_floor}. Each client's figures are the median over its rounds.
 * Options: --calls=N (10,000), --concurrency=N (300), --latency=MS (300), --rounds=N (3), --only=graph|floor.
 */
import * as http from 'node:http';
import { loadavg } from 'node:os';
import { FAST_NUMBER, credentialsFor, recipientFor } from '../nodes/shared/limiter/__tests__/helpers';
import { startSimulatorProcess, type SimulatorProcess } from '../nodes/shared/limiter/__tests__/simulatorClient';
import { destroyGraphClients, graphRequest } from '../nodes/shared/transport';
import type { WhatsAppCredentials } from '../nodes/shared/transport';
import { median } from './stats';

type SimHandle = SimulatorProcess;

type Client = 'graph' | 'floor';

interface Round {
	client: Client;
	calls_per_s: number;
	cpu_us_per_call: number;
	p50_ms: number;
	p99_ms: number;
	errors: number;
}

function startSimProcess(latencyMs: number): Promise<SimHandle> {
	// A constant latency (every quantile the same) keeps calls/s = concurrency / latency, so rounds compare.
	const latency = { median: latencyMs, p90: latencyMs, p99: latencyMs, max: latencyMs, min: latencyMs };
	return startSimulatorProcess({ latency, requestLogLimit: 100 });
}

function textBody(index: number): Record<string, unknown> {
	return { messaging_product: 'whatsapp', recipient_type: 'individual', to: recipientFor(index), type: 'text', text: { body: `m${index}` } };
}

/** The floor: what any keep-alive HTTP client must do for the call (serialise, write, read, parse), nothing else. */
function floorClient(sim: SimHandle, credentials: WhatsAppCredentials): (index: number) => Promise<unknown> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 4096, maxFreeSockets: 4096, scheduling: 'lifo' });
	const target = new URL(sim.url);
	const path = `/${credentials.apiVersion}/${FAST_NUMBER}/messages`;
	const authorization = `Bearer ${credentials.accessToken}`;
	return (index) =>
		new Promise((resolve, reject) => {
			const payload = Buffer.from(JSON.stringify(textBody(index)));
			const req = http.request(
				{
					host: target.hostname,
					port: target.port,
					method: 'POST',
					path,
					agent,
					headers: {
						Accept: 'application/json',
						Authorization: authorization,
						'Content-Type': 'application/json',
						'Content-Length': payload.length,
					},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () => {
						try {
							const data: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
							if ((res.statusCode ?? 0) >= 300) reject(new Error(`HTTP ${res.statusCode}`));
							else resolve(data);
						} catch (error) {
							reject(error);
						}
					});
					res.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(payload);
		});
}

function graphClient(credentials: WhatsAppCredentials): (index: number) => Promise<unknown> {
	const path = `/${FAST_NUMBER}/messages`;
	return (index) => graphRequest(credentials, { method: 'POST', path, body: textBody(index) });
}

function quantile(sorted: number[], q: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** `calls` calls, `concurrency` at a time: each lane starts its next call when its previous one settles. */
async function drive(call: (index: number) => Promise<unknown>, calls: number, concurrency: number): Promise<Omit<Round, 'client'>> {
	const latencies = new Float64Array(calls);
	let next = 0;
	let errors = 0;
	const cpuStart = process.cpuUsage();
	const started = performance.now();
	const lane = async (): Promise<void> => {
		while (next < calls) {
			const index = next++;
			const t0 = performance.now();
			try {
				await call(index);
			} catch {
				errors++;
			}
			latencies[index] = performance.now() - t0;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, lane));
	const elapsedMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuStart);
	const sorted = Array.from(latencies).sort((a, b) => a - b);
	return {
		calls_per_s: Math.round((calls / elapsedMs) * 1000 * 10) / 10,
		cpu_us_per_call: Math.round(((cpu.user + cpu.system) / calls) * 10) / 10,
		p50_ms: Math.round(quantile(sorted, 0.5) * 10) / 10,
		p99_ms: Math.round(quantile(sorted, 0.99) * 10) / 10,
		errors,
	};
}

function table(rows: Array<Round & { round: string }>): string {
	const header = ['client', 'round', 'calls/s', 'CPU µs/call', 'p50 ms', 'p99 ms', 'errors'];
	const lines = rows.map((row) => [
		row.client,
		row.round,
		row.calls_per_s.toFixed(1),
		row.cpu_us_per_call.toFixed(1),
		row.p50_ms.toFixed(1),
		row.p99_ms.toFixed(1),
		String(row.errors),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
	const format = (cells: string[]) => cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
	return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const calls = Number(option('calls') ?? 10_000);
	const concurrency = Number(option('concurrency') ?? 300);
	const latencyMs = Number(option('latency') ?? 300);
	const rounds = Number(option('rounds') ?? 3);
	const only = option('only')?.split(',') as Client[] | undefined;
	const clients: Client[] = (['floor', 'graph'] as Client[]).filter((client) => !only || only.includes(client));

	const sim = await startSimProcess(latencyMs);
	const rows: Array<Round & { round: string }> = [];
	try {
		// No per-number limit in the way: this bench measures the client, not Meta's pacing.
		await sim.configure({ mps: { [FAST_NUMBER]: 1_000_000 } });
		const credentials = credentialsFor(sim);
		const callers: Record<Client, (index: number) => Promise<unknown>> = {
			graph: graphClient(credentials),
			floor: floorClient(sim, credentials),
		};
		// Warm-up: open the sockets and JIT-compile both paths before anything is measured.
		for (const client of clients) await drive(callers[client], Math.min(calls, concurrency * 4), concurrency);
		for (let round = 1; round <= rounds; round++) {
			for (const client of clients) {
				await sim.reset();
				const result = await drive(callers[client], calls, concurrency);
				rows.push({ client, round: String(round), ...result });
				console.log(`${client} round ${round}: ${result.calls_per_s} calls/s, ${result.cpu_us_per_call} µs CPU/call, p50 ${result.p50_ms} ms, errors ${result.errors}`);
			}
		}
	} finally {
		destroyGraphClients();
		await sim.stop();
	}
	const summary = clients.map((client) => {
		const own = rows.filter((row) => row.client === client);
		return {
			client,
			calls_per_s: median(own.map((row) => row.calls_per_s)),
			cpu_us_per_call: median(own.map((row) => row.cpu_us_per_call)),
			p50_ms: median(own.map((row) => row.p50_ms)),
			p99_ms: median(own.map((row) => row.p99_ms)),
			errors: own.reduce((sum, row) => sum + row.errors, 0),
		};
	});
	const graph = summary.find((row) => row.client === 'graph');
	const floor = summary.find((row) => row.client === 'floor');
	console.log('');
	console.log(
		`transport bench (calls ${calls}, concurrency ${concurrency}, server latency ${latencyMs} ms, ${rounds} rounds; load average ${loadavg().map((n) => n.toFixed(1)).join(' ')})`,
	);
	console.log(table([...rows, ...summary.map((row) => ({ ...row, round: 'median' }))]));
	return {
		calls,
		concurrency,
		latency_ms: latencyMs,
		rounds,
		clients: summary,
		ratio_cpu_vs_floor: graph && floor ? Math.round((graph.cpu_us_per_call / floor.cpu_us_per_call) * 100) / 100 : null,
	};
}
