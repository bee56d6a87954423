/**
 * Meta's error envelope read as a GraphApiError, without HTTP: every documented error in test/contract/fixtures
 * (each names its Meta page, mostly https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes;
 * the envelope's fields: https://developers.facebook.com/docs/graph-api/guides/error-handling), then what is not one.
 */
import { findSecretLeaks } from '../../../test/harness/secrets';
import { requestFixtures, type JsonObject } from '../../../test/contract/fixtures';
import { errorFromResponse } from './envelope';
import type { WhatsAppCredentials } from './types';

const TOKEN = 'EAAGtest0accessTOKEN0123456789';
const APP_SECRET = 'testAppSecret0123456789abcdef';
const credentials = { accessToken: TOKEN, appId: '900000000000009', appSecret: APP_SECRET, apiVersion: 'v26.0', baseUrl: 'https://graph.facebook.com' } as WhatsAppCredentials;
const CALL = 'POST /1234567890/messages';

const documentedErrors = requestFixtures().filter((fixture) => fixture.name.startsWith('error-') && fixture.response?.body);

test('the fixtures hold Meta\'s documented errors to read', () => {
	expect(documentedErrors.length).toBeGreaterThanOrEqual(20);
});

describe.each(documentedErrors.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
	test('is read with Meta\'s message, type, code, details, trace ID and HTTP status', () => {
		const status = fixture.response!.status ?? 400;
		const envelope = (fixture.response!.body as { error: JsonObject }).error;
		const errorData = envelope.error_data as { details?: string } | string | undefined;
		const error = errorFromResponse(status, JSON.stringify(fixture.response!.body), {}, CALL, credentials);
		expect({
			message: error.message,
			type: error.type,
			code: error.code,
			subcode: error.subcode,
			details: error.details,
			fbtraceId: error.fbtraceId,
			httpStatus: error.httpStatus,
			request: error.request,
		}).toEqual({
			message: envelope.message,
			type: envelope.type,
			code: envelope.code,
			subcode: envelope.error_subcode ?? undefined,
			details: (typeof errorData === 'string' ? errorData : errorData?.details) ?? envelope.error_user_msg ?? undefined,
			fbtraceId: envelope.fbtrace_id,
			httpStatus: status,
			request: CALL,
		});
	});
});

test('an answer that is not Meta\'s envelope says so, with the start of its text, redacted, in at most 200 characters', () => {
	const page = `<html><body>Bad gateway for ${TOKEN} ${'x'.repeat(400)}</body></html>`;
	const error = errorFromResponse(502, page, {}, CALL, credentials);
	expect(error.message.startsWith("The Graph API answered HTTP 502 without Meta's error details: <html><body>Bad gateway for ")).toBe(true);
	expect(error.message.length).toBeLessThanOrEqual("The Graph API answered HTTP 502 without Meta's error details: ".length + 200);
	expect({ code: error.code, httpStatus: error.httpStatus, errorClass: error.errorClass }).toEqual({ code: undefined, httpStatus: 502, errorClass: 'transient' });
	expect(findSecretLeaks(error, { accessToken: TOKEN, appSecret: APP_SECRET })).toEqual([]);
});

test('an empty answer without an envelope gives no snippet', () => {
	expect(errorFromResponse(404, '', {}, CALL, credentials).message).toBe("The Graph API answered HTTP 404 without Meta's error details");
});

test('codes sent as text are read as numbers; anything else is no code', () => {
	const read = (code: unknown, subcode: unknown) => errorFromResponse(400, JSON.stringify({ error: { message: 'm', code, error_subcode: subcode } }), {}, CALL, credentials);
	expect({ code: read('131056', ' 2494010 ').code, subcode: read('131056', ' 2494010 ').subcode }).toEqual({ code: 131056, subcode: 2494010 });
	expect({ code: read('abc', 1.5).code, subcode: read('abc', 1.5).subcode }).toEqual({ code: undefined, subcode: undefined });
});

test('details come from error_data (text or its details), else error_user_msg', () => {
	const details = (error: JsonObject) => errorFromResponse(400, JSON.stringify({ error: { message: 'm', code: 100, ...error } }), {}, CALL, credentials).details;
	expect(details({ error_data: 'as text' })).toBe('as text');
	expect(details({ error_data: { details: 'inside' }, error_user_msg: 'user' })).toBe('inside');
	expect(details({ error_data: { other: 1 }, error_user_msg: 'for the user' })).toBe('for the user');
	expect(details({})).toBeUndefined();
});

test('an envelope without a message is named by its code', () => {
	expect(errorFromResponse(400, JSON.stringify({ error: { code: 131000 } }), {}, CALL, credentials).message).toBe('Graph API error 131000');
	expect(errorFromResponse(400, JSON.stringify({ error: {} }), {}, CALL, credentials).message).toBe('Graph API error');
});

test('a secret an envelope echoes is redacted from every field', () => {
	const body = {
		error: {
			message: `Failure for ${TOKEN}`,
			type: `OAuthException ${APP_SECRET}`,
			code: 190,
			error_data: { details: `see ?access_token=${TOKEN}` },
			fbtrace_id: `trace-${TOKEN}`,
		},
	};
	expect(findSecretLeaks(errorFromResponse(401, JSON.stringify(body), {}, CALL, credentials), { accessToken: TOKEN, appSecret: APP_SECRET })).toEqual([]);
});
