/**
 * A number's business profile as Meta plays it: `GET` and `POST /{phone-number-id}/whatsapp_business_profile`.
 * Shapes: the Business profiles guide (a flat profile in `data[]`; `websites` may come as a JSON string)
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-profiles
 * Limits: the business phone numbers' Business Profiles page (about 1–139, address 256, description 512, email 128,
 * websites ≤ 2 of ≤ 256 with http(s)) https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/business-profiles
 * and the OpenAPI spec's WhatsAppBusinessVertical enum (business-messaging-api_v23.0.yaml), with the older list's
 * UNDEFINED and NOT_A_BIZ also taken (SOURCES.md, disagreements).
 */
import type { Route, SimContext, SimRequest, SimResponse } from './types';
import { bodyParams, invalidParameter, moduleState, requestedFields, requirePhoneNumber } from './surfaces';

export const VERTICALS = [
	'OTHER', 'AUTO', 'BEAUTY', 'APPAREL', 'EDU', 'ENTERTAIN', 'EVENT_PLAN', 'FINANCE', 'GROCERY', 'GOVT', 'HOTEL', 'HEALTH', 'NONPROFIT',
	'PROF_SERVICES', 'RETAIL', 'TRAVEL', 'RESTAURANT', 'ALCOHOL', 'ONLINE_GAMBLING', 'PHYSICAL_GAMBLING', 'OTC_DRUGS', 'UNDEFINED', 'NOT_A_BIZ',
];
const FIELDS = ['messaging_product', 'about', 'address', 'description', 'email', 'profile_picture_url', 'websites', 'vertical'];
const LIMITS: Record<string, number> = { address: 256, description: 512, email: 128 };

type Profile = Record<string, unknown>;

/** Each number's profile, first as the guide's example shows one. */
function profileOf(sim: SimContext, phoneNumberId: string): Profile {
	const profiles = moduleState(sim, 'businessProfiles', () => new Map<string, Profile>());
	let profile = profiles.get(phoneNumberId);
	if (!profile) {
		profile = {
			about: 'Succulent specialists!',
			address: '1 Hacker Way, Menlo Park, CA 94025',
			description: 'At Lucky Shrub, we specialize in providing a...',
			email: 'lucky@luckyshrub.com',
			profile_picture_url: `https://pps.whatsapp.net/v/sim/${phoneNumberId}.jpg`,
			websites: ['https://www.luckyshrub.com/'],
			vertical: 'RETAIL',
			messaging_product: 'whatsapp',
		};
		profiles.set(phoneNumberId, profile);
	}
	return profile;
}

function getProfile(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const profile = profileOf(sim, number.id);
	const fields = requestedFields(req) ?? FIELDS;
	const picked: Profile = {};
	for (const field of fields) {
		if (!FIELDS.includes(field)) throw invalidParameter(`Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessProfile)`, `(#100) Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessProfile)`);
		if (profile[field] !== undefined) picked[field] = profile[field];
	}
	picked.messaging_product = 'whatsapp';
	return { status: 200, body: { data: [picked] } };
}

/** `websites` as an array, or as the guide's example sends it: a JSON array in a string. */
function websitesOf(value: unknown): string[] {
	let list = value;
	if (typeof value === 'string') {
		try {
			list = JSON.parse(value);
		} catch {
			list = [value];
		}
	}
	if (!Array.isArray(list)) throw invalidParameter('Param websites must be an array of URLs');
	if (list.length > 2) throw invalidParameter('Param websites can have at most 2 URLs');
	return list.map((site) => {
		const url = String(site);
		if (!/^https?:\/\//i.test(url)) throw invalidParameter(`Website ${url} must start with http:// or https://`);
		if (url.length > 256) throw invalidParameter('A website is at most 256 characters');
		return url;
	});
}

function updateProfile(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const input = bodyParams(req);
	if (input.messaging_product !== 'whatsapp') throw invalidParameter('Param messaging_product must be "whatsapp"', '(#100) The parameter messaging_product is required.');
	const changes: Profile = {};
	if (input.about !== undefined) {
		const about = String(input.about);
		if ([...about].length < 1 || [...about].length > 139) throw invalidParameter('Param about must be between 1 and 139 characters');
		changes.about = about;
	}
	for (const field of ['address', 'description', 'email']) {
		if (input[field] === undefined) continue;
		const value = String(input[field]);
		if ([...value].length > LIMITS[field]) throw invalidParameter(`Param ${field} must be at most ${LIMITS[field]} characters`);
		if (field === 'email' && value !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw invalidParameter('Param email must be a valid email address');
		changes[field] = value;
	}
	if (input.websites !== undefined) changes.websites = websitesOf(input.websites);
	if (input.vertical !== undefined) {
		const vertical = String(input.vertical);
		if (vertical !== '' && !VERTICALS.includes(vertical)) throw invalidParameter(`Param vertical must be one of {${VERTICALS.join(', ')}} - got "${vertical}"`);
		changes.vertical = vertical;
	}
	if (input.profile_picture_handle !== undefined) {
		const handle = String(input.profile_picture_handle);
		if (!/^\d+:/.test(handle)) throw invalidParameter('Param profile_picture_handle must be a handle from the Resumable Upload API');
		changes.profile_picture_url = `https://pps.whatsapp.net/v/sim/${number.id}-${Buffer.from(handle).toString('base64url').slice(0, 12)}.jpg`;
	}
	Object.assign(profileOf(sim, number.id), changes);
	return { status: 200, body: { success: true } };
}

const profilePath = (segments: string[]) => (segments.length === 2 && segments[1] === 'whatsapp_business_profile' ? { phoneNumberId: segments[0] } : null);

export const businessProfileRoutes: Route[] = [
	{ method: 'GET', match: profilePath, handler: getProfile },
	{ method: 'POST', match: profilePath, handler: updateProfile },
];
