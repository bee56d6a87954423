/**
 * Tenancy on a shared n8n (issue 24, item 1): another user's credential with a made-up token and the victim's phone
 * number ID (seen in a webhook) can neither slow the victim's broadcast, nor read its counters in Rate Limiter → Get
 * Status, nor get the media ID of bytes the victim uploaded. Meta's limit is per number whatever the token, so the
 * credentials that proved access to a number (a 2xx with their own token on its path) share its lane; the others
 * do not touch it. Against the simulator over real HTTP; the simulator answers an unknown token as Meta does, 401 with
 * code 190 (https://developers.facebook.com/docs/graph-api/guides/error-handling/). A Redis login (URL, user,
 * password) serves only the credentials that name it: a real redis-server with an ACL user checks who gets in.
 */
import Redis from 'ioredis';

import { startSimulator, type Simulator } from '../simulator';
import { redisAvailable, startRedis, type TestRedis } from '../support/redis';
import { getGateStatus, sharedEntriesFor } from '../../nodes/shared/limiter';
import { credentialsFor, FAST_NUMBER, recipientFor, sendText } from '../../nodes/shared/limiter/__tests__/helpers';
import { uploadMediaCached } from '../../nodes/shared/media';
import { destroyGraphClients, type WhatsAppCredentials } from '../../nodes/shared/transport';
import { closeRedisClients, getRedisClient, resolveRedisTarget } from '../../nodes/shared/redis';
import { clearMediaCache, resetGateForTests } from '../support/testHooks';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	await resetGateForTests();
	destroyGraphClients();
	await sim.stop();
});

beforeEach(async () => {
	await resetGateForTests();
	clearMediaCache();
	sim.reset();
});

/** Another project's credential: a token Meta never issued, the victim's WABA, a crawl of 0.001 msg/s and a budget of 1 call an hour. */
function attackerCredentials(): WhatsAppCredentials {
	return credentialsFor(sim, {
		accessToken: 'EAAGmadeUpTokenOfAnotherProject000000',
		throughputTier: 'custom',
		customMessagesPerSecond: 0.001,
		registeredNumbers: 1,
		hourlyCallBudget: 1,
	});
}

/** Sends `count` texts and settles them all, in a bound generous enough that only a crawl misses it. */
async function broadcast(credentials: WhatsAppCredentials, count: number, from = 0): Promise<Array<PromiseSettledResult<unknown>>> {
	const sends = Promise.allSettled(Array.from({ length: count }, (_, index) => sendText(credentials, `broadcast ${from + index}`, recipientFor(from + index))));
	const crawl = new Promise<'crawled'>((resolve) => setTimeout(() => resolve('crawled'), 20_000).unref());
	const outcome = await Promise.race([sends, crawl]);
	if (outcome === 'crawled') throw new Error(`the broadcast of ${count} did not finish within 20 s: the number's lane crawls`);
	return outcome;
}

/** The attacker's sends, left running: at its own 0.001 msg/s they crawl, which is its own affair. */
function attack(count: number): Array<Promise<unknown>> {
	const attacker = attackerCredentials();
	return Array.from({ length: count }, (_, index) => {
		const send = sendText(attacker, `attack ${index}`, recipientFor(1000 + index));
		send.catch(() => undefined);
		return send;
	});
}

const numberRow = (credentials: WhatsAppCredentials) => getGateStatus(credentials).find((row) => row.scope === 'phoneNumber' && row.id === FAST_NUMBER);

