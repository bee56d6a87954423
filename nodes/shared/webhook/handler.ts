/**
 * One webhook delivery, start to end: size → signature over the raw bytes → JSON → `object` → events → the
 * user's choices → events older than the window → redelivery dedupe. Pure of n8n, so the node, the tests and the
 * benchmark run the same code.
 */
import { timingSafeEqual } from 'crypto';

import { recordCampaignFacts, recordFacts, type ConversationLedger } from '../conversations';
import { campaignFactsOf } from '../conversations/campaignFacts';
import { ledgerFactsOf } from '../conversations/facts';
import { CLOCK_SKEW_ALLOWANCE_MS, olderThanWindow, redeliveryKey, type RedeliveryStore } from './dedupe';
import { splitIntoEvents } from './events';
import { inboundMessagesByNumber } from './inbound';
import { createEventFilter } from './select';
import { verifyWebhookSignature } from './signature';
import type { WebhookBody, WhatsAppEvent } from './types';

/** Meta's largest webhook body. */
export const MAX_WEBHOOK_BODY_BYTES = 3 * 1024 * 1024;
export const WEBHOOK_OBJECT = 'whatsapp_business_account';
/** Longest message ID taken as Meta's: theirs are under 100 characters (wamid.…, wacid.…). */
export const MAX_MESSAGE_ID_LENGTH = 512;

export interface DeliveryOptions {
	appSecret?: string;
	/** Turning this off is an explicit user choice (the node warns). */
	verifySignature: boolean;
	triggerOn: string[];
	phoneNumberIds?: string[];
	includeRawChange?: boolean;
	dedupe?: {
		store: RedeliveryStore;
		windowMs: number;
		/** From `redeliveryHashKey`: the trigger's keys are hashed under it. */
		hashKey: Buffer;
	};
	/**
	 * Fed from every verified body before the user's choices: windows, statuses, heartbeats. Only a verified body:
	 * a forged one must not open a window or fail a message.
	 */
	ledger?: ConversationLedger;
	/** Epoch ms, to judge events' age (tests move it). */
	now?: () => number;
}

export type DeliveryOutcome =
	| {
			accepted: true;
			/** The events to output, in Meta's order, after the user's choices and dedupe. */
			events: WhatsAppEvent[];
			/** Events in the body before any filtering. */
			totalEvents: number;
			/** Events already seen within the window. */
			duplicates: number;
			/** Events older than the window, refused: replays, or deliveries later than the window. */
			tooOld: number;
			/** Dedupe keys this delivery claimed (release them if the execution cannot start). */
			claimedKeys: string[];
			/**
			 * Messages customers sent, per phone-number ID, from every event of the body whatever the trigger outputs; only
			 * from a body whose signature was checked (anyone may post an unsigned one).
			 */
			inboundMessages: Map<string, number>;
	  }
	| { accepted: false; statusCode: 400 | 401 | 413 | 500; reason: string };

/** Parses the raw bytes; the body must be a JSON object for `whatsapp_business_account`. */
export function parseWebhookBody(rawBody: Buffer): WebhookBody | { error: string } {
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawBody.toString('utf8'));
	} catch (error) {
		return { error: `The body is not valid JSON (${(error as Error).message})` };
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		return { error: 'The body is not a JSON object' };
	}
	const object = (parsed as { object?: unknown }).object;
	if (object !== WEBHOOK_OBJECT) {
		return { error: `The body's "object" is ${JSON.stringify(object)}, expected "${WEBHOOK_OBJECT}"` };
	}
	return parsed as WebhookBody;
}

