/**
 * Phone numbers and the `GET /{id}` object route: `GET /{waba}/phone_numbers` (cursor paging),
 * `GET /{phone-id}?fields=…` with only the requested fields and the messaging-limit field of the request's version,
 * `POST /{phone-id}` with a webhook override, `GET /{waba}` (plain fields and analytics) and `POST /{waba}`
 * (enabling template insights).
 */
import { updateWaba, wabaObject } from './analytics';
import { getMediaObject } from './media';
import { configureNumberWebhook, numberWebhookConfiguration } from './subscriptions';
import { getFlowObject, updateFlowObject } from './flows';
import { editTemplateObject, getTemplateObject } from './templateManagement';
import type { FixturePhoneNumber, Route, SimContext, SimRequest, SimResponse } from './types';
import { assertAccess, bodyParams, findPhoneNumber, invalidParameter, pageOf, requestedFields, requirePhoneNumber, requireWaba, unknownObjectError } from './surfaces';

/** From v24.0 Meta replaced `messaging_limit_tier` with `whatsapp_business_manager_messaging_limit`. */
export const MESSAGING_LIMIT_FIELD_SINCE = 24;

export function versionNumber(version: string): number {
	return Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
}

const DEFAULT_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'id'];

/**
 * The list's default: "business names, phone numbers, phone number IDs, and quality ratings":
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/phone-numbers#get-all-phone-numbers
 */
const LIST_DEFAULT_FIELDS = ['verified_name', 'display_phone_number', 'id', 'quality_rating'];

/** Every field of a number as Graph names it, for the request's version. */
export function phoneNumberFields(number: FixturePhoneNumber, version: string, sim: SimContext): Record<string, unknown> {
	const fields: Record<string, unknown> = {
		id: number.id,
		display_phone_number: number.displayPhoneNumber,
		verified_name: number.verifiedName,
		quality_rating: number.qualityRating,
		throughput: { level: number.throughputLevel },
		status: number.status,
		name_status: number.nameStatus,
		code_verification_status: number.codeVerificationStatus,
		platform_type: number.platformType,
		// These five as in the OpenAPI "multiple_phone_numbers" example (GET /{WABA-ID}/phone_numbers).
		country_code: 'US',
		country_dial_code: '1',
		unified_cert_status: 'APPROVED',
		host_platform: number.platformType,
		username: null,
		account_mode: 'LIVE',
		is_official_business_account: false,
		is_pin_enabled: true,
		// The portfolio's limit, whichever of its numbers is asked (messaging-limits page, "Via API").
		messaging_limit_tier: sim.options.messagingLimitTier,
		whatsapp_business_manager_messaging_limit: sim.options.messagingLimitTier,
		is_on_biz_app: number.sharedWithBusinessApp,
		webhook_configuration: numberWebhookConfiguration(number.id, sim),
	};
	if (versionNumber(version) >= MESSAGING_LIMIT_FIELD_SINCE) delete fields.messaging_limit_tier;
	else delete fields.whatsapp_business_manager_messaging_limit;
	return fields;
}

/** Only the requested fields (and `id`, which Graph always returns); a field unknown in this version is an error. */
function pickFields(all: Record<string, unknown>, requested: string[] | undefined, version: string, defaults = DEFAULT_FIELDS): Record<string, unknown> {
	const names = requested ?? defaults;
	const picked: Record<string, unknown> = {};
	for (const name of names) {
		if (!(name in all)) {
			throw invalidParameter(
				`Tried accessing nonexisting field (${name}) on node type (WhatsAppBusinessPhoneNumber) in ${version}`,
				`(#100) Tried accessing nonexisting field (${name}) on node type (WhatsAppBusinessPhoneNumber)`,
			);
		}
		picked[name] = all[name];
	}
	picked.id = all.id;
	return picked;
}

function listPhoneNumbers(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	const fields = requestedFields(req);
	const all = sim.fixture.phoneNumbers.map((number) => pickFields(phoneNumberFields(number, req.version, sim), fields, req.version, LIST_DEFAULT_FIELDS));
	const page = pageOf(req, sim, all, 25);
	const body: Record<string, unknown> = { data: page.data };
	if (page.paging) body.paging = page.paging;
	return { status: 200, body };
}

/** `GET /{id}`: the WABA, a phone number, a media object, a template or a flow. */
function getObject(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const id = params.id;
	if (id === sim.fixture.wabaId) {
		assertAccess(req, sim);
		return { status: 200, body: wabaObject(req, sim) };
	}
	const number = findPhoneNumber(sim, id);
	if (number) {
		assertAccess(req, sim);
		return { status: 200, body: pickFields(phoneNumberFields(number, req.version, sim), requestedFields(req), req.version) };
	}
	const media = getMediaObject(req, id, sim);
	if (media) return media;
	const template = getTemplateObject(req, id, sim);
	if (template) return template;
	const flow = getFlowObject(req, id, sim);
	if (flow) return flow;
	throw unknownObjectError(id);
}

/** `POST /{waba}` (template insights), `POST /{template-id}` or `/{flow-id}` (edit) or `POST /{phone-id}` (the per-number webhook override). */
async function updateObject(req: SimRequest, params: Record<string, string>, sim: SimContext): Promise<SimResponse> {
	if (params.id === sim.fixture.wabaId) {
		requireWaba(req, params.id, sim);
		return updateWaba(req, sim);
	}
	const edited = editTemplateObject(req, params.id, sim) ?? updateFlowObject(req, params.id, sim);
	if (edited) return edited;
	requirePhoneNumber(req, params.id, sim);
	const input = bodyParams(req);
	if (input.webhook_configuration === undefined) {
		throw invalidParameter('Expected webhook_configuration: {override_callback_uri, verify_token}', '(#100) The parameter webhook_configuration is required');
	}
	await configureNumberWebhook(params.id, input.webhook_configuration, sim);
	return { status: 200, body: { success: true } };
}

const objectMatch = (segments: string[]): Record<string, string> | null =>
	segments.length === 1 && /^\d+$/.test(segments[0]) ? { id: segments[0] } : null;

/** `GET /me`: the token's own user (a system user for WhatsApp), as the credential test without a WABA asks. */
function getMe(req: SimRequest): SimResponse {
	const me: Record<string, unknown> = { id: '100000000000099', name: 'Simulator System User' };
	const fields = requestedFields(req);
	const body = !fields ? me : Object.fromEntries(Object.entries(me).filter(([key]) => key === 'id' || fields.includes(key)));
	return { status: 200, body };
}

export const phoneNumberRoutes: Route[] = [
	{ method: 'GET', match: (segments) => (segments.length === 1 && segments[0] === 'me' ? {} : null), handler: getMe },
	{
		method: 'GET',
		match: (segments) => (segments.length === 2 && segments[1] === 'phone_numbers' ? { wabaId: segments[0] } : null),
		handler: listPhoneNumbers,
	},
	{ method: 'GET', match: objectMatch, handler: getObject },
	{ method: 'POST', match: objectMatch, handler: updateObject },
];
