/**
 * WhatsApp Media and WhatsApp Send Message share one upload cache: the same file from the same number is uploaded
 * once, whichever node comes first in the workflow (real WorkflowExecute, simulator over HTTP).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { runWorkflow } from '../../test/harness';
import { startSimulator } from '../../test/simulator';
import type { Simulator } from '../../test/simulator';
import { destroyGraphClients } from '../shared/transport';
import { clearMediaCache } from '../../test/support/testHooks';

const PHONE = '300000000000001';
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2048, 7)]);

/** Test-only node: puts the same file on every item (nodes do not pass their input's binary data through). */
class AttachFile implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Attach File',
		name: 'attachFile',
		group: ['transform'],
		version: 1,
		description: 'Test only',
		defaults: { name: 'Attach File' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [
			await Promise.all(
				items.map(async (item, index) => ({
					json: item.json,
					binary: { data: await this.helpers.prepareBinaryData(PNG, 'photo.png', 'image/png') },
					pairedItem: { item: index },
				})),
			),
		];
	}
}

let sim: Simulator;
const uploads = () => sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/media'));
const fileItem = () => ({ json: {}, binary: { data: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'photo.png' } } });
const credentials = () => ({
	whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId },
});
const uploadNode = { name: 'Upload', type: 'whatsAppMedia', parameters: { operation: 'upload', phoneNumberId: { __rl: true, mode: 'id', value: PHONE } } };
const sendNode = {
	name: 'Send',
	type: 'whatsAppSendMessage',
	parameters: {
		phoneNumberId: { __rl: true, mode: 'id', value: PHONE },
		recipient: '+1 (650) 555-1234',
		messageType: 'image',
		mediaSource: 'binary',
		binaryPropertyName: 'data',
	},
};
const attachNode = { name: 'Attach', type: 'attachFile', parameters: {} };

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

beforeEach(() => {
	sim.reset();
	clearMediaCache();
});

describe('one upload cache for WhatsApp Media and WhatsApp Send Message', () => {
	it('Upload then Send Message of the same file: one upload, the message sent with the uploaded ID', async () => {
		const result = await runWorkflow({
			nodes: [uploadNode, attachNode, sendNode],
			nodeTypes: { attachFile: new AttachFile() },
			credentials: credentials(),
			inputItems: [fileItem()],
		});
		expect(result.error).toBeUndefined();
		const [uploaded] = result.outputs('Upload');
		expect(uploaded).toMatchObject({ fromCache: false, mediaId: expect.any(String) });
		expect(result.outputs('Send')[0]).toMatchObject({ fromCache: true, mediaId: uploaded.mediaId });
		expect(uploads()).toHaveLength(1);
		expect(sim.log().map((message) => (message.body.image as { id?: string }).id)).toEqual([uploaded.mediaId]);
	});

	it('Send Message then Upload of the same file: one upload, Upload answers from the cache with the sent ID', async () => {
		const result = await runWorkflow({
			nodes: [sendNode, attachNode, uploadNode],
			nodeTypes: { attachFile: new AttachFile() },
			credentials: credentials(),
			inputItems: [fileItem()],
		});
		expect(result.error).toBeUndefined();
		const [sent] = result.outputs('Send');
		expect(sent).toMatchObject({ fromCache: false, mediaId: expect.any(String) });
		expect(result.outputs('Upload')[0]).toMatchObject({ fromCache: true, mediaId: sent.mediaId });
		expect(uploads()).toHaveLength(1);
		expect(sim.log()).toHaveLength(1);
	});
});
