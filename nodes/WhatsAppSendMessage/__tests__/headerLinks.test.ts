/**
 * "Upload Once and Send by ID" for header links: a template's image / video / document header and a reply-buttons
 * message's media header, fetched once, checked against Meta's table for the header's kind, uploaded once per sender
 * number and sent by media ID — the path media messages take (mediaLinks.test.ts, whose file server this one copies).
 *
 * Meta accepts a media ID in these headers:
 * - Template media headers: "you can either upload your media asset to our servers and use its media ID (using the id
 *   property), or host the asset on your server and use its URL (using the link property)" (Template media, Updated May
 *   21, 2026): https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-media/
 *   — the header parameter is `{ "type": "image", "image": { "id": "<MEDIA_ID>" } }`.
 * - Reply buttons: `<MESSAGE_HEADER>` "Media assets can be sent using their uploaded media `id` or URL `link` (not
 *   recommended)", example `{ "type": "image", "image": { "id": "2762702990552401" } }` (Interactive reply buttons
 *   messages, read in the verbatim mirror kapso-meta-docs/documentation,
 *   documentation/whatsapp/messages/interactive-reply-buttons-messages.mdx, "Updated: Nov 3, 2025"):
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
 *
 * - Carousel cards: the card header is `{ "type": "image", "image": { "id": "<MESSAGE_HEADER_ASSET_ID>" } }`, "Header
 *   asset's uploaded media asset ID" (Media card carousel templates, verbatim mirror kapso-meta-docs/documentation,
 *   documentation/whatsapp/templates/marketing-templates/media-card-carousel-templates.mdx, "Updated: Nov 4, 2025"):
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 *
 * The file server is on loopback, allowed here through n8n's N8N_SSRF_ALLOWED_IP_RANGES as an admin would.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator } from './helpers';
import { clearMediaCache, clearMediaLinks } from '../../../test/support/testHooks';

let sim: Simulator;
let files: http.Server;
let filesUrl = '';

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);
const OVER_IMAGE_LIMIT = 5 * 1024 * 1024 + 1;

/** What the file server was asked: full answers and every path. */
const served = { full: 0, paths: [] as string[] };

function serveFile(req: http.IncomingMessage, res: http.ServerResponse): void {
	const path = (req.url ?? '').split('?')[0];
	served.paths.push(path);
	if (path === '/banner.png') {
		served.full++;
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length, 'cache-control': 'max-age=3600' }).end(PNG);
		return;
	}
	const card = /^\/card\/(\d)\.png$/.exec(path);
	if (card) {
		// A byte after the PNG's end per card: three files, three uploads (uploads are cached by content).
		const file = Buffer.concat([PNG, Buffer.from([Number(card[1])])]);
		served.full++;
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': file.length }).end(file);
		return;
	}
	if (path === '/big.png') {
		served.full++;
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': OVER_IMAGE_LIMIT });
		res.on('error', () => undefined);
		res.end(Buffer.alloc(OVER_IMAGE_LIMIT, 7));
		return;
	}
	res.writeHead(404).end();
}

const uploads = () => sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/media'));
const recipients = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { phone: `+1 650 555 ${String(1000 + i)}` } }));

/** The simulator's `shipping_image` template (image header, one body variable), its header given as a link. */
const imageTemplate = (path: string, extra: Record<string, unknown> = {}) => ({
	messageType: 'template',
	templateInputMode: 'manual',
	template: { __rl: true, mode: 'name', value: 'shipping_image' },
	language: 'en_US',
	templateHeader: 'image',
	templateHeaderMediaSource: 'link',
	templateHeaderLink: `${filesUrl}${path}`,
	templateBodyParameters: { parameter: [{ type: 'text', text: 'PKG-881' }] },
	recipient: '={{ $json.phone }}',
	...extra,
});

