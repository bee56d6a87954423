/**
 * Send Message and the business portfolio's messaging limit, in real workflows against the simulator (which enforces
 * the limit as Meta: unique people reached with templates outside a customer service window per moving 24 h, all the
 * portfolio's numbers together). Meta's rules and fields:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits ("Via API":
 * `GET /{phone-number-id}?fields=whatsapp_business_manager_messaging_limit` from v24.0, `messaging_limit_tier` before,
 * answer `{"whatsapp_business_manager_messaging_limit":"TIER_250","id":…}`) and
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/upcoming-messaging-limits-changes (the
 * limit moved from the number to the portfolio on 7 Oct 2025). The simulator's clock and the check's clock are one
 * fake clock: "a day later" costs no wall time.
 */
import type { INodeParameters } from 'n8n-workflow';

import { startSimulator, type Simulator } from '../../../test/simulator';
import { getConversationLedger, reachOf, REACH_WINDOW_MS } from '../../shared/conversations';
import { destroyGraphClients } from '../../shared/transport';
import { byId, HIGH_NUMBER, messageCalls, send, STANDARD_NUMBER } from './helpers';
import { clearConversationLedgers, clearManagementCache, messagingLimitClockForTests } from '../../../test/support/testHooks';

const T0 = Date.UTC(2026, 11, 5, 8, 0, 0);
let now = T0;
let sim: Simulator;
const messagingLimitClock = messagingLimitClockForTests();
const realClock = { ...messagingLimitClock };

const person = (n: number) => `1650555${String(n).padStart(4, '0')}`;
const people = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ recipient: person(from + i) }));
const hello = (phoneNumberId: string, sendOptions: INodeParameters = {}): INodeParameters => ({
	messageType: 'template',
	templateInputMode: 'manual',
	template: { __rl: true, mode: 'name', value: 'hello_world' },
	language: 'en_US',
	phoneNumberId: byId(phoneNumberId),
	recipient: '={{ $json.recipient }}',
	sendOptions,
});
const limitReads = (field: string) => sim.requests().filter((request) => request.method === 'GET' && decodeURIComponent(request.query).includes(field)).length;

beforeAll(async () => {
	// The simulator's clock stands still between steps: throughput and pair rate high enough never to fill.
	sim = await startSimulator({ latency: 'none', clock: () => now, pairBurst: 10_000, mps: { [STANDARD_NUMBER]: 100_000, [HIGH_NUMBER]: 100_000 } });
});

beforeEach(() => {
	now = T0;
	messagingLimitClock.now = () => now;
	messagingLimitClock.sleep = async (ms: number) => {
		now += ms;
	};
	sim.reset();
	sim.configure({ messagingLimitTier: 'TIER_250', inWindowRecipients: [] });
	clearConversationLedgers();
	clearManagementCache();
});

afterAll(async () => {
	Object.assign(messagingLimitClock, realClock);
	destroyGraphClients();
	await sim.stop();
});

