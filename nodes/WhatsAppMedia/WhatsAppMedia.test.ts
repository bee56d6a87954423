/**
 * The WhatsApp Media node in real workflows (n8n-core WorkflowExecute) against the simulator over HTTP.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { removeStoredBinaryData, runWorkflow } from '../../test/harness';
import { findSecretLeaks } from '../../test/harness/secrets';
import { startSimulator } from '../../test/simulator';
import type { Simulator } from '../../test/simulator';
import { sha256Hex } from '../shared/media';
import { destroyGraphClients } from '../shared/transport';
import { downloadFileName } from './actions/download.operation';
import { clearMediaCache } from '../../test/support/testHooks';

const PHONE = '300000000000001';
const phoneLocator = { __rl: true, mode: 'id', value: PHONE };

let sim: Simulator;
let receiver: http.Server;

const credentials = () => ({
	whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId },
});
const graphRequests = () => sim.requests();
const uploads = () => graphRequests().filter((entry) => entry.method === 'POST' && entry.path.endsWith('/media'));

function pngBytes(size: number, seed = 1): Buffer {
	const data = Buffer.alloc(size);
	for (let i = 0; i < size; i++) data[i] = (i * 13 + seed * 7) & 0xff;
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
	return data;
}

/** An input item carrying a file, as a Read File or HTTP Request node would hand it over. */
function fileItem(data: Buffer, mimeType: string, fileName: string) {
	return { json: { name: fileName }, binary: { data: { data: data.toString('base64'), mimeType, fileName } } };
}

