/**
 * The business portfolio's messaging limit, checked before sending: Meta lets a portfolio reach only so many unique
 * people (250, 2,000, 10,000, 100,000 or unlimited) with business-initiated messages — templates outside an open
 * customer service window — in a moving 24 hours, all its numbers together
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits). Items past it fail here,
 * naming the limit and when a place frees, instead of costing a call Meta refuses; or, if the user chose so, wait for a
 * place (at most the minutes they set). The count lives beside the conversation ledger (shared/conversations/reach.ts):
 * in memory, and in Redis when the ledger uses it. It counts what this pack sent; sends of other systems are unseen.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { reachOf, REACH_WINDOW_MS, TemplateHeldError, type ConversationLedger, type Reach, type ReachAnswer } from '../shared/conversations';
import { fieldError, nameItem } from '../shared/errors';
import { MESSAGING_LIMIT_TIERS, readMessagingLimit } from '../shared/descriptions/messagingLimit';
import { recipientOf, type MessagesRequestBody } from '../shared/messages';
import { readParameter } from '../shared/parameters';
import { processWide } from '../shared/processWide';
import { isGraphApiError } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';
import type { ReadyItem, SentItem } from './actions/send.operation';

export type MessagingLimitChoice = 'automatic' | '250' | '2000' | '10000' | '100000' | 'unlimited';
export type PastMessagingLimit = 'fail' | 'wait';

export const MAX_LIMIT_WAIT_MINUTES = 60;

/** The clock and timer the check goes by, process-wide (test/support/testHooks.ts sets a fake one). */
const clock = processWide('messagingLimit.clock', () => ({ now: (): number => Date.now(), sleep: (ms: number): Promise<void> => sleep(ms) }));

interface LimitOptions {
	limit: MessagingLimitChoice;
	past: PastMessagingLimit;
	maxWaitMs: number;
}

const LIMIT_CHOICES: readonly string[] = ['automatic', '250', '2000', '10000', '100000', 'unlimited'];

/** One item's limit options; a bad value is its field's error. */
function readLimitOptions(context: IExecuteFunctions, item: ReadyItem): LimitOptions {
	const option = (name: string, fallback: unknown) => readParameter<unknown>(context, `sendOptions.${name}`, item.itemIndex, fallback);
	const limit = String(option('messagingLimit', 'automatic') ?? 'automatic');
	if (!LIMIT_CHOICES.includes(limit)) {
		throw fieldError(context.getNode(), item.itemIndex, 'Options › Messaging Limit', `is "${limit.slice(0, 40)}": expected automatic, 250, 2000, 10000, 100000 or unlimited`);
	}
	const past = String(option('pastMessagingLimit', 'fail') ?? 'fail');
	if (past !== 'fail' && past !== 'wait') {
		throw fieldError(context.getNode(), item.itemIndex, 'Options › Past the Messaging Limit', `is "${past.slice(0, 40)}": expected fail or wait`);
	}
	const minutes = Number(option('messagingLimitWaitMinutes', 10) ?? 10);
	if (!Number.isFinite(minutes) || minutes < 0 || minutes > MAX_LIMIT_WAIT_MINUTES) {
		throw fieldError(context.getNode(), item.itemIndex, 'Options › Longest Wait for Room (Minutes)', `is ${String(minutes)}: give a number of minutes from 0 to ${MAX_LIMIT_WAIT_MINUTES}`);
	}
	return { limit: limit as MessagingLimitChoice, past, maxWaitMs: Math.round(minutes * 60_000) };
}

/** Whether Meta counts the item in the limit: a template with no open customer service window the ledger knows of. */
export function countsTowardLimit(item: Pick<ReadyItem, 'messageType' | 'body' | 'windowOpenUntil'>): boolean {
	return item.messageType !== 'markAsRead' && (item.body as { type?: string }).type === 'template' && item.windowOpenUntil === undefined;
}

/** What the count is kept under: the credential's WhatsApp Business Account (one portfolio), else the sending number. */
export function portfolioOf(credentials: Pick<WhatsAppCredentials, 'wabaId'>, phoneNumberId: string): string {
	const wabaId = String(credentials.wabaId ?? '').trim();
	return wabaId ? `waba:${wabaId}` : `number:${phoneNumberId}`;
}

const warnedOnce = processWide('messagingLimit.warnings', () => new Set<string>());

/** A limit the check goes by: people per 24 h and how to name it. */
interface KnownLimit {
	people: number;
	name: string;
}

const format = (count: number) => count.toLocaleString('en-US');

