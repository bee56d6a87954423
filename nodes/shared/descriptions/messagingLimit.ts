/**
 * The business portfolio's messaging limit as Meta reports it. Meta: request `whatsapp_business_manager_messaging_limit`
 * on `GET /{phone-number-id}` (v24.0 and newer) or `messaging_limit_tier` (23.0 and older); example answer
 * `{"whatsapp_business_manager_messaging_limit":"TIER_250","id":"106540352242922"}`; the limit is the portfolio's,
 * shared by its numbers, so any one of them tells it
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits, "Via API";
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/upcoming-messaging-limits-changes).
 * Tiers: 250, 2,000, 10,000, 100,000, unlimited; Meta's older answers and its OpenAPI examples also show TIER_50 and
 * TIER_1K.
 */
import { scheduleGraphCall, sharedEntriesFor } from '../limiter';
import type { WhatsAppCredentials } from '../transport/types';
import { getManagementCache, managementCacheKey } from './managementCache';

/** Unique people per moving 24 hours by tier; null: unlimited. */
export const MESSAGING_LIMIT_TIERS: Readonly<Record<string, number | null>> = {
	TIER_50: 50,
	TIER_250: 250,
	TIER_1K: 1000,
	TIER_2K: 2000,
	TIER_10K: 10_000,
	TIER_100K: 100_000,
	TIER_UNLIMITED: null,
};

/** `v26.0` → 26; an unreadable version counts as the newest (Meta serves unknown versions as the latest). */
export function apiMajorVersion(apiVersion: string | undefined): number {
	const match = /^v?(\d+)/i.exec(String(apiVersion ?? '').trim());
	return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

/** From v24 Meta replaced `messaging_limit_tier` by `whatsapp_business_manager_messaging_limit`. */
export function messagingLimitField(apiVersion: string | undefined): 'whatsapp_business_manager_messaging_limit' | 'messaging_limit_tier' {
	return apiMajorVersion(apiVersion) >= 24 ? 'whatsapp_business_manager_messaging_limit' : 'messaging_limit_tier';
}

/** The field's value as a tier name: Meta's pages show a string; an object form is read by its likely keys. */
export function tierValue(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (!value || typeof value !== 'object') return undefined;
	const { tier, current_limit: currentLimit, value: inner } = value as Record<string, unknown>;
	const found = [tier, currentLimit, inner].find((candidate) => typeof candidate === 'string');
	return found as string | undefined;
}

/** What the read found: the tier, or why there is none (kept as long as a tier, so a missing field costs no call per run). */
export interface MessagingLimitReading {
	tier?: string;
	problem?: string;
}

/**
 * The portfolio's tier, read through `phoneNumberId` as a management call and kept a few minutes (shared through the
 * gate's Redis): Meta raises a limit within 6 hours and no longer lowers it, so a kept tier is at worst too low.
 */
export async function readMessagingLimit(credentials: WhatsAppCredentials, phoneNumberId: string, portfolio: string): Promise<MessagingLimitReading> {
	const field = messagingLimitField(credentials.apiVersion);
	const read = async (): Promise<MessagingLimitReading> => {
		try {
			const answer = await scheduleGraphCall<Record<string, unknown>>({
				credentials,
				phoneNumberId,
				family: 'management',
				request: { method: 'GET', path: `/${phoneNumberId}`, query: { fields: field } },
			});
			const tier = tierValue(answer.data?.[field]);
			return tier ? { tier } : { problem: `Meta's answer for number ${phoneNumberId} has no ${field}` };
		} catch (error) {
			return { problem: `reading ${field} of number ${phoneNumberId} failed: ${(error as Error).message}` };
		}
	};
	return getManagementCache().read(managementCacheKey(credentials, 'messagingLimit', field, portfolio), read, await sharedEntriesFor(credentials));
}
