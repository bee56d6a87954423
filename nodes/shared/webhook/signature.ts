import { createHmac, timingSafeEqual } from 'crypto';

export type SignatureCheck =
	| { valid: true }
	| { valid: false; reason: 'missing' | 'malformed' | 'mismatch' | 'noSecret' };

const SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

/** `sha256=<hex>` for a body: what Meta puts in `X-Hub-Signature-256` (also used by tests and the benchmark). */
export function signWebhookBody(rawBody: Buffer | string, appSecret: string): string {
	return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/**
 * Checks `X-Hub-Signature-256` against an HMAC-SHA256 of the exact bytes received, in constant time.
 * Verifying re-serialised JSON would fail on Meta's `\/` and `\uXXXX` escapes, so only raw bytes are accepted.
 */
export function verifyWebhookSignature(
	rawBody: Buffer,
	signatureHeader: string | string[] | undefined,
	appSecret: string | undefined,
): SignatureCheck {
	if (!appSecret) return { valid: false, reason: 'noSecret' };
	const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
	if (header === undefined || header === '') return { valid: false, reason: 'missing' };
	const match = SIGNATURE_PATTERN.exec(header.trim());
	if (!match) return { valid: false, reason: 'malformed' };
	const received = Buffer.from(match[1], 'hex');
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	// timingSafeEqual throws on different lengths; the pattern above fixes 32 bytes, checked again for safety.
	if (received.length !== expected.length) return { valid: false, reason: 'malformed' };
	return timingSafeEqual(received, expected) ? { valid: true } : { valid: false, reason: 'mismatch' };
}
