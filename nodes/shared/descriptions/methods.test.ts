/**
 * The shared list searches and template look-ups, called as n8n calls them, against the simulator over HTTP.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { destroyGraphClients } from '../transport';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { defaultFixture } from '../../../test/simulator/fixture';
import { getPhoneNumberId, PhoneNumberIdError } from './phoneNumber';
import { startHttpServer, type RawServer } from '../../../test/harness/rawServers';
import {
	getTemplateFields,
	getTemplateHeaders,
	getTemplateLanguages,
	getTemplateVariables,
	MAX_TEMPLATE_PAGES,
	searchPhoneNumbers,
	searchTemplates,
} from './methods';

let sim: Simulator;

/** 130 numbers: more than one page of 100. */
const manyNumbers = Array.from({ length: 130 }, (_, i) => ({
	...defaultFixture().phoneNumbers[0],
	id: String(310000000000000 + i),
	displayPhoneNumber: `+1 555-01${String(i).padStart(2, '0')}`,
	verifiedName: i === 42 ? 'Casa Verde Support' : `Shop ${i}`,
}));

function loadOptionsContext(parameters: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}): ILoadOptionsFunctions {
	return {
		getCredentials: async () => ({ accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId, ...credentials }),
		getNode: () => ({ id: '1', name: 'Send', type: 'whatsAppSendMessage', typeVersion: 1, position: [0, 0], parameters: {} }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
	} as unknown as ILoadOptionsFunctions;
}

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none', fixture: { phoneNumbers: manyNumbers } });
});
afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

describe('searchPhoneNumbers', () => {
	it('lists display number and verified name, valued by phone number ID, and pages on', async () => {
		const first = await searchPhoneNumbers.call(loadOptionsContext());
		expect(first.results).toHaveLength(100);
		expect(first.results[0]).toMatchObject({ name: '+1 555-0100 · Shop 0', value: '310000000000000' });
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await searchPhoneNumbers.call(loadOptionsContext(), undefined, first.paginationToken);
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
	});

	it('filters by verified name', async () => {
		const found = await searchPhoneNumbers.call(loadOptionsContext(), 'casa verde');
		expect(found.results.map((r) => r.value)).toEqual(['310000000000042']);
	});

	it('filters by the number as people type it', async () => {
		const found = await searchPhoneNumbers.call(loadOptionsContext(), '555 0142');
		expect(found.results.map((r) => r.value)).toEqual(['310000000000042']);
	});

	it('explains a credential without a WhatsApp Business Account ID', async () => {
		await expect(searchPhoneNumbers.call(loadOptionsContext({}, { wabaId: '' }))).rejects.toThrow(/no WhatsApp Business Account ID/);
	});
});

describe('searchTemplates', () => {
	// n8n's list shows an entry's name only (not its description): what tells templates apart is in the name.
	it('lists each template once, named with its languages, category and the start of its body', async () => {
		const found = await searchTemplates.call(loadOptionsContext(), 'order_conf');
		expect(found.results).toEqual([
			{ name: 'order_confirmation (en_US, pt_BR, es · Utility): Hi {{1}}, your order {{2}} of {{3}} is confirmed and will…', value: 'order_confirmation' },
		]);
	});

	it('shows a template that is not approved with its status', async () => {
		const found = await searchTemplates.call(loadOptionsContext(), 'old_newsletter');
		expect(found.results[0].name).toBe('old_newsletter (en_US paused · Marketing): Our monthly news, {{1}}.');
	});
});

describe('template look-ups', () => {
	it('lists the languages of the picked template after the empty choice, which names the language it sends', async () => {
		const languages = await getTemplateLanguages.call(loadOptionsContext({ template: 'delivery_update' }));
		expect(languages).toEqual([
			{ name: 'First Approved Language (en_US)', value: '' },
			{ name: 'en_US', value: 'en_US' },
			{ name: 'fr', value: 'fr' },
		]);
	});

	it('offers the empty language before a template is picked, so the empty default is a valid choice', async () => {
		const languages = await getTemplateLanguages.call(loadOptionsContext({}));
		expect(languages).toEqual([{ name: "The Template's First Approved Language", value: '' }]);
	});

	it('lists the body variables of a named template by name', async () => {
		const variables = await getTemplateVariables.call(loadOptionsContext({ template: 'welcome_named', language: 'en_US' }));
		expect(variables.map((v) => v.value)).toEqual(['first_name', 'shop_name']);
	});

	it('lists the body variables of a positional template by position', async () => {
		const variables = await getTemplateVariables.call(loadOptionsContext({ template: 'order_confirmation', language: 'pt_BR' }));
		expect(variables.map((v) => v.name)).toEqual(['{{1}}', '{{2}}', '{{3}}', '{{4}}']);
	});
});

