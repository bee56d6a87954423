import { MessageValidationError } from './errors';
import { optionalNumber } from './rules';
import type { TemplateLimitedTimeOffer } from './types';

/**
 * Limited-time offer templates: the offer's expiration, "a UNIX timestamp in milliseconds", sent between the body and
 * the buttons; the offer code of their copy-code button is at most 15 characters.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
 */
export const MAX_OFFER_CODE = 15;

/** The limited_time_offer component, or undefined when no expiration is given. */
export function buildLimitedTimeOffer(expirationTimeMs: unknown): TemplateLimitedTimeOffer | undefined {
	const ms = optionalNumber('offerExpirationTimeMs', typeof expirationTimeMs === 'string' ? expirationTimeMs.trim() : expirationTimeMs);
	if (ms === undefined) return undefined;
	if (!Number.isSafeInteger(ms) || ms < 0) {
		throw new MessageValidationError('offerExpirationTimeMs', `must be a whole number of milliseconds since 1970 (a Unix time in ms, e.g. 1798761600000), got ${ms}`);
	}
	return { type: 'limited_time_offer', parameters: [{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: ms } }] };
}
