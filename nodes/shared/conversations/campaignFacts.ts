/**
 * What a verified webhook body tells the ledger's campaign facts (campaign.ts). Pure; read before any event filter.
 * - every change's entry.id is the WABA (an opt-out is from that business):
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * - `user_preferences` (category `marketing_messages`, value `stop` | `resume`, numeric `timestamp`):
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * - failed statuses with 131049 (per-user marketing limit) or 131050 (stopped marketing messages):
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/per-user-limits
 *   and https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates
 * - `message_template_status_update` (event PAUSED with `other_info.title` FIRST_PAUSE / SECOND_PAUSE, DISABLED,
 *   APPROVED / REINSTATED when usable again; entry.id is the WABA):
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update
 */
import type { WebhookBody } from '../webhook/types';
import { noCampaignFacts, TEMPLATE_PAUSE_MS, type CampaignFacts, type TemplateState } from './campaign';

/** Failed-status codes that are campaign facts. */
export const MARKETING_LIMIT_CODE = 131049;
export const MARKETING_STOPPED_CODE = 131050;

type Json = Record<string, unknown>;

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Meta's Unix seconds (a number or a string of digits) as epoch ms, else the receipt time. */
function timeOf(value: unknown, now: number): number {
	const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
	return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : now;
}

function records(value: unknown): Json[] {
	return Array.isArray(value) ? value.filter((item): item is Json => typeof item === 'object' && item !== null) : [];
}

/** The phone number and the business-scoped user ID a record names, whichever Meta gives. */
function contactsOf(record: Json, ...fields: string[]): string[] {
	return fields.map((field) => text(record[field])).filter((contact): contact is string => contact !== undefined);
}

function templateStateOf(value: Json): { state: TemplateState; forMs: number } | undefined {
	const event = text(value.event)?.toUpperCase();
	const title = text((value.other_info as Json | undefined)?.title)?.toUpperCase();
	if (event === 'PAUSED') {
		return { state: 'paused', forMs: title === 'FIRST_PAUSE' || title === 'SECOND_PAUSE' ? TEMPLATE_PAUSE_MS[title] : TEMPLATE_PAUSE_MS.webhook };
	}
	if (event === 'DISABLED') return { state: 'disabled', forMs: TEMPLATE_PAUSE_MS.disabled };
	if (event === 'APPROVED' || event === 'REINSTATED' || title === 'UNPAUSE') return { state: 'active', forMs: 0 };
	return undefined;
}

/** The campaign facts of one body; `now` is when it was received. */
export function campaignFactsOf(body: WebhookBody, now: number): CampaignFacts {
	const facts = noCampaignFacts();
	for (const entry of records(body.entry)) {
		const wabaId = text(entry.id);
		for (const change of records(entry.changes)) {
			const value = (typeof change.value === 'object' && change.value !== null ? change.value : {}) as Json;
			if (change.field === 'user_preferences') {
				for (const preference of records(wabaId ? value.user_preferences : undefined)) {
					const choice = preference.value;
					if (preference.category !== 'marketing_messages' || (choice !== 'stop' && choice !== 'resume')) continue;
					const at = timeOf(preference.timestamp, now);
					for (const contact of contactsOf(preference, 'wa_id', 'user_id')) facts.preferences.push({ wabaId: wabaId!, contact, value: choice, at });
				}
			} else if (change.field === 'messages') {
				for (const status of records(value.statuses)) {
					const code = records(status.errors)[0]?.code;
					if (status.status !== 'failed' || (code !== MARKETING_LIMIT_CODE && code !== MARKETING_STOPPED_CODE)) continue;
					const at = timeOf(status.timestamp, now);
					for (const contact of contactsOf(status, 'recipient_id', 'recipient_user_id')) {
						if (code === MARKETING_LIMIT_CODE) facts.limits.push({ contact, at });
						else if (wabaId) facts.preferences.push({ wabaId, contact, value: 'stop', at });
					}
				}
			} else if (change.field === 'message_template_status_update') {
				const name = text(value.message_template_name);
				const language = text(value.message_template_language);
				const decided = templateStateOf(value);
				if (!wabaId || !name || !language || !decided) continue;
				facts.templates.push({ template: { wabaId, name, language }, ...decided, at: timeOf(entry.time, now) });
			}
		}
	}
	return facts;
}