const imageButtons = (path: string, extra: Record<string, unknown> = {}) => ({
	messageType: 'buttons',
	headerType: 'image',
	headerMediaSource: 'link',
	headerLink: `${filesUrl}${path}`,
	interactiveBody: 'Like the new range?',
	replyButtons: { button: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] },
	recipient: '={{ $json.phone }}',
	...extra,
});

/** The simulator's `carousel_template_media_cards_v1` (three image cards) from its Template Fields, card images as links. */
const carousel = (cardPath: (card: number) => string) => ({
	messageType: 'template',
	template: { __rl: true, mode: 'name', value: 'carousel_template_media_cards_v1' },
	language: 'en_US',
	templateFields: {
		mappingMode: 'defineBelow',
		value: {
			'body:1': 'Pablo',
			'body:2': '20%',
			'body:3': '20OFF',
			'card:0:header:image': `${filesUrl}${cardPath(0)}`,
			'card:0:button:url:1': 'blue-elf',
			'card:1:header:image': `${filesUrl}${cardPath(1)}`,
			'card:1:button:url:1': 'buddhas-temple',
			'card:2:header:image': `${filesUrl}${cardPath(2)}`,
			'card:2:button:url:1': 'black-prince',
		},
		matchingColumns: [],
		schema: [],
	},
	recipient: '={{ $json.phone }}',
});
const cardHeaders = (body: unknown) =>
	(body as { template: { components: Array<{ type: string; cards?: Array<{ components: Array<{ type: string; parameters: unknown[] }> }> }> } }).template.components
		.find((component) => component.type === 'carousel')!
		.cards!.map((card) => card.components.find((component) => component.type === 'header')!.parameters[0]);

type TemplateBody = { template: { components: Array<{ type: string; parameters?: Array<Record<string, unknown>> }> } };
const templateHeader = (body: unknown) => (body as TemplateBody).template.components.find((component) => component.type === 'header')?.parameters?.[0];
const interactiveHeader = (body: unknown) => (body as { interactive: { header?: unknown } }).interactive.header;

withSimulator(
	(started) => (sim = started),
	() => {
		clearMediaCache();
		clearMediaLinks();
		served.full = 0;
		served.paths = [];
		process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
	},
);

beforeAll(async () => {
	process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
	files = http.createServer(serveFile);
	await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
	filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
	files.closeAllConnections();
	await new Promise<void>((resolve) => files.close(() => resolve()));
});

test('50 items of one template with one header image link: 1 fetch, 1 upload, 50 sends whose header has the media ID', async () => {
	const result = await send(sim, imageTemplate('/banner.png'), { inputItems: recipients(50) });
	expect(result.error).toBeUndefined();
	expect(served.full).toBe(1);
	expect(uploads()).toHaveLength(1);
	const log = sim.log();
	expect(log).toHaveLength(50);
	const mediaId = (templateHeader(log[0].body)?.image as { id?: string }).id;
	expect(mediaId).toMatch(/^\d+$/);
	for (const message of log) expect(templateHeader(message.body)).toEqual({ type: 'image', image: { id: mediaId } });
	expect(new Set(result.outputs('Send').map((output) => output.mediaId))).toEqual(new Set([mediaId]));
});

test('50 reply-buttons messages with one header image link: 1 fetch, 1 upload, 50 sends whose header has the media ID', async () => {
	const result = await send(sim, imageButtons('/banner.png'), { inputItems: recipients(50) });
	expect(result.error).toBeUndefined();
	expect(served.full).toBe(1);
	expect(uploads()).toHaveLength(1);
	const log = sim.log();
	expect(log).toHaveLength(50);
	const mediaId = ((interactiveHeader(log[0].body) as { image: { id?: string } }).image).id;
	expect(mediaId).toMatch(/^\d+$/);
	for (const message of log) expect(interactiveHeader(message.body)).toEqual({ type: 'image', image: { id: mediaId } });
});

