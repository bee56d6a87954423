/**
 * Property-based fuzzing of every builder and of normalizeRecipient: whatever the input, a builder either returns a
 * body Meta (the simulator) accepts, or throws a MessageValidationError naming a field. Never another exception,
 * never Meta error 100 (a body of the wrong shape).
 */
import fc from 'fast-check';

import { startSimulator, type Simulator } from '../../../test/simulator';
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
	MessageValidationError,
	normalizeRecipient,
	type MessagesRequestBody,
} from './index';

const RUNS = 200;
/** Bodies a builder accepted that are posted to the simulator, per builder. */
const POSTED_PER_BUILDER = 60;
const PHONE_NUMBER_ID = '300000000000002';

let sim: Simulator;

beforeAll(async () => {
	// Builders and simulator are compared on shapes and limits: which products the catalog holds is account data.
	sim = await startSimulator({ latency: 'none', pairBurst: 1_000_000, mps: { [PHONE_NUMBER_ID]: 1_000_000 }, checkCatalog: false });
});

afterAll(async () => {
	await sim.stop();
});

async function post(body: MessagesRequestBody): Promise<{ status: number; json: { error?: { code?: number; error_data?: { details?: string } } } }> {
	const response = await fetch(`${sim.url}/v26.0/${PHONE_NUMBER_ID}/messages`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sim.fixture.accessToken}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: response.status, json: (await response.json()) as never };
}

/** Text of exactly n code points around a limit, mixing ASCII, accents, CJK, emoji and spaces. */
const textOf = (min: number, max: number) =>
	fc
		.integer({ min, max })
		.chain((n) => fc.array(fc.constantFrom('a', 'Z', 'é', '字', '😀', '👍🏽', ' ', '-', '_', '.', '\u200b'), { minLength: n, maxLength: n }))
		.map((chars) => chars.join(''));

/** Anything a user or an expression could put in a field. */
const anyText = (limit: number) =>
	fc.oneof(
		textOf(0, 6),
		textOf(Math.max(0, limit - 2), limit + 2),
		fc.string({ unit: 'grapheme', maxLength: 40 }),
		fc.string({ unit: 'binary', maxLength: 20 }),
		fc.constantFrom('', ' ', '\n', '\t', '👍', '👨‍👩‍👧‍👦', '1️⃣', 'null', '{}'),
	);

/** Mostly short valid text, sometimes anything: so both outcomes are reached even with many fields. */
const field = (limit: number) =>
	fc.oneof(
		{ weight: 6, arbitrary: textOf(1, Math.min(limit, 12)).filter((text) => text.trim() !== '') },
		{ weight: 1, arbitrary: anyText(limit) },
	);

const anyValue = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.double(), fc.boolean(), fc.object({ maxDepth: 1 }));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(undefined) });

const phone = fc
	.tuple(fc.constantFrom('+', '00', ''), fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 15 }), fc.constantFrom(' ', '-', '.', ''))
	.map(([prefix, first, rest, separator]) => `${prefix}${first}${rest.join('').replace(/(\d{3})/g, `$1${separator}`)}`);
/** A business-scoped user ID or parent BSUID (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids). */
const bsuid = fc
	.tuple(fc.constantFrom('US', 'BR', 'IN', 'DE'), fc.constantFrom('', 'ENT.'), fc.stringMatching(/^[A-Za-z0-9]{1,128}$/))
	.map(([country, parent, id]) => `${country}.${parent}${id}`);
const recipient = fc.oneof({ weight: 5, arbitrary: phone }, { weight: 1, arbitrary: bsuid }, { weight: 1, arbitrary: anyText(15) }, { weight: 1, arbitrary: anyValue });

const link = fc.oneof(
	{ weight: 4, arbitrary: fc.webUrl({ validSchemes: ['https', 'http'] }) },
	{ weight: 1, arbitrary: anyText(40) },
	{ weight: 1, arbitrary: fc.constantFrom('ftp://x.com/a', 'https://.x', 'https:///a', 'example.com/a.jpg') },
);
const envelope = { to: recipient, replyToMessageId: maybe(anyText(30)), bizOpaqueCallbackData: maybe(anyText(512)) };

