/**
 * The default Meta account (token, app, WABA, three numbers, templates) and the default options.
 */
import { defaultCatalogs } from './catalog';
import { seedTemplates } from './templates';
import type { Fixture, FixturePhoneNumber, SimulatorOptions } from './types';

/** mps by throughput tier: STANDARD 80, HIGH 1,000, shared with the Business app 20. */
export const TIER_MPS = { STANDARD: 80, HIGH: 1000, BUSINESS_APP: 20 } as const;

export const HOURLY_BUDGET_PER_NUMBER = 1_800_000;

/**
 * Management calls per app per WABA per rolling hour: 200, or 5,000 for a WABA with a registered number.
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ (WhatsApp Business Management API)
 */
export const MANAGEMENT_CALLS_PER_HOUR = { withoutRegisteredNumber: 200, withRegisteredNumber: 5000 } as const;

function phoneNumber(
	id: string,
	displayPhoneNumber: string,
	verifiedName: string,
	level: 'STANDARD' | 'HIGH' | 'BUSINESS_APP',
): FixturePhoneNumber {
	const shared = level === 'BUSINESS_APP';
	// Meta's pages do not say which level a number shared with the Business app shows; `is_on_biz_app` says it is one.
	return {
		id,
		displayPhoneNumber,
		verifiedName,
		qualityRating: 'GREEN',
		throughputLevel: shared ? 'NOT_APPLICABLE' : level,
		mps: TIER_MPS[level],
		platformType: 'CLOUD_API',
		status: 'CONNECTED',
		nameStatus: 'APPROVED',
		codeVerificationStatus: 'VERIFIED',
		sharedWithBusinessApp: shared,
	};
}

export function defaultFixture(): Fixture {
	return {
		accessToken: 'EAAGsim0accessTOKEN0123456789',
		expiredAccessToken: 'EAAGsim0expiredTOKEN0123456789',
		noAccessToken: 'EAAGsim0noaccessTOKEN0123456789',
		appId: '900000000000001',
		appSecret: 'simAppSecret0123456789abcdef',
		wabaId: '200000000000001',
		phoneNumbers: [
			phoneNumber('300000000000001', '+1 555-010-0001', 'Sim Standard', 'STANDARD'),
			phoneNumber('300000000000002', '+1 555-010-0002', 'Sim High Throughput', 'HIGH'),
			phoneNumber('300000000000003', '+1 555-010-0003', 'Sim Business App', 'BUSINESS_APP'),
		],
		templates: seedTemplates(),
		catalogs: defaultCatalogs('200000000000001'),
	};
}

export function defaultOptions(): SimulatorOptions {
	return {
		port: 0,
		host: '127.0.0.1',
		seed: 1,
		clock: null,
		fixture: {},
		mps: {},
		throughputWindowMs: 1000,
		inboundCountsInThroughput: true,
		throttleHttpStatus: 429,
		hourlyBudget: undefined,
		budgetWindowMs: 3_600_000,
		managementHourlyLimit: undefined,
		managementWindowMs: 3_600_000,
		pairBurst: 45,
		pairIntervalMs: 6000,
		maintenance: {},
		appRateLimit: null,
		messagingLimitTier: 'TIER_UNLIMITED',
		enforceServiceWindow: false,
		checkCatalog: true,
		inWindowRecipients: [],
		undeliverableRecipients: [],
		undeliverableVia: 'response',
		marketingMessagesOnboarded: [],
		templateInsightsEnabled: true,
		partnerBilledWaba: false,
		latency: 'meta',
		receiveJitter: null,
		errorRatio5xx: 0,
		resetBeforeRecordRatio: 0,
		resetAfterRecordRatio: 0,
		stallRatio: 0,
		stallMs: 30_000,
		stallRecords: true,
		messageLogLimit: null,
		requestLogLimit: 5000,
		requestLogBodyChars: 32_768,
		maxBodyBytes: 110 * 1024 * 1024,
		webhooks: {},
	};
}

export function buildFixture(overrides: Partial<Fixture> = {}): Fixture {
	const fixture = { ...defaultFixture(), ...overrides };
	// The catalog is connected to the account, whatever its ID.
	return overrides.catalogs === undefined ? { ...fixture, catalogs: defaultCatalogs(fixture.wabaId) } : fixture;
}

/** Options merged over the current ones; map-like options replace the whole map only when given. */
export function mergeOptions(base: SimulatorOptions, partial: Partial<SimulatorOptions>): SimulatorOptions {
	const merged: SimulatorOptions = { ...base };
	for (const [key, value] of Object.entries(partial) as Array<[keyof SimulatorOptions, unknown]>) {
		if (value === undefined && key !== 'hourlyBudget' && key !== 'managementHourlyLimit') continue;
		// Webhook options are merged so a partial change keeps the rest (the dispatcher merges the same way).
		const next = key === 'webhooks' && value && typeof value === 'object' ? { ...base.webhooks, ...(value as Record<string, unknown>) } : value;
		(merged as unknown as Record<string, unknown>)[key] = next;
	}
	return merged;
}
