/**
 * A template definition checked against Meta's limits before it is sent (create and edit). Pure: Meta's component
 * shape in, the same shape out or a `ManagementInputError` naming the field as the user sees it.
 * Limits: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components and
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview (names, parameters).
 */
import { charCount } from '../../../shared/messages/rules';
import { ManagementInputError } from '../errors';

export const MAX_TEMPLATE_NAME = 512;
export const MAX_HEADER_TEXT = 60;
export const MAX_BODY_TEXT = 1024;
export const MAX_FOOTER_TEXT = 60;
export const MAX_BUTTONS = 10;
export const MAX_BUTTON_TEXT = 25;
export const MAX_URL = 2000;
export const MAX_PHONE_NUMBER = 20;
export const MAX_COPY_CODE_EXAMPLE = 15;
/** Carousels: 2 to 10 cards, card body up to 160, up to 2 buttons a card (media card carousel templates page). */
export const MIN_CARDS = 2;
export const MAX_CARDS = 10;
export const MAX_CARD_BODY = 160;
export const MAX_CARD_BUTTONS = 2;
/** Limited-time offers: offer text up to 16, body up to 600 (limited-time offer templates page). */
export const MAX_OFFER_TEXT = 16;
export const MAX_OFFER_BODY = 600;
/** Authentication: code expiry 1 to 90 minutes (authentication templates page). */
export const MAX_CODE_EXPIRATION_MINUTES = 90;
const OTP_TYPES = ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'];
/** "At least two segments … each segment must start with a letter … [a-zA-Z0-9_]" (autofill button templates page). */
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+$/;
const SIGNATURE_HASH = /^[A-Za-z0-9+/=]+$/;
/** Per button type: how many one template may carry (components page, "Buttons"). */
export const MAX_BUTTONS_OF_TYPE: Record<string, number> = { QUICK_REPLY: 10, URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1, ORDER_DETAILS: 1, SPM: 1 };
/**
 * Buttons whose text Meta fixes: the checkout button's "non-customizable syntax" (checkout button templates page) and
 * the single-product template's View button (SPM templates page).
 */
export const FIXED_BUTTON_TEXT: Record<string, string> = { ORDER_DETAILS: 'Buy now', SPM: 'View' };
/** An SPM template's body: "Maximum 160 characters" (SPM templates page). */
export const MAX_SPM_BODY = 160;

export type ParameterFormat = 'POSITIONAL' | 'NAMED';
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

export interface NamedExample {
	param_name: string;
	example: string;
}

export interface TemplateButton {
	type: string;
	text?: string;
	url?: string;
	phone_number?: string;
	example?: string[] | string;
	[key: string]: unknown;
}

export interface TemplateComponent {
	type: string;
	format?: string;
	text?: string;
	buttons?: TemplateButton[];
	example?: {
		header_text?: string[];
		header_text_named_params?: NamedExample[];
		header_handle?: string[];
		body_text?: string[][];
		body_text_named_params?: NamedExample[];
	};
	[key: string]: unknown;
}

/** Where in a definition a problem is: a component's key, or a key of one of its buttons. */
export interface Place {
	component: string;
	index: number;
	key: string;
	button?: number;
	/** The button's type, for a key of a button (a copy code's `example` is its Example Code field). */
	buttonType?: string;
}

/** How a place is named to the user: the UI fields of the Fields mode, or a path into the JSON. */
export type Labeler = (place: Place) => string[];

const NAME = /^[a-z0-9_]+$/;
/** Meta's language codes: `en`, `en_US`, `es_AR`, `fil`, `zh_HK`… (supported-languages page). */
const LANGUAGE = /^[a-z]{2,3}(?:_[A-Z0-9]{2,3})?$/;
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
/** Named parameters: "lowercase characters and underscores" (overview, Named parameters). */
const NAMED = /^[a-z_]+$/;
const POSITIONAL = /^[1-9][0-9]*$/;
const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'GIF', 'DOCUMENT', 'LOCATION', 'PRODUCT'];

export function checkTemplateName(name: string, field: string[]): string {
	const value = name.trim();
	if (value === '') throw new ManagementInputError(field, 'is empty');
	if (value.length > MAX_TEMPLATE_NAME) throw new ManagementInputError(field, `is ${value.length} characters long; Meta allows at most ${MAX_TEMPLATE_NAME}`);
	if (!NAME.test(value)) {
		throw new ManagementInputError(field, `is "${value.slice(0, 60)}": Meta allows lowercase letters, digits and underscores only`, 'e.g. order_confirmation');
	}
	return value;
}

