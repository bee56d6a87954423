/**
 * Kept template definitions shared through the gate's Redis (a real redis-server): a process that did not read a
 * template uses the one another process read, and a forget in one reaches the others. Each "process" here is this
 * one with its local cache emptied; Redis is what they share.
 */
import Redis from 'ioredis';

import { startSimulator, type Simulator } from '../../../test/simulator';
import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import { destroyGraphClients } from '../transport';
import type { WhatsAppCredentials } from '../transport/types';
import { cachedTemplateVariants, forgetTemplateVariants, type CredentialContext } from './methods';
import { clearManagementCache, resetGateForTests } from '../../../test/support/testHooks';

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips.
const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

describeWithRedis('template definitions through the gate\'s Redis', () => {
	let sim: Simulator;
	let redis: TestRedis;
	let credentials: WhatsAppCredentials;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
		redis = await startRedis();
	});

	afterAll(async () => {
		await resetGateForTests();
		clearManagementCache();
		destroyGraphClients();
		await sim.stop();
		await redis.stop();
	});

	beforeEach(async () => {
		await resetGateForTests();
		clearManagementCache();
		const client = new Redis(redis.url);
		await client.flushall();
		client.disconnect();
		sim.reset();
		credentials = { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId, redisUrl: redis.url };
	});

	const context = (): CredentialContext =>
		({ getCredentials: async () => credentials, getNode: () => ({ name: 'Send', type: 'whatsAppSendMessage', typeVersion: 1, position: [0, 0], parameters: {} }) }) as unknown as CredentialContext;
	const templateReads = () => sim.requests().filter((request) => request.path.endsWith('/message_templates')).length;

	it('another process uses the definition one process read, without a read of its own', async () => {
		const first = await cachedTemplateVariants(context(), 'order_confirmation');
		expect(first.map((variant) => variant.language).sort()).toEqual(['en_US', 'es', 'pt_BR']);
		clearManagementCache();
		expect(await cachedTemplateVariants(context(), 'order_confirmation')).toEqual(first);
		expect(templateReads()).toBe(1);
		// Kept in Redis under a hashed key, for five minutes at most.
		const client = new Redis(redis.url);
		try {
			const keys = await client.keys('wa-cache:*');
			expect(keys).toHaveLength(1);
			expect(keys[0]).not.toContain('order_confirmation');
			expect(await client.pttl(keys[0])).toBeLessThanOrEqual(5 * 60_000);
		} finally {
			client.disconnect();
		}
	});

	it('a forget in one process (Meta refused a send) makes the others read afresh', async () => {
		await cachedTemplateVariants(context(), 'order_confirmation');
		await forgetTemplateVariants(credentials, 'order_confirmation');
		clearManagementCache();
		await cachedTemplateVariants(context(), 'order_confirmation');
		expect(templateReads()).toBe(2);
	});
});