describe("a made-up token with the victim's number ID", () => {
	test("cannot lower the number's pace or the WABA's budget: the victim's broadcast keeps its 80 msg/s while the attacker sends", async () => {
		const victim = credentialsFor(sim);
		const first = await broadcast(victim, 5);
		expect(first.every((result) => result.status === 'fulfilled')).toBe(true);
		// The attacker sends while the victim's broadcast runs.
		const attacks = attack(5);
		const rest = await broadcast(victim, 40, 5);
		expect(rest.every((result) => result.status === 'fulfilled')).toBe(true);
		await expect(attacks[0]).rejects.toThrow();
		expect(numberRow(victim)).toMatchObject({ messagesPerSecond: 80 });
		expect(getGateStatus(victim).find((row) => row.scope === 'waba')).toMatchObject({ hourlyBudget: 3 * 1_800_000 });
		// The attacker's one probe an hour went through; its other calls never reached the victim's lane.
		expect(numberRow(victim)?.sentLastHour).toBeLessThanOrEqual(45 + 1);
	});

	test('cannot set the pace of a number it reached first, in a fresh process: the victim arriving next goes at its own', async () => {
		attack(3);
		const victim = credentialsFor(sim);
		const sends = await broadcast(victim, 20);
		expect(sends.every((result) => result.status === 'fulfilled')).toBe(true);
		expect(numberRow(victim)).toMatchObject({ messagesPerSecond: 80 });
	});

	test("cannot rebind a number nobody has claimed yet to its own WABA budget of 1 while the victim's first calls are in flight", async () => {
		const victim = credentialsFor(sim);
		const sends = broadcast(victim, 20);
		// Same tick: the victim's lane is open, no call of it has answered, so nobody has proved access yet.
		const attacker = { ...attackerCredentials(), wabaId: '999999999999999' };
		const attacks = Array.from({ length: 3 }, (_, index) => sendText(attacker, `attack ${index}`, recipientFor(2000 + index)).catch(() => undefined));
		const results = await sends;
		expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
		expect(getGateStatus(victim).find((row) => row.scope === 'waba')).toMatchObject({ hourlyBudget: 3 * 1_800_000 });
		void attacks;
	});

	test('a colleague with a token of its own that Meta accepts shares the lane once its first call succeeded', async () => {
		const victim = credentialsFor(sim);
		await broadcast(victim, 5);
		// Another token with access to the number (the simulator accepts the app's token as Meta would a system user's).
		const colleague = credentialsFor(sim, { accessToken: `${sim.fixture.appId}|${sim.fixture.appSecret}` });
		const sends = await broadcast(colleague, 10, 100);
		expect(sends.every((result) => result.status === 'fulfilled')).toBe(true);
		// One lane, one count: both see the 15 calls.
		expect(numberRow(colleague)).toMatchObject({ sentLastHour: 15 });
		expect(numberRow(victim)).toMatchObject({ sentLastHour: 15 });
	});

	test("reads none of the victim's counters in Get Status: neither the number nor the WABA's hours", async () => {
		const victim = credentialsFor(sim);
		await broadcast(victim, 3);
		await expect(attack(1)[0]).rejects.toThrow();
		const seen = getGateStatus(attackerCredentials());
		expect(seen.find((row) => row.scope === 'phoneNumber' && row.id === FAST_NUMBER && row.sentLastHour >= 3)).toBeUndefined();
		expect(seen.filter((row) => row.sentLastHour >= 3)).toEqual([]);
		// The victim still sees its own (and the attacker's one probe, counted on the number as any call).
		expect(numberRow(victim)?.sentLastHour).toBeGreaterThanOrEqual(3);
	});

	test('gets no media ID for bytes the victim uploaded without a call to Meta of its own', async () => {
		const victim = credentialsFor(sim);
		const bytes = Buffer.from('%PDF-1.4 the victim’s invoice\n');
		const uploaded = await uploadMediaCached({ credentials: victim, phoneNumberId: FAST_NUMBER, data: bytes, mimeType: 'application/pdf', fileName: 'invoice.pdf' });
		const uploadsBefore = sim.requests().filter((request) => request.path.endsWith('/media')).length;
		const attempt = uploadMediaCached({ credentials: attackerCredentials(), phoneNumberId: FAST_NUMBER, data: bytes, mimeType: 'application/pdf', fileName: 'invoice.pdf' });
		await expect(attempt).rejects.toThrow();
		expect(sim.requests().filter((request) => request.path.endsWith('/media')).length).toBe(uploadsBefore + 1);
		// The victim's own repeat is still served from its cache.
		const again = await uploadMediaCached({ credentials: victim, phoneNumberId: FAST_NUMBER, data: bytes, mimeType: 'application/pdf', fileName: 'invoice.pdf' });
		expect(again).toMatchObject({ mediaId: uploaded.mediaId, fromCache: true });
	});
});

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips.
const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

describeWithRedis('Redis logins', () => {
	let redis: TestRedis;
	let admin: Redis;

	beforeAll(async () => {
		redis = await startRedis();
		admin = new Redis(redis.port, '127.0.0.1');
		// A tenant's own login; the default user stays open for the admin's connection only.
		await admin.call('ACL', 'SETUSER', 'tenant', 'on', '>first-password', '~*', '&*', '+@all');
	});

	afterAll(async () => {
		await resetGateForTests();
		await closeRedisClients();
		admin.disconnect();
		await redis.stop();
	});

	const urlWith = (password: string) => `redis://tenant:${password}@127.0.0.1:${redis.port}`;

	/** Whether the webhook's connection for this URL gets in: ready, or its first error (a refused login). */
	async function webhookGetsIn(url: string): Promise<boolean> {
		const client = getRedisClient(resolveRedisTarget(url, {})!);
		if (client.status !== 'ready') {
			await new Promise<void>((resolve) => {
				client.once('ready', () => resolve());
				client.once('error', () => resolve());
			});
		}
		return client.status === 'ready' && (await client.ping()) === 'PONG';
	}

	test("another credential never rides on a tenant's login, and a rotated password is used at once (gate and webhook)", async () => {
		const tenant = credentialsFor(sim, { redisUrl: urlWith('first-password') });
		expect(await sharedEntriesFor(tenant)).toBeDefined();
		expect(await webhookGetsIn(urlWith('first-password'))).toBe(true);
		// Someone who knows the host and the user name, not the password.
		const guesser = credentialsFor(sim, { redisUrl: urlWith('a-guess') });
		expect(await sharedEntriesFor(guesser)).toBeUndefined();
		expect(await webhookGetsIn(urlWith('a-guess'))).toBe(false);
		// The tenant rotates its password: the server drops the old login's connections, the credential is edited.
		await admin.call('ACL', 'SETUSER', 'tenant', 'resetpass', '>second-password');
		await admin.call('CLIENT', 'KILL', 'USER', 'tenant');
		const rotated = credentialsFor(sim, { redisUrl: urlWith('second-password') });
		expect(await sharedEntriesFor(rotated)).toBeDefined();
		expect(await webhookGetsIn(urlWith('second-password'))).toBe(true);
	});
});