describe('getTemplateFields', () => {
	it('gives one field per header, body and button value, with Meta\'s examples', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'order_confirmation', language: 'en_US' }));
		expect(fields.map((f) => [f.id, f.displayName])).toEqual([
			['header', 'Header {{1}} (e.g. #4512)'],
			['body:1', '{{1}} (e.g. Ana)'],
			['body:2', '{{2}} (e.g. #4512)'],
			['body:3', '{{3}} (e.g. $25.90)'],
			['body:4', '{{4}} (e.g. Monday, May 4)'],
			['button:url:0', 'Button "Track order": end of https://shop.example.com/track/{{1}}'],
		]);
		expect(fields.every((f) => f.required && f.display && f.type === 'string')).toBe(true);
	});

	it('names the fields of a named template by variable', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'welcome_named', language: 'en_US' }));
		expect(fields.map((f) => f.id)).toEqual(['body:first_name', 'body:shop_name', 'button:quick_reply:0', 'button:quick_reply:1']);
	});

	it('offers a coupon code field for a copy-code button', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'coupon_offer', language: 'en_US' }));
		expect(fields.map((f) => f.id)).toEqual(['body:1', 'body:2', 'button:copy_code:0']);
	});

	it('offers optional quick-reply payload and flow token fields', async () => {
		const reminder = await getTemplateFields.call(loadOptionsContext({ template: 'appointment_reminder', language: 'en_US' }));
		expect(reminder.fields.filter((f) => f.id.startsWith('button:')).map((f) => [f.id, f.displayName, f.required])).toEqual([
			['button:quick_reply:0', 'Button "Confirm": reply payload (optional)', false],
			['button:quick_reply:1', 'Button "Reschedule": reply payload (optional)', false],
			['button:quick_reply:2', 'Button "Cancel": reply payload (optional)', false],
		]);
		const survey = await getTemplateFields.call(loadOptionsContext({ template: 'survey_flow', language: 'en_US' }));
		expect(survey.fields.map((f) => [f.id, f.required])).toEqual([
			['body:1', true],
			['button:flow:0', false],
			// Optional initial data for the first screen: https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow
			['button:flow_data:0', false],
		]);
	});

	it('says so when the template has nothing to fill in', async () => {
		const result = await getTemplateFields.call(loadOptionsContext({ template: 'hello_world', language: 'en_US' }));
		expect(result).toEqual({ fields: [], emptyFieldsNotice: 'This template has no variables: nothing to fill in' });
	});
});

describe('getTemplateHeaders: the Header choices say what the picked template needs', () => {
	const header = async (parameters: Record<string, unknown>) =>
		Object.fromEntries((await getTemplateHeaders.call(loadOptionsContext(parameters))).map((option) => [option.value, option.name]));

	it('a text header with a variable, filled from the template\'s fields: the default says where the value comes from', async () => {
		const names = await header({ template: 'order_confirmation', templateInputMode: 'fields' });
		expect(names.none).toBe('Text: {{1}} Is Filled in Template Fields');
		expect(names.text).toBe('Text (the Same: {{1}} From Template Fields)');
	});

	it('a text header with a variable, filled manually: the default says it is not enough and what to choose', async () => {
		const names = await header({ template: 'greeting_header_named', templateInputMode: 'manual' });
		expect(names.none).toBe('None: Not Enough, This Template Has a Text Header With {{first_name}} (Choose Text)');
		expect(names.text).toBe('Text (This Template Has a Text Header With {{first_name}})');
	});

	it('a media header: the default says which kind to choose', async () => {
		const names = await header({ template: 'shipping_image', templateInputMode: 'fields' });
		expect(names.none).toBe('None: Not Enough, This Template Has an Image Header (Choose Image)');
		expect(names.image).toBe('Image (This Template Has an Image Header)');
	});

	it('a fixed header, no header, or no template picked yet: plain None', async () => {
		expect((await header({ template: 'hello_world' })).none).toBe("None (This Template's Header Is Fixed Text)");
		expect((await header({ template: 'delivery_update' })).none).toBe('None (This Template Has No Header)');
		expect(await header({})).toEqual({ none: 'None', text: 'Text', image: 'Image', video: 'Video', document: 'Document', location: 'Location', product: 'Product' });
	});
});

