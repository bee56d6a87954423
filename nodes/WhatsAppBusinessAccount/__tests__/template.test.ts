/**
 * The WhatsApp Business Account node's template operations in real workflows (n8n-core WorkflowExecute) against the
 * simulator over HTTP. Request shapes are Meta's:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/custom-marketing-templates (create)
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-management (list, edit, delete)
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-library (library)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWorkflow } from '../../../test/harness';
import { startSimulator } from '../../../test/simulator';
import type { Simulator } from '../../../test/simulator';
import { destroyGraphClients } from '../../shared/transport';
import { clearManagementCache } from '../../../test/support/testHooks';

let sim: Simulator;

const credentials = () => ({
	whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId },
});

async function run(parameters: INodeParameters, inputItems?: IDataObject[], continueOnFail = false) {
	return runWorkflow({
		nodes: [{ name: 'Account', type: 'whatsAppBusinessAccount', parameters: { resource: 'template', ...parameters }, continueOnFail }],
		credentials: credentials(),
		inputItems,
	});
}

/** The calls the simulator saw to template endpoints (the gate may also read the account's numbers). */
const templateCalls = () => sim.requests().filter((request) => !request.path.endsWith('/phone_numbers'));
const sentBody = (method: string) => JSON.parse(templateCalls().find((request) => request.method === method)!.body) as IDataObject;

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

describe('List', () => {
	it('returns every template, one item each, following Meta\'s pages', async () => {
		const result = await run({ operation: 'list', returnAll: true });
		expect(result.status).toBe('success');
		expect(result.outputs('Account').map((template) => template.id)).toEqual(sim.fixture.templates.map((template) => template.id));
		expect(templateCalls().length).toBe(1);
	});

	it('stops at the Limit and sends the filters as Meta names them', async () => {
		const result = await run({ operation: 'list', returnAll: false, limit: 2, filters: { status: 'APPROVED', category: 'UTILITY', language: 'en_US' } });
		expect(result.outputs('Account').map((template) => [template.status, template.category, template.language])).toEqual([
			['APPROVED', 'UTILITY', 'en_US'],
			['APPROVED', 'UTILITY', 'en_US'],
		]);
		expect(new URLSearchParams(templateCalls()[0].query).get('status')).toBe('APPROVED');
		expect(new URLSearchParams(templateCalls()[0].query).get('category')).toBe('UTILITY');
		// Meta offers a next page, but the Limit is reached: no second call.
		expect(templateCalls().length).toBe(1);
	});

	it('returns every template there is when the Limit is above their count', async () => {
		const result = await run({ operation: 'list', returnAll: false, limit: 120 });
		expect(result.outputs('Account').length).toBe(sim.fixture.templates.length);
	});

	it('counts its calls in the management budget, not the messaging one', async () => {
		await run({ operation: 'list', returnAll: true });
		expect(sim.counters().managementCalls[sim.fixture.wabaId]).toBe(sim.requests().length);
	});
});

describe('Get', () => {
	it('outputs the template\'s definition by ID', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.name === 'welcome_named')!;
		const result = await run({ operation: 'get', templateId: template.id });
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ id: template.id, name: 'welcome_named', parameter_format: 'NAMED', status: 'APPROVED' })]);
	});

	it('turns Meta\'s unknown-object answer into an item error with its code', async () => {
		const result = await run({ operation: 'get', templateId: '999' }, undefined, true);
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ code: 100, retryable: false })]);
	});
});

