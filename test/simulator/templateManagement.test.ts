/**
 * The simulator's template management against Meta's pages (each test names its page): create, create from the
 * Template Library, get, edit, delete, and Meta's checks and limits on each.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { shapeDifferences, type Json } from '../contract/fixtures';
import { call, type HttpResult } from './helpers';
import { startSimulator, type Simulator } from './index';

const V = 'v26.0';
let sim: Simulator;
let clock = Date.UTC(2026, 11, 1);

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none', clock: () => clock });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => {
	sim.reset();
	clock = Date.UTC(2026, 11, 1);
});

const body = (text: string, examples?: string[]) => (examples ? { type: 'BODY', text, example: { body_text: [examples] } } : { type: 'BODY', text });

function create(definition: Record<string, unknown>): Promise<HttpResult> {
	return call(sim, 'POST', `/${V}/${sim.fixture.wabaId}/message_templates`, { language: 'en_US', category: 'UTILITY', ...definition });
}

const errorOf = (response: HttpResult) => ({ status: response.status, code: response.body.error?.code, subcode: response.body.error?.error_subcode });

// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/custom-marketing-templates
describe('creating a template', () => {
	it('answers {id, status: PENDING, category} and the template is listed and readable by its ID', async () => {
		const created = await create({ name: 'shipping_notice', components: [body('Your parcel {{1}} ships today.', ['PKG-1'])] });
		expect(created.status).toBe(200);
		expect(created.body).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });
		const read = await call(sim, 'GET', `/${V}/${created.body.id}?fields=name,status,components`);
		expect(read.body).toEqual({ name: 'shipping_notice', status: 'PENDING', components: [body('Your parcel {{1}} ships today.', ['PKG-1'])], id: created.body.id });
		const listed = await call(sim, 'GET', `/${V}/${sim.fixture.wabaId}/message_templates?name=shipping_notice`);
		expect(listed.body.data.map((template: { id: string }) => template.id)).toEqual([created.body.id]);
	});

	it('refuses a second template of the same name and language, and takes it in another language', async () => {
		expect((await create({ name: 'twice', components: [body('Hello there.')] })).status).toBe(200);
		expect(errorOf(await create({ name: 'twice', components: [body('Hello again.')] }))).toEqual({ status: 400, code: 100, subcode: undefined });
		expect((await create({ name: 'twice', language: 'pt_BR', components: [body('Olá.')] })).status).toBe(200);
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview (Names)
	it('refuses a name with capitals or spaces', async () => {
		expect(errorOf(await create({ name: 'Order Update', components: [body('Hi.')] }))).toEqual({ status: 400, code: 100, subcode: undefined });
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes (Template creation errors)
	it.each([
		['a body over 1,024 characters', [body('x'.repeat(1025))], 2388040],
		['a header over 60 characters', [{ type: 'HEADER', format: 'TEXT', text: 'h'.repeat(61) }, body('Hi.')], 2388040],
		['a footer over 60 characters', [body('Hi.'), { type: 'FOOTER', text: 'f'.repeat(61) }], 2388040],
		['a body variable without its example', [body('Hi {{1}}, welcome.')], 2388072],
		['positional variables that skip a number', [body('Hi {{1}}, code {{3}} ok.', ['a', 'b'])], 2388072],
		['a body that starts with a variable', [body('{{1}} is your code.', ['123'])], 2388299],
		['a media header without an example handle', [{ type: 'HEADER', format: 'IMAGE' }, body('Hi.')], 2388047],
		['a button label over 25 characters', [body('Hi.'), { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'q'.repeat(26) }] }], 2388040],
		['a copy code example over 15 characters', [body('Hi.'), { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'C'.repeat(16) }] }], 2388040],
	])('answers %s with code 100 and Meta\'s subcode', async (_case, components, subcode) => {
		expect(errorOf(await create({ name: 'bad_template', components }))).toEqual({ status: 400, code: 100, subcode });
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components (Buttons)
	it.each([
		['three URL buttons', [1, 2, 3].map((n) => ({ type: 'URL', text: `Site ${n}`, url: `https://example.com/${n}` }))],
		['two phone number buttons', [1, 2].map((n) => ({ type: 'PHONE_NUMBER', text: `Call ${n}`, phone_number: `+1555000000${n}` }))],
		['eleven buttons', Array.from({ length: 11 }, (_, n) => ({ type: 'QUICK_REPLY', text: `Reply ${n}` }))],
		['quick replies split by a URL button', [{ type: 'QUICK_REPLY', text: 'A' }, { type: 'URL', text: 'Site', url: 'https://example.com' }, { type: 'QUICK_REPLY', text: 'B' }]],
	])('refuses %s', async (_case, buttons) => {
		expect(errorOf(await create({ name: 'bad_buttons', components: [body('Hi.'), { type: 'BUTTONS', buttons }] }))).toEqual({ status: 400, code: 100, subcode: undefined });
	});
});

const imageCard = (buttons: unknown[] = [{ type: 'QUICK_REPLY', text: 'More' }], extra: unknown[] = []) => ({
	components: [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::an...'] } }, ...extra, { type: 'BUTTONS', buttons }],
});

describe('carousel, limited-time offer and authentication templates', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
	it.each([
		['one card', [imageCard()]],
		['eleven cards', Array.from({ length: 11 }, () => imageCard())],
		['a card without a media header', [imageCard(), { components: [{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'More' }] }] }]],
		['a card body over 160 characters', [imageCard(undefined, [{ type: 'BODY', text: 'b'.repeat(161) }]), imageCard(undefined, [{ type: 'BODY', text: 'b' }])]],
		['three buttons on a card', [imageCard([1, 2, 3].map((n) => ({ type: 'QUICK_REPLY', text: `R${n}` }))), imageCard()]],
		['cards that differ', [imageCard(), imageCard([{ type: 'URL', text: 'Shop', url: 'https://example.com' }])]],
	])('refuses a carousel with %s', async (_case, cards) => {
		const response = await create({ name: 'bad_carousel', category: 'MARKETING', components: [body('Rare plants for you, today only.'), { type: 'CAROUSEL', cards }] });
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe(100);
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
	it('refuses an offer text over 16 characters, an offer body over 600 and an offer outside MARKETING', async () => {
		const offer = (text: string) => ({ type: 'LIMITED_TIME_OFFER', limited_time_offer: { text, has_expiration: true } });
		expect(errorOf(await create({ name: 'bad_offer', category: 'MARKETING', components: [offer('o'.repeat(17)), body('Deal.')] })).subcode).toBe(2388040);
		expect(errorOf(await create({ name: 'bad_offer', category: 'MARKETING', components: [offer('Ends soon'), body('d'.repeat(601))] })).subcode).toBe(2388040);
		expect(errorOf(await create({ name: 'bad_offer', category: 'UTILITY', components: [offer('Ends soon'), body('Deal.')] })).code).toBe(100);
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/authentication-templates
	it('refuses a code expiry over 90 minutes and an unknown OTP type', async () => {
		const auth = (footer: unknown, otp: unknown) => create({ name: 'bad_auth', category: 'AUTHENTICATION', components: [{ type: 'BODY', add_security_recommendation: true }, footer, { type: 'BUTTONS', buttons: [otp] }] });
		expect(errorOf(await auth({ type: 'FOOTER', code_expiration_minutes: 91 }, { type: 'OTP', otp_type: 'COPY_CODE' })).code).toBe(100);
		expect(errorOf(await auth({ type: 'FOOTER', code_expiration_minutes: 10 }, { type: 'OTP', otp_type: 'SMS' })).code).toBe(100);
		expect((await auth({ type: 'FOOTER', code_expiration_minutes: 10 }, { type: 'OTP', otp_type: 'COPY_CODE' })).status).toBe(200);
	});
});

// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-library
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
// https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates
describe('single-product and checkout button templates', () => {
	const product = { type: 'HEADER', format: 'PRODUCT' };
	const image = { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARZsim'] } };
	const buttons = (...list: Array<Record<string, string>>) => ({ type: 'BUTTONS', buttons: list });
	const marketing = (name: string, components: unknown[], category = 'MARKETING') => create({ name, category, components });

	it('creates an SPM template (no header example) and a checkout template', async () => {
		expect((await marketing('spm_ok', [product, body('Our newest succulent.'), buttons({ type: 'SPM', text: 'View' })])).status).toBe(200);
		expect((await marketing('checkout_ok', [image, body('Back in stock.'), buttons({ type: 'ORDER_DETAILS', text: 'Buy now' }, { type: 'QUICK_REPLY', text: 'Stop' })])).status).toBe(200);
	});

	it.each([
		['an SPM template that is not marketing', () => marketing('spm_utility', [product, body('Hi.'), buttons({ type: 'SPM', text: 'View' })], 'UTILITY'), undefined],
		['an SPM body over 160 characters', () => marketing('spm_long', [product, body('x'.repeat(161)), buttons({ type: 'SPM', text: 'View' })]), 2388040],
		['an SPM template with a quick reply', () => marketing('spm_quick', [product, body('Hi.'), buttons({ type: 'SPM', text: 'View' }, { type: 'QUICK_REPLY', text: 'No' })]), undefined],
		['a View button with other text', () => marketing('spm_text', [product, body('Hi.'), buttons({ type: 'SPM', text: 'Open' })]), undefined],
		['a checkout template with a text header', () => marketing('co_text', [{ type: 'HEADER', format: 'TEXT', text: 'Hi' }, body('Hi.'), buttons({ type: 'ORDER_DETAILS', text: 'Buy now' })]), 2388047],
		['a checkout template with a URL button', () => marketing('co_url', [image, body('Hi.'), buttons({ type: 'ORDER_DETAILS', text: 'Buy now' }, { type: 'URL', text: 'Shop', url: 'https://shop.example.com' })]), undefined],
		['two checkout buttons', () => marketing('co_two', [image, body('Hi.'), buttons({ type: 'ORDER_DETAILS', text: 'Buy now' }, { type: 'ORDER_DETAILS', text: 'Buy now' })]), undefined],
	])('refuses %s', async (_case, send, subcode) => {
		expect(errorOf(await send())).toEqual({ status: 400, code: 100, subcode });
	});
});

describe('the Template Library', () => {
	it('lists entries in the shape of the page\'s example (template-library-list.json), filtered by search', async () => {
		const fixture = JSON.parse(readFileSync(join(__dirname, '../contract/fixtures/requests/template-library-list.json'), 'utf8')) as { response: { body: Json } };
		const listed = await call(sim, 'GET', `/${V}/message_template_library?search=balance`);
		expect(listed.body.data.map((entry: { name: string }) => entry.name)).toEqual(['low_balance_warning_1']);
		expect(shapeDifferences(fixture.response.body, listed.body.data[0])).toEqual([]);
	});

	it('creates an approved UTILITY template from a library template with its button inputs', async () => {
		const created = await create({
			name: 'balance_alert',
			library_template_name: 'low_balance_warning_1',
			library_template_button_inputs: [{ type: 'URL', url: { base_url: 'https://bank.example.com/deposit' } }, { type: 'PHONE_NUMBER', phone_number: '+15550001111' }],
		});
		expect(created.body).toEqual({ id: expect.any(String), status: 'APPROVED', category: 'UTILITY' });
	});

	it('refuses a library template with buttons when their inputs are missing, and another category than UTILITY', async () => {
		expect(errorOf(await create({ name: 'balance_alert', library_template_name: 'low_balance_warning_1' })).code).toBe(100);
		expect(errorOf(await create({ name: 'balance_alert', category: 'MARKETING', library_template_name: 'low_balance_warning_1' })).code).toBe(100);
	});
});

// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-management
describe('editing and deleting', () => {
	const templateNamed = (name: string, status = 'APPROVED') => sim.fixture.templates.find((t) => t.name === name && t.status === status)!;

	it('edits an approved template\'s components once in 24 hours, never its category', async () => {
		const { id } = templateNamed('delivery_update');
		const edit = (payload: Record<string, unknown>) => call(sim, 'POST', `/${V}/${id}`, payload);
		expect(errorOf(await edit({ category: 'MARKETING' })).code).toBe(100);
		expect((await edit({ components: [body('Order {{1}} arrived at {{2}} today.', ['#1', '3 PM'])] })).body).toEqual({ success: true });
		expect(errorOf(await edit({ components: [body('Order {{1}} arrived.', ['#1'])] })).code).toBe(100);
		clock += 86_400_000 + 1;
		expect((await edit({ components: [body('Order {{1}} arrived.', ['#1'])] })).status).toBe(200);
	});

	it('refuses to edit a pending template', async () => {
		expect(errorOf(await call(sim, 'POST', `/${V}/${templateNamed('seasonal_promo', 'PENDING').id}`, { components: [body('Sale now on.')] })).code).toBe(100);
	});

	it('deletes every language by name, one by hsm_id and name, and keeps a deleted approved name 30 days', async () => {
		const path = `/${V}/${sim.fixture.wabaId}/message_templates`;
		const spanish = sim.fixture.templates.find((t) => t.name === 'order_confirmation' && t.language === 'es')!;
		expect((await call(sim, 'DELETE', `${path}?hsm_id=${spanish.id}&name=order_confirmation`)).body).toEqual({ success: true });
		expect(sim.fixture.templates.filter((t) => t.name === 'order_confirmation').map((t) => t.language)).toEqual(['en_US', 'pt_BR']);
		expect((await call(sim, 'DELETE', `${path}?name=order_confirmation`)).body).toEqual({ success: true });
		expect(sim.fixture.templates.some((t) => t.name === 'order_confirmation')).toBe(false);
		expect(errorOf(await create({ name: 'order_confirmation', components: [body('Thanks for order {{1}} today.', ['#1'])] })).code).toBe(100);
		clock += 31 * 86_400_000;
		expect((await create({ name: 'order_confirmation', components: [body('Thanks for order {{1}} today.', ['#1'])] })).status).toBe(200);
	});

	it('refuses to delete a disabled template', async () => {
		expect(errorOf(await call(sim, 'DELETE', `/${V}/${sim.fixture.wabaId}/message_templates?name=legacy_notice`)).code).toBe(100);
	});

	it('brings back the seeded templates at a reset', async () => {
		const before = sim.fixture.templates.map((t) => t.id);
		await call(sim, 'DELETE', `/${V}/${sim.fixture.wabaId}/message_templates?name=hello_world`);
		await create({ name: 'fresh_one', components: [body('Hi.')] });
		sim.reset();
		expect(sim.fixture.templates.map((t) => t.id)).toEqual(before);
	});

	// The review Meta does by itself, played through the control endpoint (overview page, "Template status").
	it('a review through /_sim/templates/review gives the template its status', async () => {
		const { id } = (await create({ name: 'to_review', components: [body('Your parcel ships today.')] })).body;
		const reviewed = await fetch(`${sim.url}/_sim/templates/review`, { method: 'POST', body: JSON.stringify({ templateId: id, event: 'REJECTED', reason: 'INVALID_FORMAT' }) });
		expect(reviewed.status).toBe(200);
		expect((await call(sim, 'GET', `/${V}/${id}?fields=status`)).body).toEqual({ status: 'REJECTED', id });
		const wrong = await fetch(`${sim.url}/_sim/templates/review`, { method: 'POST', body: JSON.stringify({ templateId: id, event: 'MAYBE' }) });
		expect(wrong.status).toBe(400);
	});

	it('counts template calls in the management budget', async () => {
		await call(sim, 'GET', `/${V}/${templateNamed('hello_world').id}`);
		await call(sim, 'GET', `/${V}/message_template_library`);
		expect(sim.counters().managementCalls[sim.fixture.wabaId]).toBe(2);
	});
});
