import { MessageValidationError } from './errors';

/**
 * A business-scoped user ID: a two-letter country code, a dot, then up to 128 letters and digits (`US.1349…`); a
 * parent BSUID, shared by the businesses of a portfolio, has `ENT.` after the country code (`US.ENT.1181…`).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/** True for a business-scoped user ID or a parent BSUID, which Meta takes in `recipient` rather than `to`. */
export function isBusinessScopedUserId(value: string): boolean {
	return BSUID.test(value);
}

const EXPECTED = 'a phone number in international format (e.g. +16505551234) or a business-scoped user ID (e.g. US.13491208655302741918)';

/**
 * Turns what people paste ("+1 (650) 555-1234", "0044 20 7946 0958", "+44 (0)20 7946 0958") into the digits Meta
 * expects (E.164 without the plus); a WhatsApp ID (digits) passes unchanged. A business-scoped user ID (or parent
 * BSUID) is returned exactly as given, since Meta matches it character for character.
 */
export function normalizeRecipient(input: unknown, field = 'to'): string {
	if (typeof input === 'number' && Number.isSafeInteger(input) && input > 0) input = String(input);
	if (typeof input !== 'string') throw new MessageValidationError(field, `must be ${EXPECTED}`);
	const trimmed = input.trim();
	if (trimmed === '') throw new MessageValidationError(field, `is empty: give ${EXPECTED}`);
	if (isBusinessScopedUserId(trimmed)) return trimmed;
	const shown = JSON.stringify(trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed);
	if (trimmed.startsWith('@')) {
		throw new MessageValidationError(
			field,
			`${shown} is a WhatsApp username, which cannot be messaged: use the user's business-scoped user ID (the WhatsApp Cloud Trigger gives it as replyTo)`,
		);
	}
	if (/^[A-Za-z]{2}\./.test(trimmed)) {
		throw new MessageValidationError(
			field,
			`${shown} is not a business-scoped user ID: that is two capital letters, a dot, then up to 128 letters and digits (e.g. US.13491208655302741918, or US.ENT.11815799212886844830 for a parent ID); copy it exactly as the WhatsApp Cloud Trigger gave it`,
		);
	}
	if (!/^\+?[0-9\s\-.()\u00a0]+$/.test(trimmed)) {
		throw new MessageValidationError(
			field,
			`${shown} is not a phone number: use digits with an optional leading + or 00, and spaces, dashes, dots or brackets between them (or a business-scoped user ID such as US.13491208655302741918)`,
		);
	}
	const international = trimmed.startsWith('+') || /^[\s(]*00/.test(trimmed);
	// "+44 (0)20…": the bracketed trunk zero is dialled only inside the country.
	let digits = (international ? trimmed.replace(/\(\s*0\s*\)/g, '') : trimmed).replace(/[^0-9]/g, '');
	if (!trimmed.startsWith('+') && digits.startsWith('00')) digits = digits.slice(2);
	if (digits.startsWith('0')) {
		throw new MessageValidationError(
			field,
			`${shown} starts with a 0 after the country prefix: give the number with its country code, e.g. +44 20 7946 0958 instead of 020 7946 0958`,
		);
	}
	if (digits.length < 8 || digits.length > 15) {
		throw new MessageValidationError(
			field,
			`${shown} has ${digits.length} digits; an international phone number with country code has 8 to 15`,
		);
	}
	return digits;
}
