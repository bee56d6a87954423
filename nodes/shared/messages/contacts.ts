import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MessageValidationError } from './errors';
import { isPlainObject, listOf, optionalText } from './rules';
import type {
	ContactAddress,
	ContactEmail,
	ContactObject,
	ContactPhone,
	ContactsMessage,
	ContactUrl,
} from './types';

const MAX_FIELD = 1000;

export interface ContactParams {
	formattedName: unknown;
	firstName?: unknown;
	lastName?: unknown;
	middleName?: unknown;
	prefix?: unknown;
	suffix?: unknown;
	/** YYYY-MM-DD */
	birthday?: unknown;
	company?: unknown;
	department?: unknown;
	title?: unknown;
	phones?: Array<{ phone?: unknown; type?: unknown; waId?: unknown }>;
	emails?: Array<{ email?: unknown; type?: unknown }>;
	addresses?: Array<{
		street?: unknown;
		city?: unknown;
		state?: unknown;
		zip?: unknown;
		country?: unknown;
		countryCode?: unknown;
		type?: unknown;
	}>;
	urls?: Array<{ url?: unknown; type?: unknown }>;
}

export interface ContactsParams extends EnvelopeParams {
	contacts: ContactParams[];
}

export const MAX_CONTACTS = 257;
/** Phones, emails, addresses or URLs per contact. */
export const MAX_ENTRIES = 20;

function entries<T>(field: string, value: unknown): T[] {
	const list = listOf<T>(field, value);
	if (list.length > MAX_ENTRIES) throw new MessageValidationError(field, `has ${list.length} entries; at most ${MAX_ENTRIES} per contact`);
	return list;
}

/**
 * A phone, email, address or URL label. Meta names standard values (CELL, MAIN, IPHONE, HOME, WORK) but takes any
 * text ("Company", "cell"…), so it is kept as given: https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/contacts-messages
 */
function optionalType(field: string, value: unknown): string | undefined {
	return optionalText(field, value, MAX_FIELD);
}

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!match) return false;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function compact<T extends object>(object: T): T | undefined {
	const entries = Object.entries(object).filter(([, value]) => value !== undefined);
	return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

function buildContact(contact: ContactParams, index: number): ContactObject {
	const at = `contacts[${index}]`;
	if (!isPlainObject(contact)) throw new MessageValidationError(at, 'must be a contact with at least a formatted name');
	const text = (field: string, value: unknown) => optionalText(`${at}.${field}`, value, MAX_FIELD);
	const formattedName = text('formattedName', contact.formattedName);
	if (formattedName === undefined) {
		throw new MessageValidationError(`${at}.formattedName`, 'is required: the name shown for the contact');
	}
	const result: ContactObject = {
		name: compact({
			formatted_name: formattedName,
			first_name: text('firstName', contact.firstName),
			last_name: text('lastName', contact.lastName),
			middle_name: text('middleName', contact.middleName),
			prefix: text('prefix', contact.prefix),
			suffix: text('suffix', contact.suffix),
		})!,
	};
	const birthday = text('birthday', contact.birthday)?.trim();
	if (birthday !== undefined) {
		if (!isIsoDate(birthday)) {
			throw new MessageValidationError(`${at}.birthday`, `"${birthday.slice(0, 30)}" is not a date written YYYY-MM-DD, e.g. 1990-07-31`);
		}
		result.birthday = birthday;
	}
	const org = compact({
		company: text('company', contact.company),
		department: text('department', contact.department),
		title: text('title', contact.title),
	});
	if (org) result.org = org;

	const phones = entries<Record<string, unknown>>(`${at}.phones`, contact.phones).map((phone, i): ContactPhone => {
		const field = `${at}.phones[${i}]`;
		if (!isPlainObject(phone)) throw new MessageValidationError(field, 'must be a phone entry');
		const entry = compact<ContactPhone>({
			phone: optionalText(`${field}.phone`, phone.phone, 64),
			type: optionalType(`${field}.type`, phone.type),
			wa_id: optionalText(`${field}.waId`, phone.waId, 64),
		});
		if (!entry?.phone) throw new MessageValidationError(`${field}.phone`, 'is required: the phone number shown on the card');
		return entry;
	});
	if (phones.length) result.phones = phones;

	const emails = entries<Record<string, unknown>>(`${at}.emails`, contact.emails).map((email, i): ContactEmail => {
		const field = `${at}.emails[${i}]`;
		if (!isPlainObject(email)) throw new MessageValidationError(field, 'must be an email entry');
		const address = optionalText(`${field}.email`, email.email, 320)?.trim();
		if (address === undefined) throw new MessageValidationError(`${field}.email`, 'is required');
		if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
			throw new MessageValidationError(`${field}.email`, `"${address.slice(0, 60)}" is not an email address`);
		}
		return compact<ContactEmail>({ email: address, type: optionalType(`${field}.type`, email.type) })!;
	});
	if (emails.length) result.emails = emails;

	const addresses = entries<Record<string, unknown>>(`${at}.addresses`, contact.addresses).map((address, i): ContactAddress => {
		const field = `${at}.addresses[${i}]`;
		if (!isPlainObject(address)) throw new MessageValidationError(field, 'must be an address entry');
		const countryCode = optionalText(`${field}.countryCode`, address.countryCode)?.trim();
		if (countryCode !== undefined && !/^[A-Za-z]{2}$/.test(countryCode)) {
			throw new MessageValidationError(`${field}.countryCode`, `"${countryCode.slice(0, 20)}" is not a two-letter country code (ISO 3166-1 alpha-2, e.g. US)`);
		}
		const entry = compact<ContactAddress>({
			street: optionalText(`${field}.street`, address.street, MAX_FIELD),
			city: optionalText(`${field}.city`, address.city, MAX_FIELD),
			state: optionalText(`${field}.state`, address.state, MAX_FIELD),
			zip: optionalText(`${field}.zip`, address.zip, 64),
			country: optionalText(`${field}.country`, address.country, MAX_FIELD),
			country_code: countryCode?.toUpperCase(),
			type: optionalType(`${field}.type`, address.type),
		});
		if (!entry || Object.keys(entry).every((key) => key === 'type')) {
			throw new MessageValidationError(`${field}.street`, 'the address is empty: give at least a street, city or country');
		}
		return entry;
	});
	if (addresses.length) result.addresses = addresses;

	const urls = entries<Record<string, unknown>>(`${at}.urls`, contact.urls).map((url, i): ContactUrl => {
		const field = `${at}.urls[${i}]`;
		if (!isPlainObject(url)) throw new MessageValidationError(field, 'must be a URL entry');
		const address = optionalText(`${field}.url`, url.url, 2000)?.trim();
		if (address === undefined) throw new MessageValidationError(`${field}.url`, 'is required');
		return compact<ContactUrl>({ url: address, type: optionalType(`${field}.type`, url.type) })!;
	});
	if (urls.length) result.urls = urls;
	return result;
}

/** One or several contact cards. */
export function buildContacts(params: ContactsParams): ContactsMessage {
	const envelope = buildEnvelope(params);
	const contacts = listOf<ContactParams>('contacts', params.contacts);
	if (contacts.length === 0) throw new MessageValidationError('contacts', 'add at least one contact');
	if (contacts.length > MAX_CONTACTS) {
		throw new MessageValidationError('contacts', `has ${contacts.length} contacts; at most ${MAX_CONTACTS} fit in one message`);
	}
	return { ...envelope, type: 'contacts', contacts: contacts.map(buildContact) };
}
