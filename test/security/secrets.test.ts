/**
 * Secrets sweep (issue 8): every error path of the transport, the gate, each node, the trigger and the credential
 * test is driven against the simulator over real HTTP (nodes through real WorkflowExecute runs), and everything a
 * person or a log could see is scanned for the access tokens and app secrets: outputs (json and binary metadata),
 * errors (message, description, stack, cause chain, hidden properties, JSON, util.inspect at depth 20), the run
 * data, every console and n8n logger line, and the simulator's view of each request. Where Meta's answer could echo
 * a secret, the scripted fault makes it do so, so redaction is what is tested, not Meta's discretion.
 */
import '../harness/env';
import { createHmac } from 'node:crypto';

import type { ICredentialTestFunctions } from 'n8n-workflow';

import { runWorkflow, type WorkflowRunResult } from '../harness';
import { closedPort, startHttpServer, type RawServer } from '../harness/rawServers';
import { startSimulator, type Simulator } from '../simulator';
import { getGateStatus, scheduleGraphCall } from '../../nodes/shared/limiter';
import { destroyGraphClients, graphRequest, GraphApiError, type WhatsAppCredentials } from '../../nodes/shared/transport';
import { testWhatsAppCredentials, whatsAppCloudApiTest } from '../../nodes/shared/credentialTest';
import { signWebhookBody } from '../../nodes/shared/webhook';
import { closeRedisClients } from '../../nodes/shared/redis';
import { body, inboundTextChange, metaJson } from '../../nodes/shared/webhook/__tests__/fixtures';
import { WhatsAppTrigger } from '../../nodes/WhatsAppTrigger/WhatsAppTrigger.node';
import { startTriggerServer, type TriggerServer } from '../support/trigger/fakeContexts';
import { post } from '../support/trigger/host';
import { APP_ID, leaksIn, recordLogs, requestLeaks, SECRETS, type LogRecorder } from './sweep';
import { clearMediaCache, clearRedeliveryStores, configureGateForTests, resetGateForTests } from '../support/testHooks';

const STANDARD_NUMBER = '300000000000001';
const UNDELIVERABLE = '16505550099';
/** A Meta error text that echoes both secrets, as a misbehaving proxy or a verbose error might. */
const ECHO = `Invalid parameter near access_token ${SECRETS.accessToken} and secret ${SECRETS.appSecret}`;

const FAST_TIMINGS = { throttleRetryMs: 20, transientBackoffBaseMs: 10, transientBackoffMaxMs: 50, budgetPauseBaseMs: 50, minuteMs: 1000, maintenanceWaitMs: 50, pairBackoffBaseMs: 50 };

let sim: Simulator;
let logs: LogRecorder;
/** Receives the simulator's webhooks (statuses, injected inbound media) so they have somewhere to go. */
let receiver: RawServer;

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

function credentials(extra: Partial<WhatsAppCredentials> = {}): WhatsAppCredentials {
	return {
		accessToken: SECRETS.accessToken,
		apiVersion: 'v26.0',
		baseUrl: sim.url,
		wabaId: sim.fixture.wabaId,
		appId: APP_ID,
		appSecret: SECRETS.appSecret,
		registeredNumbers: 3,
		maxAttempts: 2,
		maxWaitSeconds: 30,
		...extra,
	};
}

/** Calls `fn`, which must fail; returns what it threw. */
async function failure(fn: () => Promise<unknown>): Promise<unknown> {
	try {
		await fn();
	} catch (error) {
		return error;
	}
	throw new Error('Expected the call to fail, but it succeeded');
}

/** Everything the sweep looks at after a scenario: the values given, every log line, the simulator's requests. */
function everyLeak(values: Record<string, unknown>): string[] {
	return [...Object.entries(values).flatMap(([label, value]) => leaksIn(label, value)), ...logs.leaks(), ...requestLeaks(sim.requests())];
}

/** The run, its error and every output item (json and binary metadata) of every node that ran. */
function runViews(result: WorkflowRunResult): Record<string, unknown> {
	const views: Record<string, unknown> = { 'run data': result.run, 'workflow error': result.error };
	for (const [name, tasks] of Object.entries(result.run.data.resultData.runData)) {
		tasks.forEach((task, runIndex) => {
			views[`${name} run ${runIndex} error`] = task.error;
			(task.data?.main ?? []).forEach((items, output) =>
				(items ?? []).forEach((item, index) => {
					views[`${name} item ${index} (output ${output}) json`] = item.json;
					if (item.binary) views[`${name} item ${index} binary metadata`] = item.binary;
				}),
			);
		});
	}
	return views;
}

