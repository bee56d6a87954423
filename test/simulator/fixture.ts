/**
 * The default Meta account (token, app, WABA, three numbers, templates) and the default options.
 */
import type { Fixture, FixturePhoneNumber, FixtureTemplate, SimulatorOptions } from './types';

/** mps by throughput tier: STANDARD 80, HIGH 1,000, shared with the Business app 20. */
export const TIER_MPS = { STANDARD: 80, HIGH: 1000, BUSINESS_APP: 20 } as const;

export const HOURLY_BUDGET_PER_NUMBER = 1_800_000;

function phoneNumber(
	id: string,
	displayPhoneNumber: string,
	verifiedName: string,
	level: 'STANDARD' | 'HIGH' | 'BUSINESS_APP',
): FixturePhoneNumber {
	const shared = level === 'BUSINESS_APP';
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
		messagingLimitTier: level === 'HIGH' ? 'TIER_UNLIMITED' : 'TIER_10K',
		sharedWithBusinessApp: shared,
	};
}

function templates(): FixtureTemplate[] {
	const list: FixtureTemplate[] = [
		{
			id: '400000000000001',
			name: 'hello_world',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameterFormat: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Hello World' },
				{ type: 'BODY', text: 'Welcome and congratulations!! This message is from the simulator.' },
				{ type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
			],
		},
		{
			id: '400000000000002',
			name: 'order_update',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameterFormat: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#1234'] } },
				{
					type: 'BODY',
					text: 'Hi {{1}}, your order {{2}} ships on {{3}}.',
					example: { body_text: [['Ana', '#1234', 'Monday']] },
				},
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'Track', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/1234'] },
						{ type: 'QUICK_REPLY', text: 'Stop updates' },
					],
				},
			],
		},
		{
			id: '400000000000003',
			name: 'order_update',
			language: 'pt_BR',
			status: 'APPROVED',
			category: 'UTILITY',
			parameterFormat: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}', example: { header_text: ['#1234'] } },
				{ type: 'BODY', text: 'Oi {{1}}, seu pedido {{2}} sai em {{3}}.', example: { body_text: [['Ana', '#1234', 'segunda']] } },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'Rastrear', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/1234'] },
						{ type: 'QUICK_REPLY', text: 'Parar' },
					],
				},
			],
		},
		{
			id: '400000000000004',
			name: 'appointment_reminder',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameterFormat: 'NAMED',
			components: [
				{
					type: 'BODY',
					text: 'Hello {{customer_name}}, see you at {{appointment_time}}.',
					example: {
						body_text_named_params: [
							{ param_name: 'customer_name', example: 'Ana' },
							{ param_name: 'appointment_time', example: '10:00' },
						],
					},
				},
			],
		},
		{
			id: '400000000000005',
			name: 'spring_promo',
			language: 'en_US',
			status: 'APPROVED',
			category: 'MARKETING',
			parameterFormat: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
				{ type: 'BODY', text: 'Spring sale, {{1}}! Use the code below.', example: { body_text: [['Ana']] } },
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'COPY_CODE', text: 'Copy offer code', example: ['SPRING25'] },
						{ type: 'QUICK_REPLY', text: 'Interested' },
						{ type: 'QUICK_REPLY', text: 'Not now' },
					],
				},
			],
		},
		{
			id: '400000000000006',
			name: 'invoice_ready',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameterFormat: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::ZG9j'] } },
				{ type: 'BODY', text: 'Your invoice of {{1}} is due {{2}}.', example: { body_text: [['$10', 'tomorrow']] } },
			],
		},
		{
			id: '400000000000007',
			name: 'store_location',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameterFormat: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'LOCATION' },
				{ type: 'BODY', text: 'Our store is here.' },
			],
		},
		{
			id: '400000000000008',
			name: 'login_code',
			language: 'en_US',
			status: 'APPROVED',
			category: 'AUTHENTICATION',
			parameterFormat: 'POSITIONAL',
			components: [
				{ type: 'BODY', text: '{{1}} is your verification code.', example: { body_text: [['123456']] } },
				{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}', example: ['https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp123456'] }] },
			],
		},
		{
			id: '400000000000009',
			name: 'winter_promo',
			language: 'en_US',
			status: 'PAUSED',
			category: 'MARKETING',
			parameterFormat: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Winter sale!' }],
		},
		{
			id: '400000000000010',
			name: 'draft_notice',
			language: 'en_US',
			status: 'PENDING',
			category: 'UTILITY',
			parameterFormat: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Not yet approved.' }],
		},
	];
	// Enough templates that listing them needs more than one page.
	for (let i = 1; i <= 30; i++) {
		const n = String(i).padStart(2, '0');
		list.push({
			id: `4000000000001${n}`,
			name: `notice_${n}`,
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameterFormat: 'POSITIONAL',
			components: [{ type: 'BODY', text: `Notice ${n} for {{1}}.`, example: { body_text: [['Ana']] } }],
		});
	}
	return list;
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
		templates: templates(),
	};
}

export function defaultOptions(): SimulatorOptions {
	return {
		port: 0,
		host: '127.0.0.1',
		seed: 1,
		fixture: {},
		mps: {},
		throughputWindowMs: 1000,
		throttleHttpStatus: 429,
		hourlyBudget: undefined,
		budgetWindowMs: 3_600_000,
		pairBurst: 45,
		pairIntervalMs: 6000,
		maintenance: {},
		appRateLimit: null,
		enforceServiceWindow: false,
		inWindowRecipients: [],
		undeliverableRecipients: [],
		latency: 'meta',
		errorRatio5xx: 0,
		resetBeforeRecordRatio: 0,
		resetAfterRecordRatio: 0,
		stallRatio: 0,
		stallMs: 30_000,
		stallRecords: true,
		requestLogLimit: 5000,
		requestLogBodyChars: 65_536,
		maxBodyBytes: 110 * 1024 * 1024,
		webhooks: {},
	};
}

export function buildFixture(overrides: Partial<Fixture> = {}): Fixture {
	return { ...defaultFixture(), ...overrides };
}

/** Options merged over the current ones; map-like options replace the whole map only when given. */
export function mergeOptions(base: SimulatorOptions, partial: Partial<SimulatorOptions>): SimulatorOptions {
	const merged: SimulatorOptions = { ...base };
	for (const [key, value] of Object.entries(partial) as Array<[keyof SimulatorOptions, unknown]>) {
		if (value === undefined && key !== 'hourlyBudget') continue;
		(merged as unknown as Record<string, unknown>)[key] = value;
	}
	return merged;
}
