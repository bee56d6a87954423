import { DAY_SECONDS, MetricsInputError, checkChoices, checkGranularity, parseCountryCodes, parsePhoneNumbers, resolveTimeRange, toUnixSeconds } from './timeRange';
import { followableNextUrl } from '../shared/paging';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0) / 1000;
const rules = { lookbackDays: 365, label: 'message analytics' };

function catchError(fn: () => unknown): MetricsInputError {
	try {
		fn();
	} catch (error) {
		return error as MetricsInputError;
	}
	throw new Error('expected a MetricsInputError');
}

describe('toUnixSeconds', () => {
	it('reads an n8n date without zone in the workflow time zone', () => {
		expect(toUnixSeconds('2026-11-01T00:00:00', 'UTC', 'Start')).toBe(Date.UTC(2026, 10, 1) / 1000);
		expect(toUnixSeconds('2026-11-01T00:00:00', 'Europe/Berlin', 'Start')).toBe(Date.UTC(2026, 9, 31, 23) / 1000);
		expect(toUnixSeconds('2026-07-01T00:00:00', 'Europe/Berlin', 'Start')).toBe(Date.UTC(2026, 5, 30, 22) / 1000);
	});

	it('reads an ISO date with a zone as that instant', () => {
		expect(toUnixSeconds('2026-11-01T00:00:00+02:00', 'UTC', 'Start')).toBe(Date.UTC(2026, 9, 31, 22) / 1000);
	});

	it('reads Unix seconds, milliseconds, Dates and Luxon DateTimes', () => {
		expect(toUnixSeconds(1_790_000_000, 'UTC', 'Start')).toBe(1_790_000_000);
		expect(toUnixSeconds('1790000000123', 'UTC', 'Start')).toBe(1_790_000_000);
		expect(toUnixSeconds(new Date(1_790_000_000_000), 'UTC', 'Start')).toBe(1_790_000_000);
		expect(toUnixSeconds({ toMillis: () => 1_790_000_000_500 }, 'UTC', 'Start')).toBe(1_790_000_000);
	});

	it('rejects text that is not a date, naming the field', () => {
		const error = catchError(() => toUnixSeconds('next tuesday', 'UTC', 'End'));
		expect(error.field).toBe('End');
		expect(error.message).toContain('next tuesday');
	});
});

describe('resolveTimeRange', () => {
	it('defaults to the 7 days before now', () => {
		expect(resolveTimeRange('', '', 'UTC', rules, NOW)).toEqual({ start: NOW - 7 * DAY_SECONDS, end: NOW });
	});

	it('rejects a start after the end', () => {
		expect(catchError(() => resolveTimeRange('2026-11-10T00:00:00Z', '2026-11-01T00:00:00Z', 'UTC', rules, NOW)).field).toBe('Start');
	});

	it('rejects a start beyond the lookback, naming the earliest allowed start', () => {
		const error = catchError(() =>
			resolveTimeRange('2025-11-01T00:00:00Z', '', 'UTC', rules, NOW),
		);
		expect(error.message).toContain('365 days');
		expect(error.description).toContain('2025-11-25T12:00:00.000Z');
	});

	it('accepts a start exactly at the lookback limit', () => {
		expect(resolveTimeRange(NOW - 365 * DAY_SECONDS, '', 'UTC', rules, NOW).start).toBe(NOW - 365 * DAY_SECONDS);
	});

	it('rejects a range longer than the endpoint takes in one call', () => {
		const error = catchError(() =>
			resolveTimeRange(NOW - 80 * DAY_SECONDS, NOW + 20 * DAY_SECONDS, 'UTC', { lookbackDays: 90, maxRangeDays: 90, label: 'template analytics' }, NOW),
		);
		expect(error.field).toBe('End');
	});
});

describe('granularity and filters', () => {
	it('accepts each endpoint\'s own spelling and rejects another endpoint\'s', () => {
		expect(checkGranularity('day', ['HALF_HOUR', 'DAY', 'MONTH'], 'message analytics')).toBe('DAY');
		const error = catchError(() => checkGranularity('DAILY', ['HALF_HOUR', 'DAY', 'MONTH'], 'message analytics'));
		expect(error.field).toBe('Granularity');
		expect(error.description).toContain('HALF_HOUR, DAY, MONTH');
	});

	it('upper-cases country codes and rejects anything but two letters', () => {
		expect(parseCountryCodes('us, de')).toEqual(['US', 'DE']);
		expect(catchError(() => parseCountryCodes('USA')).field).toEqual(['Options', 'Country Codes']);
	});

	it('keeps the digits of display phone numbers', () => {
		expect(parsePhoneNumbers('+1 555-010-0001, 15550100002')).toEqual(['15550100001', '15550100002']);
		expect(catchError(() => parsePhoneNumbers('abc')).field).toEqual(['Options', 'Phone Numbers']);
	});

	it('requires at least one metric', () => {
		expect(catchError(() => checkChoices([], ['COST'], 'Metrics', true)).message).toContain('at least one');
		expect(catchError(() => checkChoices(['CLICKS'], ['COST'], 'Metrics', true)).message).toContain('CLICKS');
	});
});

describe('followableNextUrl', () => {
	it('follows a next URL on the credential\'s host and drops the access token from it', () => {
		const next = followableNextUrl('https://graph.facebook.com/v26.0/1/template_analytics?after=X&access_token=SECRET', 'https://graph.facebook.com');
		expect(next).toBe('https://graph.facebook.com/v26.0/1/template_analytics?after=X');
	});

	it('does not follow a next URL to another host (the token would go with it)', () => {
		expect(followableNextUrl('https://evil.example/v26.0/1?after=X', 'https://graph.facebook.com')).toBeUndefined();
	});
});
