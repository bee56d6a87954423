/**
 * The trigger inside n8n-core's own contexts (test/support/trigger/n8nContexts.ts): activation through `HookContext`, each request
 * through `WebhookContext`, the simulator playing Meta (handshake, signed deliveries, redeliveries, bad bodies).
 */
import { startSimulator, type Simulator } from '../../../test/simulator';
import { signWebhookBody } from '../../shared/webhook';
import { batchBody, body, inboundTextChange, metaJson, statusChange, wamid } from '../../shared/webhook/__tests__/fixtures';
import { defaultVerifyToken } from '../subscription';
import { N8N_WEBHOOK_ID, simulatorCredentials, startN8nTrigger, type N8nTrigger } from '../../../test/support/trigger/n8nContexts';
import { clearRedeliveryStores } from '../../../test/support/testHooks';

let sim: Simulator;
let n8n: N8nTrigger;

async function appSubscriptions(): Promise<Array<{ callback_url: string }>> {
	const response = await fetch(`${sim.url}/v26.0/${sim.fixture.appId}/subscriptions`, {
		headers: { authorization: `Bearer ${sim.fixture.appId}|${sim.fixture.appSecret}` },
	});
	return ((await response.json()) as { data: Array<{ callback_url: string }> }).data;
}

/** Graph calls the trigger made (the simulator's request log). */
function graphCalls(): string[] {
	return sim.requests().map((request) => request.path);
}

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	await sim.stop();
});

beforeEach(async () => {
	sim.reset();
	clearRedeliveryStores();
	n8n = await startN8nTrigger(sim, { subscription: 'app', triggerOn: ['messages', 'statuses'] });
});

afterEach(async () => {
	await n8n.close();
});

const methods = () => n8n.trigger.webhookMethods.default;

