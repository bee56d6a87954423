/**
 * The conversation ledger: one per process and Redis target (a module singleton on a `Symbol.for` key, so two
 * copies of this module share it). Memory always; Redis too whenever the trigger's dedupe would use one.
 */
import { getRedisClient, redisConnectionOf, resolveRedisTarget, type RedisTarget } from '../webhook/redis';
import { MemoryLedger } from './memory';
import { RedisLedger } from './redis';
import type { ConversationLedger, LedgerRequest } from './types';

export type { ConversationLedger, DeliveryState, LedgerFacts, LedgerRequest, PendingWait, StatusRecord, WaitResponseType } from './types';
export { WINDOW_MS } from './types';
export { recordFacts, statusesOf, whenStatusesSettle } from './reading';

const REGISTRY_KEY = Symbol.for('n8n-nodes-whatsapp-cloud.conversations.ledgers');
const MEMORY = 'memory';

function registry(): Map<string, ConversationLedger> {
	const holder = globalThis as unknown as Record<symbol, Map<string, ConversationLedger> | undefined>;
	holder[REGISTRY_KEY] ??= new Map();
	return holder[REGISTRY_KEY];
}

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
	const key = target ? redisConnectionOf(target) : MEMORY;
	let ledger = ledgers.get(key);
	if (!ledger) {
		ledger = target
			? new RedisLedger({ client: () => getRedisClient(target), memory: new MemoryLedger(), onFallback: request.onFallback })
			: new MemoryLedger();
		ledgers.set(key, ledger);
	}
	if (ledger instanceof RedisLedger) ledger.reportTo(request.onFallback);
	return ledger;
}

/** Forgets every ledger (tests). */
export function clearConversationLedgers(): void {
	registry().clear();
}