describe('Create', () => {
	it('sends the fields as Meta\'s components, with the examples Meta requires, and outputs the pending template', async () => {
		const result = await run({
			operation: 'create',
			templateName: 'order_shipped',
			templateLanguage: 'en_US',
			category: 'UTILITY',
			headerFormat: 'TEXT',
			headerText: 'Order {{1}} shipped',
			headerExample: '#4512',
			bodyText: 'Hi {{1}}, your order {{2}} is on its way.',
			bodyExamples: { example: [{ variable: '2', value: '#4512' }, { variable: '1', value: 'Ana' }] },
			footerText: 'Reply STOP to opt out',
			templateButtons: {
				button: [
					{ type: 'URL', text: 'Track order', url: 'https://shop.example.com/track/{{1}}', urlExample: 'https://shop.example.com/track/4512' },
					{ type: 'PHONE_NUMBER', text: 'Call us', phoneNumber: '+15550051310' },
					{ type: 'QUICK_REPLY', text: 'Thanks' },
				],
			},
		});
		expect(result.status).toBe('success');
		expect(sentBody('POST')).toEqual({
			name: 'order_shipped',
			language: 'en_US',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}} shipped', example: { header_text: ['#4512'] } },
				{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.', example: { body_text: [['Ana', '#4512']] } },
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'Track order', url: 'https://shop.example.com/track/{{1}}', example: ['https://shop.example.com/track/4512'] },
						{ type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550051310' },
						{ type: 'QUICK_REPLY', text: 'Thanks' },
					],
				},
			],
		});
		expect(result.outputs('Account')).toEqual([{ id: expect.any(String), status: 'PENDING', category: 'UTILITY', name: 'order_shipped', language: 'en_US' }]);
		expect(sim.fixture.templates.some((template) => template.name === 'order_shipped')).toBe(true);
	});

	it('sends named parameters with body_text_named_params', async () => {
		await run({
			operation: 'create',
			templateName: 'welcome_pablo',
			templateLanguage: 'en_US',
			category: 'MARKETING',
			parameterFormat: 'NAMED',
			bodyText: 'Welcome, {{first_name}}! Use code {{discount_code}} today.',
			bodyExamples: { example: [{ variable: 'first_name', value: 'Pablo' }, { variable: '{{discount_code}}', value: 'WELCOME20' }] },
		});
		expect((sentBody('POST').components as IDataObject[])[0]).toEqual({
			type: 'BODY',
			text: 'Welcome, {{first_name}}! Use code {{discount_code}} today.',
			example: { body_text_named_params: [{ param_name: 'first_name', example: 'Pablo' }, { param_name: 'discount_code', example: 'WELCOME20' }] },
		});
	});

	it('sends Meta\'s own example components given as JSON', async () => {
		// The custom marketing templates page's example request.
		const components = [
			{ type: 'header', format: 'image', example: { header_handle: ['4::aW...'] } },
			{
				type: 'body',
				text: 'Welcome to Lucky Shrub, {{first_name}}!\n\nUse code *{{discount_code}}* to get {{discount_amount}} off of your first purchase!',
				example: {
					body_text_named_params: [
						{ param_name: 'first_name', example: 'Pablo' },
						{ param_name: 'discount_code', example: 'WELCOME20' },
						{ param_name: 'discount_amount', example: '20%' },
					],
				},
			},
			{ type: 'footer', text: 'Lucky Shrub: Your gateway to succulents!' },
			{ type: 'buttons', buttons: [{ type: 'url', text: 'View deals', url: 'https://www.luckyshrub.com/deals' }, { type: 'phone_number', text: 'Call us', phone_number: '+15550051310' }, { type: 'quick_reply', text: 'Unsubscribe' }] },
		];
		const result = await run({
			operation: 'create',
			templateName: 'welcome_discount_template',
			templateLanguage: 'en_US',
			category: 'MARKETING',
			parameterFormat: 'NAMED',
			defineBy: 'json',
			componentsJson: JSON.stringify(components),
		});
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING', category: 'MARKETING' })]);
	});
});

/** A fixture's documented request body (test/contract/fixtures, each naming its Meta page). */
function documentedBody(name: string): IDataObject {
	return (JSON.parse(readFileSync(join(__dirname, '../../../test/contract/fixtures/requests', `${name}.json`), 'utf8')) as { request: { body: IDataObject } }).request.body;
}

