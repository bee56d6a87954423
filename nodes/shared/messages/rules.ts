import { MessageValidationError } from './errors';

/** Character count as WhatsApp counts it: Unicode code points, so an emoji outside the BMP counts once. */
export function charCount(text: string): number {
	let count = 0;
	for (let i = 0; i < text.length; i++, count++) {
		const unit = text.charCodeAt(i);
		// A high surrogate followed by a low one is a single code point.
		if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) i++;
		}
	}
	return count;
}

/** JSON.parse without throwing: undefined when the text is not JSON. */
export function parseJsonOrUndefined(text: string): { value: unknown } | undefined {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch {
		return undefined;
	}
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : typeof value;
}

/** A string that is given (not undefined/null/empty after trimming) or undefined. Non-strings are an error. */
export function optionalText(field: string, value: unknown, maxChars?: number): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
	if (typeof value !== 'string') {
		throw new MessageValidationError(field, `must be text, got ${describe(value)}`);
	}
	if (value.trim() === '') return undefined;
	if (maxChars !== undefined && charCount(value) > maxChars) {
		throw new MessageValidationError(field, `is ${charCount(value)} characters long; WhatsApp allows at most ${maxChars}`);
	}
	return value;
}

export function requiredText(field: string, value: unknown, maxChars?: number): string {
	const text = optionalText(field, value, maxChars);
	if (text === undefined) throw new MessageValidationError(field, 'is required and cannot be empty');
	return text;
}

/** An identifier Meta echoes back (IDs of media, messages, buttons): no surrounding whitespace allowed. */
export function requiredId(field: string, value: unknown, maxChars?: number): string {
	const text = requiredText(field, value, maxChars);
	if (text !== text.trim()) throw new MessageValidationError(field, 'must not start or end with spaces');
	return text;
}

export function optionalNumber(field: string, value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const number = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) {
		throw new MessageValidationError(field, `must be a number, got ${JSON.stringify(value)?.slice(0, 40) ?? describe(value)}`);
	}
	return number;
}

export function requiredNumber(field: string, value: unknown): number {
	const number = optionalNumber(field, value);
	if (number === undefined) throw new MessageValidationError(field, 'is required');
	return number;
}

export function numberInRange(field: string, value: unknown, min: number, max: number): number {
	const number = requiredNumber(field, value);
	if (number < min || number > max) {
		throw new MessageValidationError(field, `must be between ${min} and ${max}, got ${number}`);
	}
	return number;
}

export function optionalBoolean(field: string, value: unknown): boolean | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'boolean') return value;
	if (value === 'true') return true;
	if (value === 'false') return false;
	throw new MessageValidationError(field, `must be true or false, got ${describe(value)}`);
}

/** An absolute http(s) URL, as Meta requires for media links and CTA buttons. */
export function requiredUrl(field: string, value: unknown, maxChars = 2000): string {
	const text = requiredText(field, value, maxChars).trim();
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url) {
		throw new MessageValidationError(field, `"${text.slice(0, 60)}" is not a URL; expected e.g. https://example.com/file.pdf`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new MessageValidationError(field, `must start with https:// (or http://), got ${url.protocol}`);
	}
	// The host must start with a letter or digit: "https://.example" or "https:///x" are not addresses.
	if (!url.hostname || /\s/.test(text) || !/^https?:\/\/[^\s/$.?#]/i.test(text)) {
		throw new MessageValidationError(field, `"${text.slice(0, 60)}" is not a valid web address`);
	}
	return text;
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
	throw new MessageValidationError(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)?.slice(0, 40)}`);
}

export function requireUnique(fieldOf: (index: number) => string, values: string[], what: string): void {
	const seen = new Map<string, number>();
	values.forEach((value, index) => {
		const first = seen.get(value);
		if (first !== undefined) {
			throw new MessageValidationError(fieldOf(index), `${what} "${value}" is used twice (also at position ${first + 1}); each must be unique`);
		}
		seen.set(value, index);
	});
}

export function listOf<T>(field: string, value: unknown): T[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw new MessageValidationError(field, `must be a list, got ${describe(value)}`);
	return value as T[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
