/**
 * Message templates: a seeded set covering every component kind, `GET /{waba}/message_templates` with Graph's
 * cursor paging and field selection, and the lookup the send validation uses.
 */
import type { FixtureTemplate, FixtureTemplateComponent, Route, SimContext, SimRequest, SimResponse } from './types';
import { invalidParameter, pageOf, requestedFields, requireWaba } from './surfaces';

type Button = NonNullable<FixtureTemplateComponent['buttons']>[number] & {
	flow_id?: string;
	flow_action?: 'navigate' | 'data_exchange';
	navigate_screen?: string;
	otp_type?: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
};

/** A seeded template: the fixture's shape plus what Meta also lists for some statuses. */
export type SeedTemplate = FixtureTemplate & { rejectedReason?: string };

const MEDIA_HANDLE = '4::aW1hZ2UvanBlZw==:ARZsimHandle';

function header(text: string, example?: string[] | Record<string, string>): FixtureTemplateComponent {
	const component: FixtureTemplateComponent = { type: 'HEADER', format: 'TEXT', text };
	if (Array.isArray(example)) component.example = { header_text: example };
	else if (example) {
		component.example = {
			header_text_named_params: Object.entries(example).map(([param_name, value]) => ({ param_name, example: value })),
		};
	}
	return component;
}

function mediaHeader(format: 'IMAGE' | 'VIDEO' | 'DOCUMENT'): FixtureTemplateComponent {
	return { type: 'HEADER', format, example: { header_handle: [MEDIA_HANDLE] } };
}

function body(text: string, example?: string[] | Record<string, string>): FixtureTemplateComponent {
	const component: FixtureTemplateComponent = { type: 'BODY', text };
	if (Array.isArray(example)) component.example = { body_text: [example] };
	else if (example) {
		component.example = {
			body_text_named_params: Object.entries(example).map(([param_name, value]) => ({ param_name, example: value })),
		};
	}
	return component;
}

function footer(text: string): FixtureTemplateComponent {
	return { type: 'FOOTER', text };
}

function buttons(...list: Button[]): FixtureTemplateComponent {
	return { type: 'BUTTONS', buttons: list };
}

function carousel(...cards: FixtureTemplateComponent[][]): FixtureTemplateComponent {
	return { type: 'CAROUSEL', cards: cards.map((components) => ({ components })) };
}

const quickReply = (text: string): Button => ({ type: 'QUICK_REPLY', text });
const urlButton = (text: string, url: string, example?: string): Button =>
	example === undefined ? { type: 'URL', text, url } : { type: 'URL', text, url, example: [example] };

let seedIndex = 0;
function template(
	name: string,
	language: string,
	category: FixtureTemplate['category'],
	components: FixtureTemplateComponent[],
	status: FixtureTemplate['status'] = 'APPROVED',
	extra: Partial<SeedTemplate> = {},
): SeedTemplate {
	seedIndex += 1;
	const named = components.some((component) =>
		/\{\{\s*[a-z_][a-z0-9_]*\s*\}\}/.test(component.text ?? ''),
	);
	return {
		id: String(1000000000000000 + seedIndex * 101),
		name,
		language,
		status,
		category,
		parameterFormat: named ? 'NAMED' : 'POSITIONAL',
		components,
		...extra,
	};
}

