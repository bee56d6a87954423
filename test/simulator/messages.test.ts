import { startSimulator, type Simulator } from './index';
import { call, PHONE_STANDARD, send } from './helpers';

type Message = Record<string, unknown>;

const long = (n: number, ch = 'a') => ch.repeat(n);
const replyButton = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
const buttons = (list: unknown[], extra: Message = {}): Message => ({
	type: 'interactive',
	interactive: { type: 'button', body: { text: 'Pick one' }, action: { buttons: list }, ...extra },
});
const row = (id: string, title = `Row ${id}`, description?: string) => (description === undefined ? { id, title } : { id, title, description });
const list = (sections: unknown[], extra: Message = {}, button = 'Options'): Message => ({
	type: 'interactive',
	interactive: { type: 'list', body: { text: 'Choose' }, action: { button, sections }, ...extra },
});
const flow = (parameters: Message): Message => ({
	type: 'interactive',
	interactive: {
		type: 'flow',
		body: { text: 'Open the form' },
		action: { name: 'flow', parameters: { flow_message_version: '3', flow_cta: 'Open', ...parameters } },
	},
});
// https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products
const products = (count: number, prefix = 'sku') => Array.from({ length: count }, (_, i) => ({ product_retailer_id: `${prefix}${i + 1}` }));
const productList = (sections: unknown[], extra: Message = {}): Message => ({
	type: 'interactive',
	interactive: { type: 'product_list', header: { type: 'text', text: 'Our picks' }, body: { text: 'Have a look' }, action: { catalog_id: '194836987003835', sections }, ...extra },
});
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
const mediaCard = (index: number, components: unknown[] = [{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'blue-elf' }] }]) => ({
	card_index: index,
	components: [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.png' } }] }, ...components],
});
const mediaCarousel = (cards: unknown[]): Message =>
	template('carousel_template_media_cards_v1', 'en_US', [{ type: 'body', parameters: textParams('Pablo', '30%', '30OFF') }, { type: 'carousel', cards }]);
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/product-card-carousel-templates
const productCard = (index: number) => ({ card_index: index, components: [{ type: 'header', parameters: [{ type: 'product', product: { product_retailer_id: `sku${index}`, catalog_id: '194836987003835' } }] }] });
const productCarousel = (count: number): Message =>
	template('carousel_template_product_cards_v1', 'en_US', [{ type: 'body', parameters: textParams('Pablo') }, { type: 'carousel', cards: Array.from({ length: count }, (_, i) => productCard(i)) }]);
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
const offer = (code = 'CARIBE25', expiration: unknown = 1798761600000, withOffer = true): Message =>
	template('limited_time_offer_caribbean_pkg_2023', 'en_US', [
		{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/beach.jpg' } }] },
		{ type: 'body', parameters: textParams('Pablo', code) },
		...(withOffer ? [{ type: 'limited_time_offer', parameters: [{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: expiration } }] }] : []),
		{ type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'coupon_code', coupon_code: code }] },
		{ type: 'button', sub_type: 'url', index: 1, parameters: textParams('n3mtql') },
	]);
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
const mpm = (action: Message): Message =>
	template('abandoned_cart', 'en_US', [
		{ type: 'header', parameters: textParams('Pablo') },
		{ type: 'body', parameters: textParams('10OFF') },
		{ type: 'button', sub_type: 'mpm', index: 0, parameters: [{ type: 'action', action }] },
	]);
const template = (name: string, language: string, components?: unknown[]): Message => ({
	type: 'template',
	template: components === undefined ? { name, language: { code: language } } : { name, language: { code: language }, components },
});
const textParams = (...values: string[]) => values.map((text) => ({ type: 'text', text }));
const orderConfirmation = (bodyValues = ['Ana', '#1', '$2', 'Monday'], extra: unknown[] = [{ type: 'button', sub_type: 'url', index: '0', parameters: textParams('4512') }]) =>
	template('order_confirmation', 'en_US', [{ type: 'header', parameters: textParams('#4512') }, { type: 'body', parameters: textParams(...bodyValues) }, ...extra]);