/** The seeded order_confirmation template's parameters, their texts drawn from `text` (any text, or well-formed). */
const templateParams = <E extends object>(envelopeArb: fc.Arbitrary<E>, text: (limit: number) => fc.Arbitrary<unknown>) =>
	fc
		.record({
			name: fc.oneof({ weight: 8, arbitrary: fc.constant('order_confirmation') }, { weight: 1, arbitrary: anyText(20) }),
			language: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('en_US', 'pt_BR') }, { weight: 1, arbitrary: anyText(5) }),
			header: fc.record({ type: fc.constant('text' as const), text: text(60) }),
			bodyParameters: fc.tuple(
				fc.record({ type: fc.constant('text' as const), text: text(100) }),
				fc.record({ type: fc.constant('text' as const), text: text(100) }),
				fc.record({
					type: fc.constant('currency' as const),
					fallbackValue: text(20),
					code: fc.oneof(fc.constantFrom('USD', 'eur', 'BRL'), anyText(3)),
					amount1000: fc.oneof(fc.integer(), fc.double(), fc.constant('12990')),
				}),
				fc.record({ type: fc.constant('date_time' as const), fallbackValue: text(30) }),
			),
			buttons: fc.tuple(fc.record({ subType: fc.constant('url' as const), index: fc.constantFrom(0, '0'), text: text(50) })),
		})
		.chain((params) => envelopeArb.map((given) => ({ ...given, ...params })));

/** Runs the property for one builder: valid body (a sample of them posted and accepted) or a named field error. */
async function fuzz<P>(
	name: string,
	arb: fc.Arbitrary<P>,
	build: (params: P) => MessagesRequestBody,
	/** A refusal that is Meta's right answer to a well-formed body (a template that does not exist). */
	rightfulRefusal: (body: MessagesRequestBody, code: number | undefined) => boolean = () => false,
): Promise<void> {
	let posted = 0;
	let rejectedFields = 0;
	await fc.assert(
		fc.asyncProperty(arb, async (params) => {
			let body: MessagesRequestBody;
			try {
				body = build(params);
			} catch (error) {
				if (!(error instanceof MessageValidationError)) throw error;
				expect(error.field).toMatch(/^[a-zA-Z]/);
				expect(error.message.length).toBeGreaterThan(5);
				rejectedFields++;
				return;
			}
			if (posted >= POSTED_PER_BUILDER) return;
			posted++;
			const { status, json } = await post(body);
			if (status !== 200 && !rightfulRefusal(body, json.error?.code)) {
				throw new Error(`${name}: the simulator refused a body the builder accepted (${json.error?.code}: ${json.error?.error_data?.details}): ${JSON.stringify(body).slice(0, 400)}`);
			}
		}),
		{ numRuns: RUNS },
	);
	// The generators must reach both outcomes, or the property proves little.
	expect(posted).toBeGreaterThan(0);
	expect(rejectedFields).toBeGreaterThan(0);
}

