/**
 * Builders against Meta's documented requests: for each documented send body (test/contract/fixtures/requests, each
 * naming its Meta page), the builder called with that body's values gives that body, key order aside. A documented
 * body we build differently on purpose, or do not build, is listed below with the reason; a new fixture with no entry
 * fails the coverage test.
 */
import {
	buildCallPermissionRequest,
	buildCatalogMessage,
	buildContacts,
	buildCtaUrl,
	buildFlow,
	buildInteractiveButtons,
	buildInteractiveList,
	buildLocation,
	buildLocationRequest,
	buildMarkAsRead,
	buildMedia,
	buildProduct,
	buildProductList,
	buildReaction,
	buildTemplate,
	buildText,
	type ContactParams,
	type TemplateBodyParameterParams,
} from '../../nodes/shared/messages';
import { getAt, messageRequestFixtures, parsePath, setAt, type Json, type JsonObject, type RequestFixture } from './fixtures';

/** A documented body, read loosely: the derivations below pick its values by Meta's field names. */
type Doc = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Builder parameters for a documented text recipient: `to` (a phone number), or `recipient` (a BSUID) when no `to`. */
const envelope = (b: Doc) => ({
	to: b.to ?? b.recipient,
	...(b.context && { replyToMessageId: b.context.message_id }),
	...(b.biz_opaque_callback_data !== undefined && { bizOpaqueCallbackData: b.biz_opaque_callback_data }),
});

const media = (kind: 'image' | 'video' | 'audio' | 'document' | 'sticker') => (b: Doc) =>
	buildMedia({
		...envelope(b),
		kind,
		mediaId: b[kind].id,
		link: b[kind].link,
		caption: b[kind].caption,
		filename: b[kind].filename,
		voice: b[kind].voice,
	});

const contact = (c: Doc): ContactParams => ({
	formattedName: c.name.formatted_name,
	firstName: c.name.first_name,
	lastName: c.name.last_name,
	middleName: c.name.middle_name,
	prefix: c.name.prefix,
	suffix: c.name.suffix,
	birthday: c.birthday,
	company: c.org?.company,
	department: c.org?.department,
	title: c.org?.title,
	phones: c.phones?.map((p: Doc) => ({ phone: p.phone, type: p.type, waId: p.wa_id })),
	emails: c.emails?.map((e: Doc) => ({ email: e.email, type: e.type })),
	addresses: c.addresses?.map((a: Doc) => ({
		street: a.street,
		city: a.city,
		state: a.state,
		zip: a.zip,
		country: a.country,
		countryCode: a.country_code,
		type: a.type,
	})),
	urls: c.urls?.map((u: Doc) => ({ url: u.url, type: u.type })),
});

const interactiveHeader = (h: Doc) => (h ? { type: h.type, text: h.text, mediaId: h[h.type]?.id, link: h[h.type]?.link, filename: h[h.type]?.filename } : undefined);

const bodyParameter = (p: Doc): TemplateBodyParameterParams => ({
	type: p.type,
	text: p.text,
	parameterName: p.parameter_name,
	fallbackValue: p.currency?.fallback_value ?? p.date_time?.fallback_value,
	code: p.currency?.code,
	amount1000: p.currency?.amount_1000,
});

const buttonParams = (c: Doc) => ({
	subType: String(c.sub_type).toLowerCase() as 'quick_reply' | 'url' | 'copy_code' | 'flow' | 'catalog' | 'mpm' | 'order_details',
	orderDetails: c.parameters[0]?.action?.order_details,
	thumbnailProductRetailerId: c.parameters[0]?.action?.thumbnail_product_retailer_id,
	sections: c.parameters[0]?.action?.sections?.map((s: Doc) => ({ title: s.title, productRetailerIds: s.product_items.map((p: Doc) => p.product_retailer_id) })),
	index: c.index,
	payload: c.parameters[0]?.payload,
	text: c.parameters[0]?.text,
	couponCode: c.parameters[0]?.coupon_code,
	flowToken: c.parameters[0]?.action?.flow_token,
	flowActionData: c.parameters[0]?.action?.flow_action_data,
});

