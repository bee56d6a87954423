/**
 * The trigger inside n8n-core's own contexts, over real HTTP: a `Workflow` holding the node (parameters with their
 * defaults resolved by n8n-workflow), `HookContext` for activation (webhook URL built by n8n from the node's webhook
 * ID, the credential encrypted and decrypted for real) and `WebhookContext` for each request (the request and
 * response objects n8n hands a webhook node; `webhook-test` URLs run in n8n's `manual` mode). The server answers as
 * n8n's webhook helpers do: `noWebhookResponse` → the node answered; `workflowData` → an execution starts and
 * `onReceived` answers 200; neither → 200 with `webhookResponse`.
 */
import '../../../test/harness/env';

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeTypes,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { WhatsAppCloudApi } from '../../../credentials/WhatsAppCloudApi.credentials';
import { TestCredentialsHelper } from '../../../test/harness/credentialsHelper';
import { forgetCredentialReadsForTests } from '../../shared/transport/credentials';
import type { Simulator } from '../../../test/simulator';
import { WhatsAppTrigger } from '../WhatsAppTrigger.node';

export const N8N_WEBHOOK_ID = '5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f';
const NODE_NAME = 'WhatsApp Cloud Trigger';

export interface N8nTrigger {
	url: string;
	/** `…/webhook/<webhookId>/webhook` (production). */
	webhookUrl: string;
	/** `…/webhook-test/<webhookId>/webhook` (n8n's manual mode). */
	testUrl: string;
	/** Each execution started, with its items, in the order they started. */
	executions: INodeExecutionData[][];
	/** Every answer, in order. */
	responses: Array<{ method: string; status: number; body: string; contentType?: string }>;
	workflow: Workflow;
	/** The node as the workflow holds it: change `parameters` in place between requests. */
	node: INode;
	readonly parameters: INodeParameters;
	/** How many times n8n decrypted the credential for the node (activation and requests). */
	readonly credentialReads: number;
	/** Stores new credential data under the same ID (encrypted, as n8n does when a credential is edited). */
	setCredentials: (data: ICredentialDataDecryptedObject) => Promise<void>;
	hooks: (mode?: 'production' | 'test') => HookContext;
	trigger: WhatsAppTrigger;
	close: () => Promise<void>;
}

/** The simulator's credential: token, WABA, app ID and App Secret, base URL. */
export function simulatorCredentials(sim: Simulator): ICredentialDataDecryptedObject {
	return {
		accessToken: sim.fixture.accessToken,
		wabaId: sim.fixture.wabaId,
		appId: sim.fixture.appId,
		appSecret: sim.fixture.appSecret,
		baseUrl: sim.url,
	};
}

export async function startN8nTrigger(sim: Simulator, parameters: INodeParameters = {}): Promise<N8nTrigger> {
	// A fresh n8n process: nothing remembered from an earlier test's node of the same IDs.
	forgetCredentialReadsForTests();
	const trigger = new WhatsAppTrigger();
	const nodeTypes = {
		getByName: () => trigger,
		getByNameAndVersion: () => trigger,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const credentialsHelper = new TestCredentialsHelper({ whatsAppCloudApi: new WhatsAppCloudApi() });
	const details = await credentialsHelper.store('whatsAppCloudApi', simulatorCredentials(sim));
	const executions: INodeExecutionData[][] = [];
	const responses: N8nTrigger['responses'] = [];
	let workflow: Workflow;
	let additionalData: IWorkflowExecuteAdditionalData;

	const node = (): INode => workflow.getNode(NODE_NAME)!;
	const webhookData = (name: 'setup' | 'default', isTest = false): IWebhookData => {
		const description = trigger.description.webhooks!.find((webhook) => webhook.name === name)!;
		return {
			httpMethod: description.httpMethod as 'GET' | 'POST',
			node: NODE_NAME,
			path: `${N8N_WEBHOOK_ID}/webhook`,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: N8N_WEBHOOK_ID,
			isTest,
		};
	};

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const request = req as http.IncomingMessage & { rawBody: Buffer; query: IDataObject; body: IDataObject };
			request.rawBody = Buffer.concat(chunks);
			const url = new URL(req.url ?? '/', 'http://localhost');
			request.query = Object.fromEntries(url.searchParams);
			request.body = {};
			const response = expressResponse(res, (status, body) =>
				responses.push({ method: req.method ?? '', status, body, contentType: res.getHeader('content-type') as string | undefined }),
			);
			const isTest = url.pathname.startsWith('/webhook-test/');
			const perRequest = { ...additionalData, httpRequest: request, httpResponse: response } as unknown as IWorkflowExecuteAdditionalData;
			const name = req.method === 'GET' ? 'setup' : 'default';
			const context = new WebhookContext(
				workflow,
				node(),
				perRequest,
				isTest ? 'manual' : 'webhook',
				{ ...webhookData(name, isTest), workflowExecuteAdditionalData: perRequest },
				[],
				null,
			);
			trigger
				.webhook.call(context)
				.then((result) => {
					if (result.noWebhookResponse) return;
					if (result.workflowData) executions.push(result.workflowData[0]);
					response.status(200);
					response.json(result.webhookResponse ?? { message: result.workflowData ? 'Workflow was started' : 'Webhook call received' });
				})
				.catch((error: Error) => {
					if (res.headersSent) return;
					response.status(500);
					response.json({ message: error.message });
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	workflow = new Workflow({
		id: 'wf-n8n-context',
		nodes: [
			{
				id: 'a3f1c2d4-0000-4000-8000-000000000001',
				name: NODE_NAME,
				type: 'n8n-nodes-whatsapp-cloud.whatsAppTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: N8N_WEBHOOK_ID,
				parameters,
				credentials: { whatsAppCloudApi: details },
			},
		],
		connections: {},
		active: true,
		nodeTypes,
		staticData: {},
	});
	additionalData = {
		credentialsHelper,
		webhookBaseUrl: `${base}/webhook`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;

	return {
		url: base,
		webhookUrl: `${base}/webhook/${N8N_WEBHOOK_ID}/webhook`,
		testUrl: `${base}/webhook-test/${N8N_WEBHOOK_ID}/webhook`,
		executions,
		responses,
		workflow,
		get node() {
			return node();
		},
		get parameters() {
			return node().parameters;
		},
		get credentialReads() {
			return credentialsHelper.decryptCount;
		},
		setCredentials: async (data) => {
			node().credentials = { whatsAppCloudApi: await credentialsHelper.store('whatsAppCloudApi', data) };
		},
		hooks: (mode = 'production') =>
			new HookContext(workflow, node(), additionalData, mode === 'test' ? 'manual' : 'trigger', 'activate', webhookData('default', mode === 'test')),
		trigger,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** What n8n's webhook helpers use of express's response, reduced to what the trigger calls. */
function expressResponse(res: http.ServerResponse, onEnd: (status: number, body: string) => void) {
	const wrapped = res as http.ServerResponse & Record<string, (value: unknown) => unknown>;
	const end = (body: string) => {
		onEnd(res.statusCode, body);
		res.end(body);
	};
	wrapped.status = (code) => ((res.statusCode = code as number), wrapped);
	wrapped.type = (type) => (res.setHeader('content-type', type as string), wrapped);
	wrapped.send = (body) => (end(typeof body === 'string' ? body : JSON.stringify(body)), wrapped);
	wrapped.json = (body) => (res.setHeader('content-type', 'application/json'), end(JSON.stringify(body)), wrapped);
	return wrapped;
}