/** The item's failure: the limit, since when it is full, when a place frees, and what to do. */
export function limitReachedError(context: IExecuteFunctions, item: ReadyItem, limit: KnownLimit, freesAt: number, waitedMs?: number): NodeOperationError {
	const since = new Date(freesAt - REACH_WINDOW_MS).toISOString();
	const frees = new Date(freesAt).toISOString();
	const waited = waitedMs === undefined ? '' : ` (waited ${Math.round(waitedMs / 1000)} s, the longest set in "Options › Longest Wait for Room (Minutes)")`;
	const message = `the business portfolio's messaging limit is reached: WhatsApp lets it reach ${limit.name} with templates outside a customer service window in any 24 hours, and ${format(limit.people)} were reached since ${since}; the next place frees at ${frees}${waited}. Nothing was sent to ${recipientOf(item.body as Exclude<MessagesRequestBody, { status: 'read' }>)}.`;
	const description = `Send again after ${frees}, or set "Options › Past the Messaging Limit" to "Wait for Room". A template to someone who wrote in the last 24 hours (as a WhatsApp Cloud Trigger recorded it), or who already got one in the last 24 hours, takes no new place.`;
	return nameItem(new NodeOperationError(context.getNode(), message, { itemIndex: item.itemIndex, description }), item.itemIndex);
}

interface Reservation {
	portfolio: string;
	recipient: string;
	isNew: boolean;
}

/** The items to send, each sent once its place is sure, and the places to give back when Meta refused a send. */
export interface LimitedSend {
	items: ReadyItem[];
	send(item: ReadyItem, run: () => Promise<SentItem>): Promise<SentItem>;
	release(items: ReadyItem[], settled: Array<PromiseSettledResult<unknown>>): Promise<void>;
}

interface Portfolio {
	key: string;
	items: ReadyItem[];
	options: LimitOptions;
}

/** The portfolio's limit: the user's, or Meta's as read (unknown: not checked, said once in n8n's log). */
async function limitOf(context: IExecuteFunctions, credentials: WhatsAppCredentials, portfolio: Portfolio): Promise<KnownLimit | undefined> {
	const { limit } = portfolio.options;
	if (limit === 'unlimited') return undefined;
	if (limit !== 'automatic') return { people: Number(limit), name: `${format(Number(limit))} people (set in "Options › Messaging Limit")` };
	const reading = await readMessagingLimit(credentials, portfolio.items[0].phoneNumberId, portfolio.key);
	const people = reading.tier === undefined ? undefined : MESSAGING_LIMIT_TIERS[reading.tier];
	if (people === undefined) {
		const problem = reading.problem ?? `Meta named an unknown tier "${reading.tier}"`;
		// Once per process and problem: a busy bot would otherwise log it on every execution while it is kept.
		if (!warnedOnce().has(problem)) {
			warnedOnce().add(problem);
			context.logger.warn(`WhatsApp Send Message: the messaging limit is not checked before sending (${problem}); set "Options › Messaging Limit" to check it`);
		}
		return undefined;
	}
	return people === null ? undefined : { people, name: `${format(people)} people (${reading.tier})` };
}

/**
 * Checks every item counted in the limit against its portfolio's places, before any send. Refused items go to `fail`
 * (which throws without "Continue On Fail": no place taken here then stays taken); with "Wait for Room" an item whose
 * place frees within the minutes set is sent once it does.
 */
