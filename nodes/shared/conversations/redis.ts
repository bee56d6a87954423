/**
 * The ledger through Redis, so every n8n process reads what another one saw. Each write lands in this process's
 * memory too; when Redis fails the memory answers alone and `onFallback` is told once per outage.
 * Keys: `w:<number, contact>` last inbound, `s:<wamid>` status, `t:<number>` heartbeat; a contact's waits under its
 * {hash tag} `{<number, contact>}` (one Redis Cluster slot, as the wait scripts need): `wq:{…}` its waits by creation,
 * `wait:{…}:<id>` a wait, `wm:{…}:<wamid>` the wait a message asks for — each `<…>` a fixed-length HMAC under a key
 * derived from the credential's access token, so Redis holds no phone number or message ID in its key names (as the
 * webhook dedupe's keys), and a reader without the token cannot test a guessed number against them. A wait's own
 * value (its contact, question and resume URL) is kept as it is, until its limit. Facts over unrelated keys go one
 * call per hash slot on a cluster.
 */
import { createHmac } from 'node:crypto';
import { callRedisBySlot, callRedisWithin, type RedisClient } from '../redis';
import type { MemoryLedger } from './memory';
import { REMOVE_WAIT, RECORD_FACTS, TAKE_WAIT } from './scripts';
import { STATE_RANK } from './status';
import {
	HEARTBEAT_TTL_MS,
	STATUS_TTL_MS,
	WINDOW_MS,
	type ConversationLedger,
	type LedgerFacts,
	type PendingWait,
	type StatusRecord,
	type WaitOf,
} from './types';

export const LEDGER_KEY_PREFIX = 'whatsapp-cloud:conversations:';

export type ScriptClient = RedisClient & {
	ledgerRecordFacts(numKeys: number, ...args: Array<string | number>): Promise<number>;
	ledgerTakeWait(numKeys: number, ...args: Array<string | number>): Promise<string | null>;
	ledgerRemoveWait(numKeys: number, ...args: Array<string | number>): Promise<number>;
};

/** The client with the ledger's scripts (EVALSHA, loaded on first use); defined once per client. */
function withScripts(redis: RedisClient): ScriptClient {
	const client = redis as ScriptClient;
	if (typeof client.ledgerRecordFacts !== 'function') {
		client.defineCommand('ledgerRecordFacts', { lua: RECORD_FACTS });
		client.defineCommand('ledgerTakeWait', { lua: TAKE_WAIT });
		client.defineCommand('ledgerRemoveWait', { lua: REMOVE_WAIT });
	}
	return client;
}

export interface RedisLedgerOptions {
	/** The process-wide client (looked up per call: a changed password replaces it). */
	client: () => RedisClient;
	memory: MemoryLedger;
	onFallback?: (error: Error) => void;
	/** Longest wait for Redis before answering from memory alone. */
	timeoutMs?: number;
	now?: () => number;
	prefix?: string;
	/** The HMAC key of the key names (from the credential's access token; every process with it derives the same). */
	keySecret: Buffer;
}

/** A wait as stored: the wait, plus the hashed names of its index keys (the scripts remove them with it). */
type StoredWait = PendingWait & { _keys: { wm: string; wq: string } };

/** A status as stored: "rank|ttl|json" for the script (the stored value drops the ttl). */
function statusPayload(record: StatusRecord): string {
	return `${STATE_RANK[record.state]}|${STATUS_TTL_MS}|${JSON.stringify(record)}`;
}

function parseStatus(stored: string | null): StatusRecord | undefined {
	if (!stored) return undefined;
	return JSON.parse(stored.slice(stored.indexOf('|') + 1)) as StatusRecord;
}

export class RedisLedger implements ConversationLedger {
	readonly kind = 'redis' as const;
	private failing = false;
	private readonly prefix: string;
	private readonly now: () => number;

	constructor(private readonly options: RedisLedgerOptions) {
		this.prefix = options.prefix ?? LEDGER_KEY_PREFIX;
		this.now = options.now ?? Date.now;
	}

	/** A key name: the kind, then the HMAC of its parts (fixed length, no ID or number in it). */
	key(kind: string, ...parts: string[]): string {
		return `${this.prefix}${kind}:${this.hash(parts)}`;
	}

	/** A contact's wait keys, in one hash slot: the index, a wait by id, the wait a message asks for. */
	waitKeys(phoneNumberId: string, contact: string): { queue: string; wait: (id: string) => string; asked: (messageId: string) => string } {
		const tag = `{${this.hash([phoneNumberId, contact])}}`;
		return {
			queue: `${this.prefix}wq:${tag}`,
			wait: (id) => `${this.prefix}wait:${tag}:${id}`,
			asked: (messageId) => `${this.prefix}wm:${tag}:${this.hash([messageId])}`,
		};
	}

	private hash(parts: string[]): string {
		return createHmac('sha256', this.options.keySecret).update(parts.join('\0')).digest('base64url').slice(0, 22);
	}

