/**
 * `npm run simulator -- --port 8090 --latency meta|none --mps 300000000000001=20 …`: runs the simulator alone,
 * prints its URL, fixture and control endpoints, and stops on SIGINT/SIGTERM.
 */
import { CONTROL_ENDPOINTS, startSimulator } from './index';
import type { LatencyDistribution, SimulatorOptions } from './types';

const HELP = `Usage: npm run simulator -- [options]

  --port N                 port (env SIM_PORT, default 8090; 0 = random)
  --host H                 host (env SIM_HOST, default 127.0.0.1)
  --latency meta|none|M[,P90[,P99]]
                           response latency (env SIM_LATENCY, default meta: median 300 ms, p90 1 s, p99 2 s)
  --mps ID=N[,ID=N]        messages per second per phone number (env SIM_MPS); a bare N applies to every number
  --window MS              throughput window (env SIM_THROUGHPUT_WINDOW_MS, default 1000)
  --budget N               WABA calls per budget window (env SIM_BUDGET, default 1,800,000 x numbers)
  --budget-window MS       budget window (env SIM_BUDGET_WINDOW_MS, default 3600000)
  --pair-burst N           pair-rate burst (env SIM_PAIR_BURST, default 45)
  --pair-interval MS       pair-rate refill interval (env SIM_PAIR_INTERVAL_MS, default 6000)
  --throttle-status 400|429|alternate   HTTP status of throttling errors (env SIM_THROTTLE_STATUS, default 429)
  --errors R               ratio of random 5xx (env SIM_ERROR_RATIO)
  --resets R               ratio of resets before the message is recorded (env SIM_RESET_RATIO)
  --resets-after R         ratio of resets after the message is recorded (env SIM_RESET_AFTER_RATIO)
  --stalls R               ratio of stalls (env SIM_STALL_RATIO), --stall-ms MS (env SIM_STALL_MS)
  --seed N                 seed of the random draws (env SIM_SEED)
  --webhook-url URL        deliver webhooks here (env SIM_WEBHOOK_URL), as if subscribed
  --help
`;

function parseArgs(argv: string[]): Record<string, string> {
	const args: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}" (see --help)`);
		const eq = arg.indexOf('=');
		if (eq !== -1 && !arg.slice(2, eq).includes('=')) {
			args[arg.slice(2, eq)] = arg.slice(eq + 1);
		} else if (arg === '--help') {
			args.help = 'true';
		} else {
			const value = argv[i + 1];
			if (value === undefined || value.startsWith('--')) throw new Error(`Option ${arg} needs a value`);
			args[arg.slice(2)] = value;
			i++;
		}
	}
	return args;
}