/** The seeded templates (~30): every component kind, several languages, all statuses. */
export function seedTemplates(): SeedTemplate[] {
	seedIndex = 0;
	return [
		template('hello_world', 'en_US', 'UTILITY', [
			header('Hello World'),
			body('Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.'),
			footer('WhatsApp Business Platform sample message'),
		]),
		template('order_confirmation', 'en_US', 'UTILITY', [
			header('Order {{1}}', ['#4512']),
			body('Hi {{1}}, your order {{2}} of {{3}} is confirmed and will arrive on {{4}}.', ['Ana', '#4512', '$25.90', 'Monday, May 4']),
			footer('Reply STOP to opt out'),
			buttons(urlButton('Track order', 'https://shop.example.com/track/{{1}}', 'https://shop.example.com/track/4512')),
		]),
		template('order_confirmation', 'pt_BR', 'UTILITY', [
			header('Pedido {{1}}', ['#4512']),
			body('Olá {{1}}, seu pedido {{2}} de {{3}} foi confirmado e chega em {{4}}.', ['Ana', '#4512', 'R$ 25,90', 'segunda-feira, 4 de maio']),
			buttons(urlButton('Rastrear pedido', 'https://shop.example.com/track/{{1}}', 'https://shop.example.com/track/4512')),
		]),
		template('order_confirmation', 'es', 'UTILITY', [
			header('Pedido {{1}}', ['#4512']),
			body('Hola {{1}}, tu pedido {{2}} de {{3}} está confirmado y llegará el {{4}}.', ['Ana', '#4512', '25,90 €', 'lunes 4 de mayo']),
		]),
		template('welcome_named', 'en_US', 'MARKETING', [
			body('Hi {{first_name}}, welcome to {{shop_name}}! Your first order ships free.', { first_name: 'Pablo', shop_name: 'Casa Verde' }),
			footer('Casa Verde'),
			buttons(quickReply('Show me deals'), quickReply('Stop promotions')),
		]),
		template('greeting_header_named', 'en_US', 'MARKETING', [
			header('Hello {{first_name}}', { first_name: 'Pablo' }),
			body('Thanks for joining {{club_name}}, {{first_name}}.', { club_name: 'Book Club', first_name: 'Pablo' }),
		]),
		template('shipping_image', 'en_US', 'UTILITY', [
			mediaHeader('IMAGE'),
			body('Your package {{1}} is on its way.', ['PKG-881']),
			buttons(quickReply('Thanks')),
		]),
		template('product_video', 'en_US', 'MARKETING', [
			mediaHeader('VIDEO'),
			body('See the new {{1}} in action.', ['Aero 3']),
			buttons(urlButton('Buy now', 'https://shop.example.com/aero3')),
		]),
		template('invoice_document', 'en_US', 'UTILITY', [
			mediaHeader('DOCUMENT'),
			body('Invoice {{1}} for {{2}} is attached.', ['INV-2026-001', '$120.00']),
		]),
		template('store_location', 'en_US', 'UTILITY', [
			{ type: 'HEADER', format: 'LOCATION' },
			body('Your pickup point for order {{1}} is shown above.', ['#4512']),
		]),
		template('appointment_reminder', 'en_US', 'UTILITY', [
			body('Reminder: your appointment with {{1}} is on {{2}}.', ['Dr. Lee', 'February 25, 2027 3:00 PM']),
			buttons(quickReply('Confirm'), quickReply('Reschedule'), quickReply('Cancel')),
		]),
		template('payment_due', 'en_US', 'UTILITY', [
			body('Hi {{1}}, a payment of {{2}} is due on {{3}}.', ['Ana', '$45.00', 'March 1, 2027']),
			buttons(urlButton('Pay now', 'https://pay.example.com/{{1}}', 'https://pay.example.com/inv-1')),
		]),
		template('verification_code', 'en_US', 'AUTHENTICATION', [
			body('*{{1}}* is your verification code. For your security, do not share this code.', ['482913']),
			footer('This code expires in 10 minutes.'),
			buttons({ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }),
		]),
		// One-tap autofill: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates
		template('login_code_one_tap', 'en_US', 'AUTHENTICATION', [
			body('*{{1}}* is your verification code.', ['J$FpnYnP']),
			buttons({ type: 'OTP', otp_type: 'ONE_TAP', text: 'Copy Code' }),
		]),
		// The create example of https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
		template('limited_time_offer_caribbean_pkg_2023', 'en_US', 'MARKETING', [
			mediaHeader('IMAGE'),
			{ type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: 'Expiring offer!', has_expiration: true } },
			body('Good news, {{1}}! Use code {{2}} to get 25% off all Caribbean Destination packages!', ['Pablo', 'CARIBE25']),
			buttons({ type: 'COPY_CODE', text: 'Copy offer code', example: ['CARIBE25'] }, urlButton('Book now!', 'https://awesomedestinations.com/offers?code={{1}}', 'https://awesomedestinations.com/offers?ref=n3mtql')),
		]),
		// The create examples of https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
		// and …/catalog-templates.
		template('abandoned_cart', 'en_US', 'MARKETING', [
			header('Forget something, {{1}}?', ['Pablo']),
			body('Looks like you left these items in your cart, still interested? Use code {{1}} to get 10% off!', ['10OFF']),
			buttons({ type: 'MPM', text: 'View items' }),
		]),
		template('intro_catalog_offer', 'en_US', 'MARKETING', [
			body('Now shop for your favorite products right here on WhatsApp! Get Rs {{1}} off on all orders above {{2}}Rs! Valid for your first {{3}} orders placed on WhatsApp!', ['100', '400', '3']),
			footer('Best grocery deals on WhatsApp!'),
			buttons({ type: 'CATALOG', text: 'View catalog' }),
		]),
		template('coupon_offer', 'en_US', 'MARKETING', [
			header('Your coupon'),
			body('Use code {{1}} for {{2}} off your next order.', ['SAVE20', '20%']),
			buttons({ type: 'COPY_CODE', text: 'Copy offer code', example: ['SAVE20'] }, urlButton('Shop', 'https://shop.example.com')),
		]),
		template('survey_flow', 'en_US', 'MARKETING', [
			body('Tell us how we did, {{1}}.', ['Ana']),
			buttons({ type: 'FLOW', text: 'Open survey', flow_id: '1122334455', flow_action: 'navigate', navigate_screen: 'RATE' }),
		]),
		template('call_support', 'en_US', 'UTILITY', [
			body('Need help with order {{1}}? Call us.', ['#4512']),
			buttons({ type: 'PHONE_NUMBER', text: 'Call support', phone_number: '+15550100200' }),
		]),
		template('feedback_request', 'en_US', 'MARKETING', [
			body('How was your last visit?'),
			buttons(quickReply('Great'), quickReply('Okay'), quickReply('Bad')),
		]),
		template('delivery_update', 'en_US', 'UTILITY', [
			body('Order {{1}} was delivered at {{2}}.', ['#4512', '3:42 PM']),
		]),
		template('delivery_update', 'fr', 'UTILITY', [
			body('La commande {{1}} a été livrée à {{2}}.', ['#4512', '15h42']),
		]),
		template('password_reset', 'en_US', 'UTILITY', [
			body('Hi {{1}}, reset your password with the link below. It expires in {{2}} minutes.', ['Ana', '30']),
			buttons(urlButton('Reset password', 'https://accounts.example.com/reset/{{1}}', 'https://accounts.example.com/reset/abc')),
		]),
		template('back_in_stock', 'en_US', 'MARKETING', [
			mediaHeader('IMAGE'),
			body('{{product}} is back in stock at {{price}}.', { product: 'Aero 3', price: '$99' }),
			buttons(urlButton('Buy', 'https://shop.example.com/p/{{1}}', 'https://shop.example.com/p/aero3')),
		]),
		template('cart_reminder', 'de', 'MARKETING', [
			body('Hallo {{1}}, in deinem Warenkorb liegen noch {{2}} Artikel.', ['Ana', '3']),
			buttons(quickReply('Zur Kasse')),
		]),
		template('event_invite', 'en_US', 'MARKETING', [
			header('You are invited to {{1}}', ['Launch Night']),
			body('Join us on {{1}} at {{2}}.', ['June 5, 2027', 'Casa Verde']),
			buttons(quickReply('Going'), quickReply('Not going')),
		]),
		template('loyalty_points', 'en_US', 'MARKETING', [
			body('{{1}}, you have {{2}} points worth {{3}}.', ['Ana', '1,250', '$12.50']),
		]),
		template('account_alert', 'en_US', 'UTILITY', [
			body('A new sign-in to your account from {{1}} on {{2}}.', ['Lisbon', 'May 4, 2027']),
			footer('Not you? Reply HELP.'),
		]),
		// The create examples of https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
		// and …/product-card-carousel-templates.
		template('carousel_template_media_cards_v1', 'en_US', 'MARKETING', [
			body('Rare succulents for sale! {{1}}, add these unique plants to your collection. Each of these rare succulents are {{2}} if you checkout using code {{3}}. Shop now and add some unique and beautiful plants to your collection!', ['Pablo', '30%', '30OFF']),
			carousel(
				...['BLUE_ELF', 'BUDDHA', 'BLACK_PRINCE'].map((example) => [
					mediaHeader('IMAGE'),
					buttons(quickReply('Send me more like this!'), urlButton('Shop', 'https://www.luckyshrub.com/rare-succulents/{{1}}', example)),
				]),
			),
		]),
		template('carousel_template_product_cards_v1', 'en_US', 'MARKETING', [
			body('Rare succulents for sale! {{1}}, add these unique plants to your collection.', ['Pablo']),
			carousel(...[0, 1].map(() => [{ type: 'HEADER' as const, format: 'PRODUCT' as const }, buttons({ type: 'SPM', text: 'View' })])),
		]),
		// Video cards with a card body variable (media-card-carousel-templates: "optionally include a body text").
		template('weekly_picks', 'en_US', 'MARKETING', [
			body('Hi {{1}}, here are this week\'s picks.', ['Ana']),
			carousel(
				...['Aloe', 'Jade'].map((example) => [
					mediaHeader('VIDEO'),
					{ ...body('{{1}} now at {{2}}.', [example, '$12']) },
					buttons(quickReply('More like this'), urlButton('Buy', 'https://shop.example.com/p/{{1}}', 'aloe')),
				]),
			),
		]),
		template('seasonal_promo', 'en_US', 'MARKETING', [body('Spring sale: {{1}} off everything.', ['30%'])], 'PENDING'),
		template('summer_teaser', 'en_US', 'MARKETING', [body('Something new is coming this summer.')], 'PENDING'),
		template('black_friday_blast', 'en_US', 'MARKETING', [body('BUY NOW!!! {{1}}', ['LIMITED'])], 'REJECTED', {
			rejectedReason: 'PROMOTIONAL',
		}),
		template('misleading_notice', 'en_US', 'UTILITY', [body('Your account will be closed.')], 'REJECTED', {
			rejectedReason: 'INVALID_FORMAT',
		}),
		template('old_newsletter', 'en_US', 'MARKETING', [body('Our monthly news, {{1}}.', ['Ana'])], 'PAUSED'),
		template('legacy_notice', 'en_US', 'UTILITY', [body('This service is retired.')], 'DISABLED'),
		// The create example of https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
		template('spm_template_named_params', 'en_US', 'MARKETING', [
			{ type: 'HEADER', format: 'PRODUCT' },
			body('Use code {{code}} to get {{percent}} off our newest succulent!', { code: '15OFF', percent: '15%' }),
			footer('Offer ends September 22, 2024'),
			buttons({ type: 'SPM', text: 'View' }),
		]),
		// The send example of https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates
		// (its create example, item_back_in_stock_v1, with the name the send uses).
		template('item_back_in_stock_v2', 'en_US', 'MARKETING', [
			mediaHeader('IMAGE'),
			body("Hi {{1}}! The {{2}} is back in stock! Order now before it's gone!", ['Pablo', 'Blue Elf Aloe']),
			footer("Tap 'Stop' below to stop back-in-stock reminders."),
			buttons({ type: 'ORDER_DETAILS', text: 'Buy now' }, quickReply('Stop')),
		]),
		// Checkout button templates page, Multiple Products: "create a media card carousel template as you normally
		// would, but replace one of the buttons with a checkout button, and make sure that it is the first button".
		template('checkout_carousel', 'en_US', 'MARKETING', [
			body('Rare succulents for sale, {{1}}! Buy them right here.', ['Pablo']),
			carousel(...[0, 1].map(() => [mediaHeader('IMAGE'), buttons({ type: 'ORDER_DETAILS', text: 'Buy now' }, quickReply('More like this'))])),
		]),
	];
}

