/** The credential fields a call needs, checked before anything is sent: each refusal names the field and what to put. */
import { assertSecrets, assertUsableCredentials, checkedApiVersion, normaliseBaseUrl } from './credentialCheck';
import { NEWEST_API_VERSION, resolveApiVersion } from './apiVersions';
import { isGraphApiError } from './errors';
import type { WhatsAppCredentials } from './types';

/** The refusal's text, after checking it is our own permanent "invalid input" error. */
function refusal(check: () => unknown): string {
	try {
		check();
	} catch (error) {
		expect(isGraphApiError(error) && error.invalidInput && error.errorClass === 'permanent').toBe(true);
		return (error as Error).message;
	}
	throw new Error('expected a refusal');
}

const good = { accessToken: 'EAAtoken', apiVersion: 'v26.0', baseUrl: 'https://graph.facebook.com' } as WhatsAppCredentials;

test('a base URL loses its trailing slashes and spaces; its path is kept', () => {
	expect(normaliseBaseUrl(' https://graph.facebook.com// ')).toBe('https://graph.facebook.com');
	expect(normaliseBaseUrl('https://gw.example.com/graph/')).toBe('https://gw.example.com/graph');
	expect(normaliseBaseUrl('http://127.0.0.1:4100')).toBe('http://127.0.0.1:4100');
});

test('a base URL that is not an http(s) URL, has a query or fragment, or sends the token in clear off this machine is refused', () => {
	expect(refusal(() => normaliseBaseUrl('graph.facebook.com'))).toBe('The credential\'s Graph Base URL "graph.facebook.com" is not a URL: expected e.g. https://graph.facebook.com');
	expect(refusal(() => normaliseBaseUrl(undefined))).toContain('is not a URL');
	expect(refusal(() => normaliseBaseUrl('ftp://graph.facebook.com'))).toBe('The credential\'s Graph Base URL must start with https:// or http://, not "ftp:"');
	expect(refusal(() => normaliseBaseUrl('https://graph.facebook.com?x=1'))).toBe("The credential's Graph Base URL must not contain a query (?…) or fragment (#…)");
	expect(refusal(() => normaliseBaseUrl('https://graph.facebook.com#x'))).toBe("The credential's Graph Base URL must not contain a query (?…) or fragment (#…)");
	expect(refusal(() => normaliseBaseUrl('http://graph.example.com'))).toContain("The credential's Graph Base URL cannot be used: ");
});

test('the version is a version like v26.0; empty or "newest" is the newest the pack knows', () => {
	expect(checkedApiVersion({ ...good, apiVersion: ' v25.0 ' })).toBe('v25.0');
	expect(checkedApiVersion({ ...good, apiVersion: '' })).toBe(resolveApiVersion(NEWEST_API_VERSION));
	expect(refusal(() => checkedApiVersion({ ...good, apiVersion: '26' }))).toBe('The credential\'s Graph API Version "26" is not valid: expected a version like v26.0');
});

test('a call needs the secrets of its kind of authorisation, and no others', () => {
	const noToken = { ...good, accessToken: '  ' };
	expect(refusal(() => assertSecrets(noToken, 'bearer'))).toBe('The credential has no Access Token: paste the token from Meta Business Settings');
	expect(refusal(() => assertSecrets(noToken, 'oauth'))).toContain('no Access Token');
	expect(() => assertSecrets(noToken, 'none')).not.toThrow();
	expect(refusal(() => assertSecrets({ ...good, appId: '900000000000009' }, 'app'))).toBe('This call needs the Meta App ID and App Secret in the credential');
	expect(() => assertSecrets({ ...noToken, appId: '900000000000009', appSecret: 'secret' }, 'app')).not.toThrow();
});

test('a usable credential passes whole; a missing one is named as missing', () => {
	expect(() => assertUsableCredentials(good)).not.toThrow();
	expect(refusal(() => assertUsableCredentials(undefined as unknown as WhatsAppCredentials))).toBe('No WhatsApp Cloud Nodes API credential was given');
});
