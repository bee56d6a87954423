/**
 * The conversation ledger: one per process and Redis target (shared by every copy of this module). Memory always;
 * Redis too whenever the trigger's dedupe would use one.
 */
import { createHash } from 'node:crypto';

import { processWide } from '../processWide';
import { getRedisClient, redisConnectionOf, resolveRedisTarget, type RedisTarget } from '../redis';
import { MemoryLedger } from './memory';
import { RedisLedger } from './redis';
import type { ConversationLedger, LedgerRequest } from './types';

export type { ConversationLedger, DeliveryState, LedgerFacts, LedgerRequest, PendingWait, StatusRecord, WaitResponseType } from './types';
export { WINDOW_MS } from './types';
export { recordFacts, statusesOf, whenStatusesSettle } from './reading';
export {
	contactsMarketing,
	noCampaignFacts,
	recordCampaignFacts,
	TEMPLATE_PAUSE_MS,
	TemplateHeldError,
	templateHolds,
	templateSendSignal,
	type CampaignFacts,
	type ContactMarketing,
	type TemplateHold,
	type TemplateRef,
} from './campaign';
export { reachOf, REACH_WINDOW_MS, type Reach, type ReachAnswer } from './reach';

const MEMORY = 'memory';

const registry = processWide('conversations.ledgers', () => new Map<string, ConversationLedger>());

function targetOf(request: LedgerRequest): RedisTarget | undefined {
	try {
		return resolveRedisTarget(request.redisUrl, request.env);
	} catch (error) {
		// A bad URL must not fail a send or a delivery: keep the ledger in memory and say why.
		request.onFallback?.(error as Error);
		return undefined;
	}
}

/** The process-wide ledger for the request's Redis target (memory alone when there is none). */
export function getConversationLedger(request: LedgerRequest): ConversationLedger {
	const ledgers = registry();
	const target = targetOf(request);
	const keySecret = target && createHash('sha256').update(`whatsapp-cloud ledger\0${request.accessToken ?? ''}`).digest();
	const key = target ? `${redisConnectionOf(target)}#${keySecret!.toString('base64url').slice(0, 16)}` : MEMORY;
	let ledger = ledgers.get(key);
	if (!ledger) {
		ledger = target
			? new RedisLedger({ client: () => getRedisClient(target), memory: new MemoryLedger(), onFallback: request.onFallback, keySecret: keySecret! })
			: new MemoryLedger();
		ledgers.set(key, ledger);
	}
	if (ledger instanceof RedisLedger) ledger.reportTo(request.onFallback);
	return ledger;
}