export async function applyMessagingLimit(
	context: IExecuteFunctions,
	credentials: WhatsAppCredentials,
	ledger: ConversationLedger,
	items: ReadyItem[],
	fail: (item: ReadyItem, failure: NodeOperationError) => void,
): Promise<LimitedSend> {
	const reach = reachOf(ledger);
	const reservations = new Map<ReadyItem, Reservation>();
	const waits = new Map<ReadyItem, Promise<void>>();
	const failed = new Set<ReadyItem>();
	// By portfolio and options: items whose expressions give other options are checked by their own.
	const portfolios = new Map<string, Portfolio>();
	for (const item of items.filter(countsTowardLimit)) {
		try {
			const options = readLimitOptions(context, item);
			const key = portfolioOf(credentials, item.phoneNumberId);
			const group = `${key}\0${options.limit}\0${options.past}\0${options.maxWaitMs}`;
			const portfolio = portfolios.get(group) ?? { key, items: [], options };
			portfolio.items.push(item);
			portfolios.set(group, portfolio);
		} catch (error) {
			failed.add(item);
			fail(item, error as NodeOperationError);
		}
	}

	const refusals: Array<{ item: ReadyItem; failure: NodeOperationError }> = [];
	// Started once no refusal can stop the node any more, so nothing waits for a send that will not come.
	const waitLoops: Array<() => void> = [];
	for (const portfolio of portfolios.values()) {
		const limit = await limitOf(context, credentials, portfolio);
		if (!limit) continue;
		const recipients = portfolio.items.map((item) => recipientOf(item.body as Exclude<MessagesRequestBody, { status: 'read' }>));
		const startedAt = clock().now();
		const answers = await reach.admit(portfolio.key, recipients, limit.people, startedAt);
		const waiting: Array<{ item: ReadyItem; recipient: string; freesAt: number }> = [];
		answers.forEach((answer, position) => {
			const item = portfolio.items[position];
			if (answer.admitted) reservations.set(item, { portfolio: portfolio.key, recipient: recipients[position], isNew: answer.isNew });
			else if (portfolio.options.past === 'wait' && answer.freesAt - startedAt <= portfolio.options.maxWaitMs) waiting.push({ item, recipient: recipients[position], freesAt: answer.freesAt });
			else refusals.push({ item, failure: limitReachedError(context, item, limit, answer.freesAt) });
		});
		if (waiting.length > 0) waitLoops.push(() => waitForRoom(context, reach, portfolio, limit, startedAt, waiting, reservations, waits));
	}
	// Without "Continue On Fail" the first refusal stops the node before any send: the places taken here go back first.
	if (refusals.length > 0 && !context.continueOnFail()) await releaseAll(ledger, [...reservations.values()]);
	for (const { item, failure } of refusals) {
		failed.add(item);
		fail(item, failure);
	}
	for (const start of waitLoops) start();

	return {
		items: items.filter((item) => !failed.has(item)),
		send: (item, run) => {
			const wait = waits.get(item);
			return wait ? wait.then(run) : run();
		},
		release: async (sent, settled) => {
			// Refused by Meta or withdrawn unsent (template paused): they reached nobody, unless another item of this run did.
			const reached = new Set<string>();
			const refused: Reservation[] = [];
			sent.forEach((item, position) => {
				const reservation = reservations.get(item);
				const result = settled[position];
				if (!reservation) return;
				if (result.status === 'fulfilled') reached.add(`${reservation.portfolio}\0${reservation.recipient}`);
				else if (isGraphApiError(result.reason) || result.reason instanceof TemplateHeldError) refused.push(reservation);
			});
			await releaseAll(ledger, refused.filter(({ portfolio, recipient }) => !reached.has(`${portfolio}\0${recipient}`)));
		},
	};
}

/** Gives back the places taken new (a person already counted stays counted). */
async function releaseAll(ledger: ConversationLedger, taken: Reservation[]): Promise<void> {
	const byPortfolio = new Map<string, string[]>();
	for (const { portfolio, recipient, isNew } of taken) {
		if (!isNew) continue;
		const recipients = byPortfolio.get(portfolio) ?? [];
		recipients.push(recipient);
		byPortfolio.set(portfolio, recipients);
	}
	await Promise.all([...byPortfolio].map(([portfolio, recipients]) => reachOf(ledger).release(portfolio, recipients)));
}

/**
 * Admits the waiting items in order as places free: sleeps until the next place frees, asks again, and fails whoever
 * is still waiting once the longest wait is over. One loop per portfolio, not one per item.
 */
function waitForRoom(
	context: IExecuteFunctions,
	reach: Reach,
	portfolio: Portfolio,
	limit: KnownLimit,
	startedAt: number,
	waiting: Array<{ item: ReadyItem; recipient: string; freesAt: number }>,
	reservations: Map<ReadyItem, Reservation>,
	waits: Map<ReadyItem, Promise<void>>,
): void {
	const settle = new Map<ReadyItem, { resolve: () => void; reject: (error: Error) => void }>();
	for (const { item } of waiting) {
		const wait = new Promise<void>((resolve, reject) => settle.set(item, { resolve, reject }));
		// Handled where the item is sent; this keeps an early failure from counting as unhandled meanwhile.
		wait.catch(() => undefined);
		waits.set(item, wait);
	}
	const deadline = startedAt + portfolio.options.maxWaitMs;
	void (async () => {
		let pending = waiting;
		while (pending.length > 0) {
			const next = Math.min(...pending.map((entry) => entry.freesAt));
			await clock().sleep(Math.max(0, Math.min(next, deadline) - clock().now()));
			const now = clock().now();
			let answers: ReachAnswer[];
			try {
				answers = await reach.admit(portfolio.key, pending.map((entry) => entry.recipient), limit.people, now);
			} catch (error) {
				for (const { item } of pending) settle.get(item)!.reject(error as Error);
				return;
			}
			const still: typeof pending = [];
			answers.forEach((answer, position) => {
				const entry = pending[position];
				if (answer.admitted) {
					reservations.set(entry.item, { portfolio: portfolio.key, recipient: entry.recipient, isNew: answer.isNew });
					settle.get(entry.item)!.resolve();
				} else if (now >= deadline) {
					settle.get(entry.item)!.reject(limitReachedError(context, entry.item, limit, answer.freesAt, now - startedAt));
				} else {
					still.push({ ...entry, freesAt: answer.freesAt });
				}
			});
			pending = still;
		}
	})();
}
