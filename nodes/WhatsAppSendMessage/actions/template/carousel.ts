import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { TEMPLATE_FIELD, templateVariables } from '../../../shared/descriptions';
import type { MessageTemplate, TemplateComponentDefinition } from '../../../shared/descriptions';
import {
	MAX_CARDS,
	MessageValidationError,
	type TemplateBodyParameterParams,
	type TemplateButtonParams,
	type TemplateCardHeaderParams,
	type TemplateCardParams,
	type TemplateMessage,
} from '../../../shared/messages';
import { collectionList } from '../common';

/**
 * Carousel templates (media cards and product cards): the cards' fields when filled by hand, reading them from the
 * Template Fields, and the check against the template Meta holds.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/product-card-carousel-templates
 */

/** A card's image or video, as typed: a link when it starts with http(s)://, otherwise an uploaded media ID. */
export function cardMediaHeader(type: 'image' | 'video', value: unknown): TemplateCardHeaderParams {
	const text = typeof value === 'string' ? value.trim() : value;
	return typeof text === 'string' && /^https?:\/\//i.test(text) ? { type, link: text } : { type, mediaId: text };
}

export const cardsDescription: INodeProperties = {
	displayName: 'Carousel Cards',
	name: 'templateCards',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add card',
	default: {},
	hint: `Carousel templates only: one entry per card, in order (up to ${MAX_CARDS}). A media card template takes exactly the cards it was approved with; a product card template up to ${MAX_CARDS}.`,
	displayOptions: { show: { messageType: ['template'], templateInputMode: ['manual'] } },
	options: [
		{
			displayName: 'Card',
			name: 'card',
			values: [
				{
					displayName: 'Card Header',
					name: 'headerType',
					type: 'options',
					options: [
						{ name: 'Image', value: 'image' },
						{ name: 'Video', value: 'video' },
						{ name: 'Product', value: 'product' },
					],
					default: 'image',
				},
				{
					displayName: 'Image or Video',
					name: 'media',
					type: 'string',
					default: '',
					placeholder: 'e.g. https://example.com/aloe.jpg or 1558081531584829',
					description: 'A public link, or the ID of media uploaded to WhatsApp',
					displayOptions: { show: { headerType: ['image', 'video'] } },
				},
				{
					displayName: 'Catalog ID',
					name: 'catalogId',
					type: 'string',
					default: '',
					description: 'The catalog connected to your WhatsApp Business Account that holds the product',
					displayOptions: { show: { headerType: ['product'] } },
				},
				{
					displayName: 'Product Retailer ID',
					name: 'productRetailerId',
					type: 'string',
					default: '',
					description: "The product's SKU (Content ID in Commerce Manager)",
					displayOptions: { show: { headerType: ['product'] } },
				},
				{
					displayName: 'Card Variables',
					name: 'variables',
					type: 'fixedCollection',
					typeOptions: { multipleValues: true, sortable: true },
					placeholder: 'Add variable',
					default: {},
					description: "The values of the card body's {{1}}, {{2}}… in order; the card's text is at most 160 characters with them",
					options: [{ displayName: 'Variable', name: 'variable', values: [{ displayName: 'Text', name: 'text', type: 'string', default: '' }] }],
				},
				{
					displayName: 'Card Buttons',
					name: 'buttons',
					type: 'fixedCollection',
					typeOptions: { multipleValues: true, sortable: true },
					placeholder: 'Add button value',
					default: {},
					description: "Only for the card's buttons that take a value: a quick reply payload or the variable end of a URL",
					options: [
						{
							displayName: 'Button',
							name: 'button',
							values: [
								{
									displayName: 'Button Type',
									name: 'subType',
									type: 'options',
									options: [
										{ name: 'Checkout (Buy Now, India)', value: 'order_details' },
										{ name: 'Quick Reply', value: 'quick_reply' },
										{ name: 'URL', value: 'url' },
									],
									default: 'quick_reply',
								},
								{ displayName: 'Button Position', name: 'index', type: 'number', typeOptions: { minValue: 0, maxValue: 1 }, default: 0, description: 'The position of the button on the card: 0 or 1' },
								{
									displayName: 'Value',
									name: 'value',
									type: 'string',
									default: '',
									description: 'The payload returned when tapped, the end of the URL that replaces {{1}}, or a checkout button\'s order details (JSON, India only: see the checkout button templates page)',
								},
							],
						},
					],
				},
			],
		},
	],
};

