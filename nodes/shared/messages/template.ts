import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MessageValidationError } from './errors';
import { buildLocationObject } from './location';
import { buildProductButtonAction } from './templateProducts';
import { buildOrderDetails } from './templateCheckout';
import { buildMediaReference } from './media';
import { buildCarousel, type TemplateCardParams } from './templateCarousel';
import { buildLimitedTimeOffer } from './templateOffer';
import {
	isPlainObject,
	listOf,
	oneOf,
	optionalText,
	parseJsonOrUndefined,
	requiredId,
	requiredNumber,
	requiredText,
	requireUnique,
} from './rules';
import type {
	TemplateBodyParameter,
	TemplateButtonParameter,
	TemplateButtonComponent,
	TemplateButtonSubType,
	TemplateComponent,
	TemplateHeaderParameter,
	TemplateMessage,
} from './types';

export const NAMED_PARAMETER = /^[a-z_]{1,20}$/;
export const MAX_TEMPLATE_HEADER_TEXT = 60;
export const MAX_TEMPLATE_BODY_PARAMETER = 32768;
/** https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/coupon-templates */
export const MAX_COUPON_CODE = 20;
export const MAX_QUICK_REPLY_PAYLOAD = 1000;

/** The template's header parameter; which fields apply depends on `type`. */
export interface TemplateHeaderParams {
	type: 'none' | 'text' | 'image' | 'video' | 'document' | 'location' | 'product';
	text?: unknown;
	parameterName?: unknown;
	mediaId?: unknown;
	link?: unknown;
	filename?: unknown;
	latitude?: unknown;
	longitude?: unknown;
	name?: unknown;
	address?: unknown;
	/** product (single-product templates): the catalog and the product's SKU. */
	catalogId?: unknown;
	productRetailerId?: unknown;
}

/** One body variable; which fields apply depends on `type`. */
export interface TemplateBodyParameterParams {
	type: 'text' | 'currency' | 'date_time';
	text?: unknown;
	fallbackValue?: unknown;
	/** ISO 4217, e.g. USD. */
	code?: unknown;
	/** The amount × 1000, a whole number. */
	amount1000?: unknown;
	/** Named templates only: the variable name, e.g. first_name. */
	parameterName?: unknown;
}

export interface TemplateButtonParams {
	subType: TemplateButtonSubType;
	/** The button's position in the template, 0 to 9. */
	index: unknown;
	/** quick_reply: the payload returned when tapped. */
	payload?: unknown;
	/** url: the text appended to the template's URL. */
	text?: unknown;
	/** copy_code: the code to copy. */
	couponCode?: unknown;
	/** flow: a token for this flow session and optional initial data (object or JSON). */
	flowToken?: unknown;
	flowActionData?: unknown;
	/** catalog and mpm: the product whose image heads the message. */
	thumbnailProductRetailerId?: unknown;
	/** mpm: up to 30 products in up to 10 sections. */
	sections?: Array<{ title?: unknown; productRetailerIds: unknown[] }>;
	/** order_details (checkout button templates, India): the order, an object or JSON. */
	orderDetails?: unknown;
}

export interface TemplateParams extends EnvelopeParams {
	name: unknown;
	/** e.g. en_US */
	language: unknown;
	header?: TemplateHeaderParams;
	bodyParameters?: TemplateBodyParameterParams[];
	buttons?: TemplateButtonParams[];
	/** Carousel templates: the cards in order, each with its header, body variables and button values. */
	cards?: TemplateCardParams[];
	/** Limited-time offer templates: when the offer expires, a Unix time in milliseconds. */
	offerExpirationTimeMs?: unknown;
}

/** Meta refuses template values with new lines, tabs or more than 4 spaces in a row (error 132018). */
export function templateText(field: string, value: unknown, maxChars: number): string {
	const text = requiredText(field, value, maxChars);
	if (/[\n\r\t]| {5,}/.test(text)) {
		throw new MessageValidationError(field, 'cannot contain line breaks, tabs or more than 4 spaces in a row (WhatsApp refuses them in template variables)');
	}
	return text;
}

function parameterName(field: string, value: unknown): string | undefined {
	const name = optionalText(field, value)?.trim();
	if (name === undefined) return undefined;
	if (!NAMED_PARAMETER.test(name)) {
		throw new MessageValidationError(field, `"${name.slice(0, 30)}" is not a parameter name: use 1 to 20 lowercase letters and underscores, as in the template's {{first_name}}`);
	}
	return name;
}

