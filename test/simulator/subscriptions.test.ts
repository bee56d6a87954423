import type { Simulator } from './index';
import { call, PHONE_HIGH, PHONE_STANDARD } from './helpers';
import { effectiveCallback } from './subscriptions';
import { Receiver, startSurfaceSimulator } from './surfaces.helpers';
import type { SimContext } from './types';

describe('simulator webhook subscriptions', () => {
	let sim: Simulator;
	let state: SimContext;
	let receiver: Receiver;
	let appToken: string;

	beforeAll(async () => {
		({ sim, state } = await startSurfaceSimulator());
		receiver = await new Receiver().start();
		appToken = `${sim.fixture.appId}|${sim.fixture.appSecret}`;
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.stop();
	});
	beforeEach(() => {
		sim.reset();
		receiver.verifyMode = 'echo';
	});

	const subscribeApp = (params: Record<string, string>, token = appToken) =>
		call(sim, 'POST', `/v26.0/${sim.fixture.appId}/subscriptions`, new URLSearchParams(params).toString(), token, {
			'Content-Type': 'application/x-www-form-urlencoded',
		});

	const appParams = (): Record<string, string> => ({
		object: 'whatsapp_business_account',
		callback_url: receiver.url,
		verify_token: receiver.verifyToken,
		fields: 'messages,message_template_status_update',
		include_values: 'true',
	});

	test('an app subscription is verified with a random challenge, then listed with its fields and version', async () => {
		const response = await subscribeApp(appParams());
		expect(response.status).toBe(200);
		// The string, as https://developers.facebook.com/docs/graph-api/webhooks/subscriptions-edge answers it.
		expect(response.body).toEqual({ success: 'true' });
		const verification = receiver.verifications.at(-1)!;
		expect(verification.get('hub.mode')).toBe('subscribe');
		expect(verification.get('hub.verify_token')).toBe(receiver.verifyToken);
		expect(verification.get('hub.challenge')).toMatch(/^\d+$/);
		const listed = await call(sim, 'GET', `/v26.0/${sim.fixture.appId}/subscriptions`, undefined, appToken);
		expect(listed.body.data).toEqual([
			{
				object: 'whatsapp_business_account',
				callback_url: receiver.url,
				active: true,
				fields: [
					{ name: 'messages', version: 'v26.0' },
					{ name: 'message_template_status_update', version: 'v26.0' },
				],
			},
		]);
	});

	test('a callback that answers something other than the challenge is refused with 2200', async () => {
		receiver.verifyMode = 'wrong';
		const response = await subscribeApp(appParams());
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe(2200);
		expect(response.body.error.message).toContain('Callback verification failed');
		expect((await call(sim, 'GET', `/v26.0/${sim.fixture.appId}/subscriptions`, undefined, appToken)).body.data).toEqual([]);
	});

	test('a callback nobody listens on is refused with 2200', async () => {
		const response = await subscribeApp({ ...appParams(), callback_url: 'http://127.0.0.1:9/webhook' });
		expect(response.body.error.code).toBe(2200);
	});

	test('app subscriptions need the app token, not a user token', async () => {
		const response = await subscribeApp(appParams(), sim.fixture.accessToken);
		expect(response.status).toBe(401);
		expect(response.body.error.code).toBe(190);
	});

	test('an unknown webhook field is refused with 100 naming it', async () => {
		const response = await subscribeApp({ ...appParams(), fields: 'messages,bogus_field' });
		expect(response.body.error.code).toBe(100);
		expect(response.body.error.message).toContain('bogus_field');
	});

	test('deleting some fields keeps the others and deleting all removes the subscription', async () => {
		await subscribeApp(appParams());
		const path = `/v26.0/${sim.fixture.appId}/subscriptions`;
		await call(sim, 'DELETE', `${path}?object=whatsapp_business_account&fields=message_template_status_update`, undefined, appToken);
		expect((await call(sim, 'GET', path, undefined, appToken)).body.data[0].fields).toEqual([{ name: 'messages', version: 'v26.0' }]);
		const removed = await call(sim, 'DELETE', `${path}?object=whatsapp_business_account`, undefined, appToken);
		expect(removed.body).toEqual({ success: true });
		expect((await call(sim, 'GET', path, undefined, appToken)).body.data).toEqual([]);
	});

	test('a WABA subscription with an override is verified and listed; deleting it removes it', async () => {
		const path = `/v26.0/${sim.fixture.wabaId}/subscribed_apps`;
		const url = `${receiver.url}?waba=1`;
		const set = await call(sim, 'POST', path, { override_callback_uri: url, verify_token: receiver.verifyToken });
		expect(set.body).toEqual({ success: true });
		const listed = await call(sim, 'GET', path);
		expect(listed.body.data).toEqual([
			{
				whatsapp_business_api_data: { id: sim.fixture.appId, link: expect.any(String), name: 'Simulator App' },
				override_callback_uri: url,
			},
		]);
		expect((await call(sim, 'DELETE', path)).body).toEqual({ success: true });
		expect((await call(sim, 'GET', path)).body.data).toEqual([]);
	});

	test('a WABA override whose endpoint refuses the token is refused with 2200', async () => {
		const response = await call(sim, 'POST', `/v26.0/${sim.fixture.wabaId}/subscribed_apps`, { override_callback_uri: receiver.url, verify_token: 'other' });
		expect(response.body.error.code).toBe(2200);
	});

	// "You must individually subscribe to every WABA for which you wish to receive webhooks":
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/solution-providers/manage-webhooks
	const subscribeAppToWaba = () => call(sim, 'POST', `/v26.0/${sim.fixture.wabaId}/subscribed_apps`);

	test('an app subscribed at app level gets nothing of a WABA it is not subscribed to', async () => {
		await subscribeApp(appParams());
		expect(effectiveCallback(state, PHONE_STANDARD)).toBeUndefined();
		expect(effectiveCallback(state, PHONE_STANDARD, 'messages', `${receiver.url}?fallback`)).toBeUndefined();
		expect((await subscribeAppToWaba()).body).toEqual({ success: true });
		expect(effectiveCallback(state, PHONE_STANDARD)).toMatchObject({ url: receiver.url, source: 'app' });
	});

	test('a number override gets nothing either until the app is subscribed to the WABA', async () => {
		await call(sim, 'POST', `/v26.0/${PHONE_HIGH}`, { webhook_configuration: { override_callback_uri: `${receiver.url}?number`, verify_token: receiver.verifyToken } });
		expect(effectiveCallback(state, PHONE_HIGH)).toBeUndefined();
		await subscribeAppToWaba();
		expect(effectiveCallback(state, PHONE_HIGH)).toMatchObject({ url: `${receiver.url}?number`, source: 'number' });
	});

	test('override callback URLs longer than 200 characters are refused', async () => {
		// "Override URLs are at most 200 characters": https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/override/
		const long = `${receiver.url}?${'x'.repeat(201 - receiver.url.length)}`;
		expect(long).toHaveLength(202);
		const waba = await call(sim, 'POST', `/v26.0/${sim.fixture.wabaId}/subscribed_apps`, { override_callback_uri: long, verify_token: receiver.verifyToken });
		expect(waba.body.error.code).toBe(100);
		const number = await call(sim, 'POST', `/v26.0/${PHONE_HIGH}`, { webhook_configuration: { override_callback_uri: long, verify_token: receiver.verifyToken } });
		expect(number.body.error.code).toBe(100);
		expect((await call(sim, 'GET', `/v26.0/${sim.fixture.wabaId}/subscribed_apps`)).body.data).toEqual([]);
	});

	test('the effective callback is the number override, then the WABA override, then the app', async () => {
		await subscribeApp(appParams());
		await subscribeAppToWaba();
		expect(effectiveCallback(state, PHONE_STANDARD)).toMatchObject({ url: receiver.url, source: 'app', version: 'v26.0' });
		await call(sim, 'POST', `/v26.0/${sim.fixture.wabaId}/subscribed_apps`, { override_callback_uri: `${receiver.url}?waba`, verify_token: receiver.verifyToken });
		expect(effectiveCallback(state, PHONE_STANDARD)).toMatchObject({ url: `${receiver.url}?waba`, source: 'waba' });
		await call(sim, 'POST', `/v26.0/${PHONE_HIGH}`, { webhook_configuration: { override_callback_uri: `${receiver.url}?number`, verify_token: receiver.verifyToken } });
		expect(effectiveCallback(state, PHONE_HIGH)).toMatchObject({ url: `${receiver.url}?number`, source: 'number' });
		expect(effectiveCallback(state, PHONE_STANDARD)).toMatchObject({ source: 'waba' });
	});

	test('an event of a field the app did not subscribe goes nowhere', async () => {
		await subscribeApp({ ...appParams(), fields: 'message_template_status_update' });
		await subscribeAppToWaba();
		expect(effectiveCallback(state, PHONE_STANDARD, 'messages')).toBeUndefined();
		expect(effectiveCallback(state, PHONE_STANDARD, 'message_template_status_update')).toMatchObject({ source: 'app' });
	});
});
