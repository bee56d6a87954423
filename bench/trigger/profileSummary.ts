/**
 * Summarises a .cpuprofile of n8n main (webhook-stream --profile): CPU time by part — our pack, n8n's webhook path,
 * execution start and saving, the database, expression evaluation (isolated-vm), Redis (ioredis), JSON, GC — each
 * sample counted for the innermost frame that names a part (Node's own internals count for their caller), plus the
 * time inside our pack inclusive of what it calls, and the heaviest functions.
 * Usage: `npx ts-node --transpile-only bench/trigger/profileSummary.ts FILE [FILE…] [--events=N]` (N: events the
 * stream delivered, for CPU µs per event).
 */
import * as fs from 'fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

/** The parts, first match wins; `undefined` for frames that name no part (Node internals, natives): their caller's. */
const PARTS: Array<[string, (url: string, name: string) => boolean]> = [
	['redis (ioredis)', (url) => /\/(ioredis|redis-parser|denque|cluster-key-slot|@ioredis)\//.test(url)],
	// The pack's own code (n8n's install cache is under a directory of the same name: its dist/ tells them apart).
	['ours (n8n-nodes-whatsapp-cloud)', (url) => /n8n-nodes-whatsapp-cloud\/dist\//.test(url)],
	["n8n's WhatsApp Trigger (n8n-nodes-base, the anchor)", (url) => /\/n8n-nodes-base\//.test(url)],
	['expressions (isolated-vm, n8n expression)', (url) => /isolated-vm|expression|tmpl|@n8n\/tournament/i.test(url)],
	['database (typeorm, sqlite)', (url) => /\/(typeorm|sqlite3|@n8n\/db|better-sqlite3|pg)\//.test(url) || /repositories\//.test(url)],
	['execution (run, lifecycle hooks, saving)', (url) => /workflow-execute|execution-lifecycle|active-executions|workflow-runner|execution|n8n-core\/dist\/(execution-engine)|workflow-data-proxy|routing-node/i.test(url)],
	['webhook path (n8n cli webhooks)', (url) => /\/webhooks\//.test(url)],
	['http (express, body parsing)', (url) => /\/(express|body-parser|raw-body|router|iconv-lite|on-finished|finalhandler|send|compression|cookie-parser|helmet)\//.test(url)],
	['n8n-workflow (Workflow, node parameters)', (url) => /n8n-workflow\//.test(url)],
	['n8n-core (other)', (url) => /n8n-core\//.test(url)],
	['n8n event bus (log writer)', (url) => /\/eventbus\//.test(url)],
	['n8n cli (other)', (url) => /packages\/cli\/|\/n8n\/dist\//.test(url)],
	['other node_modules', (url) => url.includes('node_modules')],
];

function partOf(node: ProfileNode): string | undefined {
	const { url, functionName } = node.callFrame;
	if (url === '' && ['(garbage collector)', '(idle)', '(program)'].includes(functionName)) return functionName;
	for (const [part, matches] of PARTS) if (matches(url, functionName)) return part;
	return undefined;
}

function summarise(file: string, events: number | undefined): void {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const self = new Map<string, number>();
	const functions = new Map<string, number>();
	const ourFunctions = new Map<string, number>();
	let oursInclusive = 0;
	let busy = 0;
	const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
	profile.samples.forEach((id, index) => {
		const us = profile.timeDeltas[index + 1] ?? 0;
		let node = byId.get(id);
		const leaf = node!;
		let part: string | undefined;
		let insideOurs = false;
		let ourFrame: ProfileNode | undefined;
		for (let current = node; current; current = byId.get(parent.get(current.id) ?? -1)) {
			const found = partOf(current);
			if (part === undefined && found !== undefined) part = found;
			if (found === 'ours (n8n-nodes-whatsapp-cloud)') {
				insideOurs = true;
				ourFrame ??= current;
			}
		}
		node = leaf;
		part ??= 'node internals / native';
		add(self, part, us);
		if (part !== '(idle)' && part !== '(program)') busy += us;
		if (insideOurs) oursInclusive += us;
		if (ourFrame) add(ourFunctions, `${ourFrame.callFrame.functionName || '(anonymous)'} ${ourFrame.callFrame.url.replace(/.*n8n-nodes-whatsapp-cloud\//, '')}:${ourFrame.callFrame.lineNumber + 1}`, us);
		if (part !== '(idle)') add(functions, `${leaf.callFrame.functionName || '(anonymous)'} ${leaf.callFrame.url.replace(/.*node_modules\//, '')}:${leaf.callFrame.lineNumber + 1}`, us);
	});
	const ms = (us: number) => (us / 1000).toFixed(0);
	const total = (profile.endTime - profile.startTime) || 1;
	console.log(`\n${file}: ${ms(total)} ms profiled, ${ms(busy)} ms busy (not idle/program)${events ? `, ${events} events: ${(busy / events).toFixed(1)} µs busy per event` : ''}`);
	console.log('| part (self) | ms | % of busy |' + (events ? ' µs / event |' : ''));
	console.log('|---|---|---|' + (events ? '---|' : ''));
	for (const [part, us] of [...self].sort((a, b) => b[1] - a[1])) {
		if (part === '(idle)' || part === '(program)') continue;
		console.log(`| ${part} | ${ms(us)} | ${((100 * us) / busy).toFixed(1)} |` + (events ? ` ${(us / events).toFixed(1)} |` : ''));
	}
	console.log(`| ours inclusive (our frames and all they call) | ${ms(oursInclusive)} | ${((100 * oursInclusive) / busy).toFixed(1)} |` + (events ? ` ${(oursInclusive / events).toFixed(1)} |` : ''));
	console.log('\nour functions (innermost frame of ours on the stack, inclusive of what it calls):');
	for (const [name, us] of [...ourFunctions].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${ms(us).padStart(6)} ms  ${name}`);
	console.log('\nheaviest functions (self):');
	for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms(us).padStart(6)} ms  ${name}`);
}

const args = process.argv.slice(2);
const events = Number(args.find((arg) => arg.startsWith('--events='))?.split('=')[1]) || undefined;
for (const file of args.filter((arg) => !arg.startsWith('--'))) summarise(file, events);
