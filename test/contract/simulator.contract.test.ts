/**
 * The simulator against Meta's documented requests, answers, errors and webhooks (test/contract/fixtures, each naming
 * its Meta page; SOURCES.md lists them): it accepts every documented request and answers in the documented shape
 * (keys and value types, values aside), its errors have Meta's envelope, and the webhooks it sends have the shape of
 * Meta's documented webhooks. Like the simulator, this file imports nothing from nodes/.
 */
import http from 'http';
import type { AddressInfo } from 'net';

import { startSimulator, type FixtureTemplate, type FixtureTemplateComponent, type Simulator, type SimulatorOptions } from '../simulator';
import { call, PHONE_STANDARD, type HttpResult } from '../simulator/helpers';
import {
	isObject,
	requestFixtures,
	shapeDifferences,
	shapeDifferencesFrom,
	webhookFixtures,
	type DocumentedRequest,
	type Json,
	type JsonObject,
	type RequestFixture,
} from './fixtures';

const VERSION = 'v26.0';
/** The IDs Meta's examples use (SOURCES.md, "Placeholders"), played by the simulator's own. */
const DOCUMENTED_PHONE_NUMBER_ID = '106540352242922';

// ---------------------------------------------------------------------------------------------------------------
// The account each documented call needs: approved templates, uploaded media, subscriptions
// ---------------------------------------------------------------------------------------------------------------

type Kind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

const FILES: Record<Kind, { type: string; data: Buffer; name: string }> = {
	image: { type: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]), name: 'photo.jpg' },
	video: { type: 'video/mp4', data: Buffer.from('....ftypmp42 contract video'), name: 'clip.mp4' },
	audio: { type: 'audio/ogg', data: Buffer.from('OggS contract audio'), name: 'voice.ogg' },
	document: { type: 'application/pdf', data: Buffer.from('%PDF-1.4 contract'), name: 'order.pdf' },
	sticker: { type: 'image/webp', data: Buffer.concat([Buffer.from('RIFF\x20\x00\x00\x00WEBPVP8X'), Buffer.alloc(20)]), name: 'sticker.webp' },
};