beforeAll(async () => {
	// A webhook receiver so the simulator can deliver statuses and injected inbound messages.
	receiver = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => res.end('ok'));
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	sim = await startSimulator({
		latency: 'none',
		webhooks: { callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` },
	});
});

afterAll(async () => {
	removeStoredBinaryData();
	destroyGraphClients();
	await sim.stop();
	await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(() => {
	sim.reset();
	clearMediaCache();
});

describe('WhatsApp Media node', () => {
	it('uploads a file, sends it by media ID, gets its URL, downloads the same bytes and deletes it', async () => {
		const data = pngBytes(4096);
		const result = await runWorkflow({
			nodes: [
				{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator } },
				{
					name: 'Send',
					type: 'whatsAppSendMessage',
					parameters: {
						messageType: 'image',
						phoneNumberId: phoneLocator,
						recipient: '+1 650 555 1234',
						mediaSource: 'id',
						mediaId: '={{ $json.mediaId }}',
					},
				},
				{ name: 'Get URL', type: 'whatsAppMedia', parameters: { operation: 'getUrl', mediaId: "={{ $('Upload').item.json.mediaId }}" } },
				{ name: 'Download', type: 'whatsAppMedia', parameters: { operation: 'download', mediaId: '={{ $json.mediaId }}' } },
				{ name: 'Delete', type: 'whatsAppMedia', parameters: { operation: 'delete', mediaId: '={{ $json.mediaId }}' } },
			],
			credentials: credentials(),
			inputItems: [fileItem(data, 'image/png', 'photo.png')],
		});
		expect(result.error).toBeUndefined();
		const [uploaded] = result.outputs('Upload');
		expect(uploaded).toMatchObject({
			mediaType: 'image',
			mimeType: 'image/png',
			fileSize: 4096,
			sha256: sha256Hex(data),
			fromCache: false,
			phoneNumberId: PHONE,
			fileName: 'photo.png',
		});
		expect(sim.log().map((message) => (message.body.image as { id?: string }).id)).toEqual([uploaded.mediaId]);
		expect(result.outputs('Get URL')[0]).toMatchObject({ mediaId: uploaded.mediaId, mimeType: 'image/png', sha256: sha256Hex(data), fileSize: 4096 });
		// sha256 is lower-case hex everywhere in this node (Meta's spelling), never base64.
		const hex = createHash('sha256').update(data).digest('hex');
		expect([uploaded.sha256, result.outputs('Get URL')[0].sha256, result.outputs('Download')[0].sha256]).toEqual([hex, hex, hex]);
		expect(String(result.outputs('Get URL')[0].url)).toMatch(/^http/);
		expect(result.outputs('Download')[0]).toMatchObject({ mediaId: uploaded.mediaId, mimeType: 'image/png', fileName: `${uploaded.mediaId}.png` });
		expect((await result.binary('Download')).equals(data)).toBe(true);
		expect(result.items('Download')[0].binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `${uploaded.mediaId}.png` });
		expect(result.outputs('Delete')).toEqual([{ mediaId: uploaded.mediaId, deleted: true }]);
		expect(JSON.stringify(result.run)).not.toContain(sim.fixture.accessToken);
	});

	it('rejects an image over 5 MB before any call, naming the item, the field, the MIME type and the limit', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator } }],
			credentials: credentials(),
			inputItems: [fileItem(pngBytes(100), 'image/png', 'ok.png'), fileItem(pngBytes(5 * 1024 * 1024 + 10), 'image/png', 'huge.png')],
		});
		expect(result.nodeError('Upload')?.message).toMatch(/^Item 2: "Input Binary Field" holds an image \("huge.png"\) \(image\/png\) of 5,242,890 bytes, over WhatsApp's 5 MB limit$/);
		expect(graphRequests()).toHaveLength(0);
	});

	it('rejects a MIME type WhatsApp does not take before any call', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator } }],
			credentials: credentials(),
			inputItems: [fileItem(Buffer.from('GIF89a-not-really'), 'image/gif', 'anim.gif')],
		});
		expect(result.nodeError('Upload')?.message).toBe('Item 1: "Input Binary Field" gives MIME type "image/gif" ("anim.gif"), which WhatsApp does not accept');
		expect(graphRequests()).toHaveLength(0);
	});

	it('names the MIME Type option when the MIME type came from it', async () => {
		const result = await runWorkflow({
			nodes: [
				{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator, options: { mimeType: 'image/gif' } } },
			],
			credentials: credentials(),
			inputItems: [fileItem(pngBytes(64), 'image/png', 'b.png')],
		});
		expect(result.nodeError('Upload')?.message).toMatch(/^Item 1: "Options › MIME Type" gives MIME type "image\/gif"/);
		expect(graphRequests()).toHaveLength(0);
	});

	it('names the Phone Number field as this node shows it, and a missing binary field with the item\'s files', async () => {
		const badNumber = await runWorkflow({
			nodes: [{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: { __rl: true, mode: 'id', value: '={{ "" }}' } } }],
			credentials: credentials(),
			inputItems: [fileItem(pngBytes(64), 'image/png', 'b.png')],
		});
		expect(badNumber.nodeError('Upload')?.message).toBe('Item 1: "Phone Number" is empty: pick a number from the list or give its phone number ID');
		const noFile = await runWorkflow({
			nodes: [{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator, binaryPropertyName: 'file' } }],
			credentials: credentials(),
			inputItems: [fileItem(pngBytes(64), 'image/png', 'b.png')],
		});
		expect(noFile.nodeError('Upload')?.message).toBe('Item 1: "Input Binary Field" is "file", but the item has no file there (its files: data)');
		expect(graphRequests()).toHaveLength(0);
	});

	it('rejects a static sticker over 100 KB before any call', async () => {
		const webp = Buffer.alloc(100 * 1024 + 1);
		webp.write('RIFF', 0, 'ascii');
		webp.write('WEBPVP8 ', 8, 'ascii');
		const result = await runWorkflow({
			nodes: [{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator } }],
			credentials: credentials(),
			inputItems: [fileItem(webp, 'image/webp', 'sticker.webp')],
		});
		expect(result.nodeError('Upload')?.message).toMatch(/static sticker.*100 KB limit/);
		expect(graphRequests()).toHaveLength(0);
	});

	it('turns a bad file into an error item and uploads the rest when Continue On Fail is on', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Upload', type: 'whatsAppMedia', continueOnFail: true, parameters: { operation: 'upload', phoneNumberId: phoneLocator } }],
			credentials: credentials(),
			inputItems: [fileItem(Buffer.from('GIF89a'), 'image/gif', 'a.gif'), fileItem(pngBytes(64), 'image/png', 'b.png')],
		});
		const outputs = result.outputs('Upload');
		expect(outputs[0]).toEqual({
			error: 'Item 1: "Input Binary Field" gives MIME type "image/gif" ("a.gif"), which WhatsApp does not accept',
			description: expect.stringContaining('Accepted: audio'),
			retryable: false,
		});
		expect(outputs[1]).toMatchObject({ mimeType: 'image/png', fromCache: false });
		expect(result.items('Upload').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(uploads()).toHaveLength(1);
	});

	it('uploads a file n8n could only call octet-stream by the MIME type of its extension', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator } }],
			credentials: credentials(),
			inputItems: [fileItem(Buffer.from('%PDF-1.7 tiny'), 'application/octet-stream', 'report.pdf')],
		});
		expect(result.outputs('Upload')[0]).toMatchObject({ mediaType: 'document', mimeType: 'application/pdf' });
		expect(uploads()).toHaveLength(1);
	});

	it('reuses the earlier upload of the same file in a later execution without a request', async () => {
		const data = pngBytes(2048, 9);
		const run = () =>
			runWorkflow({
				nodes: [{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator } }],
				credentials: credentials(),
				inputItems: [fileItem(data, 'image/png', 'same.png')],
			});
		const first = (await run()).outputs('Upload')[0];
		const second = (await run()).outputs('Upload')[0];
		expect(first.fromCache).toBe(false);
		expect(second).toMatchObject({ mediaId: first.mediaId, fromCache: true });
		expect(uploads()).toHaveLength(1);
	});

	it('uploads the same file once when several items carry it in one execution', async () => {
		const data = pngBytes(2048, 10);
		const result = await runWorkflow({
			nodes: [{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator } }],
			credentials: credentials(),
			inputItems: [1, 2, 3, 4].map(() => fileItem(data, 'image/png', 'same.png')),
		});
		expect(new Set(result.outputs('Upload').map((output) => output.mediaId)).size).toBe(1);
		expect(uploads()).toHaveLength(1);
	});

	it('uploads again when Reuse Earlier Upload is off', async () => {
		const data = pngBytes(2048, 11);
		const run = () =>
			runWorkflow({
				nodes: [
					{
						name: 'Upload',
						type: 'whatsAppMedia',
						parameters: { operation: 'upload', phoneNumberId: phoneLocator, options: { useCache: false } },
					},
				],
				credentials: credentials(),
				inputItems: [fileItem(data, 'image/png', 'same.png')],
			});
		await run();
		expect((await run()).outputs('Upload')[0].fromCache).toBe(false);
		expect(uploads()).toHaveLength(2);
	});

	it('downloads media a customer sent (a media ID received by the trigger) with its original file name', async () => {
		const { message } = (await sim.injectInbound({
			phoneNumberId: PHONE,
			from: '16505551234',
			type: 'document',
			document: { mime_type: 'application/pdf', filename: 'invoice.pdf' },
		})) as { message: { document: { id: string; sha256: string } } };
		const result = await runWorkflow({
			nodes: [
				{
					name: 'Download',
					type: 'whatsAppMedia',
					parameters: { operation: 'download', mediaId: '={{ $json.document.id }}', options: { fileName: '={{ $json.document.filename }}' } },
				},
			],
			credentials: credentials(),
			inputItems: [{ json: { document: { id: message.document.id, filename: 'invoice.pdf' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs('Download')[0]).toMatchObject({ mimeType: 'application/pdf', fileName: 'invoice.pdf' });
		const bytes = await result.binary('Download');
		// The trigger's sha256 is base64; the node's is hex of the same digest.
		expect(Buffer.from(sha256Hex(bytes), 'hex').toString('base64')).toBe(message.document.sha256);
	});

	it('fails a download of an unknown media ID with Meta\'s error and no secret', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Download', type: 'whatsAppMedia', parameters: { operation: 'download', mediaId: '123456789012345' } }],
			credentials: credentials(),
		});
		expect(result.nodeError('Download')?.message).toContain('Item 1');
		expect(findSecretLeaks(result.error, { accessToken: sim.fixture.accessToken })).toEqual([]);
	});

	it('with Continue On Fail, a Graph error becomes an item with Meta\'s code, trace ID and HTTP status, and no secret', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Download', type: 'whatsAppMedia', continueOnFail: true, parameters: { operation: 'download', mediaId: '123456789012345' } }],
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items('Download');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toEqual(expect.objectContaining({ error: expect.any(String), code: 100, httpStatus: 400, fbtraceId: expect.any(String), retryable: false }));
		expect(JSON.stringify(item.json)).not.toContain(sim.fixture.accessToken);
	});

	it('rejects a media ID that is not digits before any call', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'URL', type: 'whatsAppMedia', parameters: { operation: 'getUrl', mediaId: 'wamid.HBgL' } }],
			credentials: credentials(),
		});
		expect(result.nodeError('URL')?.message).toBe('Item 1: "Media ID" is "wamid.HBgL", which is not a media ID: expected digits only');
		expect(graphRequests()).toHaveLength(0);
	});
});

describe('WhatsApp Media node with n8n\'s filesystem binary mode', () => {
	// Last in the file: the harness switches the process to filesystem mode for good.
	it('uploads from and downloads into binary data stored on disk', async () => {
		const data = pngBytes(3000, 12);
		const result = await runWorkflow({
			nodes: [
				{ name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: phoneLocator } },
				{ name: 'Download', type: 'whatsAppMedia', parameters: { operation: 'download', mediaId: '={{ $json.mediaId }}', binaryPropertyName: 'file' } },
			],
			credentials: credentials(),
			inputItems: [fileItem(data, 'image/png', 'disk.png')],
			binaryMode: 'filesystem',
		});
		expect(result.error).toBeUndefined();
		expect(result.items('Download')[0].binary?.file?.id).toBeDefined();
		expect((await result.binary('Download', 0, 'file')).equals(data)).toBe(true);
	});
});

describe('download file names', () => {
	it('keeps a name with an extension, adds one from the MIME type otherwise, and falls back to the media ID', () => {
		expect(downloadFileName('1', 'application/pdf', 'invoice.pdf')).toBe('invoice.pdf');
		expect(downloadFileName('1', 'application/pdf', 'invoice')).toBe('invoice.pdf');
		expect(downloadFileName('1', 'image/jpeg')).toBe('1.jpg');
		expect(downloadFileName('1', 'application/x-unknown')).toBe('1');
		expect(downloadFileName('1', 'image/png', '../etc/passwd')).toBe('.._etc_passwd.png');
	});
});