const card = (c: Doc) => {
	const header = c.components.find((part: Doc) => part.type === 'header').parameters[0];
	return {
		header:
			header.type === 'product'
				? { type: 'product' as const, catalogId: header.product.catalog_id, productRetailerId: header.product.product_retailer_id }
				: { type: header.type, mediaId: header[header.type].id, link: header[header.type].link },
		bodyParameters: c.components.find((part: Doc) => part.type === 'body')?.parameters.map(bodyParameter),
		buttons: c.components.filter((part: Doc) => part.type === 'button').map(buttonParams),
	};
};

function template(b: Doc) {
	const components: Doc[] = b.template.components ?? [];
	const header = components.find((c) => c.type === 'header')?.parameters[0];
	const body = components.find((c) => c.type === 'body');
	return buildTemplate({
		...envelope(b),
		name: b.template.name,
		language: b.template.language.code,
		header: header && {
			type: header.type,
			text: header.text,
			parameterName: header.parameter_name,
			mediaId: header[header.type]?.id,
			link: header[header.type]?.link,
			filename: header[header.type]?.filename,
			catalogId: header.product?.catalog_id,
			productRetailerId: header.product?.product_retailer_id,
		},
		bodyParameters: body?.parameters.map(bodyParameter),
		buttons: components.filter((c) => c.type === 'button').map(buttonParams),
		cards: components.find((c) => c.type === 'carousel')?.cards.map(card),
		offerExpirationTimeMs: components.find((c) => c.type === 'limited_time_offer')?.parameters[0].limited_time_offer.expiration_time_ms,
	});
}

const markAsRead = (b: Doc) => buildMarkAsRead({ messageId: b.message_id, typingIndicator: b.typing_indicator?.type === 'text' });