describe('getPhoneNumberId', () => {
	const context = (value: unknown) => ({ getNodeParameter: () => value, getNode: () => ({ parameters: { phoneNumberId: value } }) }) as never;

	it('accepts digits with spaces around', () => {
		expect(getPhoneNumberId(context(' 300000000000001 '), 0)).toBe('300000000000001');
	});

	it('refuses a phone number given instead of its ID', () => {
		expect(() => getPhoneNumberId(context('+1 555 0100'), 0)).toThrow(PhoneNumberIdError);
	});
});

describe('templates over many pages', () => {
	let many: Simulator;
	const seed = defaultFixture().templates[0];
	const make = (name: string, language: string, i: number) => ({ ...seed, id: String(900000000000000 + i), name, language });
	// Meta lists templates by creation, not by name: every promo_N in English first, then every one in French, so each
	// name's two languages sit on different pages of 100.
	const promos = [
		...Array.from({ length: 120 }, (_, i) => make(`promo_${i}`, 'en_US', i)),
		...Array.from({ length: 120 }, (_, i) => make(`promo_${i}`, 'fr', 200 + i)),
	];
	// 400 templates whose names contain "sale" ahead of "sale" itself: its languages are on the fifth page.
	const sales = [
		...Array.from({ length: 400 }, (_, i) => make(`sale_item_${i}`, 'en_US', 1000 + i)),
		...['en_US', 'fr', 'de'].map((language, i) => make('sale', language, 2000 + i)),
	];
	const templateReads = () => many.requests().filter((request) => request.path.endsWith('/message_templates')).length;
	const onMany = (parameters: Record<string, unknown> = {}): ILoadOptionsFunctions => {
		const context = loadOptionsContext(parameters);
		return { ...context, getCredentials: async () => ({ ...(await context.getCredentials('whatsAppCloudApi')), baseUrl: many.url }) } as ILoadOptionsFunctions;
	};

	beforeAll(async () => {
		many = await startSimulator({ latency: 'none', fixture: { templates: [...promos, ...sales] } });
	});
	afterAll(async () => {
		await many.stop();
	});
	beforeEach(() => many.reset());

	it('the search lists each name once with all its languages, though they span pages', async () => {
		const found = await searchTemplates.call(onMany(), 'promo');
		expect(found.results).toHaveLength(120);
		expect(new Set(found.results.map((result) => result.value)).size).toBe(120);
		expect(found.results.every((result) => / \(en_US, fr · Utility\)/.test(result.name))).toBe(true);
		expect(found.paginationToken).toBeUndefined();
		expect(templateReads()).toBe(3);
	});

	it('the languages of a template are found past the third page', async () => {
		const languages = await getTemplateLanguages.call(onMany({ template: 'sale' }));
		expect(languages.map((language) => language.value)).toEqual(['', 'en_US', 'fr', 'de']);
		expect(templateReads()).toBe(5);
	});

	// 131059 (v24+): the paging cursor is no longer valid; list again without it.
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
	it('reads the list again from the first page once when Meta refuses a stale cursor (131059)', async () => {
		many.scriptFaults([{ path: '/message_templates', query: 'after=', count: 1, action: { kind: 'error', code: 131059 } }]);
		const languages = await getTemplateLanguages.call(onMany({ template: 'sale' }));
		expect(languages.map((language) => language.value)).toEqual(['', 'en_US', 'fr', 'de']);
		const reads = many.requests().filter((request) => request.path.endsWith('/message_templates'));
		// Page 1, the refused page 2, then all five pages again: the restart carries no cursor.
		expect(reads).toHaveLength(7);
		expect(reads[2].query).not.toContain('after=');
	});

	it('gives up with Meta\'s error when the cursor is refused again after the restart', async () => {
		many.scriptFaults([{ path: '/message_templates', query: 'after=', count: 2, action: { kind: 'error', code: 131059 } }]);
		await expect(getTemplateLanguages.call(onMany({ template: 'sale' }))).rejects.toMatchObject({ code: 131059 });
	});
});

describe('template paging that never ends', () => {
	let server: RawServer;
	beforeAll(async () => {
		let page = 0;
		server = await startHttpServer((_req, res) => {
			page++;
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(
				JSON.stringify({
					data: [{ id: String(page), name: 'loop', language: `l${page}`, status: 'APPROVED' }],
					paging: { cursors: { after: `c${page}` }, next: `${server.url}/next?after=c${page}` },
				}),
			);
		});
	});
	afterAll(async () => {
		destroyGraphClients();
		await server.close();
	});

	it('stops at the bound with an error that says why', async () => {
		const context = loadOptionsContext({ template: 'loop' }, { baseUrl: server.url });
		await expect(getTemplateLanguages.call(context)).rejects.toThrow(
			`Reading the languages of template "loop" stopped after ${MAX_TEMPLATE_PAGES} pages of 100 templates: the template list did not end`,
		);
		expect(server.requests.filter((request) => request.url.includes('/message_templates'))).toHaveLength(MAX_TEMPLATE_PAGES);
	});
});

