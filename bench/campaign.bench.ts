/**
 * `npm run bench -- campaign`: one broadcast through Send Message's sender pool (issue 20): 10,000 recipients over
 * 5 numbers of one WABA at 80 msg/s each, one image link, in one execution through n8n-core's real `WorkflowExecute`,
 * against the simulator in its own process (Meta-like latency, each number limited to 80 in any sliding second).
 *
 *   npm run bench -- campaign                          10,000 recipients, 5 numbers, 80 msg/s each
 *   npm run bench -- campaign --recipients=1000        a short run (--numbers=N, --mps=N too)
 *
 * Figures: the aggregate ratio (messages accepted / (numbers × mps × seconds from the execution's first call to Meta to
 * the last acceptance, the simulator's clock), so the link's fetch and the uploads count), 130429s, the image's
 * fetches (the bench's file server counts them) and uploads (the simulator's request log), each message once (every
 * item's callback data accepted exactly once, no body repeated), each number's share and its peak in a sliding second,
 * the wall time of the execution and the process's CPU per message.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';

import { runWorkflow } from '../test/harness';
import { defaultFixture } from '../test/simulator/fixture';
import type { FixturePhoneNumber, RequestLogEntry } from '../test/simulator/types';
import { startSimulatorProcess, type SimulatorProcess } from '../nodes/shared/limiter/__tests__/simulatorClient';
import { destroyGraphClients } from '../nodes/shared/transport';
import { resetGateForTests } from '../test/support/testHooks';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

interface Options {
	recipients: number;
	numbers: number;
	mps: number;
}

function parseOptions(args: string[]): Options {
	const whole = (name: string, fallback: number) => {
		const n = Number(args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
		if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a whole number above 0`);
		return n;
	};
	return { recipients: whole('recipients', 10_000), numbers: whole('numbers', 5), mps: whole('mps', 80) };
}

/** Numbers 320000000000000 + i of the simulator's WABA, each a STANDARD number (80 msg/s unless --mps says). */
function poolNumbers(count: number): FixturePhoneNumber[] {
	const standard = defaultFixture().phoneNumbers[0];
	return Array.from({ length: count }, (_, index) => ({
		...standard,
		id: String(320_000_000_000_000 + index),
		displayPhoneNumber: `+1 555-040-${String(index).padStart(4, '0')}`,
		verifiedName: `Campaign ${index + 1}`,
	}));
}

