import http from 'http';
import { metaJson, startSimulator, type Simulator } from './index';
import { call, PHONE_STANDARD, send, text } from './helpers';
import { parseMultipart, parseVersion } from './server';

describe('simulator server', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.reset());

	test('a text message is accepted with contacts and a wamid, and lands in the log', async () => {
		const response = await send(sim, text('Hi there'));
		expect(response.status).toBe(200);
		expect(response.body.messaging_product).toBe('whatsapp');
		expect(response.body.contacts).toEqual([{ input: '+16505551234', wa_id: '16505551234' }]);
		expect(response.body.messages[0].id).toMatch(/^wamid\./);
		expect(response.body.messages[0].message_status).toBe('accepted');
		const log = sim.log();
		expect(log).toHaveLength(1);
		expect(log[0]).toMatchObject({ wamid: response.body.messages[0].id, phoneNumberId: PHONE_STANDARD, to: '+16505551234', waId: '16505551234', type: 'text' });
		expect(log[0].body).toMatchObject({ text: { body: 'Hi there' } });
	});

	test('every accepted message gets a distinct wamid and the log keeps their order', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push((await send(sim, text(`m${i}`, `+1650555000${i}`))).body.messages[0].id);
		expect(new Set(ids).size).toBe(5);
		expect(sim.log().map((m) => m.wamid)).toEqual(ids);
		expect(sim.counters().accepted).toBe(5);
	});

	test('an expired version is served as the oldest live one and a missing version as the latest', async () => {
		expect((await send(sim, text(), PHONE_STANDARD, 'v17.0')).status).toBe(200);
		expect((await call(sim, 'POST', `/${PHONE_STANDARD}/messages`, { messaging_product: 'whatsapp', to: '+16505551234', text: { body: 'x' } })).status).toBe(200);
		expect(parseVersion(['v17.0', 'x']).version).toBe('v21.0');
		expect(parseVersion(['x']).version).toBe('v26.0');
		expect(parseVersion(['v23.0']).version).toBe('v23.0');
	});

	test('a call without a token gets 190 and a plain message', async () => {
		const response = await call(sim, 'POST', `/v26.0/${PHONE_STANDARD}/messages`, { messaging_product: 'whatsapp', to: '+16505551234', text: { body: 'x' } }, null);
		expect(response.status).toBe(401);
		expect(response.body.error).toMatchObject({ code: 190, type: 'OAuthException', message: 'An access token is required to request this resource.' });
		expect(sim.log()).toHaveLength(0);
	});

	test('a wrong token gets 190 and the token is not echoed back', async () => {
		const response = await send(sim, text()).then(() => call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/message_templates`, undefined, 'EAAGwrongTOKEN'));
		expect(response.body.error.code).toBe(190);
		expect(response.text).not.toContain('EAAGwrongTOKEN');
	});

	test('an expired token gets 190 with subcode 463', async () => {
		const response = await send(sim, text()).then(() => call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/message_templates`, undefined, sim.fixture.expiredAccessToken));
		expect(response.body.error).toMatchObject({ code: 190, error_subcode: 463 });
	});

	test('a token without access to the WABA gets the permission error on a send', async () => {
		const response = await call(sim, 'POST', `/v26.0/${PHONE_STANDARD}/messages`, { messaging_product: 'whatsapp', to: '+16505551234', text: { body: 'x' } }, sim.fixture.noAccessToken);
		expect(response.body.error.code).toBe(200);
		expect(sim.log()).toHaveLength(0);
	});

	test('the token is also accepted as the access_token query parameter', async () => {
		const response = await call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/message_templates?access_token=${sim.fixture.accessToken}`, undefined, null);
		expect(response.status).toBe(200);
	});

	test('an unknown path gets Meta error 100 subcode 33', async () => {
		const response = await call(sim, 'POST', '/v26.0/123/nothing_here', {});
		expect(response.status).toBe(400);
		expect(response.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
		expect(response.body.error.fbtrace_id).toMatch(/^A[\w-]{22}$/);
	});

	test('a send from a phone number that is not in the WABA gets 100 subcode 33', async () => {
		const response = await send(sim, text(), '399999999999999');
		expect(response.body.error).toMatchObject({ code: 100, error_subcode: 33 });
	});

	test('a body that is not JSON gets error 100 with details', async () => {
		const response = await call(sim, 'POST', `/v26.0/${PHONE_STANDARD}/messages`, '{"messaging_product":', sim.fixture.accessToken);
		expect(response.body.error).toMatchObject({ code: 100, error_data: { messaging_product: 'whatsapp', details: 'The request body is not valid JSON' } });
	});

	test('a form-urlencoded send is read like Graph reads it', async () => {
		const form = new URLSearchParams({ messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: JSON.stringify({ body: 'form' }) });
		const response = await call(sim, 'POST', `/v26.0/${PHONE_STANDARD}/messages`, form.toString(), sim.fixture.accessToken, { 'Content-Type': 'application/x-www-form-urlencoded' });
		expect(response.status).toBe(200);
		expect(sim.log()[0].body).toMatchObject({ text: { body: 'form' } });
	});

	test('responses are serialised like Meta: slashes and non-ASCII escaped', async () => {
		expect(metaJson({ url: 'https://a/b', text: 'olá 😀' })).toBe('{"url":"https:\\/\\/a\\/b","text":"ol\\u00e1 \\ud83d\\ude00"}');
		await send(sim, text());
		const response = await call(sim, 'GET', '/_sim/log');
		expect(JSON.parse(response.text).messages).toHaveLength(1);
		const error = await call(sim, 'POST', '/v26.0/123/nothing_here', {});
		expect(error.text).toContain('https:\\/\\/developers.facebook.com\\/docs\\/graph-api');
	});

	test('the request log keeps method, path, query, headers and body but never the Authorization header', async () => {
		await send(sim, text('logged body'));
		await call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/message_templates?limit=2`);
		const requests = sim.requests();
		expect(requests).toHaveLength(2);
		expect(requests[0]).toMatchObject({ method: 'POST', path: `/v26.0/${PHONE_STANDARD}/messages`, status: 200 });
		expect(requests[0].body).toContain('logged body');
		expect(requests[1]).toMatchObject({ method: 'GET', query: 'limit=2' });
		expect(requests[0].headers['content-type']).toBe('application/json');
		expect(JSON.stringify(requests)).not.toContain(sim.fixture.accessToken);
	});

	test('the request log is bounded and keeps the newest requests', async () => {
		sim.configure({ requestLogLimit: 3 });
		try {
			for (let i = 0; i < 5; i++) await send(sim, text(`r${i}`, `+1650555000${i}`));
			const bodies = sim.requests().map((r) => JSON.parse(r.body).text.body);
			expect(bodies).toEqual(['r2', 'r3', 'r4']);
		} finally {
			sim.configure({ requestLogLimit: 5000 });
		}
	});

	test('control endpoints do not appear in the request log or the call count', async () => {
		await call(sim, 'GET', '/_sim/counters');
		expect(sim.requests()).toHaveLength(0);
		expect(sim.counters().calls).toBe(0);
	});

	test('multipart bodies are parsed into fields and files', () => {
		const boundary = 'XyZ';
		const body = Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n` +
				`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n` +
				`--${boundary}--\r\n`,
		);
		const parsed = parseMultipart(body, `multipart/form-data; boundary=${boundary}`);
		expect(parsed.fields).toEqual({ messaging_product: 'whatsapp' });
		expect(parsed.files.file).toMatchObject({ filename: 'a.txt', contentType: 'text/plain' });
		expect(parsed.files.file.data.toString()).toBe('hello');
	});
});

describe('Graph calls as Meta\'s pages write them', () => {
	let sim: Simulator;
	let receiver: http.Server;
	let callbackUrl: string;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
		receiver = http.createServer((req, res) => res.end(new URL(req.url ?? '/', 'http://x').searchParams.get('hub.challenge') ?? ''));
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		callbackUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/webhook`;
	});
	afterAll(async () => {
		await sim.stop();
		await new Promise((resolve) => receiver.close(resolve));
	});

	// https://developers.facebook.com/docs/graph-api/webhooks/subscriptions-edge: curl -F … -F access_token=…
	test('takes the access token and the parameters from a multipart form', async () => {
		const form = new FormData();
		for (const [name, value] of Object.entries({ object: 'whatsapp_business_account', callback_url: callbackUrl, fields: 'messages', verify_token: 't', access_token: `${sim.fixture.appId}|${sim.fixture.appSecret}` })) {
			form.append(name, value);
		}
		const response = await fetch(`${sim.url}/v26.0/${sim.fixture.appId}/subscriptions`, { method: 'POST', body: form });
		expect(response.status).toBe(200);
		const listed = await call(sim, 'GET', `/v26.0/${sim.fixture.appId}/subscriptions`, undefined, `${sim.fixture.appId}|${sim.fixture.appSecret}`);
		expect(listed.body.data).toEqual([expect.objectContaining({ object: 'whatsapp_business_account', callback_url: callbackUrl })]);
	});

	// https://github.com/facebook/openapi/blob/ecba623b4aba6ae770185b074ed77ed5acef22f7/business-messaging-api_v23.0.yaml (429 examples)
	test('past the app call rate, code 4 comes as the OpenAPI examples show it: subcode 2446079, is_transient, no error_data', async () => {
		sim.configure({ appRateLimit: { calls: 1, windowMs: 60_000 } });
		try {
			await send(sim, text());
			const over = await send(sim, text());
			expect(over.body.error).toEqual({
				message: expect.any(String),
				type: 'OAuthException',
				code: 4,
				error_subcode: 2446079,
				fbtrace_id: expect.any(String),
				is_transient: true,
			});
		} finally {
			sim.configure({ appRateLimit: null });
		}
	});
});

describe('stopping the simulator', () => {
	test('stop() closes the server and in-flight sockets, even a stalled one, and cancels timers', async () => {
		const sim = await startSimulator({ latency: 'none' });
		sim.scriptFaults([{ action: { kind: 'stall', ms: 60_000 } }]);
		const stalled = new Promise<string>((resolve) => {
			const req = http.request(`${sim.url}/v26.0/${PHONE_STANDARD}/messages`, { method: 'POST', headers: { Authorization: `Bearer ${sim.fixture.accessToken}`, 'Content-Type': 'application/json' } });
			req.on('error', () => resolve('closed'));
			req.on('response', () => resolve('answered'));
			req.end(JSON.stringify({ messaging_product: 'whatsapp', to: '+16505551234', text: { body: 'x' } }));
		});
		while (sim.counters().stalls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		const started = Date.now();
		await sim.stop();
		expect(await stalled).toBe('closed');
		expect(Date.now() - started).toBeLessThan(5000);
		await expect(fetch(`${sim.url}/_sim/counters`)).rejects.toThrow();
	});
});