function buildHeader(header: TemplateHeaderParams | undefined): TemplateHeaderParameter | undefined {
	if (header === undefined || header === null) return undefined;
	if (!isPlainObject(header)) throw new MessageValidationError('header', 'must be a header');
	const type = oneOf('header.type', header.type ?? 'none', ['none', 'text', 'image', 'video', 'document', 'location', 'product'] as const);
	switch (type) {
		case 'none':
			return undefined;
		case 'text': {
			const name = parameterName('header.parameterName', header.parameterName);
			const text = templateText('header.text', header.text, MAX_TEMPLATE_HEADER_TEXT);
			return name === undefined ? { type: 'text', text } : { type: 'text', text, parameter_name: name };
		}
		case 'image':
			return { type: 'image', image: buildMediaReference(header, 'header.') };
		case 'video':
			return { type: 'video', video: buildMediaReference(header, 'header.') };
		case 'document': {
			const filename = optionalText('header.filename', header.filename, 240);
			return { type: 'document', document: { ...buildMediaReference(header, 'header.'), ...(filename !== undefined && { filename }) } };
		}
		case 'location':
			return { type: 'location', location: buildLocationObject({ latitude: header.latitude, longitude: header.longitude, name: header.name, address: header.address }, 'header.') };
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
		case 'product':
			return {
				type: 'product',
				product: { product_retailer_id: requiredId('header.productRetailerId', header.productRetailerId), catalog_id: requiredId('header.catalogId', header.catalogId) },
			};
	}
}

/** `prefix`: where the list sits, e.g. `cards[1].` for a card's variables. */
export function buildBodyParameter(param: TemplateBodyParameterParams, index: number, prefix = ''): TemplateBodyParameter {
	const at = `${prefix}bodyParameters[${index}]`;
	if (!isPlainObject(param)) throw new MessageValidationError(at, 'must be a parameter');
	const type = oneOf(`${at}.type`, param.type ?? 'text', ['text', 'currency', 'date_time'] as const);
	const name = parameterName(`${at}.parameterName`, param.parameterName);
	const named = <T extends TemplateBodyParameter>(built: T): T => (name === undefined ? built : { ...built, parameter_name: name });
	switch (type) {
		case 'text':
			return named({ type: 'text', text: templateText(`${at}.text`, param.text, MAX_TEMPLATE_BODY_PARAMETER) });
		case 'currency': {
			const code = requiredText(`${at}.code`, param.code).trim().toUpperCase();
			if (!/^[A-Z]{3}$/.test(code)) {
				throw new MessageValidationError(`${at}.code`, `"${code.slice(0, 20)}" is not a currency code (ISO 4217, three letters, e.g. USD)`);
			}
			const amount = requiredNumber(`${at}.amount1000`, param.amount1000);
			if (!Number.isSafeInteger(amount)) {
				throw new MessageValidationError(`${at}.amount1000`, `must be a whole number (the amount × 1000, e.g. 12990 for 12.99), got ${amount}`);
			}
			return named({
				type: 'currency',
				currency: { fallback_value: requiredText(`${at}.fallbackValue`, param.fallbackValue, 1000), code, amount_1000: amount },
			});
		}
		case 'date_time':
			return named({ type: 'date_time', date_time: { fallback_value: requiredText(`${at}.fallbackValue`, param.fallbackValue, 1000) } });
	}
}

function isBareCatalogButton(button: TemplateButtonParams): boolean {
	if (!isPlainObject(button) || button.subType !== 'catalog') return false;
	const thumbnail = button.thumbnailProductRetailerId;
	return thumbnail === undefined || thumbnail === null || (typeof thumbnail === 'string' && thumbnail.trim() === '');
}

