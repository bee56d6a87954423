/**
 * The trigger's webhook over real HTTP with thin contexts (test/support/trigger/fakeContexts.ts), for what n8n-core's contexts cannot
 * stage: n8n failing to start an execution, Redis shared between "processes" and killed, and the exact responses.
 * The batch, redelivery, oversize, re-serialised JSON and wrong-object cases run through n8n-core's WebhookContext in
 * WhatsAppTrigger.n8n.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

import { signWebhookBody } from '../../shared/webhook';
import { closeRedisClients, getRedisClient, resolveRedisTarget } from '../../shared/redis';
import {
	body,
	inboundTextChange,
	messagesChange,
	metaJson,
	nowSeconds,
	statusChange,
	wamid,
} from '../../shared/webhook/__tests__/fixtures';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { defaultVerifyToken } from '../subscription';
import { startTriggerServer, WEBHOOK_ID, type TriggerServer } from '../../../test/support/trigger/fakeContexts';
import { post } from '../../../test/support/trigger/host';
import { clearRedeliveryStores } from '../../../test/support/testHooks';

const APP_SECRET = 'simAppSecret0123456789abcdef';
const credentials: WhatsAppCredentials = {
	accessToken: 'EAAGsim0accessTOKEN0123456789',
	apiVersion: 'v26.0',
	baseUrl: 'http://127.0.0.1:9',
	appId: '900000000000001',
	appSecret: APP_SECRET,
	wabaId: '200000000000001',
};

function signedPost(trigger: TriggerServer, value: unknown, url = trigger.webhookUrl) {
	const raw = Buffer.from(metaJson(value));
	return post(url, raw, { 'x-hub-signature-256': signWebhookBody(raw, APP_SECRET) });
}

let trigger: TriggerServer;

beforeEach(async () => {
	clearRedeliveryStores();
	trigger = await startTriggerServer(credentials);
});

afterEach(async () => {
	await trigger.close();
});

describe('handshake', () => {
	it('answers Meta\'s challenge when the verify token is the trigger\'s own', async () => {
		const token = defaultVerifyToken(WEBHOOK_ID, APP_SECRET);
		const response = await fetch(`${trigger.webhookUrl}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${token}`);
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('1158201444');
	});

	it('refuses a wrong verify token with 403', async () => {
		const response = await fetch(`${trigger.webhookUrl}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess`);
		expect(response.status).toBe(403);
	});

	it('uses the verify token set in the options', async () => {
		trigger.parameters.options = { verifyToken: 'my-own-token' };
		const response = await fetch(`${trigger.webhookUrl}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=my-own-token`);
		expect(await response.text()).toBe('42');
	});
});

describe('verified deliveries', () => {
	it('starts one execution with one item per event, in Meta\'s order', async () => {
		const ids = [wamid(), wamid(), wamid()];
		const response = await signedPost(
			trigger,
			body([statusChange(ids[0], 'sent'), inboundTextChange('351911111111', 'Ana', 'Olá / tudo bem?', ids[1]), statusChange(ids[2], 'read')]),
		);
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].map((item) => [item.json.event, item.json.messageId])).toEqual([
			['status', ids[0]],
			['message', ids[1]],
			['status', ids[2]],
		]);
		expect(trigger.executions[0][1].json).toMatchObject({ text: 'Olá / tudo bem?', contactName: 'Ana', from: '351911111111' });
	});

	it('runs Meta\'s redelivery when n8n could not start the execution the first time', async () => {
		const value = body([inboundTextChange('351911111111', 'Ana', 'Olá')]);
		trigger.failNextExecutionStart = true;
		const first = await signedPost(trigger, value);
		const again = await signedPost(trigger, value);
		expect(first.status).toBe(500);
		expect(again.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toMatchObject({ text: 'Olá' });
	});

	it('keeps redeliveries when "Ignore Redeliveries" is off', async () => {
		trigger.parameters.options = { ignoreRedeliveries: false };
		const value = body([inboundTextChange('351911111111', 'Ana', 'Olá')]);
		await signedPost(trigger, value);
		await signedPost(trigger, value);
		expect(trigger.executions).toHaveLength(2);
	});

	it('starts nothing for events the user did not pick', async () => {
		trigger.parameters.triggerOn = ['message:text'];
		const response = await signedPost(trigger, body([statusChange(wamid(), 'read')]));
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(0);
	});

	it('passes unknown fields and message types through as their own events', async () => {
		await signedPost(
			trigger,
			body([
				{ field: 'quantum_update', value: { level: 'HIGH' } },
				messagesChange({ messages: [{ from: '1', id: wamid(), timestamp: String(nowSeconds()), type: 'hologram', hologram: { depth: 3 } }] }),
			]),
		);
		expect(trigger.executions[0].map((item) => [item.json.event, item.json.messageType ?? item.json.level])).toEqual([
			['quantum_update', 'HIGH'],
			['message', 'hologram'],
		]);
	});
});

describe('bad input is rejected without an execution', () => {
	const value = () => body([inboundTextChange('351911111111', 'Ana', 'Olá / oi')]);

	it('rejects a missing signature with 401', async () => {
		const response = await post(trigger.webhookUrl, metaJson(value()));
		expect(response.status).toBe(401);
		expect(trigger.executions).toHaveLength(0);
	});

	it('rejects a wrong signature with 401', async () => {
		const raw = metaJson(value());
		const response = await post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, 'not-the-secret') });
		expect(response.status).toBe(401);
		expect(trigger.executions).toHaveLength(0);
	});

	it('rejects truncated JSON with 400', async () => {
		const raw = metaJson(value()).slice(0, -7);
		const response = await post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, APP_SECRET) });
		expect(response.status).toBe(400);
		expect(trigger.executions).toHaveLength(0);
	});

	it('answers 500 and names the fix when the credential has no App Secret', async () => {
		trigger.credentials.appSecret = '';
		const response = await signedPost(trigger, value());
		trigger.credentials.appSecret = APP_SECRET;
		expect(response.status).toBe(500);
		expect(JSON.parse(response.body).error).toBe(
			'"App Secret" is empty in the "WhatsApp Cloud Nodes API" credential, and "Verify Signature" needs it: add it to the credential',
		);
		expect(trigger.executions).toHaveLength(0);
	});

	it('starts an unsigned body only when "Verify Signature" is explicitly off', async () => {
		trigger.parameters.verifySignature = false;
		const response = await post(trigger.webhookUrl, metaJson(value()));
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	it('never puts the App Secret or the access token in a response', async () => {
		await post(trigger.webhookUrl, metaJson(value()), { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) });
		await post(trigger.webhookUrl, '{"object":', { 'x-hub-signature-256': signWebhookBody('{"object":', APP_SECRET) });
		const everything = JSON.stringify(trigger.responses) + trigger.logs.join('\n');
		expect(everything).not.toContain(APP_SECRET);
		expect(everything).not.toContain(credentials.accessToken);
	});
});

describe('redeliveries shared through Redis', () => {
	let redis: ChildProcess;
	let port: number;

	async function freePort(): Promise<number> {
		const server = net.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port: free } = server.address() as net.AddressInfo;
		await new Promise<void>((resolve) => server.close(() => resolve()));
		return free;
	}

	async function waitForPort(target: number): Promise<void> {
		for (let attempt = 0; attempt < 100; attempt += 1) {
			const open = await new Promise<boolean>((resolve) => {
				const socket = net.connect(target, '127.0.0.1', () => {
					socket.destroy();
					resolve(true);
				});
				socket.on('error', () => resolve(false));
			});
			if (open) return;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		throw new Error(`redis-server did not listen on ${target}`);
	}

	async function startRedis(): Promise<void> {
		redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
		await waitForPort(port);
	}

	async function stopRedis(): Promise<void> {
		const exited = new Promise((resolve) => redis.once('exit', resolve));
		redis.kill();
		await exited;
	}

	beforeAll(async () => {
		port = await freePort();
		await startRedis();
	});

	afterAll(async () => {
		await closeRedisClients();
		await stopRedis();
	});

	it('drops a redelivery another process already handled', async () => {
		trigger.credentials.redisUrl = `redis://127.0.0.1:${port}`;
		const value = body([inboundTextChange('351911111111', 'Ana', 'Olá')]);
		await signedPost(trigger, value);
		// A fresh memory is what a second n8n process has: only Redis knows the event.
		clearRedeliveryStores();
		const again = await signedPost(trigger, value);
		trigger.credentials.redisUrl = undefined;
		expect(JSON.parse(again.body)).toMatchObject({ duplicates: 1 });
		expect(trigger.executions).toHaveLength(1);
	});

	it('forgets the claim in Redis too when n8n could not start the execution', async () => {
		trigger.credentials.redisUrl = `redis://127.0.0.1:${port}`;
		const value = body([inboundTextChange('351911111111', 'Ana', 'Olá')]);
		trigger.failNextExecutionStart = true;
		await signedPost(trigger, value);
		clearRedeliveryStores();
		const again = await signedPost(trigger, value);
		trigger.credentials.redisUrl = undefined;
		expect(again.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	it('shares through Redis again once a killed Redis is back', async () => {
		const redisUrl = `redis://127.0.0.1:${port}`;
		trigger.credentials.redisUrl = redisUrl;
		await signedPost(trigger, body([inboundTextChange('351911111111', 'Ana', 'before')]));
		await stopRedis();
		const during = await signedPost(trigger, body([inboundTextChange('351911111111', 'Ana', 'during')]));
		await startRedis();
		const client = getRedisClient(resolveRedisTarget(redisUrl)!);
		for (let attempt = 0; attempt < 100 && client.status !== 'ready'; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
		const after = body([inboundTextChange('351911111111', 'Ana', 'after')]);
		await signedPost(trigger, after);
		clearRedeliveryStores();
		const redelivered = await signedPost(trigger, after);
		trigger.credentials.redisUrl = undefined;
		expect(during.status).toBe(200);
		expect(trigger.executions.map((items) => items[0].json.text)).toEqual(['before', 'during', 'after']);
		expect(JSON.parse(redelivered.body)).toMatchObject({ duplicates: 1 });
	});

	it('falls back to memory and warns when Redis is unreachable', async () => {
		trigger.credentials.redisUrl = `redis://127.0.0.1:${await freePort()}`;
		const value = body([inboundTextChange('351911111111', 'Ana', 'Olá')]);
		const first = await signedPost(trigger, value);
		const again = await signedPost(trigger, value);
		trigger.credentials.redisUrl = undefined;
		expect(first.status).toBe(200);
		expect(again.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.logs.some((line) => line.includes('Redis is unreachable'))).toBe(true);
	});
});
