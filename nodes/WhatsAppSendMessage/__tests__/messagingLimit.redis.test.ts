/**
 * The messaging limit's count shared through the ledger's Redis (a real redis-server): a process that sent nothing
 * itself refuses a template past the limit that another process filled. Each "process" is this one with its ledgers
 * (and their memory) forgotten; Redis is what they share. Meta: the limit is the business portfolio's, shared by all
 * its numbers (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
 */
import Redis from 'ioredis';

import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import type { Simulator } from '../../../test/simulator';
import { closeRedisClients } from '../../shared/redis';
import { byId, HIGH_NUMBER, messageCalls, send, withSimulator } from './helpers';
import { clearConversationLedgers, resetGateForTests } from '../../../test/support/testHooks';

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips.
const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

describeWithRedis("the messaging limit through the ledger's Redis", () => {
	let sim: Simulator;
	let redis: TestRedis;

	withSimulator((started) => (sim = started));

	beforeAll(async () => {
		redis = await startRedis();
	});

	afterAll(async () => {
		await resetGateForTests();
		await closeRedisClients();
		clearConversationLedgers();
		await redis.stop();
	});

	beforeEach(async () => {
		const client = new Redis(redis.url);
		await client.flushall();
		client.disconnect();
		clearConversationLedgers();
		sim.configure({ messagingLimitTier: 'TIER_250' });
	});

	afterEach(() => sim.configure({ messagingLimitTier: 'TIER_UNLIMITED' }));

	const hello = {
		messageType: 'template',
		templateInputMode: 'manual',
		template: { __rl: true, mode: 'name', value: 'hello_world' },
		language: 'en_US',
		phoneNumberId: byId(HIGH_NUMBER),
		recipient: '={{ $json.recipient }}',
	};
	const people = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ recipient: `1650555${String(from + i).padStart(4, '0')}` }));

	test('another process refuses, before sending, the 251st person the first process did not reach', async () => {
		const first = await send(sim, hello, { inputItems: people(0, 250), credentials: { redisUrl: redis.url } });
		expect(first.error).toBeUndefined();
		// Another n8n process: nothing of the first one's memory, only Redis.
		clearConversationLedgers();
		const second = await send(sim, hello, { inputItems: people(250, 1), continueOnFail: true, credentials: { redisUrl: redis.url } });
		const [refused] = second.outputs('Send');
		expect(String(refused.error)).toMatch(/^Item 1: the business portfolio's messaging limit is reached: WhatsApp lets it reach 250 people \(TIER_250\)/);
		expect(refused.code).toBeUndefined();
		expect(messageCalls(sim)).toBe(250);
	});
});
