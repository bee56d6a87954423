/**
 * Webhook hardening (issue 24, item 3): each attack on the trigger's webhook, reproduced over real HTTP against the
 * trigger hosted as n8n hosts a webhook node (test/support/trigger/fakeContexts.ts), with Redis and the Cloud API simulator where they
 * take part. Every test here failed on the code before the fix, but the two marked as guards, which pin down what
 * the fix must keep.
 */
import { once } from 'node:events';

import Redis from 'ioredis';

import { startRedis, type TestRedis } from '../support/redis';
import { startHttpServer, type RawServer } from '../harness/rawServers';
import { startSimulator, type Simulator } from '../simulator';
import { signWebhookBody } from '../../nodes/shared/webhook';
import { closeRedisClients } from '../../nodes/shared/redis';
import { body, inboundTextChange, messagesChange, metaJson, nowSeconds, statusChange, wamid, wamidFor } from '../../nodes/shared/webhook/__tests__/fixtures';
import type { WhatsAppCredentials } from '../../nodes/shared/transport/types';
import { defaultVerifyToken, type SubscriptionRecord } from '../../nodes/WhatsAppTrigger/subscription';
import { WhatsAppTrigger } from '../../nodes/WhatsAppTrigger/WhatsAppTrigger.node';
import { startTriggerServer, WEBHOOK_ID, type TriggerServer } from '../support/trigger/fakeContexts';
import { post } from '../support/trigger/host';
import { clearRedeliveryStores } from '../support/testHooks';

const APP_SECRET = 'securityAppSecret0123456789ab';
const CUSTOMER = '16505551234';
const credentials = (): WhatsAppCredentials => ({
	accessToken: 'EAAGsecurity0accessTOKEN0123',
	apiVersion: 'v26.0',
	baseUrl: 'http://127.0.0.1:9',
	appId: '900000000000001',
	appSecret: APP_SECRET,
	wabaId: '200000000000001',
});

let trigger: TriggerServer;

function signedPost(value: unknown, secret = APP_SECRET) {
	const raw = Buffer.from(metaJson(value));
	return post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, secret) });
}

/** An inbound text as Meta sends it, `ageSeconds` after its own timestamp. */
function textSentAgo(ageSeconds: number, text: string) {
	return inboundTextChange(CUSTOMER, 'Ana', text, wamidFor(CUSTOMER), nowSeconds() - ageSeconds);
}

beforeEach(async () => {
	clearRedeliveryStores();
	trigger = await startTriggerServer(credentials());
});

afterEach(async () => {
	await trigger.close();
});

describe('dedupe keys: fixed length, no message ID and no phone number at rest', () => {
	it('refuses a body holding a message ID longer than any of Meta\'s, even with the signature check off', async () => {
		trigger.parameters.verifySignature = false;
		const response = await post(trigger.webhookUrl, metaJson(body([inboundTextChange(CUSTOMER, 'Ana', 'x', `wamid.${'A'.repeat(1024 * 1024)}`)])));
		expect(response.status).toBe(400);
		expect(JSON.parse(response.body).error).toMatch(/message ID of 1048582 characters; WhatsApp message IDs have at most 512/);
		expect(trigger.executions).toHaveLength(0);
	});

	describe('with Redis', () => {
		let redis: TestRedis;

		beforeAll(async () => {
			redis = await startRedis();
		});

		afterAll(async () => {
			await closeRedisClients();
			await redis.stop();
		});

		it('keeps only fixed-length keyed hashes in Redis: no message ID, no customer phone number, in the dedupe and the ledger alike', async () => {
			trigger.credentials.redisUrl = redis.url;
			const messageId = wamidFor(CUSTOMER);
			const statusId = wamidFor('16505559876');
			const longId = `wamid.${'B'.repeat(500)}`;
			const response = await signedPost(
				body([inboundTextChange(CUSTOMER, 'Ana', 'Olá', messageId), statusChange(statusId, 'read', '16505559876'), inboundTextChange(CUSTOMER, 'Ana', 'y', longId)]),
			);
			expect(response.status).toBe(200);
			const client = new Redis(redis.url);
			try {
				const keys = await client.keys('*');
				// The three events' dedupe claims, and the conversation ledger's facts (a window, a status, a heartbeat).
				expect(keys.filter((key) => key.startsWith('whatsapp-cloud:webhook:'))).toHaveLength(3);
				expect(keys.filter((key) => key.startsWith('whatsapp-cloud:conversations:')).map((key) => key.split(':')[2]).sort()).toEqual(['s', 't', 'w']);
				for (const key of keys) {
					expect(key).toMatch(/^whatsapp-cloud:(webhook:workflow-1:node-1:production|conversations:[a-z]+):[A-Za-z0-9_-]{22}$/);
					const hash = key.slice(key.lastIndexOf(':') + 1);
					for (const secret of [CUSTOMER, '16505559876', messageId, statusId, messageId.slice(6, 30), longId.slice(0, 40)]) {
						expect(key).not.toContain(secret);
						expect(Buffer.from(hash, 'base64url').toString('latin1')).not.toContain(secret);
					}
				}
			} finally {
				client.disconnect();
			}
		});
	});
});