test('a template header link over Meta’s 5 MB image limit fails every item, naming it and "Header Link", before any send', async () => {
	const result = await send(sim, imageTemplate('/big.png'), { inputItems: recipients(3), continueOnFail: true });
	expect(result.error).toBeUndefined();
	const errors = result.outputs('Send').map((output) => String(output.error));
	expect(errors).toHaveLength(3);
	errors.forEach((error, i) => expect(error).toMatch(new RegExp(`^Item ${i + 1}: "Header Link" could not be fetched to upload once .*over WhatsApp's 5 MB limit`)));
	expect(uploads()).toHaveLength(0);
	expect(messageCalls(sim)).toBe(0);
});

test('a refused reply-buttons header link stops the node before any send, naming the item and "Header Link"', async () => {
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
	const result = await send(sim, imageButtons('/banner.png'), { inputItems: recipients(3) });
	expect(result.error?.message).toMatch(/^Item 1: "Header Link" could not be fetched to upload once \(http:\/\/127\.0\.0\.1:\d+\/banner\.png\): the address is not allowed/);
	expect(served.paths).toEqual([]);
	expect(uploads()).toHaveLength(0);
	expect(messageCalls(sim)).toBe(0);
});

test('the header’s kind sets the check: an image sent as a video header fails before any upload', async () => {
	const result = await send(sim, imageButtons('/banner.png', { headerType: 'video' }), { inputItems: recipients(2) });
	expect(result.error?.message).toMatch(/^Item 1: "Header Link" could not be fetched to upload once .*image\/png/);
	expect(uploads()).toHaveLength(0);
	expect(messageCalls(sim)).toBe(0);
});

test('"Never" sends the header link as before: nothing fetched, nothing uploaded', async () => {
	const result = await send(sim, imageTemplate('/banner.png', { linkUploadOnce: 'never' }), { inputItems: recipients(3) });
	expect(result.error).toBeUndefined();
	expect(served.paths).toEqual([]);
	expect(uploads()).toHaveLength(0);
	expect(sim.log().map((message) => templateHeader(message.body))).toEqual(Array(3).fill({ type: 'image', image: { link: `${filesUrl}/banner.png` } }));
});

test('a template given no language, its header link uploaded once, is sent in the language its check found (en_US, not a stand-in)', async () => {
	const result = await send(sim, imageTemplate('/banner.png', { language: '' }), { inputItems: recipients(2) });
	expect(result.error).toBeUndefined();
	expect(uploads()).toHaveLength(1);
	const mediaId = result.outputs('Send')[0].mediaId;
	for (const message of sim.log()) {
		expect((message.body as { template: { language: unknown } }).template.language).toEqual({ code: 'en_US' });
		expect(templateHeader(message.body)).toEqual({ type: 'image', image: { id: mediaId } });
	}
});

test('a template Meta would refuse (a variable missing) costs no fetch: the template check comes first', async () => {
	const result = await send(sim, imageTemplate('/banner.png', { templateBodyParameters: {} }), { inputItems: recipients(3) });
	expect(result.error?.message).toMatch(/^Item 1: /);
	expect(served.paths).toEqual([]);
	expect(messageCalls(sim)).toBe(0);
});

test('20 items of a three-card carousel with a link per card: 3 fetches, 3 uploads, 20 sends whose cards have the media IDs', async () => {
	const result = await send(sim, carousel((card) => `/card/${card}.png`), { inputItems: recipients(20) });
	expect(result.error).toBeUndefined();
	expect(served.full).toBe(3);
	expect(uploads()).toHaveLength(3);
	const log = sim.log();
	expect(log).toHaveLength(20);
	const ids = cardHeaders(log[0].body).map((header) => ((header as { image: { id?: string } }).image).id);
	expect(new Set(ids).size).toBe(3);
	ids.forEach((id) => expect(id).toMatch(/^\d+$/));
	for (const message of log) expect(cardHeaders(message.body)).toEqual(ids.map((id) => ({ type: 'image', image: { id } })));
	expect(result.outputs('Send')[0].mediaIds).toEqual(ids);
});

