/**
 * Product, product list and catalog messages through n8n-core's WorkflowExecute against the simulator, and every field
 * Meta limits refused before any call, naming the item and the field. Bodies and limits:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products
 * (30 products in up to 10 sections, titles of 24: …/templates/marketing-templates/mpm-templates)
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

// The simulator refuses products its catalog lacks, as Meta does (share-products page, "Missing items"): the SKUs
// these tests send are in the account's catalog.
beforeAll(() => {
	for (const prefix of ['a', 'b', 'sku']) for (let n = 1; n <= 30; n++) sim.addProduct({ retailerId: `${prefix}${n}` });
});

const CATALOG = '194836987003835';
const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16505551234' };
/** `count` SKUs `${prefix}1`…, comma-separated as a user types them. */
const skus = (count: number, prefix = 'sku') => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`).join(', ');
const productList = (sections: Array<{ title?: string; productRetailerIds: string }>, extra: INodeParameters = {}): INodeParameters => ({
	messageType: 'productList',
	headerText: 'Our picks',
	interactiveBody: 'Have a look',
	catalogId: CATALOG,
	productSections: { section: sections },
	...extra,
});

describe('Send Message: product kinds are accepted by the simulator', () => {
	test('a single product', async () => {
		const result = await send(sim, { messageType: 'product', catalogId: CATALOG, productRetailerId: '2lc20305pt', interactiveBody: 'Back in stock', footer: 'Casa Verde' });
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send')[0]).toMatchObject({ messageType: 'product', messageStatus: 'accepted' });
		expect(sim.log()[0].body).toEqual({
			...envelope,
			type: 'interactive',
			interactive: { type: 'product', body: { text: 'Back in stock' }, footer: { text: 'Casa Verde' }, action: { catalog_id: CATALOG, product_retailer_id: '2lc20305pt' } },
		});
	});

	test('a single product without text sends no body', async () => {
		const result = await send(sim, { messageType: 'product', catalogId: CATALOG, productRetailerId: '2lc20305pt' });
		expect(result.error).toBeUndefined();
		expect((sim.log()[0].body as { interactive: object }).interactive).toEqual({ type: 'product', action: { catalog_id: CATALOG, product_retailer_id: '2lc20305pt' } });
	});

	test('a product list: IDs separated by commas or new lines, or a list from an expression', async () => {
		const result = await send(
			sim,
			productList([
				{ title: 'Bundles', productRetailerIds: 'a1, a2\na3' },
				{ title: 'Singles', productRetailerIds: '={{ ["b1", "b2"] }}' },
			], { footer: 'Casa Verde' }),
		);
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toEqual({
			...envelope,
			type: 'interactive',
			interactive: {
				type: 'product_list',
				header: { type: 'text', text: 'Our picks' },
				body: { text: 'Have a look' },
				footer: { text: 'Casa Verde' },
				action: {
					catalog_id: CATALOG,
					sections: [
						{ title: 'Bundles', product_items: [{ product_retailer_id: 'a1' }, { product_retailer_id: 'a2' }, { product_retailer_id: 'a3' }] },
						{ title: 'Singles', product_items: [{ product_retailer_id: 'b1' }, { product_retailer_id: 'b2' }] },
					],
				},
			},
		});
	});

	test('a product list of 30 products, the most Meta allows', async () => {
		const result = await send(sim, productList([{ title: 'A', productRetailerIds: skus(15, 'a') }, { title: 'B', productRetailerIds: skus(15, 'b') }]));
		expect(result.error).toBeUndefined();
		expect(sim.log()).toHaveLength(1);
	});

	test('a catalog message with and without a thumbnail product', async () => {
		const result = await send(sim, { messageType: 'catalog', interactiveBody: 'Browse our catalog', footer: 'Casa Verde', thumbnailProductRetailerId: '2lc20305pt' });
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toEqual({
			...envelope,
			type: 'interactive',
			interactive: {
				type: 'catalog_message',
				body: { text: 'Browse our catalog' },
				footer: { text: 'Casa Verde' },
				action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: '2lc20305pt' } },
			},
		});
		await send(sim, { messageType: 'catalog', interactiveBody: 'Browse' });
		expect((sim.log()[1].body as { interactive: { action: object } }).interactive.action).toEqual({ name: 'catalog_message' });
	});
});

const three = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];
const onSecond = (bad: string, good: string) => `={{ $json.n === 2 ? ${bad} : ${good} }}`;

const refused: Array<[string, INodeParameters, RegExp]> = [
	['a product without a catalog ID', { messageType: 'product', catalogId: onSecond('""', `"${CATALOG}"`), productRetailerId: 'a' }, /^Item 2: "Catalog ID" is required/],
	['a product without a retailer ID', { messageType: 'product', catalogId: CATALOG, productRetailerId: onSecond('""', '"a"') }, /^Item 2: "Product Retailer ID" is required/],
	['a product text over 1,024 characters', { messageType: 'product', catalogId: CATALOG, productRetailerId: 'a', interactiveBody: onSecond('"b".repeat(1025)', '"ok"') }, /^Item 2: "Message Text" is 1025 characters long; WhatsApp allows at most 1024/],
	['a product footer over 60 characters', { messageType: 'product', catalogId: CATALOG, productRetailerId: 'a', footer: onSecond('"f".repeat(61)', '""') }, /^Item 2: "Footer" is 61 characters long; WhatsApp allows at most 60/],
	['a product list without header', productList([{ productRetailerIds: 'a' }], { headerText: onSecond('""', '"Picks"') }), /^Item 2: "Header Text" is required/],
	['a product list header over 60 characters', productList([{ productRetailerIds: 'a' }], { headerText: onSecond('"h".repeat(61)', '"Picks"') }), /^Item 2: "Header Text" is 61 characters long; WhatsApp allows at most 60/],
	['a product list without text', productList([{ productRetailerIds: 'a' }], { interactiveBody: onSecond('""', '"Look"') }), /^Item 2: "Message Text" is required/],
	['a product list text over 1,024 characters', productList([{ productRetailerIds: 'a' }], { interactiveBody: onSecond('"b".repeat(1025)', '"Look"') }), /^Item 2: "Message Text" is 1025 characters long; WhatsApp allows at most 1024/],
	['a product list footer over 60 characters', productList([{ productRetailerIds: 'a' }], { footer: onSecond('"f".repeat(61)', '""') }), /^Item 2: "Footer" is 61 characters long/],
	['a product list without catalog ID', productList([{ productRetailerIds: 'a' }], { catalogId: onSecond('""', `"${CATALOG}"`) }), /^Item 2: "Catalog ID" is required/],
	[
		'a product list of 31 products',
		productList([{ title: 'A', productRetailerIds: skus(30, 'a') }, { title: 'B', productRetailerIds: 'b1' }]),
		/^Item 1: "Product Sections" has 31 products in all; WhatsApp allows at most 30 across all sections/,
	],
	[
		'a product list of 11 sections',
		productList(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, productRetailerIds: `s${i}` }))),
		/^Item 1: "Product Sections" has 11 sections; WhatsApp allows at most 10/,
	],
	['a product list section without products', productList([{ title: 'A', productRetailerIds: 'a' }, { title: 'B', productRetailerIds: ' , ' }]), /^Item 1: "Product Sections #2 › Product Retailer IDs" add at least one product/],
	['an untitled section among two', productList([{ title: 'A', productRetailerIds: 'a' }, { productRetailerIds: 'b' }]), /^Item 1: "Product Sections #2 › Section Title" is required when the message has more than one section/],
	['a section title over 24 characters', productList([{ title: 't'.repeat(25), productRetailerIds: 'a' }]), /^Item 1: "Product Sections #1 › Section Title" is 25 characters long; WhatsApp allows at most 24/],
	['a catalog message without text', { messageType: 'catalog', interactiveBody: onSecond('""', '"Browse"') }, /^Item 2: "Message Text" is required/],
	['a catalog message text over 1,024 characters', { messageType: 'catalog', interactiveBody: onSecond('"b".repeat(1025)', '"Browse"') }, /^Item 2: "Message Text" is 1025 characters long/],
	['a catalog message footer over 60 characters', { messageType: 'catalog', interactiveBody: 'Browse', footer: onSecond('"f".repeat(61)', '""') }, /^Item 2: "Footer" is 61 characters long/],
];

describe('Send Message: bad product input fails before any call, naming the item and the field', () => {
	test.each(refused)('%s', async (_name, parameters, message) => {
		const result = await send(sim, parameters, { inputItems: three });
		expect(result.error?.message).toMatch(message);
		expect(messageCalls(sim)).toBe(0);
	});
});