describe('replays of captured signed bodies', () => {
	it('starts nothing for a signed body whose events are older than the window, as a replay after its keys expired', async () => {
		const response = await signedPost(body([textSentAgo(2 * 3600, 'captured two hours ago'), statusChange(wamidFor(CUSTOMER), 'read', CUSTOMER, nowSeconds() - 2 * 3600)]));
		expect(response.status).toBe(200);
		expect(JSON.parse(response.body)).toEqual({ received: 2, started: 0, duplicates: 0, tooOld: 2, resumed: 0 });
		expect(trigger.executions).toHaveLength(0);
		expect(trigger.logs.filter((line) => line.startsWith('warn:'))).toEqual([
			expect.stringContaining('2 event(s) older than the redelivery window (60 minutes) were refused'),
		]);
	});

	it('guard: runs a late delivery still within the window, and drops its replay', async () => {
		const value = body([textSentAgo(50 * 60, 'fifty minutes late')]);
		const first = await signedPost(value);
		const replay = await signedPost(value);
		expect(first.status).toBe(200);
		expect(JSON.parse(replay.body)).toMatchObject({ started: 0, duplicates: 1 });
		expect(trigger.executions.map((items) => items[0].json.text)).toEqual(['fifty minutes late']);
	});
});

describe('claimed events are forgotten only when n8n answered with an error', () => {
	/** POSTs a signed body and hangs up once n8n has taken it, before n8n answers; resolves once n8n answered. */
	async function postAndHangUp(value: unknown): Promise<void> {
		const raw = Buffer.from(metaJson(value));
		const controller = new AbortController();
		const answers = trigger.responses.length + 1;
		trigger.beforeAnswer = async (res) => {
			controller.abort();
			await once(res, 'close');
		};
		await fetch(trigger.webhookUrl, {
			method: 'POST',
			body: raw,
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(raw, APP_SECRET) },
			signal: controller.signal,
		}).catch(() => undefined);
		while (trigger.responses.length < answers) await new Promise((resolve) => setImmediate(resolve));
		trigger.beforeAnswer = undefined;
	}

	it('does not run Meta\'s retry a second time when Meta hung up but n8n started the execution', async () => {
		const value = body([textSentAgo(0, 'once')]);
		await postAndHangUp(value);
		const retry = await signedPost(value);
		expect(JSON.parse(retry.body)).toMatchObject({ started: 0, duplicates: 1 });
		expect(trigger.executions).toHaveLength(1);
	});

	it('guard: runs Meta\'s retry when n8n answered an error after Meta hung up', async () => {
		const value = body([textSentAgo(0, 'retried')]);
		trigger.failNextExecutionStart = true;
		await postAndHangUp(value);
		const retry = await signedPost(value);
		expect(retry.status).toBe(200);
		expect(trigger.executions.map((items) => items[0].json.text)).toEqual(['retried']);
	});
});

describe('lookups by the strings in Meta\'s payload', () => {
	const objectPrototypeNames = Object.getOwnPropertyNames(Object.prototype);

	/** Every value reachable from an item that is not plain data: a function, or Object.prototype itself. */
	function notData(value: unknown, path: string, out: string[] = []): string[] {
		if (typeof value === 'function') out.push(`${path} is a function`);
		else if (value === Object.prototype) out.push(`${path} is Object.prototype`);
		else if (value !== null && typeof value === 'object') {
			for (const key of Object.keys(value)) notData((value as Record<string, unknown>)[key], `${path}.${key}`, out);
		}
		return out;
	}

	it('never puts Object, Object.prototype or a shadowed method into an item, whatever Meta\'s names are', async () => {
		const at = String(nowSeconds());
		const response = await signedPost(
			body([
				{ field: '__proto__', value: { level: 'HIGH' } },
				{ field: 'constructor', value: { constructor: 'c', toString: 't', hasOwnProperty: 'h' } },
				messagesChange({
					messages: [
						{ from: CUSTOMER, id: wamid(), timestamp: at, type: '__proto__' },
						{ from: CUSTOMER, id: wamid(), timestamp: at, type: 'interactive', interactive: { type: '__proto__' } },
						{ from: CUSTOMER, id: wamid(), timestamp: at, type: 'interactive', interactive: { type: 'constructor' } },
						{ from: CUSTOMER, id: wamid(), timestamp: at, type: 'text', text: { body: 'x' }, valueOf: 'v' },
					],
				}),
			]),
		);
		expect(response.status).toBe(200);
		const items = trigger.executions[0].map((item) => item.json);
		expect(items.flatMap((item, index) => notData(item, `item ${index}`))).toEqual([]);
		expect(items.flatMap((item) => Object.keys(item).filter((key) => objectPrototypeNames.includes(key)))).toEqual([]);
		expect(items.map((item) => item.event)).toEqual(['__proto__', 'constructor', 'message', 'message', 'message', 'message']);
		expect(items[1]).toMatchObject({ constructorValue: 'c', toStringValue: 't', hasOwnPropertyValue: 'h' });
		expect(items.slice(3, 5).map((item) => item.replyType)).toEqual(['__proto__', 'constructor']);
		expect(items[5]).toMatchObject({ text: 'x', valueOfValue: 'v' });
	});

	it('lets "Other Updates" catch a field named like a property of every object', async () => {
		trigger.parameters.triggerOn = ['field:other'];
		await signedPost(body([{ field: 'constructor', value: { level: 'HIGH' } }, { field: 'toString', value: { level: 'LOW' } }]));
		expect(trigger.executions[0]?.map((item) => item.json.event)).toEqual(['constructor', 'toString']);
	});
});

