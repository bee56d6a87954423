import { spawn } from 'child_process';
import path from 'path';
import { optionsFromArgs } from './cli';

describe('simulator command line', () => {
	test('flags set port, latency, per-number mps, limits and faults', () => {
		const { options } = optionsFromArgs(
			['--port', '9001', '--latency', 'none', '--mps', '300000000000001=5,300000000000003=2', '--budget', '100', '--budget-window=60000', '--throttle-status', 'alternate', '--errors', '0.1'],
			{},
		);
		expect(options).toMatchObject({
			port: 9001,
			latency: 'none',
			mps: { '300000000000001': 5, '300000000000003': 2 },
			hourlyBudget: 100,
			budgetWindowMs: 60_000,
			throttleHttpStatus: 'alternate',
			errorRatio5xx: 0.1,
		});
	});

	test('environment variables are read when no flag is given, and flags win over them', () => {
		const { options } = optionsFromArgs(['--port', '9002'], { SIM_PORT: '7000', SIM_LATENCY: '50,200,400', SIM_MPS: '7', SIM_PAIR_BURST: '3' });
		expect(options.port).toBe(9002);
		expect(options.latency).toEqual({ median: 50, p90: 200, p99: 400 });
		expect(options.mps).toEqual({ '300000000000001': 7, '300000000000002': 7, '300000000000003': 7 });
		expect(options.pairBurst).toBe(3);
	});

	test('a bad value is refused with the flag named', () => {
		expect(() => optionsFromArgs(['--mps', 'fast'], {})).toThrow('--mps must be N or ID=N[,ID=N], got "fast"');
		expect(() => optionsFromArgs(['--throttle-status', '500'], {})).toThrow('--throttle-status must be 400, 429 or alternate');
		expect(() => optionsFromArgs(['--port'], {})).toThrow('Option --port needs a value');
	});

	test('the simulator runs alone, prints its URL and fixture, and stops on SIGTERM', async () => {
		const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'cli.ts'), '--port', '0', '--latency', 'none'], {
			cwd: path.join(__dirname, '..', '..'),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
		try {
			while (!output.includes('Ctrl-C')) {
				if (child.exitCode !== null) throw new Error(`simulator exited early: ${output}`);
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			const url = /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1] as string;
			expect(output).toContain('access token: EAAGsim0accessTOKEN0123456789');
			expect(output).toContain('WABA id: 200000000000001');
			expect(output).toContain('/_sim/log');
			const counters = await (await fetch(`${url}/_sim/counters`)).json();
			expect(counters).toMatchObject({ accepted: 0 });
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	}, 60_000);
});
