/**
 * A real HTTP server hosting a webhook node the way n8n does: GET → the `setup` webhook, POST → `default`, the raw
 * body kept on the request, `res` with express's `status/type/send/json`, and n8n's handling of the result
 * (`noWebhookResponse`: the node answered; `workflowData`: an execution starts and `onReceived` answers 200;
 * neither: 200 with `webhookResponse`; a throw: 500, as n8n's webhook helpers answer). How each request's context is
 * built is the caller's: n8n-core's own (n8nContexts.ts) or a thin stand-in (fakeContexts.ts).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

export type HostedRequest = http.IncomingMessage & { rawBody: Buffer; query: IDataObject; body: IDataObject };

export type ExpressLike = http.ServerResponse & {
	status: (code: number) => ExpressLike;
	type: (contentType: string) => ExpressLike;
	send: (body: unknown) => ExpressLike;
	json: (body: unknown) => ExpressLike;
};

export interface WebhookCall {
	name: 'setup' | 'default';
	/** A `webhook-test` URL: n8n runs the node in its `manual` mode. */
	isTest: boolean;
	request: HostedRequest;
	response: ExpressLike;
}

export interface WebhookHost {
	/** `http://127.0.0.1:<port>`. */
	url: string;
	/** Each execution started, with its items, in the order they started. */
	executions: INodeExecutionData[][];
	/** Every answer, in order. */
	responses: Array<{ method: string; status: number; body: string; contentType?: string }>;
	/** What the node logged (with a fake context) and what it threw, as `level: message`. */
	logs: string[];
	/** When set, the next execution fails to start (as when n8n's database is down): n8n then answers 500. */
	failNextExecutionStart: boolean;
	/** Runs as an execution starts, with its items (as a workflow's next node would get them). */
	onExecution?: (items: INodeExecutionData[]) => void;
	/** Runs after an execution started (or failed to) and before n8n's answer: a test can hang up the client here. */
	beforeAnswer?: (res: http.ServerResponse) => Promise<void>;
	close: () => Promise<void>;
}

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

/** Records every answer as it is sent, whoever sends it (the node or the host). */
function recordAnswers(req: http.IncomingMessage, res: http.ServerResponse, responses: WebhookHost['responses']): void {
	const originalEnd = res.end.bind(res);
	res.end = ((chunk?: unknown, ...rest: unknown[]) => {
		const body = chunk === undefined || typeof chunk === 'function' ? '' : Buffer.isBuffer(chunk) ? chunk.toString() : String(chunk);
		responses.push({ method: req.method ?? '', status: res.statusCode, body, contentType: res.getHeader('content-type') as string | undefined });
		return (originalEnd as (...args: unknown[]) => http.ServerResponse)(chunk, ...rest);
	}) as typeof res.end;
}

export async function startWebhookHost(runWebhook: (call: WebhookCall) => Promise<IWebhookResponseData>): Promise<WebhookHost> {
	const host = { executions: [], responses: [], logs: [], failNextExecutionStart: false } as unknown as WebhookHost;

	async function answer(call: WebhookCall): Promise<void> {
		const result = await runWebhook(call);
		const res = call.response;
		if (result.noWebhookResponse) return;
		if (result.workflowData) {
			const started = !host.failNextExecutionStart;
			host.failNextExecutionStart = false;
			if (started) {
				host.executions.push(result.workflowData[0]);
				host.onExecution?.(result.workflowData[0]);
			}
			await host.beforeAnswer?.(res);
			if (started) res.status(200).json(result.webhookResponse ?? { message: 'Workflow was started' });
			else res.status(500).json({ message: 'Workflow could not be started!' });
			return;
		}
		res.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
	}

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			const request = Object.assign(req, { rawBody: Buffer.concat(chunks), query: Object.fromEntries(url.searchParams), body: {} });
			recordAnswers(req, res, host.responses);
			const call: WebhookCall = {
				name: req.method === 'GET' ? 'setup' : 'default',
				isTest: url.pathname.startsWith('/webhook-test/'),
				request,
				response: expressResponse(res),
			};
			answer(call).catch((error: Error) => {
				host.logs.push(`thrown: ${error.message}`);
				if (!res.headersSent) call.response.status(500).json({ message: 'Workflow could not be started!' });
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	host.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	host.close = async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return host;
}

/** The node's production and test URLs on this host (`…/webhook/<id>/webhook`, `…/webhook-test/<id>/webhook`). */
export function webhookUrls(host: WebhookHost, webhookId: string): { webhookUrl: string; testUrl: string } {
	return { webhookUrl: `${host.url}/webhook/${webhookId}/webhook`, testUrl: `${host.url}/webhook-test/${webhookId}/webhook` };
}

/** POSTs raw bytes to a URL; answers status and body text. */
export async function post(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
	const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
	return { status: response.status, body: await response.text() };
}