async function node(type: string, parameters: Record<string, unknown>, options: { continueOnFail?: boolean; inputItems?: unknown[]; extra?: Partial<WhatsAppCredentials> } = {}) {
	return runWorkflow({
		nodes: [{ name: 'Node', type, parameters: parameters as never, continueOnFail: options.continueOnFail }],
		credentials: { whatsAppCloudApi: credentials(options.extra) as never },
		inputItems: options.inputItems as never,
	});
}

function pngItem() {
	const data = Buffer.alloc(512, 7);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
	return { json: { name: 'photo.png' }, binary: { data: { data: data.toString('base64'), mimeType: 'image/png', fileName: 'photo.png' } } };
}

beforeAll(async () => {
	receiver = await startHttpServer((_req, res) => res.end('ok'));
	sim = await startSimulator({
		latency: 'none',
		webhooks: { callbackUrl: `${receiver.url}/hook` },
		undeliverableRecipients: [UNDELIVERABLE],
		fixture: {
			accessToken: SECRETS.accessToken,
			appSecret: SECRETS.appSecret,
			appId: APP_ID,
			expiredAccessToken: SECRETS.expiredToken,
			noAccessToken: SECRETS.noAccessToken,
		},
	});
	await resetGateForTests();
	configureGateForTests({ timings: FAST_TIMINGS });
	logs = recordLogs();
});

beforeEach(() => {
	sim.reset();
	clearMediaCache();
	logs.clear();
});

afterAll(async () => {
	logs.restore();
	await resetGateForTests();
	destroyGraphClients();
	await closeRedisClients();
	await sim.stop();
	await receiver.close();
});

describe('the sweep itself', () => {
	test('the simulator uses the planted secrets', () => {
		expect(sim.fixture.accessToken).toBe(SECRETS.accessToken);
		expect(sim.fixture.appSecret).toBe(SECRETS.appSecret);
	});

	test('finds a token in a cause, a hidden property, a logger line, a console line and a request', async () => {
		const error = new Error('clean', { cause: { config: { headers: { Authorization: `Bearer ${SECRETS.accessToken}` } } } });
		expect(leaksIn('error', error).length).toBeGreaterThan(0);
		const hidden = new Error('clean');
		Object.defineProperty(hidden, 'secret', { value: SECRETS.appSecret, enumerable: false });
		expect(leaksIn('hidden', hidden).length).toBeGreaterThan(0);
		const { LoggerProxy } = await import('n8n-workflow');
		LoggerProxy.warn(`x ${SECRETS.invalidToken}`);
		console.error({ nested: { secret: SECRETS.wrongAppSecret } });
		const linesWithLeaks = new Set(logs.leaks().map((leak) => leak.split(' › ')[0]));
		expect([...linesWithLeaks]).toEqual(['log line 1', 'log line 2']);
		await fetch(`${sim.url}/v26.0/${STANDARD_NUMBER}?note=${encodeURIComponent(`${APP_ID}|${SECRETS.appSecret}`)}`);
		expect(requestLeaks(sim.requests()).length).toBeGreaterThan(0);
	});
});

