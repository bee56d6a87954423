/**
 * When did a call's request actually leave this process? The gate counts a start when it decides it, but a busy event
 * loop or a fresh TCP connection can delay the bytes by tens of ms, bunching arrivals at Meta into one second. Node's
 * `http.client.request.start` diagnostics channel plus AsyncLocalStorage tell us, per call, when its request finished
 * writing, without touching the transport; the gate then counts a late call again at that time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

export interface SentProbe {
	/** Called once, when the first HTTP request made inside `runWithProbe` has been written to the socket. */
	onSent(at: number): void;
	bound?: boolean;
}

const storage = new AsyncLocalStorage<SentProbe>();
let subscribed = false;

function subscribe(): void {
	if (subscribed) return;
	subscribed = true;
	diagnosticsChannel.subscribe('http.client.request.start', (message: unknown) => {
		const probe = storage.getStore();
		if (!probe || probe.bound) return;
		const request = (message as { request?: ClientRequest }).request;
		if (!request || typeof request.once !== 'function') return;
		probe.bound = true;
		request.once('finish', () => probe.onSent(Date.now()));
	});
}

export function runWithProbe<T>(probe: SentProbe, task: () => Promise<T>): Promise<T> {
	subscribe();
	return storage.run(probe, task);
}