export function buildButton(button: TemplateButtonParams, position: number, prefix = ''): TemplateButtonComponent {
	const at = `${prefix}buttons[${position}]`;
	if (!isPlainObject(button)) throw new MessageValidationError(at, 'must be a button');
	const subType = oneOf(`${at}.subType`, button.subType, ['quick_reply', 'url', 'copy_code', 'flow', 'catalog', 'mpm', 'order_details'] as const);
	const rawIndex = typeof button.index === 'string' ? button.index.trim() : button.index;
	const index = requiredNumber(`${at}.index`, rawIndex);
	if (!Number.isInteger(index) || index < 0 || index > 9) {
		throw new MessageValidationError(`${at}.index`, `must be the button's position in the template, a whole number from 0 to 9, got ${index}`);
	}
	let parameter: TemplateButtonParameter;
	switch (subType) {
		case 'quick_reply':
			parameter = { type: 'payload', payload: requiredText(`${at}.payload`, button.payload, MAX_QUICK_REPLY_PAYLOAD) };
			break;
		case 'url':
			parameter = { type: 'text', text: templateText(`${at}.text`, button.text, 2000) };
			break;
		case 'copy_code':
			parameter = { type: 'coupon_code', coupon_code: requiredId(`${at}.couponCode`, button.couponCode, MAX_COUPON_CODE) };
			break;
		case 'flow': {
			const action: { flow_token?: string; flow_action_data?: Record<string, unknown> } = {};
			const token = optionalText(`${at}.flowToken`, button.flowToken, 1000);
			if (token !== undefined) action.flow_token = token;
			const data = button.flowActionData;
			if (data !== undefined && data !== null && data !== '') {
				let parsed: unknown = data;
				if (typeof data === 'string') {
					const json = parseJsonOrUndefined(data);
					if (!json) throw new MessageValidationError(`${at}.flowActionData`, 'is not valid JSON');
					parsed = json.value;
				}
				if (!isPlainObject(parsed)) throw new MessageValidationError(`${at}.flowActionData`, 'must be a JSON object');
				if (Object.keys(parsed).length) action.flow_action_data = parsed;
			}
			parameter = { type: 'action', action };
			break;
		}
		case 'catalog':
		case 'mpm':
			parameter = buildProductButtonAction(subType, button, at);
			break;
		case 'order_details':
			parameter = { type: 'action', action: { order_details: buildOrderDetails(button.orderDetails, `${at}.orderDetails`) } };
			break;
	}
	return { type: 'button', sub_type: subType, index: String(index), parameters: [parameter] };
}

/** An approved message template with its header, body and button parameters. */
export function buildTemplate(params: TemplateParams): TemplateMessage {
	const envelope = buildEnvelope(params);
	const name = requiredId('name', params.name, 512);
	if (!/^[a-z0-9_]+$/.test(name)) {
		throw new MessageValidationError('name', `"${name.slice(0, 40)}" is not a template name: lowercase letters, digits and underscores only`);
	}
	const language = requiredId('language', params.language, 15).trim();
	if (!/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(language)) {
		throw new MessageValidationError('language', `"${language}" is not a template language code, e.g. en, en_US or pt_BR`);
	}
	const components: TemplateComponent[] = [];
	const header = buildHeader(params.header);
	if (header) components.push({ type: 'header', parameters: [header] });

	const bodyParameters = listOf<TemplateBodyParameterParams>('bodyParameters', params.bodyParameters).map((p, i) => buildBodyParameter(p, i));
	if (bodyParameters.length) {
		const namedCount = bodyParameters.filter((p) => p.parameter_name !== undefined).length;
		if (namedCount !== 0 && namedCount !== bodyParameters.length) {
			const first = bodyParameters.findIndex((p) => (p.parameter_name === undefined) !== (bodyParameters[0].parameter_name === undefined));
			throw new MessageValidationError(
				`bodyParameters[${first}].parameterName`,
				'mixes named and positional parameters: a template uses either names ({{first_name}}) for all of them or positions ({{1}}) for all',
			);
		}
		if (namedCount) {
			requireUnique((i) => `bodyParameters[${i}].parameterName`, bodyParameters.map((p) => p.parameter_name!), 'Parameter name');
		}
		components.push({ type: 'body', parameters: bodyParameters });
	}

	const offer = buildLimitedTimeOffer(params.offerExpirationTimeMs);
	if (offer) components.push(offer);

	// A catalog button's only value, its thumbnail, is optional ("the first product of the catalog is shown"): without
	// one the button takes no parameters, so no component is sent for it (as Template Fields mode does).
	const buttons = listOf<TemplateButtonParams>('buttons', params.buttons)
		.map((b, i) => (isBareCatalogButton(b) ? undefined : buildButton(b, i)))
		.filter((b): b is TemplateButtonComponent => b !== undefined);
	if (buttons.length > 10) throw new MessageValidationError('buttons', `has ${buttons.length} buttons; a template has at most 10`);
	requireUnique((i) => `buttons[${i}].index`, buttons.map((b) => (b.type === 'button' ? b.index : '')), 'Button index');
	components.push(...buttons);
	const carousel = buildCarousel(params.cards);
	if (carousel) components.push(carousel);

	return {
		...envelope,
		type: 'template',
		template: { name, language: { code: language }, ...(components.length && { components }) },
	};
}