describe('transport errors', () => {
	const send = (to = '16505551234') =>
		graphRequest(credentials(), {
			method: 'POST',
			path: `/${STANDARD_NUMBER}/messages`,
			body: { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } },
		});

	test('a throttled error (130429) whose Meta message echoes the secrets carries neither', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'error', code: 130429, message: ECHO } }]);
		const error = await failure(() => send());
		expect(error).toMatchObject({ errorClass: 'throttled', code: 130429 });
		expect(everyLeak({ error })).toEqual([]);
	});

	test('a transient error (500, 131000) carries no secret', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'error', code: 131000, httpStatus: 500, message: ECHO } }]);
		const error = await failure(() => send());
		expect(error).toMatchObject({ errorClass: 'transient' });
		expect(everyLeak({ error })).toEqual([]);
	});

	test('an ambiguous reset after Meta recorded the message carries no secret', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'resetAfterRecord' } }]);
		const error = await failure(() => send());
		expect(error).toMatchObject({ errorClass: 'ambiguous' });
		expect(sim.log()).toHaveLength(1);
		expect(everyLeak({ error })).toEqual([]);
	});

	test('an ambiguous stall past the timeout carries no secret', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'stall', ms: 2000 } }]);
		const error = await failure(() =>
			graphRequest(credentials(), { method: 'POST', path: `/${STANDARD_NUMBER}/messages`, body: { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'hi' } }, timeoutMs: 200 }),
		);
		expect(error).toMatchObject({ errorClass: 'ambiguous', networkCode: 'ETIMEDOUT' });
		expect(everyLeak({ error })).toEqual([]);
	});

	test('a permanent error (131026 undeliverable) carries no secret', async () => {
		const error = await failure(() => send(UNDELIVERABLE));
		expect(error).toMatchObject({ errorClass: 'permanent', code: 131026 });
		expect(everyLeak({ error })).toEqual([]);
	});

	test('a refused connection carries no secret', async () => {
		const port = await closedPort();
		const error = await failure(() => graphRequest(credentials({ baseUrl: `http://127.0.0.1:${port}` }), { method: 'GET', path: `/${STANDARD_NUMBER}` }));
		expect(error).toMatchObject({ errorClass: 'transient', networkCode: 'ECONNREFUSED' });
		expect(everyLeak({ error })).toEqual([]);
	});

	describe('against a server that echoes the request', () => {
		let server: RawServer;
		let reply: { status: number; type: string; json: boolean } = { status: 200, type: 'text/html', json: false };
		beforeAll(async () => {
			server = await startHttpServer((req, res) => {
				const echo = `${req.method} ${req.url} authorization=${String(req.headers.authorization)}`;
				res.writeHead(reply.status, { 'Content-Type': reply.type });
				res.end(reply.json ? JSON.stringify({ error: { message: echo, type: echo, code: 190, error_data: { details: echo }, fbtrace_id: echo } }) : `<html><body>${echo}</body></html>`);
			});
		});
		afterAll(async () => {
			await server.close();
		});

		test('a 200 answer that is not JSON and echoes the Authorization header carries no secret', async () => {
			reply = { status: 200, type: 'text/html', json: false };
			const error = await failure(() => graphRequest(credentials({ baseUrl: server.url }), { method: 'GET', path: '/me' }));
			expect((error as GraphApiError).message).toMatch(/not JSON/);
			expect(everyLeak({ error })).toEqual([]);
		});

		test('a 502 HTML page that echoes the Authorization header carries no secret', async () => {
			reply = { status: 502, type: 'text/html', json: false };
			const error = await failure(() => graphRequest(credentials({ baseUrl: server.url }), { method: 'GET', path: '/me' }));
			expect(error).toMatchObject({ errorClass: 'transient', httpStatus: 502 });
			expect(everyLeak({ error })).toEqual([]);
		});

		test('Meta\'s error envelope echoing the app token in every field carries no secret', async () => {
			reply = { status: 400, type: 'application/json', json: true };
			const error = await failure(() => graphRequest(credentials({ baseUrl: server.url }), { method: 'GET', path: `/${APP_ID}/subscriptions`, auth: 'app' }));
			expect(error).toMatchObject({ code: 190 });
			expect(everyLeak({ error })).toEqual([]);
		});

		test('the token travels only in the Authorization header', async () => {
			reply = { status: 200, type: 'application/json', json: false };
			await graphRequest(credentials({ baseUrl: server.url }), { method: 'POST', path: '/1/messages', query: { fields: 'id' }, body: { a: 1 } }).catch(() => undefined);
			const request = server.requests[server.requests.length - 1];
			expect(request.headers.authorization).toBe(`Bearer ${SECRETS.accessToken}`);
			const { authorization: _authorization, ...otherHeaders } = request.headers;
			expect(leaksIn('request', { url: request.url, headers: otherHeaders, body: request.body.toString('utf8') })).toEqual([]);
		});

		test('the app secret travels only in the Authorization header, as the app token {app-id}|{app-secret}', async () => {
			await graphRequest(credentials({ baseUrl: server.url }), { method: 'GET', path: `/${APP_ID}/subscriptions`, auth: 'app' }).catch(() => undefined);
			const request = server.requests[server.requests.length - 1];
			expect(request.headers.authorization).toBe(`Bearer ${APP_ID}|${SECRETS.appSecret}`);
			const { authorization: _authorization, ...otherHeaders } = request.headers;
			expect(leaksIn('request', { url: request.url, headers: otherHeaders, body: request.body.toString('utf8') })).toEqual([]);
		});
	});
});