describe('activation (HookContext)', () => {
	it('subscribes the app to the URL n8n builds for the node, answering Meta\'s handshake', async () => {
		expect(await methods().checkExists.call(n8n.hooks())).toBe(false);
		await methods().create.call(n8n.hooks());
		expect((await appSubscriptions()).map((subscription) => subscription.callback_url)).toEqual([n8n.webhookUrl]);
		expect(await methods().checkExists.call(n8n.hooks())).toBe(true);
		expect(n8n.workflow.staticData[`node:${n8n.node.name}`]).toMatchObject({ subscription: { mode: 'app', targetId: sim.fixture.appId } });
	});

	it('removes the subscription on deactivation', async () => {
		await methods().create.call(n8n.hooks());
		await methods().delete.call(n8n.hooks());
		expect(await appSubscriptions()).toEqual([]);
	});

	it('reads the phone number from its resource locator and sets that number\'s override', async () => {
		n8n.parameters.subscription = 'phoneNumber';
		n8n.parameters.subscriptionPhoneNumberId = { __rl: true, mode: 'list', value: '300000000000002' };
		await methods().create.call(n8n.hooks());
		const number = (await (
			await fetch(`${sim.url}/v26.0/300000000000002?fields=webhook_configuration`, { headers: { authorization: `Bearer ${sim.fixture.accessToken}` } })
		).json()) as { webhook_configuration?: { phone_number?: string } };
		expect(number.webhook_configuration?.phone_number).toBe(n8n.webhookUrl);
	});

	describe('refuses what cannot work, before any call to Meta', () => {
		it('"Verify Signature" on and no App Secret in the credential', async () => {
			await n8n.setCredentials({ ...simulatorCredentials(sim), appSecret: '' });
			n8n.parameters.subscription = 'waba';
			const message = '"App Secret" is empty in the "WhatsApp Cloud Nodes API" credential, and "Verify Signature" needs it';
			await expect(methods().checkExists.call(n8n.hooks())).rejects.toThrow(message);
			await expect(methods().create.call(n8n.hooks())).rejects.toThrow(message);
			expect(graphCalls()).toEqual([]);

			// Turned off explicitly, the same credential activates a WABA subscription.
			n8n.parameters.verifySignature = false;
			await methods().create.call(n8n.hooks());
			expect(graphCalls().some((path) => path.endsWith(`/${sim.fixture.wabaId}/subscribed_apps`))).toBe(true);
		});

		it('Subscription "Meta App" without the App ID or the App Secret it needs', async () => {
			await n8n.setCredentials({ ...simulatorCredentials(sim), appId: '' });
			await expect(methods().checkExists.call(n8n.hooks())).rejects.toThrow(
				'"Meta App ID" is empty in the "WhatsApp Cloud Nodes API" credential, and Subscription "Meta App" needs it',
			);
			n8n.parameters.verifySignature = false;
			await n8n.setCredentials({ ...simulatorCredentials(sim), appSecret: '' });
			await expect(methods().create.call(n8n.hooks())).rejects.toThrow(
				'"App Secret" is empty in the "WhatsApp Cloud Nodes API" credential, and Subscription "Meta App" needs it',
			);
			expect(graphCalls()).toEqual([]);
		});

		it.each([[0], [Number.NaN], [-5], [20_000], ['soon']])('a Redelivery Window of %p minutes', async (minutes) => {
			n8n.parameters.options = { redeliveryWindowMinutes: minutes };
			await expect(methods().checkExists.call(n8n.hooks())).rejects.toThrow(
				'"Options › Redelivery Window (Minutes)" must be a number of minutes from 1 to 10080 (7 days)',
			);
			await expect(methods().create.call(n8n.hooks())).rejects.toThrow('"Options › Redelivery Window (Minutes)"');
			expect(graphCalls()).toEqual([]);
		});

		it('an empty Trigger On, whatever the Subscription', async () => {
			n8n.parameters.subscription = 'waba';
			n8n.parameters.triggerOn = [];
			await expect(methods().create.call(n8n.hooks())).rejects.toThrow('"Trigger On" is empty, so nothing would start the workflow');
			expect(graphCalls()).toEqual([]);
		});

		it('a Max Remembered Events below 100', async () => {
			n8n.parameters.options = { maxRememberedEvents: 0 };
			await expect(methods().checkExists.call(n8n.hooks())).rejects.toThrow('"Options › Max Remembered Events" must be a number of at least 100, not "0"');
		});

		it('a Manual subscription without a Verify Token, offering a token and the callback URL to enter at Meta', async () => {
			n8n.parameters.subscription = 'manual';
			const error = (await methods()
				.checkExists.call(n8n.hooks())
				.catch((thrown: unknown) => thrown)) as { message: string; description?: string };
			expect(error.message).toBe('"Options › Verify Token" is empty, and a Manual subscription needs one');
			const offered = defaultVerifyToken(N8N_WEBHOOK_ID, sim.fixture.appSecret);
			expect(error.description).toContain(`for example ${offered}`);
			expect(error.description).toContain(`Callback URL ${n8n.webhookUrl}`);

			// The user copies the offered token into the option: activation passes and Meta's handshake with it works.
			n8n.parameters.options = { verifyToken: offered };
			expect(await methods().checkExists.call(n8n.hooks())).toBe(true);
			const handshake = await fetch(`${n8n.webhookUrl}?hub.mode=subscribe&hub.challenge=777&hub.verify_token=${offered}`);
			expect(await handshake.text()).toBe('777');
		});
	});
});

