/**
 * Runs every `bench/NAME.bench.ts` (or only those named: `npm run bench -- limiter`). Each bench prints its own table
 * for people and returns its machine fields; this runner prints them as one JSON line `{"bench":NAME,…}` after it.
 */
import { readdirSync } from 'fs';
import Module from 'module';
import { join } from 'path';

// `X.node` names both a node's code (X.node.ts) and its codex (X.node.json): resolve the code first, as jest does
// (ts-node registers `.ts` after Node's own `.json`).
const extensions = (Module as unknown as { _extensions: Record<string, unknown> })._extensions;
const json = extensions['.json'];
delete extensions['.json'];
extensions['.json'] = json;

interface BenchModule {
	run(args: string[]): Promise<Record<string, unknown>>;
}

async function main(): Promise<void> {
	const argv = process.argv.slice(2);
	const available = readdirSync(__dirname)
		.filter((file) => file.endsWith('.bench.ts'))
		.map((file) => file.slice(0, -'.bench.ts'.length))
		.sort();
	const wanted = argv.filter((arg) => !arg.startsWith('-'));
	const extraArgs = argv.filter((arg) => arg.startsWith('-'));
	const unknown = wanted.filter((name) => !available.includes(name));
	if (unknown.length > 0) {
		console.error(`Unknown bench ${unknown.join(', ')}; available: ${available.join(', ')}`);
		process.exit(2);
	}
	const names = wanted.length > 0 ? wanted : available;
	let failed = false;
	for (const name of names) {
		try {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const bench = require(join(__dirname, `${name}.bench.ts`)) as BenchModule;
			const result = await bench.run(extraArgs);
			console.log(JSON.stringify({ bench: name, ...result }));
		} catch (error) {
			failed = true;
			console.error(`bench ${name} failed:`, error instanceof Error ? error.stack : error);
		}
	}
	// Benches stop their servers; exit explicitly in case a client library keeps a handle open.
	process.exit(failed ? 1 : 0);
}

void main();
