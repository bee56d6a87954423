/**
 * What Send Message refuses before sending a campaign, from the ledger's campaign facts (shared/conversations/campaign.ts),
 * and what it learns from Meta's answers while sending:
 * - a template Meta paused or disabled fails each of its items with one clear error, without a call to Meta;
 * - a MARKETING template is skipped (an output item marked `skipped`, nothing sent) for a person who stopped marketing
 *   messages, or who is inside Meta's 24-hour per-user marketing limit, unless their customer service window is open
 *   ("Marketing messages sent within this window will not count towards a person's limit":
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/per-user-limits).
 *   Utility and authentication templates always go;
 * - Meta's 131049 / 131050 / 132015 / 132016 answers are recorded, and a pause withdraws the template's queued sends.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	contactsMarketing,
	recordCampaignFacts,
	TEMPLATE_PAUSE_MS,
	TemplateHeldError,
	templateHolds,
	templateSendSignal,
	type CampaignFacts,
	type ConversationLedger,
	type TemplateRef,
} from '../shared/conversations';
import type { MessageTemplate } from '../shared/descriptions';
import { recipientOf, type MessagesRequestBody, type TemplateMessage } from '../shared/messages';
import { isGraphApiError } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';

/** What the rules need of a ready item (execute.ts's ReadyItem). */
export interface CampaignItem {
	itemIndex: number;
	messageType: string;
	phoneNumberId: string;
	senderDisplayNumber?: string;
	body: MessagesRequestBody;
	template?: { name: string };
	windowOpenUntil?: number;
	/** Aborted when the item's template is held: the gate then drops the call unsent. */
	withdrawal?: AbortSignal;
}

export type SkipReason = 'optedOut' | 'marketingLimit';

export interface Screened<T extends CampaignItem> {
	send: T[];
	failed: Array<{ item: T; error: TemplateHeldError }>;
	skipped: Array<{ item: T; json: IDataObject }>;
}

function templateOf(item: CampaignItem): TemplateMessage['template'] | undefined {
	return item.template ? (item.body as TemplateMessage).template : undefined;
}

function contactOf(item: CampaignItem): string {
	return recipientOf(item.body as Exclude<MessagesRequestBody, { status: 'read' }>);
}

export function templateRefOf(credentials: WhatsAppCredentials, item: CampaignItem): TemplateRef | undefined {
	const template = templateOf(item);
	const wabaId = String(credentials.wabaId ?? '').trim();
	return template && wabaId ? { wabaId, name: template.name, language: template.language.code } : undefined;
}

/** The category of the template variant the item was checked against (MARKETING, UTILITY, AUTHENTICATION). */
async function categoryOf(item: CampaignItem, definitions: Map<string, Promise<MessageTemplate[]>>): Promise<string | undefined> {
	const template = templateOf(item);
	const variants = template ? await definitions.get(template.name)?.catch(() => undefined) : undefined;
	return variants?.find((variant) => variant.language === template!.language.code)?.category?.toUpperCase();
}

/** The output item of a marketing template not sent, saying why and until when. */
function skippedJson(item: CampaignItem, reason: SkipReason, until: number | undefined): IDataObject {
	const contact = contactOf(item);
	const template = templateOf(item)!;
	const json: IDataObject = { messageType: item.messageType, phoneNumberId: item.phoneNumberId };
	if (item.senderDisplayNumber) json.senderDisplayNumber = item.senderDisplayNumber;
	Object.assign(json, { recipient: contact, template: { name: template.name, language: template.language.code }, skipped: true, skipReason: reason });
	if (reason === 'optedOut') {
		json.skipDetail = `${contact} stopped marketing messages from your business on WhatsApp (Meta's user_preferences webhook, or error 131050): marketing template "${template.name}" was not sent. Utility and authentication templates still go.`;
	} else {
		json.marketingLimitedUntil = new Date(until!).toISOString();
		json.skipDetail = `Meta did not deliver a marketing template to ${contact} to limit the marketing messages they get (error 131049); sending again within 24 hours fails the same way, so "${template.name}" was not sent. It can go after ${json.marketingLimitedUntil}, or sooner once ${contact} writes to you.`;
	}
	return json;
}

/**
 * Sorts the items before any send: held templates fail, marketing templates to opted-out or limited people are skipped,
 * the rest go, each template's items carrying the signal that withdraws them if Meta pauses it meanwhile.
 */
