/**
 * The ledger's campaign facts: who stopped marketing messages (131050, `user_preferences`), who is inside Meta's
 * per-user marketing limit (131049: "wait at least 24 hours before resending"), and which templates Meta paused or
 * disabled (132015 / 132016, `message_template_status_update`). Kept beside the conversation facts: in this process's
 * memory, and in Redis under the ledger's hashed key names when it has one. Each entry is "at:state:until" and a later
 * fact (by Meta's time) replaces an earlier one, so redelivered or reordered webhooks never undo a newer choice.
 * Not per sender number, so a sender pool sees both from every number: Meta's limit counts marketing "from any
 * business", so it is keyed by contact alone; an opt-out is "from your business", so by WABA and contact (one n8n, and
 * its memory ledger, may serve several businesses).
 */

import { processWide } from '../processWide';
import { ExpiringLru } from './lru';
import { MemoryLedger } from './memory';
import { RedisLedger, type ScriptClient } from './redis';
import type { ConversationLedger } from './types';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/per-user-limits */
export const MARKETING_LIMIT_MS = DAY_MS;
/** An opt-out stands until the user resumes; kept a month, then one send (answered 131050 again) renews it. */
export const OPT_OUT_MS = 30 * DAY_MS;
/** A resume or a reinstated template is remembered as long as Meta redelivers older webhooks (7 days). */
export const LATER_FACT_MS = 7 * DAY_MS;
/**
 * How long a paused template is refused: Meta's pause lasts 3 h the first time, 6 h the second
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pausing); a pause Meta
 * only answered (132015, duration unknown) is refused a quarter of an hour, then one send asks again.
 */
export const TEMPLATE_PAUSE_MS = { FIRST_PAUSE: 3 * HOUR_MS, SECOND_PAUSE: 6 * HOUR_MS, webhook: 3 * HOUR_MS, answered: 15 * 60 * 1000, disabled: 30 * DAY_MS };

/** A template as Meta names it in a WABA; the language as the template list spells it (`en_US`). */
export interface TemplateRef {
	wabaId: string;
	name: string;
	language: string;
}

export type TemplateState = 'paused' | 'disabled' | 'active';

export interface CampaignFacts {
	/** `stop` or `resume` marketing messages from the WABA's business (user_preferences; 131050 is a `stop`). */
	preferences: Array<{ wabaId: string; contact: string; value: 'stop' | 'resume'; at: number }>;
	/** 131049: Meta did not deliver a marketing template to this contact. */
	limits: Array<{ contact: string; at: number }>;
	templates: Array<{ template: TemplateRef; state: TemplateState; at: number; forMs: number }>;
}

export function noCampaignFacts(): CampaignFacts {
	return { preferences: [], limits: [], templates: [] };
}

export interface ContactMarketing {
	/** When the contact stopped marketing messages, if they have not resumed since. */
	optedOutAt?: number;
	/** Until when Meta's per-user marketing limit holds (131049 + 24 h). */
	limitedUntil?: number;
}

export interface TemplateHold {
	state: 'paused' | 'disabled';
	since: number;
	until: number;
}

/** Meta spells a template's language `en-US` in status webhooks and `en_US` in the template list: compare them alike. */
export function templateLanguageKey(language: string): string {
	return language.trim().replace(/-/g, '_').toLowerCase();
}

interface Entry {
	kind: 'mp' | 'ml' | 'tp';
	parts: string[];
	at: number;
	state: string;
	until: number;
}

function entriesOf(facts: CampaignFacts): Entry[] {
	return [
		...facts.preferences.map(({ wabaId, contact, value, at }): Entry => ({ kind: 'mp', parts: [wabaId, contact], at, state: value, until: at + (value === 'stop' ? OPT_OUT_MS : LATER_FACT_MS) })),
		...facts.limits.map(({ contact, at }): Entry => ({ kind: 'ml', parts: [contact], at, state: 'limited', until: at + MARKETING_LIMIT_MS })),
		...facts.templates.map(({ template, state, at, forMs }): Entry => ({ kind: 'tp', parts: templateParts(template), at, state, until: at + (state === 'active' ? LATER_FACT_MS : forMs) })),
	];
}

