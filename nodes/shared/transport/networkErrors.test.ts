/** A call without an answer, read without a network: where it failed decides whether it may have reached Meta. */
import { findSecretLeaks } from '../../../test/harness/secrets';
import { EgressRefusedError } from './egress';
import { errorFromNetwork } from './networkErrors';
import type { WhatsAppCredentials } from './types';

const TOKEN = 'EAAGtest0accessTOKEN0123456789';
const credentials = { accessToken: TOKEN, apiVersion: 'v26.0', baseUrl: 'https://graph.facebook.com' } as WhatsAppCredentials;
const CALL = 'POST /1234567890/messages';
const ORIGIN = 'https://graph.facebook.com';
const before = { connected: false };
const after = { connected: true };

function coded(code: string, message = `boom ${code}`): Error {
	return Object.assign(new Error(message), { code });
}

test('a refused connection is transient and nothing was sent', () => {
	const error = errorFromNetwork(coded('ECONNREFUSED'), undefined, before, CALL, ORIGIN, credentials);
	expect({ message: error.message, networkCode: error.networkCode, sendStage: error.sendStage, errorClass: error.errorClass }).toEqual({
		message: `Could not reach ${ORIGIN}: the connection was refused (${CALL}); nothing was sent`,
		networkCode: 'ECONNREFUSED',
		sendStage: 'beforeSent',
		errorClass: 'transient',
	});
});

test('a reset after the connection was up is ambiguous: the request may have been processed', () => {
	const error = errorFromNetwork(coded('ECONNRESET'), undefined, after, CALL, ORIGIN, credentials);
	expect({ message: error.message, sendStage: error.sendStage, errorClass: error.errorClass }).toEqual({
		message: `Connection to ${ORIGIN} failed after the request was sent: the connection was reset (${CALL}); it may have been processed`,
		sendStage: 'mayHaveBeenSent',
		errorClass: 'ambiguous',
	});
});

test('a timeout says whether the connection was ever made', () => {
	const connecting = errorFromNetwork(new Error('The call took longer than its timeout'), 30_000, before, CALL, ORIGIN, credentials);
	const waiting = errorFromNetwork(new Error('The call took longer than its timeout'), 30_000, after, CALL, ORIGIN, credentials);
	expect([connecting.message, connecting.networkCode, connecting.errorClass]).toEqual([`Could not connect to ${ORIGIN} within 30 s (${CALL})`, 'ETIMEDOUT', 'transient']);
	expect([waiting.message, waiting.networkCode, waiting.errorClass]).toEqual([
		`No answer from the Graph API within 30 s (${CALL}); it may have been processed`,
		'ETIMEDOUT',
		'ambiguous',
	]);
});

test('a connection our egress rules refused is final: nothing was sent and retrying cannot help', () => {
	const refusal = new EgressRefusedError('10.0.0.1 is a private address');
	const error = errorFromNetwork(Object.assign(new Error('wrapped'), { code: 'ERR_EGRESS', cause: refusal }), undefined, before, CALL, ORIGIN, credentials);
	expect([error.message, error.invalidInput, error.errorClass]).toEqual([`Nothing was sent (${CALL}): 10.0.0.1 is a private address`, true, 'permanent']);
});

test('axios refusing the call itself (a body over the limit) is not a network failure', () => {
	const error = errorFromNetwork(coded('ERR_BAD_RESPONSE', 'maxContentLength size of 125829120 exceeded'), undefined, after, CALL, ORIGIN, credentials);
	expect([error.message, error.invalidInput, error.networkCode, error.errorClass]).toEqual([
		`${CALL} failed: maxContentLength size of 125829120 exceeded`,
		true,
		undefined,
		'permanent',
	]);
});

test('an unknown code is named; a failure without one is ENETWORK', () => {
	expect(errorFromNetwork(coded('EWEIRD'), undefined, before, CALL, ORIGIN, credentials).message).toContain(': network error EWEIRD (');
	expect(errorFromNetwork(new Error('no code'), undefined, before, CALL, ORIGIN, credentials).networkCode).toBe('ENETWORK');
});

test('only the code is copied: the failing request\'s headers, token included, never reach the error', () => {
	const axiosLike = Object.assign(new Error(`socket hang up ${TOKEN}`), {
		code: 'ECONNRESET',
		config: { headers: { Authorization: `Bearer ${TOKEN}` } },
		request: { _header: `POST / HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}` },
	});
	expect(findSecretLeaks(errorFromNetwork(axiosLike, undefined, after, CALL, ORIGIN, credentials), { accessToken: TOKEN })).toEqual([]);
});
