/**
 * The ledger through a real redis-server: what one process records another reads, statuses never go back, one
 * answer takes one wait once across processes, every key expires, and memory answers when Redis is gone.
 */
import Redis from 'ioredis';
import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import { closeRedisClients } from '../redis';
import { getConversationLedger } from '.';
import { MemoryLedger } from './memory';
import { LEDGER_KEY_PREFIX, RedisLedger } from './redis';
import { whenStatusesSettle } from './reading';
import { STATUS_TTL_MS, WINDOW_MS, type PendingWait } from './types';
import { clearConversationLedgers } from '../../../test/support/testHooks';

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips.
const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

const HOUR = 60 * 60 * 1000;

describeWithRedis('the ledger through Redis', () => {
	let redis: TestRedis;
	const clients: Redis[] = [];

	/** A ledger as one n8n process holds it: its own connection and its own memory. */
	function processLedger(onFallback?: (error: Error) => void): RedisLedger {
		const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 500, retryStrategy: () => 100 });
		client.on('error', () => undefined);
		clients.push(client);
		return new RedisLedger({ client: () => client, memory: new MemoryLedger(), onFallback, timeoutMs: 500, keySecret: Buffer.from('test') });
	}

	async function inspector(): Promise<Redis> {
		const client = new Redis(redis.url);
		clients.push(client);
		return client;
	}

	function waitFor(overrides: Partial<PendingWait> = {}): PendingWait {
		const now = Date.now();
		return {
			id: 'exec-1:node:0',
			phoneNumberId: '1001',
			contact: '15550001111',
			messageId: 'wamid.ASK1',
			resumeUrl: 'http://n8n/webhook-waiting/1',
			responseType: 'approval',
			createdAt: now,
			expiresAt: now + HOUR,
			...overrides,
		};
	}

	beforeAll(async () => {
		redis = await startRedis();
	});

	afterEach(async () => {
		await Promise.all(clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
		await closeRedisClients();
		clearConversationLedgers();
	});

	afterAll(async () => {
		await redis?.stop();
	});

	beforeEach(async () => {
		const client = await inspector();
		await client.flushall();
	});

	it('one process reads the window, status and heartbeat another recorded', async () => {
		const main = processLedger();
		const worker = processLedger();
		const now = Date.now();
		await main.recordFacts({
			inbound: [{ phoneNumberId: '1001', contact: '15550001111', at: now }],
			statuses: [{ messageId: 'wamid.1', record: { state: 'delivered', at: now } }],
			triggerSeen: [{ phoneNumberId: '1001', at: now }],
		});
		expect(await worker.windowOpenUntil('1001', '15550001111', now)).toBe(now + WINDOW_MS);
		expect(await worker.statusOf('wamid.1')).toEqual({ state: 'delivered', at: now });
		expect(await worker.triggerSeenAt('1001')).toBe(now);
		expect(worker.memory.sizes).toMatchObject({ windows: 0, statuses: 0, heartbeats: 0 });
	});

	it('never downgrades a status, and keeps failed with its error', async () => {
		const ledger = processLedger();
		const error = { code: 131026, title: 'Message undeliverable' };
		await ledger.recordStatus('wamid.1', { state: 'read', at: 3 });
		await processLedger().recordStatus('wamid.1', { state: 'delivered', at: 2 });
		expect(await ledger.statusOf('wamid.1')).toEqual({ state: 'read', at: 3 });
		await ledger.recordStatus('wamid.2', { state: 'failed', at: 1, error });
		await ledger.recordStatus('wamid.2', { state: 'read', at: 2 });
		expect(await processLedger().statusOf('wamid.2')).toEqual({ state: 'failed', at: 1, error });
	});

	it('gives every key an expiry: 24 h after the last inbound and heartbeat, 7 days for statuses, a wait’s own limit', async () => {
		const ledger = processLedger();
		const client = await inspector();
		const now = Date.now();
		await ledger.recordFacts({
			inbound: [{ phoneNumberId: '1001', contact: 'c', at: now - HOUR }],
			statuses: [{ messageId: 'wamid.1', record: { state: 'sent', at: now } }],
			triggerSeen: [{ phoneNumberId: '1001', at: now }],
		});
		await ledger.addWait(waitFor({ expiresAt: now + HOUR }));
		const keys = await client.keys(`${LEDGER_KEY_PREFIX}*`);
		expect(keys).toHaveLength(6);
		const ttl = async (key: string) => client.pttl(key);
		expect(await ttl(ledger.key('w', '1001', 'c'))).toBeLessThanOrEqual(WINDOW_MS - HOUR);
		expect(await ttl(ledger.key('w', '1001', 'c'))).toBeGreaterThan(WINDOW_MS - 2 * HOUR);
		expect(await ttl(ledger.key('s', 'wamid.1'))).toBeGreaterThan(STATUS_TTL_MS - HOUR);
		expect(await ttl(ledger.key('t', '1001'))).toBeGreaterThan(WINDOW_MS - HOUR);
		const waits = ledger.waitKeys('1001', '15550001111');
		for (const key of [waits.wait('exec-1:node:0'), waits.asked('wamid.ASK1'), waits.queue]) {
			expect(await ttl(key)).toBeGreaterThan(0);
			expect(await ttl(key)).toBeLessThanOrEqual(HOUR);
		}
	});

	it('names its keys by keyed hashes (no phone number or message ID in Redis), under the credential\'s token: another token reads nothing', async () => {
		const mine = getConversationLedger({ redisUrl: redis.url, accessToken: 'token-A' });
		await mine.recordInbound('1001', '16505551234', Date.now());
		await mine.recordStatus('wamid.SECRET', { state: 'read', at: Date.now() });
		const keys = await (await inspector()).keys(`${LEDGER_KEY_PREFIX}*`);
		expect(keys).toHaveLength(2);
		for (const key of keys) expect(key).toMatch(/^whatsapp-cloud:conversations:[a-z]+:[A-Za-z0-9_-]{22}$/);
		clearConversationLedgers();
		expect(await getConversationLedger({ redisUrl: redis.url, accessToken: 'token-A' }).windowOpenUntil('1001', '16505551234', Date.now())).toBeDefined();
		expect(await getConversationLedger({ redisUrl: redis.url, accessToken: 'token-B' }).windowOpenUntil('1001', '16505551234', Date.now())).toBeUndefined();
		expect(await getConversationLedger({ redisUrl: redis.url, accessToken: 'token-B' }).statusOf('wamid.SECRET')).toBeUndefined();
	});

	it('does not record an inbound message older than the window at all', async () => {
		const ledger = processLedger();
		await ledger.recordInbound('1001', 'c', Date.now() - WINDOW_MS - 1000);
		expect(await (await inspector()).exists(ledger.key('w', '1001', 'c'))).toBe(0);
	});

	it('closes a window for every process', async () => {
		const now = Date.now();
		const main = processLedger();
		await main.recordInbound('1001', 'c', now);
		await processLedger().closeWindow('1001', 'c');
		expect(await main.windowOpenUntil('1001', 'c', now)).toBeUndefined();
	});

	it('lets one answer take one wait once, however many processes receive it', async () => {
		await processLedger().addWait(waitFor());
		const ledgers = Array.from({ length: 8 }, () => processLedger());
		const taken = await Promise.all(ledgers.map((ledger) => ledger.takeWaitFor('1001', '15550001111', undefined, Date.now())));
		expect(taken.filter(Boolean)).toHaveLength(1);
		expect(taken.find(Boolean)).toEqual(waitFor({ createdAt: taken.find(Boolean)!.createdAt, expiresAt: taken.find(Boolean)!.expiresAt }));
		expect(await (await inspector()).keys(`${LEDGER_KEY_PREFIX}*`)).toEqual([]);
	});

	it('takes the quoted wait first, then the contact’s latest, and never an expired or removed one', async () => {
		const ledger = processLedger();
		const now = Date.now();
		await ledger.addWait(waitFor({ id: 'a', messageId: 'wamid.A', createdAt: now }));
		await ledger.addWait(waitFor({ id: 'b', messageId: 'wamid.B', createdAt: now + 1 }));
		await ledger.addWait(waitFor({ id: 'c', messageId: 'wamid.C', createdAt: now + 2 }));
		await ledger.addWait(waitFor({ id: 'late', messageId: 'wamid.L', createdAt: now + 3, expiresAt: now + 1000 }));
		await ledger.removeWait(waitFor({ id: 'c' }));
		const other = processLedger();
		expect((await other.takeWaitFor('1001', '15550001111', 'wamid.A', now + 2000))?.id).toBe('a');
		expect((await other.takeWaitFor('1001', '15550001111', 'wamid.UNKNOWN', now + 2000))?.id).toBe('b');
		expect(await other.takeWaitFor('1001', '15550001111', undefined, now + 2000)).toBeUndefined();
		expect(await other.takeWaitFor('1002', '15550001111', undefined, now)).toBeUndefined();
	});

	it('tells in one call which senders another process left a wait for, and says every sender may be waited for when Redis is gone', async () => {
		const asker = processLedger();
		const trigger = processLedger();
		await asker.addWait(waitFor());
		const senders = [
			{ phoneNumberId: '1001', contact: '15550001111' },
			{ phoneNumberId: '1001', contact: '15550002222' },
			{ phoneNumberId: '1002', contact: '15550001111' },
		];
		expect(await trigger.contactsWaiting(senders)).toEqual([true, false, false]);
		await trigger.takeWaitFor('1001', '15550001111', undefined, Date.now());
		expect(await trigger.contactsWaiting(senders)).toEqual([false, false, false]);
		await redis.kill();
		try {
			expect(await trigger.contactsWaiting(senders)).toEqual([true, true, true]);
		} finally {
			await redis.restart();
		}
	});

	it('answers from memory when Redis is gone, and says so once', async () => {
		const outages: Error[] = [];
		const ledger = processLedger((error) => outages.push(error));
		await redis.kill();
		try {
			const now = Date.now();
			await ledger.recordInbound('1001', 'c', now);
			await ledger.recordStatus('wamid.1', { state: 'delivered', at: now });
			expect(await ledger.windowOpenUntil('1001', 'c', now)).toBe(now + WINDOW_MS);
			expect(await ledger.statusOf('wamid.1')).toEqual({ state: 'delivered', at: now });
			expect(ledger.fallingBack).toBe(true);
			expect(outages).toHaveLength(1);
		} finally {
			await redis.restart();
		}
	});

	it('getConversationLedger shares one Redis ledger per target, and keeps memory alone without Redis', () => {
		const shared = getConversationLedger({ redisUrl: redis.url });
		expect(shared.kind).toBe('redis');
		expect(getConversationLedger({ redisUrl: redis.url })).toBe(shared);
		expect(getConversationLedger({ env: {} }).kind).toBe('memory');
		expect(getConversationLedger({ env: { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_PORT: String(redis.port) } }).kind).toBe('redis');
	});

	it('a bad Redis URL keeps the ledger in memory and says why', () => {
		const reasons: string[] = [];
		const ledger = getConversationLedger({ redisUrl: 'not a url', env: {}, onFallback: (error) => reasons.push(error.message) });
		expect(ledger.kind).toBe('memory');
		expect(reasons[0]).toMatch(/not a URL/);
	});

	it('a sender waiting for statuses sees the ones another process records in Redis', async () => {
		const sender = processLedger();
		const trigger = processLedger();
		const settled = whenStatusesSettle(sender, ['wamid.1', 'wamid.2'], 30_000, 20);
		await trigger.recordStatus('wamid.1', { state: 'delivered', at: 1 });
		await trigger.recordStatus('wamid.2', { state: 'failed', at: 2, error: { code: 131026 } });
		expect(await settled).toEqual([
			{ state: 'delivered', at: 1 },
			{ state: 'failed', at: 2, error: { code: 131026 } },
		]);
	});
});
