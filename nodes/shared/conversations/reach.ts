/**
 * Reach under the messaging limit: the people a business portfolio reached with business-initiated messages (templates
 * outside an open customer service window) in a moving 24 hours. Meta: "Messaging limits are the maximum number of
 * unique WhatsApp user phone numbers your business can deliver messages to, outside of a customer service window,
 * within a moving 24-hour period", "calculated and set at the business portfolio level and … shared by all business
 * phone numbers within a portfolio" (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
 * A person stays counted until 24 hours after the latest such message to them; one already counted costs no new place.
 * Kept beside the conversation ledger: in its memory, and in its Redis (one sorted set per portfolio, names and members
 * HMAC'd under the ledger's key secret, as its own keys) when the ledger uses Redis.
 */

import { RedisLedger, type ScriptClient } from './redis';
import { WINDOW_MS, type ConversationLedger } from './types';

/** The moving window Meta counts people in: 24 hours, as the customer service window. */
export const REACH_WINDOW_MS = WINDOW_MS;

/** One person's place: admitted (`isNew`: a place taken now), or refused until a place frees at `freesAt` (epoch ms). */
export type ReachAnswer = { admitted: true; isNew: boolean } | { admitted: false; freesAt: number };

/**
 * One portfolio's reach in memory: each person with the time of the latest business-initiated message to them. The
 * Map's order is the order of those times (a person written again moves to the end), so the oldest is always first.
 * Pure: the caller gives `now`.
 */
export class PortfolioReach {
	private readonly lastSent = new Map<string, number>();

	/** People counted at `now`. */
	count(now: number): number {
		this.expire(now);
		return this.lastSent.size;
	}

	/** Admits each recipient in order while places remain (a person already counted always is), and counts the admitted at `now`. */
	admit(recipients: readonly string[], limit: number, now: number): ReachAnswer[] {
		this.expire(now);
		return recipients.map((recipient): ReachAnswer => {
			const known = this.lastSent.has(recipient);
			if (!known && this.lastSent.size >= limit) return { admitted: false, freesAt: this.oldest()! + REACH_WINDOW_MS };
			this.record(recipient, now);
			return { admitted: true, isNew: !known };
		});
	}

	/** Counts people reached at `now` whatever the limit (what another process admitted through Redis). */
	record(recipient: string, now: number): void {
		this.lastSent.delete(recipient);
		this.lastSent.set(recipient, now);
	}

	/** Gives back places taken for messages Meta refused (they reached nobody). */
	release(recipients: readonly string[]): void {
		for (const recipient of recipients) this.lastSent.delete(recipient);
	}

	private oldest(): number | undefined {
		return this.lastSent.values().next().value as number | undefined;
	}

	private expire(now: number): void {
		for (const [recipient, at] of this.lastSent) {
			if (at > now - REACH_WINDOW_MS) return;
			this.lastSent.delete(recipient);
		}
	}
}

/**
 * Admits people in one step. KEYS[1] = the portfolio's sorted set (score = latest send). ARGV = now, window, limit,
 * then one member per person. Answers per person: 1 admitted (already counted), 2 admitted (new place), or minus
 * the time its place frees.
 */
export const ADMIT_REACH = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local answers = {}
for i = 4, #ARGV do
  local member = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], member) then
    redis.call('ZADD', KEYS[1], now, member)
    answers[#answers + 1] = 1
  elseif redis.call('ZCARD', KEYS[1]) < limit then
    redis.call('ZADD', KEYS[1], now, member)
    answers[#answers + 1] = 2
  else
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    answers[#answers + 1] = -(tonumber(oldest[2]) + window)
  end
end
redis.call('PEXPIRE', KEYS[1], window)
return answers
`;

type ReachClient = ScriptClient & { ledgerAdmitReach(numKeys: number, ...args: Array<string | number>): Promise<number[]> };

function withReachScript(redis: ScriptClient): ReachClient {
	const client = redis as ReachClient;
	if (typeof client.ledgerAdmitReach !== 'function') client.defineCommand('ledgerAdmitReach', { lua: ADMIT_REACH });
	return client;
}

function answerOf(code: number): ReachAnswer {
	return code > 0 ? { admitted: true, isNew: code === 2 } : { admitted: false, freesAt: -code };
}

/** The reach of every portfolio, as one ledger keeps it. */
export interface Reach {
	admit(portfolio: string, recipients: readonly string[], limit: number, now: number): Promise<ReachAnswer[]>;
	release(portfolio: string, recipients: readonly string[]): Promise<void>;
}

/** Portfolios in this process's memory; during a Redis outage they answer alone. */
class MemoryReach implements Reach {
	private readonly portfolios = new Map<string, PortfolioReach>();

	of(portfolio: string): PortfolioReach {
		let reach = this.portfolios.get(portfolio);
		if (!reach) {
			reach = new PortfolioReach();
			this.portfolios.set(portfolio, reach);
		}
		return reach;
	}

	async admit(portfolio: string, recipients: readonly string[], limit: number, now: number): Promise<ReachAnswer[]> {
		return this.of(portfolio).admit(recipients, limit, now);
	}

	async release(portfolio: string, recipients: readonly string[]): Promise<void> {
		this.of(portfolio).release(recipients);
	}
}

/** Portfolios in the ledger's Redis, so every n8n process counts against the same places. */
class RedisReach implements Reach {
	constructor(
		private readonly ledger: RedisLedger,
		private readonly memory: MemoryReach,
	) {}

	/** A person's member name: the ledger's HMAC of the recipient (no phone number in Redis). */
	private member(recipient: string): string {
		const key = this.ledger.key('rm', recipient);
		return key.slice(key.lastIndexOf(':') + 1);
	}

	async admit(portfolio: string, recipients: readonly string[], limit: number, now: number): Promise<ReachAnswer[]> {
		const members = recipients.map((recipient) => this.member(recipient));
		const key = this.ledger.key('reach', portfolio);
		const codes = await this.ledger.shared<number[] | undefined>(
			(redis) => withReachScript(redis).ledgerAdmitReach(1, key, now, REACH_WINDOW_MS, limit, ...members),
			() => undefined,
			[key],
		);
		if (!codes) return this.memory.admit(portfolio, recipients, limit, now);
		const answers = codes.map(answerOf);
		// This process's memory learns its own sends, to answer from during an outage.
		const memory = this.memory.of(portfolio);
		answers.forEach((answer, position) => answer.admitted && memory.record(recipients[position], now));
		return answers;
	}

	async release(portfolio: string, recipients: readonly string[]): Promise<void> {
		this.memory.of(portfolio).release(recipients);
		if (recipients.length === 0) return;
		const key = this.ledger.key('reach', portfolio);
		await this.ledger.shared(
			(redis) => redis.zrem(key, ...recipients.map((recipient) => this.member(recipient))),
			() => 0,
			[key],
		);
	}
}

/** Each ledger's reach, forgotten with the ledger. */
const reaches = new WeakMap<ConversationLedger, Reach>();

/** The reach kept beside `ledger` (Redis when it uses Redis, else memory). */
export function reachOf(ledger: ConversationLedger): Reach {
	let reach = reaches.get(ledger);
	if (!reach) {
		reach = ledger instanceof RedisLedger ? new RedisReach(ledger, new MemoryReach()) : new MemoryReach();
		reaches.set(ledger, reach);
	}
	return reach;
}