export async function screenCampaign<T extends CampaignItem>(
	ledger: ConversationLedger,
	credentials: WhatsAppCredentials,
	items: T[],
	definitions: Map<string, Promise<MessageTemplate[]>>,
	now: number,
): Promise<Screened<T>> {
	const screened: Screened<T> = { send: [], failed: [], skipped: [] };
	const templated = items.filter((item) => templateRefOf(credentials, item));
	if (templated.length === 0) return { ...screened, send: items };
	const refs = templated.map((item) => templateRefOf(credentials, item)!);
	const categories = await Promise.all(templated.map((item) => categoryOf(item, definitions)));
	const marketing = templated.filter((_item, index) => categories[index] === 'MARKETING');
	const [holds, people] = await Promise.all([templateHolds(ledger, refs, now), contactsMarketing(ledger, refs[0].wabaId, marketing.map(contactOf), now)]);
	const holdOf = new Map(templated.map((item, index) => [item, { ref: refs[index], hold: holds[index] }]));
	const personOf = new Map(marketing.map((item, index) => [item as CampaignItem, people[index]]));
	for (const item of items) {
		const template = holdOf.get(item);
		if (!template) {
			screened.send.push(item);
			continue;
		}
		if (template.hold) {
			screened.failed.push({ item, error: new TemplateHeldError(template.ref, template.hold) });
			continue;
		}
		const person = personOf.get(item);
		const windowOpen = item.windowOpenUntil !== undefined && item.windowOpenUntil > now;
		if (person?.optedOutAt !== undefined) screened.skipped.push({ item, json: skippedJson(item, 'optedOut', undefined) });
		else if (person?.limitedUntil !== undefined && !windowOpen) screened.skipped.push({ item, json: skippedJson(item, 'marketingLimit', person.limitedUntil) });
		else {
			item.withdrawal = templateSendSignal(template.ref);
			screened.send.push(item);
		}
	}
	return screened;
}

/** What one refusal of Meta's says for the ledger (nothing for other failures). */
export function refusalFacts(error: unknown, item: CampaignItem, template: TemplateRef | undefined, now: number): CampaignFacts | undefined {
	if (!isGraphApiError(error) || !template) return undefined;
	const facts: CampaignFacts = { preferences: [], limits: [], templates: [] };
	if (error.code === 131049) facts.limits.push({ contact: contactOf(item), at: now });
	else if (error.code === 131050) facts.preferences.push({ wabaId: template.wabaId, contact: contactOf(item), value: 'stop', at: now });
	else if (error.code === 132015) facts.templates.push({ template, state: 'paused', at: now, forMs: TEMPLATE_PAUSE_MS.answered });
	else if (error.code === 132016) facts.templates.push({ template, state: 'disabled', at: now, forMs: TEMPLATE_PAUSE_MS.disabled });
	else return undefined;
	return facts;
}

/** Watches the sends: each refusal of Meta's is recorded as it comes (a pause withdraws the rest at once). */
export function watchSends(ledger: ConversationLedger, credentials: WhatsAppCredentials) {
	const recording: Array<Promise<void>> = [];
	return {
		sending<R>(item: CampaignItem, sent: Promise<R>): Promise<R> {
			// Only a template's refusal is a campaign fact (refusalFacts): other sends pay no handler on the hot path.
			if (!item.template) return sent;
			sent.catch((error: unknown) => {
				const facts = refusalFacts(error, item, templateRefOf(credentials, item), Date.now());
				if (facts) recording.push(recordCampaignFacts(ledger, facts));
			});
			return sent;
		},
		/** Every refusal recorded (in Redis too) before the execution ends. */
		recorded: async () => {
			await Promise.all(recording);
		},
	};
}

/** Says in the output pane (and n8n's log) what the campaign rules and Meta did to the items. */
export function reportCampaign(context: IExecuteFunctions, outputs: IDataObject[], heldTemplateFailures: number): void {
	const total = outputs.length;
	const held = outputs.filter((json) => json.messageStatus === 'held_for_quality_assessment').length;
	const optedOut = outputs.filter((json) => json.skipReason === 'optedOut').length;
	const limited = outputs.filter((json) => json.skipReason === 'marketingLimit').length;
	const lines: string[] = [];
	if (optedOut + limited > 0) {
		lines.push(
			`${optedOut + limited} of ${total} marketing messages were not sent (items marked "skipped"): ${optedOut} to people who stopped marketing messages, ${limited} to people inside Meta's 24-hour marketing limit.`,
		);
	}
	if (heldTemplateFailures > 0) lines.push(`${heldTemplateFailures} of ${total} items failed without a call to Meta: their template is paused or disabled.`);
	if (held > 0) {
		lines.push(
			`Meta accepted ${held} of ${total} messages but holds them for quality assessment (template pacing): each goes out, or is dropped with a failed status (132015) if the template gets paused; a WhatsApp Cloud Trigger receives which.`,
		);
	}
	for (const message of lines) {
		context.logger.info(`WhatsApp Send Message "${context.getNode().name}": ${message}`);
		context.addExecutionHints({ type: 'info', message, location: 'outputPane' });
	}
}
