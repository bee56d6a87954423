/**
 * The sender pool (Options › Sender Pool): one broadcast spread over several numbers of the WABA, each paced by its own
 * gate lane, a recipient always hearing from the same number. That number is the one the recipient wrote to in the last
 * 24 hours (the conversation ledger: their open window is with it), otherwise the pool number ranked highest for them
 * by rendezvous hashing, which does not depend on the pool's order and moves only a pool member's share of recipients
 * when a number joins or leaves.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ConversationLedger } from '../shared/conversations';
import { windowsOpenUntil } from '../shared/conversations/reading';
import { cachedWabaPhoneNumbers } from '../shared/descriptions';
import { fieldError } from '../shared/errors';
import { FieldError } from '../shared/fieldError';
import { recipientOf, type MessagesRequestBody } from '../shared/messages';
import { readParameter } from '../shared/parameters';
import type { WhatsAppCredentials } from '../shared/transport/types';
import { SEND_OPERATION } from './actions/operationNames';

/** The option's builder field name (common.ts labels it "Options › Sender Pool"). */
export const SENDER_POOL_FIELD = 'senderPool';
const SENDER_POOL_LABEL = 'Options › Sender Pool';

/** Options › Sender Pool (only for "Send": a Send and Wait answer must come back to the number that asked). */
export const senderPoolOption: INodeProperties = {
	displayName: 'Sender Pool',
	name: 'senderPool',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getWabaPhoneNumbers' },
	default: [],
	displayOptions: { show: { '/operation': [SEND_OPERATION] } },
	description:
		'More numbers of your WhatsApp Business Account to spread the messages over, each paced at its own limit (five 80-message-per-second numbers send about 400 a second). The Sender Phone Number is always in the pool. Each recipient always hears from the same number: the one they wrote to in the last 24 hours (known from a WhatsApp Cloud Trigger), otherwise one picked from their phone number, whatever the order here. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** How an item's number was picked from its pool. */
export type SenderChoice = 'openWindow' | 'recipientHash';

export interface PoolItem {
	itemIndex: number;
	phoneNumberId: string;
	body: MessagesRequestBody;
	/** Every number of the item's pool, the Sender Phone Number included; undefined without the option. */
	senderPool?: string[];
	senderDisplayNumber?: string;
	senderChosenBy?: SenderChoice;
}

/** The pool's entries as given: a list (picked, or an expression's array) or one text of IDs separated by commas or spaces. */
function poolEntries(raw: unknown): string[] {
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' || typeof raw === 'number' ? String(raw).split(/[\s,;]+/) : [raw];
	return list.map((entry) => (typeof entry === 'string' || typeof entry === 'number' ? String(entry).trim() : JSON.stringify(entry) ?? '')).filter((entry) => entry !== '');
}

/**
 * The item's pool (the Sender Phone Number first, then the option's numbers), or undefined without the option. Throws a
 * FieldError for an empty pool, an entry that is not a phone number ID, or a number listed twice.
 */
export function readSenderPool(context: IExecuteFunctions, itemIndex: number, phoneNumberId: string): string[] | undefined {
	const raw = readParameter<unknown>(context, 'sendOptions.senderPool', itemIndex, null);
	if (raw === undefined || raw === null) return undefined;
	return parseSenderPool(raw, phoneNumberId);
}

export function parseSenderPool(raw: unknown, phoneNumberId: string): string[] {
	const entries = poolEntries(raw);
	if (entries.length === 0) {
		throw new FieldError(SENDER_POOL_FIELD, 'is empty: pick the numbers to spread the messages over', 'Pick one or more numbers, or remove the option to send from the Sender Phone Number alone. Nothing was sent.');
	}
	const seen = new Set<string>();
	for (const entry of entries) {
		if (!/^[0-9]{5,20}$/.test(entry)) {
			throw new FieldError(SENDER_POOL_FIELD, `has "${entry.slice(0, 40)}", which is not a phone number ID: expected 5 to 20 digits, as shown in Meta's WhatsApp Manager (not the phone number itself)`);
		}
		if (seen.has(entry)) throw new FieldError(SENDER_POOL_FIELD, `lists number ${entry} twice: give each number once`);
		seen.add(entry);
	}
	return [phoneNumberId, ...entries.filter((entry) => entry !== phoneNumberId)];
}

/** A 32-bit score of a recipient for one number: FNV-1a, then murmur3's finaliser so near keys spread. */
export function rendezvousScore(recipient: string, phoneNumberId: string): number {
	const key = `${recipient}\u0000${phoneNumberId}`;
	let hash = 0x811c9dc5;
	for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
	hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
	hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
	return (hash ^ (hash >>> 16)) >>> 0;
}

/** The pool number a recipient hears from when no window is open: the highest score (ties by ID), whatever the order. */
export function hashedSender(recipient: string, pool: readonly string[]): string {
	let best = pool[0];
	let bestScore = -1;
	for (const phoneNumberId of pool) {
		const score = rendezvousScore(recipient, phoneNumberId);
		if (score > bestScore || (score === bestScore && phoneNumberId < best)) [best, bestScore] = [phoneNumberId, score];
	}
	return best;
}

/** The number of the recipient's latest open window among the pool's (`openUntil` in pool order), else the hashed one. */
export function pickSender(recipient: string, pool: readonly string[], openUntil: ReadonlyArray<number | undefined>): { phoneNumberId: string; chosenBy: SenderChoice } {
	let latest: { phoneNumberId: string; until: number } | undefined;
	pool.forEach((phoneNumberId, position) => {
		const until = openUntil[position];
		if (until !== undefined && (!latest || until > latest.until)) latest = { phoneNumberId, until };
	});
	return latest ? { phoneNumberId: latest.phoneNumberId, chosenBy: 'openWindow' } : { phoneNumberId: hashedSender(recipient, pool), chosenBy: 'recipientHash' };
}

/** The pool numbers the WABA does not have, or undefined when the list cannot be read (no WABA ID, Meta refused). */
async function numbersNotInWaba(credentials: WhatsAppCredentials, pools: string[][], warn: (line: string) => void): Promise<{ missing: Set<string>; display: Map<string, string> } | undefined> {
	const wabaId = String(credentials.wabaId ?? '').trim();
	if (!wabaId) return undefined;
	try {
		const numbers = await cachedWabaPhoneNumbers(credentials, wabaId);
		const display = new Map(numbers.filter((number) => number.display_phone_number).map((number) => [number.id, number.display_phone_number!]));
		const known = new Set(numbers.map((number) => number.id));
		return { missing: new Set(pools.flat().filter((id) => !known.has(id))), display };
	} catch (error) {
		// The check is a help: without the list, Meta still refuses a number the token cannot send from.
		warn(`WhatsApp Send Message: could not read the WhatsApp Business Account's phone numbers to check the Sender Pool (${(error as Error).message}); sending without the check`);
		return undefined;
	}
}

/**
 * Gives each pooled item its number (and display number, when the WABA's list has it), before any send: a pool with a
 * number the WABA does not have fails its items through `fail`. Returns the items left, in order.
 */
export async function spreadOverSenderPools<T extends PoolItem>(
	context: IExecuteFunctions,
	credentials: WhatsAppCredentials,
	ledger: ConversationLedger,
	items: T[],
	now: number,
	fail: (item: T, error: Error) => void,
): Promise<T[]> {
	const pooled = items.filter((item) => item.senderPool);
	if (pooled.length === 0) return items;
	const waba = await numbersNotInWaba(credentials, pooled.map((item) => item.senderPool!), (line) => context.logger.warn(line));
	const failed = new Set<T>();
	for (const item of pooled) {
		const missing = item.senderPool!.filter((id) => waba?.missing.has(id));
		if (missing.length === 0) continue;
		failed.add(item);
		fail(
			item,
			fieldError(context.getNode(), item.itemIndex, SENDER_POOL_LABEL, `has ${missing.join(', ')}, not a number of the WhatsApp Business Account ${String(credentials.wabaId).trim()}`, {
				description: 'Pick the pool from the list of your numbers (or check the credential\'s WhatsApp Business Account ID). Nothing was sent.',
			}),
		);
	}
	const sending = pooled.filter((item) => !failed.has(item));
	// Every pool number's window with every recipient, in one ledger read.
	const pairs = sending.flatMap((item) => item.senderPool!.map((phoneNumberId) => ({ phoneNumberId, contact: recipientOf(item.body as Exclude<MessagesRequestBody, { status: 'read' }>) })));
	const until = await windowsOpenUntil(ledger, pairs, now);
	let position = 0;
	for (const item of sending) {
		const pool = item.senderPool!;
		const picked = pickSender(pairs[position].contact, pool, until.slice(position, position + pool.length));
		position += pool.length;
		if (picked.phoneNumberId !== item.phoneNumberId) item.senderDisplayNumber = undefined;
		item.phoneNumberId = picked.phoneNumberId;
		item.senderDisplayNumber = waba?.display.get(picked.phoneNumberId) ?? item.senderDisplayNumber;
		item.senderChosenBy = picked.chosenBy;
	}
	return items.filter((item) => !failed.has(item));
}