// ---------------------------------------------------------------------------------------------------------------
// Lookup and parameter spec (used by the core's template-send validation)
// ---------------------------------------------------------------------------------------------------------------

export function findTemplate(templates: FixtureTemplate[], name: string, language: string): FixtureTemplate | undefined {
	return templates.find((candidate) => candidate.name === name && candidate.language === language);
}

/** Whether a template of that name exists in any language (Meta answers 132001 either way, with different details). */
export function templateLanguages(templates: FixtureTemplate[], name: string): string[] {
	return templates.filter((candidate) => candidate.name === name).map((candidate) => candidate.language);
}

export type TemplateButtonSubType = 'quick_reply' | 'url' | 'copy_code' | 'flow' | 'phone_number' | 'otp' | 'spm' | 'catalog' | 'mpm' | 'order_details';

/** What each card of a carousel must supply: its header's format, body variables and button values. */
export interface CardSpec {
	header: NonNullable<FixtureTemplateComponent['format']>;
	body: { count: number; names: string[] };
	buttons: Array<{ index: number; subType: TemplateButtonSubType; count: number }>;
}

/** What a send of this template must supply, per component. */
export interface TemplateParameterSpec {
	parameterFormat: FixtureTemplate['parameterFormat'];
	/** Absent when the template has no header or a header without variables. */
	header?: { format: NonNullable<FixtureTemplateComponent['format']>; count: number; names: string[] };
	body: { count: number; names: string[] };
	buttons: Array<{ index: number; subType: TemplateButtonSubType; count: number }>;
	/**
	 * Carousel templates. A media card template is sent with exactly its number of cards; a product card template,
	 * approved with two, sends up to 10 (each like its first card).
	 */
	cards?: { exact: boolean; list: CardSpec[] };
	/** Limited-time offer templates; `expires`: the message must say when the offer expires. */
	offer?: { expires: boolean };
}

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Distinct variable names of a text in order of first use (`1`, `2` or `first_name`). */
export function templateVariables(text: string | undefined): string[] {
	const names: string[] = [];
	for (const match of (text ?? '').matchAll(VARIABLE)) {
		if (!names.includes(match[1])) names.push(match[1]);
	}
	return names;
}

