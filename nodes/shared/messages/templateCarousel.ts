import { MessageValidationError } from './errors';
import { buildMediaReference } from './media';
import { charCount, isPlainObject, listOf, oneOf, requiredId, requireUnique } from './rules';
import { buildBodyParameter, buildButton, type TemplateBodyParameterParams, type TemplateButtonParams } from './template';
import type { TemplateCard, TemplateComponent, TemplateHeaderParameter } from './types';

/**
 * Carousel templates: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 * and …/product-card-carousel-templates. Up to 10 cards; a card has at most two buttons; its body text is at most 160
 * characters, which its variables count against.
 */
export const MAX_CARDS = 10;
export const MAX_CARD_BUTTONS = 2;
export const MAX_CARD_BODY = 160;

export type TemplateCardHeaderParams =
	| { type: 'image' | 'video'; mediaId?: unknown; link?: unknown }
	| { type: 'product'; catalogId?: unknown; productRetailerId?: unknown };

export interface TemplateCardParams {
	/** A media card's image or video, or a product card's product. */
	header: TemplateCardHeaderParams;
	bodyParameters?: TemplateBodyParameterParams[];
	/** quick_reply (payload) or url (the end of the URL), by position 0 or 1 on the card. */
	buttons?: TemplateButtonParams[];
}

function buildCardHeader(header: unknown, at: string): TemplateHeaderParameter {
	if (!isPlainObject(header)) throw new MessageValidationError(`${at}.header`, 'is required: an image or video, or a product');
	const type = oneOf(`${at}.header.type`, header.type, ['image', 'video', 'product'] as const);
	if (type === 'product') {
		return {
			type: 'product',
			product: {
				product_retailer_id: requiredId(`${at}.header.productRetailerId`, header.productRetailerId),
				catalog_id: requiredId(`${at}.header.catalogId`, header.catalogId),
			},
		};
	}
	const given = (value: unknown) => value !== undefined && value !== null && String(value).trim() !== '';
	if (!given(header.mediaId) && !given(header.link)) throw new MessageValidationError(`${at}.header`, `is required: a public link to the ${type}, or the ID of uploaded media`);
	const media = buildMediaReference(header, `${at}.header.`);
	return type === 'image' ? { type: 'image', image: media } : { type: 'video', video: media };
}

function buildCard(card: TemplateCardParams, index: number): TemplateCard {
	const at = `cards[${index}]`;
	if (!isPlainObject(card)) throw new MessageValidationError(at, 'must be a card');
	const components: TemplateCard['components'] = [{ type: 'header', parameters: [buildCardHeader(card.header, at)] }];
	const bodyParameters = listOf<TemplateBodyParameterParams>(`${at}.bodyParameters`, card.bodyParameters).map((parameter, i) => {
		const built = buildBodyParameter(parameter, i, `${at}.`);
		if (built.type === 'text' && charCount(built.text) > MAX_CARD_BODY) {
			throw new MessageValidationError(`${at}.bodyParameters[${i}].text`, `is ${charCount(built.text)} characters long; a card's body text, its variables included, is at most ${MAX_CARD_BODY}`);
		}
		return built;
	});
	if (bodyParameters.length) components.push({ type: 'body', parameters: bodyParameters });
	const buttons = listOf<TemplateButtonParams>(`${at}.buttons`, card.buttons).map((button, i) => {
		const built = buildButton(button, i, `${at}.`);
		if (built.sub_type !== 'quick_reply' && built.sub_type !== 'url' && built.sub_type !== 'order_details') {
			throw new MessageValidationError(`${at}.buttons[${i}].subType`, `must be Quick Reply, URL or Checkout: a card's buttons are quick replies, URLs, checkout buttons or phone numbers (which take no value), got ${built.sub_type}`);
		}
		// "make sure that it is the first button in the card" (checkout button templates, Multiple Products).
		if (built.sub_type === 'order_details' && built.index !== '0') {
			throw new MessageValidationError(`${at}.buttons[${i}].index`, `must be 0: a card's checkout button is its first button, got ${built.index}`);
		}
		if (Number(built.index) >= MAX_CARD_BUTTONS) {
			throw new MessageValidationError(`${at}.buttons[${i}].index`, `must be 0 or 1: a card has at most ${MAX_CARD_BUTTONS} buttons, got ${built.index}`);
		}
		return built;
	});
	const indexes = buttons.map((button) => button.index);
	const repeated = indexes.findIndex((value, i) => indexes.indexOf(value) !== i);
	if (repeated !== -1) throw new MessageValidationError(`${at}.buttons[${repeated}].index`, `Button position ${indexes[repeated]} is used twice on this card`);
	components.push(...buttons);
	return { card_index: index, components };
}

/** The carousel component, or undefined for a template without cards. Every card has the same kind of header. */
export function buildCarousel(given: unknown): TemplateComponent | undefined {
	const cards = listOf<TemplateCardParams>('cards', given);
	if (cards.length === 0) return undefined;
	if (cards.length > MAX_CARDS) throw new MessageValidationError('cards', `has ${cards.length} cards; a carousel has at most ${MAX_CARDS}`);
	const built = cards.map(buildCard);
	const headerType = (card: TemplateCard) => (card.components[0].parameters[0] as TemplateHeaderParameter).type;
	const odd = built.findIndex((card) => headerType(card) !== headerType(built[0]));
	if (odd !== -1) {
		throw new MessageValidationError(`cards[${odd}].header.type`, `is ${headerType(built[odd])} but card 1 is ${headerType(built[0])}: all cards of a carousel have the same kind of header`);
	}
	requireUnique((i) => `cards[${i}].buttons[0].orderDetails.reference_id`, checkoutReferences(built), 'Checkout reference ID');
	return { type: 'carousel', cards: built };
}

/**
 * The cards' checkout reference IDs: "If sending a carousel template, each checkout button must have a unique reference
 * ID" (https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates).
 */
function checkoutReferences(cards: TemplateCard[]): string[] {
	return cards.map((card) => {
		const button = card.components.find((part) => part.type === 'button' && part.sub_type === 'order_details');
		const action = button?.type === 'button' ? (button.parameters[0] as { action?: { order_details?: { reference_id?: string } } }).action : undefined;
		return action?.order_details?.reference_id ?? `\u0000card ${card.card_index}`;
	});
}
