/**
 * The ledger in this process's memory: one bounded LRU per kind, each entry with its expiry. The clock is injected
 * (expiry of statuses and heartbeats); windows and waits are judged at the `now` their callers give.
 */
import { ExpiringLru } from './lru';
import { laterStatus } from './status';
import {
	DEFAULT_LEDGER_LIMITS,
	HEARTBEAT_TTL_MS,
	STATUS_TTL_MS,
	WINDOW_MS,
	type ConversationLedger,
	type LedgerFacts,
	type LedgerLimits,
	type PendingWait,
	type StatusRecord,
	type WaitOf,
} from './types';

export function contactKey(phoneNumberId: string, contact: string): string {
	return `${phoneNumberId}:${contact}`;
}

type StatusListener = (messageId: string, record: StatusRecord) => void;

export class MemoryLedger implements ConversationLedger {
	readonly kind = 'memory' as const;
	private readonly limits: LedgerLimits;
	private readonly windows: ExpiringLru<number>;
	private readonly statuses: ExpiringLru<StatusRecord>;
	private readonly heartbeats: ExpiringLru<number>;
	private readonly waits: ExpiringLru<PendingWait>;
	/** Wait IDs per number and contact, oldest first. */
	private readonly waitsByContact = new Map<string, string[]>();
	private readonly statusListeners = new Set<StatusListener>();

	constructor(
		limits: Partial<LedgerLimits> = {},
		private readonly now: () => number = Date.now,
	) {
		this.limits = { ...DEFAULT_LEDGER_LIMITS, ...limits };
		this.windows = new ExpiringLru(this.limits.windows);
		this.statuses = new ExpiringLru(this.limits.statuses);
		this.heartbeats = new ExpiringLru(this.limits.heartbeats);
		this.waits = new ExpiringLru(this.limits.waits, (id, wait) => this.unindexWait(id, wait));
	}

	/** Entries held per kind (expired ones linger until read or pushed out). */
	get sizes(): LedgerLimits {
		return { windows: this.windows.size, statuses: this.statuses.size, heartbeats: this.heartbeats.size, waits: this.waits.size };
	}

	recordInboundSync(phoneNumberId: string, contact: string, at: number): void {
		const key = contactKey(phoneNumberId, contact);
		const last = this.windows.get(key, this.now());
		// A late redelivery of an older message must not shorten the window.
		this.windows.set(key, Math.max(last ?? 0, at), Math.max(last ?? 0, at) + WINDOW_MS);
	}

	async recordInbound(phoneNumberId: string, contact: string, at: number): Promise<void> {
		this.recordInboundSync(phoneNumberId, contact, at);
	}

	windowOpenUntilSync(phoneNumberId: string, contact: string, now: number): number | undefined {
		const last = this.windows.get(contactKey(phoneNumberId, contact), now);
		return last === undefined ? undefined : last + WINDOW_MS;
	}

	async windowOpenUntil(phoneNumberId: string, contact: string, now: number): Promise<number | undefined> {
		return this.windowOpenUntilSync(phoneNumberId, contact, now);
	}

	async closeWindow(phoneNumberId: string, contact: string): Promise<void> {
		this.windows.delete(contactKey(phoneNumberId, contact));
	}

	recordStatusSync(messageId: string, record: StatusRecord): StatusRecord {
		const kept = laterStatus(this.statuses.get(messageId, this.now()), record);
		this.statuses.set(messageId, kept, this.now() + STATUS_TTL_MS);
		if (kept === record) for (const listener of this.statusListeners) listener(messageId, kept);
		return kept;
	}

	async recordStatus(messageId: string, record: StatusRecord): Promise<void> {
		this.recordStatusSync(messageId, record);
	}

	statusOfSync(messageId: string): StatusRecord | undefined {
		return this.statuses.get(messageId, this.now());
	}

	async statusOf(messageId: string): Promise<StatusRecord | undefined> {
		return this.statusOfSync(messageId);
	}

	/** Told of every status that changes a message's record; returns the unsubscribe. */
	onStatus(listener: StatusListener): () => void {
		this.statusListeners.add(listener);
		return () => this.statusListeners.delete(listener);
	}

	recordTriggerSeenSync(phoneNumberId: string, at: number): void {
		const last = this.heartbeats.get(phoneNumberId, this.now()) ?? 0;
		this.heartbeats.set(phoneNumberId, Math.max(last, at), Math.max(last, at) + HEARTBEAT_TTL_MS);
	}

	async recordTriggerSeen(phoneNumberId: string, at: number): Promise<void> {
		this.recordTriggerSeenSync(phoneNumberId, at);
	}

	async triggerSeenAt(phoneNumberId: string): Promise<number | undefined> {
		return this.heartbeats.get(phoneNumberId, this.now());
	}

	/** Everything one webhook body says, at once. */
	recordFactsSync(facts: LedgerFacts): void {
		for (const { phoneNumberId, at } of facts.triggerSeen) this.recordTriggerSeenSync(phoneNumberId, at);
		for (const { phoneNumberId, contact, at } of facts.inbound) this.recordInboundSync(phoneNumberId, contact, at);
		for (const { messageId, record } of facts.statuses) this.recordStatusSync(messageId, record);
	}

	async recordFacts(facts: LedgerFacts): Promise<void> {
		this.recordFactsSync(facts);
	}

	addWaitSync(wait: PendingWait): void {
		this.waits.delete(wait.id);
		this.waits.set(wait.id, { ...wait }, wait.expiresAt);
		const key = contactKey(wait.phoneNumberId, wait.contact);
		const ids = this.waitsByContact.get(key) ?? [];
		ids.push(wait.id);
		this.waitsByContact.set(key, ids);
	}

	async addWait(wait: PendingWait): Promise<void> {
		this.addWaitSync(wait);
	}

	takeWaitForSync(phoneNumberId: string, contact: string, quotedMessageId: string | undefined, now: number): PendingWait | undefined {
		const ids = this.waitsByContact.get(contactKey(phoneNumberId, contact)) ?? [];
		const live = ids.map((id) => this.waits.get(id, now)).filter((wait): wait is PendingWait => wait !== undefined);
		const quoted = quotedMessageId === undefined ? undefined : live.find((wait) => wait.messageId === quotedMessageId);
		const chosen = quoted ?? live.reduce<PendingWait | undefined>((latest, wait) => (!latest || wait.createdAt >= latest.createdAt ? wait : latest), undefined);
		if (chosen) this.waits.delete(chosen.id);
		return chosen;
	}

	async takeWaitFor(phoneNumberId: string, contact: string, quotedMessageId: string | undefined, now: number): Promise<PendingWait | undefined> {
		return this.takeWaitForSync(phoneNumberId, contact, quotedMessageId, now);
	}

	contactsWaitingSync(senders: Array<{ phoneNumberId: string; contact: string }>): boolean[] {
		return senders.map(({ phoneNumberId, contact }) => this.waitsByContact.has(contactKey(phoneNumberId, contact)));
	}

	async contactsWaiting(senders: Array<{ phoneNumberId: string; contact: string }>): Promise<boolean[]> {
		return this.contactsWaitingSync(senders);
	}

	async removeWait({ id }: WaitOf): Promise<void> {
		this.waits.delete(id);
	}

	private unindexWait(id: string, wait: PendingWait): void {
		const key = contactKey(wait.phoneNumberId, wait.contact);
		const ids = this.waitsByContact.get(key)?.filter((other) => other !== id) ?? [];
		if (ids.length > 0) this.waitsByContact.set(key, ids);
		else this.waitsByContact.delete(key);
	}
}
