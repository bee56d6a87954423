/**
 * The WhatsApp Metrics node in real workflows (n8n-core WorkflowExecute) against the simulator over HTTP.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWorkflow } from '../../test/harness';
import { startSimulator } from '../../test/simulator';
import type { Simulator } from '../../test/simulator';
import { destroyGraphClients } from '../shared/transport';
import { clearManagementCache } from '../../test/support/testHooks';

const DAY = 86400;
const PHONE = '300000000000001';

let sim: Simulator;

const credentials = (overrides: Record<string, unknown> = {}) => ({
	whatsAppCloudApi: {
		accessToken: sim.fixture.accessToken,
		apiVersion: 'v26.0',
		baseUrl: sim.url,
		wabaId: sim.fixture.wabaId,
		...overrides,
	},
});

const today = () => Math.floor(Date.now() / 1000 / DAY) * DAY;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

async function metrics(parameters: INodeParameters, overrides: Record<string, unknown> = {}, continueOnFail = false) {
	return runWorkflow({
		nodes: [{ name: 'Metrics', type: 'whatsAppMetrics', parameters, continueOnFail }],
		credentials: credentials(overrides),
	});
}

/** The analytics call on the WABA (the gate may first read the account's numbers to size its budget). */
const wabaFieldsQuery = () =>
	decodeURIComponent(sim.requests().find((request) => request.path.endsWith(`/${sim.fixture.wabaId}`) && request.query.includes('fields='))?.query ?? '');

const sum = (rows: IDataObject[], column: string) => rows.reduce((total, row) => total + Number(row[column] ?? 0), 0);

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

beforeEach(() => {
	sim.reset();
	clearManagementCache();
});

describe('message analytics', () => {
	it('gives one flat row per day with ISO and Unix start and end, sent and delivered', async () => {
		const start = today() - 3 * DAY;
		const result = await metrics({ resource: 'analytics', operation: 'messageAnalytics', start: iso(start), end: iso(today()), messageGranularity: 'DAY' });
		expect(result.error).toBeUndefined();
		const rows = result.outputs('Metrics');
		expect(rows.map((row) => row.startUnix)).toEqual([start, start + DAY, start + 2 * DAY]);
		expect(rows[0]).toEqual({
			start: iso(start),
			end: iso(start + DAY),
			startUnix: start,
			endUnix: start + DAY,
			granularity: 'DAY',
			sent: expect.any(Number),
			delivered: expect.any(Number),
		});
		expect(wabaFieldsQuery()).toContain(`analytics.start(${start}).end(${today()}).granularity(DAY)`);
	});

	it('has the same figures flat as in the raw response', async () => {
		const parameters = { operation: 'messageAnalytics', start: iso(today() - 2 * DAY), end: iso(today()), messageGranularity: 'HALF_HOUR' };
		const flat = (await metrics(parameters)).outputs('Metrics');
		const raw = (await metrics({ ...parameters, messageOptions: { rawResponse: true } })).outputs('Metrics');
		const points = raw.flatMap((page) => (page.data_points as IDataObject[]) ?? []);
		expect(flat).toHaveLength(96);
		expect(points).toHaveLength(96);
		expect(sum(flat, 'sent')).toBe(sum(points, 'sent'));
		expect(sum(flat, 'delivered')).toBe(sum(points, 'delivered'));
	});

	it('passes phone number and country filters in Graph\'s field syntax', async () => {
		const result = await metrics({
			operation: 'messageAnalytics',
			start: iso(today() - DAY),
			end: iso(today()),
			messageGranularity: 'DAY',
			messageOptions: { phoneNumbers: '+1 555-010-0001', countryCodes: 'us, br' },
		});
		expect(result.error).toBeUndefined();
		expect(wabaFieldsQuery()).toContain('.phone_numbers(["15550100001"]).country_codes(["US","BR"])');
	});

	it('refuses a start more than a year back before any call, naming the item and field', async () => {
		const result = await metrics({ operation: 'messageAnalytics', start: iso(today() - 400 * DAY), end: iso(today()), messageGranularity: 'DAY' });
		expect(result.nodeError('Metrics')?.message).toMatch(/^Item 1: "Start" \(.*\) is more than 365 days ago/);
		expect(sim.requests()).toHaveLength(0);
	});

	it('refuses another endpoint\'s granularity given by an expression before any call', async () => {
		const result = await metrics({ operation: 'messageAnalytics', messageGranularity: '={{ "DAILY" }}' });
		expect(result.nodeError('Metrics')?.message).toMatch(/^Item 1: "Granularity" is "DAILY", which is not available/);
		expect(sim.requests()).toHaveLength(0);
	});
});

