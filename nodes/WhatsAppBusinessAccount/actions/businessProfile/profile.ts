/**
 * The business profile's fields and Meta's limits on them, checked before the update is sent. Limits:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/business-profiles
 * (about 1–139, address 256, description 512, email 128, at most 2 websites of 256 with http(s)); verticals: Meta's
 * OpenAPI spec (WhatsAppBusinessVertical, business-messaging-api_v23.0.yaml).
 */
import type { IDataObject } from 'n8n-workflow';

import { charCount } from '../../../shared/messages/rules';
import { ManagementInputError } from '../errors';

export const MAX_ABOUT = 139;
export const MAX_ADDRESS = 256;
export const MAX_DESCRIPTION = 512;
export const MAX_EMAIL = 128;
export const MAX_WEBSITES = 2;
export const MAX_WEBSITE = 256;

export const VERTICALS: Array<{ name: string; value: string }> = [
	{ name: 'Alcohol', value: 'ALCOHOL' },
	{ name: 'Automotive', value: 'AUTO' },
	{ name: 'Beauty, Spa and Salon', value: 'BEAUTY' },
	{ name: 'Clothing and Apparel', value: 'APPAREL' },
	{ name: 'Education', value: 'EDU' },
	{ name: 'Entertainment', value: 'ENTERTAIN' },
	{ name: 'Event Planning and Service', value: 'EVENT_PLAN' },
	{ name: 'Finance and Banking', value: 'FINANCE' },
	{ name: 'Government and Public Service', value: 'GOVT' },
	{ name: 'Grocery and Supermarket', value: 'GROCERY' },
	{ name: 'Hotel and Lodging', value: 'HOTEL' },
	{ name: 'Medical and Health', value: 'HEALTH' },
	{ name: 'Non-Profit', value: 'NONPROFIT' },
	{ name: 'Online Gambling', value: 'ONLINE_GAMBLING' },
	{ name: 'Other', value: 'OTHER' },
	{ name: 'Over-the-Counter Drugs', value: 'OTC_DRUGS' },
	{ name: 'Physical Gambling', value: 'PHYSICAL_GAMBLING' },
	{ name: 'Professional Services', value: 'PROF_SERVICES' },
	{ name: 'Restaurant', value: 'RESTAURANT' },
	{ name: 'Shopping and Retail', value: 'RETAIL' },
	{ name: 'Travel and Transportation', value: 'TRAVEL' },
];

export interface ProfileUpdate {
	about?: string;
	address?: string;
	description?: string;
	email?: string;
	websites?: string | string[];
	vertical?: string;
	profilePictureHandle?: string;
}

const field = (name: string) => ['Update Fields', name];

function limited(value: string, max: number, name: string): string {
	const length = charCount(value);
	if (length > max) throw new ManagementInputError(field(name), `is ${length} characters long; Meta allows at most ${max}`);
	return value;
}

/** The websites given as a list, or as text separated by commas or line breaks. */
function websitesOf(value: string | string[]): string[] {
	const sites = (Array.isArray(value) ? value.map(String) : value.split(/[,\n]/)).map((site) => site.trim()).filter(Boolean);
	if (sites.length > MAX_WEBSITES) throw new ManagementInputError(field('Websites'), `has ${sites.length} websites; Meta allows at most ${MAX_WEBSITES}`);
	return sites.map((site, index) => {
		if (!/^https?:\/\/\S+$/i.test(site)) throw new ManagementInputError(field('Websites'), `has "${site.slice(0, 60)}" as website #${index + 1}: Meta wants a URL starting with http:// or https://`);
		return limited(site, MAX_WEBSITE, 'Websites');
	});
}

/** Meta's update body for the fields the user set (an empty Address, Description, Email or Websites clears it). */
/** `pictureFile`: a picture comes as a file, uploaded at run time, so the fields may be otherwise empty. */
export function profileUpdateBody(update: ProfileUpdate, pictureFile = false): IDataObject {
	const body: IDataObject = { messaging_product: 'whatsapp' };
	if (update.about !== undefined) {
		// "String cannot be empty. Strings must be between 1 and 139 characters."
		if (update.about.trim() === '') throw new ManagementInputError(field('About'), 'is empty: Meta wants 1 to 139 characters');
		body.about = limited(update.about, MAX_ABOUT, 'About');
	}
	if (update.address !== undefined) body.address = limited(update.address, MAX_ADDRESS, 'Address');
	if (update.description !== undefined) body.description = limited(update.description, MAX_DESCRIPTION, 'Description');
	if (update.email !== undefined) {
		const email = limited(update.email.trim(), MAX_EMAIL, 'Email');
		if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new ManagementInputError(field('Email'), `is "${email.slice(0, 60)}", which is not an email address`);
		body.email = email;
	}
	if (update.websites !== undefined) body.websites = websitesOf(update.websites);
	if (update.vertical !== undefined) {
		if (update.vertical !== '' && !VERTICALS.some((vertical) => vertical.value === update.vertical)) {
			throw new ManagementInputError(field('Vertical'), `is "${update.vertical}", which is not one of Meta's verticals`);
		}
		body.vertical = update.vertical;
	}
	if (update.profilePictureHandle !== undefined) {
		const handle = update.profilePictureHandle.trim();
		if (!/^\d+:\S+$/.test(handle)) throw new ManagementInputError(field('Profile Picture Handle'), 'is not a handle from Meta\'s Resumable Upload API', 'e.g. 4::aW1hZ2UvanBlZw==:ARZ…');
		body.profile_picture_handle = handle;
	}
	if (Object.keys(body).length === 1 && !pictureFile) throw new ManagementInputError('Update Fields', 'is empty: add at least one field to change');
	return body;
}

/** The profile inside Meta's answer: the guide's flat `data[0]`, or the OpenAPI example's `data[0].business_profile`. */
export function profileOf(answer: { data?: Array<IDataObject & { business_profile?: IDataObject }> }): IDataObject {
	const first = answer.data?.[0] ?? {};
	return (first.business_profile as IDataObject | undefined) ?? first;
}