describe('the App Secret, trimmed once for every use', () => {
	beforeEach(() => {
		trigger.credentials.appSecret = `${APP_SECRET}\n`;
	});

	it('accepts Meta\'s signature when the App Secret was pasted with a newline', async () => {
		const response = await signedPost(body([textSentAgo(0, 'signed by Meta')]));
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	it('answers Meta\'s handshake with the verify token of the trimmed App Secret', async () => {
		const token = defaultVerifyToken(WEBHOOK_ID, APP_SECRET);
		const response = await fetch(`${trigger.webhookUrl}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${token}`);
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('1158201444');
	});
});

describe('the Meta app callback of another tool', () => {
	const methods = new WhatsAppTrigger().webhookMethods.default;
	const OTHER_WEBHOOK_ID = '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';
	let sim: Simulator;
	let other: RawServer;
	/** What the other tool answers Meta's handshake with: its own token only, or any challenge at all. */
	let otherAnswers: 'own-token' | 'any' = 'own-token';
	let otherUrl: string;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
		// Another tool at a URL shaped like a trigger's (n8n's own WhatsApp Trigger has this very path).
		other = await startHttpServer((req, res) => {
			const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
			const accepted = otherAnswers === 'any' || query.get('hub.verify_token') === 'other-tool-token';
			res.writeHead(accepted ? 200 : 403).end(accepted ? (query.get('hub.challenge') ?? '') : 'no');
		});
		otherUrl = `${other.url}/webhook/${OTHER_WEBHOOK_ID}/webhook`;
	});

	afterAll(async () => {
		await other.close();
		await sim.stop();
	});

	beforeEach(() => {
		sim.reset();
		otherAnswers = 'own-token';
		Object.assign(trigger.credentials, { baseUrl: sim.url, appId: sim.fixture.appId, appSecret: sim.fixture.appSecret, accessToken: sim.fixture.accessToken, wabaId: sim.fixture.wabaId });
	});

	/** `GET /{app-id}/subscriptions` with the app token (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions/). */
	async function appCallback(): Promise<string | undefined> {
		const response = await fetch(`${sim.url}/v26.0/${sim.fixture.appId}/subscriptions`, { headers: { authorization: `Bearer ${sim.fixture.appId}|${sim.fixture.appSecret}` } });
		return ((await response.json()) as { data: Array<{ callback_url?: string }> }).data[0]?.callback_url;
	}

	async function setOtherToolCallback(): Promise<void> {
		const response = await fetch(`${sim.url}/v26.0/${sim.fixture.appId}/subscriptions`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.fixture.appId}|${sim.fixture.appSecret}`, 'content-type': 'application/json' },
			body: JSON.stringify({ object: 'whatsapp_business_account', callback_url: otherUrl, verify_token: 'other-tool-token', fields: 'messages' }),
		});
		expect(response.status).toBe(200);
	}

	it('is neither taken over on activation nor deleted on deactivation, though its URL looks like a trigger\'s', async () => {
		await setOtherToolCallback();
		await expect(methods.create.call(trigger.hooks())).rejects.toThrow(`already sends its webhooks to ${otherUrl}, which is not this trigger's`);
		await methods.delete.call(trigger.hooks());
		expect(await appCallback()).toBe(otherUrl);
	});

	it('is not handed the callback on deactivation when an earlier version recorded it as the one before', async () => {
		otherAnswers = 'any';
		await methods.create.call(trigger.hooks());
		// What an earlier version wrote when it took over any trigger-shaped callback.
		(trigger.staticData.subscription as unknown as SubscriptionRecord).previousUrl = otherUrl;
		await methods.delete.call(trigger.hooks());
		const handedBack = sim.requests().filter((request) => request.method === 'POST' && request.body.includes(otherUrl));
		expect(handedBack).toEqual([]);
		expect(await appCallback()).toBeUndefined();
		expect(trigger.logs).toContainEqual(expect.stringContaining(`Did not hand the webhook back to ${otherUrl}`));
	});
});