/** Cards filled by hand (the Carousel Cards field). */
export function readManualCards(value: unknown): TemplateCardParams[] {
	return collectionList(value, 'card').map((card) => ({
		header:
			card.headerType === 'product'
				? { type: 'product', catalogId: card.catalogId, productRetailerId: card.productRetailerId }
				: cardMediaHeader(card.headerType === 'video' ? 'video' : 'image', card.media),
		bodyParameters: collectionList(card.variables, 'variable').map((variable) => ({ type: 'text' as const, text: variable.text })),
		buttons: collectionList(card.buttons, 'button').map((button) => cardButton(String(button.subType), button.index, button.value)),
	}));
}

/** A card's button value as typed: a URL's end, a quick reply's payload, or a checkout button's order (JSON). */
function cardButton(subType: string, index: unknown, value: unknown): TemplateButtonParams {
	if (subType === 'url') return { subType, index, text: value };
	if (subType === 'order_details') return { subType, index, orderDetails: value };
	return { subType: 'quick_reply', index, payload: value };
}

const CARD_KEY = /^card:(\d+):(header:(image|video|product)|body:(.+)|button:(url|quick_reply|order_details):(\d))$/;

/**
 * Cards from the Template Fields (`card:<n>:…` keys, see TEMPLATE_FIELD.card), and the field a builder error about a
 * card names: "Card 2: {{1}}".
 */
export function readCardFields(values: IDataObject): { cards: TemplateCardParams[]; fieldOf: (builderField: string) => string | undefined } {
	const cards: Array<{ header?: TemplateCardHeaderParams; body: Array<{ variable: string; value: unknown }>; buttons: TemplateButtonParams[] }> = [];
	const catalogId = values[TEMPLATE_FIELD.catalog];
	for (const [key, value] of Object.entries(values)) {
		const match = CARD_KEY.exec(key);
		if (!match) continue;
		const card = (cards[Number(match[1])] ??= { body: [], buttons: [] });
		const [, , , headerType, variable, buttonType, buttonIndex] = match;
		if (headerType === 'product') card.header = { type: 'product', catalogId, productRetailerId: value };
		else if (headerType) card.header = cardMediaHeader(headerType as 'image' | 'video', value);
		else if (variable !== undefined) card.body.push({ variable, value });
		// An empty quick-reply payload sends no parameter for that button.
		else if (buttonType === 'quick_reply' && (value === undefined || value === null || String(value).trim() === '')) continue;
		else card.buttons.push(cardButton(buttonType, Number(buttonIndex), value));
	}
	const built = Array.from(cards, (card) => ({
		header: card?.header as TemplateCardHeaderParams,
		bodyParameters: (card?.body ?? [])
			.sort((a, b) => Number(a.variable) - Number(b.variable))
			.map((entry): TemplateBodyParameterParams => ({ type: 'text', text: entry.value })),
		buttons: card?.buttons ?? [],
	}));
	const fieldOf = (builderField: string): string | undefined => {
		const match = /^cards\[(\d+)\](?:\.(header|bodyParameters\[(\d+)\]|buttons\[(\d+)\]))?/.exec(builderField);
		if (!match) return undefined;
		const card = Number(match[1]);
		if (match[2] === 'header') return builderField.endsWith('catalogId') ? 'Catalog ID' : `Card ${card + 1}: header`;
		if (match[3] !== undefined) return `Card ${card + 1}: {{${cards[card]?.body.sort((a, b) => Number(a.variable) - Number(b.variable))[Number(match[3])]?.variable}}}`;
		const order = /\.orderDetails\.?(.*)$/.exec(builderField);
		const part = order ? ` order details${order[1] ? ` ${order[1]}` : ''}` : '';
		if (match[4] !== undefined) return `Card ${card + 1}: button ${cards[card]?.buttons[Number(match[4])]?.index}${part}`;
		return `Card ${card + 1}`;
	};
	return { cards: built, fieldOf };
}

const upper = (text: string | undefined) => (text ?? '').toUpperCase();

