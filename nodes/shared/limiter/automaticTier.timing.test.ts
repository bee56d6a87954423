/**
 * The Automatic throughput tier against the simulator's three numbers (STANDARD 80, HIGH 1,000, and one shared with
 * the WhatsApp Business app at 20), asserted at the simulator: its peak per sliding second and its 130429s.
 * Meta: https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput (80 by default, 1,000 by
 * automatic upgrade, 20 for a number also used in the Business app; `GET /{phone-number-id}?fields=throughput`);
 * a shared number answers `is_on_biz_app: true`:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/embedded-signup/onboarding-business-app-users
 */
import { getGateStatus, type GateTimings } from '.';
import { credentialsFor, FAST_NUMBER, recipientFor, sendText, warmUp } from './__tests__/helpers';
import { startSimulatorProcess, type SimulatorProcess } from './__tests__/simulatorClient';
import type { WhatsAppCredentials } from '../transport/types';
import { configureGateForTests, resetGateForTests } from '../../../test/support/testHooks';

const BUSINESS_APP_NUMBER = '300000000000003';
const FAST_TIMINGS: Partial<GateTimings> = { throttleRetryMs: 100, recoveryIntervalMs: 250, recoveryStep: 0.1 };
const BASELINE = { latency: { median: 10, p90: 25, p99: 40, max: 60, min: 3 }, mps: {}, pairBurst: 45, pairIntervalMs: 6000 };

let sim: SimulatorProcess;

beforeAll(async () => {
	sim = await startSimulatorProcess(BASELINE);
});

afterAll(async () => {
	await resetGateForTests();
	await sim?.stop();
});

beforeEach(async () => {
	await resetGateForTests();
	configureGateForTests({ timings: FAST_TIMINGS });
	await sim.configure(BASELINE);
	await warmUp(credentialsFor(sim));
	await sim.reset();
});

/** The simulator's requests for a number's throughput: `fields=…` as the gate asked. */
async function throughputReads(phoneNumberId: string): Promise<string[]> {
	const response = await fetch(`${sim.url}/_sim/requests`);
	const { requests } = (await response.json()) as { requests: Array<{ method: string; path: string; query: string; status?: number }> };
	return requests
		.filter((request) => request.method === 'GET' && request.path.endsWith(`/${phoneNumberId}`) && request.query.includes('throughput'))
		.map((request) => `${decodeURIComponent(request.query)} ${request.status}`);
}

function sendMany(credentials: WhatsAppCredentials, count: number, phoneNumberId: string, from = 0): Promise<unknown[]> {
	return Promise.all(Array.from({ length: count }, (_, i) => sendText(credentials, `m${from + i}`, recipientFor(from + i), phoneNumberId)));
}

const numberRow = (credentials: WhatsAppCredentials, id: string) => getGateStatus(credentials).find((row) => row.scope === 'phoneNumber' && row.id === id);

it('paces a number Meta calls HIGH at 1,000 messages per second, above Standard’s 80, with no 130429', async () => {
	const credentials = credentialsFor(sim, { throughputTier: 'automatic' });
	await sendMany(credentials, 400, FAST_NUMBER);
	const counters = await sim.counters();
	expect(counters.rejectedByCode['130429'] ?? 0).toBe(0);
	expect(counters.peakPerSecond[FAST_NUMBER]).toBeGreaterThan(80);
	expect(counters.peakPerSecond[FAST_NUMBER]).toBeLessThanOrEqual(1000);
	expect(numberRow(credentials, FAST_NUMBER)?.messagesPerSecond).toBe(1000);
	expect(await throughputReads(FAST_NUMBER)).toEqual(['fields=throughput,is_on_biz_app 200']);
});

it('paces a number shared with the WhatsApp Business app at 20, from its first message on, with no 130429', async () => {
	const credentials = credentialsFor(sim, { throughputTier: 'automatic' });
	await sendMany(credentials, 50, BUSINESS_APP_NUMBER);
	const counters = await sim.counters();
	expect(counters.rejectedByCode['130429'] ?? 0).toBe(0);
	expect(counters.peakPerSecond[BUSINESS_APP_NUMBER]).toBeLessThanOrEqual(20);
	expect(numberRow(credentials, BUSINESS_APP_NUMBER)?.messagesPerSecond).toBe(20);
});

it('a manual tier overrides what Meta says, and Meta is not asked', async () => {
	const credentials = credentialsFor(sim, { throughputTier: 'standard' });
	await sendMany(credentials, 120, FAST_NUMBER);
	expect((await sim.counters()).peakPerSecond[FAST_NUMBER]).toBeLessThanOrEqual(80);
	expect(numberRow(credentials, FAST_NUMBER)?.messagesPerSecond).toBe(80);
	expect(await throughputReads(FAST_NUMBER)).toEqual([]);
});

