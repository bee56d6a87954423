import type { WhatsAppCredentials } from './types';

const REDACTED = '[redacted]';

/** Secrets of a credential worth hiding: the token, the app secret and the app token built from it. */
function secretsOf(credentials?: Partial<WhatsAppCredentials>): string[] {
	const secrets: string[] = [];
	const add = (value: unknown) => {
		// Very short values would redact ordinary words; a real token or secret is never this short.
		if (typeof value === 'string' && value.trim().length >= 6) secrets.push(value.trim());
	};
	if (credentials) {
		add(credentials.accessToken);
		add(credentials.appSecret);
		if (credentials.appId && credentials.appSecret) add(`${credentials.appId}|${credentials.appSecret}`);
	}
	// Longest first so an app token is replaced whole rather than leaving its app-id prefix dangling.
	return secrets.sort((a, b) => b.length - a.length);
}

/**
 * Remove the credential's access token and app secret from any text, plus anything that looks like a token in a
 * URL (`access_token=…`, `client_secret=…`, `appsecret_proof=…`), a `Bearer …` header value, or a Meta user/system
 * token (`EAA…`) even when it belongs to another credential.
 */
export function redactSecrets(text: string, credentials?: Partial<WhatsAppCredentials>): string {
	if (typeof text !== 'string' || text.length === 0) return text;
	let out = text;
	for (const secret of secretsOf(credentials)) {
		out = out.split(secret).join(REDACTED);
		// Also the URL-encoded form (an app token's `|` becomes %7C in a query string).
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret) out = out.split(encoded).join(REDACTED);
	}
	out = out.replace(/((?:access_token|client_secret|appsecret_proof|app_secret)=)[^&\s"'#]+/gi, `$1${REDACTED}`);
	out = out.replace(/(\b(?:Bearer|OAuth)\s+)[A-Za-z0-9._|%\-]{8,}/g, `$1${REDACTED}`);
	out = out.replace(/\bEAA[A-Za-z0-9]{20,}/g, REDACTED);
	return out;
}

/** Redact every string inside a JSON-like value (a copy; the input is untouched). */
export function redactDeep<T>(value: T, credentials?: Partial<WhatsAppCredentials>, depth = 0): T {
	if (depth > 20) return value;
	if (typeof value === 'string') return redactSecrets(value, credentials) as unknown as T;
	if (Array.isArray(value)) return value.map((v) => redactDeep(v, credentials, depth + 1)) as unknown as T;
	if (value !== null && typeof value === 'object') {
		const copy: Record<string, unknown> = {};
		for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
			copy[key] = redactDeep(inner, credentials, depth + 1);
		}
		return copy as T;
	}
	return value;
}