describe('fuzzing: every builder returns an accepted body or names the field', () => {
	it('normalizeRecipient returns 8 to 15 digits or a business-scoped user ID, or throws a MessageValidationError for "to"', () => {
		fc.assert(
			fc.property(fc.oneof(phone, bsuid, anyText(20), anyValue), (input) => {
				try {
					expect(normalizeRecipient(input)).toMatch(/^(?:[1-9][0-9]{7,14}|[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128})$/);
				} catch (error) {
					if (!(error instanceof MessageValidationError)) throw error;
					expect(error.field).toBe('to');
				}
			}),
			{ numRuns: 2000 },
		);
	});

	it('buildText', () => fuzz('text', fc.record({ ...envelope, body: anyText(4096), previewUrl: maybe(fc.boolean()) }), buildText));

	it('buildMedia', () =>
		fuzz(
			'media',
			fc.record({
				...envelope,
				kind: fc.constantFrom('image', 'video', 'audio', 'document', 'sticker'),
				link,
				caption: maybe(anyText(1024)),
				filename: maybe(anyText(240)),
				voice: maybe(fc.boolean()),
			}),
			buildMedia,
		));

	it('buildLocation', () =>
		fuzz(
			'location',
			fc.record({
				...envelope,
				latitude: fc.oneof(fc.double({ min: -95, max: 95, noNaN: true }), fc.constantFrom(-90, 90, '45.5', 'x', NaN, Infinity)),
				longitude: fc.oneof(fc.double({ min: -185, max: 185, noNaN: true }), fc.constantFrom(-180, 180, '-122.1', '')),
				name: maybe(anyText(1000)),
				address: maybe(anyText(1000)),
			}),
			buildLocation,
		));

	it('buildContacts', () =>
		fuzz(
			'contacts',
			fc.record({
				...envelope,
				contacts: fc.array(
					fc.record({
						formattedName: anyText(50),
						firstName: maybe(anyText(20)),
						birthday: maybe(fc.oneof(fc.date({ min: new Date('1900-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), anyText(10))),
						company: maybe(anyText(20)),
						phones: maybe(fc.array(fc.record({ phone: maybe(phone), type: maybe(fc.oneof(fc.constantFrom('CELL', 'work', 'fax'), anyText(12))), waId: maybe(phone) }), { maxLength: 3 })),
						emails: maybe(fc.array(fc.record({ email: fc.oneof(fc.emailAddress(), anyText(10)), type: maybe(fc.oneof(fc.constantFrom('HOME', 'WORK'), anyText(12))) }), { maxLength: 2 })),
						addresses: maybe(fc.array(fc.record({ city: maybe(anyText(20)), countryCode: maybe(fc.oneof(fc.constantFrom('US', 'pt', 'USA'), anyText(2))) }), { maxLength: 2 })),
						urls: maybe(fc.array(fc.record({ url: anyText(30) }), { maxLength: 2 })),
					}),
					{ maxLength: 3 },
				),
			}),
			buildContacts,
		));

	it('buildReaction', () =>
		fuzz(
			'reaction',
			fc.record({
				...envelope,
				messageId: fc.oneof(fc.constant('wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQ'), anyText(20)),
				emoji: fc.oneof(fc.constantFrom('👍', '❤️', '👍🏽', '🇵🇹', '👨‍👩‍👧‍👦', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', '', '1️⃣', '#️⃣', '©️', '👩🏽‍❤️‍💋‍👨🏿'), anyText(3)),
			}),
			buildReaction,
		));

	const header = fc.oneof(
		fc.record({ type: fc.constant('text' as const), text: anyText(60) }),
		fc.record({ type: fc.constantFrom('image' as const, 'video' as const, 'document' as const), link }),
		fc.record({ type: fc.constant('none' as const) }),
	);

	it('buildInteractiveButtons', () =>
		fuzz(
			'buttons',
			fc.record({
				...envelope,
				header: maybe(header),
				body: field(1024),
				footer: maybe(anyText(60)),
				buttons: fc.array(fc.record({ id: fc.oneof(fc.constantFrom('a', 'b', 'c'), anyText(256)), title: fc.oneof(fc.constantFrom('Yes', 'No'), anyText(20)) }), { maxLength: 4 }),
			}),
			buildInteractiveButtons,
		));

	it('buildInteractiveList', () =>
		fuzz(
			'list',
			fc.record({
				...envelope,
				headerText: maybe(field(60)),
				body: field(4096),
				footer: maybe(field(60)),
				buttonText: field(20),
				sections: fc.array(
					fc.record({
						title: maybe(field(24)),
						rows: fc.array(fc.record({ id: fc.oneof(fc.uuid(), field(200)), title: field(24), description: maybe(field(72)) }), { maxLength: 6 }),
					}),
					{ maxLength: 3 },
				),
			}),
			buildInteractiveList,
		));

	it('buildCtaUrl', () =>
		fuzz('cta_url', fc.record({ ...envelope, header: maybe(header), body: field(1024), footer: maybe(anyText(60)), displayText: field(20), url: link }), buildCtaUrl));

	it('buildFlow', () =>
		fuzz(
			'flow',
			// A flow is valid only when ten fields agree (a CI run drew none in 200): a well-formed quarter keeps both outcomes.
			// Its shape is Meta's published flow message (flow ID, CTA, navigate or data_exchange to a screen with data):
			// https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow (test/contract/fixtures/requests/send-interactive-flow.json).
			fc.oneof(
				{
					weight: 3,
					arbitrary: fc.record({
						...envelope,
						headerText: maybe(field(60)),
						body: field(1024),
						flowId: maybe(fc.oneof(fc.constant('1122334455'), anyText(12))),
						flowName: fc.constant(undefined),
						flowToken: maybe(field(30)),
						flowCta: field(30),
						mode: maybe(fc.constantFrom('published', 'draft', 'live')),
						flowAction: maybe(fc.constantFrom('navigate', 'data_exchange', 'open')),
						screen: maybe(fc.oneof(fc.constantFrom('WELCOME', 'RATE_1'), anyText(10))),
						data: maybe(fc.oneof(fc.constant('{"a":1}'), fc.object({ maxDepth: 1 }), anyText(10))),
					}),
				},
				{
					weight: 1,
					arbitrary: fc.record({
						to: phone,
						headerText: maybe(textOf(1, 12)),
						body: textOf(1, 12).filter((text) => text.trim() !== ''),
						flowId: fc.constant('1122334455'),
						flowName: fc.constant(undefined),
						flowToken: maybe(textOf(1, 12)),
						flowCta: textOf(1, 12).filter((text) => text.trim() !== ''),
						mode: maybe(fc.constant('published')),
						flowAction: fc.constantFrom('navigate', 'data_exchange'),
						screen: fc.constant('WELCOME'),
						data: maybe(fc.constant('{"a":1}')),
					}),
				},
			),
			buildFlow,
		));

	it('buildLocationRequest', () => fuzz('location_request', fc.record({ ...envelope, body: anyText(1024) }), buildLocationRequest));

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products
	it('buildProduct', () =>
		fuzz('product', fc.record({ ...envelope, catalogId: field(20), productRetailerId: field(20), body: maybe(anyText(1024)), footer: maybe(anyText(60)) }), buildProduct));

	it('buildProductList', () =>
		fuzz(
			'product_list',
			fc.record({
				...envelope,
				headerText: field(60),
				body: field(1024),
				footer: maybe(field(60)),
				catalogId: field(20),
				sections: fc.array(fc.record({ title: maybe(field(24)), productRetailerIds: fc.array(fc.oneof(fc.uuid(), field(20)), { maxLength: 16 }) }), { maxLength: 3 }),
			}),
			buildProductList,
		));

	it('buildCatalogMessage', () =>
		fuzz('catalog_message', fc.record({ ...envelope, body: field(1024), footer: maybe(field(60)), thumbnailProductRetailerId: maybe(field(20)) }), buildCatalogMessage));

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions
	it('buildCallPermissionRequest', () => fuzz('call_permission_request', fc.record({ ...envelope, body: maybe(anyText(1024)) }), buildCallPermissionRequest));

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/product-card-carousel-templates
	it('buildTemplate with product cards (against the seeded carousel_template_product_cards_v1)', () =>
		fuzz(
			'carousel',
			fc.record({
				...envelope,
				name: fc.constant('carousel_template_product_cards_v1'),
				language: fc.constant('en_US'),
				bodyParameters: fc.tuple(fc.record({ type: fc.constant('text' as const), text: anyText(100) })),
				cards: fc.array(
					fc.record({ header: fc.record({ type: fc.constant('product' as const), catalogId: field(20), productRetailerId: field(20) }) }),
					{ minLength: 1, maxLength: 11 },
				),
			}),
			buildTemplate,
		));

	it('buildMarkAsRead', () =>
		fuzz('mark_as_read', fc.record({ messageId: anyText(40), typingIndicator: maybe(fc.oneof(fc.boolean(), fc.constantFrom('true', 'yes'))) }), buildMarkAsRead));

	it('buildTemplate (against the seeded order_confirmation template)', () =>
		fuzz(
			'template',
			// Valid only when every parameter is (a few in 200): a well-formed quarter keeps both outcomes in every run. The
			// same parameter shapes as the random part, only their texts well-formed: nothing new is taken from our builder.
			fc.oneof(
				{ weight: 3, arbitrary: templateParams(fc.record(envelope), anyText) },
				{ weight: 1, arbitrary: templateParams(fc.record({ to: phone }), (limit) => textOf(1, Math.min(limit, 12)).filter((text) => text.trim() !== '')) },
			) as fc.Arbitrary<Parameters<typeof buildTemplate>[0]>,
			buildTemplate,
			// A random name or language the builder finds well-formed names no template the simulator knows: 132001,
			// as Meta answers (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
			(body, code) => {
				const template = (body as { template?: { name?: string; language?: { code?: string } } }).template;
				const seeded = template?.name === 'order_confirmation' && ['en_US', 'pt_BR'].includes(template.language?.code ?? '');
				return code === 132001 && !seeded;
			},
		));
});