describe('conversation analytics', () => {
	it('gives a row per data point with a column per chosen dimension and metric', async () => {
		const result = await metrics({
			operation: 'conversationAnalytics',
			start: iso(today() - DAY),
			end: iso(today()),
			conversationGranularity: 'DAILY',
			conversationMetrics: ['CONVERSATION', 'COST'],
			conversationDimensions: ['COUNTRY', 'CONVERSATION_CATEGORY'],
		});
		expect(result.error).toBeUndefined();
		const rows = result.outputs('Metrics');
		expect(rows.length).toBeGreaterThan(1);
		for (const row of rows) {
			expect(Object.keys(row).sort()).toEqual(
				['start', 'end', 'startUnix', 'endUnix', 'granularity', 'conversationCategory', 'country', 'conversations', 'cost'].sort(),
			);
		}
		expect(new Set(rows.map((row) => row.country))).toEqual(new Set(['US', 'BR', 'IN', 'DE']));
		expect(wabaFieldsQuery()).toContain('.metric_types(["CONVERSATION","COST"]).dimensions(["COUNTRY","CONVERSATION_CATEGORY"])');
	});
});

describe('pricing analytics', () => {
	it('gives volume and cost by pricing type and tier, matching the raw totals', async () => {
		const parameters = {
			operation: 'pricingAnalytics',
			start: iso(today() - 2 * DAY),
			end: iso(today()),
			pricingGranularity: 'DAILY',
			pricingMetrics: ['VOLUME', 'COST'],
			pricingDimensions: ['PRICING_TYPE', 'TIER'],
		};
		const rows = (await metrics(parameters)).outputs('Metrics');
		const raw = (await metrics({ ...parameters, pricingOptions: { rawResponse: true } })).outputs('Metrics');
		const points = raw.flatMap((page) => ((page.data as IDataObject[]) ?? []).flatMap((group) => group.data_points as IDataObject[]));
		expect(rows).toHaveLength(points.length);
		expect(rows[0]).toHaveProperty('pricingType');
		expect(rows[0]).toHaveProperty('tier');
		expect(sum(rows, 'volume')).toBe(sum(points, 'volume'));
	});
});