/** Documented body → our builder called with its values. */
const BUILDS: Record<string, (body: Doc) => unknown> = {
	'send-text': (b) => buildText({ ...envelope(b), body: b.text.body, previewUrl: b.text.preview_url }),
	'send-reply-context': (b) => buildText({ ...envelope(b), body: b.text.body }),
	'send-image-id': media('image'),
	'send-image-link': media('image'),
	'send-video-id': media('video'),
	'send-video-link': media('video'),
	'send-audio-id-voice': media('audio'),
	'send-audio-link': media('audio'),
	'send-document-id': media('document'),
	'send-document-link': media('document'),
	'send-sticker-id': media('sticker'),
	'send-sticker-link': media('sticker'),
	'send-location': (b) => buildLocation({ ...envelope(b), ...b.location }),
	'send-contacts': (b) => buildContacts({ ...envelope(b), contacts: b.contacts.map(contact) }),
	'send-contacts-syntax': (b) => buildContacts({ ...envelope(b), contacts: b.contacts.map(contact) }),
	'send-contacts-openapi': (b) => buildContacts({ ...envelope(b), contacts: b.contacts.map(contact) }),
	'send-reaction': (b) => buildReaction({ ...envelope(b), messageId: b.reaction.message_id, emoji: b.reaction.emoji }),
	'send-interactive-reply-buttons': (b) =>
		buildInteractiveButtons({
			...envelope(b),
			header: interactiveHeader(b.interactive.header),
			body: b.interactive.body.text,
			footer: b.interactive.footer?.text,
			buttons: b.interactive.action.buttons.map((button: Doc) => ({ id: button.reply.id, title: button.reply.title })),
		}),
	'send-interactive-list': (b) =>
		buildInteractiveList({
			...envelope(b),
			headerText: b.interactive.header?.text,
			body: b.interactive.body.text,
			footer: b.interactive.footer?.text,
			buttonText: b.interactive.action.button,
			sections: b.interactive.action.sections,
		}),
	'send-interactive-cta-url': (b) =>
		buildCtaUrl({
			...envelope(b),
			header: interactiveHeader(b.interactive.header),
			body: b.interactive.body.text,
			footer: b.interactive.footer?.text,
			displayText: b.interactive.action.parameters.display_text,
			url: b.interactive.action.parameters.url,
		}),
	'send-interactive-flow-minimal': (b) => {
		const p = b.interactive.action.parameters;
		return buildFlow({
			...envelope(b),
			headerText: b.interactive.header?.text,
			body: b.interactive.body.text,
			footer: b.interactive.footer?.text,
			flowId: p.flow_id,
			flowName: p.flow_name,
			flowToken: p.flow_token,
			flowCta: p.flow_cta,
			mode: p.mode,
			flowAction: p.flow_action,
			screen: p.flow_action_payload?.screen,
			data: p.flow_action_payload?.data,
		});
	},
	'send-interactive-product': (b) =>
		buildProduct({
			...envelope(b),
			body: b.interactive.body?.text,
			footer: b.interactive.footer?.text,
			catalogId: b.interactive.action.catalog_id,
			productRetailerId: b.interactive.action.product_retailer_id,
		}),
	'send-interactive-product-list': (b) =>
		buildProductList({
			...envelope(b),
			headerText: b.interactive.header.text,
			body: b.interactive.body.text,
			footer: b.interactive.footer?.text,
			catalogId: b.interactive.action.catalog_id,
			sections: b.interactive.action.sections.map((s: Doc) => ({ title: s.title, productRetailerIds: s.product_items.map((p: Doc) => p.product_retailer_id) })),
		}),
	'send-interactive-call-permission-request': (b) => buildCallPermissionRequest({ ...envelope(b), body: b.interactive.body?.text }),
	'send-template-call-permission-request': template,
	'send-interactive-catalog-message': (b) =>
		buildCatalogMessage({
			...envelope(b),
			body: b.interactive.body.text,
			footer: b.interactive.footer?.text,
			thumbnailProductRetailerId: b.interactive.action.parameters?.thumbnail_product_retailer_id,
		}),
	'send-location-request': (b) => buildLocationRequest({ ...envelope(b), body: b.interactive.body.text }),
	'send-template-named-params': template,
	'send-template-positional-params': template,
	'send-template-marketing-named': template,
	'send-template-media-header': template,
	'send-template-media-header-link': template,
	'send-template-currency-datetime': template,
	'send-template-quick-reply': template,
	'send-template-copy-code': template,
	'send-template-copy-code-syntax': template,
	'send-template-auth-otp': template,
	'send-template-auth-zero-tap': template,
	'send-template-limited-time-offer': template,
	'send-template-catalog': template,
	'send-template-mpm': template,
	'send-template-flow-button': template,
	'send-template-carousel-quick-reply-url': template,
	'send-template-carousel-product-cards': template,
	'send-template-spm': template,
	'send-template-checkout-button': template,
	'mark-as-read': markAsRead,
	'mark-as-read-whatsapp-api-js': markAsRead,
	'typing-indicator': markAsRead,
	'typing-indicator-openapi': markAsRead,
};

/**
 * Sends to a business-scoped user ID (`recipient`, no `to`), in a block of their own.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
const BSUID_BUILDS: Record<string, (body: Doc) => unknown> = {
	'send-bsuid-recipient': (b) => buildText({ ...envelope(b), body: b.text.body }),
	'send-bsuid-recipient-whatsapp-api-js': (b) => buildText({ ...envelope(b), body: b.text.body }),
	'send-parent-bsuid-recipient': (b) => buildText({ ...envelope(b), body: b.text.body }),
};

// ---------------------------------------------------------------------------------------------------------------
// The one place for documented bodies we do not build as Meta shows them, each with the reason
// ---------------------------------------------------------------------------------------------------------------

/** Documented bodies no builder makes. */
const NOT_BUILT: Record<string, string> = {
	'send-interactive-flow':
		'Meta\'s "all parameters" example sends flow_id and flow_name together, while the table on the same page says each "cannot be used with" the other (https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow); the builder takes one of them.',
	'send-bsuid-and-phone':
		'Both "to" and "recipient": the node has one Recipient field and sends a phone number as "to" or a BSUID as "recipient", never both (Meta would use "to").',
	'send-bsuid-contact-request': 'The contact_request interactive message (request_contact_info) has no builder.',
};