it('switching a number from Automatic to a manual tier applies the manual rate at once', async () => {
	await sendMany(credentialsFor(sim, { throughputTier: 'automatic' }), 5, FAST_NUMBER);
	const manual = credentialsFor(sim, { throughputTier: 'businessApp' });
	await sendText(manual, 'manual', recipientFor(100));
	expect(numberRow(manual, FAST_NUMBER)?.messagesPerSecond).toBe(20);
});

it('reads through the management family: one management call, counted in its own hour, not in the messaging budget', async () => {
	const credentials = credentialsFor(sim, { throughputTier: 'automatic' });
	await sendMany(credentials, 30, FAST_NUMBER);
	await sendMany(credentials, 30, FAST_NUMBER, 30);
	const status = getGateStatus(credentials);
	expect(status.find((row) => row.scope === 'wabaManagement')?.sentLastHour).toBe(1);
	expect(status.find((row) => row.scope === 'waba')?.sentLastHour).toBe(60);
	expect(await throughputReads(FAST_NUMBER)).toHaveLength(1);
});

it('reads again once its answer is older than the interval', async () => {
	configureGateForTests({ timings: { ...FAST_TIMINGS, throughputReadIntervalMs: 200 } });
	const credentials = credentialsFor(sim, { throughputTier: 'automatic' });
	await sendMany(credentials, 10, FAST_NUMBER);
	await new Promise((resolve) => setTimeout(resolve, 250));
	await sendMany(credentials, 10, FAST_NUMBER, 10);
	expect(numberRow(credentials, FAST_NUMBER)?.messagesPerSecond).toBe(1000);
	expect(await throughputReads(FAST_NUMBER)).toHaveLength(2);
});

it('asks for the level alone when the Graph version refuses is_on_biz_app', async () => {
	await sim.scriptFaults([
		{
			method: 'GET',
			path: `/${FAST_NUMBER}`,
			query: 'is_on_biz_app',
			action: { kind: 'error', code: 100, message: '(#100) Tried accessing nonexisting field (is_on_biz_app) on node type (WhatsAppBusinessPhoneNumber)' },
		},
	]);
	const credentials = credentialsFor(sim, { throughputTier: 'automatic' });
	await sendMany(credentials, 10, FAST_NUMBER);
	expect(await throughputReads(FAST_NUMBER)).toEqual(['fields=throughput,is_on_biz_app 400', 'fields=throughput 200']);
	expect(numberRow(credentials, FAST_NUMBER)?.messagesPerSecond).toBe(1000);
});

it('a management pause (80007) never holds an Automatic number’s first messages: they go at 80 until Meta answers', async () => {
	const credentials = credentialsFor(sim, { throughputTier: 'automatic' });
	// A template read gets 80007 with two minutes to regain access (scaled to 2 s): the management family pauses.
	configureGateForTests({ timings: { ...FAST_TIMINGS, minuteMs: 1000 } });
	await sim.scriptFaults([{ path: '/message_templates', method: 'GET', action: { kind: 'error', code: 80007, retryAfterMs: 2 * 60_000 } }]);
	const { scheduleGraphCall } = await import('.');
	const read = scheduleGraphCall({ credentials, family: 'management', request: { method: 'GET', path: `/${sim.fixture.wabaId}/message_templates` } });
	const managementPaused = () => getGateStatus(credentials).find((row) => row.scope === 'wabaManagement')?.pausedUntil !== undefined;
	while (!managementPaused()) await new Promise((resolve) => setTimeout(resolve, 5));
	await sendMany(credentials, 5, FAST_NUMBER);
	expect(await throughputReads(FAST_NUMBER)).toEqual([]);
	expect(numberRow(credentials, FAST_NUMBER)?.messagesPerSecond).toBe(80);
	await read;
});

it('a failed read leaves the number at 80 and lets its messages go', async () => {
	await sim.scriptFaults([{ method: 'GET', path: `/${FAST_NUMBER}`, query: 'throughput', action: { kind: 'error', code: 200, message: '(#200) Permissions error' } }]);
	const credentials = credentialsFor(sim, { throughputTier: 'automatic' });
	await sendMany(credentials, 10, FAST_NUMBER);
	expect(numberRow(credentials, FAST_NUMBER)?.messagesPerSecond).toBe(80);
	expect((await sim.log()).length).toBe(10);
});
