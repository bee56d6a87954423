/**
 * Meta's rules for who receives a template, as its pages describe them:
 * - Per-user marketing limit: "If a marketing template message is not sent due to per-user marketing template limit
 *   enforcement, a messages webhook will be triggered with status set to failed and (error) code set to 131049"
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/per-user-limits).
 * - Marketing opt-out: "If you attempt to send a marketing template to a WhatsApp user who has stopped marketing template
 *   messages from your business, the API will process the request but not send the message" and a failed status with
 *   code 131050 follows; the user's choice comes as a `user_preferences` webhook
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates, "Stop/Resume
 *   controls"; https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences).
 *   The error codes page lists both codes with HTTP 400 as well
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes): `via: 'response'`.
 * - Template pacing: past a threshold the send answers `message_status: held_for_quality_assessment`; on bad feedback the
 *   template is PAUSED (status webhook), and each held message is dropped with a failed status, code 132015
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing). A paused
 *   template's sends are refused (132015), as findTemplateOrFail answers
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pausing).
 * Only MARKETING templates are limited or refused to opted-out users; utility and authentication templates still go.
 */
import { setTemplateStatus } from './templateManagement';
import { findTemplate } from './templates';
import { moduleState } from './surfaces';
import { MetaError, recipientKey, type AcceptedMessage, type FixtureTemplate, type SimContext, type StatusError, type WebhookSink } from './types';

export type Via = 'webhook' | 'response';

interface Pacing {
	/** Sends of the template accepted as usual; the later ones are held. */
	holdAfter: number;
	/** The template is paused once this many sends were accepted (held ones included). */
	pauseAfter?: number;
	accepted: number;
	held: AcceptedMessage[];
}

interface MarketingState {
	/** Recipient → sim-clock ms until which marketing templates to them fail with 131049. */
	limited: Map<string, { until: number; via: Via }>;
	optedOut: Map<string, Via>;
	/** Template ID → its pacing. */
	pacing: Map<string, Pacing>;
}

const MODULE = 'marketing';

function stateOf(sim: SimContext): MarketingState {
	return moduleState(sim, MODULE, () => ({ limited: new Map(), optedOut: new Map(), pacing: new Map() }));
}

/** The failed status's error of a 131049 (the status page's example). */
export const MARKETING_LIMIT_ERROR: StatusError = {
	code: 131049,
	title: 'This message was not delivered to maintain healthy ecosystem engagement.',
	message: 'This message was not delivered to maintain healthy ecosystem engagement.',
	details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
};

/** The failed status's error of a 131050 (title from the marketing templates page, details from the error codes page). */
export const OPTED_OUT_ERROR: StatusError = {
	code: 131050,
	title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
	message: 'User has stopped receipt of marketing messages.',
	details: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
};

/** A held message dropped once its template was paused (title and details from the error codes page). */
export const PAUSED_DROP_ERROR: StatusError = {
	code: 132015,
	title: 'Template is Paused',
	message: 'Template is Paused',
	details: 'Template is paused due to low quality so it cannot be sent in a template message.',
};

/** Marketing templates to `recipient` fail with 131049 for `hours`. */
export function limitMarketing(sim: SimContext, recipient: string, hours = 24, via: Via = 'webhook'): { recipient: string; until: string } {
	const until = sim.now() + hours * 60 * 60 * 1000;
	stateOf(sim).limited.set(recipientKey(recipient), { until, via });
	return { recipient: recipientKey(recipient), until: new Date(until).toISOString() };
}

/** The user stops (or resumes) marketing messages from the business; the caller sends the user_preferences webhook. */
export function setMarketingPreference(sim: SimContext, recipient: string, value: 'stop' | 'resume', via: Via = 'webhook'): void {
	const key = recipientKey(recipient);
	if (value === 'stop') stateOf(sim).optedOut.set(key, via);
	else stateOf(sim).optedOut.delete(key);
}

/** The user_preferences webhook's value (the page's syntax; `wa_id` the user's digits). */
export function userPreferencesValue(recipient: string, value: 'stop' | 'resume', timestampSeconds: number): Record<string, unknown> {
	const waId = recipientKey(recipient);
	return {
		contacts: [{ wa_id: waId }],
		user_preferences: [
			{ wa_id: waId, detail: `User requested to ${value} marketing messages`, category: 'marketing_messages', value, timestamp: timestampSeconds },
		],
	};
}