describe('Create with carousel, limited-time offer and authentication components (JSON)', () => {
	it.each([
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
		['template-create-carousel', 'MARKETING'],
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/product-card-carousel-templates
		['template-create-carousel-product-cards', 'MARKETING'],
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
		['template-create-limited-time-offer', 'MARKETING'],
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates
		['template-create-authentication-one-tap', 'AUTHENTICATION'],
	])('sends Meta\'s example %s as documented and outputs the pending template', async (fixture, category) => {
		const documented = documentedBody(fixture);
		// Meta's send examples use these names too, so the simulator holds them: the account deletes it first.
		sim.fixture.templates = sim.fixture.templates.filter((template) => template.name !== documented.name);
		const result = await run({
			operation: 'create',
			templateName: documented.name as string,
			templateLanguage: 'en_US',
			category,
			defineBy: 'json',
			componentsJson: JSON.stringify(documented.components),
		});
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING', category })]);
		expect((sentBody('POST').components as IDataObject[]).map((component) => String(component.type).toUpperCase())).toEqual(
			(documented.components as IDataObject[]).map((component) => String(component.type).toUpperCase()),
		);
	});
});

describe('Create From Library', () => {
	it('sends the library template\'s name and button inputs and outputs the approved template', async () => {
		const result = await run({
			operation: 'createFromLibrary',
			templateName: 'balance_alert',
			templateLanguage: 'en_US',
			libraryTemplateName: 'low_balance_warning_1',
			libraryButtons: { button: [{ type: 'URL', baseUrl: 'https://bank.example.com/{{1}}', urlSuffixExample: 'https://bank.example.com/deposit' }, { type: 'PHONE_NUMBER', phoneNumber: '+16315551010' }] },
		});
		expect(sentBody('POST')).toEqual({
			name: 'balance_alert',
			language: 'en_US',
			category: 'UTILITY',
			library_template_name: 'low_balance_warning_1',
			library_template_button_inputs: [
				{ type: 'URL', url: { base_url: 'https://bank.example.com/{{1}}', url_suffix_example: 'https://bank.example.com/deposit' } },
				{ type: 'PHONE_NUMBER', phone_number: '+16315551010' },
			],
		});
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'APPROVED', name: 'balance_alert', libraryTemplateName: 'low_balance_warning_1' })]);
	});
});

describe('Edit', () => {
	it('replaces the components and outputs the template as it now stands', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.name === 'delivery_update' && candidate.language === 'en_US')!;
		const result = await run({ operation: 'edit', templateId: template.id, bodyText: 'Order {{1}} was delivered at {{2}} today.', bodyExamples: { example: [{ variable: '1', value: '#1' }, { variable: '2', value: '3 PM' }] } });
		expect(sentBody('POST')).toEqual({ components: [{ type: 'BODY', text: 'Order {{1}} was delivered at {{2}} today.', example: { body_text: [['#1', '3 PM']] } }] });
		expect(result.outputs('Account')).toEqual([
			expect.objectContaining({ success: true, id: template.id, name: 'delivery_update', components: [expect.objectContaining({ text: 'Order {{1}} was delivered at {{2}} today.' })] }),
		]);
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/copy-code-button-authentication-templates:
	// an authentication body is Meta's fixed text, given only as add_security_recommendation.
	it('checks an authentication template\'s new components against its kept category, read from Meta first', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.name === 'verification_code')!;
		const components = [{ type: 'BODY', add_security_recommendation: true }, { type: 'FOOTER', code_expiration_minutes: 5 }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }];
		const result = await run({ operation: 'edit', templateId: template.id, editCategory: 'keep', defineBy: 'json', componentsJson: JSON.stringify(components) });
		expect(result.nodeError('Account')).toBeUndefined();
		expect(templateCalls().map((request) => request.method)).toEqual(['GET', 'POST', 'GET']);
		expect(sentBody('POST')).toEqual({ components });
	});

	it('refuses a body without text for a template whose kept category is not authentication, sending nothing', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.name === 'delivery_update' && candidate.language === 'en_US')!;
		const result = await run({ operation: 'edit', templateId: template.id, editCategory: 'keep', defineBy: 'json', componentsJson: JSON.stringify([{ type: 'BODY', add_security_recommendation: true }]) });
		expect(result.nodeError('Account')?.message).toContain('Item 1: "Components (JSON) › [0].text"');
		expect(templateCalls().filter((request) => request.method === 'POST')).toEqual([]);
	});

	it('sends only the category when the components are kept', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.status === 'REJECTED')!;
		await run({ operation: 'edit', templateId: template.id, editCategory: 'MARKETING', replaceComponents: false });
		expect(sentBody('POST')).toEqual({ category: 'MARKETING' });
	});

	it('reports Meta\'s refusal to change an approved template\'s category as an item error', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.name === 'hello_world')!;
		const result = await run({ operation: 'edit', templateId: template.id, editCategory: 'MARKETING', replaceComponents: false });
		expect(result.status).toBe('error');
		expect(result.nodeError('Account')?.message).toMatch(/^Item 1: /);
	});
});

