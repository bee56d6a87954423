/** Test helpers of the surface modules: a simulator and a local webhook receiver. */
import http from 'http';
import type { AddressInfo } from 'net';
import { startSimulator, type Simulator } from './index';
import type { SimContext, SimulatorOptions } from './types';
import type { WebhookDispatcher } from './webhooks';

export interface SurfaceSimulator {
	sim: Simulator;
	/** The simulator's shared state, for the modules' plain functions (effectiveCallback, mediaExists…). */
	state: SimContext;
	webhooks: WebhookDispatcher;
}

/** Starts a simulator on a random port with zero latency. */
export async function startSurfaceSimulator(options: Partial<SimulatorOptions> = {}): Promise<SurfaceSimulator> {
	const sim = await startSimulator({ latency: 'none', ...options });
	const state = (sim as unknown as { state: SimContext }).state;
	return { sim, state, webhooks: sim.webhooks };
}

export interface ReceivedPost {
	headers: Record<string, string | string[] | undefined>;
	raw: Buffer;
	at: number;
}

/**
 * A local webhook endpoint: answers Meta's verification GET (echoing the challenge when the verify token matches,
 * unless told otherwise) and records every POST with its raw bytes; `answer` decides each POST's status code.
 */
export class Receiver {
	readonly posts: ReceivedPost[] = [];
	readonly verifications: URLSearchParams[] = [];
	url = '';
	/** `echo`: answer the challenge; `wrong`: answer something else; `forbidden`: 403. */
	verifyMode: 'echo' | 'wrong' | 'forbidden' = 'echo';
	verifyToken = 'sim-verify-token';
	answer: (post: ReceivedPost, index: number) => number = () => 200;
	private server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const query = new URL(req.url ?? '/', 'http://x').searchParams;
			if (req.method === 'GET') {
				this.verifications.push(query);
				const tokenOk = query.get('hub.verify_token') === this.verifyToken && query.get('hub.mode') === 'subscribe';
				if (this.verifyMode === 'forbidden' || !tokenOk) {
					res.writeHead(403).end('Forbidden');
				} else {
					res.writeHead(200, { 'Content-Type': 'text/plain' }).end(this.verifyMode === 'echo' ? (query.get('hub.challenge') ?? '') : 'not-the-challenge');
				}
				return;
			}
			const post = { headers: req.headers, raw: Buffer.concat(chunks), at: Date.now() };
			this.posts.push(post);
			const status = this.answer(post, this.posts.length - 1);
			// A negative status holds the answer until release() (a receiver that hangs).
			if (status < 0) this.held.push(res);
			else res.writeHead(status).end();
			this.waiters = this.waiters.filter((waiter) => !waiter());
		});
	});
	private waiters: Array<() => boolean> = [];
	private held: http.ServerResponse[] = [];

	/** Answers every held POST with `status`. */
	release(status = 200): void {
		for (const res of this.held.splice(0)) res.writeHead(status).end();
	}

	async start(path = '/webhook'): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		const address = this.server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${address.port}${path}`;
		return this;
	}

	/** Resolves once `count` POSTs have arrived (rejects after `timeoutMs`). */
	waitForPosts(count: number, timeoutMs = 10_000): Promise<ReceivedPost[]> {
		return new Promise((resolve, reject) => {
			const check = (): boolean => {
				if (this.posts.length < count) return false;
				clearTimeout(timer);
				resolve(this.posts.slice(0, count));
				return true;
			};
			const timer = setTimeout(() => reject(new Error(`Expected ${count} webhook posts, got ${this.posts.length}`)), timeoutMs);
			if (!check()) this.waiters.push(check);
		});
	}

	json(index: number): any {
		return JSON.parse(this.posts[index].raw.toString('utf8'));
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