async function upload(sim: Simulator, kind: Kind): Promise<string> {
	const form = new FormData();
	form.append('messaging_product', 'whatsapp');
	form.append('type', FILES[kind].type);
	form.append('file', new Blob([FILES[kind].data], { type: FILES[kind].type }), FILES[kind].name);
	const response = await fetch(`${sim.url}/${VERSION}/${PHONE_STANDARD}/media`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${sim.fixture.accessToken}` },
		body: form,
	});
	const body = (await response.json()) as { id: string };
	if (response.status !== 200) throw new Error(`Upload of a ${kind} failed: ${JSON.stringify(body)}`);
	return body.id;
}

let templateIds = 5_000_000_000_000_000;
/** An approved template as the WABA holds it; `{{…}}` in the texts are its variables. */
function template(name: string, category: FixtureTemplate['category'], components: FixtureTemplateComponent[]): FixtureTemplate {
	const named = components.some((component) => /\{\{[a-z_]+\}\}/.test(component.text ?? ''));
	templateIds += 1;
	return { id: String(templateIds), name, language: 'en_US', status: 'APPROVED', category, parameterFormat: named ? 'NAMED' : 'POSITIONAL', components };
}

const body = (text: string): FixtureTemplateComponent => ({ type: 'BODY', text });
const imageHeader: FixtureTemplateComponent = { type: 'HEADER', format: 'IMAGE' };

/**
 * The approved template each documented template send needs, as the template's page creates it. Two pages use the
 * same name for a named and a positional template, so each fixture gets a simulator of its own.
 */
const TEMPLATES: Record<string, FixtureTemplate> = {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview
	'send-template-named-params': template('order_confirmation', 'UTILITY', [body('Thank you, {{first_name}}! Your order number is {{order_number}}.')]),
	'send-template-positional-params': template('order_confirmation', 'UTILITY', [body('Thank you, {{1}}! Your order number is {{2}}.')]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/custom-marketing-templates
	'send-template-marketing-named': template('welcome_discount_template', 'MARKETING', [
		imageHeader,
		body('Hi {{first_name}}! Use code {{discount_code}} for {{discount_amount}} off your first order.'),
	]),
	// The same template as in message-templates-list.json (Template management page).
	'send-template-media-header': template('reservation_confirmation', 'UTILITY', [
		imageHeader,
		body('Your reservation for {{number_of_guests}} at Lucky Shrub Eatery on {{day}}, {{date}}, at {{time}}, is confirmed.'),
		{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Change reservation', url: 'https://www.luckyshrubeater.com/reservations' }, { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+16467043595' }, { type: 'QUICK_REPLY', text: 'Cancel reservation' }] },
	]),
	// The OpenAPI "sendMessage" examples.
	'send-template-media-header-link': template('sample_movie_ticket_confirmation', 'UTILITY', [imageHeader, body('{{1}}, {{2}}, {{3}}')]),
	'send-template-currency-datetime': template('sample_purchase_feedback', 'UTILITY', [body('{{1}}, {{2}}, {{3}}')]),
	'send-template-quick-reply': template('sample_issue_resolution', 'UTILITY', [
		imageHeader,
		body('{{1}}, {{2}}, {{3}}'),
		{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Yes' }, { type: 'QUICK_REPLY', text: 'No' }] },
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/coupon-templates
	'send-template-copy-code': template('coupon_code_fall2023_25off', 'MARKETING', [
		body('Use code {{1}} to get {{2}} off all fall merchandise.'),
		{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Unsubscribe from Promos' }, { type: 'COPY_CODE', text: 'Copy offer code', example: ['25OFF'] }] },
	]),
	'send-template-copy-code-syntax': template('coupon_code_fall2023_25off', 'MARKETING', [
		body('Get 25% off all fall merchandise.'),
		{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Unsubscribe from Promos' }, { type: 'COPY_CODE', text: 'Copy offer code', example: ['25OFF'] }] },
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates
	'send-template-auth-otp': template('verification_code', 'AUTHENTICATION', [
		body('{{1}} is your verification code.'),
		{ type: 'BUTTONS', buttons: [{ type: 'OTP', text: 'Autofill' }] },
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
	'send-template-carousel-quick-reply-url': template('carousel_template_media_cards_v1', 'MARKETING', [
		body('Rare succulents for sale! {{1}}, add these unique plants to your collection. Each of these rare succulents are {{2}} if you checkout using code {{3}}.'),
		{
			type: 'CAROUSEL',
			cards: [0, 1, 2].map(() => ({
				components: [imageHeader, { type: 'BUTTONS' as const, buttons: [{ type: 'QUICK_REPLY' as const, text: 'Send me more like this!' }, { type: 'URL' as const, text: 'Shop', url: 'https://www.luckyshrub.com/rare-succulents/{{1}}' }] }],
			})),
		},
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/product-card-carousel-templates
	'send-template-carousel-product-cards': template('carousel_template_product_cards_v1', 'MARKETING', [
		body('Rare succulents for sale! {{1}}, add these unique plants to your collection.'),
		{
			type: 'CAROUSEL',
			cards: [0, 1].map(() => ({ components: [{ type: 'HEADER' as const, format: 'PRODUCT' as const }, { type: 'BUTTONS' as const, buttons: [{ type: 'SPM' as const, text: 'View' }] }] })),
		},
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/zero-tap-authentication-templates
	'send-template-auth-zero-tap': template('verification_code', 'AUTHENTICATION', [
		body('{{1}} is your verification code.'),
		{ type: 'BUTTONS', buttons: [{ type: 'OTP', text: 'Copy Code' }] },
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
	'send-template-limited-time-offer': template('limited_time_offer_caribbean_pkg_2023', 'MARKETING', [
		imageHeader,
		{ type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: 'Expiring offer!', has_expiration: true } },
		body('Good news, {{1}}! Use code {{2}} to get 25% off all Caribbean Destination packages!'),
		{ type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', text: 'Copy offer code', example: ['CARIBE25'] }, { type: 'URL', text: 'Book now!', url: 'https://awesomedestinations.com/offers?code={{1}}' }] },
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates
	'send-template-catalog': template('intro_catalog_offer', 'MARKETING', [
		body('Now shop for your favorite products right here on WhatsApp! Get Rs {{1}} off on all orders above {{2}}Rs! Valid for your first {{3}} orders placed on WhatsApp!'),
		{ type: 'FOOTER', text: 'Best grocery deals on WhatsApp!' },
		{ type: 'BUTTONS', buttons: [{ type: 'CATALOG', text: 'View catalog' }] },
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
	'send-template-mpm': template('abandoned_cart', 'MARKETING', [
		{ type: 'HEADER', format: 'TEXT', text: 'Forget something, {{1}}?' },
		body('Looks like you left these items in your cart, still interested? Use code {{1}} to get 10% off!'),
		{ type: 'BUTTONS', buttons: [{ type: 'MPM', text: 'View items' }] },
	]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/call-permission-request-message-template
	'send-template-call-permission-request': {
		...template('august_promotion', 'MARKETING', [body('We would like to call you to help support your order, {{1}}.')]),
		language: 'en',
	},
	// https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow
	'send-template-flow-button': template('example_template_name', 'MARKETING', [
		body('This is a flow as template demo'),
		{ type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Open flow!' }] },
	]),
	// The overview page creates order_confirmation: an account that has none yet.
	'template-create-named-params': template('hello_world', 'UTILITY', [body('Hello World')]),
	'template-create-positional-params': template('hello_world', 'UTILITY', [body('Hello World')]),
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-management: the
	// category of an approved template cannot be edited, so the example's template is one that was rejected.
	'template-edit-category': { ...template('seasonal_offer', 'UTILITY', [body('Our {{1}} sale is on now.')]), status: 'REJECTED' },
	// The page's template ID, named as in its request.
	'template-delete-by-id': { ...template('order_confirmation', 'UTILITY', [body('Thank you, {{1}}! Your order number is {{2}}.')]), id: '1407680676729941' },
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/marketing-messages-lite-api
	// and the OpenAPI examples: the Marketing Messages API takes marketing templates only.
	'marketing-messages-send': { ...template('hello_world', 'MARKETING', [body('Hello World')]), language: 'en' },
	'marketing-messages-send-product-policy': template('welcome_offer', 'MARKETING', [body('Welcome! Here is an offer for you.')]),
	'marketing-messages-send-strict': { ...template('promotional_offer', 'MARKETING', [body('{{1}}, get {{2}} off today.')]), language: 'en' },
};

/** A local endpoint that answers Meta's handshake and takes deliveries, for subscriptions and webhooks. */
interface Callback {
	url: string;
	bodies: string[];
	close: () => Promise<void>;
}

async function startCallback(): Promise<Callback> {
	const bodies: string[] = [];
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			if (req.method === 'POST') bodies.push(Buffer.concat(chunks).toString('utf8'));
			res.end(url.searchParams.get('hub.challenge') ?? '');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
	return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let callback: Callback;

beforeAll(async () => {
	callback = await startCallback();
});

afterAll(async () => {
	await callback.close();
});

async function withSimulator<T>(options: Partial<SimulatorOptions>, run: (sim: Simulator) => Promise<T>): Promise<T> {
	const sim = await startSimulator({ latency: 'none', ...options });
	try {
		return await run(sim);
	} finally {
		await sim.stop();
	}
}

// ---------------------------------------------------------------------------------------------------------------
// A documented request, played against the simulator
// ---------------------------------------------------------------------------------------------------------------

/** The simulator's IDs for the documented request's placeholders and example IDs. */
interface Ids {
	media: Partial<Record<Kind, string>>;
	templateIds: string[];
}

/** The documented body with its media IDs swapped for media of the same kind uploaded to the simulator. */
function withSimulatorMedia(value: Json, ids: Ids): Json {
	if (Array.isArray(value)) return value.map((item) => withSimulatorMedia(item, ids));
	if (!isObject(value)) return value;
	const out: JsonObject = {};
	for (const [key, child] of Object.entries(value)) {
		const kind = key as Kind;
		out[key] = kind in FILES && isObject(child) && typeof child.id === 'string' ? { ...child, id: ids.media[kind]! } : withSimulatorMedia(child, ids);
	}
	return out;
}

function simulatorPath(sim: Simulator, path: string, ids: Ids, version = VERSION): string {
	return `/${version}${path}`
		.replace('{Phone-Number-ID}', PHONE_STANDARD)
		.replace('{WABA-ID}', sim.fixture.wabaId)
		.replace('{app-id}', sim.fixture.appId)
		.replace('{Media-ID}', ids.media.image ?? '')
		// The account's first template (each fixture that needs a particular one has it alone, TEMPLATES).
		.replace('{Template-ID}', sim.fixture.templates[0]?.id ?? '')
		.replace('{QR-Code-ID}', lastQrCode)
		.replace('{Flow-ID}', lastFlowId);
}

function simulatorQuery(query: Record<string, string> | undefined, ids: Ids): string {
	if (!query) return '';
	const params = new URLSearchParams();
	for (const [name, raw] of Object.entries(query)) {
		let value = decodeURIComponent(raw);
		if (value === DOCUMENTED_PHONE_NUMBER_ID) value = PHONE_STANDARD;
		if (name === 'template_ids') value = JSON.stringify(ids.templateIds.map(Number));
		params.set(name, value);
	}
	return `?${params}`;
}

/** Media the documented request names, uploaded so the simulator knows them. */
async function mediaFor(sim: Simulator, request: DocumentedRequest): Promise<Ids['media']> {
	const media: Ids['media'] = {};
	const text = JSON.stringify(request.body ?? {});
	for (const kind of Object.keys(FILES) as Kind[]) if (text.includes(`"${kind}":{"id"`)) media[kind] = await upload(sim, kind);
	if (request.path?.includes('{Media-ID}')) media.image = await upload(sim, 'image');
	return media;
}

async function sendDocumented(sim: Simulator, request: DocumentedRequest, adapt: Adapt = { reason: '' }): Promise<HttpResult> {
	const ids: Ids = { media: await mediaFor(sim, request), templateIds: sim.fixture.templates.filter((t) => t.status === 'APPROVED').slice(0, 2).map((t) => t.id) };
	const path = simulatorPath(sim, request.path!, ids, adapt.version) + simulatorQuery(adapt.query?.(request.query!) ?? request.query, ids);
	if (request.form) {
		const fields = adapt.form?.(request.form, sim) ?? request.form;
		const form = new FormData();
		for (const [name, value] of Object.entries(fields)) {
			// curl's `-F 'file=@/path/name.mp4;type=video/mp4'`: a file part of that type.
			const file = /^@(.+?)(?:;type=(.+))?$/.exec(value);
			if (file) form.append(name, new Blob([Buffer.from('contract test file')], { type: file[2] }), file[1].split('/').pop());
			else form.append(name, value);
		}
		// The token goes in the form when the page puts it there (access_token), else in the header as the page's curl does.
		const headers: Record<string, string> = 'access_token' in fields ? {} : { Authorization: `Bearer ${adapt.token ? adapt.token(sim) : sim.fixture.accessToken}` };
		const response = await fetch(`${sim.url}${path}`, { method: request.method, body: form, headers });
		const text = await response.text();
		return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
	}
	const documentedBody = request.body === undefined ? undefined : withSimulatorMedia(adapt.body?.(request.body, sim) ?? request.body, ids);
	return call(sim, request.method, path, documentedBody, adapt.token ? adapt.token(sim) : sim.fixture.accessToken);
}

/** Test-side adaptations of a documented request to the simulator's account, each with the reason. */
interface Adapt {
	reason: string;
	/** The Graph version the page's example is from, when the fields differ by version. */
	version?: string;
	/** Run the simulator's clock just after the documented time range (analytics look back a limited time). */
	atDocumentedTime?: boolean;
	before?: (sim: Simulator) => Promise<void>;
	query?: (query: Record<string, string>) => Record<string, string>;
	body?: (body: JsonObject, sim: Simulator) => JsonObject;
	form?: (form: Record<string, string>, sim: Simulator) => Record<string, string>;
	token?: (sim: Simulator) => string;
}

/** Unix seconds of `end(…)` / `end=` in a documented analytics query, as the simulator's clock (ms), a day later. */
function clockAfter(query: Record<string, string>): number {
	const end = /end\((\d+)\)/.exec(query.fields ?? '')?.[1] ?? query.end;
	return (Number(end) + 86_400) * 1000;
}

const appToken = (sim: Simulator) => `${sim.fixture.appId}|${sim.fixture.appSecret}`;

async function subscribeApp(sim: Simulator): Promise<void> {
	const response = await call(sim, 'POST', `/${VERSION}/${sim.fixture.appId}/subscriptions`, { object: 'whatsapp_business_account', callback_url: callback.url, verify_token: 't', fields: 'messages' }, appToken(sim));
	if (response.status !== 200) throw new Error(`App subscription failed: ${response.text}`);
}

async function overrideWaba(sim: Simulator): Promise<void> {
	const response = await call(sim, 'POST', `/${VERSION}/${sim.fixture.wabaId}/subscribed_apps`, { override_callback_uri: `${callback.url}/waba`, verify_token: 't' });
	if (response.status !== 200) throw new Error(`WABA override failed: ${response.text}`);
}

async function overrideNumber(sim: Simulator): Promise<void> {
	const response = await call(sim, 'POST', `/${VERSION}/${PHONE_STANDARD}`, { webhook_configuration: { override_callback_uri: `${callback.url}/number`, verify_token: 't' } });
	if (response.status !== 200) throw new Error(`Number override failed: ${response.text}`);
}

/** Documented callback URLs are Meta's examples; the simulator verifies each with a handshake, so ours answer it. */
const OUR_CALLBACK = 'The documented callback URL is an example; the simulator verifies a callback with a real handshake, so the test\'s own endpoint stands in.';

/** Meta blocks only users who messaged the number in the last 24 hours (Block Users guide): the documented user has. */
const inWindow = async (sim: Simulator) => sim.configure({ inWindowRecipients: ['16505551234'] });
const blockDocumentedUser = async (sim: Simulator) => {
	await inWindow(sim);
	const blocked = await call(sim, 'POST', `/${VERSION}/${PHONE_STANDARD}/block_users`, { messaging_product: 'whatsapp', block_users: [{ user: '+16505551234' }] });
	if (blocked.status !== 200) throw new Error(`Blocking failed: ${blocked.text}`);
};

/** The code of the QR code the last `createQrCode` made (Meta's codes are its own; the page's stand for one). */
let lastQrCode = '';
const createQrCode = async (sim: Simulator) => {
	const created = await call(sim, 'POST', `/${VERSION}/${PHONE_STANDARD}/message_qrdls`, { prefilled_message: 'Cyber Monday' });
	if (created.status !== 200) throw new Error(`QR code creation failed: ${created.text}`);
	lastQrCode = created.body.code;
};
const QR_CODE_FIRST = 'A QR code is created first; its code stands in for the page\'s.';

/** The ID of the flow the last `createFlow` made, with a valid Flow JSON when asked (the Flow JSON reference's minimum). */
let lastFlowId = '';
let flowNumber = 0;
const createFlow = (flowJson?: string) => async (sim: Simulator) => {
	flowNumber += 1;
	const created = await call(sim, 'POST', `/${VERSION}/${sim.fixture.wabaId}/flows`, { name: `contract flow ${flowNumber}`, categories: ['OTHER'] });
	if (created.status !== 200) throw new Error(`Flow creation failed: ${created.text}`);
	lastFlowId = created.body.id;
	if (flowJson === undefined) return;
	const form = new FormData();
	form.append('file', new Blob([flowJson], { type: 'application/json' }), 'flow.json');
	form.append('name', 'flow.json');
	form.append('asset_type', 'FLOW_JSON');
	const uploaded = await fetch(`${sim.url}/${VERSION}/${lastFlowId}/assets`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
	if (uploaded.status !== 200) throw new Error(`Flow JSON upload failed: ${await uploaded.text()}`);
};
const VALID_FLOW_JSON = JSON.stringify({ version: '7.2', screens: [{ id: 'WELCOME', title: 'Welcome', terminal: true, layout: { type: 'SingleColumnLayout', children: [] } }] });
const publishedFlow = async (sim: Simulator) => {
	await createFlow(VALID_FLOW_JSON)(sim);
	const published = await call(sim, 'POST', `/${VERSION}/${lastFlowId}/publish`);
	if (published.status !== 200) throw new Error(`Publishing failed: ${published.text}`);
};
const FLOW_FIRST = 'A draft flow is created first; its ID stands in for the example\'s.';

/** Meta's create examples name templates its send examples use too (seeded in the simulator): an account without them. */
const TEMPLATE_NOT_HELD = 'The simulator holds a template of this name (Meta\'s send examples use it); this account has none.';
const withoutTemplate = (name: string) => async (sim: Simulator) => {
	sim.fixture.templates = sim.fixture.templates.filter((template) => template.name !== name);
};

/** The share-products page writes placeholders for its catalog and SKUs: the account's catalog is theirs. */
const PLACEHOLDER_CATALOG = 'The page\'s catalog ID and SKUs are placeholders: the account is connected to a catalog of that ID holding them (the simulator refuses products its catalog lacks, as the page\'s "Missing items" says).';
const placeholderCatalog = (...retailerIds: string[]) => async (sim: Simulator) => {
	sim.fixture.catalogs = [{ id: 'CATALOG_ID', wabaId: sim.fixture.wabaId, products: retailerIds.map((retailerId) => ({ retailerId, name: retailerId })) }];
};

const MARKETING_ONBOARDED: Adapt = {
	reason: 'The examples send through the Marketing Messages API itself: the account is onboarded to it (the simulator\'s switch).',
	before: async (sim) => sim.configure({ marketingMessagesOnboarded: [sim.fixture.wabaId] }),
};

const ADAPT: Record<string, Adapt> = {
	'marketing-messages-send': MARKETING_ONBOARDED,
	'marketing-messages-send-product-policy': MARKETING_ONBOARDED,
	'marketing-messages-send-strict': MARKETING_ONBOARDED,
	'send-interactive-product': { reason: PLACEHOLDER_CATALOG, before: placeholderCatalog('ID_TEST_ITEM_1') },
	'send-interactive-product-list': { reason: PLACEHOLDER_CATALOG, before: placeholderCatalog('PRODUCT-SKU', 'PRODUCT-SKU-2', 'PRODUCT-SKU-3', 'PRODUCT-SKU-4') },
	'template-create-carousel': { reason: TEMPLATE_NOT_HELD, before: withoutTemplate('carousel_template_media_cards_v1') },
	'template-create-carousel-product-cards': { reason: TEMPLATE_NOT_HELD, before: withoutTemplate('carousel_template_product_cards_v1') },
	'template-create-limited-time-offer': { reason: TEMPLATE_NOT_HELD, before: withoutTemplate('limited_time_offer_caribbean_pkg_2023') },
	'template-create-spm': { reason: TEMPLATE_NOT_HELD, before: withoutTemplate('spm_template_named_params') },
	'flows-list': {
		reason: 'Flows are created first (one with a Flow JSON Meta finds errors in), so the list has entries of both kinds.',
		before: async (sim) => {
			await createFlow(VALID_FLOW_JSON)(sim);
			await createFlow('{"screens": []}')(sim);
		},
	},
	'flow-update-metadata': { reason: FLOW_FIRST, before: createFlow() },
	'flow-assets-upload': { reason: FLOW_FIRST, before: createFlow() },
	'flow-assets-list': { reason: `${FLOW_FIRST} It has a Flow JSON, so there is an asset to list.`, before: createFlow(VALID_FLOW_JSON) },
	'flow-preview': { reason: FLOW_FIRST, before: createFlow() },
	'flow-publish': { reason: `${FLOW_FIRST} It has a valid Flow JSON: Meta publishes no flow with validation errors (139002).`, before: createFlow(VALID_FLOW_JSON) },
	'flow-deprecate': { reason: 'A flow is created and published first: only a published flow can be deprecated (139003).', before: publishedFlow },
	'flow-delete': { reason: FLOW_FIRST, before: createFlow() },
	'qr-code-list': { reason: 'Two QR codes are created first, so the list has entries.', before: async (sim) => { await createQrCode(sim); await createQrCode(sim); } },
	'qr-code-get': { reason: QR_CODE_FIRST, before: createQrCode },
	'qr-code-delete': { reason: QR_CODE_FIRST, before: createQrCode },
	'qr-code-update': { reason: QR_CODE_FIRST, before: createQrCode, body: (b) => ({ ...b, code: lastQrCode }) },
	'block-users-post': { reason: 'The documented user messaged the number in the last 24 hours (the guide\'s rule for blocking).', before: inWindow },
	'block-users-delete': { reason: 'The documented user is blocked first, so there is one to unblock.', before: blockDocumentedUser },
	'block-users-get': { reason: 'The documented user is blocked first, so the list has an entry.', before: blockDocumentedUser },
	'analytics-messages': { reason: 'The simulator\'s clock is set just after the documented range (lookback rules).', atDocumentedTime: true },
	'conversation-analytics': { reason: 'As analytics-messages.', atDocumentedTime: true },
	'pricing-analytics': { reason: 'As analytics-messages.', atDocumentedTime: true },
	'template-analytics': { reason: 'As analytics-messages; template_ids are the simulator\'s approved templates.', atDocumentedTime: true },
	'phone-number-metadata': {
		reason: 'The page does not show the request; the fields of its example response are asked for, with an app subscription so that webhook_configuration.application exists.',
		before: subscribeApp,
		query: () => ({ fields: 'verified_name,code_verification_status,display_phone_number,quality_rating,platform_type,throughput,webhook_configuration' }),
	},
	'phone-webhook-override-get': {
		reason: 'Callbacks at all three levels are set first, so that each key of the documented answer exists.',
		before: async (sim) => {
			await subscribeApp(sim);
			await overrideWaba(sim);
			await overrideNumber(sim);
		},
	},
	'phone-webhook-override-set': { reason: OUR_CALLBACK, body: (b) => ({ webhook_configuration: { ...(b.webhook_configuration as JsonObject), override_callback_uri: `${callback.url}/number` } }) },
	'phone-webhook-override-delete': { reason: 'An override is set first, so that there is one to remove.', before: overrideNumber },
	'phone-numbers-list-openapi': {
		reason: 'The OpenAPI example (v23.0) shows fields beyond the list\'s default (phone-numbers-list.json): they are asked for, in v23.0, where messaging_limit_tier still exists.',
		version: 'v23.0',
		query: () => ({
			fields: 'id,display_phone_number,verified_name,status,quality_rating,country_code,country_dial_code,code_verification_status,unified_cert_status,account_mode,host_platform,messaging_limit_tier,is_official_business_account,username',
		}),
	},
	'subscribed-apps-post-override': { reason: OUR_CALLBACK, body: (b) => ({ ...b, override_callback_uri: `${callback.url}/waba` }) },
	'subscribed-apps-post-override-reference': { reason: OUR_CALLBACK, body: (b) => ({ ...b, override_callback_uri: `${callback.url}/waba` }) },
	'subscribed-apps-get': { reason: 'The app subscribes to the WABA first (the simulator has one app).', before: async (sim) => void (await call(sim, 'POST', `/${VERSION}/${sim.fixture.wabaId}/subscribed_apps`, {})) },
	'subscribed-apps-get-override': { reason: 'A WABA override is set first.', before: overrideWaba },
	'subscribed-apps-delete': { reason: 'The app subscribes to the WABA first.', before: async (sim) => void (await call(sim, 'POST', `/${VERSION}/${sim.fixture.wabaId}/subscribed_apps`, {})) },
	'app-subscriptions-get': { reason: 'The page\'s sample is for a Page (object user); the app subscribes to whatsapp_business_account first.', before: subscribeApp, token: appToken },
	'app-subscriptions-post': {
		reason: 'The page\'s sample subscribes object=user to photos; a WhatsApp app subscribes whatsapp_business_account to messages (create-webhook-endpoint page). ' + OUR_CALLBACK,
		form: (form, sim) => ({ ...form, object: 'whatsapp_business_account', fields: 'messages', callback_url: callback.url, access_token: appToken(sim) }),
	},
};

/** Documented requests the simulator is not asked to play, each with the reason. */
const NOT_SENT: Record<string, string> = {
	'send-interactive-flow':
		'Meta\'s "all parameters" example sends flow_id and flow_name together, while the table on the same page says each "cannot be used with" the other (https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow); the simulator follows the table.',
	'media-download': 'Played in its own test below (the URL comes from GET /{Media-ID}).',
	'resumable-upload-file':
		'The bytes go as a raw body with a file_offset header, which this harness does not send: played in test/simulator/resumableUpload.test.ts against this fixture.',
	'usage-header-x-app-usage': 'A header, checked in its own test below.',
	'usage-header-x-business-use-case-usage-whatsapp': 'A header, checked in its own test below.',
	'usage-header-x-business-use-case-usage':
		'The Graph API page\'s sample is the Marketing API\'s header (ads_api_access_tier, ads_management…); the WhatsApp one is usage-header-x-business-use-case-usage-whatsapp.',
};

/** Sends to business-scoped user IDs (`recipient`), in a block of their own. */
const BSUID_SENDS = ['send-bsuid-recipient', 'send-bsuid-recipient-whatsapp-api-js', 'send-parent-bsuid-recipient', 'send-bsuid-and-phone', 'send-bsuid-contact-request'];

/** Documented answers not compared with the simulator's, each with the reason. */
const ANSWER_NOT_COMPARED: Record<string, string> = {
	'typing-indicator-openapi':
		'The OpenAPI spec has one 200 example for every sendMessage body (a message\'s answer); the typing indicators page answers {"success": true} (typing-indicator.json).',
	'send-bsuid-recipient-whatsapp-api-js':
		'The reply is whatsapp-api-js\'s own mock (contacts[].wa_id); Meta\'s BSUID page answers contacts[].user_id (send-bsuid-recipient.json).',
	'subscribed-apps-post-override-reference':
		'The reference/OpenAPI answer (success plus data[]) disagrees with the webhook overrides guide ({"success": true}, subscribed-apps-post-override.json), which the simulator follows.',
	'template-library-list':
		'The page shows one library entry without the list\'s data[] envelope; test/simulator/templateManagement.test.ts compares each listed entry with it.',
};

const TEMPLATE_COMPONENT_KEYS = 'Keys of component kinds the example does not list, documented on the template pages (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components).';

/** Keys an answer may carry or leave out although this example does not show them, with the Meta page that does. */
const OPTIONAL_KEYS: Record<string, string> = {
	'messages[].message_status':
		'Template sends show it (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/custom-marketing-templates); the other pages\' examples leave it out.',
	paging: 'Graph adds cursors only when there is another page.',
	'data[].validation_errors':
		'The List Flows example itself lists flows with and without validation errors (business-messaging-api_v23.0.yaml); each error\'s keys are compared in flow-assets-upload.',
	id: 'Graph answers a node\'s id with any fields read (the messaging analytics example shows it; the pricing one leaves it out).',
	'data[].components[].buttons[].example': TEMPLATE_COMPONENT_KEYS,
	'data[].components[].buttons[].otp_type': TEMPLATE_COMPONENT_KEYS,
	'data[].components[].buttons[].flow_id': TEMPLATE_COMPONENT_KEYS,
	'data[].components[].buttons[].flow_action': TEMPLATE_COMPONENT_KEYS,
	'data[].components[].buttons[].navigate_screen': TEMPLATE_COMPONENT_KEYS,
	'data[].components[].example.header_text_named_params': TEMPLATE_COMPONENT_KEYS,
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
	'data[].components[].limited_time_offer': TEMPLATE_COMPONENT_KEYS,
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
	'data[].components[].cards': TEMPLATE_COMPONENT_KEYS,
	'entry[].changes[].value.contacts':
		'Every message example carries contacts except the nfm_reply and system ones (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/interactive, …/messages/system).',
};

/**
 * Where the simulator still departs from Meta's documentation (none today): these tests run as `it.failing`, so
 * fixing the simulator turns them red until the entry goes.
 */
const SIMULATOR_GAPS: Record<string, string> = {};

/** `it`, or `it.failing` for a known simulator gap. */
function itUnlessGap(key: string): jest.It {
	return key in SIMULATOR_GAPS ? it.failing : it;
}

function differences(expected: Json, actual: unknown): string[] {
	return differencesFrom([expected], actual);
}

/** Shape differences from several documented examples, OPTIONAL_KEYS aside. */
function differencesFrom(examples: Json[], actual: unknown): string[] {
	return shapeDifferencesFrom(examples, actual).filter((difference) => {
		const path = difference.split(':')[0].replace(/\[\d+\]/g, '[]');
		return !Object.keys(OPTIONAL_KEYS).some((optional) => path === optional || path.startsWith(`${optional}.`) || path.startsWith(`${optional}[`));
	});
}

const fixtures = requestFixtures();
/** Documented error answers (Meta's envelope, no request of their own): injected through the fault endpoint. */
const isError = (fixture: RequestFixture) => isObject(fixture.response?.body) && 'error' in (fixture.response.body as JsonObject);
const errorFixtures = fixtures.filter(isError);
const playable = fixtures.filter((fixture) => !isError(fixture) && !(fixture.name in NOT_SENT) && !BSUID_SENDS.includes(fixture.name));

function optionsFor(fixture: RequestFixture): Partial<SimulatorOptions> {
	const templates = TEMPLATES[fixture.name];
	const options: Partial<SimulatorOptions> = templates ? { fixture: { templates: [templates] } } : {};
	if (ADAPT[fixture.name]?.atDocumentedTime && fixture.request?.query) {
		const at = clockAfter(fixture.request.query);
		options.clock = () => at;
	}
	return options;
}

async function play(fixture: RequestFixture): Promise<HttpResult> {
	return withSimulator(optionsFor(fixture), async (sim) => {
		const adapt = ADAPT[fixture.name] ?? { reason: '' };
		await adapt.before?.(sim);
		return sendDocumented(sim, fixture.request!, adapt);
	});
}

describe('every documented request is played or listed with a reason', () => {
	it('each fixture not in NOT_SENT is an error or documents a request to play (a new one is played, not skipped)', () => {
		expect(fixtures.filter((fixture) => !(fixture.name in NOT_SENT) && !isError(fixture) && !fixture.request?.path).map((fixture) => fixture.name)).toEqual([]);
	});

	it('the exception tables name only fixtures that exist', () => {
		const names = new Set(fixtures.map((fixture) => fixture.name));
		const listed = [...Object.keys(NOT_SENT), ...BSUID_SENDS, ...Object.keys(ADAPT), ...Object.keys(TEMPLATES), ...Object.keys(ANSWER_NOT_COMPARED)];
		expect(listed.filter((name) => !names.has(name))).toEqual([]);
	});
});

describe('the simulator accepts Meta\'s documented requests and answers in the documented shape', () => {
	for (const fixture of playable) {
		itUnlessGap(fixture.name)(fixture.name, async () => {
			const response = await play(fixture);
			expect({ status: response.status, body: response.status < 300 ? '(accepted)' : response.body }).toEqual({ status: response.status, body: '(accepted)' });
			const documented = fixture.response;
			if (documented?.status) expect(response.status).toBe(documented.status);
			if (documented?.body !== undefined && documented.body !== null && !(fixture.name in ANSWER_NOT_COMPARED)) {
				expect(differences(documented.body, response.body)).toEqual([]);
			}
		});
	}
});

describe('sends to business-scoped user IDs (recipient, no to)', () => {
	it.each(BSUID_SENDS.map((name) => [name, fixtures.find((fixture) => fixture.name === name)!] as const))('%s', async (_name, fixture) => {
		const response = await play(fixture);
		expect({ status: response.status, body: response.status < 300 ? '(accepted)' : response.body }).toEqual({ status: 200, body: '(accepted)' });
		if (fixture.response?.body && !(fixture.name in ANSWER_NOT_COMPARED)) expect(differences(fixture.response.body, response.body)).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Errors: Meta's envelope for each documented error code, injected through the control endpoint
// ---------------------------------------------------------------------------------------------------------------

/** The call each documented error belongs to (a send unless the page ties the code to another endpoint). */
const ERROR_CALLS: Record<string, { method: string; path: (sim: Simulator) => string; body?: JsonObject }> = {
	// https://github.com/facebook/openapi/blob/ecba623b4aba6ae770185b074ed77ed5acef22f7/business-messaging-api_v23.0.yaml (subscribed_apps → 429)
	'error-4': { method: 'GET', path: (sim) => `/${VERSION}/${sim.fixture.wabaId}/subscribed_apps` },
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/error-codes (paging cursor)
	'error-131059': { method: 'GET', path: (sim) => `/${VERSION}/${sim.fixture.wabaId}/phone_numbers?after=stale` },
	'error-200005': { method: 'GET', path: (sim) => `/${VERSION}/${sim.fixture.wabaId}/template_analytics` },
	'error-200006': { method: 'POST', path: (sim) => `/${VERSION}/${sim.fixture.wabaId}?is_enabled_for_insights=false` },
	'error-200007': { method: 'GET', path: (sim) => `/${VERSION}/${sim.fixture.wabaId}/template_analytics` },
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes#marketing-messages-api-for-whatsapp-error-codes
	'error-134102': {
		method: 'POST',
		path: () => `/${VERSION}/${PHONE_STANDARD}/marketing_messages`,
		body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16315552222', type: 'template', template: { name: 'loyalty_points', language: { code: 'en_US' } }, product_policy: 'STRICT' },
	},
};
const SEND: (typeof ERROR_CALLS)[string] = {
	method: 'POST',
	path: () => `/${VERSION}/${PHONE_STANDARD}/messages`,
	body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+16505551234', type: 'text', text: { body: 'Hello' } },
};

/** HTTP statuses Meta's pages give for one code in different places, each with the pages (SOURCES.md, requests). */
const STATUSES_IN_DISPUTE: Record<number, { statuses: number[]; reason: string }> = {
	4: { statuses: [400, 429], reason: 'Error codes page: 400; OpenAPI spec: 429 on every management endpoint.' },
	130429: { statuses: [400, 429], reason: 'Error codes page (Dec 2025): 400; CLOUD_API.md notes newer tables give 429.' },
	131057: { statuses: [400, 500], reason: 'Error codes page: "500" with the text "Bad Request" in the same cell.' },
};

/** Keys of the envelope Meta documents as sometimes absent. */
const OPTIONAL_ERROR_KEYS: Record<string, string> = {
	'error.error_subcode':
		'"Deprecated. Will not be returned in v16.0+ responses" (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes), yet the same page\'s 130429 example carries one.',
};

describe('the simulator\'s errors have Meta\'s documented envelope', () => {
	it.each(errorFixtures.map((fixture) => [fixture.name, fixture] as const))('%s', async (name, fixture) => {
		const documented = fixture.response!.body as { error: { code: number } };
		const code = documented.error.code;
		const target = ERROR_CALLS[name] ?? SEND;
		await withSimulator({}, async (sim) => {
			const path = target.path(sim);
			const scripted = await fetch(`${sim.url}/_sim/faults`, {
				method: 'POST',
				body: JSON.stringify([{ method: target.method, path: path.split('?')[0].replace(`/${VERSION}/`, ''), action: { kind: 'error', code } }]),
			});
			expect(scripted.status).toBe(200);
			const response = await call(sim, target.method, path, target.body);
			const differencesFound = shapeDifferences(fixture.response!.body!, response.body).filter(
				(difference) => !Object.keys(OPTIONAL_ERROR_KEYS).some((key) => difference.startsWith(`${key}:`)),
			);
			expect(differencesFound).toEqual([]);
			expect(response.body.error.code).toBe(code);
			const status = fixture.response!.status;
			if (status !== null) expect(STATUSES_IN_DISPUTE[code]?.statuses ?? [status]).toContain(response.status);
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Usage headers and the media download
// ---------------------------------------------------------------------------------------------------------------

function headerFixture(name: string): Json {
	const headers = fixtures.find((fixture) => fixture.name === name)!.response!.headers!;
	return JSON.parse(Object.values(headers)[0]);
}

describe('usage headers and media download as Meta documents them', () => {
	it('X-App-Usage and X-Business-Use-Case-Usage have the documented JSON shape', async () => {
		await withSimulator({}, async (sim) => {
			const response = await call(sim, 'GET', `/${VERSION}/${sim.fixture.wabaId}/phone_numbers`);
			expect(response.status).toBe(200);
			// https://developers.facebook.com/docs/graph-api/overview/rate-limiting#headers
			expect(shapeDifferences(headerFixture('usage-header-x-app-usage'), JSON.parse(response.headers.get('x-app-usage') ?? 'null'))).toEqual([]);
			// Keyed by the WABA's ID (values aside): each entry as in the OpenAPI x-business-use-case-usage example.
			const documented = Object.values(headerFixture('usage-header-x-business-use-case-usage-whatsapp') as JsonObject)[0];
			const ours = JSON.parse(response.headers.get('x-business-use-case-usage') ?? 'null') as Record<string, unknown>;
			expect(Object.keys(ours)).toEqual([sim.fixture.wabaId]);
			expect(shapeDifferences([(documented as Json[])[0]], ours[sim.fixture.wabaId])).toEqual([]);
		});
	});

	it('the media URL downloads with the bearer token and answers 404 once it is wrong (media-download.json)', async () => {
		await withSimulator({}, async (sim) => {
			const id = await upload(sim, 'image');
			const info = await call(sim, 'GET', `/${VERSION}/${id}?phone_number_id=${PHONE_STANDARD}`);
			const download = await fetch(info.body.url, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
			expect(download.status).toBe(200);
			expect(Buffer.from(await download.arrayBuffer())).toEqual(FILES.image.data);
			const broken = await fetch(info.body.url.replace(id, '1'), { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
			expect(broken.status).toBe(404);
		});
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Webhooks the simulator sends, against the documented webhooks of the same kind
// ---------------------------------------------------------------------------------------------------------------

const webhooks = webhookFixtures();
/** One-to-one payloads: BSUID and group variants have fields of their own, compared where those are simulated. */
const oneToOne = webhooks.filter((fixture) => !/bsuid|group/.test(fixture.name));

function firstChange(fixture: (typeof webhooks)[number]): { field: string; value: JsonObject } {
	return (fixture.body.entry[0].changes as JsonObject[])[0] as { field: string; value: JsonObject };
}

/** The documented bodies of one kind: a field, and for messages the message type (and interactive reply type). */
function kindOf(fixture: (typeof webhooks)[number]): string {
	const { field, value } = firstChange(fixture);
	if (field !== 'messages') return field;
	if (Array.isArray(value.statuses)) return 'status';
	if (Array.isArray(value.errors)) return 'errors';
	const message = (value.messages as JsonObject[])[0];
	if (message.type === undefined) return 'message:(no type)';
	return message.type === 'interactive' ? `interactive:${(message.interactive as JsonObject).type}` : `message:${String(message.type)}`;
}

function examplesOf(kind: string): Json[] {
	return oneToOne.filter((fixture) => kindOf(fixture) === kind).map((fixture) => fixture.body as unknown as Json);
}

async function deliveredBodies(sim: Simulator): Promise<JsonObject[]> {
	await sim.webhooks.idle();
	return sim.webhooks.deliveries().map((delivery) => JSON.parse(delivery.body) as JsonObject);
}

/** Documented message kinds the simulator cannot inject, each with the reason. */
const NOT_SIMULATED_INBOUND: Record<string, string> = {
	'message:edit': 'The simulator\'s inbound builder has no edit messages.',
	'message:revoke': 'The simulator\'s inbound builder has no revoke messages.',
	'message:(no type)': 'The call permission reply (calls-permission-reply.json) has no type; the simulator does not simulate calling.',
};

const MEDIA_USER_FIELDS = ['caption', 'filename', 'voice', 'animated'];

/** What a customer gives for a documented message: its type and, for media, what the user chose (Meta adds the rest). */
function inboundSpec(message: JsonObject): Record<string, unknown> {
	const type = String(message.type);
	const spec: Record<string, unknown> = { phoneNumberId: PHONE_STANDARD, from: message.from, name: 'Sheena Nelson', type };
	const content = message[type];
	if (type in FILES && isObject(content)) spec[type] = Object.fromEntries(Object.entries(content).filter(([key]) => MEDIA_USER_FIELDS.includes(key)));
	if (type === 'interactive' && isObject(content)) spec.interactive = { type: content.type };
	// What the customer typed or picked (a card, a place, an order's note): theirs, not Meta's.
	if (type === 'contacts' || type === 'location' || type === 'order') spec[type] = content;
	return spec;
}

describe('the webhooks the simulator sends have the documented shape', () => {
	it('statuses of an accepted message (sent, delivered, read) fit the documented one-to-one statuses', async () => {
		await withSimulator({ webhooks: { callbackUrl: callback.url } }, async (sim) => {
			const sent = await call(sim, 'POST', SEND.path(sim), SEND.body);
			expect(sent.status).toBe(200);
			const bodies = await deliveredBodies(sim);
			expect(bodies.map((b) => ((b.entry as JsonObject[])[0].changes as JsonObject[])[0].value).map((v) => ((v as JsonObject).statuses as JsonObject[])[0].status)).toEqual(['sent', 'delivered', 'read']);
			for (const body of bodies) expect(differencesFrom(examplesOf('status'), body)).toEqual([]);
		});
	});

	it('a failed status fits the documented failed status', async () => {
		await withSimulator({ webhooks: { callbackUrl: callback.url }, undeliverableRecipients: ['+16505551234'], undeliverableVia: 'webhook' }, async (sim) => {
			expect((await call(sim, 'POST', SEND.path(sim), SEND.body)).status).toBe(200);
			const failed = (await deliveredBodies(sim)).find((body) => JSON.stringify(body).includes('"failed"'))!;
			expect(shapeDifferences(webhooks.find((fixture) => fixture.name === 'statuses-failed')!.body as unknown as Json, failed)).toEqual([]);
		});
	});

	const inboundKinds = [...new Set(oneToOne.filter((fixture) => firstChange(fixture).field === 'messages').map(kindOf))].filter(
		(kind) => kind.startsWith('message:') || kind.startsWith('interactive:'),
	);

	it('every documented inbound kind is injected or listed in NOT_SIMULATED_INBOUND', () => {
		expect(Object.keys(NOT_SIMULATED_INBOUND).filter((kind) => !inboundKinds.includes(kind))).toEqual([]);
	});

	for (const kind of inboundKinds.filter((candidate) => !(candidate in NOT_SIMULATED_INBOUND))) {
		itUnlessGap(`inbound ${kind}`)(`an injected inbound ${kind} fits the documented ones`, async () => {
			const fixture = oneToOne.find((candidate) => kindOf(candidate) === kind)!;
			await withSimulator({ webhooks: { callbackUrl: callback.url } }, async (sim) => {
				await sim.injectInbound(inboundSpec((firstChange(fixture).value.messages as JsonObject[])[0]));
				const [body] = await deliveredBodies(sim);
				expect(differencesFrom(examplesOf(kind), body)).toEqual([]);
			});
		});
	}

	it('every SIMULATOR_GAPS entry names a test of this file (no stale entries)', () => {
		const tests = [...playable.map((fixture) => fixture.name), ...inboundKinds.map((kind) => `inbound ${kind}`), ...Object.keys(EVENTS).map((field) => `event ${field}`)];
		expect(Object.keys(SIMULATOR_GAPS).filter((key) => !tests.includes(key))).toEqual([]);
	});

	/** Simulator field → the documented fixtures it is compared with (the quality update's page names another field). */
	const EVENTS: Record<string, string[]> = {
		message_template_status_update: ['message-template-status-update', 'message-template-status-update-rejected'],
		message_template_quality_update: ['message-template-quality-update'],
		message_template_components_update: ['message-template-components-update'],
		template_category_update: ['template-category-update', 'template-category-update-impending'],
		phone_number_quality_update: ['phone-number-quality-update'],
		phone_number_name_update: ['phone-number-name-update'],
		account_review_update: ['account-review-update'],
		account_alerts: ['account-alerts'],
		business_capability_update: ['business-capability-update'],
		security: ['security'],
		messages: ['errors-value-level'],
	};

	/**
	 * The template an event is about, where Meta's example shows keys only some templates have: a components update
	 * names a text header, a footer and URL or phone-number buttons "only … if template has" them
	 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_components_update);
	 * the simulator's order_confirmation (en_US) has all three.
	 */
	const EVENT_TEMPLATES: Record<string, (sim: Simulator) => string> = {
		message_template_components_update: (sim) => sim.fixture.templates.find((t) => t.name === 'order_confirmation' && t.language === 'en_US')!.id,
	};

	for (const field of Object.keys(EVENTS)) {
		itUnlessGap(`event ${field}`)(`an injected ${field} event fits the documented ones`, async () => {
		await withSimulator({ webhooks: { callbackUrl: callback.url } }, async (sim) => {
			await sim.webhooks.injectEvent({ field, phoneNumberId: PHONE_STANDARD, templateId: EVENT_TEMPLATES[field]?.(sim) });
			const [body] = await deliveredBodies(sim);
			const examples = EVENTS[field].map((name) => webhooks.find((fixture) => fixture.name === name)!.body as unknown as Json);
			expect(differencesFrom(examples, body)).toEqual([]);
		});
		});
	}
});
