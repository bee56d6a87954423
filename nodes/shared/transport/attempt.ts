/** One attempt of a call on Node's http(s), and its answer's bytes read under the attempt's deadline. */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline, Readable, Transform } from 'node:stream';
import { MAX_BODY_BYTES, type GraphClient, type RawAnswer } from './client';
import { BODY_GRACE_MS } from './timeouts';

/**
 * One attempt of a call: how far it got (decides whether a network failure is "before sent", transient, or
 * "ambiguous"), its deadline, and the axios `transport` that creates its request. One object per attempt holds all
 * of it, so a call allocates no AbortController, no per-call closures for the deadline and no listener objects.
 */
export class Attempt {
	/** The socket was connected (and TLS up) when the request got it: from then on the request may reach Meta. */
	connected = false;
	/** Meta's answer (status line and headers) has been read. */
	answered = false;
	timedOut = false;
	settled = false;
	private graceGiven = false;
	private timer: NodeJS.Timeout | undefined;
	private req: ClientRequest | undefined;
	/** The answer as Node parsed it: its headers are a plain object with lower-case names. */
	res: IncomingMessage | undefined;
	private fail: ((reason: unknown) => void) | undefined;

	constructor(
		private readonly timeoutMs: number,
		private readonly onSent?: (at: number) => void,
	) {}

	/** Runs the request; rejects at the deadline even if axios has not noticed the destroyed request yet. */
	run(client: GraphClient, method: string, url: string, headers: Record<string, string>, data: unknown, stream: boolean): Promise<RawAnswer> {
		this.timer = setTimeout(onDeadline, this.timeoutMs, this);
		return new Promise<RawAnswer>((resolve, reject) => {
			this.fail = reject;
			client.send(method, url, headers, data, this, stream).then(resolve, reject);
		});
	}

	/** Called at the deadline, one check phase later (see `onDeadline`). */
	expire(): void {
		if (this.settled) return;
		if (this.answered && !this.graceGiven) {
			// The status line is in: give the body one more (shorter) period before calling it a timeout.
			this.graceGiven = true;
			this.timer = setTimeout(onDeadline, Math.min(this.timeoutMs, BODY_GRACE_MS), this);
			return;
		}
		this.timedOut = true;
		const error = new Error('The call took longer than its timeout');
		this.fail?.(error);
		this.req?.destroy(error);
	}

	finish(): void {
		this.settled = true;
		clearTimeout(this.timer);
	}

	/**
	 * axios's `transport`: a node `http(s).request` that records whether the connection was established before a
	 * failure, and tells the caller (`onSent`, the gate) when the request finished writing. A request is written only
	 * once its socket is connected (and TLS is up), so a failure before that point cannot have reached Meta.
	 */
	request(options: RequestOptions, callback: (res: IncomingMessage) => void): ClientRequest {
		const module = options.protocol === 'https:' ? https : http;
		const req = module.request(options, (res) => {
			this.answered = true;
			this.res = res;
			callback(res);
		});
		this.req = req;
		(req as AttemptRequest)[ATTEMPT] = this;
		req.once('socket', onAttemptSocket);
		const onSent = this.onSent;
		if (onSent) req.once('finish', () => onSent(Date.now()));
		if (this.timedOut) req.destroy(new Error('The call took longer than its timeout'));
		return req;
	}
}

const ATTEMPT = Symbol('graphAttempt');
type AttemptRequest = ClientRequest & { [ATTEMPT]?: Attempt };

/**
 * The deadline fired. The abort waits for the next check phase: after an event-loop stall, timers run before pending
 * I/O is read, and an answer (or the connection) that already arrived must win over a deadline that only looks passed.
 */
function onDeadline(attempt: Attempt): void {
	setImmediate(expireAttempt, attempt);
}

function expireAttempt(attempt: Attempt): void {
	attempt.expire();
}

function onAttemptSocket(this: AttemptRequest, socket: Socket): void {
	const attempt = this[ATTEMPT];
	if (!attempt) return;
	const tls = typeof (socket as { encrypted?: boolean }).encrypted === 'boolean';
	const stillConnecting =
		socket.connecting === true || (tls && (socket as { _secureEstablished?: boolean })._secureEstablished === false);
	if (!stillConnecting) {
		// A reused keep-alive socket (or one a proxy agent handed over already open).
		attempt.connected = true;
		return;
	}
	socket.once(tls ? 'secureConnect' : 'connect', () => {
		attempt.connected = true;
	});
}

/** A download's bytes as they come: at most MAX_BODY_BYTES, and the call's deadline holds until the last one. */
export function streamedBody(source: Readable, attempt: Attempt): Readable {
	let bytes = 0;
	const counted = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			bytes += chunk.length;
			if (bytes > MAX_BODY_BYTES) callback(new Error(`The download is larger than ${MAX_BODY_BYTES} bytes`));
			else callback(null, chunk);
		},
	});
	pipeline(source, counted, () => attempt.finish());
	return counted;
}

/** A streamed answer that is not the file (an error, a redirect): its few bytes, at most MAX_BODY_BYTES. */
export async function readAll(source: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let bytes = 0;
	for await (const chunk of source) {
		bytes += (chunk as Buffer).length;
		if (bytes > MAX_BODY_BYTES) {
			source.destroy();
			throw new Error(`The answer is larger than ${MAX_BODY_BYTES} bytes`);
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}