// COST is not readable for WABAs billed through a partner's credit line (Meta's analytics page:
// https://developers.facebook.com/documentation/business-messaging/whatsapp/analytics/): the simulator plays such a WABA.
describe('a WABA billed through a partner', () => {
	const picks = (...names: string[]) => ({ template: names.map((name) => ({ template: { __rl: true, mode: 'list', value: name } })) });
	beforeEach(() => sim.configure({ partnerBilledWaba: true }));
	afterEach(() => sim.configure({ partnerBilledWaba: false }));

	const analyticsQueries = () =>
		sim
			.requests()
			.filter((request) => request.path.endsWith(`/${sim.fixture.wabaId}`) && request.query.includes('pricing_analytics'))
			.map((request) => decodeURIComponent(request.query));

	it('gives pricing analytics without cost, every row saying why, after one refused call with COST', async () => {
		const result = await metrics({
			operation: 'pricingAnalytics',
			start: iso(today() - 2 * DAY),
			end: iso(today()),
			pricingGranularity: 'DAILY',
			pricingMetrics: ['VOLUME', 'COST'],
			pricingDimensions: ['PRICING_CATEGORY'],
		});
		expect(result.error).toBeUndefined();
		const rows = result.outputs('Metrics');
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) {
			expect(row.volume).toEqual(expect.any(Number));
			expect(row.cost).toBeNull();
			expect(row.costNote).toMatch(/^Cost is not available for this WhatsApp Business Account/);
		}
		const queries = analyticsQueries();
		expect(queries).toHaveLength(2);
		expect(queries[0]).toContain('.metric_types(["VOLUME","COST"])');
		expect(queries[1]).toContain('.metric_types(["VOLUME"])');
	});

	it('says so on raw pages too', async () => {
		const result = await metrics({
			operation: 'conversationAnalytics',
			start: iso(today() - DAY),
			end: iso(today()),
			conversationGranularity: 'DAILY',
			conversationMetrics: ['CONVERSATION', 'COST'],
			conversationOptions: { rawResponse: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs('Metrics')).toEqual([expect.objectContaining({ data: expect.any(Array), costNote: expect.stringContaining('partner') })]);
	});

	it('gives template analytics without cost, every row saying why', async () => {
		const result = await metrics({ operation: 'templateAnalytics', templates: picks('hello_world'), start: iso(today() - 3 * DAY), end: iso(today()) });
		expect(result.error).toBeUndefined();
		const rows = result.outputs('Metrics');
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) {
			expect(row.sent).toEqual(expect.any(Number));
			expect(row.amountSpent).toBeNull();
			expect(row.costNote).toMatch(/^Cost is not available/);
		}
	});

	it('still fails with Meta\'s error when only cost was asked for', async () => {
		const result = await metrics({ operation: 'pricingAnalytics', pricingGranularity: 'DAILY', pricingMetrics: ['COST'], pricingDimensions: [] });
		expect(result.nodeError('Metrics')?.message).toContain('(#100)');
	});
});

describe('template analytics', () => {
	const picks = (...names: string[]) => ({ template: names.map((name) => ({ template: { __rl: true, mode: 'list', value: name } })) });

	// Codes 200005–200007 and the cure (POST /{waba}?is_enabled_for_insights=true or WhatsApp Manager):
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/analytics/
	it('tells how to enable template insights when the account has not', async () => {
		sim.configure({ templateInsightsEnabled: false });
		try {
			const result = await metrics({ operation: 'templateAnalytics', templates: picks('hello_world'), start: iso(today() - 3 * DAY), end: iso(today()) });
			const error = result.nodeError('Metrics') as { message?: string; description?: string } | undefined;
			expect(error?.message).toMatch(/^Item 1: Template insights are not enabled for this WhatsApp Business Account/);
			expect(error?.description).toContain('POST /{waba-id}?is_enabled_for_insights=true');
			expect(error?.description).toContain('WhatsApp Manager');
		} finally {
			sim.configure({ templateInsightsEnabled: true });
		}
	});

	it('follows every page and gives one row per template language and day with the template\'s name', async () => {
		const start = today() - 45 * DAY;
		const result = await metrics({
			operation: 'templateAnalytics',
			templates: picks('order_confirmation', 'hello_world'),
			start: iso(start),
			end: iso(today()),
		});
		expect(result.error).toBeUndefined();
		const rows = result.outputs('Metrics');
		const analyticsCalls = sim.requests().filter((request) => request.path.endsWith('/template_analytics'));
		expect(analyticsCalls.length).toBeGreaterThanOrEqual(2);
		// A name stands for every language it exists in: one row per template ID and day.
		const variants = sim.fixture.templates.filter((template) => ['order_confirmation', 'hello_world'].includes(template.name));
		expect(variants.length).toBeGreaterThanOrEqual(3);
		expect(rows).toHaveLength(variants.length * 45);
		expect(new Set(rows.map((row) => `${row.templateName}/${row.templateLanguage}`))).toEqual(
			new Set(variants.map((template) => `${template.name}/${template.language}`)),
		);
		const row = rows.find((candidate) => candidate.templateName === 'order_confirmation') as IDataObject;
		expect(row).toEqual(
			expect.objectContaining({
				sent: expect.any(Number),
				delivered: expect.any(Number),
				read: expect.any(Number),
				clicked: expect.any(Number),
				clicked_trackOrder: expect.any(Number),
				amountSpent: expect.any(Number),
			}),
		);
	});

	it('refuses a start more than 90 days back before any call', async () => {
		const result = await metrics({ operation: 'templateAnalytics', templates: picks('hello_world'), start: iso(today() - 100 * DAY) });
		expect(result.nodeError('Metrics')?.message).toMatch(/^Item 1: "Start" \(.*\) is more than 90 days ago/);
		expect(sim.requests()).toHaveLength(0);
	});

	it('says which template name does not exist', async () => {
		const result = await metrics({ operation: 'templateAnalytics', templates: picks('no_such_template') });
		expect(result.nodeError('Metrics')?.message).toBe('Item 1: "Templates" has "no_such_template", which was not found in the WhatsApp Business Account');
	});
});

