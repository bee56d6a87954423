/**
 * Carousel templates through n8n-core's WorkflowExecute against the simulator: media cards and product cards, filled
 * from the Template Fields (one field per card value) or by hand; and every card field Meta limits refused before any
 * call, naming the item and the field. Bodies and limits:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/product-card-carousel-templates
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { cardMediaHeader } from '../actions/template/carousel';
import { messageCalls, send, withSimulator, templateFields as fields } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

// The simulator refuses products its catalog lacks, as Meta does (share-products page, "Missing items"): the product
// cards' SKUs are in the account's catalog.
beforeAll(() => {
	for (let n = 0; n < 10; n++) sim.addProduct({ retailerId: `sku${n}` });
});

const template = (name: string) => ({ __rl: true, mode: 'name', value: name });
const CATALOG = '194836987003835';

/** The three cards of carousel_template_media_cards_v1 as Template Fields. */
const mediaCardFields = (overrides: IDataObject = {}): INodeParameters => ({
	messageType: 'template',
	template: template('carousel_template_media_cards_v1'),
	language: 'en_US',
	templateFields: fields({
		'body:1': 'Pablo',
		'body:2': '20%',
		'body:3': '20OFF',
		'card:0:header:image': 'https://example.com/aloe.jpg',
		'card:0:button:quick_reply:0': 'more-aloes',
		'card:0:button:url:1': 'blue-elf',
		'card:1:header:image': 'https://example.com/crassula.jpg',
		'card:1:button:url:1': 'buddhas-temple',
		'card:2:header:image': ' https://example.com/echeveria.jpg ',
		'card:2:button:quick_reply:0': '',
		'card:2:button:url:1': 'black-prince',
		...overrides,
	}),
});

/** Product cards filled by hand. */
const productCards = (count: number, card: (i: number) => IDataObject = () => ({})): INodeParameters => ({
	messageType: 'template',
	templateInputMode: 'manual',
	template: template('carousel_template_product_cards_v1'),
	language: 'en_US',
	templateBodyParameters: { parameter: [{ type: 'text', text: 'Pablo' }] },
	templateCards: { card: Array.from({ length: count }, (_, i) => ({ headerType: 'product', catalogId: CATALOG, productRetailerId: `sku${i}`, ...card(i) })) },
});

const productHeader = (sku: string) => ({ type: 'header', parameters: [{ type: 'product', product: { product_retailer_id: sku, catalog_id: CATALOG } }] });

describe('Send Message: carousel templates are accepted by the simulator', () => {
	test('a card\'s media is a link when it starts with http(s)://, otherwise a media ID', () => {
		expect(cardMediaHeader('image', ' https://example.com/a.jpg ')).toEqual({ type: 'image', link: 'https://example.com/a.jpg' });
		expect(cardMediaHeader('video', '1558081531584829')).toEqual({ type: 'video', mediaId: '1558081531584829' });
	});

	test('media cards from the Template Fields: each card\'s image and button values', async () => {
		const result = await send(sim, mediaCardFields());
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toMatchObject({
			type: 'template',
			template: {
				name: 'carousel_template_media_cards_v1',
				components: [
					{ type: 'body', parameters: ['Pablo', '20%', '20OFF'].map((text) => ({ type: 'text', text })) },
					{
						type: 'carousel',
						cards: [
							{
								card_index: 0,
								components: [
									{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/aloe.jpg' } }] },
									{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'more-aloes' }] },
									{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'blue-elf' }] },
								],
							},
							{
								card_index: 1,
								components: [
									{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/crassula.jpg' } }] },
									{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'buddhas-temple' }] },
								],
							},
							{
								card_index: 2,
								components: [
									{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/echeveria.jpg' } }] },
									{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'black-prince' }] },
								],
							},
						],
					},
				],
			},
		});
	});

	test('video cards with card body variables from the Template Fields', async () => {
		const card = (i: number, name: string) => ({ [`card:${i}:header:video`]: `https://example.com/${name}.mp4`, [`card:${i}:body:2`]: '$12', [`card:${i}:body:1`]: name, [`card:${i}:button:url:1`]: name.toLowerCase() });
		const result = await send(sim, { messageType: 'template', template: template('weekly_picks'), language: 'en_US', templateFields: fields({ 'body:1': 'Ana', ...card(0, 'Aloe'), ...card(1, 'Jade') }) });
		expect(result.error).toBeUndefined();
		const carousel = (sim.log()[0].body as { template: { components: Array<{ type: string; cards?: Array<{ components: unknown[] }> }> } }).template.components[1];
		expect(carousel.cards![1].components).toEqual([
			{ type: 'header', parameters: [{ type: 'video', video: { link: 'https://example.com/Jade.mp4' } }] },
			{ type: 'body', parameters: [{ type: 'text', text: 'Jade' }, { type: 'text', text: '$12' }] },
			{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'jade' }] },
		]);
	});

	test('product cards from the Template Fields: one catalog, a product per card', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('carousel_template_product_cards_v1'),
			language: 'en_US',
			templateFields: fields({ 'body:1': 'Pablo', 'carousel:catalog': CATALOG, 'card:0:header:product': 'vrpj01fvwp', 'card:1:header:product': 'va2l5ioeat' }),
		});
		expect(result.error).toBeUndefined();
		expect((sim.log()[0].body as { template: { components: unknown[] } }).template.components[1]).toEqual({
			type: 'carousel',
			cards: [
				{ card_index: 0, components: [productHeader('vrpj01fvwp')] },
				{ card_index: 1, components: [productHeader('va2l5ioeat')] },
			],
		});
	});

	test('ten product cards by hand from a template approved with two', async () => {
		const result = await send(sim, productCards(10));
		expect(result.error).toBeUndefined();
		const carousel = (sim.log()[0].body as { template: { components: Array<{ cards?: unknown[] }> } }).template.components[1];
		expect(carousel.cards).toHaveLength(10);
		expect(carousel.cards![9]).toEqual({ card_index: 9, components: [productHeader('sku9')] });
	});

	test('media cards by hand, with card variables and button values', async () => {
		const card = (name: string) => ({ headerType: 'video', media: `https://example.com/${name}.mp4`, variables: { variable: [{ text: name }, { text: '$12' }] }, buttons: { button: [{ subType: 'url', index: 1, value: name }] } });
		const result = await send(sim, {
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('weekly_picks'),
			language: 'en_US',
			templateBodyParameters: { parameter: [{ type: 'text', text: 'Ana' }] },
			templateCards: { card: [card('aloe'), card('jade')] },
		});
		expect(result.error).toBeUndefined();
		expect(sim.log()).toHaveLength(1);
	});
});

