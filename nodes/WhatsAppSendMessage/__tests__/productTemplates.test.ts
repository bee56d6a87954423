/**
 * Catalog and multi-product templates through n8n-core's WorkflowExecute against the simulator: the "View catalog"
 * button's thumbnail, the "View items" button's thumbnail and product sections (typed "Title: SKU, SKU" per line);
 * Meta's limits (30 products, 10 sections, titles of 24) refused before any call, naming the item and the field.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator, templateFields as fields } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

// The simulator refuses products its catalog lacks, as Meta does (share-products page, "Missing items"): the SKUs
// these tests send are in the account's catalog.
beforeAll(() => {
	for (const prefix of ['a', 'b']) for (let n = 1; n <= 30; n++) sim.addProduct({ retailerId: `${prefix}${n}` });
});

const named = (value: string) => ({ __rl: true, mode: 'name', value });
const cart = (values: IDataObject): INodeParameters => ({
	messageType: 'template',
	template: named('abandoned_cart'),
	language: 'en_US',
	templateHeader: 'text',
	templateFields: fields({ header: 'Pablo', 'body:1': '10OFF', 'button:mpm_thumbnail:0': '2lc20305pt', ...values }),
});
const lastComponent = () => {
	const components = (sim.log()[0].body as { template: { components: unknown[] } }).template.components;
	return components[components.length - 1];
};
const skus = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`).join(', ');

describe('Send Message: catalog and multi-product templates', () => {
	test('a multi-product template from the Template Fields, one section per line', async () => {
		const result = await send(sim, cart({ 'button:mpm:0': 'Popular Bundles: 2lc20305pt, nseiw1x3ch\nPremium Packages: n6k6x0y7oe' }));
		expect(result.error).toBeUndefined();
		expect(lastComponent()).toEqual({
			type: 'button',
			sub_type: 'mpm',
			index: '0',
			parameters: [
				{
					type: 'action',
					action: {
						thumbnail_product_retailer_id: '2lc20305pt',
						sections: [
							{ title: 'Popular Bundles', product_items: [{ product_retailer_id: '2lc20305pt' }, { product_retailer_id: 'nseiw1x3ch' }] },
							{ title: 'Premium Packages', product_items: [{ product_retailer_id: 'n6k6x0y7oe' }] },
						],
					},
				},
			],
		});
	});

	test('a multi-product template by hand, sections as a list from an expression', async () => {
		const result = await send(sim, {
			messageType: 'template',
			templateInputMode: 'manual',
			template: named('abandoned_cart'),
			language: 'en_US',
			templateHeader: 'text',
			templateHeaderText: 'Pablo',
			templateBodyParameters: { parameter: [{ text: '10OFF' }] },
			templateButtons: { button: [{ subType: 'mpm', index: 0, thumbnailProductRetailerId: 'a1', sections: '={{ [{ title: "Picks", productRetailerIds: ["a1", "a2"] }] }}' }] },
		});
		expect(result.error).toBeUndefined();
		expect(lastComponent()).toMatchObject({ parameters: [{ action: { sections: [{ title: 'Picks', product_items: [{ product_retailer_id: 'a1' }, { product_retailer_id: 'a2' }] }] } }] });
	});

	test('a catalog template with and without a thumbnail product', async () => {
		const catalog = (thumbnail: string): INodeParameters => ({
			messageType: 'template',
			template: named('intro_catalog_offer'),
			language: 'en_US',
			templateFields: fields({ 'body:1': '100', 'body:2': '400', 'body:3': '3', 'button:catalog:0': thumbnail }),
		});
		expect((await send(sim, catalog('2lc20305pt'))).error).toBeUndefined();
		expect(lastComponent()).toEqual({ type: 'button', sub_type: 'catalog', index: '0', parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: '2lc20305pt' } }] });
		sim.reset();
		expect((await send(sim, catalog(''))).error).toBeUndefined();
		expect(lastComponent()).toMatchObject({ type: 'body' });
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates:
	// thumbnail_product_retailer_id is optional (the catalog's first product is shown).
	test('a catalog template in manual mode with an empty thumbnail sends no button component', async () => {
		const result = await send(sim, {
			messageType: 'template',
			templateInputMode: 'manual',
			template: named('intro_catalog_offer'),
			language: 'en_US',
			templateBodyParameters: { parameter: [{ text: '100' }, { text: '400' }, { text: '3' }] },
			templateButtons: { button: [{ subType: 'catalog', index: 0, thumbnailProductRetailerId: ' ' }] },
		});
		expect(result.error).toBeUndefined();
		expect(lastComponent()).toMatchObject({ type: 'body' });
	});
});

const two = [{ json: { n: 1 } }, { json: { n: 2 } }];
const onSecond = (bad: string) => `={{ $json.n === 2 ? ${JSON.stringify(bad)} : "Picks: a1" }}`;

describe('Send Message: bad product template input fails before any call, naming the item and the field', () => {
	test.each([
		['more than 30 products', cart({ 'button:mpm:0': onSecond(`A: ${skus(20, 'a')}\nB: ${skus(11, 'b')}`) }), /^Item 2: "Template Fields" button 0 has 31 products in all; WhatsApp allows at most 30 across all sections/],
		['more than 10 sections', cart({ 'button:mpm:0': onSecond(Array.from({ length: 11 }, (_, i) => `S${i}: x${i}`).join('\n')) }), /^Item 2: "Template Fields" button 0 has 11 sections; WhatsApp allows at most 10/],
		['a section title over 24 characters', cart({ 'button:mpm:0': onSecond(`${'t'.repeat(25)}: a1`) }), /^Item 2: "Template Fields" button 0, section 1 title is 25 characters long; WhatsApp allows at most 24/],
		['an untitled section among two', cart({ 'button:mpm:0': onSecond('A: a1\nb1') }), /^Item 2: "Template Fields" button 0, section 2 title is required when the message has more than one section/],
		['no products', cart({ 'button:mpm:0': onSecond('') }), /^Item 2: "Template Fields" button 0 add at least one section/],
		['no thumbnail', cart({ 'button:mpm:0': 'A: a1', 'button:mpm_thumbnail:0': '={{ $json.n === 2 ? "" : "a1" }}' }), /^Item 2: "Template Fields" button 0 thumbnail is required/],
		[
			'a multi-product template sent without its button',
			{ messageType: 'template', templateInputMode: 'manual', template: named('abandoned_cart'), language: 'en_US', templateHeader: 'text', templateHeaderText: 'Pablo', templateBodyParameters: { parameter: [{ text: '10OFF' }] } },
			/^Item 1: "Buttons" button 0 of template "abandoned_cart" \(mpm\) needs a value/,
		],
		[
			'a catalog button for a multi-product template',
			{ messageType: 'template', templateInputMode: 'manual', template: named('abandoned_cart'), language: 'en_US', templateHeader: 'text', templateHeaderText: 'Pablo', templateBodyParameters: { parameter: [{ text: '10OFF' }] }, templateButtons: { button: [{ subType: 'catalog', index: 0, thumbnailProductRetailerId: 'a1' }] } },
			/^Item 1: "Buttons #1 › Button Type" button 0 of template "abandoned_cart" is a mpm button, not catalog/,
		],
	] as Array<[string, INodeParameters, RegExp]>)('%s', async (_name, parameters, message) => {
		const result = await send(sim, parameters, { inputItems: two });
		expect(result.error?.message).toMatch(message);
		expect(messageCalls(sim)).toBe(0);
	});
});
