/**
 * The version table against Meta's changelog, and what the pack says of a version as its end comes, under a fake
 * clock. Dates: https://developers.facebook.com/docs/graph-api/changelog ("Available Graph API Versions").
 */
import {
	apiVersionState,
	apiVersionWarning,
	GRAPH_API_VERSION_TABLE,
	oldestLiveVersion,
	resolveApiVersion,
} from './apiVersions';

const at = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);
const DAY = 86_400_000;

describe('the Graph API version table', () => {
	test('lists v26.0 to v21.0, newest first, with the end dates Meta announced', () => {
		expect(GRAPH_API_VERSION_TABLE).toEqual([
			{ version: 'v26.0' },
			{ version: 'v25.0', endsOn: '2028-07-29' },
			{ version: 'v24.0', endsOn: '2028-02-18' },
			{ version: 'v23.0', endsOn: '2027-10-08' },
			{ version: 'v22.0', endsOn: '2027-05-20' },
			{ version: 'v21.0', endsOn: '2027-01-21' },
		]);
	});

	test('Newest (and a never-edited, empty field) resolves to the newest version of the table; an explicit version stays', () => {
		expect(resolveApiVersion('newest')).toBe('v26.0');
		expect(resolveApiVersion('')).toBe('v26.0');
		expect(resolveApiVersion(undefined)).toBe('v26.0');
		expect(resolveApiVersion('v22.0')).toBe('v22.0');
		expect(resolveApiVersion(' v23.0 ')).toBe('v23.0');
	});

	test('the oldest version Meta still serves moves on as versions end', () => {
		expect(oldestLiveVersion(at('2026-12-04'))).toBe('v21.0');
		expect(oldestLiveVersion(at('2027-01-21'))).toBe('v22.0');
		expect(oldestLiveVersion(at('2028-07-29'))).toBe('v26.0');
	});
});

describe('a version as its end comes (v21.0 ends on 2027-01-21)', () => {
	const end = at('2027-01-21');

	test('more than 90 days before its end there is nothing to say', () => {
		const state = apiVersionState('v21.0', end - 91 * DAY);
		expect(state).toEqual({ kind: 'supported', version: 'v21.0' });
		expect(apiVersionWarning(state)).toBeUndefined();
	});

	test('90 days before its end the warning names the version, the date and the days left, and what to choose', () => {
		const state = apiVersionState('v21.0', end - 90 * DAY);
		expect(state).toEqual({ kind: 'endingSoon', version: 'v21.0', endsOn: '2027-01-21', daysLeft: 90 });
		const warning = apiVersionWarning(state)!;
		expect(warning).toContain('Meta ends Graph API v21.0 on 2027-01-21 (in 90 days)');
		expect(warning).toContain('the oldest version it still serves');
		expect(warning).toContain('Newest (Recommended)');
	});

	test('the day before, one day is left', () => {
		expect(apiVersionWarning(apiVersionState('v21.0', end - DAY))).toContain('(in 1 day)');
	});

	test('on the day of its end it has ended, and Meta serves the oldest live version (v22.0) instead', () => {
		const state = apiVersionState('v21.0', end);
		expect(state).toEqual({ kind: 'ended', version: 'v21.0', endsOn: '2027-01-21', servedAs: 'v22.0' });
		expect(apiVersionWarning(state)).toBe(
			'Meta ended Graph API v21.0 on 2027-01-21: it now answers calls to it with the oldest version it still serves (v22.0), which may behave differently. Choose "Newest (Recommended)" (or a newer version) as the Graph API Version of the "WhatsApp Cloud Nodes API" credential.',
		);
	});

	test('long after its end, the version Meta serves instead is the oldest still live then', () => {
		expect(apiVersionState('v21.0', at('2027-06-01'))).toMatchObject({ kind: 'ended', servedAs: 'v23.0' });
	});

	test('Newest is never ending while Meta has not announced its end', () => {
		expect(apiVersionState('newest', at('2030-01-01'))).toEqual({ kind: 'supported', version: 'v26.0' });
	});

	test('a version outside the table (older, or newer than this package) gets no warning', () => {
		expect(apiVersionWarning(apiVersionState('v20.0', at('2026-12-04')))).toBeUndefined();
		expect(apiVersionWarning(apiVersionState('v27.0', at('2026-12-04')))).toBeUndefined();
	});
});
