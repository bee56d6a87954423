import type { Simulator } from './index';
import { call } from './helpers';
import { startSurfaceSimulator } from './surfaces.helpers';
import { findTemplate, seedTemplates, templateParameterSpec } from './templates';

describe('simulator message templates', () => {
	let sim: Simulator;
	let waba: string;

	beforeAll(async () => {
		({ sim } = await startSurfaceSimulator());
		waba = sim.fixture.wabaId;
	});
	afterAll(async () => {
		await sim.stop();
	});

	test('following next links pages through every template exactly once', async () => {
		const seen: string[] = [];
		let url: string | undefined = `${sim.url}/v26.0/${waba}/message_templates?fields=name,language,status,category,components&limit=7`;
		let pages = 0;
		while (url) {
			const response = await fetch(url, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
			const page = (await response.json()) as { data: Array<{ id: string }>; paging?: { next?: string } };
			expect(page.data.length).toBeLessThanOrEqual(7);
			seen.push(...page.data.map((template) => template.id));
			url = page.paging?.next;
			pages += 1;
		}
		expect(pages).toBe(Math.ceil(sim.fixture.templates.length / 7));
		expect(seen).toEqual(sim.fixture.templates.map((template) => template.id));
	});

	test('the before cursor of a page leads back to the previous page', async () => {
		const first = await call(sim, 'GET', `/v26.0/${waba}/message_templates?limit=5`);
		const second = await call(sim, 'GET', `/v26.0/${waba}/message_templates?limit=5&after=${first.body.paging.cursors.after}`);
		expect(second.body.paging.previous).toBeDefined();
		const back = await call(sim, 'GET', `/v26.0/${waba}/message_templates?limit=5&before=${second.body.paging.cursors.before}`);
		expect(back.body.data).toEqual(first.body.data);
		expect(first.body.paging.previous).toBeUndefined();
	});

	test('only the requested fields are returned, with the id', async () => {
		const response = await call(sim, 'GET', `/v26.0/${waba}/message_templates?fields=name,status&limit=2`);
		expect(response.status).toBe(200);
		for (const template of response.body.data) expect(Object.keys(template).sort()).toEqual(['id', 'name', 'status']);
	});

	test('templates filter by name, status and category', async () => {
		const named = await call(sim, 'GET', `/v26.0/${waba}/message_templates?name=order_`);
		expect(named.body.data.length).toBeGreaterThan(0);
		for (const template of named.body.data) expect(template.name).toContain('order_');
		const rejected = await call(sim, 'GET', `/v26.0/${waba}/message_templates?status=REJECTED`);
		expect(rejected.body.data.length).toBeGreaterThan(0);
		for (const template of rejected.body.data) {
			expect(template.status).toBe('REJECTED');
			expect(template.rejected_reason).toBeDefined();
		}
		const auth = await call(sim, 'GET', `/v26.0/${waba}/message_templates?category=AUTHENTICATION`);
		for (const template of auth.body.data) expect(template.category).toBe('AUTHENTICATION');
	});

	test('an unknown field is refused with 100 naming the field', async () => {
		const response = await call(sim, 'GET', `/v26.0/${waba}/message_templates?fields=name,colour`);
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe(100);
		expect(response.body.error.message).toContain('colour');
	});

	test('an unknown WABA is refused like Graph', async () => {
		const response = await call(sim, 'GET', '/v26.0/299999999999999/message_templates');
		expect(response.body.error).toMatchObject({ code: 100, error_subcode: 33 });
	});

	test('a bad cursor or limit is refused with 100', async () => {
		expect((await call(sim, 'GET', `/v26.0/${waba}/message_templates?after=nonsense`)).body.error.code).toBe(100);
		expect((await call(sim, 'GET', `/v26.0/${waba}/message_templates?limit=0`)).body.error.code).toBe(100);
	});

	test('the seeded set covers every component kind and status', () => {
		const seeded = seedTemplates();
		expect(seeded.length).toBeGreaterThanOrEqual(30);
		const components = seeded.flatMap((template) => template.components);
		const headerFormats = new Set(components.filter((c) => c.type === 'HEADER').map((c) => c.format));
		expect([...headerFormats].sort()).toEqual(['DOCUMENT', 'IMAGE', 'LOCATION', 'PRODUCT', 'TEXT', 'VIDEO']);
		const buttonTypes = new Set(components.flatMap((c) => c.buttons ?? []).map((b) => b.type));
		for (const type of ['QUICK_REPLY', 'URL', 'COPY_CODE', 'FLOW', 'PHONE_NUMBER', 'OTP']) expect(buttonTypes).toContain(type);
		expect(new Set(seeded.map((t) => t.status))).toEqual(new Set(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED']));
		expect(seeded.some((t) => t.parameterFormat === 'NAMED')).toBe(true);
		expect(new Set(seeded.map((t) => t.id)).size).toBe(seeded.length);
	});

	test('the parameter spec of a template lists what a send must supply', () => {
		const seeded = seedTemplates();
		const order = findTemplate(seeded, 'order_confirmation', 'en_US')!;
		expect(templateParameterSpec(order)).toEqual({
			parameterFormat: 'POSITIONAL',
			header: { format: 'TEXT', count: 1, names: ['1'] },
			body: { count: 4, names: ['1', '2', '3', '4'] },
			buttons: [{ index: 0, subType: 'url', count: 1 }],
		});
		const named = findTemplate(seeded, 'greeting_header_named', 'en_US')!;
		expect(templateParameterSpec(named)).toMatchObject({
			parameterFormat: 'NAMED',
			header: { format: 'TEXT', count: 1, names: ['first_name'] },
			body: { count: 2, names: ['club_name', 'first_name'] },
		});
		expect(templateParameterSpec(findTemplate(seeded, 'shipping_image', 'en_US')!).header).toEqual({ format: 'IMAGE', count: 1, names: [] });
		expect(findTemplate(seeded, 'order_confirmation', 'it')).toBeUndefined();
	});
});