/** A path (`a.b[0].c`) where we build on purpose another value than the documented one; `undefined`: left out. */
interface BuiltDifferently {
	/** The fixtures it applies to; `all`: every built fixture whose body has the path. */
	fixtures: string[] | 'all';
	path: string;
	/** Our value, from the documented one (`undefined` where the body has none) and the whole documented body. */
	ours: (documented: Json | undefined, body: JsonObject) => Json | undefined;
	reason: string;
}

const DATE_TIME_REASON =
	'Cloud API always shows date_time.fallback_value and ignores the other date_time fields (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#date-time-object), so the node asks for the text only.';

const BUILT_DIFFERENTLY: BuiltDifferently[] = [
	{
		fixtures: 'all',
		path: 'to',
		ours: (to) => (typeof to === 'string' ? to.replace(/^\+/, '') : to),
		reason: 'A phone number is sent as E.164 digits without "+": Meta takes both, and its own examples use both ("+16505551234", "16505551234").',
	},
	{
		fixtures: 'all',
		path: 'recipient_type',
		ours: (documented, body) => (body.type === undefined ? documented : 'individual'),
		reason: 'recipient_type is always sent with a message; "individual" is Meta\'s default where an example leaves it out.',
	},
	{
		fixtures: ['send-location'],
		path: 'location.latitude',
		ours: (degrees) => Number(degrees),
		reason:
			'Sent as a number as the user types it: the location page and the OpenAPI schema type it String, while the OpenAPI "Send Location Message" example sends numbers (37.758056).',
	},
	{ fixtures: ['send-location'], path: 'location.longitude', ours: (degrees) => Number(degrees), reason: 'As latitude.' },
	{
		fixtures: ['send-contacts-openapi'],
		path: 'contacts[0].addresses[0].country_code',
		ours: (code) => String(code).toUpperCase(),
		reason: 'ISO 3166 codes are upper-cased: the contacts page writes "US", the OpenAPI example "us".',
	},
	{ fixtures: ['send-contacts-openapi'], path: 'contacts[0].addresses[1].country_code', ours: (code) => String(code).toUpperCase(), reason: 'As above.' },
	{
		fixtures: ['send-interactive-flow-minimal'],
		path: 'interactive.action.parameters.flow_action',
		ours: () => 'navigate',
		reason: 'The flow action is always named; "navigate" is Meta\'s default when it is left out.',
	},
	{
		fixtures: ['send-template-copy-code', 'send-template-copy-code-syntax'],
		path: 'template.components[-1].index',
		ours: (index) => String(index),
		reason: 'Button indexes are sent as strings ("0"), as the templates overview and the OpenAPI examples show; the coupon page shows an integer.',
	},
	{
		fixtures: ['send-template-copy-code'],
		path: 'template.components[-1].sub_type',
		ours: (subType) => String(subType).toLowerCase(),
		reason: 'sub_type in lower case ("copy_code"), as the coupon page\'s own request syntax writes it; its example writes "COPY_CODE".',
	},
	{
		fixtures: ['send-template-limited-time-offer'],
		path: 'template.components[3].index',
		ours: (index) => String(index),
		reason: 'Button indexes are sent as strings, as above; the limited-time offer page\'s example writes integers (0, 1).',
	},
	{ fixtures: ['send-template-limited-time-offer'], path: 'template.components[4].index', ours: (index) => String(index), reason: 'As above.' },
	{
		fixtures: ['send-template-catalog', 'send-template-mpm'],
		path: 'template.components[-1].index',
		ours: (index) => String(index),
		reason: 'Button indexes are sent as strings, as above; the catalog and MPM pages\' examples write 0.',
	},
	{
		fixtures: ['send-template-checkout-button'],
		path: 'template.components[-1].index',
		ours: (index) => String(index),
		reason: 'Button indexes are sent as strings, as above; the checkout button page\'s example writes 0.',
	},
	{
		fixtures: ['send-template-checkout-button'],
		path: 'template.language.policy',
		ours: () => undefined,
		reason: 'The checkout page\'s example writes language.policy "deterministic"; the builder sends the code only, as Meta\'s other template pages do (SOURCES.md item 29).',
	},
	{
		fixtures: ['send-template-catalog'],
		path: 'template.components[-1].sub_type',
		ours: (subType) => String(subType).toLowerCase(),
		reason: 'sub_type in lower case ("catalog"), as the MPM page writes "mpm"; the catalog page writes "CATALOG".',
	},
	{ fixtures: ['send-template-currency-datetime'], path: 'template.components[0].parameters[2].date_time', ours: fallbackOnly, reason: DATE_TIME_REASON },
	{ fixtures: ['send-template-media-header-link'], path: 'template.components[1].parameters[2].date_time', ours: fallbackOnly, reason: DATE_TIME_REASON },
	{ fixtures: ['send-template-quick-reply'], path: 'template.components[1].parameters[2].date_time', ours: fallbackOnly, reason: DATE_TIME_REASON },
	{
		fixtures: ['send-template-flow-button'],
		path: 'template.components[0].parameters[0].action.flow_action_data',
		ours: () => undefined,
		reason: 'An empty flow_action_data is left out (Meta: optional initial data for the first screen).',
	},
];