describe('gate errors', () => {
	const sendThroughGate = (extra: Partial<WhatsAppCredentials> = {}, to = '16505551234') =>
		scheduleGraphCall({
			credentials: credentials(extra),
			phoneNumberId: STANDARD_NUMBER,
			recipient: to,
			request: { method: 'POST', path: `/${STANDARD_NUMBER}/messages`, body: { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } } },
		});

	test('the final error after retries of a transient failure carries no secret', async () => {
		sim.scriptFaults([{ path: '/messages', count: 5, action: { kind: 'error', code: 131000, httpStatus: 500, message: ECHO } }]);
		const error = await failure(() => sendThroughGate());
		expect((error as GraphApiError).message).toMatch(/gave up after 2 attempts/);
		expect(everyLeak({ error })).toEqual([]);
	});

	test('the final error after 80007 pauses carries no secret, nor does the gate status', async () => {
		sim.scriptFaults([{ path: '/messages', count: 5, action: { kind: 'error', code: 80007, message: ECHO, retryAfterMs: 50 } }]);
		const error = await failure(() => sendThroughGate());
		expect(error).toMatchObject({ code: 80007, attempts: 2 });
		expect(everyLeak({ error, status: getGateStatus(credentials()) })).toEqual([]);
	});

	test('an 80007 pause followed by success logs and returns no secret', async () => {
		sim.scriptFaults([{ path: '/messages', count: 1, action: { kind: 'error', code: 80007, message: ECHO, usageHeader: false } }]);
		const response = await sendThroughGate({}, '16505551235');
		expect(sim.log()).toHaveLength(1);
		expect(everyLeak({ response })).toEqual([]);
	});

	test('the "Redis unreachable" warning names no secret and no Redis password', async () => {
		// A number's Redis link is made when its lane is created: start from an empty registry.
		await resetGateForTests();
		configureGateForTests({ timings: FAST_TIMINGS });
		const port = await closedPort();
		const response = await sendThroughGate({ redisUrl: `redis://:${SECRETS.redisPassword}@127.0.0.1:${port}` }, '16505551236');
		expect(response.status).toBe(200);
		// The connection error may surface after the send went through on local limits.
		for (let i = 0; i < 50 && !logs.lines.some((line) => /unreachable|Redis/i.test(line)); i++) await new Promise((r) => setTimeout(r, 100));
		expect(logs.lines.join('\n')).toMatch(/Redis/);
		expect(everyLeak({ response, status: getGateStatus(credentials()) })).toEqual([]);
	});
});

describe('Send Message node', () => {
	const text = { phoneNumberId: byId(STANDARD_NUMBER), messageType: 'text', textBody: 'Hello', recipient: '={{ $json.phone }}' };
	const inputItems = [{ phone: '+1 650 555 0001' }, { phone: `+${UNDELIVERABLE}` }, { phone: 'nobody' }];

	test('error items with continue on fail carry no secret', async () => {
		const result = await node('whatsAppSendMessage', text, { continueOnFail: true, inputItems });
		const items = result.outputs('Node');
		expect(items[1]).toMatchObject({ code: 131026 });
		expect(items[2].error).toMatch(/Item 3/);
		expect(everyLeak(runViews(result))).toEqual([]);
	});

	test('the node failure without continue on fail carries no secret', async () => {
		const result = await node('whatsAppSendMessage', text, { inputItems });
		expect(result.status).toBe('error');
		// n8n logs the failing node through LoggerProxy: the recorder saw it, so its lines were scanned.
		expect(logs.lines.some((line) => /logger\.debug: Running node "Node" finished with error/.test(line))).toBe(true);
		expect(everyLeak(runViews(result))).toEqual([]);
	});

	test('a node failure from Meta echoing the secrets carries neither, after retries and with an ambiguous reset', async () => {
		sim.scriptFaults([
			{ path: '/messages', recipient: '16505550001', count: 5, action: { kind: 'error', code: 130429, message: ECHO } },
			{ path: '/messages', recipient: '16505550002', action: { kind: 'resetAfterRecord' } },
		]);
		const result = await node('whatsAppSendMessage', text, { continueOnFail: true, inputItems: [{ phone: '+1 650 555 0001' }, { phone: '+1 650 555 0002' }] });
		const items = result.outputs('Node');
		expect(items[0]).toMatchObject({ code: 130429 });
		expect(items[1]).toMatchObject({ errorClass: 'ambiguous' });
		expect(everyLeak(runViews(result))).toEqual([]);
	});
});

