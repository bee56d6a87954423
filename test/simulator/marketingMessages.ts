/**
 * `POST /{phone-number-id}/marketing_messages`: the Marketing Messages API for WhatsApp (formerly Marketing Messages
 * Lite API), Meta's path for marketing templates. It takes a Cloud API template send plus two optional fields and
 * goes through the same number, so the same throughput, pair rate and template checks apply (messages.ts).
 * Read from Meta's pages (Dec 2025 snapshot; the reference page is v23.0):
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/send-marketing-messages
 *   "follows the same API payload syntax as Sending Messages on Cloud API"; only marketing templates; optional
 *   `product_policy` (CLOUD_API_FALLBACK | STRICT) and `message_activity_sharing` (boolean); "If onboarding
 *   requirements are not met, the marketing messages will still be routed via Cloud API", unless STRICT.
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/marketing-messages-lite-api
 *   the answer: `contacts`, `messages[{id, message_status}]`, `messaging_product`, and `success: true` in its example.
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes#marketing-messages-api-for-whatsapp-error-codes
 *   100 "Message must be a template message." (400), 134100 not a marketing template (400), 134102 "Template
 *   unavailable for use" / not onboarded (500). 134101 (template still syncing) is left to scripted faults.
 */
import { invalidParameter, sendMessage, type SendPath } from './messages';
import { pathRoute } from './server';
import type { SimState } from './state';
import { findTemplate } from './templates';
import { MetaError, type Route } from './types';

const PRODUCT_POLICIES = ['CLOUD_API_FALLBACK', 'STRICT'];

/** Meta's example error of the Marketing Messages API (test/contract/fixtures/requests/error-100-marketing-messages.json). */
function notATemplate(): MetaError {
	return new MetaError({ httpStatus: 400, code: 100, message: '(#100) Invalid parameter', details: 'Message must be a template message.' });
}

function notMarketing(): MetaError {
	return new MetaError({ httpStatus: 400, code: 134100, message: '(#134100) Only marketing messages supported', details: "You're only able to send marketing messages on this API." });
}

function notOnboarded(): MetaError {
	return new MetaError({
		httpStatus: 500,
		code: 134102,
		message: '(#134102) Template unavailable for use',
		details:
			"Please check your eligibility status to ensure you are onboarded (/documentation/business-messaging/whatsapp/marketing-messages/onboarding#ensure-you-are-eligible-to-onboard) or contact Meta's customer support.",
	});
}

const marketingPath: SendPath = {
	strip(parsed) {
		if (parsed.type !== 'template') throw notATemplate();
		const { product_policy: policy, message_activity_sharing: sharing, ...body } = parsed;
		if (policy !== undefined && !PRODUCT_POLICIES.includes(policy as string)) {
			throw invalidParameter(`Param product_policy must be one of {${PRODUCT_POLICIES.join(', ')}} - got "${String(policy)}"`);
		}
		if (sharing !== undefined && typeof sharing !== 'boolean') throw invalidParameter(`Param message_activity_sharing must be a boolean - got ${JSON.stringify(sharing)}`);
		return body;
	},
	route(sim: SimState, _phoneNumberId, body, parsed) {
		const template = body.template as { name: string; language: { code: string } };
		if (findTemplate(sim.fixture.templates, template.name, template.language.code)?.category !== 'MARKETING') throw notMarketing();
		// Every number of the simulator belongs to the fixture's one WABA.
		if (sim.options.marketingMessagesOnboarded.includes(sim.fixture.wabaId)) return { viaPath: true };
		if (parsed.product_policy === 'STRICT') throw notOnboarded();
		return { viaPath: false };
	},
	answer: { success: true },
};

export const marketingMessageRoutes = (sim: SimState): Route[] => [
	{
		method: 'POST',
		match: pathRoute(':phoneNumberId/marketing_messages'),
		handler: (req, params) => sendMessage(sim, req, params.phoneNumberId, marketingPath),
	},
];