	/**
	 * GET of many keys: one MGET per hash slot (one in all on a single Redis), answers in the keys' order; undefined where
	 * Redis did not answer (on a Redis Cluster: that key's master), for the caller to answer from memory.
	 */
	async getMany(keys: readonly string[]): Promise<Array<string | null | undefined>> {
		const values: Array<string | null> = [];
		await this.sharedBySlot(keys, async (redis, positions) => {
			const got = await redis.mget(...positions.map((position) => keys[position]));
			positions.forEach((position, index) => (values[position] = got[index] ?? null));
		});
		return keys.map((_key, position) => values[position]);
	}

	/** Outages are told to the latest caller's logger (the trigger's or a sending node's). */
	reportTo(onFallback: ((error: Error) => void) | undefined): void {
		if (onFallback) this.options.onFallback = onFallback;
	}

	/** True while the last Redis call (or a part of it) failed and memory answers (that part) alone. */
	get fallingBack(): boolean {
		return this.failing;
	}

	/** The memory this process keeps alongside Redis (and answers from during an outage). */
	get memory(): MemoryLedger {
		return this.options.memory;
	}

	/**
	 * Runs a Redis call on `keys` (on a Redis Cluster they name the masters it waits on); on failure answers `fallback()`
	 * and reports the outage once (campaign.ts and reach.ts use it too).
	 */
	async shared<T>(call: (redis: ScriptClient) => Promise<T>, fallback: () => T, keys: readonly string[]): Promise<T> {
		try {
			const redis = withScripts(this.options.client());
			const result = await callRedisWithin(redis, () => call(redis), this.options.timeoutMs ?? 1000, keys);
			this.answered();
			return result;
		} catch (error) {
			this.answered(error as Error);
			return fallback();
		}
	}

	/**
	 * Runs a call over unrelated keys once per hash slot (callRedisBySlot): on a Redis Cluster a frozen or down master
	 * fails only its keys' part, at once once known, and the caller answers those keys (the positions `call` did not
	 * fill in) from memory. An outage is reported once, as by `shared` (campaign.ts uses it too).
	 */
	async sharedBySlot(keys: readonly string[], call: (redis: ScriptClient, positions: number[]) => Promise<unknown>): Promise<void> {
		let failure: Error | undefined;
		try {
			const redis = withScripts(this.options.client());
			failure = await callRedisBySlot(redis, keys, (positions) => call(redis, positions), this.options.timeoutMs ?? 1000);
		} catch (error) {
			failure = error as Error;
		}
		this.answered(failure);
	}

	/** Redis answered, or failed (memory answers meanwhile; the outage is reported once). */
	private answered(failure?: Error): void {
		if (failure && !this.failing) this.options.onFallback?.(failure);
		this.failing = failure !== undefined;
	}

	async recordFacts(facts: LedgerFacts): Promise<void> {
		this.options.memory.recordFactsSync(facts);
		const keys: string[] = [];
		const args: string[] = [];
		for (const { phoneNumberId, at } of facts.triggerSeen) {
			keys.push(this.key('t', phoneNumberId));
			args.push('t', `${Math.round(at)}:${HEARTBEAT_TTL_MS}`);
		}
		for (const { phoneNumberId, contact, at } of facts.inbound) {
			keys.push(this.key('w', phoneNumberId, contact));
			args.push('w', `${Math.round(at)}:${WINDOW_MS}`);
		}
		for (const { messageId, record } of facts.statuses) {
			keys.push(this.key('s', messageId));
			args.push('s', statusPayload(record));
		}
		if (keys.length === 0) return;
		const now = this.now();
		// One script per hash slot (a Redis Cluster script's keys share one); memory holds them all already.
		await this.sharedBySlot(keys, (redis, positions) =>
			redis.ledgerRecordFacts(
				positions.length,
				...positions.map((position) => keys[position]),
				now,
				...positions.flatMap((position) => [args[2 * position], args[2 * position + 1]]),
			),
		);
	}

	async recordInbound(phoneNumberId: string, contact: string, at: number): Promise<void> {
		await this.recordFacts({ inbound: [{ phoneNumberId, contact, at }], statuses: [], triggerSeen: [] });
	}

	async windowOpenUntil(phoneNumberId: string, contact: string, now: number): Promise<number | undefined> {
		return (await this.windowsOpenUntil([{ phoneNumberId, contact }], now))[0];
	}

	/** Many windows in one round trip. */
	async windowsOpenUntil(senders: Array<{ phoneNumberId: string; contact: string }>, now: number): Promise<Array<number | undefined>> {
		if (senders.length === 0) return [];
		const keys = senders.map(({ phoneNumberId, contact }) => this.key('w', phoneNumberId, contact));
		const stored = await this.getMany(keys);
		return senders.map(({ phoneNumberId, contact }, position) => {
			const last = stored[position];
			if (last === undefined) return this.options.memory.windowOpenUntilSync(phoneNumberId, contact, now);
			return last && Number(last) + WINDOW_MS > now ? Number(last) + WINDOW_MS : undefined;
		});
	}

