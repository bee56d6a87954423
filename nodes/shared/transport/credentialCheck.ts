/**
 * The credential fields the transport needs, checked before anything is sent: the Graph API version, the base URL
 * and the secrets of the call's kind of authorisation. Each refusal names the field and what is expected.
 */
import { resolveApiVersion } from './apiVersions';
import { plainHttpRefusal } from './egress';
import { invalidInput } from './errors';
import { redactSecrets } from './redact';
import type { GraphRequest, WhatsAppCredentials } from './types';

const API_VERSION_PATTERN = /^v\d+\.\d+$/;

/** The version a credential's calls go to (`newest` resolved); a clear error when it is not a version. */
export function checkedApiVersion(credentials: WhatsAppCredentials): string {
	const version = resolveApiVersion(credentials.apiVersion);
	if (!API_VERSION_PATTERN.test(version)) {
		throw invalidInput(`The credential's Graph API Version "${redactSecrets(version)}" is not valid: expected a version like v26.0`);
	}
	return version;
}

/** Check the credential fields the transport needs; a clear error names the field and what is expected. */
export function assertUsableCredentials(credentials: WhatsAppCredentials, auth: GraphRequest['auth'] = 'bearer'): void {
	if (!credentials || typeof credentials !== 'object') noCredential();
	checkedApiVersion(credentials);
	normaliseBaseUrl(credentials.baseUrl);
	assertSecrets(credentials, auth);
}

/** The refusal when a call is given no credential object at all. */
export function noCredential(): never {
	throw invalidInput('No WhatsApp Cloud Nodes API credential was given');
}

/** The secrets a call's kind of authorisation needs are there. */
export function assertSecrets(credentials: WhatsAppCredentials, auth: GraphRequest['auth']): void {
	if ((auth === 'bearer' || auth === 'oauth') && !String(credentials.accessToken ?? '').trim()) {
		throw invalidInput('The credential has no Access Token: paste the token from Meta Business Settings');
	}
	if (auth === 'app' && (!String(credentials.appId ?? '').trim() || !String(credentials.appSecret ?? '').trim())) {
		throw invalidInput('This call needs the Meta App ID and App Secret in the credential');
	}
}

/** `https://graph.facebook.com/` → `https://graph.facebook.com`; rejects anything but an http(s) URL. */
export function normaliseBaseUrl(baseUrl: string | undefined): string {
	const text = String(baseUrl ?? '').trim();
	let parsed: URL;
	try {
		parsed = new URL(text);
	} catch {
		throw invalidInput(
			`The credential's Graph Base URL "${redactSecrets(text)}" is not a URL: expected e.g. https://graph.facebook.com`,
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw invalidInput(`The credential's Graph Base URL must start with https:// or http://, not "${parsed.protocol}"`);
	}
	if (parsed.search || parsed.hash) {
		throw invalidInput("The credential's Graph Base URL must not contain a query (?…) or fragment (#…)");
	}
	const plainHttp = plainHttpRefusal(parsed);
	if (plainHttp) throw invalidInput(`The credential's Graph Base URL cannot be used: ${plainHttp}`);
	return text.replace(/\/+$/, '');
}