describe('the messaging limit (Fail Before Sending, the default)', () => {
	it('sends to the first 250 people of TIER_250 and fails the rest before sending, naming the tier and when room frees; Meta refuses none', async () => {
		const result = await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 260), continueOnFail: true });
		const outputs = result.outputs('Send');
		expect(outputs.slice(0, 250).every((item) => typeof item.messageId === 'string')).toBe(true);
		expect(outputs[250].error).toBe(
			`Item 251: the business portfolio's messaging limit is reached: WhatsApp lets it reach 250 people (TIER_250) with templates outside a customer service window in any 24 hours, and 250 were reached since ${new Date(T0).toISOString()}; the next place frees at ${new Date(T0 + REACH_WINDOW_MS).toISOString()}. Nothing was sent to ${person(250)}.`,
		);
		expect(outputs[250].description).toContain('"Options › Past the Messaging Limit" to "Wait for Room"');
		expect(outputs.slice(250).every((item) => /^Item \d+: the business portfolio's messaging limit is reached/.test(String(item.error)))).toBe(true);
		expect(messageCalls(sim)).toBe(250);
		expect(sim.counters().rejectedByCode['131048']).toBeUndefined();
		// Read once, with the v24+ field (the credential is on v26.0).
		expect(limitReads('whatsapp_business_manager_messaging_limit')).toBe(1);
	});

	it('without Continue On Fail stops before any send and keeps no place for the items it did not send', async () => {
		const stopped = await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 251) });
		expect(stopped.nodeError('Send')?.message).toMatch(/^Item 251: the business portfolio's messaging limit is reached/);
		expect(messageCalls(sim)).toBe(0);
		const again = await send(sim, hello(HIGH_NUMBER), { inputItems: people(1000, 250) });
		expect(again.error).toBeUndefined();
		expect(messageCalls(sim)).toBe(250);
	});

	it("counts the portfolio's numbers and executions together, reading the limit once", async () => {
		await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 200) });
		const second = await send(sim, hello(STANDARD_NUMBER), { inputItems: people(200, 60), continueOnFail: true });
		const outputs = second.outputs('Send');
		expect(outputs.filter((item) => item.messageId).length).toBe(50);
		expect(outputs.filter((item) => item.error).length).toBe(10);
		expect(sim.counters().rejectedByCode['131048']).toBeUndefined();
		expect(limitReads('whatsapp_business_manager_messaging_limit')).toBe(1);
	});

	it('a template to someone who wrote in the last 24 hours, or already got one, takes no new place', async () => {
		await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 250) });
		// The customer wrote: the trigger records it in the ledger, and Meta's side has the window open.
		const wrote = person(900);
		await getConversationLedger({ accessToken: sim.fixture.accessToken }).recordInbound(HIGH_NUMBER, wrote, Date.now());
		sim.configure({ inWindowRecipients: [wrote] });
		const result = await send(sim, hello(HIGH_NUMBER), { inputItems: [{ recipient: wrote }, { recipient: person(7) }, { recipient: person(901) }], continueOnFail: true });
		const [windowed, reachedBefore, stranger] = result.outputs('Send');
		expect(windowed.messageId).toBeDefined();
		expect(reachedBefore.messageId).toBeDefined();
		expect(String(stranger.error)).toMatch(/^Item 3: the business portfolio's messaging limit is reached/);
	});

	it('reads messaging_limit_tier on v23.0', async () => {
		const result = await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 251), continueOnFail: true, credentials: { apiVersion: 'v23.0' } });
		expect(String(result.outputs('Send')[250].error)).toContain('250 people (TIER_250)');
		expect(limitReads('messaging_limit_tier')).toBe(1);
		expect(limitReads('whatsapp_business_manager_messaging_limit')).toBe(0);
	});

	it('"Messaging Limit" set by the user is used without asking Meta', async () => {
		sim.configure({ messagingLimitTier: 'TIER_UNLIMITED' });
		const result = await send(sim, hello(HIGH_NUMBER, { messagingLimit: '250' }), { inputItems: people(0, 251), continueOnFail: true });
		expect(String(result.outputs('Send')[250].error)).toContain('reach 250 people (set in "Options › Messaging Limit")');
		expect(limitReads('messaging_limit')).toBe(0);
	});

	it('"Messaging Limit" given per item by an expression is each item\'s own, not the first item\'s for all', async () => {
		sim.configure({ messagingLimitTier: 'TIER_UNLIMITED' });
		await send(sim, hello(HIGH_NUMBER, { messagingLimit: '250' }), { inputItems: people(0, 250) });
		const inputItems = [{ recipient: person(300), limit: 'unlimited' }, { recipient: person(301), limit: '250' }];
		const result = await send(sim, hello(HIGH_NUMBER, { messagingLimit: '={{ $json.limit }}' }), { inputItems, continueOnFail: true });
		const [unchecked, limited] = result.outputs('Send');
		expect(unchecked.messageId).toBeDefined();
		expect(String(limited.error)).toMatch(/^Item 2: the business portfolio's messaging limit is reached: WhatsApp lets it reach 250 people \(set in "Options › Messaging Limit"\)/);
		expect(messageCalls(sim)).toBe(251);
	});

	it("when Meta's field cannot be read, sends unchecked (Meta still refuses past its limit) and asks again only a few minutes later", async () => {
		sim.scriptFaults([{ method: 'GET', query: 'whatsapp_business_manager_messaging_limit', count: 1, action: { kind: 'error', code: 100, message: '(#100) Tried accessing nonexisting field (whatsapp_business_manager_messaging_limit)' } }]);
		const first = await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 251), continueOnFail: true });
		expect(first.outputs('Send')[250].code).toBe(131048);
		const second = await send(sim, hello(HIGH_NUMBER), { inputItems: people(251, 1), continueOnFail: true });
		expect(second.outputs('Send')[0].code).toBe(131048);
		expect(limitReads('whatsapp_business_manager_messaging_limit')).toBe(1);
	});

	it('a template Meta refused gives its place back', async () => {
		// Meta counts sends of other systems too: here it refuses what this n8n would admit.
		sim.configure({ messagingLimitTier: 'TIER_250' });
		const result = await send(sim, hello(HIGH_NUMBER, { messagingLimit: '2000' }), { inputItems: people(0, 252), continueOnFail: true });
		expect(result.outputs('Send').filter((item) => item.code === 131048)).toHaveLength(2);
		// 250 places taken, not 252: no room under 250, room under 251.
		const reach = reachOf(getConversationLedger({ accessToken: sim.fixture.accessToken }));
		expect(await reach.admit(`waba:${sim.fixture.wabaId}`, ['probe'], 250, now)).toEqual([{ admitted: false, freesAt: T0 + REACH_WINDOW_MS }]);
		expect(await reach.admit(`waba:${sim.fixture.wabaId}`, ['probe'], 251, now)).toEqual([{ admitted: true, isNew: true }]);
	});
});

