/**
 * Single-product (SPM) and checkout button templates through n8n-core's WorkflowExecute against the simulator: the
 * header's product (catalog and SKU) and the checkout button's order, sent as Meta's pages show them, and their limits
 * refused before any call, naming the item and the field.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates (India only)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator, templateFields as fields } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

/** A documented send body from the contract fixtures (each names its Meta page). */
const documented = (name: string) =>
	(JSON.parse(readFileSync(join(__dirname, '../../../test/contract/fixtures/requests', `${name}.json`), 'utf8')) as { request: { body: { template: { components: IDataObject[] } } } }).request.body.template;

const named = (value: string) => ({ __rl: true, mode: 'name', value });
const sentComponents = () => (sim.log()[0].body as { template: { components: IDataObject[] } }).template.components;

const spm = (header: IDataObject = {}): INodeParameters => ({
	messageType: 'template',
	template: named('spm_template_named_params'),
	language: 'en_US',
	templateHeader: 'product',
	templateHeaderCatalogId: '194836987003835',
	templateHeaderProductRetailerId: 'nqryix03ez',
	templateFields: fields({ 'body:code': '25OFF', 'body:percent': '25%' }),
	...header,
});

const ORDER = documented('send-template-checkout-button').components[2] as { parameters: Array<{ action: { order_details: IDataObject } }> };
const order = (change: (details: IDataObject) => void = () => undefined): string => {
	const details = JSON.parse(JSON.stringify(ORDER.parameters[0].action.order_details)) as IDataObject;
	change(details);
	return JSON.stringify(details);
};
const checkout = (orderDetails: string): INodeParameters => ({
	messageType: 'template',
	template: named('item_back_in_stock_v2'),
	language: 'en_US',
	templateHeader: 'image',
	templateHeaderMediaSource: 'link',
	templateHeaderLink: 'https://shop.example.com/aloe.jpg',
	templateFields: fields({ 'body:1': 'Nidhi', 'body:2': 'Blue Elf Aloe', 'button:order_details:0': orderDetails }),
});

describe('Send Message: single-product and checkout button templates', () => {
	test('an SPM template sends the header product and named variables as Meta\'s example', async () => {
		const result = await send(sim, spm());
		expect(result.error).toBeUndefined();
		expect(sentComponents()).toEqual(documented('send-template-spm').components);
	});

	test('a checkout button template sends the order behind "Buy now" as Meta\'s example', async () => {
		const result = await send(sim, checkout(order()));
		expect(result.error).toBeUndefined();
		// Button indexes go as strings (SOURCES.md); the order is sent as given.
		expect(sentComponents()[2]).toEqual({ ...documented('send-template-checkout-button').components[2], index: '0' });
	});

	test('a checkout button filled by hand takes the order from an expression', async () => {
		const result = await send(sim, {
			...checkout(''),
			templateInputMode: 'manual',
			templateBodyParameters: { parameter: [{ text: 'Nidhi' }, { text: 'Blue Elf Aloe' }] },
			templateButtons: { button: [{ subType: 'order_details', index: 0, orderDetails: '={{ $json.order }}' }] },
		}, { inputItems: [{ json: { order: JSON.parse(order()) as IDataObject } }] });
		expect(result.error).toBeUndefined();
		expect(sentComponents()[2]).toMatchObject({ sub_type: 'order_details', parameters: [{ action: { order_details: { reference_id: 'abc.123_xyz-1' } } }] });
	});

	// Checkout button templates page, Multiple Products: a media card carousel whose cards each have a checkout button.
	test('a carousel of checkout cards sends each card\'s order', async () => {
		const result = await send(
			sim,
			{
				messageType: 'template',
				template: named('checkout_carousel'),
				language: 'en_US',
				templateFields: fields({
					'body:1': 'Pablo',
					'card:0:header:image': 'https://shop.example.com/aloe.jpg',
					'card:0:button:order_details:0': '={{ $json.first }}',
					'card:1:header:image': 'https://shop.example.com/jade.jpg',
					'card:1:button:order_details:0': '={{ $json.second }}',
				}),
			},
			{ inputItems: [{ json: { first: order(), second: order((d) => (d.reference_id = 'abc.123_xyz-2')) } }] },
		);
		expect(result.error).toBeUndefined();
		const cards = (sentComponents()[1] as { cards: Array<{ components: IDataObject[] }> }).cards;
		expect(cards.map((card) => (card.components[1] as { parameters: Array<{ action: { order_details: IDataObject } }> }).parameters[0].action.order_details.reference_id)).toEqual(['abc.123_xyz-1', 'abc.123_xyz-2']);
		expect(cards[0].components[1]).toMatchObject({ type: 'button', sub_type: 'order_details', index: '0' });
	});
});

