/**
 * Simulator throughput: N text sends with zero latency from a client in a child process (64 keep-alive sockets);
 * reports wall-clock requests/s and requests per CPU-second of the simulator's own process.
 */
import { spawn } from 'child_process';
import { startSimulator } from '../test/simulator';

const CLIENT = `
const http = require('http');
const [base, totalArg, token] = process.argv.slice(1);
const total = Number(totalArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const url = new URL(base + '/v26.0/300000000000002/messages');
let sent = 0, done = 0, failed = 0;
const one = () => {
	if (sent >= total) return;
	const i = sent++;
	const body = JSON.stringify({ messaging_product: 'whatsapp', to: '+1650' + String(i).padStart(7, '0'), type: 'text', text: { body: 'hello ' + i } });
	const req = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
		headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
		if (res.statusCode !== 200) failed++;
		res.resume();
		res.on('end', () => { if (++done === total) { process.send({ failed }); agent.destroy(); } else one(); });
	});
	req.end(body);
};
for (let c = 0; c < 64; c++) one();
`;

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const total = Number(args.find((a) => a.startsWith('--requests='))?.split('=')[1] ?? 20_000);
	const sim = await startSimulator({ latency: 'none', mps: { '300000000000002': 1e9 }, pairBurst: 1e9, webhooks: { statuses: [] } });
	try {
		const cpuBefore = process.cpuUsage();
		const started = Date.now();
		const child = spawn(process.execPath, ['-e', CLIENT, sim.url, String(total), sim.fixture.accessToken], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
		const { failed } = await new Promise<{ failed: number }>((resolve) => child.once('message', (m) => resolve(m as { failed: number })));
		child.kill();
		const seconds = (Date.now() - started) / 1000;
		const cpu = process.cpuUsage(cpuBefore);
		const cpuSeconds = (cpu.user + cpu.system) / 1e6;
		const result = {
			requests: total,
			failed,
			accepted: sim.counters().accepted,
			seconds: Number(seconds.toFixed(2)),
			requests_per_second: Math.round(total / seconds),
			simulator_cpu_seconds: Number(cpuSeconds.toFixed(2)),
			requests_per_cpu_second: Math.round(total / cpuSeconds),
		};
		console.log(`simulator: ${total} sends in ${result.seconds} s wall (${result.requests_per_second}/s), ${result.requests_per_cpu_second} per CPU-second of the simulator`);
		return result;
	} finally {
		await sim.stop();
	}
}
