/**
 * Template › Create with its media examples from binary files, in real workflows against the simulator: each file is
 * uploaded with Meta's Resumable Upload API (session on /{app-id}/uploads, then the bytes) and its handle put in the
 * header's or the carousel card's `example.header_handle`; bad files are refused before any call.
 * https://developers.facebook.com/docs/graph-api/guides/upload (the upload)
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components (header_handle)
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates (cards)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { accountHarness } from './harness';

const account = accountHarness('template');

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1024, 7)]);
const MP4 = Buffer.concat([Buffer.from('....ftypmp42'), Buffer.alloc(1024, 3)]);
const file = (data: Buffer, mimeType: string, fileName: string) => ({ data: data.toString('base64'), mimeType, fileName });
const item = (binary: IDataObject) => [{ json: {}, binary } as never];
const uploads = () => account.sim.requests().filter((request) => request.path.includes('upload'));
const created = () => JSON.parse(account.sim.requests().find((request) => request.path.endsWith('/message_templates'))!.body) as { components: IDataObject[] };
/** Handles of the simulator's uploads carry the file type in base64, as Meta's do (4::aW1hZ2UvcG5n: is image/png). */
const IMAGE_PNG_HANDLE = /^4::aW1hZ2UvcG5n:/;
const VIDEO_MP4_HANDLE = /^4::dmlkZW8vbXA0:/;

const imageHeaderFromFile = (fields: INodeParameters = {}): INodeParameters => ({
	operation: 'create',
	templateName: 'spring_sale',
	templateLanguage: 'en_US',
	category: 'MARKETING',
	headerFormat: 'IMAGE',
	headerMediaSource: 'binary',
	headerBinaryPropertyName: 'photo',
	bodyText: 'Our spring sale starts today.',
	...fields,
});

/** Meta's media card carousel example, its cards' handles left out (they come from files). */
const carousel = () => {
	const components = (JSON.parse(readFileSync(join(__dirname, '../../../test/contract/fixtures/requests/template-create-carousel.json'), 'utf8')) as { request: { body: { components: IDataObject[] } } }).request.body.components;
	for (const card of (components.find((c) => c.type === 'carousel')!.cards as Array<{ components: IDataObject[] }>)) delete card.components[0].example;
	return components;
};
const carouselFromFiles = (files: IDataObject[], components: unknown = carousel()): INodeParameters => ({
	operation: 'create',
	templateName: 'carousel_from_files',
	templateLanguage: 'en_US',
	category: 'MARKETING',
	defineBy: 'json',
	componentsJson: JSON.stringify(components),
	mediaFiles: { file: files } as INodeParameters,
});
const withAppId = () => ({ credential: { appId: account.sim.fixture.appId } });

