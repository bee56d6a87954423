/**
 * Two call families at the gate, as Meta counts them: management calls (the WABA, templates, phone numbers,
 * subscriptions) have their own rolling hour of 200, or 5,000 once the WABA has a registered number, and an 80007 on
 * one family never holds the other.
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ (WhatsApp Business Management API)
 */
import { startSimulator, type Simulator } from '../../../test/simulator';
import { redisAvailable, startRedis } from '../../../test/support/redis';
import { destroyGraphClients } from '../transport';
import type { WhatsAppCredentials } from '../transport/types';
import { getGateStatus, scheduleGraphCall, type GateCall } from '.';
import { credentialsFor, FAST_NUMBER, recipientFor, sendText } from './__tests__/helpers';
import { bareStore } from './__tests__/store';
import { configureGateForTests, gateRegistryForTests, resetGateForTests } from '../../../test/support/testHooks';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

beforeEach(async () => {
	await resetGateForTests();
	// A minute of `estimated_time_to_regain_access` lasts 1 s here.
	configureGateForTests({ timings: { minuteMs: 1000 } });
	sim.reset();
});

afterAll(async () => {
	await resetGateForTests();
});

/** A template read, declared as what it is (an object, not a literal, so older gates without families compile). */
function readTemplates(credentials: WhatsAppCredentials): Promise<unknown> {
	const call = { credentials, family: 'management' as const, request: { method: 'GET' as const, path: `/${sim.fixture.wabaId}/message_templates` } };
	return scheduleGraphCall(call as GateCall);
}

/** The simulator's request log as "METHOD path ok|refused", in arrival order. */
function requestLog(): string[] {
	return sim.requests().map((request) => `${request.method} ${request.path.replace(/^\/v[\d.]+/, '')} ${request.status === 200 ? 'ok' : 'refused'}`);
}

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const templatesPath = () => `/${sim.fixture.wabaId}/message_templates`;

it('holds only management calls after an 80007 on a template read: a send goes out meanwhile', async () => {
	const credentials = credentialsFor(sim);
	// 80007 with the usage header: two (scaled) minutes to regain access.
	sim.scriptFaults([{ path: '/message_templates', method: 'GET', action: { kind: 'error', code: 80007, retryAfterMs: 2 * 60_000 } }]);
	const read = readTemplates(credentials);
	await until(() => sim.counters().rejectedByCode['80007'] === 1);
	await sendText(credentials, 'during the management pause', recipientFor(1));
	const status = getGateStatus(credentials);
	expect(status.find((row) => row.scope === 'wabaManagement')?.pausedUntil).toEqual(expect.any(String));
	expect(status.find((row) => row.scope === 'waba')?.pausedUntil).toBeUndefined();
	await read;
	expect(requestLog()).toEqual([`GET ${templatesPath()} refused`, `POST /${FAST_NUMBER}/messages ok`, `GET ${templatesPath()} ok`]);
});

it('holds only sends after an 80007 on a send: a template read goes out meanwhile', async () => {
	const credentials = credentialsFor(sim);
	sim.scriptFaults([{ path: '/messages', action: { kind: 'error', code: 80007, retryAfterMs: 2 * 60_000 } }]);
	const send = sendText(credentials, 'after the messaging pause', recipientFor(1));
	await until(() => sim.counters().rejectedByCode['80007'] === 1);
	await readTemplates(credentials);
	const status = getGateStatus(credentials);
	expect(status.find((row) => row.scope === 'waba')?.pausedUntil).toEqual(expect.any(String));
	expect(status.find((row) => row.scope === 'wabaManagement')?.pausedUntil).toBeUndefined();
	await send;
	expect(requestLog()).toEqual([`POST /${FAST_NUMBER}/messages refused`, `GET ${templatesPath()} ok`, `POST /${FAST_NUMBER}/messages ok`]);
});

it('counts management calls in their own hour, apart from the messaging budget, in a row of their own', async () => {
	const credentials = credentialsFor(sim, { hourlyCallBudget: 1000 });
	await sendText(credentials, 'hello', recipientFor(1));
	// A phone-number read is messaging unless declared otherwise (media and the like).
	await scheduleGraphCall({ credentials, request: { method: 'GET', path: `/${FAST_NUMBER}` } });
	await readTemplates(credentials);
	await readTemplates(credentials);
	await readTemplates(credentials);
	const messaging = getGateStatus(credentials).find((row) => row.scope === 'waba');
	const management = getGateStatus(credentials).find((row) => row.scope === 'wabaManagement');
	expect(messaging).toMatchObject({ id: sim.fixture.wabaId, sentLastHour: 2, hourlyBudget: 1000, budgetLeft: 998 });
	// The credential says the WABA has registered numbers: Meta's 5,000.
	expect(management).toMatchObject({ id: sim.fixture.wabaId, sentLastHour: 3, hourlyBudget: 5000, budgetLeft: 4997 });
});

it('allows 200 management calls an hour until it knows the WABA has a registered number, then 5,000', async () => {
	const credentials = credentialsFor(sim, { registeredNumbers: 0 });
	const first = readTemplates(credentials);
	expect(getGateStatus(credentials).find((row) => row.scope === 'wabaManagement')?.hourlyBudget).toBe(200);
	await first;
	// The gate reads the WABA's numbers once (a management call too) and learns it has some.
	await until(() => sim.requests().some((request) => request.path.endsWith('/phone_numbers') && request.status === 200));
	await readTemplates(credentials);
	const management = getGateStatus(credentials).find((row) => row.scope === 'wabaManagement');
	expect(management).toMatchObject({ hourlyBudget: 5000, sentLastHour: 3 });
});

// Skipped only on a developer machine without redis-server; CI (which installs it) never skips.
const itWithRedis = redisAvailable() || process.env.CI ? it : it.skip;

itWithRedis("shares the management hour's pause through Redis under a key of its own: another process's 80007 holds only management calls", async () => {
	const redis = await startRedis();
	try {
		const credentials = credentialsFor(sim, { redisUrl: redis.url });
		await sendText(credentials, 'before', recipientFor(1));
		await readTemplates(credentials);
		// Another worker's gate got 80007 on a management call and paused that hour for 1.5 s: this process learns it
		// through Redis only (the gate's own key names, as its registry holds them).
		const other = bareStore(redis.url);
		await until(() => other.usable());
		const managementKey = [...gateRegistryForTests().wabas.keys()].find((key) => key.endsWith('|management'))!;
		await other.pauseWaba(managementKey, 1500);
		await other.close();
		sim.reset();
		const read = readTemplates(credentials);
		await sendText(credentials, 'during the pause', recipientFor(2));
		await read;
		expect(requestLog()).toEqual([`POST /${FAST_NUMBER}/messages ok`, `GET ${templatesPath()} ok`]);
	} finally {
		await resetGateForTests();
		await redis.stop();
	}
});
