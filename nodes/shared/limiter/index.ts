/**
 * The gate: the one verb the nodes use to reach Meta. STUB — the limiter issue replaces the body of
 * `scheduleGraphCall` and `getGateStatus` with the real gate; the signatures are the contract.
 */
import { graphRequest } from '../transport';
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from '../transport/types';

export interface GateCall {
	credentials: WhatsAppCredentials;
	/** The phone-number ID this call is paced on. Omit for WABA-level calls (templates, analytics): budget only. */
	phoneNumberId?: string;
	/** The recipient's WhatsApp ID for message sends: enables pair-rate limiting for that user. */
	recipient?: string;
	request: GraphRequest;
}

/** Schedule one Graph call on the gate; resolves with its response or rejects with a final `GraphApiError`. */
export async function scheduleGraphCall<T = unknown>(call: GateCall): Promise<GraphResponse<T>> {
	return graphRequest<T>(call.credentials, call.request);
}

export interface GateStatus {
	scope: 'phoneNumber' | 'waba';
	id: string;
	messagesPerSecond?: number;
	queued: number;
	inFlight: number;
	sentLastSecond: number;
	sentLastHour: number;
	hourlyBudget?: number;
	budgetLeft?: number;
	/** ISO time until which calls are held (80007, 131057), if any. */
	pausedUntil?: string;
	/** 1 = full speed; below 1 after 130429 / code 4 until it recovers. */
	slowDownFactor: number;
	sharedThroughRedis: boolean;
}

/** Counters for every number and WABA of this credential the gate knows in this process. */
export function getGateStatus(_credentials: WhatsAppCredentials): GateStatus[] {
	return [];
}