describe('Create: media examples from binary files', () => {
	it('uploads the header image with the Resumable Upload API and sends its handle as the example', async () => {
		const result = await account.run(imageHeaderFromFile(), false, { ...withAppId(), inputItems: item({ photo: file(PNG, 'image/png', 'sale.png') }) });
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING' })]);
		const [start, bytes] = uploads();
		expect(start.path).toBe(`/v26.0/${account.sim.fixture.appId}/uploads`);
		expect(Object.fromEntries(new URLSearchParams(start.query))).toEqual({ file_name: 'sale.png', file_length: String(PNG.length), file_type: 'image/png' });
		expect(bytes.headers.file_offset).toBe('0');
		const header = created().components[0] as { format: string; example: { header_handle: string[] } };
		expect(header.format).toBe('IMAGE');
		expect(header.example.header_handle).toEqual([expect.stringMatching(IMAGE_PNG_HANDLE)]);
	});

	it('uploads one file per carousel card and puts each handle in its card', async () => {
		const result = await account.run(
			carouselFromFiles([1, 2, 3].map((card) => ({ part: 'card', card, binaryPropertyName: card === 2 ? 'clip' : 'photo' }))),
			false,
			{ ...withAppId(), inputItems: item({ photo: file(PNG, 'image/png', 'card.png'), clip: file(MP4, 'video/mp4', 'card.mp4') }) },
		);
		// Card 2 of Meta's example has an image header: a video file for it is refused (below); here it is an image again.
		expect(result.nodeError('Account')?.message).toContain('Item 1: "Media Files › File #2 › Input Binary Field" holds a file of type "video/mp4": a image header\'s example is image/jpeg or image/jpg or image/png');
		expect(account.sim.requests()).toEqual([]);
		const again = await account.run(carouselFromFiles([1, 2, 3].map((card) => ({ part: 'card', card, binaryPropertyName: 'photo' }))), false, {
			...withAppId(),
			inputItems: item({ photo: file(PNG, 'image/png', 'card.png') }),
		});
		expect(again.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING' })]);
		expect(uploads().filter((request) => request.path.endsWith('/uploads'))).toHaveLength(3);
		const cards = (created().components.find((c) => c.type === 'CAROUSEL')!.cards as Array<{ components: Array<{ example?: { header_handle: string[] } }> }>);
		expect(cards.map((card) => card.components[0].example?.header_handle)).toEqual([0, 1, 2].map(() => [expect.stringMatching(IMAGE_PNG_HANDLE)]));
	});

	it('takes a video for a video header', async () => {
		const result = await account.run(imageHeaderFromFile({ headerFormat: 'VIDEO', headerBinaryPropertyName: 'clip' }), false, { ...withAppId(), inputItems: item({ clip: file(MP4, 'video/mp4', 'sale.mp4') }) });
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING' })]);
		expect((created().components[0] as { example: { header_handle: string[] } }).example.header_handle).toEqual([expect.stringMatching(VIDEO_MP4_HANDLE)]);
	});
});

describe('bad media files fail before any call, naming the item and the field', () => {
	const photo = () => item({ photo: file(PNG, 'image/png', 'sale.png') });
	it.each([
		['a PDF for an image header', imageHeaderFromFile(), item({ photo: file(Buffer.from('%PDF-1.4'), 'application/pdf', 'a.pdf') }), '"Header Input Binary Field" holds a file of type "application/pdf": a image header\'s example is image/jpeg or image/jpg or image/png'],
		['an empty binary field name', imageHeaderFromFile({ headerBinaryPropertyName: ' ' }), photo(), '"Header Input Binary Field" is empty: name the input binary field'],
		['a card the carousel does not have', carouselFromFiles([{ part: 'card', card: 4, binaryPropertyName: 'photo' }]), photo(), '"Media Files › File #1 › Input Binary Field" is a file for card 4, but the template has 3 cards'],
		['a file and a handle for the same card', carouselFromFiles([{ part: 'card', card: 1, binaryPropertyName: 'photo' }], (() => { const c = carousel(); (c[1].cards as Array<{ components: IDataObject[] }>)[0].components[0].example = { header_handle: ['4::x'] }; return c; })()), photo(), '"Media Files › File #1 › Input Binary Field" is set, and the card 1 header has a header_handle too'],
		['two files for one card', carouselFromFiles([{ part: 'card', card: 1, binaryPropertyName: 'photo' }, { part: 'card', card: 1, binaryPropertyName: 'photo' }]), photo(), '"Media Files › File #2 › Input Binary Field" gives a second file for the same card (1)'],
		['a header file for a template without a header', carouselFromFiles([{ part: 'header', binaryPropertyName: 'photo' }]), photo(), '"Media Files › File #1 › Input Binary Field" is a file for the template header, but the template has none'],
	] as Array<[string, INodeParameters, never[], string]>)('%s', async (_case, parameters, inputItems, message) => {
		const result = await account.run(parameters, false, { ...withAppId(), inputItems });
		expect(result.nodeError('Account')?.message).toContain(`Item 1: ${message}`);
		expect(account.sim.requests()).toEqual([]);
	});

	it('refuses a file without the App ID in the credential before any call', async () => {
		const result = await account.run(imageHeaderFromFile(), false, { credential: { appId: '' }, inputItems: photo() });
		expect(result.nodeError('Account')?.message).toContain('Item 1: "WhatsApp Cloud Nodes API credential › App ID" is empty');
		expect(account.sim.requests()).toEqual([]);
	});
});