describe('the URL opened in a browser shows what to enter at Meta', () => {
	const derived = () => defaultVerifyToken(N8N_WEBHOOK_ID, sim.fixture.appSecret);

	it('on the production URL: the callback URL, and where to see the derived token (never the token itself)', async () => {
		const response = await fetch(n8n.webhookUrl);
		const text = await response.text();
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/plain');
		expect(text).toContain(`Callback URL: ${n8n.webhookUrl}`);
		expect(text).toContain('Verify Token: shown on this trigger\'s Test URL');
		expect(text).not.toContain(derived());
		expect(n8n.executions).toHaveLength(0);
	});

	it('on the Test URL (only there while the editor listens): the derived token, which Meta\'s handshake accepts', async () => {
		const text = await (await fetch(n8n.testUrl)).text();
		expect(text).toContain(`Callback URL: ${n8n.webhookUrl}`);
		expect(text).toContain(`Verify Token: ${derived()}`);
		const handshake = await fetch(`${n8n.testUrl}?hub.mode=subscribe&hub.challenge=99&hub.verify_token=${derived()}`);
		expect(await handshake.text()).toBe('99');
	});

	it('says Meta needs a public HTTPS address and to give it the production URL, never the Test URL', async () => {
		const text = await (await fetch(n8n.testUrl)).text();
		expect(text).toContain('Meta calls only a public HTTPS address: https:// with a valid certificate, reachable from the internet.');
		expect(text).toContain('Give Meta the production URL below, never the Test URL');
		expect(text).toContain(`Callback URL: ${n8n.webhookUrl}`);
		expect(n8n.testUrl).not.toBe(n8n.webhookUrl);
		expect(text).not.toContain(n8n.testUrl);
	});

	it('on an n8n Meta cannot reach (http, a local address), says so and to set N8N_WEBHOOK_URL', async () => {
		await n8n.setCredentials({ ...simulatorCredentials(sim), baseUrl: 'https://graph.facebook.com' });
		const text = await (await fetch(n8n.testUrl)).text();
		expect(text).toContain(`Meta cannot reach this n8n yet: ${n8n.webhookUrl} is not HTTPS`);
		expect(text).toContain("Set n8n's N8N_WEBHOOK_URL (WEBHOOK_URL before n8n 2.35) to its public HTTPS address");
	});

	it('while listening, says a more specific subscription held by an active workflow gets the events instead', async () => {
		const testPage = await (await fetch(n8n.testUrl)).text();
		expect(testPage).toContain("a phone number's override wins over a WhatsApp Business Account's, which wins over the app's callback");
		expect(await (await fetch(n8n.webhookUrl)).text()).not.toContain('While the editor listens');
	});

	it('never echoes a verify token the user set', async () => {
		n8n.parameters.options = { verifyToken: 'my-own-verify-token' };
		const texts = [await (await fetch(n8n.webhookUrl)).text(), await (await fetch(n8n.testUrl)).text()];
		for (const text of texts) {
			expect(text).toContain('Verify Token: the value of Options › Verify Token in this trigger');
			expect(text).not.toContain('my-own-verify-token');
		}
	});

	it('still answers a partial handshake with 400', async () => {
		const response = await fetch(`${n8n.webhookUrl}?hub.mode=subscribe`);
		expect(response.status).toBe(400);
	});
});