function buttonSpecs(component: FixtureTemplateComponent): TemplateParameterSpec['buttons'] {
	return (component.buttons ?? []).map((button, index) => {
		const subType = button.type.toLowerCase() as TemplateButtonSubType;
		let count = 0;
		if (button.type === 'URL') count = templateVariables(button.url).length;
		// A multi-product button needs its sections; a catalog button's thumbnail is optional (mpm-templates, catalog-templates).
		// A checkout button takes its order at each send (checkout-button-templates).
		if (button.type === 'COPY_CODE' || button.type === 'OTP' || button.type === 'MPM' || button.type === 'ORDER_DETAILS') count = 1;
		return { index, subType, count };
	});
}

function cardSpec(card: { components: FixtureTemplateComponent[] }): CardSpec {
	const spec: CardSpec = { header: 'IMAGE', body: { count: 0, names: [] }, buttons: [] };
	for (const component of card.components) {
		if (component.type === 'HEADER') spec.header = component.format ?? 'IMAGE';
		if (component.type === 'BODY') {
			const names = templateVariables(component.text);
			spec.body = { count: names.length, names };
		}
		if (component.type === 'BUTTONS') spec.buttons = buttonSpecs(component);
	}
	return spec;
}

export function templateParameterSpec(template: FixtureTemplate): TemplateParameterSpec {
	const spec: TemplateParameterSpec = { parameterFormat: template.parameterFormat, body: { count: 0, names: [] }, buttons: [] };
	for (const component of template.components) {
		if (component.type === 'LIMITED_TIME_OFFER') {
			spec.offer = { expires: component.limited_time_offer?.has_expiration === true };
			continue;
		}
		if (component.type === 'CAROUSEL') {
			const list = (component.cards ?? []).map(cardSpec);
			spec.cards = { exact: list[0]?.header !== 'PRODUCT', list };
			continue;
		}
		if (component.type === 'HEADER') {
			const format = component.format ?? 'TEXT';
			if (format === 'TEXT') {
				const names = templateVariables(component.text);
				if (names.length > 0) spec.header = { format, count: names.length, names };
			} else {
				spec.header = { format, count: 1, names: [] };
			}
		} else if (component.type === 'BODY') {
			const names = templateVariables(component.text);
			spec.body = { count: names.length, names };
		} else if (component.type === 'BUTTONS') {
			spec.buttons = buttonSpecs(component);
		}
	}
	return spec;
}

