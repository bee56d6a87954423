/**
 * The conversation ledger's facts: per business number and contact the last inbound time (the 24-hour window), per
 * sent message its latest status, the triggers' heartbeats and the pending Send-and-Wait waits. IDs, times and status
 * codes only, never message text.
 */

export type DeliveryState = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusRecord {
	state: DeliveryState;
	/** Epoch ms (Meta's timestamp × 1000). */
	at: number;
	error?: { code: number; title?: string; message?: string; details?: string };
}

export type WaitResponseType = 'approval' | 'choice' | 'freeText';

export interface PendingWait {
	/** Unique per wait (e.g. executionId + node + item). */
	id: string;
	/** The business number that asked. */
	phoneNumberId: string;
	/** The customer's wa_id, or BSUID when Meta gives no wa_id. */
	contact: string;
	/** wamid of the message that asks. */
	messageId: string;
	/** n8n's (signed) URL that resumes the waiting execution. */
	resumeUrl: string;
	responseType: WaitResponseType;
	createdAt: number;
	/** Epoch ms. */
	expiresAt: number;
}

export interface ConversationLedger {
	readonly kind: 'memory' | 'redis';
	// 24-hour customer service window
	recordInbound(phoneNumberId: string, contact: string, at: number): Promise<void>;
	windowOpenUntil(phoneNumberId: string, contact: string, now: number): Promise<number | undefined>;
	/** On a 131047 answer: Meta says the window is closed, whatever the ledger saw. */
	closeWindow(phoneNumberId: string, contact: string): Promise<void>;
	// delivery statuses, never downgraded (sent < delivered < read; failed is final)
	recordStatus(messageId: string, record: StatusRecord): Promise<void>;
	statusOf(messageId: string): Promise<StatusRecord | undefined>;
	// heartbeat: a trigger received this number's webhooks at `at`
	recordTriggerSeen(phoneNumberId: string, at: number): Promise<void>;
	triggerSeenAt(phoneNumberId: string): Promise<number | undefined>;
	// Send and Wait
	addWait(wait: PendingWait): Promise<void>;
	/**
	 * Removes and returns the wait an answer belongs to: the unexpired wait whose messageId the answer quotes
	 * (context.id), else the contact's latest unexpired wait on that number. Atomic across processes (a Lua script
	 * in Redis), so one answer resumes one wait once.
	 */
	takeWaitFor(phoneNumberId: string, contact: string, quotedMessageId: string | undefined, now: number): Promise<PendingWait | undefined>;
	/**
	 * For each sender, whether any wait may be pending for them (false: `takeWaitFor` would find none). One round trip
	 * for a whole body, so the messages of senders nobody waits for cost no call each; true when it cannot tell.
	 */
	contactsWaiting(senders: Array<{ phoneNumberId: string; contact: string }>): Promise<boolean[]>;
	removeWait(wait: WaitOf): Promise<void>;
}

/** What names a wait: its id, and the contact it waits for (a Redis Cluster keeps a contact's waits in one slot). */
export type WaitOf = Pick<PendingWait, 'id' | 'phoneNumberId' | 'contact'>;

export interface LedgerRequest {
	/** The credential's Redis URL (empty: queue mode's Redis, or memory). */
	redisUrl?: string;
	/**
	 * The credential's access token: the key its Redis key names are hashed under, so the trigger and the nodes that
	 * read what it recorded must use the same credential (token). Never stored.
	 */
	accessToken?: string;
	env?: Record<string, string | undefined>;
	onFallback?: (error: Error) => void;
}

/** What one webhook body tells the ledger, recorded together (one Redis round trip per body). */
export interface LedgerFacts {
	inbound: Array<{ phoneNumberId: string; contact: string; at: number }>;
	statuses: Array<{ messageId: string; record: StatusRecord }>;
	triggerSeen: Array<{ phoneNumberId: string; at: number }>;
}

/** How long each kind of entry lives, and how many of each one process keeps. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;
export const STATUS_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const HEARTBEAT_TTL_MS = 24 * 60 * 60 * 1000;

export interface LedgerLimits {
	windows: number;
	statuses: number;
	heartbeats: number;
	waits: number;
}

export const DEFAULT_LEDGER_LIMITS: LedgerLimits = { windows: 100_000, statuses: 200_000, heartbeats: 10_000, waits: 10_000 };