export function checkLanguage(language: string, field: string[]): string {
	const value = language.trim();
	if (!LANGUAGE.test(value)) {
		throw new ManagementInputError(field, `is "${value.slice(0, 20)}", which is not one of Meta's template language codes`, 'e.g. en_US, en, pt_BR, es_AR');
	}
	return value;
}

/** The placeholders of a text in order of first use; a malformed one (`{{First}}`, `{{ }}`) is an error. */
export function placeholders(text: string, format: ParameterFormat, field: string[]): string[] {
	const names: string[] = [];
	for (const match of text.matchAll(PLACEHOLDER)) {
		const name = match[1].trim();
		const ok = format === 'NAMED' ? NAMED.test(name) : POSITIONAL.test(name);
		if (!ok) {
			const expected = format === 'NAMED' ? 'named parameters of lowercase letters and underscores, e.g. {{first_name}}' : 'positional parameters {{1}}, {{2}}… (or set Parameter Format to Named)';
			throw new ManagementInputError(field, `has the variable "{{${match[1]}}}": expected ${expected}`);
		}
		if (!names.includes(name)) names.push(name);
	}
	if (format === 'POSITIONAL') {
		const sorted = names.map(Number).sort((a, b) => a - b);
		sorted.forEach((number, index) => {
			if (number !== index + 1) throw new ManagementInputError(field, `numbers its variables ${sorted.map((n) => `{{${n}}}`).join(', ')}: Meta wants {{1}} to {{${sorted.length}}} with none left out`);
		});
	}
	return names;
}

function limitedText(text: unknown, max: number, field: string[], required: boolean): string | undefined {
	if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) {
		if (required) throw new ManagementInputError(field, 'is empty');
		return undefined;
	}
	if (typeof text !== 'string') throw new ManagementInputError(field, `must be text, got ${typeof text}`);
	const length = charCount(text);
	if (length > max) throw new ManagementInputError(field, `is ${length} characters long; Meta allows at most ${max}`);
	return text;
}

/** The examples Meta requires for the variables of a header or body text, in the parameter format's shape. */
function checkExamples(component: TemplateComponent, names: string[], format: ParameterFormat, kind: 'header' | 'body', label: (key: string) => string[]): void {
	const example = component.example ?? {};
	const field = label('example');
	if (format === 'NAMED') {
		const given = (kind === 'header' ? example.header_text_named_params : example.body_text_named_params) ?? [];
		const givenNames = given.map((entry) => String(entry?.param_name ?? '').trim());
		for (const name of names) {
			const entry = given[givenNames.indexOf(name)];
			if (!entry || String(entry.example ?? '').trim() === '') throw new ManagementInputError(field, `has no example for {{${name}}}: Meta requires an example value for every variable`);
		}
		const extra = givenNames.find((name) => !names.includes(name));
		if (extra !== undefined) throw new ManagementInputError(field, `has an example for "${extra}", which the text does not use`);
		return;
	}
	const values = exampleValues(kind === 'header' ? example.header_text : example.body_text, kind, field);
	if (values.length !== names.length || values.some((value) => String(value ?? '').trim() === '')) {
		throw new ManagementInputError(field, `gives ${values.filter((value) => String(value ?? '').trim() !== '').length} example value(s) for ${names.length} variable(s): Meta requires one example per variable, in order`);
	}
}

/**
 * The positional example values: `header_text: ["v"]` and `body_text: [["v1", "v2"]]` as Meta's pages show them, or one
 * variable's value given as a plain string (`"body_text": "Pablo"`, the product card carousel page's example).
 */
function exampleValues(given: unknown, kind: 'header' | 'body', field: string[]): unknown[] {
	if (given === undefined || given === null) return [];
	if (typeof given === 'string') return [given];
	if (!Array.isArray(given)) throw new ManagementInputError(field, `has ${kind}_text as ${typeof given}: expected a list of example values`);
	if (kind === 'header') return given as unknown[];
	const first = (given as unknown[])[0];
	if (first === undefined) return [];
	if (typeof first === 'string') throw new ManagementInputError(field, 'has body_text as a flat list: Meta wants the values in a list of their own, e.g. [["Pablo", "30%"]]');
	if (!Array.isArray(first)) throw new ManagementInputError(field, `has body_text[0] as ${typeof first}: expected a list of example values`);
	return first as unknown[];
}