function fallbackOnly(dateTime: Json | undefined): Json {
	return { fallback_value: (dateTime as JsonObject).fallback_value };
}

/** `[-1]` in a path: the last element of that array. */
function resolvePath(body: Json, path: string) {
	const parts = parsePath(path.replace(/\[-1\]/g, '[LAST]'));
	return parts.map((part, i) => (part === 'LAST' ? (getAt(body, parts.slice(0, i)) as Json[]).length - 1 : part));
}

function differencesFor(fixture: string): BuiltDifferently[] {
	return BUILT_DIFFERENTLY.filter((entry) => entry.fixtures === 'all' || entry.fixtures.includes(fixture));
}

/** The documented body with our listed differences applied, and the entries that changed something. */
function expectedBody(fixture: RequestFixture): { body: JsonObject; applied: BuiltDifferently[] } {
	const body = structuredClone(fixture.request!.body!);
	const applied: BuiltDifferently[] = [];
	for (const entry of differencesFor(fixture.name)) {
		const path = resolvePath(body, entry.path);
		const documented = getAt(body, path);
		const ours = entry.ours(documented, body);
		if (JSON.stringify(ours) === JSON.stringify(documented)) continue;
		setAt(body, path, ours);
		applied.push(entry);
	}
	return { body, applied };
}

const fixtures = messageRequestFixtures();
const byName = new Map(fixtures.map((fixture) => [fixture.name, fixture]));

describe('every documented send body is built or listed with a reason', () => {
	it('each fixture of POST /{Phone-Number-ID}/messages has a build, a BSUID build or a NOT_BUILT reason', () => {
		const listed = new Set([...Object.keys(BUILDS), ...Object.keys(BSUID_BUILDS), ...Object.keys(NOT_BUILT)]);
		expect(fixtures.map((fixture) => fixture.name).filter((name) => !listed.has(name))).toEqual([]);
	});

	it('names only fixtures that exist, each in one table', () => {
		const names = [...Object.keys(BUILDS), ...Object.keys(BSUID_BUILDS), ...Object.keys(NOT_BUILT)];
		expect(names.filter((name) => !byName.has(name))).toEqual([]);
		expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
	});

	it('every BUILT_DIFFERENTLY entry changes at least one documented body (no stale entries)', () => {
		const used = new Set(Object.keys(BUILDS).flatMap((name) => expectedBody(byName.get(name)!).applied));
		expect(BUILT_DIFFERENTLY.filter((entry) => !used.has(entry)).map((entry) => `${entry.fixtures} ${entry.path}`)).toEqual([]);
	});
});

describe('builders give Meta\'s documented bodies', () => {
	it.each(Object.keys(BUILDS))('%s', (name) => {
		const fixture = byName.get(name)!;
		expect(BUILDS[name](fixture.request!.body)).toEqual(expectedBody(fixture).body);
	});
});

describe('builders give Meta\'s documented bodies to business-scoped user IDs (recipient, no to)', () => {
	it.each(Object.keys(BSUID_BUILDS))('%s', (name) => {
		const fixture = byName.get(name)!;
		expect(BSUID_BUILDS[name](fixture.request!.body)).toEqual(expectedBody(fixture).body);
	});
});