export async function handleDelivery(
	rawBody: Buffer,
	signatureHeader: string | string[] | undefined,
	options: DeliveryOptions,
): Promise<DeliveryOutcome> {
	if (rawBody.length > MAX_WEBHOOK_BODY_BYTES) {
		return { accepted: false, statusCode: 413, reason: `The body is ${rawBody.length} bytes, over the ${MAX_WEBHOOK_BODY_BYTES}-byte limit` };
	}
	if (options.verifySignature) {
		const check = verifyWebhookSignature(rawBody, signatureHeader, options.appSecret);
		if (!check.valid) {
			if (check.reason === 'noSecret') {
				return {
					accepted: false,
					statusCode: 500,
					reason:
						'"App Secret" is empty in the "WhatsApp Cloud Nodes API" credential, and "Verify Signature" needs it: add it to the credential',
				};
			}
			const reasons = {
				missing: 'The X-Hub-Signature-256 header is missing',
				malformed: 'The X-Hub-Signature-256 header is not "sha256=" followed by 64 hex digits',
				mismatch: 'The X-Hub-Signature-256 signature does not match the body and the App Secret',
			};
			return { accepted: false, statusCode: 401, reason: reasons[check.reason] };
		}
	}
	const body = parseWebhookBody(rawBody);
	if ('error' in body) return { accepted: false, statusCode: 400, reason: body.error };

	const all = splitIntoEvents(body, { includeRawChange: options.includeRawChange });
	const oversized = all.findIndex((event) => typeof event.messageId === 'string' && event.messageId.length > MAX_MESSAGE_ID_LENGTH);
	if (oversized >= 0) {
		const length = (all[oversized].messageId as string).length;
		return {
			accepted: false,
			statusCode: 400,
			reason: `Event ${oversized + 1} of the body has a message ID of ${length} characters; WhatsApp message IDs have at most ${MAX_MESSAGE_ID_LENGTH}: the body is not Meta's`,
		};
	}
	const now = (options.now ?? Date.now)();
	const inboundMessages = options.verifySignature ? inboundMessagesByNumber(all, now) : new Map<string, number>();
	// One Redis round trip for the whole body, in parallel with the dedupe's.
	const recorded = options.ledger && options.verifySignature ? recordFacts(options.ledger, ledgerFactsOf(body, now)) : undefined;
	// Opt-outs, marketing limits and template pauses: what Send Message refuses before sending (campaign.ts).
	const campaign = options.ledger && options.verifySignature ? recordCampaignFacts(options.ledger, campaignFactsOf(body, now), now) : undefined;
	const selected = all.filter(createEventFilter({ triggerOn: options.triggerOn, phoneNumberIds: options.phoneNumberIds }));
	let events = selected;
	let duplicates = 0;
	let tooOld = 0;
	const claimedKeys: string[] = [];
	if (options.dedupe && selected.length > 0) {
		const { store, windowMs, hashKey } = options.dedupe;
		const old = olderThanWindow(selected, all, windowMs, now);
		const recent = selected.filter((_event, index) => !old[index]);
		tooOld = selected.length - recent.length;
		const keys = recent.map((event) => redeliveryKey(event, hashKey));
		const firstSightings = keys.length > 0 ? await store.claim(keys, windowMs + CLOCK_SKEW_ALLOWANCE_MS) : [];
		events = recent.filter((_event, index) => firstSightings[index]);
		keys.forEach((key, index) => firstSightings[index] && claimedKeys.push(key));
		duplicates = recent.length - events.length;
	}
	await recorded;
	await campaign;
	return { accepted: true, events, totalEvents: all.length, duplicates, tooOld, claimedKeys, inboundMessages };
}

/** The `GET` handshake: the challenge when mode and token match, else a refusal. */
export function answerHandshake(
	query: Record<string, unknown>,
	expectedVerifyToken: string,
): { statusCode: 200 | 400 | 403; body: string } {
	const mode = query['hub.mode'];
	const token = query['hub.verify_token'];
	const challenge = query['hub.challenge'];
	if (mode !== 'subscribe' || typeof challenge !== 'string' || challenge === '') {
		return { statusCode: 400, body: 'Expected hub.mode=subscribe with hub.challenge and hub.verify_token' };
	}
	if (typeof token !== 'string' || !tokensEqual(token, expectedVerifyToken)) {
		return { statusCode: 403, body: 'The verify token does not match this trigger' };
	}
	return { statusCode: 200, body: challenge };
}

function tokensEqual(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	// Compare in constant time; different lengths are a mismatch without comparing bytes.
	return a.length === b.length && timingSafeEqual(a, b);
}