function templateParts(template: TemplateRef): string[] {
	return [template.wabaId, template.name, templateLanguageKey(template.language)];
}

function encode(entry: Entry): string {
	return `${Math.round(entry.at)}:${entry.state}:${Math.round(entry.until)}`;
}

function decode(stored: string | null | undefined, now: number): { at: number; state: string; until: number } | undefined {
	const match = stored ? /^(\d+):([a-z]+):(\d+)$/.exec(stored) : null;
	if (!match || Number(match[3]) <= now) return undefined;
	return { at: Number(match[1]), state: match[2], until: Number(match[3]) };
}

/** Keeps each entry unless the stored one is later (by Meta's time); expires it at its `until`. */
const RECORD_CAMPAIGN = `
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local payload = ARGV[i + 1]
  local at, untilAt = string.match(payload, '^(%d+):[a-z]+:(%d+)$')
  at = tonumber(at)
  untilAt = tonumber(untilAt)
  local current = redis.call('GET', key)
  local currentAt = current and tonumber(string.match(current, '^(%d+):')) or -1
  if at >= currentAt and untilAt > now then
    redis.call('SET', key, payload, 'PX', untilAt - now)
  end
end
return #KEYS
`;

type CampaignClient = ScriptClient & { ledgerRecordCampaign(numKeys: number, ...args: Array<string | number>): Promise<number> };

function withCampaignScript(redis: ScriptClient): CampaignClient {
	const client = redis as CampaignClient;
	if (typeof client.ledgerRecordCampaign !== 'function') client.defineCommand('ledgerRecordCampaign', { lua: RECORD_CAMPAIGN });
	return client;
}

/** This process's copy, per memory ledger (a Redis ledger's memory answers while Redis is down). */
const memories = processWide('conversations.campaign', () => new WeakMap<MemoryLedger, ExpiringLru<string>>());

function memoryOf(ledger: ConversationLedger): ExpiringLru<string> | undefined {
	const memory = ledger instanceof RedisLedger ? ledger.memory : ledger instanceof MemoryLedger ? ledger : undefined;
	if (!memory) return undefined;
	let entries = memories().get(memory);
	if (!entries) {
		entries = new ExpiringLru<string>(100_000);
		memories().set(memory, entries);
	}
	return entries;
}

function memoryKey(entry: Pick<Entry, 'kind' | 'parts'>): string {
	return `${entry.kind}\0${entry.parts.join('\0')}`;
}

/** A send refused because Meta paused or disabled its template: says since when, until when, and what to do. */
export class TemplateHeldError extends Error {
	readonly description: string;

	constructor(template: TemplateRef, hold: TemplateHold) {
		const code = hold.state === 'paused' ? 132015 : 132016;
		super(`template "${template.name}" (${template.language}) is ${hold.state} by Meta for low quality (error ${code}): this message was not sent`);
		this.name = 'TemplateHeldError';
		this.description =
			hold.state === 'paused'
				? `Meta paused the template at ${new Date(hold.since).toISOString()}, so the rest of its sends stopped without calling Meta. A first pause lasts 3 hours, a second 6, a third disables it; a pause during template pacing lasts until you unpause it in WhatsApp Manager. Sends of it are refused until ${new Date(hold.until).toISOString()}, or until a WhatsApp Cloud Trigger hears that Meta reinstated it. Meanwhile edit it, or send another template.`
				: `Meta disabled the template at ${new Date(hold.since).toISOString()} after repeated pauses: it cannot be sent again. Create a new template with different content.`;
	}
}

/** Per template: the signal this process's sends of it carry into the gate, aborted (with the error) when it is held. */
const stops = processWide('conversations.templateStops', () => new Map<string, AbortController>());

/**
 * The signal for new sends of `template`, asked once the ledger said it is not held: a signal aborted by an earlier
 * pause (whose sends stay withdrawn) is replaced by a fresh one.
 */
