/** Meta's records as an event's own flat fields, in the user's words: names, timestamps, errors, hashes. */
import type { WebhookError, WhatsAppEvent } from '../types';
import { EVENT_KEY_RENAMES, KEY_RENAMES, ownValue } from './names';

export function camelCase(key: string): string {
	return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `timestamp` (ISO 8601) and `timestampUnix`; false when the value is not Unix seconds. */
export function setTimestamp(event: WhatsAppEvent, unixSeconds: unknown): boolean {
	const seconds = typeof unixSeconds === 'string' && unixSeconds.trim() !== '' ? Number(unixSeconds) : unixSeconds;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return false;
	const date = new Date(seconds * 1000);
	if (Number.isNaN(date.getTime())) return false;
	event.timestamp = date.toISOString();
	event.timestampUnix = seconds;
	return true;
}

export function setDefined(target: Record<string, unknown>, key: string, value: unknown): void {
	if (value !== undefined) target[key] = value;
}

/**
 * Keys of one of Meta's records that the pack has no name for, as `name(key)` on the event (a field Meta adds later
 * reaches the user instead of being lost); a name the event already holds is left as it is.
 */
export function passThrough(event: WhatsAppEvent, record: Record<string, unknown>, known: ReadonlySet<string>, name: (key: string) => string = camelCase): void {
	for (const [key, value] of Object.entries(record)) {
		if (known.has(key) || value === undefined) continue;
		const target = name(key);
		if (Object.hasOwn(event, target)) continue;
		// A name every object inherits (`constructor`, `toString`…) would shadow it: suffixed, as genericFields does.
		event[target in event ? `${target}Value` : target] = value;
	}
}

/** A string with something in it (Meta may send `""` where it withholds a phone number). */
export function nonEmpty(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

export function addErrors(target: Record<string, unknown>, errors: WebhookError[] | undefined): void {
	if (!Array.isArray(errors) || errors.length === 0) return;
	const first = errors[0] ?? {};
	setDefined(target, 'errorCode', first.code);
	setDefined(target, 'errorTitle', first.title);
	setDefined(target, 'errorMessage', first.message);
	setDefined(target, 'errorDetails', first.error_data?.details);
	setDefined(target, 'errorHref', first.href);
	if (errors.length > 1) target.errors = errors;
}

/**
 * Meta's webhooks carry a media file's SHA-256 in base64, while `GET /{media-id}` (and the WhatsApp Media node) give
 * it in hex: output hex so both can be compared as they are. A value that is neither is kept as Meta sent it.
 */
export function sha256AsHex(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
	if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return value;
	const digest = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	return digest.length === 32 ? digest.toString('hex') : value;
}

export function parseJsonOrKeep(text: string | undefined): unknown {
	if (typeof text !== 'string') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** Keys in camelCase all the way down (`added_participants: [{wa_id}]` → `addedParticipants: [{waId}]`). */
function camelKeys(value: unknown, name: (key: string) => string = camelCase): unknown {
	if (Array.isArray(value)) return value.map((item) => camelKeys(item, name));
	if (!isObject(value)) return value;
	return Object.fromEntries(Object.entries(value).map(([key, inner]) => [name(key), camelKeys(inner, name)]));
}

/**
 * One record's keys as the event's own fields, in the user's words: `renames` first, else camelCase; an object is
 * spread one level (`session: {sdp_type}` → `sessionSdpType`); `timestamp` becomes ISO 8601 plus Unix seconds.
 */
export function recordFields(record: Record<string, unknown>, event: WhatsAppEvent, renames: Record<string, string>): void {
	const put = (key: string, value: unknown) => {
		let name = ownValue(renames, key) ?? camelCase(key);
		if (name in event) name = `${name}Value`;
		event[name] = camelKeys(value);
	};
	for (const [key, value] of Object.entries(record)) {
		if (value === undefined) continue;
		if (key === 'timestamp' && setTimestamp(event, value)) continue;
		if (isObject(value)) for (const [inner, innerValue] of Object.entries(value)) put(`${key}_${inner}`, innerValue);
		else put(key, value);
	}
}

/** Meta's keys in a template's buttons, without their `message_template_button_` prefix (`type`, `text`, `url`…). */
function templateButtonKey(key: string): string {
	return camelCase(key.replace(/^message_template_button_/, ''));
}

/** Top-level keys of a non-message field's value, renamed in the user's words; nested objects kept as they are. */
export function genericFields(field: string, value: Record<string, unknown>, event: WhatsAppEvent): void {
	for (const [key, fieldValue] of Object.entries(value)) {
		if (key === 'metadata' || key === 'messaging_product') continue;
		let name: string;
		if (key === 'event') name = ownValue(EVENT_KEY_RENAMES, field) ?? 'updateEvent';
		else name = ownValue(KEY_RENAMES, key) ?? camelCase(key);
		// Never let Meta's keys overwrite the item's own metadata (`event`, `field`, `wabaId`…) nor shadow `toString`….
		if (name in event) name = `${name}Value`;
		event[name] = key === 'message_template_buttons' ? camelKeys(fieldValue, templateButtonKey) : fieldValue;
	}
}
