import { startSimulator, type Simulator } from '../../../test/simulator';
import { findSecretLeaks } from '../../../test/harness/secrets';
import { destroyGraphClients, GraphApiError, graphRequest, type WhatsAppCredentials } from './index';
import type { GraphRequest } from './types';

/** The transport against the Cloud API simulator: the faults it injects end up in the right class. */
describe('graphRequest against the simulator', () => {
	let sim: Simulator;
	let credentials: WhatsAppCredentials;
	const phoneId = '300000000000001';
	const send: GraphRequest = {
		method: 'POST',
		path: `/${phoneId}/messages`,
		body: { messaging_product: 'whatsapp', to: '15550001111', type: 'text', text: { body: 'hi' } },
	};

	async function failing(request: GraphRequest): Promise<GraphApiError> {
		const error = await graphRequest(credentials, request).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(GraphApiError);
		expect(findSecretLeaks(error, { accessToken: credentials.accessToken, appSecret: credentials.appSecret })).toEqual([]);
		return error as GraphApiError;
	}

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
		credentials = {
			accessToken: sim.fixture.accessToken,
			apiVersion: 'v26.0',
			baseUrl: sim.url,
			appId: sim.fixture.appId,
			appSecret: sim.fixture.appSecret,
			wabaId: sim.fixture.wabaId,
		};
	});
	afterEach(() => sim.reset());
	afterAll(async () => {
		destroyGraphClients();
		await sim.stop();
	});

	test('an accepted send returns the message id and the usage headers', async () => {
		const response = await graphRequest<{ messages: Array<{ id: string }> }>(credentials, send);
		expect(response.status).toBe(200);
		expect(response.data.messages[0].id).toMatch(/^wamid\./);
		expect(response.usage.appUsage).toBeDefined();
		expect(sim.log()).toHaveLength(1);
	});

	test('a reset before the simulator records the message is ambiguous: the client cannot tell it apart', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'reset' } }]);
		const error = await failing(send);
		expect(error.errorClass).toBe('ambiguous');
		expect(sim.log()).toHaveLength(0);
	});

	test('a reset after the simulator recorded the message is ambiguous, and the message was sent', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'resetAfterRecord' } }]);
		const error = await failing(send);
		expect(error.errorClass).toBe('ambiguous');
		expect(error.sendStage).toBe('mayHaveBeenSent');
		expect(sim.log()).toHaveLength(1);
	});

	test('a stall past the timeout is ambiguous', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'stall', ms: 2_000 } }]);
		const error = await failing({ ...send, timeoutMs: 200 });
		expect(error.errorClass).toBe('ambiguous');
		expect(error.networkCode).toBe('ETIMEDOUT');
	});

	test('an injected 130429 is throttled', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'error', code: 130429 } }]);
		const error = await failing(send);
		expect(error.errorClass).toBe('throttled');
		expect(error.code).toBe(130429);
	});

	test('an injected 131016 (HTTP 503) is transient', async () => {
		sim.scriptFaults([{ path: '/messages', action: { kind: 'error', code: 131016 } }]);
		const error = await failing(send);
		expect(error.errorClass).toBe('transient');
		expect(error.httpStatus).toBe(503);
	});

	test('the WABA budget (80007) is throttled and carries the time to regain access', async () => {
		sim.configure({ hourlyBudget: 1, budgetWindowMs: 60_000 });
		await graphRequest(credentials, { method: 'GET', path: `/${phoneId}` });
		const error = await failing({ method: 'GET', path: `/${phoneId}` });
		expect(error.code).toBe(80007);
		expect(error.errorClass).toBe('throttled');
		expect(error.usage.estimatedTimeToRegainAccessMinutes).toBeGreaterThan(0);
	});

	test('the simulator never sees the token anywhere but the Authorization header', async () => {
		await graphRequest(credentials, send);
		await graphRequest(credentials, { method: 'GET', path: `/${sim.fixture.appId}/subscriptions`, auth: 'app' }).catch(() => undefined);
		const seen = JSON.stringify(sim.requests());
		expect(seen).not.toContain(credentials.accessToken);
		expect(seen).not.toContain(credentials.appSecret as string);
	});
});
