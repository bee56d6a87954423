import type { Simulator } from './index';
import { call, send, text } from './helpers';
import { buckets, parseExpandedField } from './analytics';
import { startSurfaceSimulator } from './surfaces.helpers';

/** The simulator's clock for these tests: 2026-11-01T00:00:00Z, so pinned figures stay inside the lookback. */
const NOW = Date.UTC(2026, 10, 1) / 1000;
const DAY = 86400;

describe('simulator analytics', () => {
	let sim: Simulator;
	let waba: string;

	beforeAll(async () => {
		({ sim } = await startSurfaceSimulator({ clock: () => NOW * 1000 + 1000 }));
		waba = sim.fixture.wabaId;
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.reset());

	const get = (fields: string) => call(sim, 'GET', `/v26.0/${waba}?fields=${encodeURIComponent(fields)}`);

	test('the field-expansion parser reads modifiers with lists in any quoting', () => {
		expect(parseExpandedField('conversation_analytics.start(1).end(2).granularity(DAILY).metric_types(["COST", \'CONVERSATION\']).dimensions([PHONE,COUNTRY])')).toEqual({
			name: 'conversation_analytics',
			modifiers: { start: '1', end: '2', granularity: 'DAILY', metric_types: '["COST", \'CONVERSATION\']', dimensions: '[PHONE,COUNTRY]' },
		});
	});

	test('a malformed field expansion is refused with 100', async () => {
		const response = await get('analytics.start(1');
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe(100);
	});

	test('message analytics by day give one aligned data point per day with exact figures', async () => {
		const response = await get(`analytics.start(${NOW - 3 * DAY}).end(${NOW}).granularity(DAY)`);
		expect(response.status).toBe(200);
		expect(response.body.id).toBe(waba);
		expect(response.body.analytics.granularity).toBe('DAY');
		const points = response.body.analytics.data_points;
		expect(points.map((p: { start: number; end: number }) => [p.start, p.end])).toEqual([
			[NOW - 3 * DAY, NOW - 2 * DAY],
			[NOW - 2 * DAY, NOW - DAY],
			[NOW - DAY, NOW],
		]);
		expect(points.map((p: { sent: number; delivered: number }) => [p.sent, p.delivered])).toEqual(PINNED_DAILY);
	});

	test('a day holds exactly the sum of its half hours', async () => {
		const day = await get(`analytics.start(${NOW - DAY}).end(${NOW}).granularity(DAY)`);
		const halves = await get(`analytics.start(${NOW - DAY}).end(${NOW}).granularity(HALF_HOUR)`);
		const points = halves.body.analytics.data_points as Array<{ sent: number; delivered: number }>;
		expect(points).toHaveLength(48);
		const sum = points.reduce((total, p) => ({ sent: total.sent + p.sent, delivered: total.delivered + p.delivered }), { sent: 0, delivered: 0 });
		expect(sum).toEqual({ sent: day.body.analytics.data_points[0].sent, delivered: day.body.analytics.data_points[0].delivered });
		for (const p of points) expect(p.delivered).toBeLessThanOrEqual(p.sent);
	});

	test('a message accepted by the simulator is counted as sent and delivered', async () => {
		const fields = `analytics.start(${NOW}).end(${NOW + 1800}).granularity(HALF_HOUR)`;
		const before = (await get(fields)).body.analytics.data_points[0];
		expect((await send(sim, text('counted'))).status).toBe(200);
		const after = (await get(fields)).body.analytics.data_points[0];
		expect(after.sent).toBe(before.sent + 1);
		expect(after.delivered).toBe(before.delivered + 1);
	});

	test('phone number and country filters narrow the figures and are echoed', async () => {
		const all = await get(`analytics.start(${NOW - DAY}).end(${NOW}).granularity(DAY)`);
		const one = await get(`analytics.start(${NOW - DAY}).end(${NOW}).granularity(DAY).phone_numbers(["15550100001"]).country_codes(["US"])`);
		expect(one.status).toBe(200);
		expect(one.body.analytics.phone_numbers).toEqual(['15550100001']);
		expect(one.body.analytics.country_codes).toEqual(['US']);
		expect(one.body.analytics.data_points[0].sent).toBeLessThan(all.body.analytics.data_points[0].sent);
	});

	test('months are calendar months in UTC', () => {
		expect(buckets('MONTH', Date.UTC(2026, 0, 15) / 1000, Date.UTC(2026, 2, 2) / 1000)).toEqual([
			[Date.UTC(2026, 0, 1) / 1000, Date.UTC(2026, 1, 1) / 1000],
			[Date.UTC(2026, 1, 1) / 1000, Date.UTC(2026, 2, 1) / 1000],
			[Date.UTC(2026, 2, 1) / 1000, Date.UTC(2026, 3, 1) / 1000],
		]);
	});

	test.each([
		['analytics', 'DAILY'],
		['analytics', 'MONTHLY'],
		['conversation_analytics', 'DAY'],
		['pricing_analytics', 'MONTH'],
	])('%s refuses granularity %s with 100 listing the accepted ones', async (field, granularity) => {
		const response = await get(`${field}.start(${NOW - DAY}).end(${NOW}).granularity(${granularity})`);
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe(100);
		expect(response.body.error.message).toContain(`got "${granularity}"`);
	});

	test('a start after the end is refused with 100', async () => {
		const response = await get(`analytics.start(${NOW}).end(${NOW - DAY}).granularity(DAY)`);
		expect(response.body.error.code).toBe(100);
		expect(response.body.error.error_data.details).toContain('must not be after end');
	});

	test('a start more than a year back is refused with 100', async () => {
		const response = await get(`conversation_analytics.start(${NOW - 366 * DAY}).end(${NOW}).granularity(MONTHLY)`);
		expect(response.body.error.code).toBe(100);
		expect(response.body.error.error_data.details).toContain('one year');
	});

	test('conversation analytics split by dimensions add up to the undivided total', async () => {
		const range = `start(${NOW - 2 * DAY}).end(${NOW}).granularity(DAILY)`;
		const total = await get(`conversation_analytics.${range}.metric_types(["CONVERSATION","COST"])`);
		const split = await get(`conversation_analytics.${range}.metric_types(["CONVERSATION","COST"]).dimensions(["CONVERSATION_CATEGORY","CONVERSATION_TYPE","COUNTRY","PHONE"])`);
		expect(split.status).toBe(200);
		const totals = total.body.conversation_analytics.data[0].data_points as Array<{ conversation: number; cost: number }>;
		const parts = split.body.conversation_analytics.data[0].data_points as Array<Record<string, unknown>>;
		expect(Object.keys(parts[0]).sort()).toEqual(['conversation', 'conversation_category', 'conversation_type', 'cost', 'country', 'end', 'phone_number', 'start']);
		const sum = parts.reduce((n, p) => n + (p.conversation as number), 0);
		expect(sum).toBe(totals.reduce((n, p) => n + p.conversation, 0));
		const cost = parts.reduce((n, p) => n + (p.cost as number), 0);
		expect(cost).toBeCloseTo(totals.reduce((n, p) => n + p.cost, 0), 5);
		for (const p of parts) if (p.conversation_type !== 'REGULAR' || p.conversation_category === 'SERVICE') expect(p.cost).toBe(0);
	});

	test('pricing analytics return only the requested metrics', async () => {
		const response = await get(`pricing_analytics.start(${NOW - DAY}).end(${NOW}).granularity(DAILY).metric_types([VOLUME]).dimensions([PRICING_CATEGORY,PRICING_TYPE,TIER])`);
		expect(response.status).toBe(200);
		const points = response.body.pricing_analytics.data[0].data_points as Array<Record<string, unknown>>;
		expect(points.length).toBeGreaterThan(0);
		for (const p of points) {
			expect(p.cost).toBeUndefined();
			expect(typeof p.volume).toBe('number');
			expect(p).toHaveProperty('pricing_category');
			expect(p).toHaveProperty('pricing_type');
			expect(p).toHaveProperty('tier');
		}
	});

	// COST is not readable for WABAs billed through a partner (Meta's analytics page); the refusal's wording is the
	// simulator's: https://developers.facebook.com/documentation/business-messaging/whatsapp/analytics/
	test('a partner-billed WABA refuses COST but answers the other metrics', async () => {
		sim.configure({ partnerBilledWaba: true });
		try {
			const range = `start(${NOW - DAY}).end(${NOW}).granularity(DAILY)`;
			const withCost = await get(`pricing_analytics.${range}.metric_types([VOLUME,COST])`);
			expect([withCost.status, withCost.body.error.code]).toEqual([400, 100]);
			expect((await get(`conversation_analytics.${range}`)).body.error.code).toBe(100);
			const volume = await get(`pricing_analytics.${range}.metric_types([VOLUME])`);
			expect(volume.status).toBe(200);
			const templateCost = await call(
				sim,
				'GET',
				`/v26.0/${waba}/template_analytics?${new URLSearchParams({ start: String(NOW - DAY), end: String(NOW), granularity: 'daily', template_ids: `[${sim.fixture.templates[0].id}]`, metric_types: 'sent,cost' })}`,
			);
			expect(templateCost.body.error.code).toBe(100);
		} finally {
			sim.configure({ partnerBilledWaba: false });
		}
	});

	test('an unknown metric type or dimension is refused with 100', async () => {
		const response = await get(`pricing_analytics.start(${NOW - DAY}).end(${NOW}).granularity(DAILY).dimensions([CONVERSATION_TYPE])`);
		expect(response.body.error.code).toBe(100);
		expect(response.body.error.error_data.details).toContain('CONVERSATION_TYPE');
	});

	test('plain WABA fields and analytics come back in one answer', async () => {
		const response = await get(`id,name,analytics.start(${NOW - DAY}).end(${NOW}).granularity(DAY)`);
		expect(response.status).toBe(200);
		expect(response.body.name).toBe('Simulator WABA');
		expect(response.body.analytics.data_points).toHaveLength(1);
	});

	describe('template analytics', () => {
		const templateIds = () => sim.fixture.templates.slice(0, 10).map((template) => template.id);
		const query = (params: Record<string, string>) =>
			call(sim, 'GET', `/v26.0/${waba}/template_analytics?${new URLSearchParams(params).toString()}`);

		test('daily figures page through every template and day exactly once', async () => {
			const ids = templateIds();
			const first = await query({ start: String(NOW - 30 * DAY), end: String(NOW), granularity: 'daily', template_ids: JSON.stringify(ids), metric_types: 'sent,delivered,read,clicked,cost', limit: '100' });
			expect(first.status).toBe(200);
			const points: Array<Record<string, unknown>> = [...first.body.data[0].data_points];
			let next: string | undefined = first.body.paging?.next;
			while (next) {
				const page = (await (await fetch(next, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } })).json()) as any;
				points.push(...page.data[0].data_points);
				next = page.paging?.next;
			}
			expect(points).toHaveLength(10 * 30);
			expect(new Set(points.map((p) => `${p.template_id}:${p.start}`)).size).toBe(300);
			for (const p of points) {
				expect(p.read as number).toBeLessThanOrEqual(p.delivered as number);
				expect(p.delivered as number).toBeLessThanOrEqual(p.sent as number);
				expect(Array.isArray(p.cost)).toBe(true);
			}
		});

		test('more than 10 template ids are refused with 100', async () => {
			const ids = sim.fixture.templates.slice(0, 11).map((template) => template.id);
			const response = await query({ start: String(NOW - DAY), end: String(NOW), granularity: 'daily', template_ids: JSON.stringify(ids) });
			expect(response.body.error.code).toBe(100);
			expect(response.body.error.error_data.details).toContain('at most 10');
		});

		test('a start more than 90 days back is refused with 100', async () => {
			const response = await query({ start: String(NOW - 91 * DAY), end: String(NOW), granularity: 'daily', template_ids: JSON.stringify(templateIds()) });
			expect(response.body.error.code).toBe(100);
			expect(response.body.error.error_data.details).toContain('90 days');
		});

		test('a granularity other than daily is refused with 100', async () => {
			const response = await query({ start: String(NOW - DAY), end: String(NOW), granularity: 'HALF_HOUR', template_ids: JSON.stringify(templateIds()) });
			expect(response.body.error.code).toBe(100);
		});

		// Template insights must be enabled on the WABA (POST /{waba}?is_enabled_for_insights=true); codes 200005–200007:
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/analytics/ and
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
		test('without template insights the call is refused with 200005 until they are enabled on the WABA', async () => {
			sim.configure({ templateInsightsEnabled: false });
			try {
				const params = { start: String(NOW - DAY), end: String(NOW), granularity: 'daily', template_ids: JSON.stringify(templateIds()) };
				const refused = await query(params);
				expect([refused.status, refused.body.error.code]).toEqual([400, 200005]);
				const enabled = await call(sim, 'POST', `/v26.0/${waba}?is_enabled_for_insights=true`);
				expect([enabled.status, enabled.body]).toEqual([200, { id: waba }]);
				expect((await query(params)).status).toBe(200);
				sim.reset();
				expect((await query(params)).body.error.code).toBe(200005);
			} finally {
				sim.configure({ templateInsightsEnabled: true });
			}
		});

		test('a template id of another account is refused with 100', async () => {
			const response = await query({ start: String(NOW - DAY), end: String(NOW), granularity: 'daily', template_ids: '[123]' });
			expect(response.body.error.code).toBe(100);
			expect(response.body.error.error_data.details).toContain('"123"');
		});
	});
});

/** Sent and delivered for the three days before NOW (from the slot hash; changes only if the generator changes). */
const PINNED_DAILY = [
	[4226, 3855],
	[4258, 3842],
	[4182, 3780],
];