/** The template's sends past `holdAfter` are held; at `pauseAfter` sends it is paused. */
export function paceTemplate(sim: SimContext, templateId: string, holdAfter: number, pauseAfter?: number): void {
	if (!sim.fixture.templates.some((template) => template.id === templateId)) throw new Error(`templateId "${templateId}" is not a template of the simulator's WABA`);
	if (!(Number.isInteger(holdAfter) && holdAfter >= 0)) throw new Error('holdAfter must be a whole number of sends, 0 or more');
	if (pauseAfter !== undefined && !(Number.isInteger(pauseAfter) && pauseAfter >= 1)) throw new Error('pauseAfter must be a whole number of sends, 1 or more');
	stateOf(sim).pacing.set(templateId, { holdAfter, pauseAfter, accepted: 0, held: [] });
}

function templateOf(sim: SimContext, body: Record<string, unknown>): FixtureTemplate | undefined {
	if (body.type !== 'template') return undefined;
	const template = body.template as { name?: string; language?: { code?: string } } | undefined;
	return template?.name && template.language?.code ? findTemplate(sim.fixture.templates, template.name, template.language.code) : undefined;
}

function refusal(error: StatusError, httpMessage: string): MetaError {
	return new MetaError({ httpStatus: 400, code: error.code, message: httpMessage, details: error.details });
}

/**
 * What Meta does with a template send it is about to accept: refuse it (throws, `via: 'response'`), fail it by webhook
 * (`failure`), or hold it (`held`). Nothing is changed here; `afterAccepted` counts it.
 */
export function marketingOutcome(sim: SimContext, body: Record<string, unknown>, to: string, now: number): { failure?: StatusError; held?: boolean } {
	const template = templateOf(sim, body);
	if (!template) return {};
	const state = stateOf(sim);
	const recipient = recipientKey(to);
	if (template.category === 'MARKETING') {
		const optedOut = state.optedOut.get(recipient);
		if (optedOut === 'response') throw refusal(OPTED_OUT_ERROR, '(#131050) User has stopped receipt of marketing messages.');
		if (optedOut) return { failure: OPTED_OUT_ERROR };
		const limit = state.limited.get(recipient);
		if (limit && limit.until > now) {
			if (limit.via === 'response') throw refusal(MARKETING_LIMIT_ERROR, '(#131049) Meta chose not to deliver.');
			return { failure: MARKETING_LIMIT_ERROR };
		}
	}
	const pacing = state.pacing.get(template.id);
	return pacing && pacing.accepted >= pacing.holdAfter ? { held: true } : {};
}

/**
 * Counts an accepted send against its template's pacing. When the pause is due the template is PAUSED, its status
 * webhook goes out (a first pause: `other_info.title` FIRST_PAUSE, from the message_template_status_update page) and
 * every held message is dropped with a failed 132015 status.
 */
export function afterAccepted(sim: SimContext & { webhooks: WebhookSink }, message: AcceptedMessage): void {
	const template = templateOf(sim, message.body);
	const pacing = template && stateOf(sim).pacing.get(template.id);
	if (!template || !pacing) return;
	pacing.accepted += 1;
	if (message.held) pacing.held.push(message);
	if (pacing.pauseAfter === undefined || pacing.accepted < pacing.pauseAfter) return;
	stateOf(sim).pacing.delete(template.id);
	setTemplateStatus(sim, template.id, 'PAUSED');
	const value = { event: 'PAUSED', reason: 'NONE', other_info: { title: 'FIRST_PAUSE', description: `Your WhatsApp message template ${template.name} has been paused because of low quality.` } };
	// Meta pauses whether or not anyone listens.
	Promise.resolve(sim.webhooks.injectEvent?.({ field: 'message_template_status_update', templateId: template.id, value })).catch(() => undefined);
	for (const held of pacing.held) sim.webhooks.onDropped?.(held, PAUSED_DROP_ERROR);
}