function numberOption(name: string, value: string | undefined): number | undefined {
	if (value === undefined || value === '') return undefined;
	const parsed = Number(value);
	if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative number, got "${value}"`);
	return parsed;
}

function latencyOption(value: string | undefined): SimulatorOptions['latency'] | undefined {
	if (value === undefined || value === '') return undefined;
	if (value === 'meta' || value === 'none') return value;
	const [median, p90, p99] = value.split(',').map((part) => Number(part));
	if (!Number.isFinite(median)) throw new Error(`--latency must be meta, none or MEDIAN[,P90[,P99]] in ms, got "${value}"`);
	const distribution: LatencyDistribution = { median };
	if (Number.isFinite(p90)) distribution.p90 = p90;
	if (Number.isFinite(p99)) distribution.p99 = p99;
	return distribution;
}

function mpsOption(value: string | undefined, phoneIds: string[]): Record<string, number> | undefined {
	if (value === undefined || value === '') return undefined;
	const map: Record<string, number> = {};
	for (const part of value.split(',')) {
		const [id, rate] = part.includes('=') ? part.split('=') : [undefined, part];
		const mps = Number(rate);
		if (!Number.isFinite(mps) || mps <= 0) throw new Error(`--mps must be N or ID=N[,ID=N], got "${value}"`);
		for (const target of id ? [id] : phoneIds) map[target] = mps;
	}
	return map;
}

export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv): { options: Partial<SimulatorOptions>; help: boolean } {
	const args = parseArgs(argv);
	const pick = (flag: string, envName: string): string | undefined => args[flag] ?? env[envName];
	const options: Partial<SimulatorOptions> = {
		port: numberOption('port', pick('port', 'SIM_PORT')) ?? 8090,
		host: pick('host', 'SIM_HOST') ?? '127.0.0.1',
		latency: latencyOption(pick('latency', 'SIM_LATENCY')),
		mps: mpsOption(pick('mps', 'SIM_MPS'), ['300000000000001', '300000000000002', '300000000000003']),
		throughputWindowMs: numberOption('window', pick('window', 'SIM_THROUGHPUT_WINDOW_MS')),
		hourlyBudget: numberOption('budget', pick('budget', 'SIM_BUDGET')),
		budgetWindowMs: numberOption('budget-window', pick('budget-window', 'SIM_BUDGET_WINDOW_MS')),
		pairBurst: numberOption('pair-burst', pick('pair-burst', 'SIM_PAIR_BURST')),
		pairIntervalMs: numberOption('pair-interval', pick('pair-interval', 'SIM_PAIR_INTERVAL_MS')),
		errorRatio5xx: numberOption('errors', pick('errors', 'SIM_ERROR_RATIO')),
		resetBeforeRecordRatio: numberOption('resets', pick('resets', 'SIM_RESET_RATIO')),
		resetAfterRecordRatio: numberOption('resets-after', pick('resets-after', 'SIM_RESET_AFTER_RATIO')),
		stallRatio: numberOption('stalls', pick('stalls', 'SIM_STALL_RATIO')),
		stallMs: numberOption('stall-ms', pick('stall-ms', 'SIM_STALL_MS')),
		seed: numberOption('seed', pick('seed', 'SIM_SEED')),
	};
	const throttle = pick('throttle-status', 'SIM_THROTTLE_STATUS');
	if (throttle !== undefined) {
		if (throttle !== '400' && throttle !== '429' && throttle !== 'alternate') {
			throw new Error(`--throttle-status must be 400, 429 or alternate, got "${throttle}"`);
		}
		options.throttleHttpStatus = throttle === 'alternate' ? 'alternate' : (Number(throttle) as 400 | 429);
	}
	const webhookUrl = pick('webhook-url', 'SIM_WEBHOOK_URL');
	if (webhookUrl) options.webhooks = { callbackUrl: webhookUrl };
	for (const key of Object.keys(options) as Array<keyof SimulatorOptions>) {
		if (options[key] === undefined) delete options[key];
	}
	return { options, help: args.help === 'true' };
}

async function main(): Promise<void> {
	const { options, help } = optionsFromArgs(process.argv.slice(2), process.env);
	if (help) {
		process.stdout.write(HELP);
		return;
	}
	const sim = await startSimulator(options);
	const f = sim.fixture;
	const lines = [
		`WhatsApp Cloud API simulator listening on ${sim.url}`,
		`  Graph base URL (credential "Base URL"): ${sim.url}   versions v21.0 … v26.0`,
		`  access token: ${f.accessToken}`,
		`  app id: ${f.appId}   app secret: ${f.appSecret}`,
		`  WABA id: ${f.wabaId}`,
		...f.phoneNumbers.map((p) => `  phone number ${p.id}  ${p.displayPhoneNumber}  ${p.verifiedName}  ${sim.options.mps[p.id] ?? p.mps} mps`),
		`  templates: ${f.templates.length} (${[...new Set(f.templates.map((t) => t.name))].slice(0, 6).join(', ')}, …)`,
		`  latency: ${typeof sim.options.latency === 'string' ? sim.options.latency : JSON.stringify(sim.options.latency)}`,
		'Control endpoints (no auth):',
		...CONTROL_ENDPOINTS.map((line) => `  ${line}`),
		'Ctrl-C to stop.',
	];
	process.stdout.write(lines.join('\n') + '\n');
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\n${signal}: stopping the simulator\n`);
		sim.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}