describe('WhatsApp Media node', () => {
	test('an upload Meta refuses carries no secret, as an error item or a node failure', async () => {
		sim.scriptFaults([{ path: '/media', method: 'POST', count: 2, action: { kind: 'error', code: 100, message: ECHO } }]);
		const asItem = await node('whatsAppMedia', { operation: 'upload', phoneNumberId: byId(STANDARD_NUMBER) }, { continueOnFail: true, inputItems: [pngItem()] });
		expect(asItem.outputs('Node')[0].error).toBeDefined();
		const asFailure = await node('whatsAppMedia', { operation: 'upload', phoneNumberId: byId(STANDARD_NUMBER) }, { inputItems: [pngItem()] });
		expect(asFailure.status).toBe('error');
		expect(everyLeak({ ...runViews(asItem), ...runViews(asFailure) })).toEqual([]);
	});

	test('a download whose file fetch fails carries no secret', async () => {
		const { message } = (await sim.injectInbound({ phoneNumberId: STANDARD_NUMBER, from: '16505551234', type: 'document', document: { mime_type: 'application/pdf', filename: 'invoice.pdf' } })) as {
			message: { document: { id: string } };
		};
		sim.scriptFaults([{ path: 'attachments', count: 3, action: { kind: 'error', code: 100, httpStatus: 404, message: ECHO } }]);
		const result = await node('whatsAppMedia', { operation: 'download', mediaId: message.document.id }, { continueOnFail: true });
		expect(result.outputs('Node')[0].error).toBeDefined();
		expect(sim.requests().some((request) => request.path.includes('attachments'))).toBe(true);
		expect(everyLeak(runViews(result))).toEqual([]);
	});

	test('a download that succeeds carries no secret in its binary metadata', async () => {
		const { message } = (await sim.injectInbound({ phoneNumberId: STANDARD_NUMBER, from: '16505551234', type: 'image', image: { mime_type: 'image/jpeg' } })) as {
			message: { image: { id: string } };
		};
		const result = await node('whatsAppMedia', { operation: 'download', mediaId: message.image.id });
		expect(result.items('Node')[0].binary?.data).toBeDefined();
		expect(everyLeak(runViews(result))).toEqual([]);
	});

	test('a delete of unknown media carries no secret', async () => {
		const result = await node('whatsAppMedia', { operation: 'delete', mediaId: '123456789012345' }, { continueOnFail: true });
		expect(result.outputs('Node')[0].error).toBeDefined();
		const failed = await node('whatsAppMedia', { operation: 'delete', mediaId: '123456789012345' });
		expect(failed.status).toBe('error');
		expect(everyLeak({ ...runViews(result), ...runViews(failed) })).toEqual([]);
	});
});

describe('WhatsApp Metrics node', () => {
	const day = 86400;
	const today = Math.floor(Date.now() / 1000 / day) * day;
	const parameters = {
		resource: 'analytics',
		operation: 'messageAnalytics',
		start: new Date((today - 3 * day) * 1000).toISOString(),
		end: new Date(today * 1000).toISOString(),
		messageGranularity: 'DAY',
	};

	test('an analytics call Meta refuses carries no secret, as an error item or a node failure', async () => {
		sim.scriptFaults([{ path: `/${sim.fixture.wabaId}`, method: 'GET', count: 10, action: { kind: 'error', code: 100, message: ECHO } }]);
		const asItem = await node('whatsAppMetrics', parameters, { continueOnFail: true });
		const asFailure = await node('whatsAppMetrics', parameters);
		expect(asFailure.status).toBe('error');
		expect(everyLeak({ ...runViews(asItem), ...runViews(asFailure) })).toEqual([]);
	});

	test('an expired token on a metrics call carries neither token', async () => {
		const result = await node('whatsAppMetrics', parameters, { extra: { accessToken: SECRETS.expiredToken } });
		expect(result.status).toBe('error');
		expect(everyLeak(runViews(result))).toEqual([]);
	});
});

