import { startSimulator, type Simulator } from './index';
import { call, PHONE_STANDARD, send, text } from './helpers';

describe('fault injection', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		sim.configure({ mps: {}, errorRatio5xx: 0, resetBeforeRecordRatio: 0, resetAfterRecordRatio: 0, stallRatio: 0, stallMs: 30_000, stallRecords: true });
		sim.reset();
	});

	test('a scripted error code answers the next N matching calls, then calls succeed again', async () => {
		sim.scriptFaults([{ path: '/messages', count: 2, action: { kind: 'error', code: 131000 } }]);
		const first = await send(sim, text());
		const second = await send(sim, text());
		const third = await send(sim, text());
		expect([first.status, second.status, third.status]).toEqual([500, 500, 200]);
		expect(first.body.error.code).toBe(131000);
		expect(sim.log()).toHaveLength(1);
		expect(sim.counters().rejectedByCode['131000']).toBe(2);
	});

	test('a scripted throttling code can be given its HTTP status', async () => {
		sim.scriptFaults([{ action: { kind: 'error', code: 130429, httpStatus: 400 } }]);
		const response = await send(sim, text());
		expect([response.status, response.body.error.code, response.body.error.message]).toEqual([400, 130429, '(#130429) Rate limit hit']);
	});

	test('a scripted 80007 carries the usage header with the given wait, or none when asked', async () => {
		sim.scriptFaults([
			{ action: { kind: 'error', code: 80007, retryAfterMs: 1500 } },
			{ action: { kind: 'error', code: 80007, usageHeader: false } },
		]);
		const withHeader = await send(sim, text());
		expect(withHeader.body.error.code).toBe(80007);
		const usage = JSON.parse(withHeader.headers.get('x-business-use-case-usage') as string)[sim.fixture.wabaId][0];
		expect(usage).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 0.025 });
		const withoutHeader = await send(sim, text());
		expect(withoutHeader.body.error.code).toBe(80007);
		expect(withoutHeader.headers.get('x-business-use-case-usage')).toBeNull();
	});

	test('a scripted fault can target one recipient only', async () => {
		sim.scriptFaults([{ recipient: '+16505550042', action: { kind: 'error', code: 131016 } }]);
		expect((await send(sim, text('a', '+16505550041'))).status).toBe(200);
		const hit = await send(sim, text('b', '16505550042'));
		expect([hit.status, hit.body.error.code]).toEqual([503, 131016]);
	});

	test('a scripted fault can target calls whose query holds a text, e.g. page requests with a cursor', async () => {
		const templates = `/v26.0/${sim.fixture.wabaId}/message_templates`;
		sim.scriptFaults([{ path: '/message_templates', query: 'after=', action: { kind: 'error', code: 131059 } }]);
		expect((await call(sim, 'GET', `${templates}?limit=2`)).status).toBe(200);
		const hit = await call(sim, 'GET', `${templates}?limit=2&after=MQ`);
		expect([hit.status, hit.body.error.code]).toEqual([400, 131059]);
	});

	// HTTP statuses from Meta's table: https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
	test.each([
		[131045, 500],
		[133000, 500],
		[1, 400],
	])('a scripted %i answers with HTTP %i as in Meta\'s error code table', async (code, httpStatus) => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'error', code } }]);
		const response = await send(sim, text());
		expect([response.status, response.body.error.code]).toEqual([httpStatus, code]);
	});

	test('a scripted fault on a path does not touch other paths', async () => {
		sim.scriptFaults([{ path: '/message_templates', action: { kind: 'error', code: 2 } }]);
		expect((await send(sim, text())).status).toBe(200);
		const hit = await call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/message_templates`);
		expect(hit.body.error.code).toBe(2);
	});

	test('a reset before record destroys the connection and nothing is logged', async () => {
		sim.scriptFaults([{ action: { kind: 'reset' } }]);
		await expect(send(sim, text())).rejects.toThrow();
		expect(sim.log()).toHaveLength(0);
		expect(sim.counters().resets).toBe(1);
	});

	test('a reset after record destroys the connection but the message was accepted', async () => {
		sim.scriptFaults([{ action: { kind: 'resetAfterRecord' } }]);
		await expect(send(sim, text('ambiguous'))).rejects.toThrow();
		expect(sim.log()).toHaveLength(1);
		expect(sim.log()[0].body).toMatchObject({ text: { body: 'ambiguous' } });
	});

	test('a stall gives no answer for its duration and records nothing', async () => {
		sim.scriptFaults([{ action: { kind: 'stall', ms: 5000 } }]);
		const started = Date.now();
		const response = fetch(`${sim.url}/v26.0/${PHONE_STANDARD}/messages`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${sim.fixture.accessToken}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ messaging_product: 'whatsapp', to: '+16505551234', type: 'text', text: { body: 'x' } }),
			signal: AbortSignal.timeout(300),
		});
		await expect(response).rejects.toThrow();
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(sim.log()).toHaveLength(0);
		expect(sim.counters().stalls).toBe(1);
	});

	test('a stall after record answers late but the message is in the log at once', async () => {
		sim.scriptFaults([{ action: { kind: 'stallAfterRecord', ms: 300 } }]);
		const started = Date.now();
		const pending = send(sim, text());
		while (sim.log().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		const response = await pending;
		expect(response.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	test('errorRatio5xx 1 answers every call with 500/503 and a transient code', async () => {
		sim.configure({ errorRatio5xx: 1 });
		const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => send(sim, text(`m${i}`, `+1650555${1000 + i}`))));
		for (const response of responses) {
			expect([500, 503]).toContain(response.status);
			expect([2, 131000, 131016]).toContain(response.body.error.code);
		}
		expect(sim.log()).toHaveLength(0);
		expect(sim.counters().errors5xx).toBe(20);
	});

	test('a partial 5xx ratio fails about that share of calls', async () => {
		sim.configure({ errorRatio5xx: 0.3, seed: 11, mps: { [PHONE_STANDARD]: 100_000 } });
		let failed = 0;
		for (let i = 0; i < 200; i++) {
			if ((await send(sim, text(`m${i}`, `+1650555${1000 + i}`))).status >= 500) failed++;
		}
		expect(failed).toBeGreaterThan(35);
		expect(failed).toBeLessThan(85);
		expect(sim.log()).toHaveLength(200 - failed);
	});

	test('resetAfterRecordRatio 1 records every message and answers none', async () => {
		sim.configure({ resetAfterRecordRatio: 1 });
		const results = await Promise.allSettled([1, 2, 3].map((i) => send(sim, text(`m${i}`, `+1650555000${i}`))));
		expect(results.every((r) => r.status === 'rejected')).toBe(true);
		expect(sim.log()).toHaveLength(3);
	});

	test('control endpoints are never faulted', async () => {
		sim.configure({ resetBeforeRecordRatio: 1 });
		const response = await fetch(`${sim.url}/_sim/counters`);
		expect(response.status).toBe(200);
	});

	test('a scripted fault with an unknown action is refused with a clear message', () => {
		expect(() => sim.scriptFaults([{ action: { kind: 'explode' } as never }])).toThrow(/fault action must be one of/);
	});
});
