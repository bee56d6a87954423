import { redactDeep, redactSecrets } from './redact';
import { parseUsageHeaders } from './usage';
import { classifyGraphError } from './errors';

const credentials = { accessToken: 'EAAGredact0TOKEN0123456789', appId: '900000000000001', appSecret: 'redactSecret0123456789' };

describe('redactSecrets', () => {
	test('removes the access token wherever it appears', () => {
		expect(redactSecrets(`a ${credentials.accessToken} b ${credentials.accessToken}`, credentials)).toBe('a [redacted] b [redacted]');
	});

	test('removes the app token whole, not leaving the app id next to a redacted secret', () => {
		expect(redactSecrets(`token=${credentials.appId}|${credentials.appSecret}`, credentials)).toBe('token=[redacted]');
	});

	test('removes the URL-encoded app token', () => {
		const encoded = encodeURIComponent(`${credentials.appId}|${credentials.appSecret}`);
		expect(redactSecrets(`/x?t=${encoded}`, credentials)).not.toContain(credentials.appSecret);
	});

	test('removes access_token, client_secret and appsecret_proof query values of any credential', () => {
		const text = 'https://g/x?access_token=abc123def&client_secret=zzz999&appsecret_proof=ffff0000&fields=id';
		expect(redactSecrets(text)).toBe('https://g/x?access_token=[redacted]&client_secret=[redacted]&appsecret_proof=[redacted]&fields=id');
	});

	test('removes a Bearer header value', () => {
		expect(redactSecrets('Authorization: Bearer someOtherToken123456')).toBe('Authorization: Bearer [redacted]');
	});

	test('removes any Meta user token (EAA…) even of another credential', () => {
		expect(redactSecrets('token EAAB1234567890abcdefghijKLMN was bad')).toBe('token [redacted] was bad');
	});

	test('leaves ordinary text alone, including a too-short "secret"', () => {
		expect(redactSecrets('Message failed to send', { accessToken: 'abc' })).toBe('Message failed to send');
	});

	test('redactDeep redacts every string in nested objects and arrays without changing the input', () => {
		const input = { a: [`x ${credentials.accessToken}`], b: { c: credentials.appSecret, n: 1 } };
		expect(redactDeep(input, credentials)).toEqual({ a: ['x [redacted]'], b: { c: '[redacted]', n: 1 } });
		expect(input.b.c).toBe(credentials.appSecret);
	});
});

describe('parseUsageHeaders', () => {
	test('reads headers in any case and takes the longest wait across accounts', () => {
		const usage = parseUsageHeaders({
			'x-business-use-case-usage': JSON.stringify({
				'1': [{ type: 'a', call_count: 50, estimated_time_to_regain_access: 3 }],
				'2': [{ type: 'b', call_count: 100, estimated_time_to_regain_access: 12 }],
			}),
		});
		expect(usage.estimatedTimeToRegainAccessMinutes).toBe(12);
		expect(Object.keys(usage.businessUseCaseUsage ?? {})).toEqual(['1', '2']);
	});

	test('gives an empty usage for no headers', () => {
		expect(parseUsageHeaders(undefined)).toEqual({});
	});
});

describe('classifyGraphError', () => {
	test('an HTTP 429 without a Meta code (a proxy) is transient, not throttled', () => {
		expect(classifyGraphError({ httpStatus: 429 })).toBe('transient');
	});

	test('bad input is permanent whatever else is set', () => {
		expect(classifyGraphError({ invalidInput: true, httpStatus: 503 })).toBe('permanent');
	});

	test('a network failure before sending is transient, after sending ambiguous', () => {
		expect(classifyGraphError({ networkCode: 'ECONNRESET', sendStage: 'beforeSent' })).toBe('transient');
		expect(classifyGraphError({ networkCode: 'ECONNRESET', sendStage: 'mayHaveBeenSent' })).toBe('ambiguous');
	});
});
