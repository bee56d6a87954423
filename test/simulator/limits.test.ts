import http from 'http';
import { startSimulator, type Simulator } from './index';
import { call, PHONE_HIGH, PHONE_STANDARD, send, text } from './helpers';
import { Receiver } from './surfaces.helpers';
import { PairRateBuckets, RollingBudget, SlidingWindowLimit, regainAccessMinutes, throughputLimit } from './limits';

/** A hand-moved clock so window tests do not depend on how fast the machine is. */
function manualClock(start = 1_800_000_000_000) {
	let now = start;
	return {
		now: () => now,
		set: (ms: number) => {
			now = start + ms;
		},
	};
}

describe('limit bookkeeping (pure)', () => {
	test('a sliding window refuses the start that would make it hold more than the limit', () => {
		const window = new SlidingWindowLimit(3, 1000);
		expect([0, 10, 20].map((t) => window.tryStart(t))).toEqual([true, true, true]);
		expect(window.tryStart(999)).toBe(false);
		expect(window.tryStart(1000)).toBe(true);
	});

	test('a sliding window is not a fixed window: a burst at the end of one second still counts early in the next', () => {
		const window = new SlidingWindowLimit(5, 1000);
		for (let i = 0; i < 5; i++) expect(window.tryStart(900)).toBe(true);
		expect(window.tryStart(1100)).toBe(false);
		expect(window.tryStart(1900)).toBe(true);
	});

	// Meta: "Throughput is inclusive of inbound and outbound messages and all message types"
	// (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput).
	test('an inbound message is counted even past the limit, and starts wait until enough of it has left', () => {
		const window = new SlidingWindowLimit(3, 1000);
		expect(window.tryStart(0)).toBe(true);
		for (const t of [10, 20, 30]) window.record(t);
		expect(window.count(30)).toBe(4);
		// Four in a window of three: the start at 0 leaving frees no place yet, the inbound one at 10 leaving does.
		expect(window.tryStart(1000)).toBe(false);
		expect(window.tryStart(1010)).toBe(true);
		expect(window.tryStart(1011)).toBe(false);
	});

	test('the rolling budget frees one call when the oldest leaves the window', () => {
		const budget = new RollingBudget(2, 10_000);
		expect(budget.tryCall(0)).toBe(true);
		expect(budget.tryCall(4000)).toBe(true);
		expect(budget.tryCall(9999)).toBe(false);
		expect(budget.msUntilOldestLeaves(9999)).toBe(1);
		expect(budget.tryCall(10_000)).toBe(true);
		expect(budget.tryCall(10_001)).toBe(false);
	});

	test('calls in the same millisecond are merged but all counted', () => {
		const budget = new RollingBudget(1000, 100);
		for (let i = 0; i < 1000; i++) budget.tryCall(5);
		expect(budget.used(5)).toBe(1000);
		expect(budget.tryCall(6)).toBe(false);
		expect(budget.used(105)).toBe(0);
	});

	test('a pair bucket allows the burst, then one message per interval', () => {
		const pairs = new PairRateBuckets(3, 6000);
		expect([0, 0, 0].map((t) => pairs.tryTake('p', 'r', t))).toEqual([true, true, true]);
		expect(pairs.tryTake('p', 'r', 5999)).toBe(false);
		expect(pairs.tryTake('p', 'other', 5999)).toBe(true);
		expect(pairs.tryTake('p', 'r', 6000)).toBe(true);
		expect(pairs.tryTake('p', 'r', 6001)).toBe(false);
	});

	test('the throughput limit scales with the window and the estimated time is fractional only for scaled windows', () => {
		expect(throughputLimit(80, 1000)).toBe(80);
		expect(throughputLimit(80, 250)).toBe(20);
		expect(throughputLimit(1, 100)).toBe(1);
		expect(regainAccessMinutes(30_000, 1000)).toBe(0.5);
		expect(regainAccessMinutes(61_000, 3_600_000)).toBe(2);
		expect(regainAccessMinutes(0, 3_600_000)).toBe(0);
	});
});