// message_send_ttl_seconds on create and edit, its ranges per category and -1 (30 days):
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/time-to-live
describe('Message time-to-live', () => {
	const ttl = (seconds: unknown): INodeParameters => ({ templateOptions: { messageSendTtlSeconds: seconds } as INodeParameters });

	it.each([
		['AUTHENTICATION', 900, [{ type: 'BODY', add_security_recommendation: true }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }]],
		['UTILITY', -1, undefined],
		['MARKETING', 2592000, undefined],
	] as Array<[string, number, unknown[] | undefined]>)('a %s template is created with the time-to-live %s', async (category, seconds, components) => {
		const definition = components ? { defineBy: 'json', componentsJson: JSON.stringify(components) } : {};
		const result = await run({ ...create({ category, ...definition }), ...ttl(seconds) });
		expect(result.status).toBe('success');
		expect(sentBody('POST')).toEqual(expect.objectContaining({ category, message_send_ttl_seconds: seconds }));
		expect(sim.fixture.templates.find((template) => template.id === result.outputs('Account')[0].id)?.messageSendTtlSeconds).toBe(seconds);
	});

	it('sends no time-to-live when the option is not set: Meta keeps its default', async () => {
		await run(create({}));
		expect(sentBody('POST')).not.toHaveProperty('message_send_ttl_seconds');
	});

	it('an edit can change only the time-to-live, checked against the category Meta holds before the edit is sent', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.name === 'delivery_update' && candidate.language === 'en_US')!;
		expect(template.category).toBe('UTILITY');
		const result = await run({ operation: 'edit', templateId: template.id, editCategory: 'keep', replaceComponents: false, ...ttl(3600) });
		expect(result.status).toBe('success');
		expect(sentBody('POST')).toEqual({ message_send_ttl_seconds: 3600 });
		expect(template.messageSendTtlSeconds).toBe(3600);
	});

	it('an edit\'s time-to-live outside the kept category\'s range fails after reading the category, before the edit', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.name === 'delivery_update' && candidate.language === 'en_US')!;
		const result = await run({ operation: 'edit', templateId: template.id, editCategory: 'keep', replaceComponents: false, ...ttl(86400) });
		expect(result.nodeError('Account')?.message).toContain('Item 1: "Options › Message Time-to-Live (Seconds)" is 86400: Meta takes a time-to-live of utility 30 to 43200 or -1 (30 days) seconds');
		expect(templateCalls().map((request) => request.method)).toEqual(['GET']);
	});

	it('the simulator refuses a time-to-live outside the category\'s range, as Meta\'s page sets it', async () => {
		const res = await fetch(`${sim.url}/v26.0/${sim.fixture.wabaId}/message_templates`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.fixture.accessToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'ttl_check', language: 'en_US', category: 'MARKETING', message_send_ttl_seconds: 120, components: [{ type: 'BODY', text: 'Sale now on.' }] }),
		});
		expect(res.status).toBe(400);
		expect(JSON.stringify(await res.json())).toContain('message_send_ttl_seconds');
	});
});

