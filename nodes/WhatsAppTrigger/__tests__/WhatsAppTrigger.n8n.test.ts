/**
 * The trigger inside n8n-core's own contexts: `HookContext` for activation (webhook URL built by n8n from the node's
 * webhook ID, parameters resolved with their defaults, the credential decrypted for real) and `WebhookContext` for
 * each request (the request and response objects n8n hands a webhook node). The simulator verifies the callback
 * and delivers signed webhooks to a real HTTP server that builds the contexts per request.
 */
import '../../../test/harness/env';

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeTypes,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { WhatsAppCloudApi } from '../../../credentials/WhatsAppCloudApi.credentials';
import { TestCredentialsHelper } from '../../../test/harness/credentialsHelper';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { clearRedeliveryStores } from '../../shared/webhook';
import { WhatsAppTrigger } from '../WhatsAppTrigger.node';

const trigger = new WhatsAppTrigger();
const nodeTypes: INodeTypes = {
	getByName: () => trigger,
	getByNameAndVersion: () => trigger,
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

let sim: Simulator;
let server: http.Server;
let baseUrl: string;
let workflow: Workflow;
let node: INode;
let additionalData: IWorkflowExecuteAdditionalData;
const executions: INodeExecutionData[][] = [];

/** What n8n's webhook helpers do with the node's answer, reduced to what matters here. */
function expressResponse(res: http.ServerResponse) {
	const wrapped = res as http.ServerResponse & Record<string, (value: unknown) => unknown>;
	wrapped.status = (code) => ((res.statusCode = code as number), wrapped);
	wrapped.type = (type) => (res.setHeader('content-type', type as string), wrapped);
	wrapped.send = (body) => (res.end(typeof body === 'string' ? body : JSON.stringify(body)), wrapped);
	wrapped.json = (body) => (res.setHeader('content-type', 'application/json'), res.end(JSON.stringify(body)), wrapped);
	return wrapped;
}

function webhookData(name: 'setup' | 'default'): IWebhookData {
	const description = trigger.description.webhooks!.find((webhook) => webhook.name === name)!;
	return {
		httpMethod: description.httpMethod as 'GET' | 'POST',
		node: node.name,
		path: `${node.webhookId}/webhook`,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
	};
}

function hooks(): HookContext {
	return new HookContext(workflow, node, additionalData, 'trigger', 'activate', webhookData('default'));
}

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
	const credentialsHelper = new TestCredentialsHelper({ whatsAppCloudApi: new WhatsAppCloudApi() });
	const details = await credentialsHelper.store('whatsAppCloudApi', {
		accessToken: sim.fixture.accessToken,
		wabaId: sim.fixture.wabaId,
		appId: sim.fixture.appId,
		appSecret: sim.fixture.appSecret,
		baseUrl: sim.url,
	});

	server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const request = req as http.IncomingMessage & { rawBody: Buffer; query: IDataObject; body: IDataObject; headers: http.IncomingHttpHeaders };
			request.rawBody = Buffer.concat(chunks);
			request.query = Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
			request.body = {};
			const response = expressResponse(res);
			const perRequest = { ...additionalData, httpRequest: request, httpResponse: response } as unknown as IWorkflowExecuteAdditionalData;
			const name = req.method === 'GET' ? 'setup' : 'default';
			const context = new WebhookContext(workflow, node, perRequest, 'webhook', { ...webhookData(name), workflowExecuteAdditionalData: perRequest }, [], null);
			trigger
				.webhook.call(context)
				.then((result) => {
					if (result.noWebhookResponse) return;
					if (result.workflowData) executions.push(result.workflowData[0]);
					response.status(200);
					response.json(result.webhookResponse ?? { message: 'Workflow was started' });
				})
				.catch((error: Error) => {
					res.statusCode = 500;
					res.end(error.message);
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	node = {
		id: 'a3f1c2d4-0000-4000-8000-000000000001',
		name: 'WhatsApp Trigger',
		type: 'n8n-nodes-whatsapp-cloud.whatsAppTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: '5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f',
		parameters: { subscription: 'app', triggerOn: ['messages', 'statuses'] },
		credentials: { whatsAppCloudApi: details },
	};
	workflow = new Workflow({ id: 'wf-n8n-context', nodes: [node], connections: {}, active: true, nodeTypes, staticData: {} });
	additionalData = {
		credentialsHelper,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: baseUrl,
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await sim.stop();
});

beforeEach(() => {
	sim.reset();
	clearRedeliveryStores();
	executions.length = 0;
});

it('subscribes the app to the URL n8n builds for the node, answering Meta\'s handshake', async () => {
	expect(await trigger.webhookMethods.default.checkExists.call(hooks())).toBe(false);
	await trigger.webhookMethods.default.create.call(hooks());
	const list = (await (
		await fetch(`${sim.url}/v26.0/${sim.fixture.appId}/subscriptions`, { headers: { authorization: `Bearer ${sim.fixture.appId}|${sim.fixture.appSecret}` } })
	).json()) as { data: Array<{ callback_url: string }> };
	expect(list.data[0].callback_url).toBe(`${baseUrl}/webhook/${node.webhookId}/webhook`);
	expect(await trigger.webhookMethods.default.checkExists.call(hooks())).toBe(true);
	expect(workflow.staticData['node:WhatsApp Trigger']).toMatchObject({ subscription: { mode: 'app', targetId: sim.fixture.appId } });
});

it('outputs the simulator\'s signed inbound message as one item, read through n8n\'s webhook context', async () => {
	await trigger.webhookMethods.default.create.call(hooks());
	await sim.injectInbound({ from: '351911111111', type: 'text', body: 'Olá / bom dia', name: 'Ana' });
	await sim.webhooks.idle();
	expect(executions).toHaveLength(1);
	expect(executions[0].map((item) => item.json)).toEqual([
		expect.objectContaining({ event: 'message', messageType: 'text', text: 'Olá / bom dia', contactName: 'Ana', from: '351911111111' }),
	]);
});

it('rejects a wrongly signed delivery without an execution', async () => {
	await trigger.webhookMethods.default.create.call(hooks());
	const record = await sim.webhooks.deliverRaw(
		{ object: 'whatsapp_business_account', entry: [{ id: sim.fixture.wabaId, changes: [] }] },
		{ url: `${baseUrl}/webhook/${node.webhookId}/webhook`, signature: 'wrong' },
	);
	expect(record.status).toBe(401);
	expect(executions).toHaveLength(0);
});

it('removes the subscription on deactivation', async () => {
	await trigger.webhookMethods.default.create.call(hooks());
	await trigger.webhookMethods.default.delete.call(hooks());
	const list = (await (
		await fetch(`${sim.url}/v26.0/${sim.fixture.appId}/subscriptions`, { headers: { authorization: `Bearer ${sim.fixture.appId}|${sim.fixture.appSecret}` } })
	).json()) as { data: unknown[] };
	expect(list.data).toEqual([]);
});

it('reads the phone number from its resource locator and sets that number\'s override', async () => {
	const original = node.parameters;
	node.parameters = {
		...original,
		subscription: 'phoneNumber',
		subscriptionPhoneNumberId: { __rl: true, mode: 'list', value: '300000000000002' },
	};
	try {
		await trigger.webhookMethods.default.create.call(hooks());
		const number = (await (
			await fetch(`${sim.url}/v26.0/300000000000002?fields=webhook_configuration`, { headers: { authorization: `Bearer ${sim.fixture.accessToken}` } })
		).json()) as { webhook_configuration?: { phone_number?: string } };
		expect(number.webhook_configuration?.phone_number).toBe(`${baseUrl}/webhook/${node.webhookId}/webhook`);
	} finally {
		node.parameters = original;
	}
});