describe('limits over HTTP', () => {
	let sim: Simulator;
	const clock = manualClock();

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none', clock: clock.now });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		clock.set(0);
		sim.configure({
			mps: {},
			throughputWindowMs: 1000,
			hourlyBudget: undefined,
			budgetWindowMs: 3_600_000,
			managementHourlyLimit: undefined,
			managementWindowMs: 3_600_000,
			pairBurst: 45,
			pairIntervalMs: 6000,
			maintenance: {},
			appRateLimit: null,
			throttleHttpStatus: 429,
			enforceServiceWindow: false,
			inWindowRecipients: [],
			undeliverableRecipients: [],
			inboundCountsInThroughput: true,
		});
		sim.reset();
	});

	const recipient = (i: number) => `+1650555${String(1000 + i)}`;

	test('exactly the configured rate within one second is all accepted', async () => {
		sim.configure({ mps: { [PHONE_STANDARD]: 5 } });
		const results = await Promise.all([0, 1, 2, 3, 4].map((i) => send(sim, text('hi', recipient(i)))));
		expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
		expect(sim.log()).toHaveLength(5);
	});

	test('one more message than the rate in a sliding second gets 130429', async () => {
		sim.configure({ mps: { [PHONE_STANDARD]: 5 } });
		for (let i = 0; i < 5; i++) expect((await send(sim, text('hi', recipient(i)))).status).toBe(200);
		clock.set(999);
		const over = await send(sim, text('hi', recipient(5)));
		expect(over.status).toBe(429);
		expect(over.body.error.code).toBe(130429);
		expect(over.body.error.message).toBe('(#130429) Rate limit hit');
		expect(sim.counters().rejectedByCode['130429']).toBe(1);
		expect(sim.log()).toHaveLength(5);
	});

	test('after the window slides past the earlier starts, sends are accepted again', async () => {
		sim.configure({ mps: { [PHONE_STANDARD]: 5 } });
		for (let i = 0; i < 5; i++) await send(sim, text('hi', recipient(i)));
		clock.set(500);
		expect((await send(sim, text('hi', recipient(9)))).status).toBe(429);
		clock.set(1000);
		expect((await send(sim, text('hi', recipient(10)))).status).toBe(200);
	});

	test('the window slides: five starts late in one second still block early in the next', async () => {
		sim.configure({ mps: { [PHONE_STANDARD]: 5 } });
		clock.set(900);
		for (let i = 0; i < 5; i++) expect((await send(sim, text('hi', recipient(i)))).status).toBe(200);
		clock.set(1100);
		expect((await send(sim, text('hi', recipient(6)))).body.error.code).toBe(130429);
		clock.set(1900);
		expect((await send(sim, text('hi', recipient(7)))).status).toBe(200);
	});

	test('each number has its own throughput from its tier', async () => {
		sim.configure({ mps: { [PHONE_STANDARD]: 1 } });
		expect((await send(sim, text('a', recipient(1)), PHONE_STANDARD)).status).toBe(200);
		expect((await send(sim, text('b', recipient(2)), PHONE_STANDARD)).status).toBe(429);
		expect((await send(sim, text('c', recipient(3)), PHONE_HIGH)).status).toBe(200);
	});

	test('the peak per second counter reports the most call starts seen in any second', async () => {
		sim.configure({ mps: { [PHONE_STANDARD]: 3 } });
		for (let i = 0; i < 4; i++) await send(sim, text('hi', recipient(i)));
		expect(sim.counters().peakPerSecond[PHONE_STANDARD]).toBe(4);
		expect(sim.counters().accepted).toBe(3);
	});

	test('throttling errors can be answered with HTTP 400 or alternate between 400 and 429', async () => {
		sim.configure({ mps: { [PHONE_STANDARD]: 1 }, throttleHttpStatus: 400 });
		await send(sim, text('a', recipient(1)));
		const with400 = await send(sim, text('b', recipient(2)));
		expect([with400.status, with400.body.error.code]).toEqual([400, 130429]);
		sim.configure({ throttleHttpStatus: 'alternate' });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await send(sim, text('c', recipient(3)))).status);
		expect(new Set(statuses)).toEqual(new Set([400, 429]));
	});

	test('a WABA past its rolling budget gets 80007 with the usage header and the time to regain access', async () => {
		sim.configure({ hourlyBudget: 3, budgetWindowMs: 30_000 });
		for (let i = 0; i < 3; i++) {
			clock.set(i * 1000);
			expect((await send(sim, text('hi', recipient(i)))).status).toBe(200);
		}
		clock.set(6000);
		const over = await send(sim, text('hi', recipient(4)));
		expect(over.body.error.code).toBe(80007);
		const usage = JSON.parse(over.headers.get('x-business-use-case-usage') as string);
		const entry = usage[sim.fixture.wabaId][0];
		expect(entry.type).toBe('whatsapp_business_management');
		expect(entry.call_count).toBe(100);
		// The oldest call (t=0) leaves the 30 s window at t=30 s: 24 s from now = 0.4 minutes.
		expect(entry.estimated_time_to_regain_access).toBeCloseTo(0.4, 5);
		expect(over.headers.get('x-app-usage')).toBeTruthy();
	});

	test('the budget counts every messaging call, not only sends, and recovers when the window rolls', async () => {
		sim.configure({ hourlyBudget: 2, budgetWindowMs: 10_000 });
		expect((await call(sim, 'GET', `/v26.0/${PHONE_STANDARD}`)).status).toBe(200);
		expect((await call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/message_templates`)).status).toBe(200);
		expect((await send(sim, text('hi'))).status).toBe(200);
		expect((await send(sim, text('hi'))).body.error.code).toBe(80007);
		clock.set(10_000);
		expect((await send(sim, text('hi'))).status).toBe(200);
		expect(sim.counters().peakBudgetWindow[sim.fixture.wabaId]).toBe(2);
	});

	// Management calls (the WABA and its edges) have their own cap per app per WABA per rolling hour: 200, or 5,000 for a
	// WABA with a registered number, then 80007 with the X-Business-Use-Case-Usage header (type
	// whatsapp_business_management, estimated_time_to_regain_access in minutes).
	// https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ (WhatsApp Business Management API)
	describe('management calls', () => {
		const managementCalls = [
			() => call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/message_templates`),
			() => call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/phone_numbers`),
			() => call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/subscribed_apps`),
			() => call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}?fields=name`),
		];

		test('are capped at 5,000 per rolling hour for a WABA with a registered number by default', async () => {
			for (let i = 0; i < 5000; i++) expect((await managementCalls[i % 4]()).status).toBe(200);
			clock.set(60_000);
			const over = await managementCalls[0]();
			expect([over.status, over.body.error.code]).toEqual([429, 80007]);
			expect(sim.counters().managementCalls[sim.fixture.wabaId]).toBe(5000);
		});

		test('past the cap get 80007 with Meta\'s envelope, the usage header and the time to regain access', async () => {
			sim.configure({ managementHourlyLimit: 4 });
			for (let i = 0; i < 4; i++) {
				clock.set(i * 60_000);
				const answer = await managementCalls[i]();
				expect(answer.status).toBe(200);
				const usage = JSON.parse(answer.headers.get('x-business-use-case-usage') as string)[sim.fixture.wabaId][0];
				expect(usage).toMatchObject({ type: 'whatsapp_business_management', call_count: (i + 1) * 25, estimated_time_to_regain_access: 0 });
			}
			clock.set(10 * 60_000);
			const over = await managementCalls[0]();
			expect(over.body.error).toMatchObject({ code: 80007, type: 'OAuthException', message: '(#80007) Rate limit issues', fbtrace_id: expect.any(String) });
			const entry = JSON.parse(over.headers.get('x-business-use-case-usage') as string)[sim.fixture.wabaId][0];
			expect(entry).toMatchObject({ type: 'whatsapp_business_management', call_count: 100 });
			// The oldest call (t=0) leaves the hour at t=60 min: 50 minutes from now.
			expect(entry.estimated_time_to_regain_access).toBe(50);
			clock.set(60 * 60_000);
			expect((await managementCalls[0]()).status).toBe(200);
		});

		test("are counted apart from messaging: neither family's 80007 stops the other", async () => {
			sim.configure({ managementHourlyLimit: 2, hourlyBudget: 2 });
			expect((await managementCalls[0]()).status).toBe(200);
			expect((await managementCalls[1]()).status).toBe(200);
			expect((await managementCalls[2]()).body.error.code).toBe(80007);
			expect((await send(sim, text('hi', recipient(1)))).status).toBe(200);
			expect((await send(sim, text('hi', recipient(2)))).status).toBe(200);
			expect((await send(sim, text('hi', recipient(3)))).body.error.code).toBe(80007);
			clock.set(3_600_000);
			expect((await managementCalls[3]()).status).toBe(200);
		});

		test('the cap is 200 for a WABA without a registered number', async () => {
			const bare = await startSimulator({ latency: 'none', fixture: { phoneNumbers: [] } });
			try {
				for (let i = 0; i < 200; i++) expect((await call(bare, 'GET', `/v26.0/${bare.fixture.wabaId}/message_templates`)).status).toBe(200);
				expect((await call(bare, 'GET', `/v26.0/${bare.fixture.wabaId}/message_templates`)).body.error.code).toBe(80007);
			} finally {
				await bare.stop();
			}
		});
	});

	test('successful responses carry the usage headers with the share of the budget used', async () => {
		sim.configure({ hourlyBudget: 4 });
		await send(sim, text('hi'));
		const second = await send(sim, text('hi'));
		const usage = JSON.parse(second.headers.get('x-business-use-case-usage') as string);
		expect(usage[sim.fixture.wabaId][0].call_count).toBe(50);
		expect(usage[sim.fixture.wabaId][0].estimated_time_to_regain_access).toBe(0);
	});

	test('too many messages to one recipient get 131056 while other recipients still go through', async () => {
		sim.configure({ pairBurst: 2, pairIntervalMs: 6000 });
		expect((await send(sim, text('1', '+16505550001'))).status).toBe(200);
		expect((await send(sim, text('2', '+16505550001'))).status).toBe(200);
		const third = await send(sim, text('3', '+16505550001'));
		expect(third.body.error.code).toBe(131056);
		expect((await send(sim, text('4', '+16505550002'))).status).toBe(200);
		clock.set(6000);
		expect((await send(sim, text('5', '+16505550001'))).status).toBe(200);
	});

	test('a number in maintenance gets 131057 until the given time', async () => {
		sim.configure({ maintenance: { [PHONE_STANDARD]: clock.now() + 60_000 } });
		expect((await send(sim, text())).body.error.code).toBe(131057);
		clock.set(60_000);
		expect((await send(sim, text())).status).toBe(200);
	});

	test('past the app call rate every Graph call gets code 4', async () => {
		sim.configure({ appRateLimit: { calls: 2, windowMs: 1000 } });
		await send(sim, text());
		await call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/message_templates`);
		const over = await send(sim, text());
		expect(over.body.error.code).toBe(4);
		expect(JSON.parse(over.headers.get('x-app-usage') as string).call_count).toBe(100);
	});

	test('a configured undeliverable recipient gets 131026', async () => {
		sim.configure({ undeliverableRecipients: ['+16505550999'] });
		const response = await send(sim, text('hi', '+16505550999'));
		expect(response.body.error.code).toBe(131026);
		expect(sim.log()).toHaveLength(0);
	});

	test('with undeliverableVia webhook, the send is accepted and a failed status with 131026 follows', async () => {
		const received: string[] = [];
		const receiver = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString()));
			req.on('end', () => {
				received.push(body);
				res.end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		try {
			const port = (receiver.address() as { port: number }).port;
			sim.configure({ undeliverableRecipients: ['16505550999'], undeliverableVia: 'webhook', webhooks: { callbackUrl: `http://127.0.0.1:${port}/hook` } });
			const response = await send(sim, text('hi', '+16505550999'));
			expect(response.status).toBe(200);
			expect(sim.log()).toHaveLength(1);
			await sim.webhooks.idle();
			const statuses = received.flatMap((body) => JSON.parse(body).entry[0].changes[0].value.statuses ?? []);
			expect(statuses).toEqual([expect.objectContaining({ id: response.body.messages[0].id, status: 'failed', errors: [expect.objectContaining({ code: 131026 })] })]);
		} finally {
			sim.configure({ undeliverableVia: 'response', webhooks: { callbackUrl: undefined } });
			await new Promise<void>((resolve) => receiver.close(() => resolve()));
		}
	});

	test('with the service window enforced, free-form messages outside it get 131047 but templates go through', async () => {
		sim.configure({ enforceServiceWindow: true, inWindowRecipients: ['16505550100'] });
		expect((await send(sim, text('hi', '+16505550100'))).status).toBe(200);
		expect((await send(sim, text('hi', '+16505550101'))).body.error.code).toBe(131047);
		const template = await send(sim, { to: '+16505550101', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
		expect(template.status).toBe(200);
	});
});