	async closeWindow(phoneNumberId: string, contact: string): Promise<void> {
		await this.options.memory.closeWindow(phoneNumberId, contact);
		const key = this.key('w', phoneNumberId, contact);
		await this.shared(
			(redis) => redis.del(key),
			() => 0,
			[key],
		);
	}

	async recordStatus(messageId: string, record: StatusRecord): Promise<void> {
		await this.recordFacts({ inbound: [], statuses: [{ messageId, record }], triggerSeen: [] });
	}

	async statusOf(messageId: string): Promise<StatusRecord | undefined> {
		const key = this.key('s', messageId);
		const stored = await this.shared(
			(redis) => redis.get(key),
			() => null,
			[key],
		);
		return this.failing ? this.options.memory.statusOfSync(messageId) : parseStatus(stored);
	}

	/** Many statuses in one round trip (the delivery-status wait polls with it). */
	async statusesOf(messageIds: string[]): Promise<Array<StatusRecord | undefined>> {
		if (messageIds.length === 0) return [];
		const keys = messageIds.map((id) => this.key('s', id));
		const stored = await this.getMany(keys);
		return messageIds.map((id, position) => {
			const value = stored[position];
			return value === undefined ? this.options.memory.statusOfSync(id) : parseStatus(value);
		});
	}

	async recordTriggerSeen(phoneNumberId: string, at: number): Promise<void> {
		await this.recordFacts({ inbound: [], statuses: [], triggerSeen: [{ phoneNumberId, at }] });
	}

	async triggerSeenAt(phoneNumberId: string): Promise<number | undefined> {
		const key = this.key('t', phoneNumberId);
		const stored = await this.shared(
			(redis) => redis.get(key),
			() => null,
			[key],
		);
		if (this.failing) return this.options.memory.triggerSeenAt(phoneNumberId);
		return stored ? Number(stored) : undefined;
	}

	async addWait(wait: PendingWait): Promise<void> {
		this.options.memory.addWaitSync(wait);
		const ttl = Math.max(1, wait.expiresAt - this.now());
		const keys = this.waitKeys(wait.phoneNumberId, wait.contact);
		const queue = keys.queue;
		const asked = keys.asked(wait.messageId);
		const stored: StoredWait = { ...wait, _keys: { wm: asked, wq: queue } };
		await this.shared(
			(redis) =>
				redis
					.multi()
					.set(keys.wait(wait.id), JSON.stringify(stored), 'PX', ttl)
					.set(asked, wait.id, 'PX', ttl)
					.zadd(queue, wait.createdAt, wait.id)
					// The index lives as long as its longest wait: GT keeps a later expiry (Redis 7).
					.pexpire(queue, ttl, 'GT')
					.pexpire(queue, ttl, 'NX')
					.exec(),
			() => null,
			[queue],
		);
	}

	async takeWaitFor(phoneNumberId: string, contact: string, quotedMessageId: string | undefined, now: number): Promise<PendingWait | undefined> {
		const waitKeys = this.waitKeys(phoneNumberId, contact);
		const keys = [waitKeys.queue];
		if (quotedMessageId) keys.push(waitKeys.asked(quotedMessageId));
		const taken = await this.shared(
			(redis) => redis.ledgerTakeWait(keys.length, ...keys, now, waitKeys.wait(''), phoneNumberId, contact),
			() => null,
			keys,
		);
		if (this.failing) return this.options.memory.takeWaitForSync(phoneNumberId, contact, quotedMessageId, now);
		if (!taken) return undefined;
		// The stored index keys are the scripts' business, not the caller's.
		const wait: Partial<StoredWait> & PendingWait = JSON.parse(taken) as StoredWait;
		delete wait._keys;
		await this.options.memory.removeWait(wait);
		return wait;
	}

	/**
	 * A contact's wait index lives as long as its longest wait and goes when its last wait is taken: one EXISTS each,
	 * pipelined per hash slot. Where Redis does not answer, every sender may be waited for (takeWaitFor then decides).
	 */
	async contactsWaiting(senders: Array<{ phoneNumberId: string; contact: string }>): Promise<boolean[]> {
		if (senders.length === 0) return [];
		const queues = senders.map(({ phoneNumberId, contact }) => this.waitKeys(phoneNumberId, contact).queue);
		const waiting: boolean[] = [];
		const existing = async (redis: ScriptClient, positions: number[]): Promise<void> => {
			const pipeline = redis.pipeline();
			for (const position of positions) pipeline.exists(queues[position]);
			const results = (await pipeline.exec()) ?? [];
			if (results.length !== positions.length) throw new Error('Redis answered part of the wait check');
			results.forEach(([error, count], index) => {
				if (error) throw error;
				waiting[positions[index]] = Number(count) > 0;
			});
		};
		await this.sharedBySlot(queues, existing);
		return senders.map((_sender, position) => waiting[position] ?? true);
	}

	async removeWait(wait: WaitOf): Promise<void> {
		await this.options.memory.removeWait(wait);
		const key = this.waitKeys(wait.phoneNumberId, wait.contact).wait(wait.id);
		await this.shared(
			(redis) => redis.ledgerRemoveWait(1, key),
			() => 0,
			[key],
		);
	}
}