describe('Delete', () => {
	it('deletes every language of a name', async () => {
		const result = await run({ operation: 'delete', deleteBy: 'name', templateName: 'order_confirmation' });
		expect(new URLSearchParams(templateCalls()[0].query).toString()).toBe('name=order_confirmation');
		expect(result.outputs('Account')).toEqual([{ success: true, name: 'order_confirmation' }]);
		expect(sim.fixture.templates.some((template) => template.name === 'order_confirmation')).toBe(false);
	});

	it('deletes one language by ID, sending the name with it as Meta wants', async () => {
		const spanish = sim.fixture.templates.find((template) => template.name === 'order_confirmation' && template.language === 'es')!;
		await run({ operation: 'delete', deleteBy: 'id', templateName: 'order_confirmation', templateId: spanish.id });
		expect(Object.fromEntries(new URLSearchParams(templateCalls()[0].query))).toEqual({ name: 'order_confirmation', hsm_id: spanish.id });
		expect(sim.fixture.templates.filter((template) => template.name === 'order_confirmation').map((template) => template.language)).toEqual(['en_US', 'pt_BR']);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Every field Meta limits fails before any call, naming the item and the field
// ---------------------------------------------------------------------------------------------------------------

/** JSON-mode definitions that break one of Meta's carousel, offer or authentication limits, each with the field named. */
function carouselAndOfferCases(): Array<[string, INodeParameters, string]> {
	const json = (category: string, components: unknown[]) => create({ category, defineBy: 'json', componentsJson: JSON.stringify(components) });
	const card = (extra: unknown[] = [], buttons: unknown[] = [{ type: 'QUICK_REPLY', text: 'More' }]) => ({
		components: [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::an...'] } }, ...extra, { type: 'BUTTONS', buttons }],
	});
	const productCard = (buttons: number) => ({ components: [{ type: 'HEADER', format: 'PRODUCT' }, { type: 'BUTTONS', buttons: Array.from({ length: buttons }, () => ({ type: 'SPM', text: 'View' })) }] });
	const carousel = (cards: unknown[]) => json('MARKETING', [{ type: 'BODY', text: 'Rare plants, today only.' }, { type: 'CAROUSEL', cards }]);
	const offer = (text: string, bodyText = 'Deal of the day.') => json('MARKETING', [{ type: 'LIMITED_TIME_OFFER', limited_time_offer: { text, has_expiration: true } }, { type: 'BODY', text: bodyText }]);
	const auth = (footer: unknown, otp: unknown) => json('AUTHENTICATION', [{ type: 'BODY', add_security_recommendation: true }, footer, { type: 'BUTTONS', buttons: [otp] }]);
	return [
		['a carousel of one card', carousel([card()]), '"Components (JSON) › [1].cards" has 1 cards; a carousel has 2 to 10'],
		['a carousel of eleven cards', carousel(Array.from({ length: 11 }, () => card())), '"Components (JSON) › [1].cards" has 11 cards'],
		['a card without a media header', carousel([card(), { components: [{ type: 'BODY', text: 'x' }] }]), '"Components (JSON) › [1].cards[1].components" needs an IMAGE, VIDEO or PRODUCT header'],
		['two buttons on a product card (Meta: "a single View button or URL button")', carousel([productCard(2), productCard(2)]), '"Components (JSON) › [1].cards[0].components[1].buttons" has 2 buttons; a product card has 1'],
		['body examples as a flat list', json('MARKETING', [{ type: 'BODY', text: 'Hi {{1}}, see {{2}} today.', example: { body_text: ['Ana', 'this'] } }]), '"Components (JSON) › [0].example" has body_text as a flat list'],
		['a card body over 160 characters', carousel([card([{ type: 'BODY', text: 'b'.repeat(161) }]), card([{ type: 'BODY', text: 'b' }])]), '"Components (JSON) › [1].cards[0].components[1].text" is 161 characters long'],
		['three buttons on a card', carousel([card([], [1, 2, 3].map((n) => ({ type: 'QUICK_REPLY', text: `R${n}` }))), card()]), '"Components (JSON) › [1].cards[0].components[1].buttons" has 3 buttons'],
		['cards that differ', carousel([card(), card([{ type: 'BODY', text: 'x' }])]), '"Components (JSON) › [1].cards[1].components" differs from the first card'],
		['a carousel outside MARKETING', json('UTILITY', [{ type: 'BODY', text: 'Rare plants, today.' }, { type: 'CAROUSEL', cards: [card(), card()] }]), '"Components (JSON) › [1].type" is a carousel, which only MARKETING templates can have'],
		['an offer text over 16 characters', offer('o'.repeat(17)), '"Components (JSON) › [0].limited_time_offer.text" is 17 characters long'],
		['an offer body over 600 characters', offer('Ends soon', `Deal ${'d'.repeat(600)}`), '"Components (JSON) › [1].text" is 605 characters long; Meta allows at most 600'],
		['a code expiry over 90 minutes', auth({ type: 'FOOTER', code_expiration_minutes: 91 }, { type: 'OTP', otp_type: 'COPY_CODE' }), '"Components (JSON) › [1].code_expiration_minutes" is 91'],
		['an OTP type Meta does not know', auth({ type: 'FOOTER', code_expiration_minutes: 10 }, { type: 'OTP', otp_type: 'SMS' }), '"Components (JSON) › [2].buttons[0].otp_type" is "SMS"'],
		['a one-tap button without package name', auth({ type: 'FOOTER', code_expiration_minutes: 10 }, { type: 'OTP', otp_type: 'ONE_TAP', signature_hash: 'K8a/AINcGX7' }), '"Components (JSON) › [2].buttons[0].package_name" is ""'],
		['a one-tap button with a bad signature hash', auth({ type: 'FOOTER', code_expiration_minutes: 10 }, { type: 'OTP', otp_type: 'ONE_TAP', package_name: 'com.example.app', signature_hash: 'not a hash!' }), '"Components (JSON) › [2].buttons[0].signature_hash" is "not a hash!"'],
	];
}

const create = (fields: INodeParameters): INodeParameters => ({ operation: 'create', templateName: 'limits_check', templateLanguage: 'en_US', category: 'UTILITY', bodyText: 'Hello there.', ...fields });
const buttons = (...list: IDataObject[]): INodeParameters => ({ templateButtons: { button: list } as INodeParameters });
const button = (fields: IDataObject): INodeParameters => buttons(fields);

// Limits: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components, names and
// parameters: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview.
const BAD_INPUT: Array<[string, INodeParameters, string]> = [
	['a name with capitals and spaces', create({ templateName: 'Order Update' }), '"Template Name" is "Order Update"'],
	['a name over 512 characters', create({ templateName: 'a'.repeat(513) }), '"Template Name" is 513 characters long'],
	['a language that is no code', create({ templateLanguage: 'english' }), '"Language" is "english"'],
	['a header over 60 characters', create({ headerFormat: 'TEXT', headerText: 'h'.repeat(61) }), '"Header Text" is 61 characters long'],
	['a header with two variables', create({ headerFormat: 'TEXT', headerText: 'Hi {{1}} {{2}}', headerExample: 'x' }), '"Header Text" has 2 variables'],
	['a header variable without example', create({ headerFormat: 'TEXT', headerText: 'Order {{1}}' }), '"Header Variable Example" gives 0 example value(s) for 1 variable(s)'],
	['a media header without handle', create({ headerFormat: 'IMAGE' }), '"Header Media Handle" is empty'],
	['a body over 1,024 characters', create({ bodyText: 'b'.repeat(1025) }), '"Body Text" is 1025 characters long'],
	['an empty body', create({ bodyText: ' ' }), '"Body Text" is empty'],
	['a body variable without example', create({ bodyText: 'Hi {{1}}, welcome.' }), '"Body Variable Examples" gives 0 example value(s) for 1 variable(s)'],
	['an example for no variable', create({ bodyText: 'Hi {{1}}, ok.', bodyExamples: { example: [{ variable: '1', value: 'a' }, { variable: '2', value: 'b' }] } }), '"Body Variable Examples" has an example for "2"'],
	['positional variables that skip a number', create({ bodyText: 'Hi {{1}} and {{3}} ok.' }), '"Body Text" numbers its variables {{1}}, {{3}}'],
	['a body starting with a variable', create({ bodyText: '{{1}} is your code, thanks.', bodyExamples: { example: [{ variable: '1', value: '12' }] } }), '"Body Text" starts or ends with a variable'],
	['a positional variable in named format', create({ parameterFormat: 'NAMED', bodyText: 'Hi {{1}}, ok.' }), '"Body Text" has the variable "{{1}}"'],
	['a named variable missing its example', create({ parameterFormat: 'NAMED', bodyText: 'Hi {{first_name}}, ok.' }), '"Body Variable Examples" has no example for {{first_name}}'],
	['a footer over 60 characters', create({ footerText: 'f'.repeat(61) }), '"Footer Text" is 61 characters long'],
	['a button label over 25 characters', create(button({ type: 'QUICK_REPLY', text: 'q'.repeat(26) })), '"Buttons › Button #1 › Text" is 26 characters long'],
	['a button without label', create(button({ type: 'QUICK_REPLY', text: '' })), '"Buttons › Button #1 › Text" is empty'],
	['a third URL button', create(buttons(...[1, 2, 3].map((n) => ({ type: 'URL', text: `Site ${n}`, url: `https://example.com/${n}` })))), '"Buttons › Button #3 › Type" is one URL button too many'],
	['a second phone number button', create(buttons({ type: 'PHONE_NUMBER', text: 'A', phoneNumber: '+1555' }, { type: 'PHONE_NUMBER', text: 'B', phoneNumber: '+1556' })), '"Buttons › Button #2 › Type" is one PHONE_NUMBER button too many'],
	['eleven buttons', create(buttons(...Array.from({ length: 11 }, (_, n) => ({ type: 'QUICK_REPLY', text: `R${n}` })))), '"Buttons" has 11 buttons'],
	['quick replies split by a URL', create(buttons({ type: 'QUICK_REPLY', text: 'A' }, { type: 'URL', text: 'Site', url: 'https://example.com' }, { type: 'QUICK_REPLY', text: 'B' })), '"Buttons" mixes quick-reply buttons'],
	['a URL over 2,000 characters', create(button({ type: 'URL', text: 'Site', url: `https://example.com/${'u'.repeat(2000)}` })), '"Buttons › Button #1 › URL" is 2020 characters long'],
	['a URL that is no URL', create(button({ type: 'URL', text: 'Site', url: 'example.com' })), '"Buttons › Button #1 › URL" is "example.com"'],
	['a URL variable in the middle', create(button({ type: 'URL', text: 'Site', url: 'https://example.com/{{1}}/x', urlExample: 'https://example.com/a/x' })), '"Buttons › Button #1 › URL" may have one variable'],
	['a URL variable without example', create(button({ type: 'URL', text: 'Site', url: 'https://example.com/{{1}}' })), '"Buttons › Button #1 › URL Example" is empty'],
	['a phone number over 20 characters', create(button({ type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '+1'.padEnd(21, '5') })), '"Buttons › Button #1 › Phone Number" is 21 characters long'],
	['a copy code over 15 characters', create(button({ type: 'COPY_CODE', code: 'C'.repeat(16) })), '"Buttons › Button #1 › Example Code" is 16 characters long'],
	['components JSON that is not JSON', create({ defineBy: 'json', componentsJson: '[{ "type": ' }), '"Components (JSON)" is not valid JSON'],
	['a JSON body over 1,024 characters', create({ defineBy: 'json', componentsJson: JSON.stringify([{ type: 'BODY', text: 'b'.repeat(1025) }]) }), '"Components (JSON) › [0].text" is 1025 characters long'],
	['JSON without a body', create({ defineBy: 'json', componentsJson: JSON.stringify([{ type: 'FOOTER', text: 'x' }]) }), '"Components (JSON) › [1].text" is missing'],
	...carouselAndOfferCases(),
	['an edit that changes nothing', { operation: 'edit', templateId: '123', editCategory: 'keep', replaceComponents: false }, '"Category" is Keep, Replace Components is off and no time-to-live is set'],
	['a utility time-to-live over 12 hours', create({ templateOptions: { messageSendTtlSeconds: 43201 } }), '"Options › Message Time-to-Live (Seconds)" is 43201: Meta takes a time-to-live of utility 30 to 43200 or -1 (30 days) seconds'],
	['a time-to-live under 30 seconds', create({ templateOptions: { messageSendTtlSeconds: 29 } }), '"Options › Message Time-to-Live (Seconds)" is 29'],
	['an authentication time-to-live over 15 minutes', create({ category: 'AUTHENTICATION', defineBy: 'json', componentsJson: JSON.stringify([{ type: 'BODY', add_security_recommendation: true }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }]), templateOptions: { messageSendTtlSeconds: 901 } }), '"Options › Message Time-to-Live (Seconds)" is 901: Meta takes a time-to-live of authentication 30 to 900'],
	['a marketing time-to-live of -1', create({ category: 'MARKETING', templateOptions: { messageSendTtlSeconds: -1 } }), '"Options › Message Time-to-Live (Seconds)" is -1: Meta takes a time-to-live of marketing 43200 to 2592000 seconds'],
	['a time-to-live in part seconds', create({ templateOptions: { messageSendTtlSeconds: 60.5 } }), '"Options › Message Time-to-Live (Seconds)" is "60.5": Meta takes whole seconds'],
	['an edit time-to-live no category allows', { operation: 'edit', templateId: '123', editCategory: 'keep', replaceComponents: false, templateOptions: { messageSendTtlSeconds: 5000000 } }, '"Options › Message Time-to-Live (Seconds)" is 5000000'],
	['an edit to MARKETING with a utility time-to-live', { operation: 'edit', templateId: '123', editCategory: 'MARKETING', replaceComponents: false, templateOptions: { messageSendTtlSeconds: 600 } }, '"Options › Message Time-to-Live (Seconds)" is 600: Meta takes a time-to-live of marketing'],
	['a template ID that is no ID', { operation: 'get', templateId: 'order_confirmation' }, '"Template ID" is "order_confirmation"'],
	['a delete by ID without ID (an expression that gives nothing)', { operation: 'delete', deleteBy: 'id', templateName: 'order_confirmation', templateId: '={{ $json.missing }}' }, '"Template ID" is empty'],
	['a list Limit of 0', { operation: 'list', returnAll: false, limit: 0 }, '"Limit" is 0'],
	['a list language that is no code', { operation: 'list', returnAll: true, filters: { language: 'English' } }, '"Filters › Language" is "English"'],
	['a library name with capitals', { operation: 'createFromLibrary', templateName: 'x', templateLanguage: 'en_US', libraryTemplateName: 'Low Balance' }, '"Library Template Name" is "Low Balance"'],
	['a library base URL that is no URL', { operation: 'createFromLibrary', templateName: 'x', templateLanguage: 'en_US', libraryTemplateName: 'low_balance_warning_1', libraryButtons: { button: [{ type: 'URL', baseUrl: 'bank' }] } }, '"Button Inputs › Button #1 › Base URL" is "bank"'],
	['a library URL variable without example', { operation: 'createFromLibrary', templateName: 'x', templateLanguage: 'en_US', libraryTemplateName: 'low_balance_warning_1', libraryButtons: { button: [{ type: 'URL', baseUrl: 'https://bank.example.com/{{1}}' }] } }, '"Button Inputs › Button #1 › URL Suffix Example" is empty'],
	['a library phone number over 20 characters', { operation: 'createFromLibrary', templateName: 'x', templateLanguage: 'en_US', libraryTemplateName: 'low_balance_warning_1', libraryButtons: { button: [{ type: 'PHONE_NUMBER', phoneNumber: '+1'.padEnd(21, '5') }] } }, '"Button Inputs › Button #1 › Phone Number" is 21 characters long'],
];

describe('bad input fails before any call, naming the item and the field', () => {
	it.each(BAD_INPUT)('%s', async (_case, parameters, message) => {
		const result = await run(parameters);
		expect(result.status).toBe('error');
		expect(result.nodeError('Account')?.message).toContain(`Item 1: ${message}`);
		expect(sim.requests()).toEqual([]);
	});

	it('checks every item before calling Meta for any of them', async () => {
		const result = await run(create({ templateName: '={{ $json.name }}' }), [{ name: 'good_one' }, { name: 'Bad One' }]);
		expect(result.nodeError('Account')?.message).toContain('Item 2: "Template Name" is "Bad One"');
		expect(sim.requests()).toEqual([]);
	});

	it('with continue on fail, outputs the bad item as an error and still creates the good one', async () => {
		const result = await run(create({ templateName: '={{ $json.name }}' }), [{ name: 'Bad One' }, { name: 'good_one' }], true);
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ error: expect.stringContaining('"Template Name"'), retryable: false }), expect.objectContaining({ status: 'PENDING', name: 'good_one' })]);
	});
});