const two = [{ json: { n: 1 } }, { json: { n: 2 } }];
/** Good for item 1, the bad value for item 2. */
const onSecond = (bad: string, good: string) => `={{ $json.n === 2 ? ${JSON.stringify(bad)} : ${JSON.stringify(good)} }}`;
/** The orders come in the items (an expression cannot hold JSON's closing braces). */
const badOrder = (change: (details: IDataObject) => void): [INodeParameters, IDataObject[]] => [
	checkout('={{ $json.order }}'),
	[{ json: { order: order() } }, { json: { order: order(change) } }],
];
const items = (details: IDataObject) => (details.order as { items: IDataObject[] }).items;

describe('Send Message: bad single-product and checkout input fails before any call, naming the item and the field', () => {
	test.each([
		['an SPM template without its product', spm({ templateHeaderProductRetailerId: onSecond('', 'nqryix03ez') }), /^Item 2: "Header Product Retailer ID" is required/],
		['an SPM template without its catalog', spm({ templateHeaderCatalogId: onSecond(' ', '194836987003835') }), /^Item 2: "Header Catalog ID" is required/],
		['an SPM template sent without a header', spm({ templateHeader: 'none' }), /^Item 1: "Header" template "spm_template_named_params" has a product header: set Header to Product/],
		['a reference ID over 35 characters', badOrder((d) => (d.reference_id = 'r'.repeat(36))), /^Item 2: "Template Fields" button 0 order details reference_id is 36 characters long; WhatsApp allows at most 35/],
		['a reference ID with a space', badOrder((d) => (d.reference_id = 'order 1')), /^Item 2: "Template Fields" button 0 order details reference_id "order 1" may hold only English letters/],
		['a currency other than INR', badOrder((d) => (d.currency = 'USD')), /^Item 2: "Template Fields" button 0 order details currency must be "INR"/],
		['a gateway Meta does not list', badOrder((d) => ((d.payment_settings as Array<{ payment_gateway: IDataObject }>)[0].payment_gateway.type = 'stripe')), /^Item 2: "Template Fields" button 0 order details payment_settings\[0\]\.payment_gateway\.type must be one of razorpay, payu, zaakpay/],
		['physical goods without shipping info', badOrder((d) => delete d.shipping_info), /^Item 2: "Template Fields" button 0 order details shipping_info is required for physical-goods/],
		['a PIN code over 6 characters', badOrder((d) => ((d.shipping_info as { addresses: IDataObject[] }).addresses[0].in_pin_code = '4000510')), /addresses\[0\]\.in_pin_code is 7 characters long; WhatsApp allows at most 6/],
		['an item name over 60 characters', badOrder((d) => (items(d)[0].name = 'n'.repeat(61))), /^Item 2: "Template Fields" button 0 order details order\.items\[0\]\.name is 61 characters long; WhatsApp allows at most 60/],
		['a quantity over 100', badOrder((d) => (items(d)[0].quantity = 101)), /order\.items\[0\]\.quantity must be a whole number from 1 to 100/],
		['a subtotal that is not the items\' total', badOrder((d) => ((d.order as { subtotal: IDataObject }).subtotal.value = 150001)), /order\.subtotal\.value is 150001, but the items come to 150000/],
		['a total that is not the sum', badOrder((d) => ((d.total_amount as IDataObject).value = 180000)), /total_amount\.value is 180000, but subtotal \+ shipping \+ tax − discount is 165000/],
		[
			'two carousel cards with the same reference ID',
			[
				{
					messageType: 'template',
					template: named('checkout_carousel'),
					language: 'en_US',
					templateFields: fields({ 'body:1': 'Pablo', 'card:0:header:image': 'https://shop.example.com/a.jpg', 'card:0:button:order_details:0': '={{ $json.order }}', 'card:1:header:image': 'https://shop.example.com/b.jpg', 'card:1:button:order_details:0': '={{ $json.order }}' }),
				},
				[{ json: { order: order() } }],
			],
			/^Item 1: "Template Fields" Card 2: button 0 order details reference_id Checkout reference ID "abc\.123_xyz-1" is used twice/,
		],
		['an order that is not JSON', [checkout('={{ $json.order }}'), [{ json: { order: order() } }, { json: { order: '{ reference_id: ' } }]], /^Item 2: "Template Fields" button 0 order details is not valid JSON/],
	] as Array<[string, INodeParameters | [INodeParameters, IDataObject[]], RegExp]>)('%s', async (_name, given, message) => {
		const [parameters, inputItems] = Array.isArray(given) ? given : [given, two];
		const result = await send(sim, parameters, { inputItems });
		expect(result.error?.message).toMatch(message);
		expect(messageCalls(sim)).toBe(0);
	});
});