function checkHeader(component: TemplateComponent, format: ParameterFormat, label: (key: string) => string[]): void {
	const headerFormat = String(component.format ?? '').toUpperCase();
	if (!HEADER_FORMATS.includes(headerFormat)) throw new ManagementInputError(label('format'), `is "${String(component.format ?? '')}": expected one of ${HEADER_FORMATS.join(', ')}`);
	if (headerFormat === 'TEXT') {
		const text = limitedText(component.text, MAX_HEADER_TEXT, label('text'), true)!;
		const names = placeholders(text, format, label('text'));
		if (names.length > 1) throw new ManagementInputError(label('text'), `has ${names.length} variables; a text header supports 1`);
		if (names.length === 1) checkExamples(component, names, format, 'header', label);
		return;
	}
	if (['IMAGE', 'VIDEO', 'GIF', 'DOCUMENT'].includes(headerFormat)) {
		const handle = component.example?.header_handle?.[0];
		if (typeof handle !== 'string' || handle.trim() === '') {
			throw new ManagementInputError(label('example'), `is empty: a ${headerFormat.toLowerCase()} header needs an example media handle from Meta's Resumable Upload API`, 'e.g. 4::aW1hZ2UvcG5n:ARYp…');
		}
	}
}

function checkBody(component: TemplateComponent, format: ParameterFormat, category: string, label: (key: string) => string[]): void {
	// Authentication bodies are Meta's fixed text (only add_security_recommendation is given).
	if (category === 'AUTHENTICATION' && component.text === undefined) return;
	const text = limitedText(component.text, MAX_BODY_TEXT, label('text'), true)!;
	const names = placeholders(text, format, label('text'));
	if (names.length === 0) return;
	// Error 2388299: "Variables cannot be at the start or end of the template" (error codes page).
	const trimmed = text.trim();
	if (/^\{\{[^{}]*\}\}/.test(trimmed) || /\{\{[^{}]*\}\}$/.test(trimmed)) {
		throw new ManagementInputError(label('text'), 'starts or ends with a variable: Meta refuses leading or trailing variables (2388299); add words around it');
	}
	checkExamples(component, names, format, 'body', label);
}

function checkButtons(component: TemplateComponent, labelOf: (key: string, button?: number, buttonType?: string) => string[]): void {
	const buttons = component.buttons ?? [];
	if (!Array.isArray(buttons) || buttons.length === 0) throw new ManagementInputError(labelOf('buttons'), 'is empty: give at least one button or leave the buttons out');
	if (buttons.length > MAX_BUTTONS) throw new ManagementInputError(labelOf('buttons'), `has ${buttons.length} buttons; Meta allows at most ${MAX_BUTTONS} in one template`);
	const counts: Record<string, number> = {};
	buttons.forEach((button, index) => {
		const type = String(button?.type ?? '').toUpperCase();
		const label = (key: string, at?: number) => labelOf(key, at, type);
		counts[type] = (counts[type] ?? 0) + 1;
		const max = MAX_BUTTONS_OF_TYPE[type];
		if (max !== undefined && counts[type] > max) {
			throw new ManagementInputError(label('type', index), `is one ${type} button too many: Meta allows at most ${max} per template`);
		}
		if (type === 'QUICK_REPLY' || type === 'URL' || type === 'PHONE_NUMBER') limitedText(button.text, MAX_BUTTON_TEXT, label('text', index), true);
		if (type === 'URL') {
			const url = limitedText(button.url, MAX_URL, label('url', index), true)!;
			if (!/^https?:\/\/\S+$/i.test(url)) throw new ManagementInputError(label('url', index), `is "${url.slice(0, 60)}", which is not an http(s) URL`);
			const names = placeholders(url, 'POSITIONAL', label('url', index));
			if (names.length > 1 || (names.length === 1 && !/\{\{1\}\}$/.test(url))) {
				throw new ManagementInputError(label('url', index), 'may have one variable, {{1}}, at its very end');
			}
			const example = Array.isArray(button.example) ? button.example[0] : button.example;
			if (names.length === 1) {
				const text = limitedText(example, MAX_URL, label('example', index), false);
				if (text === undefined) throw new ManagementInputError(label('example', index), 'is empty: Meta requires an example URL when the URL has a variable', 'e.g. https://shop.example.com/track/4512');
			}
		}
		if (type === 'PHONE_NUMBER') limitedText(button.phone_number, MAX_PHONE_NUMBER, label('phone_number', index), true);
		const fixed = FIXED_BUTTON_TEXT[type];
		if (fixed !== undefined && button.text !== fixed) {
			throw new ManagementInputError(label('text', index), `is ${JSON.stringify(button.text ?? '')}: Meta fixes a ${type} button's text to "${fixed}"`);
		}
		if (type === 'COPY_CODE') {
			const example = Array.isArray(button.example) ? button.example[0] : button.example;
			limitedText(example, MAX_COPY_CODE_EXAMPLE, label('example', index), true);
		}
		if (type === 'OTP') checkOtpButton(button, (key) => label(key, index));
	});
	// Quick replies and other buttons must form two groups, never interleaved (components page, Quick reply buttons).
	const groups = buttons.map((button) => String(button?.type ?? '').toUpperCase() === 'QUICK_REPLY').filter((quick, index, all) => index === 0 || quick !== all[index - 1]);
	if (groups.length > 2) {
		throw new ManagementInputError(labelOf('buttons'), 'mixes quick-reply buttons with other buttons: Meta wants all quick replies together, before or after the others');
	}
}

