/**
 * The trigger feeds the conversation ledger from every verified body, before its own event filter, over real HTTP
 * (thin contexts, test/support/trigger/fakeContexts.ts) with Meta's own example bodies signed as Meta signs them:
 * statuses with their error (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status),
 * senders by wa_id or BSUID (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids),
 * and a heartbeat per number; one Redis round trip per body.
 */
import Redis from 'ioredis';

import { webhookFixtures } from '../../../test/contract/fixtures';
import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import { startTriggerServer, type TriggerServer } from '../../../test/support/trigger/fakeContexts';
import { post } from '../../../test/support/trigger/host';
import { getConversationLedger, WINDOW_MS } from '../../shared/conversations';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { signWebhookBody } from '../../shared/webhook';
import { closeRedisClients } from '../../shared/redis';
import { clearConversationLedgers, clearRedeliveryStores } from '../../../test/support/testHooks';

const APP_SECRET = 'simAppSecret0123456789abcdef';
const credentials: WhatsAppCredentials = {
	accessToken: 'EAAGsim0accessTOKEN0123456789',
	apiVersion: 'v26.0',
	baseUrl: 'http://127.0.0.1:9',
	appId: '900000000000001',
	appSecret: APP_SECRET,
	wabaId: '200000000000001',
};
const META_NUMBER = '106540352242922';

/** Meta's example body, its message and status times moved to `seconds` (the examples are from 2025). */
function metaBody(name: string, seconds = Math.floor(Date.now() / 1000)): Buffer {
	const found = webhookFixtures().find((fixture) => fixture.name === name);
	if (!found) throw new Error(`no fixture ${name}`);
	const text = JSON.stringify(found.body).replace(/"timestamp":"\d+"/g, `"timestamp":"${seconds}"`);
	return Buffer.from(text);
}

function signedPost(trigger: TriggerServer, raw: Buffer, secret = APP_SECRET) {
	return post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, secret) });
}

let trigger: TriggerServer;

beforeEach(async () => {
	clearRedeliveryStores();
	clearConversationLedgers();
	// A trigger that outputs incoming messages only.
	trigger = await startTriggerServer({ ...credentials }, { triggerOn: ['messages'] });
});

afterEach(async () => {
	await trigger.close();
});

const ledger = () => getConversationLedger({ env: {} });

describe('the trigger feeds the ledger', () => {
	it("records a failed status with Meta's error though it outputs only messages, and starts no execution", async () => {
		const seconds = Math.floor(Date.now() / 1000);
		const response = await signedPost(trigger, metaBody('statuses-failed', seconds));
		expect(response.status).toBe(200);
		expect(trigger.executions).toHaveLength(0);
		expect(await ledger().statusOf('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA')).toEqual({
			state: 'failed',
			at: seconds * 1000,
			error: {
				code: 131049,
				title: 'This message was not delivered to maintain healthy ecosystem engagement.',
				message: 'This message was not delivered to maintain healthy ecosystem engagement.',
				details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
			},
		});
	});

	it("opens the sender's window from an inbound message, by wa_id", async () => {
		const seconds = Math.floor(Date.now() / 1000);
		await signedPost(trigger, metaBody('messages-text', seconds));
		expect(trigger.executions).toHaveLength(1);
		expect(await ledger().windowOpenUntil(META_NUMBER, '16505551234', Date.now())).toBe(seconds * 1000 + WINDOW_MS);
	});

	it('opens the window of a sender Meta names only by a BSUID, by that BSUID', async () => {
		const seconds = Math.floor(Date.now() / 1000);
		await signedPost(trigger, metaBody('messages-bsuid-text', seconds));
		expect(await ledger().windowOpenUntil(META_NUMBER, 'US.13491208655302741918', Date.now())).toBe(seconds * 1000 + WINDOW_MS);
	});

	it("records that a trigger receives the number's webhooks, whatever the body holds", async () => {
		const before = Date.now();
		await signedPost(trigger, metaBody('statuses-read-all-fields'));
		expect(await ledger().triggerSeenAt(META_NUMBER)).toBeGreaterThanOrEqual(before);
	});

	it('records nothing from a body whose signature does not match', async () => {
		const response = await signedPost(trigger, metaBody('messages-text'), 'not-the-app-secret');
		expect(response.status).toBe(401);
		expect(await ledger().windowOpenUntil(META_NUMBER, '16505551234', Date.now())).toBeUndefined();
		expect(await ledger().triggerSeenAt(META_NUMBER)).toBeUndefined();
	});

	it('records nothing when the user turned signature checks off: an unverified body must not open a window', async () => {
		trigger.parameters.verifySignature = false;
		await post(trigger.webhookUrl, metaBody('messages-text'), {});
		expect(trigger.executions).toHaveLength(1);
		expect(await ledger().windowOpenUntil(META_NUMBER, '16505551234', Date.now())).toBeUndefined();
	});
});

const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

describeWithRedis('through Redis', () => {
	let redis: TestRedis;
	let inspector: Redis;

	beforeAll(async () => {
		redis = await startRedis();
		inspector = new Redis(redis.url);
	});

	afterAll(async () => {
		await inspector.quit();
		await closeRedisClients();
		await redis.stop();
	});

	async function calls(command: RegExp): Promise<number> {
		const stats = await inspector.info('commandstats');
		return [...stats.matchAll(new RegExp(`cmdstat_(?:${command.source}):calls=(\\d+)`, 'g'))].reduce((sum, match) => sum + Number(match[1]), 0);
	}
	const evalCalls = () => calls(/evalsha|eval/);

	it('records a whole body in one Redis round trip, for every process to read', async () => {
		trigger.credentials.redisUrl = redis.url;
		// The first bodies load the scripts (EVALSHA, then EVAL once): not counted.
		await signedPost(trigger, metaBody('statuses-sent-pricing'));
		await signedPost(trigger, metaBody('user-preferences'));
		await inspector.config('RESETSTAT');
		const seconds = Math.floor(Date.now() / 1000);
		const value = JSON.parse(metaBody('messages-text', seconds).toString());
		const status = JSON.parse(metaBody('statuses-failed', seconds).toString()).entry[0].changes[0];
		value.entry[0].changes.push(status, status);
		await signedPost(trigger, Buffer.from(JSON.stringify(value)));
		// The body's facts in one, its campaign facts (the 131049 statuses: campaign.ts) in one; whether a Send and Wait
		// waits for the message's sender is one EXISTS for the body, and nobody does, so no take script (routing.ts).
		expect(await evalCalls()).toBe(2);
		expect(await calls(/exists/)).toBe(1);
		// Another process: its own memory, the same Redis.
		clearConversationLedgers();
		const other = getConversationLedger({ redisUrl: redis.url, accessToken: credentials.accessToken });
		expect(other.kind).toBe('redis');
		expect(await other.windowOpenUntil(META_NUMBER, '16505551234', Date.now())).toBe(seconds * 1000 + WINDOW_MS);
		expect((await other.statusOf('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA'))?.error?.code).toBe(131049);
	});
});
