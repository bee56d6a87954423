/**
 * The trigger on the webhook host inside n8n-core's own contexts: a `Workflow` holding the node (parameters with
 * their defaults resolved by n8n-workflow), `HookContext` for activation (webhook URL built by n8n from the node's
 * webhook ID, the credential encrypted and decrypted for real) and `WebhookContext` for each request (the request and
 * response objects n8n hands a webhook node; `webhook-test` URLs run in n8n's `manual` mode).
 */
import '../../harness/env';

import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeParameters,
	type INodeTypes,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { WhatsAppCloudApi } from '../../../credentials/WhatsAppCloudApi.credentials';
import { WhatsAppTrigger } from '../../../nodes/WhatsAppTrigger/WhatsAppTrigger.node';
import { TestCredentialsHelper } from '../../harness/credentialsHelper';
import type { Simulator } from '../../simulator';
import { startWebhookHost, webhookUrls, type WebhookHost } from './host';
import { forgetCredentialReadsForTests } from '../testHooks';

export const N8N_WEBHOOK_ID = '5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f';
const NODE_NAME = 'WhatsApp Cloud Trigger';

export interface N8nTrigger extends WebhookHost {
	/** `…/webhook/<webhookId>/webhook` (production). */
	webhookUrl: string;
	/** `…/webhook-test/<webhookId>/webhook` (n8n's manual mode). */
	testUrl: string;
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
	let additionalData: IWorkflowExecuteAdditionalData;

	const workflow = new Workflow({
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

	const host = await startWebhookHost(async ({ name, isTest, request, response }) => {
		const perRequest = { ...additionalData, httpRequest: request, httpResponse: response } as unknown as IWorkflowExecuteAdditionalData;
		const context = new WebhookContext(
			workflow,
			node(),
			perRequest,
			isTest ? 'manual' : 'webhook',
			{ ...webhookData(name, isTest), workflowExecuteAdditionalData: perRequest },
			[],
			null,
		);
		return await trigger.webhook.call(context);
	});
	const base = host.url;
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

	return Object.defineProperties(Object.assign(host, { ...webhookUrls(host, N8N_WEBHOOK_ID), workflow, trigger }), {
		node: { get: node, enumerable: true },
		parameters: { get: () => node().parameters, enumerable: true },
		credentialReads: { get: () => credentialsHelper.decryptCount, enumerable: true },
		setCredentials: {
			value: async (data: ICredentialDataDecryptedObject) => {
				node().credentials = { whatsAppCloudApi: await credentialsHelper.store('whatsAppCloudApi', data) };
			},
		},
		hooks: {
			value: (mode: 'production' | 'test' = 'production') =>
				new HookContext(workflow, node(), additionalData, mode === 'test' ? 'manual' : 'trigger', 'activate', webhookData('default', mode === 'test')),
		},
	}) as N8nTrigger;
}