/** An authentication template's one-time password button (authentication and autofill button templates pages). */
function checkOtpButton(button: TemplateButton, label: (key: string) => string[]): void {
	const otpType = String(button.otp_type ?? '').toUpperCase();
	if (!OTP_TYPES.includes(otpType)) throw new ManagementInputError(label('otp_type'), `is "${String(button.otp_type ?? '')}": expected one of ${OTP_TYPES.join(', ')}`);
	limitedText(button.text, MAX_BUTTON_TEXT, label('text'), false);
	limitedText(button.autofill_text, MAX_BUTTON_TEXT, label('autofill_text'), false);
	if (otpType === 'COPY_CODE') return;
	const apps = Array.isArray(button.supported_apps) ? (button.supported_apps as Array<Record<string, unknown>>) : [{ package_name: button.package_name, signature_hash: button.signature_hash }];
	apps.forEach((app, at) => {
		const where = (key: string) => label(Array.isArray(button.supported_apps) ? `supported_apps[${at}].${key}` : key);
		if (!PACKAGE_NAME.test(String(app?.package_name ?? ''))) {
			throw new ManagementInputError(where('package_name'), `is "${String(app?.package_name ?? '')}": a ${otpType.toLowerCase()} button needs your Android package name, e.g. com.example.app`);
		}
		if (!SIGNATURE_HASH.test(String(app?.signature_hash ?? ''))) {
			throw new ManagementInputError(where('signature_hash'), `is "${String(app?.signature_hash ?? '')}": a ${otpType.toLowerCase()} button needs your app signing key hash (letters, digits, +, / and =)`);
		}
	});
}

/** A carousel's cards: 2 to 10, each with an image or video header, the same components, up to 2 buttons. */
function checkCarousel(component: TemplateComponent, format: ParameterFormat, label: (key: string) => string[]): void {
	const cards = component.cards as Array<{ components?: TemplateComponent[] }> | undefined;
	if (!Array.isArray(cards) || cards.length < MIN_CARDS || cards.length > MAX_CARDS) {
		throw new ManagementInputError(label('cards'), `has ${Array.isArray(cards) ? cards.length : 0} cards; a carousel has ${MIN_CARDS} to ${MAX_CARDS}`);
	}
	let shape: string | undefined;
	cards.forEach((card, cardIndex) => {
		const parts = Array.isArray(card?.components) ? card.components : [];
		const at = (key: string) => label(`cards[${cardIndex}].${key}`);
		const header = parts.find((part) => String(part?.type).toUpperCase() === 'HEADER');
		const headerFormat = String(header?.format ?? '').toUpperCase();
		// Media cards have an image or video header with its example handle; product cards a PRODUCT header (the
		// catalog's image, title and price) and "a single View button or URL button" (product card carousel templates).
		const productCard = headerFormat === 'PRODUCT';
		if (!productCard && headerFormat !== 'IMAGE' && headerFormat !== 'VIDEO') throw new ManagementInputError(at('components'), 'needs an IMAGE, VIDEO or PRODUCT header: every card has one');
		if (!productCard && !header?.example?.header_handle?.[0]) throw new ManagementInputError(at('components'), `has a ${headerFormat.toLowerCase()} header without example.header_handle from the Resumable Upload API`);
		const maxButtons = productCard ? 1 : MAX_CARD_BUTTONS;
		parts.forEach((part, partIndex) => {
			const type = String(part?.type ?? '').toUpperCase();
			const partLabel = (key: string) => at(`components[${partIndex}].${key}`);
			if (type === 'BODY') {
				const text = limitedText(part.text, MAX_CARD_BODY, partLabel('text'), true)!;
				const names = placeholders(text, format, partLabel('text'));
				if (names.length > 0) checkExamples(part, names, format, 'body', partLabel);
			}
			if (type === 'BUTTONS') {
				const buttons = part.buttons ?? [];
				if (buttons.length === 0 || buttons.length > maxButtons) {
					throw new ManagementInputError(partLabel('buttons'), `has ${buttons.length} buttons; a ${productCard ? 'product' : 'media'} card has ${maxButtons === 1 ? '1' : `1 or ${maxButtons}`}`);
				}
				checkButtons(part, (key, button) => partLabel(button === undefined ? key : `buttons[${button}].${key}`));
				// "replace one of the buttons with a checkout button, and make sure that it is the first button in the card" (checkout button templates page).
				const checkout = buttons.findIndex((button) => String(button?.type ?? '').toUpperCase() === 'ORDER_DETAILS');
				if (checkout > 0) throw new ManagementInputError(partLabel(`buttons[${checkout}].type`), 'is a checkout button, which must be the first button of its card');
			}
		});
		// "All cards defined on a template must have the same components."
		const cardShape = parts.map((part) => `${String(part?.type).toUpperCase()}:${(part.buttons ?? []).map((button) => String(button.type).toUpperCase()).join('+')}`).join(',');
		if (shape !== undefined && cardShape !== shape) throw new ManagementInputError(at('components'), 'differs from the first card\'s: every card of a carousel has the same components and buttons');
		shape = cardShape;
	});
}

