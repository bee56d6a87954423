/**
 * Time ranges, granularities and lookback limits for the analytics calls. Pure: no network, no n8n.
 */
import { FieldError } from '../shared/fieldError';

export const DAY_SECONDS = 24 * 60 * 60;

/**
 * A check that failed: `field` is the display name (nested fields as a list), `problem` what is wrong with it,
 * phrased to follow the field's name (`"Start" is more than 90 days ago…`). The node adds the item.
 */
export class MetricsInputError extends FieldError {}

/** Offset of `timeZone` from UTC at the instant `utcMs`, in ms (e.g. +3,600,000 for Europe/Berlin in winter). */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(utcMs / 1000) * 1000;
}

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * An n8n date field as Unix seconds. n8n gives `2026-11-01T00:00:00` (no zone: the workflow's time zone), an ISO
 * string with a zone, a Luxon DateTime or Date from an expression, or a number (Unix seconds or ms).
 */
export function toUnixSeconds(value: unknown, timeZone: string, field: string): number {
	if (value instanceof Date) return Math.floor(value.getTime() / 1000);
	if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		return Math.floor((value as { toMillis: () => number }).toMillis() / 1000);
	}
	if (typeof value === 'number' || (typeof value === 'string' && /^\d{9,13}$/.test(value.trim()))) {
		const n = Number(value);
		// 13 digits are milliseconds (n8n's $now.toMillis()), fewer are seconds.
		return Math.floor(n > 1e11 ? n / 1000 : n);
	}
	const text = String(value ?? '').trim();
	const local = LOCAL.exec(text);
	if (local && !ZONED.test(text)) {
		const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = local;
		const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'));
		let utc = wall - zoneOffsetMs(wall, timeZone);
		// Second pass handles a daylight-saving change between the guess and the answer.
		utc = wall - zoneOffsetMs(utc, timeZone);
		return Math.floor(utc / 1000);
	}
	const parsed = Date.parse(text);
	if (!text || Number.isNaN(parsed)) {
		throw new MetricsInputError(
			field,
			`is "${text.slice(0, 40)}", which is not a date`,
			'Pick a date in the field, or give an ISO date such as 2026-11-01T00:00:00Z or Unix seconds.',
		);
	}
	return Math.floor(parsed / 1000);
}

export function isoFromUnix(seconds: number): string {
	return new Date(seconds * 1000).toISOString();
}

export interface TimeRangeRules {
	/** How far back Meta keeps this data, in days. */
	lookbackDays: number;
	/** Longest range in one call, in days (template analytics: 90). */
	maxRangeDays?: number;
	/** Name used in errors, e.g. "Message analytics". */
	label: string;
}

export interface TimeRange {
	start: number;
	end: number;
}

/** Start/end as Unix seconds, checked: start before end, within Meta's lookback. Empty start = 7 days before end. */
export function resolveTimeRange(
	startValue: unknown,
	endValue: unknown,
	timeZone: string,
	rules: TimeRangeRules,
	nowSeconds: number,
): TimeRange {
	const empty = (value: unknown) => value === undefined || value === null || value === '';
	const end = empty(endValue) ? nowSeconds : toUnixSeconds(endValue, timeZone, 'End');
	const start = empty(startValue) ? end - 7 * DAY_SECONDS : toUnixSeconds(startValue, timeZone, 'Start');
	if (start >= end) {
		throw new MetricsInputError('Start', `(${isoFromUnix(start)}) must be before End (${isoFromUnix(end)})`);
	}
	const earliest = nowSeconds - rules.lookbackDays * DAY_SECONDS;
	if (start < earliest) {
		throw new MetricsInputError(
			'Start',
			`(${isoFromUnix(start)}) is more than ${rules.lookbackDays} days ago: ${rules.label} go back ${rules.lookbackDays} days at most`,
			`Pick a start on or after ${isoFromUnix(earliest)}.`,
		);
	}
	if (rules.maxRangeDays && end - start > rules.maxRangeDays * DAY_SECONDS) {
		throw new MetricsInputError(
			'End',
			`(${isoFromUnix(end)}) is more than ${rules.maxRangeDays} days after Start (${isoFromUnix(start)}): ${rules.label} cover ${rules.maxRangeDays} days at most in one call`,
		);
	}
	return { start, end };
}

/** Granularity must be one the endpoint knows (each endpoint spells them its own way). */
export function checkGranularity(value: unknown, allowed: readonly string[], label: string): string {
	const text = String(value ?? '').trim().toUpperCase();
	if (!allowed.includes(text)) {
		throw new MetricsInputError(
			'Granularity',
			`is "${String(value ?? '')}", which is not available for ${label}`,
			`Use one of: ${allowed.join(', ')}.`,
		);
	}
	return text;
}

/** A multi-choice field's values, each one the endpoint knows; `atLeastOne` for metric lists. */
export function checkChoices(value: unknown, allowed: readonly string[], field: string, atLeastOne: boolean): string[] {
	const list = listFrom(value).map((v) => v.toUpperCase());
	const bad = list.find((v) => !allowed.includes(v));
	if (bad) throw new MetricsInputError(field, `has "${bad}", which is not one of ${allowed.join(', ')}`);
	if (atLeastOne && list.length === 0) throw new MetricsInputError(field, 'is empty: choose at least one');
	return list;
}

/** Country codes as Meta wants them: two letters, upper case. */
export function parseCountryCodes(value: unknown): string[] {
	const codes = listFrom(value).map((code) => code.toUpperCase());
	const bad = codes.find((code) => !/^[A-Z]{2}$/.test(code));
	if (bad) {
		throw new MetricsInputError(
			['Options', 'Country Codes'],
			`has "${bad}", which is not a two-letter country code`,
			'Use ISO 3166 codes such as US, DE, BR, separated by commas.',
		);
	}
	return codes;
}

/** Phone numbers for analytics filters: Meta matches the display number's digits (e.g. 16505550111). */
export function parsePhoneNumbers(value: unknown): string[] {
	const numbers = listFrom(value).map((number) => number.replace(/[\s\-().+]/g, ''));
	const bad = numbers.find((number) => !/^\d{6,16}$/.test(number));
	if (bad) {
		throw new MetricsInputError(
			['Options', 'Phone Numbers'],
			`has "${bad}", which is not a phone number`,
			'Give the display phone numbers of your business (digits with country code, e.g. 16505550111), separated by commas.',
		);
	}
	return numbers;
}

function listFrom(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,;\n]/);
	return parts.map((part) => part.trim()).filter(Boolean);
}

/** Meta's numbers arrive as numbers or numeric strings; keep absent metrics as null so columns stay aligned. */
export function toNumber(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	const n = Number(value);
	return Number.isFinite(n) ? n : null;
}

/** The common columns of every data point. */
export function timeColumns(start: unknown, end: unknown): { start: string | null; end: string | null; startUnix: number | null; endUnix: number | null } {
	const startUnix = toNumber(start);
	const endUnix = toNumber(end);
	return {
		start: startUnix === null ? null : isoFromUnix(startUnix),
		end: endUnix === null ? null : isoFromUnix(endUnix),
		startUnix,
		endUnix,
	};
}