describe('WhatsApp Trigger', () => {
	const methods = new WhatsAppTrigger().webhookMethods.default;
	let trigger: TriggerServer;

	beforeEach(async () => {
		clearRedeliveryStores();
		trigger = await startTriggerServer(credentials(), { triggerOn: ['messages'] });
	});
	afterEach(async () => {
		await trigger.close();
	});

	test('a wrong signature is refused without revealing the secret or the signature expected', async () => {
		const raw = metaJson(body([inboundTextChange('16505551234', 'Ana', 'hi')]));
		const expected = createHmac('sha256', SECRETS.appSecret).update(raw).digest('hex');
		const response = await post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, SECRETS.wrongAppSecret) });
		expect(response.status).toBe(401);
		expect(trigger.executions).toHaveLength(0);
		const seen = { responses: trigger.responses, triggerLogs: trigger.logs };
		expect(JSON.stringify(seen)).not.toContain(expected);
		expect(everyLeak(seen)).toEqual([]);
	});

	test('a subscription Meta refuses with a message echoing the secrets carries neither', async () => {
		sim.scriptFaults([{ path: '/subscriptions', count: 3, action: { kind: 'error', code: 100, message: ECHO } }]);
		const error = await failure(() => methods.create.call(trigger.hooks()));
		expect(everyLeak({ error, triggerLogs: trigger.logs })).toEqual([]);
	});

	test('a wrong app secret refused by Meta is not in the error, the logs or any URL', async () => {
		trigger.credentials.appSecret = SECRETS.wrongAppSecret;
		const error = await failure(() => methods.create.call(trigger.hooks()));
		expect(String((error as Error).message)).not.toBe('');
		expect(sim.requests().some((request) => request.path.endsWith('/subscriptions'))).toBe(true);
		expect(everyLeak({ error, triggerLogs: trigger.logs })).toEqual([]);
	});

	test('the app subscription sends the app secret only as the app token in the Authorization header', async () => {
		await methods.create.call(trigger.hooks());
		const calls = sim.requests().filter((request) => request.path.endsWith(`/${APP_ID}/subscriptions`));
		// The simulator accepted the app token (it takes it from the Authorization header or ?access_token=, and the
		// query is scanned): so it came in the header. Nothing else carried it.
		expect(calls.length).toBeGreaterThan(0);
		expect(calls.every((request) => (request.status ?? 0) < 300)).toBe(true);
		expect(everyLeak({ triggerLogs: trigger.logs })).toEqual([]);
		await methods.delete.call(trigger.hooks());
	});

	test('a failing subscription check and removal carry no secret', async () => {
		sim.scriptFaults([{ path: '/subscriptions', count: 10, action: { kind: 'error', code: 131000, httpStatus: 500, message: ECHO } }]);
		const outcomes = await Promise.allSettled([methods.checkExists.call(trigger.hooks()), methods.delete.call(trigger.hooks())]);
		expect(everyLeak({ outcomes, triggerLogs: trigger.logs })).toEqual([]);
	});

	test('the trigger\'s "Redis unreachable" warning names no secret and no Redis password', async () => {
		const port = await closedPort();
		trigger.credentials.redisUrl = `redis://:${SECRETS.redisPassword}@127.0.0.1:${port}`;
		const raw = metaJson(body([inboundTextChange('16505551234', 'Ana', 'hi')]));
		const response = await post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, SECRETS.appSecret) });
		expect(response.status).toBe(200);
		expect(trigger.logs.join('\n')).toMatch(/Redis/i);
		expect(everyLeak({ responses: trigger.responses, triggerLogs: trigger.logs })).toEqual([]);
	});
});

describe('credential test', () => {
	const check = (accessToken: string) => testWhatsAppCredentials(credentials({ accessToken }));

	test('an invalid token is reported without the token', async () => {
		const result = await check(SECRETS.invalidToken);
		expect(result).toMatchObject({ status: 'Error', message: expect.stringMatching(/invalid/i) });
		expect(everyLeak({ result })).toEqual([]);
	});

	test('an expired token is reported without the token', async () => {
		const result = await check(SECRETS.expiredToken);
		expect(result).toMatchObject({ status: 'Error', message: expect.stringMatching(/expired/i) });
		expect(everyLeak({ result })).toEqual([]);
	});

	test('a token without access to the account is reported without the token', async () => {
		const result = await check(SECRETS.noAccessToken);
		expect(result).toMatchObject({ status: 'Error', message: expect.stringMatching(/lacks access/i) });
		expect(everyLeak({ result })).toEqual([]);
	});

	test('n8n\'s entry point with an unreachable base URL reports without the token', async () => {
		const port = await closedPort();
		const result = await whatsAppCloudApiTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'c',
			type: 'whatsAppCloudApi',
			data: { accessToken: SECRETS.invalidToken, baseUrl: `http://127.0.0.1:${port}`, appSecret: SECRETS.appSecret },
		});
		expect(result.status).toBe('Error');
		expect(everyLeak({ result })).toEqual([]);
	});
});