async function upload(sim: Simulator, mimeType: string, data: Buffer, filename: string): Promise<string> {
	const form = new FormData();
	form.append('messaging_product', 'whatsapp');
	form.append('type', mimeType);
	form.append('file', new Blob([data], { type: mimeType }), filename);
	const response = await fetch(`${sim.url}/v26.0/${PHONE_STANDARD}/media`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${sim.fixture.accessToken}` },
		body: form,
	});
	const body = (await response.json()) as { id: string };
	if (!body.id) throw new Error(`upload failed: ${JSON.stringify(body)}`);
	return body.id;
}

function png(): Buffer {
	const data = Buffer.alloc(64, 0xab);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
	return data;
}

describe('message validation', () => {
	let sim: Simulator;
	let imageId: string;
	let pdfId: string;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none', mps: { [PHONE_STANDARD]: 100_000 }, pairBurst: 1_000_000 });
		// Sends of products the account's catalog lacks are refused (catalog.ts): these tests' SKUs are in it.
		for (const prefix of ['sku', 'a', 'b', ...Array.from({ length: 10 }, (_, i) => `s${i}-`)]) for (let n = 0; n <= 30; n++) sim.addProduct({ retailerId: `${prefix}${n}` });
		imageId = await upload(sim, 'image/png', png(), 'a.png');
		pdfId = await upload(sim, 'application/pdf', Buffer.from('%PDF-1.4 test'), 'a.pdf');
	});
	afterAll(async () => {
		await sim.stop();
	});

	const accepted: Array<[string, () => Message]> = [
		['a text with a link preview', () => ({ type: 'text', text: { body: 'See https://example.com', preview_url: true } })],
		['a text of exactly 4096 characters', () => ({ type: 'text', text: { body: long(4096) } })],
		['a text without an explicit type (Meta defaults to text)', () => ({ text: { body: 'no type' } })],
		['a recipient without the leading plus', () => ({ to: '16505551234', type: 'text', text: { body: 'x' } })],
		['an image by link with a caption', () => ({ type: 'image', image: { link: 'https://example.com/a.png', caption: long(1024) } })],
		['an image by uploaded media ID', () => ({ type: 'image', image: { id: imageId } })],
		['a video by link', () => ({ type: 'video', video: { link: 'https://example.com/a.mp4', caption: 'clip' } })],
		['a voice audio by link', () => ({ type: 'audio', audio: { link: 'https://example.com/a.ogg', voice: true } })],
		['a document with filename and caption', () => ({ type: 'document', document: { id: pdfId, filename: 'invoice.pdf', caption: 'Your invoice' } })],
		['a sticker by link', () => ({ type: 'sticker', sticker: { link: 'https://example.com/s.webp' } })],
		['a location with name and address', () => ({ type: 'location', location: { latitude: -23.55, longitude: '-46.63', name: 'Office', address: 'Av. Paulista' } })],
		[
			'a contact card with every field',
			() => ({
				type: 'contacts',
				contacts: [
					{
						name: { formatted_name: 'Ana Lima', first_name: 'Ana', last_name: 'Lima' },
						phones: [{ phone: '+16505551234', type: 'CELL', wa_id: '16505551234' }],
						emails: [{ email: 'ana@example.com', type: 'WORK' }],
						addresses: [{ street: '1 Main St', city: 'Menlo Park', country_code: 'US', type: 'WORK' }],
						org: { company: 'Casa Verde', title: 'Owner' },
						urls: [{ url: 'https://example.com', type: 'WORK' }],
						birthday: '1990-02-28',
					},
				],
			}),
		],
		// Contact entry types are free text (standard values CELL, MAIN, IPHONE, HOME, WORK), flow_cta is advised up to
		// 30 and a coupon code takes up to 20 characters:
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/contacts-messages
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/flows/guides/sendingaflow/
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/coupon-templates
		[
			'a contact card with free-text entry types',
			() => ({
				type: 'contacts',
				contacts: [
					{
						name: { formatted_name: 'Ana Lima' },
						phones: [{ phone: '+16505551234', type: 'cell' }, { phone: '+16505551235', type: 'Company' }],
						emails: [{ email: 'ana@example.com', type: 'Billing' }],
						addresses: [{ city: 'Menlo Park', type: 'Warehouse' }],
						urls: [{ url: 'https://example.com', type: 'Shop' }],
					},
				],
			}),
		],
		['a flow CTA of 30 characters', () => flow({ flow_id: '1', flow_cta: long(30) })],
		['a copy code of 20 characters', () => template('coupon_offer', 'en_US', [{ type: 'body', parameters: textParams('A', 'B') }, { type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'coupon_code', coupon_code: long(20) }] }])],
		['a reaction', () => ({ type: 'reaction', reaction: { message_id: 'wamid.ABC', emoji: '👍' } })],
		['a reaction removal (empty emoji)', () => ({ type: 'reaction', reaction: { message_id: 'wamid.ABC', emoji: '' } })],
		[
			'three reply buttons with an image header and a footer',
			() => buttons([replyButton('a', 'Yes'), replyButton('b', 'No'), replyButton('c', long(20))], { header: { type: 'image', image: { id: imageId } }, footer: { text: long(60) } }),
		],
		['a list with two titled sections and ten rows', () => list([{ title: 'A', rows: [1, 2, 3, 4, 5].map((i) => row(`a${i}`, long(24), long(72))) }, { title: 'B', rows: [1, 2, 3, 4, 5].map((i) => row(`b${i}`)) }])],
		['a list with one untitled section', () => list([{ rows: [row('1')] }], { header: { type: 'text', text: 'Menu' } })],
		['a call-to-action URL button', () => ({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Visit' }, action: { name: 'cta_url', parameters: { display_text: long(20), url: 'https://example.com/x' } } } })],
		['a flow by id that navigates to a screen', () => flow({ flow_id: '1122', flow_token: 'tok', mode: 'draft', flow_action: 'navigate', flow_action_payload: { screen: 'START', data: { a: 1 } } })],
		['a flow by name that exchanges data', () => flow({ flow_name: 'survey', flow_action: 'data_exchange' })],
		['a location request', () => ({ type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Where are you?' }, action: { name: 'send_location' } } })],
		['a media card carousel with its three cards', () => mediaCarousel([0, 1, 2].map((i) => mediaCard(i)))],
		['a product card carousel of 10 cards from a template approved with 2', () => productCarousel(10)],
		['a one-tap authentication code of 15 characters', () => template('login_code_one_tap', 'en_US', [{ type: 'body', parameters: textParams(long(15)) }, { type: 'button', sub_type: 'url', index: '0', parameters: textParams(long(15)) }])],
		['a limited-time offer with a 15-character code', () => offer(long(15))],
		['a multi-product template with 30 products', () => mpm({ thumbnail_product_retailer_id: 'a1', sections: [{ title: 'A', product_items: products(15, 'a') }, { title: 'B', product_items: products(15, 'b') }] })],
		['a catalog template without a thumbnail', () => template('intro_catalog_offer', 'en_US', [{ type: 'body', parameters: textParams('100', '400', '3') }])],
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions
		['a call permission request without body', () => ({ type: 'interactive', interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' } } })],
		['a single product without body', () => ({ type: 'interactive', interactive: { type: 'product', action: { catalog_id: '194836987003835', product_retailer_id: 'sku1' } } })],
		['a product list of 30 products in 10 titled sections', () => productList(Array.from({ length: 10 }, (_, i) => ({ title: long(24), product_items: products(3, `s${i}-`) })))],
		['a product list with one untitled section', () => productList([{ product_items: products(1) }])],
		['a catalog message without a thumbnail', () => ({ type: 'interactive', interactive: { type: 'catalog_message', body: { text: 'Browse' }, action: { name: 'catalog_message' } } })],
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids#using-interactive-messages
		['a request for the user\'s phone number', () => ({ type: 'interactive', interactive: { type: 'contact_request', body: { text: 'Please share your phone number.' }, action: { name: 'request_contact_info' } } })],
		['a template without parameters', () => template('hello_world', 'en_US')],
		['a template with header, body and URL button parameters', () => orderConfirmation()],
		['a template in another language', () => template('order_confirmation', 'es', [{ type: 'header', parameters: textParams('#1') }, { type: 'body', parameters: textParams('a', 'b', 'c', 'd') }])],
		[
			'a template with named parameters in any order',
			() => template('welcome_named', 'en_US', [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'shop_name', text: 'Casa' }, { type: 'text', parameter_name: 'first_name', text: 'Ana' }] }]),
		],
		['a template with an image header', () => template('shipping_image', 'en_US', [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/p.jpg' } }] }, { type: 'body', parameters: textParams('PKG-1') }])],
		['a template with a document header with a filename', () => template('invoice_document', 'en_US', [{ type: 'header', parameters: [{ type: 'document', document: { id: pdfId, filename: 'inv.pdf' } }] }, { type: 'body', parameters: textParams('INV-1', '$1') }])],
		['a template with a location header', () => template('store_location', 'en_US', [{ type: 'header', parameters: [{ type: 'location', location: { latitude: 1, longitude: 2, name: 'Store' } }] }, { type: 'body', parameters: textParams('#1') }])],
		[
			'a template with currency and date-time parameters',
			() =>
				template('loyalty_points', 'en_US', [
					{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'date_time', date_time: { fallback_value: 'May 4' } }, { type: 'currency', currency: { fallback_value: '$12.50', code: 'USD', amount_1000: 12500 } }] },
				]),
		],
		['an authentication template with its code button', () => template('verification_code', 'en_US', [{ type: 'body', parameters: textParams('482913') }, { type: 'button', sub_type: 'url', index: 0, parameters: textParams('482913') }])],
		['a template with a copy-code button', () => template('coupon_offer', 'en_US', [{ type: 'body', parameters: textParams('SAVE20', '20%') }, { type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE20' }] }])],
		['a template with quick-reply payloads', () => template('feedback_request', 'en_US', [{ type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'OK' }] }])],
		['a template with a deterministic language policy', () => ({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US', policy: 'deterministic' } } })],
		['a reply with context and 512 characters of callback data', () => ({ type: 'text', text: { body: 'reply' }, context: { message_id: 'wamid.X' }, biz_opaque_callback_data: long(512) })],
	];

	test.each(accepted)('%s is accepted', async (_name, build) => {
		const response = await send(sim, build());
		expect(response.body.error).toBeUndefined();
		expect(response.status).toBe(200);
		expect(response.body.messages[0].id).toMatch(/^wamid\./);
	});

	const refused: Array<[string, () => Message, number, string]> = [
		['a call permission request with a footer', () => ({ type: 'interactive', interactive: { type: 'call_permission_request', body: { text: 'May we call?' }, footer: { text: 'x' }, action: { name: 'call_permission_request' } } }), 100, 'is not valid for interactive type call_permission_request'],
		['a call permission request with another action', () => ({ type: 'interactive', interactive: { type: 'call_permission_request', action: { name: 'start_call' } } }), 100, 'must be one of'],
		['a multi-product template without its products', () => template('abandoned_cart', 'en_US', [{ type: 'header', parameters: textParams('Pablo') }, { type: 'body', parameters: textParams('10OFF') }]), 132000, 'button 0: number of localizable_params (0)'],
		['a multi-product template with 31 products', () => mpm({ thumbnail_product_retailer_id: 'a1', sections: [{ title: 'A', product_items: products(30, 'a') }, { title: 'B', product_items: products(1, 'b') }] }), 131009, 'must have at most 30 products in all sections together - got 31'],
		['a multi-product template without a thumbnail', () => mpm({ sections: [{ title: 'A', product_items: products(1) }] }), 131008, "['thumbnail_product_retailer_id'] is required"],
		['a multi-product section title over 24 characters', () => mpm({ thumbnail_product_retailer_id: 'a1', sections: [{ title: long(25), product_items: products(1) }] }), 131009, "['title'] must be at most 24 characters"],
		['sections on a catalog button', () => template('intro_catalog_offer', 'en_US', [{ type: 'body', parameters: textParams('100', '400', '3') }, { type: 'button', sub_type: 'catalog', index: 0, parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: 'a', sections: [] } }] }]), 100, "['sections'] is not a valid parameter here"],
		['a limited-time offer code over 15 characters', () => offer(long(16)), 131009, 'must be at most 15 characters in a limited-time offer template'],
		['a limited-time offer without its expiration', () => offer(undefined, undefined, false), 131008, '[limited_time_offer] is required'],
		['an offer expiration that is not a number', () => offer(undefined, 'tomorrow'), 100, "['expiration_time_ms'] must be a number"],
		['a limited_time_offer component for another template', () => template('delivery_update', 'en_US', [{ type: 'body', parameters: textParams('A', 'B') }, { type: 'limited_time_offer', parameters: [{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: 1 } }] }]), 100, 'is not a limited-time offer template'],
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/zero-tap-authentication-templates ("Maximum 15 characters")
		['an authentication code over 15 characters', () => template('login_code_one_tap', 'en_US', [{ type: 'body', parameters: textParams(long(16)) }, { type: 'button', sub_type: 'url', index: '0', parameters: textParams(long(16)) }]), 131009, 'must be at most 15 characters in an authentication template'],
		['a media card carousel with fewer cards than its template', () => mediaCarousel([mediaCard(0), mediaCard(1)]), 132000, 'number of cards (2) does not match the number of cards of template carousel_template_media_cards_v1 (3)'],
		['a media card without its URL button value', () => mediaCarousel([mediaCard(0), mediaCard(1), mediaCard(2, [])]), 132000, 'card 2 button 1: number of localizable_params (0)'],
		['a media card with a product header', () => mediaCarousel([mediaCard(0), mediaCard(1), productCard(2)]), 100, "must be one of {image}"],
		['a carousel without card headers', () => mediaCarousel([0, 1, 2].map((i) => ({ card_index: i, components: [{ type: 'button', sub_type: 'url', index: '1', parameters: textParams('x') }] }))), 131008, "['components'][header] is required"],
		['two cards with the same card_index', () => mediaCarousel([mediaCard(0), mediaCard(0), mediaCard(2)]), 131009, "['card_index'] must be a distinct whole number"],
		['a product card carousel of 11 cards', () => productCarousel(11), 131009, "['cards'] must have at most 10 elements"],
		['a carousel template sent without its cards', () => template('carousel_template_product_cards_v1', 'en_US', [{ type: 'body', parameters: textParams('Pablo') }]), 131008, '[carousel] is required'],
		['cards for a template without a carousel', () => template('delivery_update', 'en_US', [{ type: 'body', parameters: textParams('A', 'B') }, { type: 'carousel', cards: [productCard(0)] }]), 100, 'template delivery_update has no carousel'],
		['a product list of 31 products', () => productList([{ title: 'A', product_items: products(30) }, { title: 'B', product_items: products(1, 'b') }]), 131009, 'must have at most 30 products in all sections together - got 31'],
		['a product list with 11 sections', () => productList(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, product_items: products(1, `s${i}-`) }))), 131009, "['sections'] must have at most 10 elements"],
		['a product list with an untitled section among two', () => productList([{ title: 'A', product_items: products(1) }, { product_items: products(1, 'b') }]), 131008, "['sections'][1]['title'] is required"],
		['a product list section title over 24 characters', () => productList([{ title: long(25), product_items: products(1) }]), 131009, "['title'] must be at most 24 characters"],
		['a product list without a header', () => productList([{ product_items: products(1) }], { header: undefined }), 131008, "Param interactive['header'] is required"],
		['a product list without a catalog', () => productList([{ product_items: products(1) }], { action: { sections: [{ product_items: products(1) }] } }), 131008, "['catalog_id'] is required"],
		['a single product without a retailer ID', () => ({ type: 'interactive', interactive: { type: 'product', action: { catalog_id: '1' } } }), 131008, "['product_retailer_id'] is required"],
		['a single product with a header', () => ({ type: 'interactive', interactive: { type: 'product', header: { type: 'text', text: 'x' }, action: { catalog_id: '1', product_retailer_id: 'a' } } }), 100, 'is not valid for interactive type product'],
		['a catalog message body over 1024 characters', () => ({ type: 'interactive', interactive: { type: 'catalog_message', body: { text: long(1025) }, action: { name: 'catalog_message' } } }), 131009, "['body']['text'] must be at most 1024 characters"],
		['a missing messaging_product', () => ({ messaging_product: undefined, type: 'text', text: { body: 'x' } }), 131008, 'Param messaging_product is required'],
		['a messaging_product other than whatsapp', () => ({ messaging_product: 'sms', type: 'text', text: { body: 'x' } }), 100, 'Param messaging_product must be "whatsapp"'],
		['a missing recipient', () => ({ to: undefined, type: 'text', text: { body: 'x' } }), 131008, 'Param to is required'],
		['a recipient with letters', () => ({ to: '+1650abc1234', type: 'text', text: { body: 'x' } }), 131009, "Param to must be a phone number: digits with an optional leading '+'"],
		['a recipient with spaces', () => ({ to: '+1 650 555 1234', type: 'text', text: { body: 'x' } }), 131009, 'Param to must be a phone number'],
		['a recipient given as a number', () => ({ to: 16505551234, type: 'text', text: { body: 'x' } }), 100, 'Param to must be a string'],
		['an unknown message type', () => ({ type: 'carousel', carousel: {} }), 131051, 'Message type "carousel" is not supported'],
		['a field of another message type', () => ({ type: 'text', text: { body: 'x' }, image: { link: 'https://e.com/a.png' } }), 100, 'Param image is not a valid parameter here'],
		['an unknown top-level field', () => ({ type: 'text', text: { body: 'x' }, priority: 'high' }), 100, 'Param priority is not a valid parameter here'],
		['a text without its text object', () => ({ type: 'text' }), 131008, 'Param text is required'],
		['a text body over 4096 characters', () => ({ type: 'text', text: { body: long(4097) } }), 131009, "Param text['body'] must be at most 4096 characters"],
		['an empty text body', () => ({ type: 'text', text: { body: '' } }), 131008, "Param text['body'] is required"],
		['a misplaced text field', () => ({ type: 'text', text: { body: 'x', caption: 'y' } }), 100, "Param text['caption'] is not a valid parameter here"],
		['preview_url that is not a boolean', () => ({ type: 'text', text: { body: 'x', preview_url: 'yes' } }), 100, "Param text['preview_url'] must be a boolean"],
		['an image with both id and link', () => ({ type: 'image', image: { id: imageId, link: 'https://e.com/a.png' } }), 131009, 'Param image must have either id or link, not both'],
		['an image with neither id nor link', () => ({ type: 'image', image: { caption: 'x' } }), 131008, "Param image['id'] or image['link'] is required"],
		['an image caption over 1024 characters', () => ({ type: 'image', image: { link: 'https://e.com/a.png', caption: long(1025) } }), 131009, "Param image['caption'] must be at most 1024 characters"],
		['an audio with a caption', () => ({ type: 'audio', audio: { link: 'https://e.com/a.ogg', caption: 'x' } }), 100, "Param audio['caption'] is not valid: audio messages have no caption"],
		['a sticker with a caption', () => ({ type: 'sticker', sticker: { link: 'https://e.com/a.webp', caption: 'x' } }), 100, 'sticker messages have no caption'],
		['a filename on an image', () => ({ type: 'image', image: { link: 'https://e.com/a.png', filename: 'a.png' } }), 100, "Param image['filename'] is not a valid parameter here"],
		['a media ID that was never uploaded', () => ({ type: 'image', image: { id: '999999999999999' } }), 131009, "Param image['id'] is not a valid media ID"],
		['a PDF media ID sent as an image', () => ({ type: 'image', image: { id: pdfId } }), 131053, 'cannot be sent as image'],
		['a media link that is not a URL', () => ({ type: 'video', video: { link: 'not a url' } }), 131009, "Param video['link'] must be a valid http or https URL"],
		['a latitude out of range', () => ({ type: 'location', location: { latitude: 91, longitude: 0 } }), 131009, "Param location['latitude'] must be between -90 and 90"],
		['a location without longitude', () => ({ type: 'location', location: { latitude: 1 } }), 131008, "Param location['longitude'] is required"],
		['a contact without formatted_name', () => ({ type: 'contacts', contacts: [{ name: { first_name: 'Ana' } }] }), 131008, "Param contacts[0]['name']['formatted_name'] is required"],
		['a contact birthday that is not a date', () => ({ type: 'contacts', contacts: [{ name: { formatted_name: 'A' }, birthday: '1990-13-01' }] }), 131009, "Param contacts[0]['birthday'] must be a date in YYYY-MM-DD format"],
		['a contact birthday in another format', () => ({ type: 'contacts', contacts: [{ name: { formatted_name: 'A' }, birthday: '01/02/1990' }] }), 131009, 'YYYY-MM-DD'],
		['an empty contacts list', () => ({ type: 'contacts', contacts: [] }), 131008, 'Param contacts is required'],
		['a contact phone without the number', () => ({ type: 'contacts', contacts: [{ name: { formatted_name: 'A' }, phones: [{ type: 'CELL' }] }] }), 131008, "Param contacts[0]['phones'][0]['phone'] is required"],
		['a reaction with text instead of an emoji', () => ({ type: 'reaction', reaction: { message_id: 'wamid.A', emoji: 'ok' } }), 131009, "Param reaction['emoji'] must be a single emoji"],
		['a reaction without message_id', () => ({ type: 'reaction', reaction: { emoji: '👍' } }), 131008, "Param reaction['message_id'] is required"],
		['a reply button title over 20 characters', () => buttons([replyButton('a', long(21))]), 131009, "Param interactive['action']['buttons'][0]['reply']['title'] must be at most 20 characters"],
		['a reply button id over 256 characters', () => buttons([replyButton(long(257), 'A')]), 131009, "Param interactive['action']['buttons'][0]['reply']['id'] must be at most 256 characters"],
		['four reply buttons', () => buttons([1, 2, 3, 4].map((i) => replyButton(`${i}`, `T${i}`))), 131009, "Param interactive['action']['buttons'] must have at most 3 elements"],
		['no reply buttons', () => buttons([]), 131008, "Param interactive['action']['buttons'] is required"],
		['two reply buttons with the same id', () => buttons([replyButton('a', 'One'), replyButton('a', 'Two')]), 131009, 'button ids must be unique, "a" is repeated'],
		['two reply buttons with the same title', () => buttons([replyButton('a', 'Same'), replyButton('b', 'Same')]), 131009, 'button titles must be unique'],
		['a button of another type', () => buttons([{ type: 'url', reply: { id: 'a', title: 'A' } }]), 100, "Param interactive['action']['buttons'][0]['type'] must be one of {reply}"],
		['an interactive body over 1024 characters', () => buttons([replyButton('a', 'A')], { body: { text: long(1025) } }), 131009, "Param interactive['body']['text'] must be at most 1024 characters"],
		['an interactive header text over 60 characters', () => buttons([replyButton('a', 'A')], { header: { type: 'text', text: long(61) } }), 131009, "Param interactive['header']['text'] must be at most 60 characters"],
		['an interactive footer over 60 characters', () => buttons([replyButton('a', 'A')], { footer: { text: long(61) } }), 131009, "Param interactive['footer']['text'] must be at most 60 characters"],
		['an interactive message without a body', () => ({ type: 'interactive', interactive: { type: 'button', action: { buttons: [replyButton('a', 'A')] } } }), 131008, "Param interactive['body'] is required"],
		['an unknown interactive type', () => ({ type: 'interactive', interactive: { type: 'carousel', body: { text: 'x' }, action: {} } }), 100, "Param interactive['type'] must be one of"],
		['a list button label over 20 characters', () => list([{ rows: [row('1')] }], {}, long(21)), 131009, "Param interactive['action']['button'] must be at most 20 characters"],
		['a list with eleven rows in all', () => list([{ title: 'A', rows: [1, 2, 3, 4, 5, 6].map((i) => row(`a${i}`)) }, { title: 'B', rows: [1, 2, 3, 4, 5].map((i) => row(`b${i}`)) }]), 131009, 'must have at most 10 rows in all sections together - got 11'],
		['a list with eleven sections', () => list(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: [row(`r${i}`)] }))), 131009, "Param interactive['action']['sections'] must have at most 10 elements"],
		['a list row title over 24 characters', () => list([{ rows: [row('1', long(25))] }]), 131009, "Param interactive['action']['sections'][0]['rows'][0]['title'] must be at most 24 characters"],
		['a list row description over 72 characters', () => list([{ rows: [row('1', 'T', long(73))] }]), 131009, "['rows'][0]['description'] must be at most 72 characters"],
		['a list row id over 200 characters', () => list([{ rows: [row(long(201))] }]), 131009, "['rows'][0]['id'] must be at most 200 characters"],
		['a list section title over 24 characters', () => list([{ title: long(25), rows: [row('1')] }]), 131009, "Param interactive['action']['sections'][0]['title'] must be at most 24 characters"],
		['several list sections where one has no title', () => list([{ title: 'A', rows: [row('1')] }, { rows: [row('2')] }]), 131008, "Param interactive['action']['sections'][1]['title'] is required"],
		['two list rows with the same id', () => list([{ title: 'A', rows: [row('1')] }, { title: 'B', rows: [row('1')] }]), 131009, 'row ids must be unique'],
		['a list with an image header', () => list([{ rows: [row('1')] }], { header: { type: 'image', image: { link: 'https://e.com/a.png' } } }), 100, "Param interactive['header']['type'] must be one of {text}"],
		['a CTA display text over 20 characters', () => ({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'x' }, action: { name: 'cta_url', parameters: { display_text: long(21), url: 'https://e.com' } } } }), 131009, "Param interactive['action']['parameters']['display_text'] must be at most 20 characters"],
		['a CTA without a URL', () => ({ type: 'interactive', interactive: { type: 'cta_url', body: { text: 'x' }, action: { name: 'cta_url', parameters: { display_text: 'Go' } } } }), 131008, "Param interactive['action']['parameters']['url'] is required"],
		['a flow with both flow_id and flow_name', () => flow({ flow_id: '1', flow_name: 'n' }), 131009, 'must have either flow_id or flow_name, not both'],
		['a flow with neither flow_id nor flow_name', () => flow({}), 131008, "Param interactive['action']['parameters']['flow_id'] or"],
		['a flow CTA over 30 characters', () => flow({ flow_id: '1', flow_cta: long(31) }), 131009, "Param interactive['action']['parameters']['flow_cta'] must be at most 30 characters"],
		['a flow message version other than 3', () => flow({ flow_id: '1', flow_message_version: '2' }), 100, "['flow_message_version'] must be one of {3}"],
		['a navigate flow payload without a screen', () => flow({ flow_id: '1', flow_action: 'navigate', flow_action_payload: { data: {} } }), 131008, "['flow_action_payload']['screen'] is required"],
		['a location request with a header', () => ({ type: 'interactive', interactive: { type: 'location_request_message', header: { type: 'text', text: 'h' }, body: { text: 'x' }, action: { name: 'send_location' } } }), 100, "Param interactive['header'] is not valid for interactive type location_request_message"],
		['a template name that does not exist', () => template('no_such_template', 'en_US'), 132001, 'template name (no_such_template) does not exist in en_US'],
		['a template in a language it does not have', () => template('order_confirmation', 'de'), 132001, 'it exists in en_US, pt_BR, es'],
		['a template that is not approved yet', () => template('seasonal_promo', 'en_US', [{ type: 'body', parameters: textParams('30%') }]), 132001, 'is not approved (status PENDING)'],
		['a paused template', () => template('old_newsletter', 'en_US', [{ type: 'body', parameters: textParams('Ana') }]), 132015, 'is paused'],
		['a disabled template', () => template('legacy_notice', 'en_US'), 132016, 'has been disabled'],
		['too few body parameters', () => orderConfirmation(['Ana']), 132000, 'body: number of localizable_params (1) does not match the expected number of params (4)'],
		['too many body parameters', () => orderConfirmation(['a', 'b', 'c', 'd', 'e']), 132000, 'body: number of localizable_params (5)'],
		['no components for a template with variables', () => template('order_confirmation', 'en_US'), 132000, 'header: number of localizable_params (0) does not match the expected number of params (1)'],
		['a missing URL button parameter', () => orderConfirmation(undefined, []), 132000, 'button 0: number of localizable_params (0) does not match the expected number of params (1)'],
		['a named parameter with capitals and a dash', () => template('welcome_named', 'en_US', [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'First-Name', text: 'A' }, { type: 'text', parameter_name: 'shop_name', text: 'B' }] }]), 131009, "['parameter_name'] must be 1 to 20 lowercase letters or underscores"],
		['a named parameter the template does not have', () => template('welcome_named', 'en_US', [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'last_name', text: 'A' }, { type: 'text', parameter_name: 'shop_name', text: 'B' }] }]), 132000, 'parameter name "last_name" is not in the template'],
		['a named template parameter without its name', () => template('welcome_named', 'en_US', [{ type: 'body', parameters: textParams('A', 'B') }]), 131008, "['parameter_name'] is required"],
		['a parameter name on a positional template', () => template('delivery_update', 'en_US', [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'order', text: 'A' }, { type: 'text', text: 'B' }] }]), 100, 'is only valid for templates with named parameters'],
		['a button index the template does not have', () => orderConfirmation(undefined, [{ type: 'button', sub_type: 'url', index: '5', parameters: textParams('x') }]), 131009, 'template order_confirmation has no button at index 5'],
		['a button index that is not a number', () => orderConfirmation(undefined, [{ type: 'button', sub_type: 'url', index: 'first', parameters: textParams('x') }]), 131009, 'must be a button index from 0 to 9'],
		['a button sub_type that does not match the template', () => orderConfirmation(undefined, [{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'x' }] }]), 131009, 'must be url for button 0 of template order_confirmation'],
		// Meta sends a one-time password button only as a url button with the code as text:
		// https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/copy-code-button-authentication-templates
		[
			'an authentication template whose code button is sent as copy_code',
			() => template('verification_code', 'en_US', [{ type: 'body', parameters: textParams('482913') }, { type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: '482913' }] }]),
			131009,
			'must be url for button 0 of template verification_code',
		],
		['a text parameter for an image header', () => template('shipping_image', 'en_US', [{ type: 'header', parameters: textParams('x') }, { type: 'body', parameters: textParams('PKG-1') }]), 100, "['type'] must be one of {image}"],
		['a template parameter with a new line', () => template('delivery_update', 'en_US', [{ type: 'body', parameters: textParams('line\nbreak', 'B') }]), 132018, 'cannot have new-line/tab characters'],
		['a currency code in lower case', () => template('delivery_update', 'en_US', [{ type: 'body', parameters: [{ type: 'currency', currency: { fallback_value: '$1', code: 'usd', amount_1000: 1000 } }, { type: 'text', text: 'B' }] }]), 131009, 'must be an ISO 4217 currency code'],
		['a copy code over 20 characters', () => template('coupon_offer', 'en_US', [{ type: 'body', parameters: textParams('A', 'B') }, { type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'coupon_code', coupon_code: long(21) }] }]), 131009, "['coupon_code'] must be at most 20 characters"],
		['a template without a language', () => ({ type: 'template', template: { name: 'hello_world' } }), 131008, "Param template['language'] is required"],
		['a reply context without message_id', () => ({ type: 'text', text: { body: 'x' }, context: {} }), 131008, "Param context['message_id'] is required"],
		['callback data over 512 characters', () => ({ type: 'text', text: { body: 'x' }, biz_opaque_callback_data: long(513) }), 131009, 'Param biz_opaque_callback_data must be at most 512 characters'],
	];

	test.each(refused)('%s is refused with Meta error %i', async (_name, build, code, details) => {
		const before = sim.log().length;
		const response = await send(sim, build());
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe(code);
		expect(response.body.error.error_data.messaging_product).toBe('whatsapp');
		expect(response.body.error.error_data.details).toContain(details);
		expect(sim.log()).toHaveLength(before);
	});
});

// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids ("Sending
// messages"): the BSUID goes in `recipient`; `to` wins when both are given; the answer's contact carries `user_id` and
// no `wa_id`; authentication templates cannot go to a BSUID (131062).
describe('sending to a business-scoped user ID', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none', pairBurst: 2, pairIntervalMs: 60_000 });
	});
	afterEach(() => sim.reset());
	afterAll(async () => {
		await sim.stop();
	});

	const toBsuid = (recipient: string, message: Message = { type: 'text', text: { body: 'Hi' } }) => send(sim, { to: undefined, recipient, ...message });

	test('a BSUID in recipient is accepted and the answer names it as user_id, without wa_id', async () => {
		const response = await toBsuid('US.13491208655302741918');
		expect(response.status).toBe(200);
		expect(response.body.contacts).toEqual([{ input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' }]);
		expect(sim.log()).toEqual([expect.objectContaining({ to: 'US.13491208655302741918', userId: 'US.13491208655302741918', waId: '' })]);
	});

	test('a parent BSUID in recipient is accepted too', async () => {
		const response = await toBsuid('US.ENT.11815799212886844830');
		expect(response.body.contacts).toEqual([{ input: 'US.ENT.11815799212886844830', user_id: 'US.ENT.11815799212886844830' }]);
	});

	test('when to and recipient are both given, to wins', async () => {
		const response = await send(sim, { to: '+16505551234', recipient: 'US.13491208655302741918', type: 'text', text: { body: 'Hi' } });
		expect(response.body.contacts).toEqual([{ input: '+16505551234', wa_id: '16505551234' }]);
		expect(sim.log()[0]).not.toHaveProperty('userId');
	});

	test('a BSUID in to is refused: to takes phone numbers', async () => {
		const response = await send(sim, { to: 'US.13491208655302741918', type: 'text', text: { body: 'Hi' } });
		expect(response.body.error.code).toBe(131009);
	});

	test.each([
		['a username', '@realsheenanelson'],
		['a lowercase country code', 'us.13491208655302741918'],
		['a phone number', '16505551234'],
	])('%s in recipient is refused with 131009', async (_name, recipient) => {
		const response = await toBsuid(recipient);
		expect(response.body.error.code).toBe(131009);
		expect(response.body.error.error_data.details).toContain('Param recipient must be a business-scoped user ID');
		expect(sim.log()).toHaveLength(0);
	});

	test('a recipient that is not text is refused with 100', async () => {
		expect((await toBsuid(42 as never)).body.error.code).toBe(100);
	});

	test('an authentication template to a BSUID is refused with 131062; to a phone number it goes', async () => {
		const otp = template('verification_code', 'en_US', [{ type: 'body', parameters: textParams('482913') }, { type: 'button', sub_type: 'url', index: 0, parameters: textParams('482913') }]);
		const refused = await toBsuid('US.13491208655302741918', otp);
		expect(refused.status).toBe(400);
		expect(refused.body.error.code).toBe(131062);
		expect((await send(sim, otp)).status).toBe(200);
		expect((await toBsuid('US.13491208655302741918', template('hello_world', 'en_US'))).status).toBe(200);
	});

	test('the pair rate counts per BSUID', async () => {
		expect((await toBsuid('US.1')).status).toBe(200);
		expect((await toBsuid('US.1')).status).toBe(200);
		expect((await toBsuid('US.1')).body.error?.code).toBe(131056);
		expect((await toBsuid('US.2')).status).toBe(200);
	});
});

describe('mark as read', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterAll(async () => {
		await sim.stop();
	});

	const read = (body: Message) => call(sim, 'POST', `/v26.0/${PHONE_STANDARD}/messages`, { messaging_product: 'whatsapp', ...body });

	test('marking a message as read answers success and is not a sent message', async () => {
		const response = await read({ status: 'read', message_id: 'wamid.IN1' });
		expect(response.body).toEqual({ success: true });
		expect(sim.log()).toHaveLength(0);
		expect(sim.counters().readReceipts).toBe(1);
	});

	test('a typing indicator may come with the read receipt', async () => {
		expect((await read({ status: 'read', message_id: 'wamid.IN1', typing_indicator: { type: 'text' } })).body).toEqual({ success: true });
	});

	test('a read receipt without message_id is refused with 131008', async () => {
		const response = await read({ status: 'read' });
		expect(response.body.error.code).toBe(131008);
		expect(response.body.error.error_data.details).toBe('Param message_id is required');
	});

	test('a status other than read is refused', async () => {
		expect((await read({ status: 'delivered', message_id: 'wamid.IN1' })).body.error.code).toBe(100);
	});

	test('a typing indicator of an unknown type is refused', async () => {
		const response = await read({ status: 'read', message_id: 'wamid.IN1', typing_indicator: { type: 'audio' } });
		expect(response.body.error.error_data.details).toContain("Param typing_indicator['type'] must be one of {text}");
	});
});