export function templateSendSignal(template: TemplateRef): AbortSignal {
	const key = templateParts(template).join('\0');
	let controller = stops().get(key);
	if (!controller || controller.signal.aborted) {
		controller = new AbortController();
		stops().set(key, controller);
	}
	return controller.signal;
}

/** Withdraws this process's queued sends of a template as soon as a pause of it is recorded. */
function applyTemplateStops(facts: CampaignFacts): void {
	for (const { template, state, at, forMs } of facts.templates) {
		const controller = stops().get(templateParts(template).join('\0'));
		if (state !== 'active' && controller && !controller.signal.aborted) controller.abort(new TemplateHeldError(template, { state, since: at, until: at + forMs }));
	}
}

/** Records one body's (or one send's) campaign facts: one Redis round trip for all of them. */
export async function recordCampaignFacts(ledger: ConversationLedger, facts: CampaignFacts, now: number = Date.now()): Promise<void> {
	applyTemplateStops(facts);
	const entries = entriesOf(facts).filter((entry) => entry.until > now);
	if (entries.length === 0) return;
	const memory = memoryOf(ledger);
	for (const entry of entries) {
		const key = memoryKey(entry);
		const current = decode(memory?.get(key, now), now);
		if (!current || entry.at >= current.at) memory?.set(key, encode(entry), entry.until);
	}
	if (!(ledger instanceof RedisLedger)) return;
	const keys = entries.map((entry) => ledger.key(entry.kind, ...entry.parts));
	// One script per hash slot: on a Redis Cluster a script's keys must share one (one call in all on a single Redis).
	await ledger.sharedBySlot(keys, (redis, positions) =>
		withCampaignScript(redis).ledgerRecordCampaign(positions.length, ...positions.map((at) => keys[at]), now, ...positions.map((at) => encode(entries[at]))),
	);
}

/** The stored entries of `wanted`, in order: from Redis (one round trip) when the ledger has it, else (or where it did not answer) from memory. */
async function read(ledger: ConversationLedger, wanted: Array<Pick<Entry, 'kind' | 'parts'>>, now: number): Promise<Array<ReturnType<typeof decode>>> {
	if (wanted.length === 0) return [];
	const memory = memoryOf(ledger);
	const fromMemory = (entry: Pick<Entry, 'kind' | 'parts'>) => decode(memory?.get(memoryKey(entry), now), now);
	if (!(ledger instanceof RedisLedger)) return wanted.map(fromMemory);
	const stored = await ledger.getMany(wanted.map((entry) => ledger.key(entry.kind, ...entry.parts)));
	return wanted.map((entry, position) => (stored[position] === undefined ? fromMemory(entry) : decode(stored[position], now)));
}

/** Each contact's marketing state: opted out of the WABA's business, and/or inside Meta's per-user limit. */
export async function contactsMarketing(ledger: ConversationLedger, wabaId: string, contacts: string[], now: number): Promise<ContactMarketing[]> {
	const stored = await read(ledger, contacts.flatMap((contact) => [{ kind: 'mp' as const, parts: [wabaId, contact] }, { kind: 'ml' as const, parts: [contact] }]), now);
	return contacts.map((_contact, index) => {
		const preference = stored[2 * index];
		const limit = stored[2 * index + 1];
		const state: ContactMarketing = {};
		if (preference?.state === 'stop') state.optedOutAt = preference.at;
		if (limit) state.limitedUntil = limit.until;
		return state;
	});
}

/** Each template's hold (paused or disabled by Meta), if the ledger knows one. */
export async function templateHolds(ledger: ConversationLedger, templates: TemplateRef[], now: number): Promise<Array<TemplateHold | undefined>> {
	const stored = await read(ledger, templates.map((template) => ({ kind: 'tp' as const, parts: templateParts(template) })), now);
	return stored.map((entry) => (entry && (entry.state === 'paused' || entry.state === 'disabled') ? { state: entry.state, since: entry.at, until: entry.until } : undefined));
}
