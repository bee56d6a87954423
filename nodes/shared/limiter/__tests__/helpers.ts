/** Shared by the gate's tests and benches: credentials for a simulator and a text send through the gate. */
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from '../../transport/types';
import { graphRequest, type GraphRequestHooks } from '../../transport';
import { scheduleGraphCall } from '..';
import type { GateEnvironment } from '../gate';

export const FAST_NUMBER = '300000000000002';

export interface SimulatorLike {
	url: string;
	fixture: { accessToken: string; wabaId: string };
}

export function credentialsFor(sim: SimulatorLike, extra: Partial<WhatsAppCredentials> = {}): WhatsAppCredentials {
	return {
		accessToken: sim.fixture.accessToken,
		apiVersion: 'v26.0',
		baseUrl: sim.url,
		wabaId: sim.fixture.wabaId,
		registeredNumbers: 3,
		// A known tier, as before Automatic became the credential's default: automaticTier.timing.test.ts tests reading it from Meta.
		throughputTier: 'standard',
		...extra,
	};
}

/** A distinct recipient per index (so pair limits stay out of the way unless a test wants them). */
export function recipientFor(index: number): string {
	return String(16505550000 + index);
}

export function sendText(
	credentials: WhatsAppCredentials,
	text: string,
	to: string,
	phoneNumberId = FAST_NUMBER,
): Promise<GraphResponse<{ messages?: Array<{ id: string }> }>> {
	return scheduleGraphCall({
		credentials,
		phoneNumberId,
		recipient: to,
		request: {
			method: 'POST',
			path: `/${phoneNumberId}/messages`,
			body: { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: text } },
		},
	});
}

/** Largest count of timestamps in any window of `windowMs` (half-open, like the simulator). */
export function peakInWindow(times: number[], windowMs: number): number {
	const sorted = [...times].sort((a, b) => a - b);
	let peak = 0;
	let first = 0;
	for (let last = 0; last < sorted.length; last++) {
		while (sorted[last] - sorted[first] >= windowMs) first++;
		peak = Math.max(peak, last - first + 1);
	}
	return peak;
}

/** Settle every promise and keep input order: exactly one outcome per input. */
export async function settleInOrder<T>(promises: Array<Promise<T>>): Promise<Array<PromiseSettledResult<T>>> {
	return Promise.allSettled(promises);
}

/**
 * Open sockets and warm the code paths outside the gate, then let the caller reset the simulator: with the simulator
 * in the test's own process, the first calls of a cold process reach it hundreds of ms after they left.
 */
export async function warmUp(credentials: WhatsAppCredentials, calls = 50): Promise<void> {
	await Promise.allSettled(
		Array.from({ length: calls }, () => graphRequest(credentials, { method: 'GET', path: `/${FAST_NUMBER}` })),
	);
}

/** The text of a text message's request body (how the limiter bench matches a departure with the simulator's log). */
export function textOf(body: unknown): string | undefined {
	const text = (body as { text?: { body?: unknown } } | undefined)?.text?.body;
	return typeof text === 'string' ? text : undefined;
}

/**
 * The real transport, noting when each text message's request was written (the gate's `onSent`), by its text: the
 * limiter bench compares it with when the simulator accepted the message (the trip's lag) and counts our own
 * departures per sliding second.
 */
export function departureRecorder(): { departures: Map<string, number>; writes: number[]; transport: GateEnvironment['transport'] } {
	const departures = new Map<string, number>();
	/** When each request was written, retries too (a message refused by Meta was still sent). */
	const writes: number[] = [];
	return {
		departures,
		writes,
		transport: <T>(credentials: WhatsAppCredentials, request: GraphRequest, hooks?: GraphRequestHooks) => {
			const text = textOf(request.body);
			return graphRequest<T>(credentials, request, {
				onSent: (at) => {
					writes.push(at);
					if (text !== undefined) departures.set(text, at);
					hooks?.onSent?.(at);
				},
			});
		},
	};
}
