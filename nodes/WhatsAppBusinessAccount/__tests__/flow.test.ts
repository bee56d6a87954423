/**
 * The WhatsApp Business Account node's flow operations in real workflows against the simulator. Requests and answers:
 * Meta's OpenAPI spec, Flows (https://github.com/facebook/openapi/blob/ecba623b4aba6ae770185b074ed77ed5acef22f7/business-messaging-api_v23.0.yaml);
 * lifecycle errors: https://developers.facebook.com/docs/whatsapp/flows/reference/error-codes
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWorkflow } from '../../../test/harness';
import { startSimulator } from '../../../test/simulator';
import type { Simulator } from '../../../test/simulator';
import { destroyGraphClients } from '../../shared/transport';
import { clearManagementCache } from '../../../test/support/testHooks';

let sim: Simulator;
const FLOW_JSON = { version: '7.2', screens: [{ id: 'WELCOME', title: 'Welcome', terminal: true, layout: { type: 'SingleColumnLayout', children: [] } }] };

async function run(parameters: INodeParameters, inputItems?: IDataObject[], continueOnFail = false, binary?: Buffer) {
	return runWorkflow({
		nodes: [{ name: 'Account', type: 'whatsAppBusinessAccount', parameters: { resource: 'flow', ...parameters }, continueOnFail }],
		credentials: { whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId } },
		inputItems: binary ? [{ json: {}, binary: { data: { data: binary.toString('base64'), mimeType: 'application/json', fileName: 'flow.json' } } } as unknown as IDataObject] : inputItems,
	});
}

const create = async (name = 'Booking') => String((await run({ operation: 'create', flowName: name, categories: ['APPOINTMENT_BOOKING'] })).outputs('Account')[0].id);
const lastCall = () => sim.requests().at(-1)!;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

beforeEach(() => {
	sim.reset();
	clearManagementCache();
});

describe('the flow lifecycle', () => {
	it('creates a draft, uploads its Flow JSON as Meta\'s multipart asset, publishes, previews, deprecates', async () => {
		const created = await run({ operation: 'create', flowName: 'Booking', categories: ['APPOINTMENT_BOOKING', 'OTHER'], flowOptions: { endpointUri: 'https://example.com/flow' } });
		expect(JSON.parse(lastCall().body)).toEqual({ name: 'Booking', categories: ['APPOINTMENT_BOOKING', 'OTHER'], endpoint_uri: 'https://example.com/flow' });
		const flowId = String(created.outputs('Account')[0].id);
		const uploaded = await run({ operation: 'updateJson', flowId, flowJsonSource: 'json', flowJson: JSON.stringify(FLOW_JSON) });
		expect(lastCall().headers['content-type']).toMatch(/^multipart\/form-data/);
		expect(lastCall().body).toContain('name="asset_type"');
		expect(uploaded.outputs('Account')).toEqual([{ flowId, success: true, validation_errors: [] }]);
		expect((await run({ operation: 'publish', flowId })).outputs('Account')).toEqual([{ success: true, flowId }]);
		const preview = await run({ operation: 'getPreviewUrl', flowId, invalidate: false });
		expect(new URLSearchParams(lastCall().query).get('fields')).toBe('preview.invalidate(false)');
		expect(preview.outputs('Account')[0]).toEqual({ flowId, previewUrl: expect.stringContaining('/preview/'), expiresAt: expect.any(String) });
		expect((await run({ operation: 'get', flowId })).outputs('Account')[0]).toEqual(expect.objectContaining({ id: flowId, status: 'PUBLISHED', json_version: '7.2' }));
		expect((await run({ operation: 'deprecate', flowId })).outputs('Account')).toEqual([{ success: true, flowId }]);
	});

	// Meta's Flows API, Create: "You can create a new published Flow in single request by specifying flow_json and
	// publish parameters"; flow_json is the Flow JSON as a string: https://developers.facebook.com/docs/whatsapp/flows/reference/flowsapi
	it('creates and publishes a flow in one call, the Flow JSON sent as a string', async () => {
		const created = await run({ operation: 'create', flowName: 'Booking', categories: ['OTHER'], flowOptions: { flowJson: JSON.stringify(FLOW_JSON), publish: true } });
		expect(JSON.parse(lastCall().body)).toEqual({ name: 'Booking', categories: ['OTHER'], flow_json: JSON.stringify(FLOW_JSON), publish: true });
		const [flow] = created.outputs('Account');
		expect(flow).toEqual(expect.objectContaining({ id: expect.any(String), success: true, validation_errors: [], status: 'PUBLISHED' }));
		expect(sim.requests()).toHaveLength(1);
		expect((await run({ operation: 'get', flowId: String(flow.id) })).outputs('Account')[0]).toEqual(expect.objectContaining({ status: 'PUBLISHED', json_version: '7.2' }));
	});

	it('creates a draft with its Flow JSON, unpublished, when Publish is off', async () => {
		const created = await run({ operation: 'create', flowName: 'Booking', categories: ['OTHER'], flowOptions: { flowJson: FLOW_JSON as unknown as string } });
		expect(JSON.parse(lastCall().body)).toEqual({ name: 'Booking', categories: ['OTHER'], flow_json: JSON.stringify(FLOW_JSON) });
		expect(created.outputs('Account')[0]).toEqual(expect.objectContaining({ status: 'DRAFT', validation_errors: [] }));
	});

	it('uploads the Flow JSON from a binary file', async () => {
		const flowId = await create();
		const result = await run({ operation: 'updateJson', flowId, flowJsonSource: 'binary', binaryPropertyName: 'data' }, undefined, false, Buffer.from(JSON.stringify({ version: '7.2', screens: [{ id: 'A' }] })));
		expect(result.outputs('Account')).toEqual([{ flowId, success: true, validation_errors: [] }]);
	});

	it('lists flows and deletes a draft', async () => {
		const first = await create('First');
		await create('Second');
		expect((await run({ operation: 'list', returnAll: true })).outputs('Account').map((flow) => flow.name)).toEqual(['First', 'Second']);
		expect((await run({ operation: 'list', returnAll: false, limit: 1 })).outputs('Account').map((flow) => flow.name)).toEqual(['First']);
		expect((await run({ operation: 'delete', flowId: first })).outputs('Account')).toEqual([{ success: true, flowId: first }]);
		expect((await run({ operation: 'list', returnAll: true })).outputs('Account').map((flow) => flow.name)).toEqual(['Second']);
	});

	it('reports Meta\'s lifecycle refusals as item errors with their codes', async () => {
		const flowId = await create();
		const publishEmpty = await run({ operation: 'publish', flowId }, undefined, true);
		expect(publishEmpty.outputs('Account')[0]).toEqual(expect.objectContaining({ code: 139002 }));
		const deprecateDraft = await run({ operation: 'deprecate', flowId }, undefined, true);
		expect(deprecateDraft.outputs('Account')[0]).toEqual(expect.objectContaining({ code: 139003 }));
	});

	it('counts flow calls in the management budget', async () => {
		const flowId = await create();
		await run({ operation: 'get', flowId });
		expect(sim.counters().managementCalls[sim.fixture.wabaId]).toBe(sim.requests().length);
	});
});

describe('bad input fails before any call, naming the item and the field', () => {
	it.each([
		['an empty flow name', { operation: 'create', flowName: ' ', categories: ['OTHER'] }, '"Flow Name" is empty'],
		['no category', { operation: 'create', flowName: 'x', categories: '={{ [] }}' }, '"Categories" is empty'],
		['a category Meta does not know', { operation: 'create', flowName: 'x', categories: '={{ ["PAYMENTS"] }}' }, '"Categories" has "PAYMENTS"'],
		['an endpoint that is not https', { operation: 'create', flowName: 'x', categories: ['OTHER'], flowOptions: { endpointUri: 'http://example.com' } }, '"Options › Endpoint URL" is "http://example.com"'],
		['a clone ID that is no ID', { operation: 'create', flowName: 'x', categories: ['OTHER'], flowOptions: { cloneFlowId: 'flow-1' } }, '"Options › Clone Flow ID" is "flow-1"'],
		['a Flow JSON that is not JSON', { operation: 'updateJson', flowId: '123', flowJsonSource: 'json', flowJson: '{ "version": ' }, '"Flow JSON" is not valid JSON'],
		['a Flow JSON without version', { operation: 'updateJson', flowId: '123', flowJsonSource: 'json', flowJson: '{ "screens": [{ "id": "A" }] }' }, '"Flow JSON" has no "version"'],
		['a Flow JSON without screens', { operation: 'updateJson', flowId: '123', flowJsonSource: 'json', flowJson: '{ "version": "7.2", "screens": [] }' }, '"Flow JSON" has no "screens"'],
		['Publish without a Flow JSON', { operation: 'create', flowName: 'x', categories: ['OTHER'], flowOptions: { publish: true } }, '"Options › Publish" is on, but there is no Flow JSON'],
		['a create Flow JSON without screens', { operation: 'create', flowName: 'x', categories: ['OTHER'], flowOptions: { flowJson: '{ "version": "7.2" }', publish: true } }, '"Options › Flow JSON" has no "screens"'],
		['a create Flow JSON that is not JSON', { operation: 'create', flowName: 'x', categories: ['OTHER'], flowOptions: { flowJson: '{ "version"' } }, '"Options › Flow JSON" is not valid JSON'],
		['a Flow JSON over Meta\'s 10 MB', { operation: 'updateJson', flowId: '123', flowJsonSource: 'json', flowJson: JSON.stringify({ ...FLOW_JSON, padding: 'x'.repeat(10 * 1024 * 1024) }) }, '"Flow JSON" is 10.0 MB: Meta takes a Flow JSON of at most 10 MB'],
		['a binary field the item lacks', { operation: 'updateJson', flowId: '123', flowJsonSource: 'binary', binaryPropertyName: 'file' }, '"Input Binary Field" is "file"'],
		['a flow ID that is no ID', { operation: 'publish', flowId: 'flow-1' }, '"Flow ID" is "flow-1"'],
		['a list Limit of 0', { operation: 'list', returnAll: false, limit: 0 }, '"Limit" is 0'],
	] as Array<[string, INodeParameters, string]>)('%s', async (_case, parameters, message) => {
		const result = await run(parameters);
		expect(result.nodeError('Account')?.message).toContain(`Item 1: ${message}`);
		expect(sim.requests()).toEqual([]);
	});
});