/** The image every message sends, served from loopback; counts its fetches. */
async function startImageServer(): Promise<{ url: string; fetches: () => number; stop: () => Promise<void> }> {
	let fetches = 0;
	const server = http.createServer((_req, res) => {
		fetches++;
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sale.png`,
		fetches: () => fetches,
		stop: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

async function requestLog(sim: SimulatorProcess): Promise<RequestLogEntry[]> {
	const response = await fetch(`${sim.url}/_sim/requests`);
	return ((await response.json()) as { requests: RequestLogEntry[] }).requests;
}

interface CampaignFigures {
	recipients: number;
	numbers: number;
	mps_per_number: number;
	accepted: number;
	aggregate_ratio: number;
	seconds: number;
	execution_seconds: number;
	errors_130429: number;
	failed_items: number;
	image_fetches: number;
	uploads: number;
	upload_numbers: number;
	/** Items whose callback data was accepted other than exactly once, and bodies accepted twice. */
	not_once: number;
	repeated_bodies: number;
	per_number_messages: number[];
	per_number_peak_per_second: number[];
	numbers_over_limit: number;
	process_cpu_us_per_msg: number;
	load_1m: number;
}

function credentialsFor(sim: SimulatorProcess, options: Options) {
	return {
		whatsAppCloudApi: {
			accessToken: sim.fixture.accessToken,
			apiVersion: 'v26.0',
			baseUrl: sim.url,
			wabaId: sim.fixture.wabaId,
			throughputTier: 'custom',
			customMessagesPerSecond: options.mps,
		},
	};
}

/** A few texts from one number first, so loading and compiling the code is not counted as the campaign's CPU. */
async function warmUp(sim: SimulatorProcess, options: Options): Promise<void> {
	const result = await runWorkflow({
		nodes: [{ name: 'Send', type: 'whatsAppSendMessage', parameters: { messageType: 'text', textBody: 'warm-up', recipient: '={{ $json.phone }}', phoneNumberId: { __rl: true, mode: 'id', value: sim.fixture.phoneNumbers[0].id } } }],
		credentials: credentialsFor(sim, options),
		inputItems: Array.from({ length: 20 }, (_, i) => ({ json: { phone: `1650${String(4_000_000 + i)}` } })),
	});
	if (result.error) throw result.error;
}

async function runCampaign(sim: SimulatorProcess, imageUrl: string, fetches: () => number, options: Options): Promise<CampaignFigures> {
	const ids = sim.fixture.phoneNumbers.map((number) => number.id).filter((id) => id.startsWith('32'));
	const inputItems = Array.from({ length: options.recipients }, (_, i) => ({ json: { phone: `1650${String(5_000_000 + i)}`, ref: `campaign-${i}` } }));
	await warmUp(sim, options);
	await sim.reset();
	await resetGateForTests();
	const cpuStart = process.cpuUsage();
	const startedAt = Date.now();
	const result = await runWorkflow({
		nodes: [
			{
				name: 'Send',
				type: 'whatsAppSendMessage',
				continueOnFail: true,
				parameters: {
					messageType: 'image',
					mediaSource: 'link',
					mediaLink: imageUrl,
					recipient: '={{ $json.phone }}',
					phoneNumberId: { __rl: true, mode: 'id', value: ids[0] },
					sendOptions: { bizOpaqueCallbackData: '={{ $json.ref }}', senderPool: ids.slice(1) },
				},
			},
		],
		credentials: credentialsFor(sim, options),
		inputItems,
	});
	const executionMs = Date.now() - startedAt;
	const cpu = process.cpuUsage(cpuStart);
	const load = loadavg()[0];
	if (result.error) throw result.error;
	const failed = result.outputs('Send').filter((output) => output.error !== undefined).length;
	const [counters, log, requests] = await Promise.all([sim.counters(), sim.log(), requestLog(sim)]);
	const uploads = requests.filter((request) => request.method === 'POST' && request.path.endsWith('/media'));
	const firstCallAt = Math.min(...requests.map((request) => request.at));
	const lastAt = Math.max(...log.map((message) => message.acceptedAt));
	const seconds = (lastAt - firstCallAt) / 1000;
	const timesEach = new Map<string, number>();
	for (const message of log) timesEach.set(String(message.bizOpaqueCallbackData), (timesEach.get(String(message.bizOpaqueCallbackData)) ?? 0) + 1);
	const notOnce = inputItems.filter((item) => timesEach.get(item.json.ref) !== 1).length;
	const perNumber = ids.map((id) => log.filter((message) => message.phoneNumberId === id).length);
	const peaks = ids.map((id) => counters.peakPerSecond[id] ?? 0);
	return {
		recipients: options.recipients,
		numbers: ids.length,
		mps_per_number: options.mps,
		accepted: counters.accepted,
		aggregate_ratio: Math.round((counters.accepted / (ids.length * options.mps * Math.max(0.001, seconds))) * 1000) / 1000,
		seconds: Math.round(seconds * 10) / 10,
		execution_seconds: Math.round(executionMs / 100) / 10,
		errors_130429: counters.rejectedByCode['130429'] ?? 0,
		failed_items: failed,
		image_fetches: fetches(),
		uploads: uploads.length,
		upload_numbers: new Set(uploads.map((request) => request.path.split('/')[2])).size,
		not_once: notOnce,
		repeated_bodies: counters.repeatedBodies,
		per_number_messages: perNumber,
		per_number_peak_per_second: peaks,
		numbers_over_limit: peaks.filter((peak) => peak > options.mps).length,
		process_cpu_us_per_msg: Math.round((cpu.user + cpu.system) / options.recipients),
		load_1m: Math.round(load * 10) / 10,
	};
}

function table(figures: CampaignFigures): string {
	const rows: Array<[string, string, string]> = [
		['recipients × numbers × mps', `${figures.recipients} × ${figures.numbers} × ${figures.mps_per_number}`, ''],
		['accepted', String(figures.accepted), `goal ${figures.recipients}`],
		['aggregate ratio', figures.aggregate_ratio.toFixed(3), `vs ${figures.numbers * figures.mps_per_number} msg/s over ${figures.seconds} s (first call to last acceptance)`],
		['execution', `${figures.execution_seconds} s`, 'wall time of the whole execution'],
		['130429', String(figures.errors_130429), 'goal 0'],
		['failed items', String(figures.failed_items), 'goal 0'],
		['image fetches', String(figures.image_fetches), 'goal 1'],
		['uploads', `${figures.uploads} (${figures.upload_numbers} numbers)`, `goal ${figures.numbers}, one per number`],
		['not sent exactly once', `${figures.not_once} (repeated bodies ${figures.repeated_bodies})`, 'goal 0'],
		['per number', figures.per_number_messages.join(' / '), 'messages'],
		['peak in a sliding second', figures.per_number_peak_per_second.join(' / '), `each ≤ ${figures.mps_per_number} (${figures.numbers_over_limit} over)`],
		['process CPU', `${figures.process_cpu_us_per_msg} µs/msg`, `load ${figures.load_1m}`],
	];
	const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
	return rows.map(([name, value, note]) => `${name.padEnd(widths[0])}  ${value.padStart(widths[1])}  ${note}`).join('\n');
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const options = parseOptions(args);
	// The image is served from loopback: allowed as an n8n admin would, through n8n's own setting.
	process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
	const image = await startImageServer();
	const sim = await startSimulatorProcess({
		latency: 'meta',
		fixture: { phoneNumbers: [...defaultFixture().phoneNumbers, ...poolNumbers(options.numbers)] },
		mps: Object.fromEntries(poolNumbers(options.numbers).map((number) => [number.id, options.mps])),
		// Every request of the run kept (the uploads come first), each body cut short.
		requestLogLimit: options.recipients + 1000,
		requestLogBodyChars: 64,
	});
	let figures: CampaignFigures;
	try {
		figures = await runCampaign(sim, image.url, image.fetches, options);
	} finally {
		await resetGateForTests();
		destroyGraphClients();
		await sim.stop();
		await image.stop();
	}
	console.log('');
	console.log(`campaign bench (${cpus().length} cores; simulator niceness ${sim.niceness})`);
	console.log(table(figures));
	return { ...figures, simulator_niceness: sim.niceness };
}