/** The header format, body variables and buttons of one card definition. */
function cardDefinition(card: { components?: TemplateComponentDefinition[] } | undefined) {
	const parts = card?.components ?? [];
	return {
		header: upper(parts.find((part) => upper(part.type) === 'HEADER')?.format),
		variables: templateVariables(parts.find((part) => upper(part.type) === 'BODY')?.text ?? ''),
		buttons: parts.find((part) => upper(part.type) === 'BUTTONS')?.buttons ?? [],
	};
}

/**
 * A carousel body against the template Meta holds: cards given exactly when the template has a carousel, as many as a
 * media card template has (a product card template takes up to 10), each card's header kind, variables and URL values.
 */
export function checkCarousel(body: TemplateMessage, template: MessageTemplate): void {
	const name = body.template.name;
	const definition = template.components?.find((component) => upper(component.type) === 'CAROUSEL');
	const given = body.template.components?.find((component) => component.type === 'carousel');
	if (!definition) {
		if (given) throw new MessageValidationError('cards', `template "${name}" is not a carousel: remove the cards`);
		return;
	}
	const defined = definition.cards ?? [];
	if (!given || given.type !== 'carousel') {
		throw new MessageValidationError('cards', `template "${name}" is a carousel with ${defined.length} cards: fill in each card`);
	}
	const productCards = cardDefinition(defined[0]).header === 'PRODUCT';
	if (!productCards && given.cards.length !== defined.length) {
		throw new MessageValidationError('cards', `template "${name}" has ${defined.length} media cards; ${given.cards.length} were given (a media card carousel is sent with exactly its cards)`);
	}
	given.cards.forEach((card, index) => {
		const expected = cardDefinition(defined[index] ?? defined[0]);
		const header = card.components.find((part) => part.type === 'header');
		const headerType = header?.type === 'header' ? header.parameters[0]?.type : undefined;
		if (upper(headerType) !== expected.header) {
			throw new MessageValidationError(`cards[${index}].header.type`, `card ${index + 1} of template "${name}" has a ${expected.header.toLowerCase()} header, not ${headerType}`);
		}
		const bodyPart = card.components.find((part) => part.type === 'body');
		const values = bodyPart?.type === 'body' ? bodyPart.parameters.length : 0;
		if (values !== expected.variables.length) {
			throw new MessageValidationError(`cards[${index}].bodyParameters`, `card ${index + 1} of template "${name}" has ${expected.variables.length} variable${expected.variables.length === 1 ? '' : 's'} but ${values} value${values === 1 ? ' was' : 's were'} given`);
		}
		const buttons = card.components.filter((part) => part.type === 'button');
		buttons.forEach((button, position) => {
			if (button.type !== 'button') return;
			const buttonDefinition = expected.buttons[Number(button.index)];
			if (!buttonDefinition || upper(buttonDefinition.type) !== upper(button.sub_type)) {
				throw new MessageValidationError(`cards[${index}].buttons[${position}].subType`, `card ${index + 1} of template "${name}" has no ${button.sub_type.replace('_', ' ')} button at position ${button.index}`);
			}
		});
		expected.buttons.forEach((definitionButton, position) => {
			const needsValue = (upper(definitionButton.type) === 'URL' && templateVariables(definitionButton.url ?? '').length > 0) || upper(definitionButton.type) === 'ORDER_DETAILS';
			if (needsValue && !buttons.some((button) => button.type === 'button' && Number(button.index) === position)) {
				const what = upper(definitionButton.type) === 'URL' ? `(URL ${definitionButton.url}) needs the end of its URL` : '(checkout) needs its order details';
				throw new MessageValidationError(`cards[${index}].buttons`, `card ${index + 1} of template "${name}": button ${position} ${what}`);
			}
		});
	});
}

export const carouselLabels = {
	cards: 'Carousel Cards',
	'cards.header': 'Card Header',
	'cards.header.type': 'Type',
	'cards.header.link': 'Image or Video',
	'cards.header.mediaId': 'Image or Video',
	'cards.header.catalogId': 'Catalog ID',
	'cards.header.productRetailerId': 'Product Retailer ID',
	'cards.bodyParameters': 'Card Variables',
	'cards.bodyParameters.text': 'Text',
	'cards.buttons': 'Card Buttons',
	'cards.buttons.subType': 'Button Type',
	'cards.buttons.index': 'Button Position',
	'cards.buttons.payload': 'Value',
	'cards.buttons.text': 'Value',
	'cards.buttons.orderDetails': 'Value',
};
