/**
 * Where the bench workflows' second node posts the message IDs its trigger output (one POST per execution), so a run
 * whose successful executions n8n does not keep (EXECUTIONS_DATA_SAVE_ON_SUCCESS=none) is still reconciled: each
 * inbound message must arrive here exactly once. One path per workflow (`/ours`, `/anchor`).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface SinkTally {
	/** POSTs received: one per execution that ran its second node. */
	posts: number;
	/** How many times each message ID arrived. */
	seen: Map<string, number>;
}

export interface CountingSink {
	url: string;
	tally(path: string): SinkTally;
	/** Forgets what a path received (before each stream). */
	reset(path: string): void;
	stop(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
	const tallies = new Map<string, SinkTally>();
	const tally = (path: string): SinkTally => {
		let found = tallies.get(path);
		if (!found) tallies.set(path, (found = { posts: 0, seen: new Map() }));
		return found;
	};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const counted = tally((req.url ?? '').split('?')[0].replace(/^\//, ''));
			let ids: unknown;
			try {
				ids = (JSON.parse(Buffer.concat(chunks).toString()) as { ids?: unknown }).ids;
			} catch {
				ids = undefined;
			}
			// A body without an ID list is a workflow fault: refused, so n8n saves the execution as failed and it shows.
			if (!Array.isArray(ids)) {
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: 'expected a JSON body {"ids": [message IDs]}' }));
				return;
			}
			counted.posts += 1;
			for (const id of ids) counted.seen.set(String(id), (counted.seen.get(String(id)) ?? 0) + 1);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		tally,
		reset: (path) => void tallies.delete(path),
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