const three = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];
const onSecond = (bad: string, good: string) => `={{ $json.n === 2 ? ${bad} : ${good} }}`;

const refused: Array<[string, INodeParameters, RegExp]> = [
	['more than 10 cards', productCards(11), /^Item 1: "Carousel Cards" has 11 cards; a carousel has at most 10/],
	['a card without its image', mediaCardFields({ 'card:1:header:image': onSecond('""', '"https://example.com/a.jpg"') }), /^Item 2: "Template Fields" Card 2: header .*(required|link)/i],
	['a media card template sent with fewer cards', productCardsAsMedia(), /^Item 1: "Carousel Cards" template "carousel_template_media_cards_v1" has 3 media cards; 2 were given/],
	['a card\'s URL value missing', mediaCardFields({ 'card:2:button:url:1': onSecond('""', '"black-prince"') }), /^Item 2: .*Card 3: button 1 is required/],
	['a card variable over 160 characters', productCards(2, () => ({ variables: { variable: [{ text: 'v'.repeat(161) }] } })), /^Item 1: "Carousel Cards #1 › Card Variables #1 › Text" is 161 characters long; a card's body text, its variables included, is at most 160/],
	['a card button at position 2', productCards(2, () => ({ buttons: { button: [{ subType: 'url', index: 2, value: 'x' }] } })), /^Item 1: "Carousel Cards #1 › Card Buttons #1 › Button Position" must be 0 or 1/],
	['cards with different headers', productCards(2, (i) => (i === 1 ? { headerType: 'image', media: 'https://example.com/a.jpg' } : {})), /^Item 1: "Carousel Cards #2 › Card Header › Type" is image but card 1 is product/],
	['a product card without catalog', productCards(2, (i) => (i === 1 ? { catalogId: '' } : {})), /^Item 1: "Carousel Cards #2 › Card Header › Catalog ID" is required/],
	['a product card without product', productCards(2, (i) => (i === 0 ? { productRetailerId: '' } : {})), /^Item 1: "Carousel Cards #1 › Card Header › Product Retailer ID" is required/],
	[
		'product cards for the template without their catalog',
		{ messageType: 'template', template: template('carousel_template_product_cards_v1'), language: 'en_US', templateFields: fields({ 'body:1': 'Pablo', 'card:0:header:product': 'a', 'card:1:header:product': 'b' }) },
		/^Item 1: "Template Fields" Catalog ID is required/,
	],
	['a card variable the card does not have', productCards(2, (i) => (i === 1 ? { variables: { variable: [{ text: 'x' }] } } : {})), /^Item 1: "Carousel Cards #2 › Card Variables" card 2 of template "carousel_template_product_cards_v1" has 0 variables but 1 value was given/],
	[
		'cards for a template that is no carousel',
		{ messageType: 'template', templateInputMode: 'manual', template: template('delivery_update'), language: 'en_US', templateBodyParameters: { parameter: [{ text: 'A' }, { text: 'B' }] }, templateCards: { card: [{ headerType: 'image', media: 'https://example.com/a.jpg' }] } },
		/^Item 1: "Carousel Cards" template "delivery_update" is not a carousel/,
	],
	[
		'a carousel template without its cards',
		{ messageType: 'template', templateInputMode: 'manual', template: template('carousel_template_product_cards_v1'), language: 'en_US', templateBodyParameters: { parameter: [{ text: 'Pablo' }] } },
		/^Item 1: "Carousel Cards" template "carousel_template_product_cards_v1" is a carousel with 2 cards: fill in each card/,
	],
];

/** Two cards for the three-card media template. */
function productCardsAsMedia(): INodeParameters {
	const card = { headerType: 'image', media: 'https://example.com/a.jpg', buttons: { button: [{ subType: 'url', index: 1, value: 'x' }] } };
	return {
		messageType: 'template',
		templateInputMode: 'manual',
		template: template('carousel_template_media_cards_v1'),
		language: 'en_US',
		templateBodyParameters: { parameter: [{ text: 'Pablo' }, { text: '20%' }, { text: '20OFF' }] },
		templateCards: { card: [card, card] },
	};
}

describe('Send Message: bad carousel input fails before any call, naming the item and the field', () => {
	test.each(refused)('%s', async (_name, parameters, message) => {
		const result = await send(sim, parameters, { inputItems: three });
		expect(result.error?.message).toMatch(message);
		expect(messageCalls(sim)).toBe(0);
	});
});
