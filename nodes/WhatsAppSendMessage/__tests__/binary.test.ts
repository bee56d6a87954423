/**
 * Media from an n8n binary property: uploaded once through the gate, then its media ID reused from the cache.
 */
import type { Simulator } from '../../../test/simulator';
import { send, withSimulator } from './helpers';
import { clearMediaCache } from '../../../test/support/testHooks';

let sim: Simulator;

// A 1×1 PNG.
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const withFile = (data: Buffer, mimeType: string, fileName: string, n = 1) =>
	Array.from({ length: n }, (_, i) => ({
		json: { phone: `+1 650 555 ${String(1000 + i)}` },
		binary: { data: { data: data.toString('base64'), mimeType, fileName } },
	}));

const uploads = () => sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/media')).length;

withSimulator((started) => (sim = started), clearMediaCache);

describe('Send Message with a binary file', () => {
	test('uploads the file, then sends the image by its media ID', async () => {
		const result = await send(sim, { messageType: 'image', mediaSource: 'binary', binaryPropertyName: 'data', caption: 'Hi' }, { inputItems: withFile(PNG, 'image/png', 'dot.png') });
		expect(result.error).toBeUndefined();
		const [output] = result.outputs('Send');
		expect(output.fromCache).toBe(false);
		expect(uploads()).toBe(1);
		expect(sim.log()[0].body).toMatchObject({ type: 'image', image: { id: output.mediaId, caption: 'Hi' } });
	});

	test('a second run with the same file uploads nothing and reuses the media ID', async () => {
		const first = await send(sim, { messageType: 'image', mediaSource: 'binary' }, { inputItems: withFile(PNG, 'image/png', 'dot.png') });
		const uploadsAfterFirst = uploads();
		const second = await send(sim, { messageType: 'image', mediaSource: 'binary' }, { inputItems: withFile(PNG, 'image/png', 'dot.png') });
		expect(uploadsAfterFirst).toBe(1);
		expect(uploads()).toBe(1);
		expect(second.outputs('Send')[0]).toMatchObject({ fromCache: true, mediaId: first.outputs('Send')[0].mediaId });
		expect(sim.log()).toHaveLength(2);
	});

	test('fifty items with the same file upload it once', async () => {
		const result = await send(
			sim,
			{ messageType: 'image', mediaSource: 'binary', recipient: '={{ $json.phone }}' },
			{ inputItems: withFile(PNG, 'image/png', 'dot.png', 50) },
		);
		expect(result.error).toBeUndefined();
		expect(uploads()).toBe(1);
		expect(new Set(result.outputs('Send').map((o) => o.mediaId)).size).toBe(1);
		expect(sim.log()).toHaveLength(50);
	});

	test('a document takes the binary file name when no file name is given', async () => {
		await send(sim, { messageType: 'document', mediaSource: 'binary' }, { inputItems: withFile(PDF, 'application/pdf', 'invoice-42.pdf') });
		expect(sim.log()[0].body).toMatchObject({ type: 'document', document: { filename: 'invoice-42.pdf' } });
	});

	test('a reply-buttons image header can come from a binary file', async () => {
		const result = await send(
			sim,
			{
				messageType: 'buttons',
				headerType: 'image',
				headerMediaSource: 'binary',
				interactiveBody: 'Like it?',
				replyButtons: { button: [{ id: 'yes', title: 'Yes' }] },
			},
			{ inputItems: withFile(PNG, 'image/png', 'dot.png') },
		);
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toMatchObject({ interactive: { header: { type: 'image', image: { id: result.outputs('Send')[0].mediaId } } } });
	});

	test('a template document header can come from a binary file, named after it', async () => {
		const result = await send(
			sim,
			{
				messageType: 'template',
			templateInputMode: 'manual',
				template: { __rl: true, mode: 'name', value: 'invoice_document' },
				language: 'en_US',
				templateHeader: 'document',
				templateHeaderMediaSource: 'binary',
				templateBodyParameters: { parameter: [{ type: 'text', text: 'INV-42' }, { type: 'text', text: '$120.00' }] },
			},
			{ inputItems: withFile(PDF, 'application/pdf', 'INV-42.pdf') },
		);
		expect(result.error).toBeUndefined();
		const mediaId = result.outputs('Send')[0].mediaId;
		expect(sim.log()[0].body).toMatchObject({
			template: { components: [{ type: 'header', parameters: [{ type: 'document', document: { id: mediaId, filename: 'INV-42.pdf' } }] }, { type: 'body' }] },
		});
	});

	test('a file WhatsApp does not accept for the kind fails before any call, naming item and field', async () => {
		const result = await send(sim, { messageType: 'image', mediaSource: 'binary' }, { inputItems: withFile(PDF, 'application/pdf', 'invoice.pdf') });
		expect(result.error?.message).toMatch(/^Item 1: "Input Binary Field \(MIME type\)"/);
		expect(sim.requests()).toHaveLength(0);
	});

	test('a missing binary property fails before any call, naming the item', async () => {
		const result = await send(sim, { messageType: 'image', mediaSource: 'binary', binaryPropertyName: 'photo' }, { inputItems: withFile(PNG, 'image/png', 'dot.png') });
		expect(result.error?.message).toMatch(/^Item 1: .*photo/);
		expect(sim.requests()).toHaveLength(0);
	});
});