// ---------------------------------------------------------------------------------------------------------------
// GET /{waba}/message_templates
// ---------------------------------------------------------------------------------------------------------------

/** Meta's listing shape of a template. */
export interface TemplateListing {
	id: string;
	name: string;
	language: string;
	status: string;
	category: string;
	parameter_format: string;
	components: FixtureTemplateComponent[];
	rejected_reason?: string;
	message_send_ttl_seconds?: number;
}

export function templateListing(template: FixtureTemplate): TemplateListing {
	const listing: TemplateListing = {
		name: template.name,
		parameter_format: template.parameterFormat,
		components: template.components,
		language: template.language,
		status: template.status,
		category: template.category,
		id: template.id,
	};
	const reason = (template as SeedTemplate).rejectedReason;
	if (template.status === 'REJECTED') listing.rejected_reason = reason ?? 'NONE';
	return listing;
}

const LISTING_FIELDS = new Set(['id', 'name', 'language', 'status', 'category', 'parameter_format', 'components', 'rejected_reason', 'message_send_ttl_seconds']);
const STATUSES = new Set(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'PENDING_DELETION', 'DELETED', 'LIMIT_EXCEEDED']);
const CATEGORIES = new Set(['MARKETING', 'UTILITY', 'AUTHENTICATION']);