/**
 * Single-product (SPM) and checkout button templates: MARKETING; an SPM template has a PRODUCT header, a body of at most
 * 160 characters and the one View button; a checkout template an IMAGE or VIDEO header ("Value can be image or video")
 * and, beside its Buy now button, quick replies only ("a single checkout button, and up to 9 quick-reply buttons").
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates
 */
function checkCommerceTemplate(components: TemplateComponent[], category: string, labeler: Labeler): void {
	const at = (type: string) => components.findIndex((component) => String(component?.type ?? '').toUpperCase() === type);
	const label = (type: string, key: string, button?: number) => labeler({ component: type, index: at(type) === -1 ? components.length : at(type), key, button });
	const header = components[at('HEADER')];
	const headerFormat = String(header?.format ?? '').toUpperCase();
	const buttons = (components[at('BUTTONS')]?.buttons ?? []).map((button) => String(button?.type ?? '').toUpperCase());
	const spm = headerFormat === 'PRODUCT' || buttons.includes('SPM');
	const checkout = buttons.includes('ORDER_DETAILS');
	if (!spm && !checkout) return;
	const kind = spm ? 'single-product (SPM)' : 'checkout button';
	if (category && category !== 'MARKETING') throw new ManagementInputError(['Category'], `is ${category}: a ${kind} template is a MARKETING template`);
	if (spm) {
		if (headerFormat !== 'PRODUCT') throw new ManagementInputError(label('HEADER', 'format'), 'must be Product: a single-product template shows the product from your catalog in its header');
		if (buttons.length !== 1 || buttons[0] !== 'SPM') throw new ManagementInputError(label('BUTTONS', 'buttons'), 'must be the one View Product (SPM) button: a single-product template has no other');
		limitedText(components[at('BODY')].text, MAX_SPM_BODY, label('BODY', 'text'), true);
		return;
	}
	if (headerFormat !== 'IMAGE' && headerFormat !== 'VIDEO') throw new ManagementInputError(label('HEADER', 'format'), 'must be Image or Video: a checkout button template shows its product in an image or video header');
	const other = buttons.findIndex((type) => type !== 'ORDER_DETAILS' && type !== 'QUICK_REPLY');
	if (other !== -1) throw new ManagementInputError(label('BUTTONS', 'type', other), `is ${buttons[other]}: beside its checkout button, a checkout button template has quick replies only`);
}

/**
 * The components of a template, checked: one body (and at most one header, footer and buttons component), each text
 * within Meta's length, every variable well-formed and with its example, buttons within Meta's counts.
 */
