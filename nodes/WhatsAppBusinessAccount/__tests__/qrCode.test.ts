/**
 * The WhatsApp Business Account node's QR code operations in real workflows against the simulator. Shapes and the
 * 140-character prefilled message: https://developers.facebook.com/documentation/business-messaging/whatsapp/qr-codes;
 * 14-character codes and `qr_image_url.format(…)`: Meta's OpenAPI spec (business-messaging-api_v23.0.yaml).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { accountHarness, PHONE } from './harness';

const harness = accountHarness('qrCode');
const run = harness.run;
let sim: Simulator;

beforeAll(() => {
	sim = harness.sim;
});

const qrCalls = () => sim.requests().filter((request) => request.path.includes('/message_qrdls'));

describe('Create, List, Update, Delete', () => {
	it('creates a QR code and puts its SVG image in the binary field', async () => {
		const result = await run({ operation: 'create', prefilledMessage: 'Show me Cyber Monday deals!', imageFormat: 'SVG', binaryPropertyName: 'qr' });
		expect(JSON.parse(qrCalls()[0].body)).toEqual({ prefilled_message: 'Show me Cyber Monday deals!', generate_qr_image: 'SVG' });
		const [item] = result.items('Account');
		expect(item.json).toEqual(expect.objectContaining({ phoneNumberId: PHONE, code: expect.stringMatching(/^[A-Z0-9]{14}$/), prefilled_message: 'Show me Cyber Monday deals!' }));
		expect(item.binary?.qr).toEqual(expect.objectContaining({ mimeType: 'image/svg+xml', fileName: `${String(item.json.code)}.svg` }));
		expect((await result.binary('Account', 0, 'qr')).toString()).toContain(`https://wa.me/message/${String(item.json.code)}`);
		// The image is fetched from its public URL without the access token.
		const imageRequest = sim.requests().find((request) => request.path.startsWith('/qr_images/'))!;
		expect(imageRequest.headers.authorization).toBeUndefined();
	});

	it('creates a PNG, and a short link alone without an image', async () => {
		const png = await run({ operation: 'create', prefilledMessage: 'Hello', imageFormat: 'PNG' });
		expect((await png.binary('Account', 0, 'data')).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
		const linkOnly = await run({ operation: 'create', prefilledMessage: 'Hello', imageFormat: 'none' });
		expect(linkOnly.items('Account')[0].binary).toBeUndefined();
		expect(JSON.parse(qrCalls().at(-1)!.body)).toEqual({ prefilled_message: 'Hello' });
	});

	it('lists, updates and deletes', async () => {
		const created = (await run({ operation: 'create', prefilledMessage: 'First', imageFormat: 'none' })).outputs('Account')[0] as IDataObject;
		await run({ operation: 'create', prefilledMessage: 'Second', imageFormat: 'none' });
		const listed = await run({ operation: 'list', returnAll: true, imageUrlFormat: 'PNG' });
		expect(listed.outputs('Account').map((qr) => qr.prefilled_message)).toEqual(['Second', 'First']);
		expect(listed.outputs('Account')[0].qr_image_url).toMatch(/\.png$/);
		expect(new URLSearchParams(qrCalls().at(-1)!.query).get('fields')).toBe('code,prefilled_message,deep_link_url,qr_image_url.format(PNG)');
		const updated = await run({ operation: 'update', qrCode: created.code as string, prefilledMessage: 'First, edited' });
		expect(JSON.parse(qrCalls().at(-1)!.body)).toEqual({ code: created.code, prefilled_message: 'First, edited' });
		expect(updated.outputs('Account')[0]).toEqual(expect.objectContaining({ code: created.code, prefilled_message: 'First, edited' }));
		const deleted = await run({ operation: 'delete', qrCode: created.code as string });
		expect(deleted.outputs('Account')).toEqual([{ success: true, phoneNumberId: PHONE, code: created.code }]);
		expect((await run({ operation: 'list', returnAll: false, limit: 10 })).outputs('Account').map((qr) => qr.prefilled_message)).toEqual(['Second']);
	});
});

describe('bad input fails before any call, naming the item and the field', () => {
	it.each([
		['an empty prefilled message', { operation: 'create', prefilledMessage: ' ' }, '"Prefilled Message" is empty'],
		['a prefilled message over 140 characters', { operation: 'create', prefilledMessage: 'p'.repeat(141) }, '"Prefilled Message" is 141 characters long'],
		['an update over 140 characters', { operation: 'update', qrCode: '4O4YGZEG3RIVE1', prefilledMessage: 'p'.repeat(141) }, '"Prefilled Message" is 141 characters long'],
		['a code that is no code', { operation: 'delete', qrCode: 'wa.me/message/4O4YGZEG3RIVE1' }, '"QR Code" is "wa.me/message/4O4YGZEG3RIVE1"'],
		['an empty image field', { operation: 'create', prefilledMessage: 'Hi', imageFormat: 'SVG', binaryPropertyName: '={{ "" }}' }, '"Put Image in Field" is empty'],
		['a list Limit of 0', { operation: 'list', returnAll: false, limit: 0 }, '"Limit" is 0'],
	] as Array<[string, INodeParameters, string]>)('%s', async (_case, parameters, message) => {
		const result = await run(parameters);
		expect(result.nodeError('Account')?.message).toContain(`Item 1: ${message}`);
		expect(sim.requests()).toEqual([]);
	});
});