describe('phone number health', () => {
	// The limit is the business portfolio's, the same on each of its numbers:
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
	beforeEach(() => sim.configure({ messagingLimitTier: 'TIER_10K' }));
	afterEach(() => sim.configure({ messagingLimitTier: 'TIER_UNLIMITED' }));

	it('reads the v24+ messaging limit field on v26.0 for every number of the account', async () => {
		const result = await metrics({ resource: 'phoneNumber', operation: 'phoneNumberHealth', healthScope: 'all' });
		expect(result.error).toBeUndefined();
		const rows = result.outputs('Metrics');
		expect(rows.map((row) => row.phoneNumberId)).toEqual(sim.fixture.phoneNumbers.map((number) => number.id));
		expect(rows[0]).toEqual({
			phoneNumberId: PHONE,
			displayPhoneNumber: '+1 555-010-0001',
			verifiedName: 'Sim Standard',
			qualityRating: 'GREEN',
			throughputLevel: 'STANDARD',
			messagingLimitTier: 'TIER_10K',
			nameStatus: 'APPROVED',
			status: 'CONNECTED',
			codeVerificationStatus: 'VERIFIED',
			platformType: 'CLOUD_API',
		});
		expect(rows[1]).toMatchObject({ throughputLevel: 'HIGH', messagingLimitTier: 'TIER_10K' });
		const numberCalls = sim.requests().filter((request) => /\/v26\.0\/3\d+$/.test(request.path));
		expect(numberCalls.every((request) => decodeURIComponent(request.query).includes('whatsapp_business_manager_messaging_limit'))).toBe(true);
	});

	it("keeps the account's number list a few minutes: a second run reads each number's health but not the list", async () => {
		// Listing the numbers is a management call (200 an hour, 5,000 with a registered number):
		// https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ (WhatsApp Business Management API)
		const lists = () => sim.requests().filter((request) => request.path.endsWith(`/${sim.fixture.wabaId}/phone_numbers`) && request.query.includes('display_phone_number'));
		const numberReads = () => sim.requests().filter((request) => /\/v26\.0\/3\d+$/.test(request.path)).length;
		await metrics({ resource: 'phoneNumber', operation: 'phoneNumberHealth', healthScope: 'all' });
		const second = await metrics({ resource: 'phoneNumber', operation: 'phoneNumberHealth', healthScope: 'all' });
		expect(second.outputs('Metrics')).toHaveLength(sim.fixture.phoneNumbers.length);
		expect(lists()).toHaveLength(1);
		expect(numberReads()).toBe(2 * sim.fixture.phoneNumbers.length);
	});

	it('reads messaging_limit_tier on v23.0', async () => {
		const result = await metrics(
			{ resource: 'phoneNumber', operation: 'phoneNumberHealth', healthScope: 'one', phoneNumberId: { __rl: true, mode: 'id', value: PHONE } },
			{ apiVersion: 'v23.0' },
		);
		expect(result.error).toBeUndefined();
		expect(result.outputs('Metrics')).toEqual([expect.objectContaining({ phoneNumberId: PHONE, messagingLimitTier: 'TIER_10K' })]);
		const query = decodeURIComponent(sim.requests().find((request) => request.path.endsWith(`/${PHONE}`))?.query ?? '');
		expect(query).toContain('messaging_limit_tier');
		expect(query).not.toContain('whatsapp_business_manager_messaging_limit');
	});
});