export function checkComponents(components: TemplateComponent[], format: ParameterFormat, category: string, labeler: Labeler): TemplateComponent[] {
	const seen = new Set<string>();
	components.forEach((component, index) => {
		const type = String(component?.type ?? '').toUpperCase();
		const label = (key: string, button?: number, buttonType?: string) => labeler({ component: type, index, key, button, buttonType });
		if (['HEADER', 'BODY', 'FOOTER', 'BUTTONS', 'CAROUSEL', 'LIMITED_TIME_OFFER'].includes(type)) {
			if (seen.has(type)) throw new ManagementInputError(label('type'), `is a second ${type} component; a template has at most one`);
			seen.add(type);
		}
		if (type === 'HEADER') checkHeader(component, format, label);
		if (type === 'BODY') checkBody(component, format, category, label);
		if (type === 'BODY' && component.add_security_recommendation !== undefined && typeof component.add_security_recommendation !== 'boolean') {
			throw new ManagementInputError(label('add_security_recommendation'), 'must be true or false');
		}
		if (type === 'FOOTER' && component.text !== undefined) limitedText(component.text, MAX_FOOTER_TEXT, label('text'), false);
		if (type === 'FOOTER' && component.code_expiration_minutes !== undefined) {
			const minutes = component.code_expiration_minutes;
			if (!Number.isInteger(minutes) || (minutes as number) < 1 || (minutes as number) > MAX_CODE_EXPIRATION_MINUTES) {
				throw new ManagementInputError(label('code_expiration_minutes'), `is ${JSON.stringify(minutes)}: Meta wants a whole number of minutes from 1 to ${MAX_CODE_EXPIRATION_MINUTES}`);
			}
		}
		if (type === 'BUTTONS') checkButtons(component, label);
		if (type === 'CAROUSEL') {
			if (category && category !== 'MARKETING') throw new ManagementInputError(label('type'), 'is a carousel, which only MARKETING templates can have');
			checkCarousel(component, format, (key) => label(key));
		}
		if (type === 'LIMITED_TIME_OFFER') {
			if (category && category !== 'MARKETING') throw new ManagementInputError(label('type'), 'is a limited-time offer, which only MARKETING templates can have');
			const offer = (component.limited_time_offer ?? {}) as { text?: unknown; has_expiration?: unknown };
			limitedText(offer.text, MAX_OFFER_TEXT, label('limited_time_offer.text'), true);
			if (offer.has_expiration !== undefined && typeof offer.has_expiration !== 'boolean') throw new ManagementInputError(label('limited_time_offer.has_expiration'), 'must be true or false');
		}
	});
	if (!seen.has('BODY')) throw new ManagementInputError(labeler({ component: 'BODY', index: components.length, key: 'text' }), 'is missing: every template needs a body');
	checkCommerceTemplate(components, category, labeler);
	// A limited-time offer's body is shorter: 600 characters.
	const bodyIndex = components.findIndex((component) => String(component?.type ?? '').toUpperCase() === 'BODY');
	if (components.some((component) => String(component?.type ?? '').toUpperCase() === 'LIMITED_TIME_OFFER')) {
		limitedText(components[bodyIndex].text, MAX_OFFER_BODY, labeler({ component: 'BODY', index: bodyIndex, key: 'text' }), true);
	}
	return components;
}

/**
 * Meta's time-to-live ranges per category, in seconds; -1 is 30 days, for authentication and utility only
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/time-to-live).
 */
export const TTL_RANGES: Record<TemplateCategory, { min: number; max: number; thirtyDays: boolean }> = {
	AUTHENTICATION: { min: 30, max: 900, thirtyDays: true },
	UTILITY: { min: 30, max: 43200, thirtyDays: true },
	MARKETING: { min: 43200, max: 2592000, thirtyDays: false },
};

/** A template's `message_send_ttl_seconds` for its category; with no category known, any category's range. */
export function checkTtl(value: unknown, category: string, field: string[]): number {
	const seconds = typeof value === 'number' ? value : Number(String(value ?? '').trim());
	if (!Number.isInteger(seconds)) throw new ManagementInputError(field, `is "${String(value).slice(0, 20)}": Meta takes whole seconds`);
	const range = TTL_RANGES[category as TemplateCategory];
	const ranges = range ? [[category, range] as const] : Object.entries(TTL_RANGES);
	const fits = ranges.some(([, r]) => (seconds === -1 && r.thirtyDays) || (seconds >= r.min && seconds <= r.max));
	if (fits) return seconds;
	const said = ranges.map(([name, r]) => `${name.toLowerCase()} ${r.min} to ${r.max}${r.thirtyDays ? ' or -1 (30 days)' : ''}`).join('; ');
	throw new ManagementInputError(field, `is ${seconds}: Meta takes a time-to-live of ${said} seconds`);
}