describe('bad limit options', () => {
	it('an unknown limit or too long a wait fails the item naming the option and what is expected, before any call', async () => {
		const limit = await send(sim, hello(HIGH_NUMBER, { messagingLimit: '={{ "300" }}' }), { inputItems: people(0, 1) });
		expect(limit.nodeError('Send')?.message).toBe('Item 1: "Options › Messaging Limit" is "300": expected automatic, 250, 2000, 10000, 100000 or unlimited');
		const wait = await send(sim, hello(HIGH_NUMBER, { pastMessagingLimit: 'wait', messagingLimitWaitMinutes: 90 }), { inputItems: people(0, 1) });
		expect(wait.nodeError('Send')?.message).toBe('Item 1: "Options › Longest Wait for Room (Minutes)" is 90: give a number of minutes from 0 to 60');
		expect(messageCalls(sim)).toBe(0);
	});
});

describe('Past the Messaging Limit: Wait for Room', () => {
	it('sends once the oldest place frees, when that is within the wait set', async () => {
		await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 250) });
		now = T0 + REACH_WINDOW_MS - 30_000;
		const result = await send(sim, hello(HIGH_NUMBER, { pastMessagingLimit: 'wait', messagingLimitWaitMinutes: 1 }), { inputItems: people(300, 3) });
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send').every((item) => typeof item.messageId === 'string')).toBe(true);
		// It waited the 30 s until the first places freed, on the fake clock.
		expect(now).toBe(T0 + REACH_WINDOW_MS);
		expect(messageCalls(sim)).toBe(253);
	});

	it('fails at once, saying when, an item whose place frees later than the wait set', async () => {
		await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 250) });
		now = T0 + REACH_WINDOW_MS - 5 * 60_000;
		const result = await send(sim, hello(HIGH_NUMBER, { pastMessagingLimit: 'wait', messagingLimitWaitMinutes: 1 }), { inputItems: people(300, 1), continueOnFail: true });
		expect(String(result.outputs('Send')[0].error)).toContain(`the next place frees at ${new Date(T0 + REACH_WINDOW_MS).toISOString()}`);
		expect(now).toBe(T0 + REACH_WINDOW_MS - 5 * 60_000);
	});

	it('fails an item still without a place when the wait is over', async () => {
		await send(sim, hello(HIGH_NUMBER), { inputItems: people(0, 250) });
		now = T0 + REACH_WINDOW_MS - 30_000;
		// Another process takes the freed places meanwhile (the reach is shared): the first wake finds none.
		const ledger = getConversationLedger({ accessToken: sim.fixture.accessToken });
		messagingLimitClock.sleep = async (ms: number) => {
			now += ms;
			await reachOf(ledger).admit(`waba:${sim.fixture.wabaId}`, Array.from({ length: 250 }, (_, i) => `other${i}`), 250, now);
		};
		const result = await send(sim, hello(HIGH_NUMBER, { pastMessagingLimit: 'wait', messagingLimitWaitMinutes: 0.5 }), { inputItems: people(300, 1), continueOnFail: true });
		expect(String(result.outputs('Send')[0].error)).toMatch(/^Item 1: the business portfolio's messaging limit is reached: .* \(waited 30 s, the longest set in "Options › Longest Wait for Room \(Minutes\)"\)/);
		expect(messageCalls(sim)).toBe(250);
	});
});
