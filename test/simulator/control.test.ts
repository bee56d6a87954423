import http from 'http';
import { startSimulator, type Simulator } from './index';
import { PHONE_STANDARD, send, text } from './helpers';

async function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
	const response = await fetch(`${sim.url}/_sim/${path}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: await response.json() };
}

/** A webhook receiver that records each body and its signature header. */
async function startReceiver(): Promise<{ received: Array<{ body: string; signature: string | undefined }>; receiver: http.Server; address: { port: number } }> {
	const received: Array<{ body: string; signature: string | undefined }> = [];
	const receiver = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ body: Buffer.concat(chunks).toString(), signature: req.headers['x-hub-signature-256'] as string | undefined });
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	return { received, receiver, address: receiver.address() as { port: number } };
}

describe('control endpoints', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		sim.configure({ mps: {} });
		sim.reset();
	});

	test('GET /_sim/log lists accepted messages newest first, so the latest reply is on top', async () => {
		await send(sim, text('one', '+16505550001'));
		await send(sim, text('two', '+16505550002'));
		await send(sim, text('three', '+16505550001'));
		const all = await control(sim, 'GET', 'log');
		expect(all.body.count).toBe(3);
		expect(all.body.messages.map((m: { body: { text: { body: string } } }) => m.body.text.body)).toEqual(['three', 'two', 'one']);
		const newest = await control(sim, 'GET', 'log?to=%2B16505550001&limit=1');
		expect(newest.body.messages.map((m: { body: { text: { body: string } } }) => m.body.text.body)).toEqual(['three']);
	});

	test('GET /_sim/log?since=N pages through the log oldest first, for programs reading all of it', async () => {
		await send(sim, text('one', '+16505550001'));
		await send(sim, text('two', '+16505550002'));
		const all = await control(sim, 'GET', 'log?since=0');
		expect(all.body.messages.map((m: { to: string }) => m.to)).toEqual(['+16505550001', '+16505550002']);
		const since = await control(sim, 'GET', 'log?since=1');
		expect(since.body.messages).toHaveLength(1);
		expect(since.body.messages[0].body.text.body).toBe('two');
	});

	test('GET /_sim/log filters by phone number and recipient', async () => {
		await send(sim, text('one', '+16505550001'));
		await send(sim, text('two', '+16505550002'));
		const filtered = await control(sim, 'GET', 'log?to=%2B16505550002');
		expect(filtered.body.messages.map((m: { body: { text: { body: string } } }) => m.body.text.body)).toEqual(['two']);
		const other = await control(sim, 'GET', 'log?phoneNumberId=300000000000002');
		expect(other.body.messages).toEqual([]);
	});

	test('GET /_sim/log filters by a business-scoped user ID too', async () => {
		await send(sim, text('one', '+16505550001'));
		await send(sim, { to: undefined, recipient: 'US.13491208655302741918', type: 'text', text: { body: 'two' } });
		const filtered = await control(sim, 'GET', 'log?to=US.13491208655302741918');
		expect(filtered.body.messages.map((m: { body: { text: { body: string } } }) => m.body.text.body)).toEqual(['two']);
	});

	test('a bounded message log keeps the newest messages while the counters count all', async () => {
		sim.configure({ messageLogLimit: 2 });
		try {
			for (let i = 0; i < 5; i++) await send(sim, text(`m${i}`, `+1650555000${i}`));
			expect(sim.log().map((m) => (m.body.text as { body: string }).body)).toEqual(['m3', 'm4']);
			expect(sim.counters().accepted).toBe(5);
		} finally {
			sim.configure({ messageLogLimit: null });
		}
	});

	test('the counters call a message sent again with the same body a repeated body, not a duplicate', async () => {
		// Running the demo broadcast twice repeats every body on purpose: the counter says what it counts.
		await send(sim, text('same', '+16505550001'));
		await send(sim, text('same', '+16505550002'));
		expect(sim.counters().repeatedBodies).toBe(0);
		await send(sim, text('same', '+16505550001'));
		const counters = (await control(sim, 'GET', 'counters')).body;
		expect(counters.repeatedBodies).toBe(1);
		expect(Object.keys(counters).filter((key) => /duplicate/i.test(key))).toEqual([]);
		const help = (await control(sim, 'GET', '')).body.endpoints.join('\n');
		expect(help).toMatch(/repeatedBodies \(same number and body as an earlier message, since the last reset\)/);
	});

	test('GET /_sim/counters reports accepted, rejected by code and peak per second', async () => {
		await send(sim, text());
		await send(sim, { to: 'not-a-number', type: 'text', text: { body: 'x' } });
		const counters = (await control(sim, 'GET', 'counters')).body;
		expect(counters).toMatchObject({ accepted: 1, calls: 2, rejectedByCode: { '131009': 1 } });
		expect(counters.peakPerSecond[PHONE_STANDARD]).toBe(2);
	});

	test('GET /_sim/requests shows requests without the Authorization header', async () => {
		await send(sim, text());
		const { body } = await control(sim, 'GET', 'requests');
		expect(body.requests).toHaveLength(1);
		expect(body.requests[0].headers.authorization).toBeUndefined();
		expect(JSON.stringify(body)).not.toContain(sim.fixture.accessToken);
	});

	test('POST /_sim/reset forgets messages and counters', async () => {
		await send(sim, text());
		expect((await control(sim, 'POST', 'reset')).body).toEqual({ success: true });
		expect(sim.log()).toHaveLength(0);
		expect(sim.counters().accepted).toBe(0);
	});

	test('POST /_sim/config changes limits at runtime', async () => {
		const response = await control(sim, 'POST', 'config', { mps: { [PHONE_STANDARD]: 1 } });
		expect(response.status).toBe(200);
		expect(response.body.options.mps).toEqual({ [PHONE_STANDARD]: 1 });
		expect((await send(sim, text('a', '+16505550001'))).status).toBe(200);
		expect((await send(sim, text('b', '+16505550002'))).body.error.code).toBe(130429);
	});

	test('POST /_sim/config refuses unknown options and options fixed at start', async () => {
		const unknown = await control(sim, 'POST', 'config', { mpz: 3 });
		expect(unknown.status).toBe(400);
		expect(unknown.body.error.message).toBe('Unknown option mpz');
		const fixed = await control(sim, 'POST', 'config', { port: 1 });
		expect(fixed.body.error.message).toBe('Option port cannot be changed at runtime');
	});

	test('POST /_sim/faults scripts deterministic faults', async () => {
		expect((await control(sim, 'POST', 'faults', [{ path: '/messages', action: { kind: 'error', code: 131016 } }])).status).toBe(200);
		expect((await send(sim, text())).body.error.code).toBe(131016);
		expect((await send(sim, text())).status).toBe(200);
	});

	test('POST /_sim/faults with a bad action answers 400 with the reason', async () => {
		const response = await control(sim, 'POST', 'faults', { faults: [{ action: { kind: 'nope' } }] });
		expect(response.status).toBe(400);
		expect(response.body.error.message).toMatch(/fault action must be one of/);
	});

	test('GET /_sim/fixture gives the token, app, WABA, numbers and templates', async () => {
		const { body } = await control(sim, 'GET', 'fixture');
		expect(body).toMatchObject({ accessToken: 'EAAGsim0accessTOKEN0123456789', appId: '900000000000001', appSecret: 'simAppSecret0123456789abcdef', wabaId: '200000000000001' });
		expect(body.phoneNumbers.map((p: { id: string; mps: number }) => [p.id, p.mps])).toEqual([
			['300000000000001', 80],
			['300000000000002', 1000],
			['300000000000003', 20],
		]);
		expect(body.templates.length).toBeGreaterThan(25);
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
	test('POST /_sim/inbound plays a username user: no from, the BSUIDs, the username in the contact', async () => {
		const { received, receiver, address } = await startReceiver();
		try {
			sim.configure({ webhooks: { callbackUrl: `http://127.0.0.1:${address.port}/hook`, statuses: [] } });
			const input = { userId: 'US.13491208655302741918', parentUserId: 'US.ENT.11815799212886844830', username: '@ana', name: 'Ana', type: 'text', body: 'hi' };
			expect((await control(sim, 'POST', 'inbound', input)).status).toBe(200);
			await sim.webhooks.idle();
			const value = JSON.parse(received[0].body).entry[0].changes[0].value;
			expect(value.messages[0]).toMatchObject({ from_user_id: 'US.13491208655302741918', from_parent_user_id: 'US.ENT.11815799212886844830' });
			expect(value.messages[0]).not.toHaveProperty('from');
			expect(value.contacts[0]).toEqual({ profile: { name: 'Ana', username: '@ana' }, user_id: 'US.13491208655302741918', parent_user_id: 'US.ENT.11815799212886844830' });
		} finally {
			sim.configure({ webhooks: { callbackUrl: undefined, statuses: ['sent', 'delivered', 'read'] } });
			await new Promise<void>((resolve) => receiver.close(() => resolve()));
		}
	});

	test('POST /_sim/inbound delivers a signed customer message to the callback', async () => {
		const { received, receiver, address } = await startReceiver();
		try {
			sim.configure({ webhooks: { callbackUrl: `http://127.0.0.1:${address.port}/hook`, statuses: [] } });
			const response = await control(sim, 'POST', 'inbound', { phoneNumberId: PHONE_STANDARD, from: '16505550123', name: 'Ana', type: 'text', body: 'hello there' });
			expect(response.status).toBe(200);
			await sim.webhooks.idle();
			expect(received).toHaveLength(1);
			expect(received[0].signature).toMatch(/^sha256=[0-9a-f]{64}$/);
			const payload = JSON.parse(received[0].body);
			expect(payload.entry[0].changes[0].value.messages[0]).toMatchObject({ from: '16505550123', type: 'text', text: { body: 'hello there' } });
		} finally {
			sim.configure({ webhooks: { callbackUrl: undefined, statuses: ['sent', 'delivered', 'read'] } });
			await new Promise<void>((resolve) => receiver.close(() => resolve()));
		}
	});

	test('the webhook control endpoints deliver raw bodies and redeliver them, and list what was delivered', async () => {
		const { received, receiver, address } = await startReceiver();
		try {
			sim.configure({ webhooks: { callbackUrl: `http://127.0.0.1:${address.port}/hook`, statuses: [] } });
			const raw = { object: 'whatsapp_business_account', entry: [] };
			expect((await control(sim, 'POST', 'webhooks/raw?signature=none', raw)).status).toBe(200);
			expect((await control(sim, 'POST', 'webhooks/redeliver?n=1')).status).toBe(200);
			await sim.webhooks.idle();
			expect(received).toHaveLength(2);
			expect(received[0].signature).toBeUndefined();
			expect(received[1].body).toBe(received[0].body);
			const listed = await control(sim, 'GET', 'webhooks');
			expect(listed.body.deliveries.length).toBeGreaterThanOrEqual(2);
			expect((await control(sim, 'POST', 'webhooks/raw?signature=forged', raw)).status).toBe(400);
		} finally {
			sim.configure({ webhooks: { callbackUrl: undefined, statuses: ['sent', 'delivered', 'read'] } });
			await new Promise<void>((resolve) => receiver.close(() => resolve()));
		}
	});

	test('an unknown control endpoint answers 404 with the list of endpoints', async () => {
		const response = await control(sim, 'GET', 'nothing');
		expect(response.status).toBe(404);
		expect(response.body.error.endpoints.length).toBeGreaterThan(5);
	});
});