/**
 * Carousel templates list their cards' components; each card's values are fields of their own.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 */
describe('getTemplateFields for carousel templates', () => {
	it('gives each media card its image, its body variables and its button values', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'weekly_picks', language: 'en_US' }));
		expect(fields.map((f) => [f.id, f.displayName, f.required])).toEqual([
			['body:1', '{{1}} (e.g. Ana)', true],
			['card:0:header:video', 'Card 1: video (a link or a media ID)', true],
			['card:0:body:1', 'Card 1: {{1}} (e.g. Aloe)', true],
			['card:0:body:2', 'Card 1: {{2}} (e.g. $12)', true],
			['card:0:button:quick_reply:0', 'Card 1: button "More like this": reply payload (optional)', false],
			['card:0:button:url:1', 'Card 1: button "Buy": end of https://shop.example.com/p/{{1}}', true],
			['card:1:header:video', 'Card 2: video (a link or a media ID)', true],
			['card:1:body:1', 'Card 2: {{1}} (e.g. Jade)', true],
			['card:1:body:2', 'Card 2: {{2}} (e.g. $12)', true],
			['card:1:button:quick_reply:0', 'Card 2: button "More like this": reply payload (optional)', false],
			['card:1:button:url:1', 'Card 2: button "Buy": end of https://shop.example.com/p/{{1}}', true],
		]);
	});

	it('asks a product card carousel for one catalog and each card\'s product', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'carousel_template_product_cards_v1', language: 'en_US' }));
		expect(fields.map((f) => f.id)).toEqual(['body:1', 'carousel:catalog', 'card:0:header:product', 'card:1:header:product']);
	});
});

// https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates
describe('getTemplateFields for checkout button templates', () => {
	it('asks for the order behind the checkout button, and leaves the quick reply optional', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'item_back_in_stock_v2', language: 'en_US' }));
		expect(fields.map((f) => [f.id, f.required])).toEqual([
			['body:1', true],
			['body:2', true],
			['button:order_details:0', true],
			['button:quick_reply:1', false],
		]);
		expect(fields[2].displayName).toBe('Button "Buy now": order details (JSON, Meta\'s order_details; India, INR)');
	});

	it('asks each checkout card of a carousel for its order', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'checkout_carousel', language: 'en_US' }));
		expect(fields.map((f) => f.id).filter((id) => id.includes('order_details'))).toEqual(['card:0:button:order_details:0', 'card:1:button:order_details:0']);
	});
});

describe('getTemplateFields for authentication templates', () => {
	// The code "must appear twice in the payload": https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates
	it('asks once for the one-time code, which fills the body and the code button', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'login_code_one_tap', language: 'en_US' }));
		expect(fields.map((f) => [f.id, f.displayName, f.required])).toEqual([
			['otp:0', 'One-time code, up to 15 characters (e.g. J$FpnYnP): sent in the message and on the "Copy Code" button', true],
		]);
	});
});

describe('getTemplateFields for limited-time offer templates', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
	it('asks when the offer expires, besides the variables and the offer code', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'limited_time_offer_caribbean_pkg_2023', language: 'en_US' }));
		expect(fields.map((f) => f.id)).toEqual(['body:1', 'body:2', 'button:copy_code:0', 'button:url:1', 'offer:expiration']);
		expect(fields[4].displayName).toBe('Offer "Expiring offer!" expires at: a date and time (e.g. 2027-05-04T18:00:00Z) or a Unix time in ms');
	});
});

describe('getTemplateFields for catalog and multi-product templates', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
	it('asks a multi-product template for its thumbnail and its product sections', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'abandoned_cart', language: 'en_US' }));
		expect(fields.map((f) => [f.id, f.required])).toEqual([
			['header', true],
			['body:1', true],
			['button:mpm_thumbnail:0', true],
			['button:mpm:0', true],
		]);
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates
	it('offers a catalog template an optional thumbnail', async () => {
		const { fields } = await getTemplateFields.call(loadOptionsContext({ template: 'intro_catalog_offer', language: 'en_US' }));
		expect(fields.map((f) => [f.id, f.displayName, f.required])).toEqual([
			['body:1', '{{1}} (e.g. 100)', true],
			['body:2', '{{2}} (e.g. 400)', true],
			['body:3', '{{3}} (e.g. 3)', true],
			['button:catalog:0', 'Button "View catalog": thumbnail product retailer ID (optional)', false],
		]);
	});
});
