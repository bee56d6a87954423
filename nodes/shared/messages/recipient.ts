import { MessageValidationError } from './errors';

/** A business-scoped user ID: two-letter country code, a dot, then an opaque alphanumeric string. */
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;

/** True for a business-scoped user ID (`US.1349…`), which this version cannot send to (see normalizeRecipient). */
export function isBusinessScopedUserId(value: string): boolean {
	return BSUID.test(value);
}

/**
 * Turns what people paste ("+1 (650) 555-1234", "0044 20 7946 0958", "+44 (0)20 7946 0958") into the digits Meta
 * expects (E.164 without the plus); a WhatsApp ID (digits) passes unchanged. Business-scoped user IDs are refused
 * with a clear message: the send endpoint documented in CLOUD_API.md takes phone numbers only.
 */
export function normalizeRecipient(input: unknown, field = 'to'): string {
	if (typeof input === 'number' && Number.isSafeInteger(input) && input > 0) input = String(input);
	if (typeof input !== 'string') {
		throw new MessageValidationError(field, 'must be a phone number in international format, e.g. +16505551234');
	}
	const trimmed = input.trim();
	if (trimmed === '') {
		throw new MessageValidationError(field, 'is empty: give the phone number in international format, e.g. +16505551234');
	}
	if (isBusinessScopedUserId(trimmed)) {
		throw new MessageValidationError(
			field,
			`"${trimmed.slice(0, 40)}" is a business-scoped user ID; this node sends to phone numbers (or WhatsApp IDs) only: use the user's phone number`,
		);
	}
	const shown = JSON.stringify(trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed);
	if (!/^\+?[0-9\s\-.()\u00a0]+$/.test(trimmed)) {
		throw new MessageValidationError(
			field,
			`${shown} is not a phone number: use digits with an optional leading + or 00, and spaces, dashes, dots or brackets between them`,
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
