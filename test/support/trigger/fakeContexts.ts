/**
 * The trigger on the webhook host with thin stand-ins for n8n's contexts: parameters and credentials are plain
 * objects a test changes in place between requests, and the node's log lines land in `logs`. For what n8n-core's
 * own contexts would not let a test reach (a credential changed without re-encrypting, any callback URL for a hook).
 */
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { WhatsAppCredentials } from '../../../nodes/shared/transport/types';
import { WhatsAppTrigger } from '../../../nodes/WhatsAppTrigger/WhatsAppTrigger.node';
import { startWebhookHost, webhookUrls, type WebhookHost } from './host';

export const WEBHOOK_ID = '8c2d6f0e-1b7a-4c3e-9f5d-2a4b6c8d0e1f';

export interface TriggerParameters {
	subscription?: string;
	subscriptionPhoneNumberId?: string;
	triggerOn?: string[];
	verifySignature?: boolean;
	options?: IDataObject;
}

export interface TriggerServer extends WebhookHost {
	/** `…/webhook/<webhookId>/webhook` (production) — `testUrl` is the `webhook-test` one. */
	webhookUrl: string;
	testUrl: string;
	parameters: TriggerParameters;
	staticData: IDataObject;
	credentials: WhatsAppCredentials;
	hooks: (mode?: 'production' | 'test', url?: string) => IHookFunctions;
}

function parameterGetter(parameters: TriggerParameters) {
	const defaults: Record<string, unknown> = { subscription: 'app', triggerOn: ['all'], verifySignature: true, options: {} };
	return (name: string, fallback?: unknown): unknown => {
		const value = (parameters as Record<string, unknown>)[name];
		if (value !== undefined) return value;
		return defaults[name] ?? fallback;
	};
}

/** n8n's `helpers.httpRequest` as the trigger uses it (JSON body, full response): a non-2xx throws with its `httpCode`. */
async function httpRequest(options: { method: string; url: string; body?: unknown; timeout?: number }) {
	const response = await fetch(options.url, {
		method: options.method,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(options.body),
		signal: AbortSignal.timeout(options.timeout ?? 10_000),
	});
	const text = await response.text();
	if (!response.ok) throw Object.assign(new Error(`Request failed with status code ${response.status}`), { httpCode: String(response.status) });
	return { statusCode: response.status, headers: Object.fromEntries(response.headers.entries()), body: text };
}

export async function startTriggerServer(credentials: WhatsAppCredentials, parameters: TriggerParameters = {}): Promise<TriggerServer> {
	const node = new WhatsAppTrigger();
	const staticData: IDataObject = {};
	const nodeInfo = { id: 'node-1', name: 'WhatsApp Trigger', webhookId: WEBHOOK_ID, type: 'whatsAppTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const getParameter = parameterGetter(parameters);
	const workflow = { id: 'workflow-1', name: 'Test', active: true };
	const logger = {
		warn: (message: string) => trigger.logs.push(`warn: ${message}`),
		error: (message: string) => trigger.logs.push(`error: ${message}`),
		info: (message: string) => trigger.logs.push(`info: ${message}`),
		debug: () => undefined,
	};

	const host = await startWebhookHost(async ({ name, isTest, request, response }) => {
		const context = {
			getWebhookName: () => name,
			getRequestObject: () => request,
			getResponseObject: () => response,
			getHeaderData: () => request.headers,
			getQueryData: () => request.query,
			getBodyData: () => ({}),
			getNodeParameter: getParameter,
			getCredentials: async () => credentials,
			getNode: () => nodeInfo,
			getWorkflow: () => workflow,
			getMode: () => (isTest ? 'manual' : 'webhook'),
			getNodeWebhookUrl: () => trigger.webhookUrl,
			getWorkflowStaticData: () => staticData,
			helpers: { httpRequest },
			logger,
		} as unknown as IWebhookFunctions;
		return await node.webhook.call(context);
	});
	const urls = webhookUrls(host, WEBHOOK_ID);

	const hooks = (mode: 'production' | 'test' = 'production', urlOverride?: string): IHookFunctions =>
		({
			getNodeWebhookUrl: () => urlOverride ?? (mode === 'test' ? urls.testUrl : urls.webhookUrl),
			getNodeParameter: (name: string, fallback?: unknown, options?: { extractValue?: boolean }) => {
				const value = getParameter(name, fallback);
				if (options?.extractValue && typeof value === 'object' && value !== null && 'value' in value) return (value as { value: unknown }).value;
				return value;
			},
			getCredentials: async () => credentials,
			getNode: () => nodeInfo,
			getWorkflow: () => workflow,
			getMode: () => (mode === 'test' ? 'manual' : 'trigger'),
			getActivationMode: () => 'activate',
			getWorkflowStaticData: () => staticData,
			getWebhookName: () => 'default',
			logger,
		}) as unknown as IHookFunctions;

	const trigger: TriggerServer = Object.assign(host, { ...urls, parameters, staticData, credentials, hooks });
	return trigger;
}
