/**
 * Redis, as the pack reaches it (issue 24, items 2 and 5): a Redis URL a user puts in a credential obeys n8n's SSRF
 * protection like the Graph calls (n8n's own queue Redis, the admin's, does not), and a server without the October
 * 2025 Lua fixes is named in one warning per server. A fake Redis speaking RESP stands in for the server, so the
 * version it reports and every connection it gets are under the test's control.
 */

import type { GateEnvironment } from '../../nodes/shared/limiter/gate';
import { RedisStore } from '../../nodes/shared/limiter/redis';
import type { WhatsAppCredentials } from '../../nodes/shared/transport';
import { closeRedisClients, getRedisClient, resolveRedisTarget } from '../../nodes/shared/redis';
import { forgetRedisVersionChecks } from '../support/testHooks';
import { startFakeRedis, type FakeRedis } from '../support/fakeRedis';

const fakes: FakeRedis[] = [];
const stores: RedisStore[] = [];

async function fakeRedis(version: string): Promise<FakeRedis> {
	const fake = await startFakeRedis({ redis_version: version, redis_mode: 'standalone', gcc_version: '12.2.0' });
	fakes.push(fake);
	return fake;
}

/** The gate's connection to the Redis a credential names, reporting what the gate would warn. */
function gateStore(credentials: Partial<WhatsAppCredentials>, env: NodeJS.ProcessEnv = {}) {
	const warnings: Array<{ topic: string; message: string }> = [];
	const target = resolveRedisTarget((credentials as WhatsAppCredentials).redisUrl, env);
	if (!target) throw new Error('expected a Redis target');
	const store = new RedisStore(target, {
		// The store only warns through its environment.
		warn: (topic: string, message: string) => void warnings.push({ topic, message }),
	} as unknown as GateEnvironment);
	stores.push(store);
	return { store, warnings };
}

/** Resolves with the first of the client's `ready` or `error`. */
function firstOutcome(client: { once(event: 'ready' | 'error', listener: (error?: Error) => void): unknown }): Promise<'ready' | Error> {
	return new Promise((resolve) => {
		client.once('ready', () => resolve('ready'));
		client.once('error', (error) => resolve(error ?? new Error('error')));
	});
}

/** Ready, and the version check that starts on ready has had its answer: ioredis answers commands in order. */
async function readyAndChecked(client: { once(event: 'ready' | 'error', listener: (error?: Error) => void): unknown; info(section: 'server'): Promise<string> }) {
	expect(await firstOutcome(client)).toBe('ready');
	await client.info('server');
}

afterEach(async () => {
	delete process.env.N8N_SSRF_PROTECTION_ENABLED;
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
	await Promise.all(stores.splice(0).map((store) => store.close()));
	await closeRedisClients();
	await Promise.all(fakes.splice(0).map((fake) => fake.close()));
	forgetRedisVersionChecks();
});

describe("a credential's Redis URL obeys n8n's SSRF protection", () => {
	test('the gate never connects to a Redis on a blocked address, and says why', async () => {
		const redis = await fakeRedis('8.2.2');
		process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
		const { store } = gateStore({ redisUrl: `redis://127.0.0.1:${redis.port}` });
		const outcome = await firstOutcome(store.client);
		expect(outcome).toBeInstanceOf(Error);
		expect((outcome as Error).message).toContain("n8n's SSRF protection");
		expect(redis.connections).toBe(0);
	});

	test('the webhook dedupe never connects to it either', async () => {
		const redis = await fakeRedis('8.2.2');
		process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
		const client = getRedisClient(resolveRedisTarget(`redis://127.0.0.1:${redis.port}`, {})!);
		const outcome = await firstOutcome(client);
		expect(outcome).toBeInstanceOf(Error);
		expect((outcome as Error).message).toContain("n8n's SSRF protection");
		expect(redis.connections).toBe(0);
	});

	test('an admin’s allowed range lets it through', async () => {
		const redis = await fakeRedis('8.2.2');
		process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
		process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
		const { store } = gateStore({ redisUrl: `redis://127.0.0.1:${redis.port}` });
		expect(await firstOutcome(store.client)).toBe('ready');
		expect(redis.connections).toBe(1);
	});

	test("n8n's own queue Redis (QUEUE_BULL_REDIS_*), the admin's choice, is not checked", async () => {
		const redis = await fakeRedis('8.2.2');
		process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
		const { store } = gateStore({}, { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redis.port) });
		expect(await firstOutcome(store.client)).toBe('ready');
	});
});

describe('a Redis without the 2025 Lua fixes is named once', () => {
	test('Redis 7.2.10 gets one warning naming the version, the fixed releases and the advisory, for the gate and the webhook together', async () => {
		const redis = await fakeRedis('7.2.10');
		const url = `redis://127.0.0.1:${redis.port}`;
		const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
		try {
			const { store, warnings } = gateStore({ redisUrl: url });
			await readyAndChecked(store.client);
			const versionWarnings = warnings.filter((warning) => warning.topic.startsWith('redis-version'));
			expect(versionWarnings).toHaveLength(1);
			const [first] = versionWarnings;
			expect(first.message).toContain('Redis 7.2.10');
			expect(first.message).toContain('7.2.11');
			expect(first.message).toContain('CVE-2025-49844');
			expect(first.message).toContain('https://github.com/redis/redis/security/advisories/GHSA-4789-qfc9-5f9q');
			// A second connection of the gate (another db) and the webhook's: the same server, no second warning.
			const again = gateStore({ redisUrl: `${url}/1` });
			await readyAndChecked(again.store.client);
			await readyAndChecked(getRedisClient(resolveRedisTarget(`${url}/2`, {})!));
			expect(again.warnings).toEqual([]);
			expect(consoleWarn.mock.calls.flat().join('\n')).not.toContain('7.2.10');
		} finally {
			consoleWarn.mockRestore();
		}
	});

	test("the webhook's connection warns too when it is the first to reach the server", async () => {
		const redis = await fakeRedis('7.0.15');
		const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
		try {
			await readyAndChecked(getRedisClient(resolveRedisTarget(`redis://127.0.0.1:${redis.port}`, {})!));
			const lines = consoleWarn.mock.calls.map((call) => call.join(' ')).filter((line) => line.includes('Redis 7.0.15'));
			expect(lines).toHaveLength(1);
			expect(lines[0]).toContain('Debian');
		} finally {
			consoleWarn.mockRestore();
		}
	});

	test('Redis 7.2.11 (fixed) gets no warning', async () => {
		const redis = await fakeRedis('7.2.11');
		const { store, warnings } = gateStore({ redisUrl: `redis://127.0.0.1:${redis.port}` });
		await readyAndChecked(store.client);
		expect(warnings.filter((warning) => warning.topic.startsWith('redis-version'))).toEqual([]);
	});
});
