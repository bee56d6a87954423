/**
 * The conversation ledger: one per process and Redis target (a module singleton on a `Symbol.for` key, so two
 * copies of this module share it). Memory always; Redis too whenever the trigger's dedupe would use one.
 */
import { MemoryLedger } from './memory';
import type { ConversationLedger, LedgerRequest } from './types';

export type { ConversationLedger, DeliveryState, LedgerRequest, PendingWait, StatusRecord, WaitResponseType } from './types';
export { WINDOW_MS } from './types';

const REGISTRY_KEY = Symbol.for('n8n-nodes-whatsapp-cloud.conversations.ledgers');

function registry(): Map<string, ConversationLedger> {
	const holder = globalThis as unknown as Record<symbol, Map<string, ConversationLedger> | undefined>;
	holder[REGISTRY_KEY] ??= new Map();
	return holder[REGISTRY_KEY];
}

/** The process-wide ledger for the request's Redis target (memory alone when there is none). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Redis comes in the next commit
export function getConversationLedger(_request: LedgerRequest): ConversationLedger {
	const ledgers = registry();
	let ledger = ledgers.get('memory');
	if (!ledger) {
		ledger = new MemoryLedger();
		ledgers.set('memory', ledger);
	}
	return ledger;
}

/** Forgets every ledger (tests). */
export function clearConversationLedgers(): void {
	registry().clear();
}
