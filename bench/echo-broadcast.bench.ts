/**
 * `npm run bench -- echo-broadcast`: an echo bot receiving 40 messages/s on an 80-msg/s number while a broadcast goes
 * out from the same number (issue 19), against the simulator in its own process, which counts the inbound messages it
 * delivers in the number's sliding second as Meta does ("Throughput is inclusive of inbound and outbound messages",
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput). Two runs: the credential's
 * "Count Received Messages in Throughput" on (the default), then off. Each row: 130429s at the simulator, messages
 * accepted and repeated, failures, the peak of sends in a sliding second and the run's length.
 *
 *   npm run bench -- echo-broadcast                        40 msg/s for 10 s, 400 broadcast from the 2nd second on
 *   npm run bench -- echo-broadcast --seconds=3 --broadcast=150   the timing test's size
 *
 * Options: --rate=N (40 inbound messages per second), --seconds=N (10), --broadcast=N (400), --after-ms=N (1000).
 * The scenario itself is bench/limiter/echoBroadcast.ts (the timing test runs it too).
 */
import { cpus, loadavg } from 'node:os';
import { startSimulatorProcess } from '../nodes/shared/limiter/__tests__/simulatorClient';
import { runEchoBroadcast, type EchoBroadcastResult } from './limiter/echoBroadcast';

/** Meta-like answers in tens of ms (the limiter bench's small latency): the run measures the pacing, not the wait. */
const LATENCY = { median: 10, p90: 25, p99: 40, max: 60, min: 3 };

function table(rows: EchoBroadcastResult[]): string {
	const header = ['inbound counted', 'inbound', 'echoes', 'broadcast', 'accepted', 'repeated', 'failed', '130429', 'peak sends/s', 'seconds'];
	const lines = rows.map((row) => [
		row.countInbound ? 'yes' : 'no',
		row.inbound,
		row.echoes,
		row.broadcast,
		row.accepted,
		row.repeated,
		row.failed,
		row.rejected130429,
		row.peakSendsPerSecond,
		(row.durationMs / 1000).toFixed(1),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => String(line[column]).length)));
	const format = (cells: Array<string | number>) => cells.map((cell, column) => String(cell).padStart(widths[column])).join('  ');
	return [format(header), ...lines.map(format)].join('\n');
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const scenario = {
		inboundPerSecond: Number(option('rate') ?? 40),
		inboundSeconds: Number(option('seconds') ?? 10),
		broadcast: Number(option('broadcast') ?? 400),
		broadcastAfterMs: Number(option('after-ms') ?? 1000),
	};
	const sim = await startSimulatorProcess({ latency: LATENCY });
	const rows: EchoBroadcastResult[] = [];
	const loadBefore = loadavg()[0];
	try {
		for (const countInbound of [true, false]) rows.push(await runEchoBroadcast(sim, { ...scenario, countInbound }));
	} finally {
		await sim.stop();
	}
	console.log('');
	console.log(
		`echo-broadcast bench (${scenario.inboundPerSecond} msg/s received for ${scenario.inboundSeconds} s on an 80-msg/s number, ${scenario.broadcast} broadcast from ${scenario.broadcastAfterMs} ms; ${cpus().length} cores, load ${loadBefore.toFixed(1)}; simulator niceness ${sim.niceness})`,
	);
	console.log(table(rows));
	const [counted, uncounted] = rows;
	return {
		...scenario,
		errors_130429_counted: counted.rejected130429,
		errors_130429_not_counted: uncounted.rejected130429,
		runs: rows,
		load_average: Math.round(loadBefore * 10) / 10,
		simulator_niceness: sim.niceness,
	};
}