describe('deliveries (WebhookContext)', () => {
	beforeEach(async () => {
		await methods().create.call(n8n.hooks());
	});

	it('outputs the simulator\'s signed inbound message as one item', async () => {
		await sim.injectInbound({ from: '351911111111', type: 'text', body: 'Olá / bom dia', name: 'Ana' });
		await sim.webhooks.idle();
		expect(n8n.executions).toHaveLength(1);
		expect(n8n.executions[0].map((item) => item.json)).toEqual([
			expect.objectContaining({ event: 'message', messageType: 'text', text: 'Olá / bom dia', contactName: 'Ana', from: '351911111111' }),
		]);
	});

	it('splits a signed 1,000-update body into 1,000 items, in Meta\'s order, in one execution', async () => {
		const { body: batch, ids } = batchBody(1000);
		const record = await sim.webhooks.deliverRaw(batch, { url: n8n.webhookUrl });
		expect(record.status).toBe(200);
		expect(n8n.executions).toHaveLength(1);
		expect(n8n.executions[0].map((item) => item.json.messageId)).toEqual(ids);
		expect(n8n.executions[0][0].json).toMatchObject({ event: 'status', status: 'sent', phoneNumberId: '300000000000001' });
	});

	it('drops Meta\'s redeliveries: 200 and no execution', async () => {
		for (const text of ['one', 'two', 'three']) await sim.injectInbound({ from: '351911111111', type: 'text', body: text });
		await sim.webhooks.idle();
		expect(n8n.executions.map((items) => items.map((item) => item.json.text))).toEqual([['one'], ['two'], ['three']]);
		const redelivered = await sim.webhooks.redeliver(3);
		await sim.webhooks.idle();
		expect(redelivered.map((record) => record.status)).toEqual([200, 200, 200]);
		expect(n8n.responses.slice(-3).map((response) => JSON.parse(response.body))).toEqual(new Array(3).fill({ received: 1, started: 0, duplicates: 1, tooOld: 0, resumed: 0 }));
		expect(n8n.executions).toHaveLength(3);
	});

	it('outputs only the new events of a body that repeats some', async () => {
		const seen = wamid();
		const fresh = wamid();
		await sim.webhooks.deliverRaw(body([statusChange(seen, 'delivered')]), { url: n8n.webhookUrl });
		await sim.webhooks.deliverRaw(body([statusChange(seen, 'delivered'), statusChange(fresh, 'delivered'), statusChange(seen, 'read')]), {
			url: n8n.webhookUrl,
		});
		expect(n8n.executions[1].map((item) => [item.json.messageId, item.json.status])).toEqual([
			[fresh, 'delivered'],
			[seen, 'read'],
		]);
	});

	describe('the credential is read once per few seconds, not per request (n8n resolves it in an isolate of its own)', () => {
		const statusBody = () => body([statusChange(wamid(), 'delivered')]);

		it('a burst of 20 deliveries reads it once', async () => {
			const before = n8n.credentialReads;
			const records = await Promise.all(Array.from({ length: 20 }, () => sim.webhooks.deliverRaw(statusBody(), { url: n8n.webhookUrl })));
			expect(records.map((record) => record.status)).toEqual(new Array(20).fill(200));
			expect(n8n.credentialReads - before).toBe(1);
		});

		it('an edited credential (a rotated App Secret) applies to deliveries five seconds later at most', async () => {
			const rotated = 'rotatedAppSecret0123456789abcdef';
			const deliver = async (secret: string) => {
				const raw = metaJson(statusBody());
				const response = await fetch(n8n.webhookUrl, {
					method: 'POST',
					body: raw,
					headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(raw, secret) },
				});
				return response.status;
			};
			// Only Date is faked: HTTP and the simulator keep real timers.
			jest.useFakeTimers({ doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
			try {
				expect(await deliver(sim.fixture.appSecret)).toBe(200);
				await n8n.setCredentials({ ...simulatorCredentials(sim), appSecret: rotated });
				jest.advanceTimersByTime(4_000);
				expect(await deliver(sim.fixture.appSecret)).toBe(200);
				jest.advanceTimersByTime(1_001);
				expect(await deliver(rotated)).toBe(200);
				expect(await deliver(sim.fixture.appSecret)).toBe(401);
			} finally {
				jest.useRealTimers();
			}
		});

		it('an option given as an expression is still evaluated for each request', async () => {
			n8n.parameters.options = { redeliveryWindowMinutes: '={{ 0 }}' };
			const record = await sim.webhooks.deliverRaw(body([inboundTextChange('351911111111', 'Ana', 'Olá')]), { url: n8n.webhookUrl });
			expect(record.status).toBe(500);
			expect(JSON.parse(n8n.responses[n8n.responses.length - 1].body).error).toMatch(/^"Options › Redelivery Window \(Minutes\)" must be a number of minutes from 1 to 10080 \(7 days\), not "0"/);
		});
	});

	describe('bad bodies start nothing', () => {
		const inbound = () => body([inboundTextChange('351911111111', 'Ana', 'Olá / oi')]);

		it.each([
			['a wrong signature', 'wrong' as const],
			['no signature', 'none' as const],
		])('answers a body with %s with 401', async (_name, signature) => {
			const record = await sim.webhooks.deliverRaw(inbound(), { url: n8n.webhookUrl, signature });
			expect(record.status).toBe(401);
			expect(n8n.executions).toHaveLength(0);
		});

		it('answers a signature computed over re-serialised JSON with 401', async () => {
			const raw = metaJson(inbound());
			const reserialised = JSON.stringify(JSON.parse(raw));
			expect(reserialised).not.toBe(raw);
			const response = await fetch(n8n.webhookUrl, {
				method: 'POST',
				body: raw,
				headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(reserialised, sim.fixture.appSecret) },
			});
			expect(response.status).toBe(401);
			expect(await response.json()).toEqual({ error: 'The X-Hub-Signature-256 signature does not match the body and the App Secret' });
			expect(n8n.executions).toHaveLength(0);
		});

		it('answers truncated JSON with 400', async () => {
			const record = await sim.webhooks.deliverRaw(metaJson(inbound()).slice(0, -7), { url: n8n.webhookUrl });
			expect(record.status).toBe(400);
			expect(n8n.executions).toHaveLength(0);
		});

		it('answers a signed body over 3 MB with 413', async () => {
			const { body: big } = batchBody(10_000);
			const record = await sim.webhooks.deliverRaw(big, { url: n8n.webhookUrl });
			expect(record.body.length).toBeGreaterThan(3 * 1024 * 1024);
			expect(record.status).toBe(413);
			expect(n8n.executions).toHaveLength(0);
		});

		it('answers another object with 400', async () => {
			const record = await sim.webhooks.deliverRaw({ object: 'instagram', entry: [] }, { url: n8n.webhookUrl });
			expect(record.status).toBe(400);
			expect(n8n.responses[n8n.responses.length - 1].body).toBe(JSON.stringify({ error: 'The body\'s "object" is "instagram", expected "whatsapp_business_account"' }));
			expect(n8n.executions).toHaveLength(0);
		});

		it('answers 500 naming the option when the Redelivery Window became invalid after activation', async () => {
			n8n.parameters.options = { redeliveryWindowMinutes: 0 };
			const record = await sim.webhooks.deliverRaw(inbound(), { url: n8n.webhookUrl });
			expect(record.status).toBe(500);
			expect(JSON.parse(n8n.responses[n8n.responses.length - 1].body).error).toBe(
				'"Options › Redelivery Window (Minutes)" must be a number of minutes from 1 to 10080 (7 days), not "0": fix it in the trigger and save the workflow',
			);
			expect(n8n.executions).toHaveLength(0);
		});
	});
});

describe('description', () => {
	it.each([
		['app', 'Meta App subscription'],
		['waba', 'WhatsApp Business Account subscription'],
		['phoneNumber', 'Phone Number subscription'],
		['manual', 'Manual subscription'],
	])('the subtitle names Subscription %s by its display name', (value, shown) => {
		n8n.parameters.subscription = value;
		const subtitle = n8n.trigger.description.subtitle!;
		expect(n8n.workflow.expression.getSimpleParameterValue(n8n.node, subtitle, 'internal', {})).toBe(shown);
	});

	it('adds version 2, which n8n serves without evaluating an expression per request, and keeps version 1 working', () => {
		// n8n 2.40.7 (webhooks/webhook-helpers.js, parseRequestBody) evaluates `$parameter["options"]["binaryData"]` in
		// its expression engine for every request to a webhook node of version 1; from version 2 it does not.
		expect(n8n.trigger.description.version).toEqual([1, 2]);
		expect(n8n.trigger.description.defaultVersion).toBe(2);
	});
});