function listTemplates(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	const fields = requestedFields(req);
	for (const field of fields ?? []) {
		if (!LISTING_FIELDS.has(field)) {
			throw invalidParameter(`Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessHSM)`, `(#100) Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessHSM)`);
		}
	}
	const name = req.query.get('name');
	const status = req.query.get('status')?.toUpperCase();
	const category = req.query.get('category')?.toUpperCase();
	const language = req.query.get('language');
	if (status && !STATUSES.has(status)) throw invalidParameter(`Param status must be one of {${[...STATUSES].join(', ')}} - got "${status}"`);
	if (category && !CATEGORIES.has(category)) throw invalidParameter(`Param category must be one of {${[...CATEGORIES].join(', ')}} - got "${category}"`);
	const matching = sim.fixture.templates.filter(
		(candidate) =>
			(!name || candidate.name.toLowerCase().includes(name.toLowerCase())) &&
			(!status || candidate.status === status) &&
			(!category || candidate.category === category) &&
			(!language || candidate.language === language),
	);
	const page = pageOf(req, sim, matching, 25);
	const data = page.data.map((candidate) => {
		const listing = templateListing(candidate);
		if (!fields) return listing;
		// A field the WhatsAppBusinessHSM node has, read only when asked for (the time-to-live page sets it).
		if (candidate.messageSendTtlSeconds !== undefined) listing.message_send_ttl_seconds = candidate.messageSendTtlSeconds;
		const picked: Record<string, unknown> = {};
		for (const field of fields) {
			const value = listing[field as keyof TemplateListing];
			if (value !== undefined) picked[field] = value;
		}
		picked.id = listing.id;
		return picked;
	});
	const result: Record<string, unknown> = { data };
	if (page.paging) result.paging = page.paging;
	return { status: 200, body: result };
}

export const templateRoutes: Route[] = [
	{
		method: 'GET',
		match: (segments) => (segments.length === 2 && segments[1] === 'message_templates' ? { wabaId: segments[0] } : null),
		handler: listTemplates,
	},
];
