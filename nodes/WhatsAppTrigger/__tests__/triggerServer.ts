/**
 * A real HTTP server hosting the trigger the way n8n does for a webhook node: GET → the `setup` webhook, POST →
 * `default`, the raw body kept on the request, `res` with express's `status/type/send/json`, and n8n's handling of
 * the result (`noWebhookResponse`: the node answered; `workflowData`: an execution starts and `onReceived` answers
 * 200; neither: 200 with `webhookResponse`). Also a thin hook context for the lifecycle. Used because the workflow
 * harness cannot run webhook nodes yet.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, IHookFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { WhatsAppCredentials } from '../../shared/transport/types';
import { WhatsAppTrigger } from '../WhatsAppTrigger.node';

export const WEBHOOK_ID = '8c2d6f0e-1b7a-4c3e-9f5d-2a4b6c8d0e1f';

export interface TriggerParameters {
	subscription?: string;
	subscriptionPhoneNumberId?: string;
	triggerOn?: string[];
	verifySignature?: boolean;
	options?: IDataObject;
}

export interface TriggerServer {
	url: string;
	/** `…/webhook/<webhookId>/webhook` (production) — `testUrl` is the `webhook-test` one. */
	webhookUrl: string;
	testUrl: string;
	/** Each execution started, with its items, in the order they started. */
	executions: INodeExecutionData[][];
	responses: Array<{ method: string; status: number; body: string }>;
	logs: string[];
	parameters: TriggerParameters;
	/** When set, the next execution fails to start (as when n8n's database is down): n8n then answers 500. */
	failNextExecutionStart: boolean;
	/** Runs after an execution started (or failed to) and before n8n's answer: a test can hang up the client here. */
	beforeAnswer?: (res: http.ServerResponse) => Promise<void>;
	staticData: IDataObject;
	credentials: WhatsAppCredentials;
	hooks: (mode?: 'production' | 'test', url?: string) => IHookFunctions;
	close: () => Promise<void>;
}

type ExpressLike = http.ServerResponse & {
	status: (code: number) => ExpressLike;
	type: (contentType: string) => ExpressLike;
	send: (body: unknown) => ExpressLike;
	json: (body: unknown) => ExpressLike;
};

function expressResponse(res: http.ServerResponse): ExpressLike {
	const wrapped = res as ExpressLike;
	wrapped.status = (code) => {
		res.statusCode = code;
		return wrapped;
	};
	wrapped.type = (contentType) => {
		res.setHeader('content-type', contentType);
		return wrapped;
	};
	wrapped.send = (body) => {
		res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
		return wrapped;
	};
	wrapped.json = (body) => {
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify(body));
		return wrapped;
	};
	return wrapped;
}

function parameterGetter(parameters: TriggerParameters) {
	const defaults: Record<string, unknown> = { subscription: 'app', triggerOn: ['all'], verifySignature: true, options: {} };
	return (name: string, fallback?: unknown): unknown => {
		const value = (parameters as Record<string, unknown>)[name];
		if (value !== undefined) return value;
		return defaults[name] ?? fallback;
	};
}

export async function startTriggerServer(credentials: WhatsAppCredentials, parameters: TriggerParameters = {}): Promise<TriggerServer> {
	const node = new WhatsAppTrigger();
	const executions: INodeExecutionData[][] = [];
	const responses: TriggerServer['responses'] = [];
	const logs: string[] = [];
	const staticData: IDataObject = {};
	const nodeInfo = { id: 'node-1', name: 'WhatsApp Trigger', webhookId: WEBHOOK_ID, type: 'whatsAppTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const getParameter = parameterGetter(parameters);
	const handle = { failNextExecutionStart: false } as TriggerServer;
	const logger = {
		warn: (message: string) => logs.push(`warn: ${message}`),
		error: (message: string) => logs.push(`error: ${message}`),
		info: (message: string) => logs.push(`info: ${message}`),
		debug: () => undefined,
	};

	const server = http.createServer((req, rawRes) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			(req as http.IncomingMessage & { rawBody: Buffer }).rawBody = Buffer.concat(chunks);
			const res = expressResponse(rawRes);
			const originalEnd = rawRes.end.bind(rawRes);
			let sent = '';
			rawRes.end = ((chunk?: unknown, ...rest: unknown[]) => {
				if (chunk !== undefined && typeof chunk !== 'function') sent = Buffer.isBuffer(chunk) ? chunk.toString() : String(chunk);
				responses.push({ method: req.method ?? '', status: rawRes.statusCode, body: sent });
				return (originalEnd as (...args: unknown[]) => http.ServerResponse)(chunk, ...rest);
			}) as typeof rawRes.end;
			const url = new URL(req.url ?? '/', 'http://localhost');
			const context = {
				getWebhookName: () => (req.method === 'GET' ? 'setup' : 'default'),
				getRequestObject: () => req,
				getResponseObject: () => res,
				getHeaderData: () => req.headers,
				getQueryData: () => Object.fromEntries(url.searchParams),
				getBodyData: () => ({}),
				getNodeParameter: getParameter,
				getCredentials: async () => credentials,
				getNode: () => nodeInfo,
				getWorkflow: () => ({ id: 'workflow-1', name: 'Test', active: true }),
				getMode: () => (url.pathname.startsWith('/webhook-test/') ? 'manual' : 'webhook'),
				getNodeWebhookUrl: () => handle.webhookUrl,
				getWorkflowStaticData: () => staticData,
				logger,
			} as unknown as IWebhookFunctions;
			node
				.webhook.call(context)
				.then(async (result: IWebhookResponseData) => {
					if (result.noWebhookResponse) return;
					if (result.workflowData) {
						const started = !handle.failNextExecutionStart;
						handle.failNextExecutionStart = false;
						if (started) executions.push(result.workflowData[0]);
						await handle.beforeAnswer?.(rawRes);
						if (started) res.status(200).json({ message: 'Workflow was started' });
						else res.status(500).json({ message: 'Workflow could not be started!' });
						return;
					}
					res.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
				})
				.catch((error: Error) => {
					logs.push(`thrown: ${error.message}`);
					if (!rawRes.headersSent) res.status(500).json({ message: 'Workflow could not be started!' });
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const webhookUrl = `${base}/webhook/${WEBHOOK_ID}/webhook`;
	const testUrl = `${base}/webhook-test/${WEBHOOK_ID}/webhook`;

	const hooks = (mode: 'production' | 'test' = 'production', urlOverride?: string): IHookFunctions =>
		({
			getNodeWebhookUrl: () => urlOverride ?? (mode === 'test' ? testUrl : webhookUrl),
			getNodeParameter: (name: string, fallback?: unknown, options?: { extractValue?: boolean }) => {
				const value = getParameter(name, fallback);
				if (options?.extractValue && typeof value === 'object' && value !== null && 'value' in value) return (value as { value: unknown }).value;
				return value;
			},
			getCredentials: async () => credentials,
			getNode: () => nodeInfo,
			getWorkflow: () => ({ id: 'workflow-1', name: 'Test', active: true }),
			getMode: () => (mode === 'test' ? 'manual' : 'trigger'),
			getActivationMode: () => 'activate',
			getWorkflowStaticData: () => staticData,
			getWebhookName: () => 'default',
			logger,
		}) as unknown as IHookFunctions;

	Object.assign(handle, {
		url: base,
		webhookUrl,
		testUrl,
		executions,
		responses,
		logs,
		parameters,
		staticData,
		credentials,
		hooks,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	});
	return handle;
}

/** POSTs raw bytes to a URL; answers status and body text. */
export async function post(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
	const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
	return { status: response.status, body: await response.text() };
}