/**
 * Meta: "Throughput is inclusive of inbound and outbound messages and all message types. […] If you attempt to send
 * more messages than your current throughput level allows, the API will return error code 130429"
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput).
 */
describe('inbound messages in the throughput', () => {
	let sim: Simulator;
	let receiver: Receiver;
	const clock = manualClock();
	const customer = (i: number) => String(5511987650000 + i);

	beforeAll(async () => {
		receiver = await new Receiver().start();
		sim = await startSimulator({ latency: 'none', clock: clock.now, webhooks: { callbackUrl: receiver.url, statuses: [] } });
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.stop();
	});
	beforeEach(() => {
		clock.set(0);
		sim.configure({ mps: { [PHONE_STANDARD]: 5 }, inboundCountsInThroughput: true });
		sim.reset();
	});

	async function receive(count: number, phoneNumberId = PHONE_STANDARD): Promise<void> {
		for (let i = 0; i < count; i++) await sim.injectInbound({ phoneNumberId, from: customer(i), type: 'text', body: `hi ${i}` });
	}

	test('sends get only the rest of the second that inbound messages left, then 130429', async () => {
		await receive(3);
		const results = [];
		for (let i = 0; i < 3; i++) results.push(await send(sim, text('hi', customer(i))));
		expect(results.map((r) => r.body.error?.code ?? r.status)).toEqual([200, 200, 130429]);
		expect(sim.counters().inboundCounted).toBe(3);
	});

	test('inbound messages past the limit are still delivered, and sends wait until they leave the second', async () => {
		const before = receiver.posts.length;
		await receive(7);
		expect(receiver.posts.length - before).toBe(7);
		expect((await send(sim, text('hi'))).body.error.code).toBe(130429);
		clock.set(999);
		expect((await send(sim, text('hi'))).body.error.code).toBe(130429);
		clock.set(1000);
		expect((await send(sim, text('hi'))).status).toBe(200);
	});

	test('each number counts its own inbound messages', async () => {
		await receive(5, PHONE_HIGH);
		expect((await send(sim, text('hi'))).status).toBe(200);
	});

	test('with inboundCountsInThroughput off, inbound messages leave the whole second to sends', async () => {
		sim.configure({ inboundCountsInThroughput: false });
		await receive(5);
		const results = [];
		for (let i = 0; i < 5; i++) results.push((await send(sim, text('hi', customer(i)))).status);
		expect(results).toEqual([200, 200, 200, 200, 200]);
		expect(sim.counters().inboundCounted).toBe(0);
	});
});