test('a carousel card link that fails fails the items, naming the card, before any upload or send', async () => {
	const result = await send(sim, carousel((card) => (card === 1 ? '/missing.png' : `/card/${card}.png`)), { inputItems: recipients(3) });
	expect(result.error?.message).toMatch(/^Item 1: "Template Fields › Card 2 header" could not be fetched to upload once .*HTTP 404/);
	expect(uploads()).toHaveLength(0);
	expect(messageCalls(sim)).toBe(0);
});

test('a card’s cached media ID that Meta no longer knows is uploaded once more and the carousel sent', async () => {
	const always = { ...carousel((card) => `/card/${card}.png`), linkUploadOnce: 'always' };
	const first = await send(sim, always, { inputItems: recipients(1) });
	expect(first.error).toBeUndefined();
	const oldIds = first.outputs('Send')[0].mediaIds as string[];
	const deleted = await fetch(`${sim.url}/v26.0/${oldIds[1]}`, { method: 'DELETE', headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
	expect(deleted.status).toBe(200);

	const second = await send(sim, always, { inputItems: recipients(1) });
	expect(second.error).toBeUndefined();
	const [output] = second.outputs('Send');
	expect(output).toMatchObject({ mediaReuploaded: true, messageStatus: 'accepted' });
	const newIds = output.mediaIds as string[];
	expect([newIds[0], newIds[2]]).toEqual([oldIds[0], oldIds[2]]);
	expect(newIds[1]).not.toBe(oldIds[1]);
	// Three first uploads, then only the lost card's file again; one send refused for the stale ID, then the resend.
	expect(uploads()).toHaveLength(4);
	expect(messageCalls(sim)).toBe(3);
	expect(cardHeaders(sim.log()[1].body)).toEqual(newIds.map((id) => ({ type: 'image', image: { id } })));
});

test('a header link whose host does not resolve still names the item and "Header Link" (n8n rewrites messages holding a Node error code)', async () => {
	const result = await send(sim, imageButtons('', { headerLink: 'http://no-such-host.invalid/banner.png' }), { inputItems: recipients(2) });
	expect(result.error?.message).toMatch(/^Item 1: "Header Link" could not be fetched to upload once \(http:\/\/no-such-host\.invalid\/banner\.png\): its host name/);
	expect(messageCalls(sim)).toBe(0);
});

// A limited-time offer's image header goes by ID as well: its send example has `"image": { "id": "<HEADER_ASSET_ID>" }`
// (Limited-time offer templates, verbatim mirror kapso-meta-docs/documentation, documentation/whatsapp/templates/
// marketing-templates/limited-time-offer-templates.mdx):
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
test('a limited-time offer’s header image link to 10 items: 1 fetch, 1 upload, 10 sends by ID', async () => {
	const offer = {
		messageType: 'template',
		template: { __rl: true, mode: 'name', value: 'limited_time_offer_caribbean_pkg_2023' },
		language: 'en_US',
		templateHeader: 'image',
		templateHeaderMediaSource: 'link',
		templateHeaderLink: `${filesUrl}/banner.png`,
		templateFields: {
			mappingMode: 'defineBelow',
			value: { 'body:1': 'Pablo', 'body:2': 'CARIBE25', 'button:copy_code:0': 'CARIBE25', 'button:url:1': 'n3mtql', 'offer:expiration': '2027-01-01T00:00:00Z' },
			matchingColumns: [],
			schema: [],
		},
		recipient: '={{ $json.phone }}',
	};
	const result = await send(sim, offer, { inputItems: recipients(10) });
	expect(result.error).toBeUndefined();
	expect(served.full).toBe(1);
	expect(uploads()).toHaveLength(1);
	const mediaId = result.outputs('Send')[0].mediaId;
	expect(sim.log().map((message) => templateHeader(message.body))).toEqual(Array(10).fill({ type: 'image', image: { id: mediaId } }));
});