describe('errors', () => {
	const one = (value: string) => ({ resource: 'phoneNumber', operation: 'phoneNumberHealth', healthScope: 'one', phoneNumberId: { __rl: true, mode: 'id', value } });

	it('names the phone number field as this node shows it, before any call', async () => {
		// An expression: the locator's own check only looks at fixed values.
		const result = await metrics(one('={{ "+1 555 0100" }}'));
		expect(result.nodeError('Metrics')?.message).toBe(
			'Item 1: "Phone Number" is "+1 555 0100", which is not a phone number ID: expected 5 to 20 digits, as shown in Meta\'s WhatsApp Manager (not the phone number itself)',
		);
		expect(sim.requests()).toHaveLength(0);
	});

	it('with continue on fail, a Graph error becomes an item with Meta\'s code, trace ID and HTTP status, and the token nowhere', async () => {
		const result = await metrics(one('399999999999999'), {}, true);
		expect(result.error).toBeUndefined();
		const [item] = result.items('Metrics');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toEqual(
			expect.objectContaining({ error: expect.any(String), code: 100, httpStatus: 400, fbtraceId: expect.any(String), retryable: false }),
		);
		expect(JSON.stringify(item.json)).not.toContain(sim.fixture.accessToken);
	});

	it('with continue on fail, a field error becomes an item naming item and field', async () => {
		const result = await metrics({ operation: 'messageAnalytics', messageGranularity: 'DAILY' }, {}, true);
		expect(result.outputs('Metrics')).toEqual([
			expect.objectContaining({ error: expect.stringMatching(/^Item 1: "Granularity" is "DAILY"/), retryable: false }),
		]);
	});
});

describe('limiter status', () => {
	it('shows the number\'s call in flight while a send is held at Meta', async () => {
		// Meta records the message, then answers 3 s later: the send is in flight for that long.
		sim.scriptFaults([{ path: '/messages', count: 1, action: { kind: 'stallAfterRecord', ms: 3000 } }]);
		const sending = runWorkflow({
			nodes: [
				{
					name: 'Send',
					type: 'whatsAppSendMessage',
					parameters: { messageType: 'text', phoneNumberId: { __rl: true, mode: 'id', value: PHONE }, recipient: '+16505551234', textBody: 'hi' },
				},
			],
			credentials: credentials(),
		});
		let settled = false;
		void sending.finally(() => (settled = true));
		while (sim.log().length === 0 && !settled) await new Promise((resolve) => setTimeout(resolve, 20));
		const result = await metrics({ resource: 'limiter', operation: 'limiterStatus' });
		expect((await sending).error).toBeUndefined();
		const rows = result.outputs('Metrics');
		const number = rows.find((row) => row.scope === 'phoneNumber' && row.id === PHONE);
		const waba = rows.find((row) => row.scope === 'waba');
		expect(number).toMatchObject({ inFlight: 1, queued: 0, sentLastHour: 1, slowDownFactor: 1, pausedUntil: null });
		expect(waba).toMatchObject({ id: expect.any(String), inFlight: 1 });
		expect(typeof waba?.budgetLeft).toBe('number');
	});
});
