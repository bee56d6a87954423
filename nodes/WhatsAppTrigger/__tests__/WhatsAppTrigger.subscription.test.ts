/**
 * The trigger's lifecycle against the simulator: create / checkExists / delete for the app, WABA and phone-number
 * subscriptions, Meta's handshake answered by the trigger over real HTTP, and hand-backs between triggers.
 */
import { findSecretLeaks } from '../../../test/harness/secrets';
import { startSimulator, type Simulator } from '../../../test/simulator';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { WhatsAppTrigger } from '../WhatsAppTrigger.node';
import { startTriggerServer, type TriggerServer } from '../../../test/support/trigger/fakeContexts';
import { clearRedeliveryStores } from '../../../test/support/testHooks';

let sim: Simulator;
let trigger: TriggerServer;
const node = new WhatsAppTrigger();
const methods = node.webhookMethods.default;

function credentialsFor(simulator: Simulator): WhatsAppCredentials {
	return {
		accessToken: simulator.fixture.accessToken,
		apiVersion: 'v26.0',
		baseUrl: simulator.url,
		appId: simulator.fixture.appId,
		appSecret: simulator.fixture.appSecret,
		wabaId: simulator.fixture.wabaId,
	};
}

async function graphGet<T>(path: string, auth: 'bearer' | 'app' = 'bearer'): Promise<T> {
	const token = auth === 'app' ? `${sim.fixture.appId}|${sim.fixture.appSecret}` : sim.fixture.accessToken;
	const response = await fetch(`${sim.url}/v26.0${path}`, { headers: { authorization: `Bearer ${token}` } });
	return (await response.json()) as T;
}

async function appCallback(): Promise<{ callback_url?: string; fields?: Array<{ name: string }> } | undefined> {
	const list = await graphGet<{ data: Array<{ callback_url?: string; fields?: Array<{ name: string }> }> }>(`/${sim.fixture.appId}/subscriptions`, 'app');
	return list.data[0];
}

/**
 * The app's entry in the WABA's subscribed apps: `GET /{waba}/subscribed_apps` →
 * `{"data":[{"whatsapp_business_api_data":{"id","link","name"},"override_callback_uri"?}]}`
 * (https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/subscribed_apps/,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/override/).
 */
async function wabaSubscription(): Promise<{ whatsapp_business_api_data?: { id?: string }; override_callback_uri?: string } | undefined> {
	const list = await graphGet<{ data: Array<{ whatsapp_business_api_data?: { id?: string }; override_callback_uri?: string }> }>(`/${sim.fixture.wabaId}/subscribed_apps`);
	return list.data[0];
}

/** Subscribes the app to the WABA by hand, as Meta's page shows: `POST /{waba}/subscribed_apps` with no body. */
async function subscribeAppToWabaByHand(): Promise<void> {
	await fetch(`${sim.url}/v26.0/${sim.fixture.wabaId}/subscribed_apps`, { method: 'POST', headers: { authorization: `Bearer ${sim.fixture.accessToken}` } });
}

/** The requests the trigger made to one path, as the simulator saw them (method and body). */
function callsTo(path: string): Array<{ method: string; body: string }> {
	return sim.requests().filter((request) => request.path === `/v26.0${path}`).map((request) => ({ method: request.method, body: request.body }));
}

async function numberOverride(phoneNumberId: string): Promise<string | undefined> {
	const number = await graphGet<{ webhook_configuration?: { phone_number?: string } }>(`/${phoneNumberId}?fields=webhook_configuration`);
	return number.webhook_configuration?.phone_number;
}

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	await sim.stop();
});

beforeEach(async () => {
	sim.reset();
	clearRedeliveryStores();
	trigger = await startTriggerServer(credentialsFor(sim), { triggerOn: ['messages', 'field:account_update'] });
});

afterEach(async () => {
	await trigger.close();
});

describe('Meta app subscription', () => {
	it('subscribes the app to the trigger\'s URL with the fields the choices need', async () => {
		await methods.create.call(trigger.hooks());
		const subscription = await appCallback();
		expect(subscription?.callback_url).toBe(trigger.webhookUrl);
		expect(subscription?.fields?.map((field) => field.name).sort()).toEqual(['account_update', 'messages']);
		expect(trigger.responses.filter((response) => response.method === 'GET').map((response) => response.status)).toEqual([200]);
	});

	// Meta answers the app subscription with the string "true" (https://developers.facebook.com/docs/graph-api/webhooks/subscriptions-edge)
	// and the WABA subscription with the boolean (https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-account/subscribed-apps-api),
	// as the simulator does: the trigger goes by the HTTP status and takes both.
	it('activates on the string "true" of the app subscription and the boolean true of the WABA subscription', async () => {
		await methods.create.call(trigger.hooks());
		expect(callsTo(`/${sim.fixture.appId}/subscriptions`).map((request) => request.method)).toEqual(['GET', 'POST']);
		expect(callsTo(`/${sim.fixture.wabaId}/subscribed_apps`).map((request) => request.method)).toEqual(['GET', 'POST']);
		expect((await appCallback())?.callback_url).toBe(trigger.webhookUrl);
		expect((await wabaSubscription())?.whatsapp_business_api_data?.id).toBe(sim.fixture.appId);
		expect(await methods.checkExists.call(trigger.hooks())).toBe(true);
	});

	it('reports an existing subscription so n8n does not create it twice', async () => {
		expect(await methods.checkExists.call(trigger.hooks())).toBe(false);
		await methods.create.call(trigger.hooks());
		expect(await methods.checkExists.call(trigger.hooks())).toBe(true);
	});

	it('removes its subscription on deactivation', async () => {
		await methods.create.call(trigger.hooks());
		await methods.delete.call(trigger.hooks());
		expect(await appCallback()).toBeUndefined();
	});

	it('hands the app back to the production URL when a test run ends', async () => {
		await methods.create.call(trigger.hooks('production'));
		await methods.create.call(trigger.hooks('test'));
		expect((await appCallback())?.callback_url).toBe(trigger.testUrl);
		await methods.delete.call(trigger.hooks('test'));
		expect((await appCallback())?.callback_url).toBe(trigger.webhookUrl);
	});

	it('refuses to take over an app that sends its webhooks somewhere else', async () => {
		const other = await startTriggerServer(credentialsFor(sim), { options: { verifyToken: 'someone-else' } });
		try {
			await methods.create.call(other.hooks('production', `${other.url}/elsewhere`));
			await expect(methods.create.call(trigger.hooks())).rejects.toThrow(/already sends its webhooks to .*elsewhere/);
			expect((await appCallback())?.callback_url).toBe(`${other.url}/elsewhere`);
		} finally {
			await other.close();
		}
	});

	it('leaves the app alone on deactivation when someone else took it over since', async () => {
		await methods.create.call(trigger.hooks());
		const other = await startTriggerServer(credentialsFor(sim), { options: { verifyToken: 'other' } });
		try {
			await fetch(`${sim.url}/v26.0/${sim.fixture.appId}/subscriptions`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sim.fixture.appId}|${sim.fixture.appSecret}`, 'content-type': 'application/json' },
				body: JSON.stringify({ object: 'whatsapp_business_account', callback_url: `${other.url}/x`, verify_token: 'other', fields: 'messages' }),
			});
			await methods.delete.call(trigger.hooks());
			expect((await appCallback())?.callback_url).toBe(`${other.url}/x`);
		} finally {
			await other.close();
		}
	});
});

// "You must individually subscribe to every WABA for which you wish to receive webhooks": `POST /{waba}/subscribed_apps`
// with an empty body → {"success": true}.
// https://developers.facebook.com/documentation/business-messaging/whatsapp/solution-providers/manage-webhooks
describe('the app subscribed to the WABA (app mode)', () => {
	it("subscribes the app to the credential's WABA when it is not yet, so Meta's webhooks reach the trigger", async () => {
		expect(await wabaSubscription()).toBeUndefined();
		await methods.create.call(trigger.hooks());
		expect(await wabaSubscription()).toEqual({ whatsapp_business_api_data: expect.objectContaining({ id: sim.fixture.appId }) });
		expect(callsTo(`/${sim.fixture.wabaId}/subscribed_apps`).filter((call) => call.method === 'POST')).toEqual([{ method: 'POST', body: '' }]);
		const { delivery } = (await sim.injectInbound({ phoneNumberId: '300000000000001', from: '16505551234', type: 'text', text: 'hi' })) as { delivery: { url: string } };
		await sim.webhooks.idle();
		expect(delivery.url).toBe(trigger.webhookUrl);
		expect(trigger.executions).toHaveLength(1);
	});

	it('records that it added the subscription, and removes only that on deactivation', async () => {
		await methods.create.call(trigger.hooks());
		expect(trigger.staticData.subscription).toMatchObject({ mode: 'app', subscribedAppToWaba: sim.fixture.wabaId });
		await methods.delete.call(trigger.hooks());
		expect(await wabaSubscription()).toBeUndefined();
	});

	it('leaves a subscription that was there before alone, on activation and on deactivation', async () => {
		await subscribeAppToWabaByHand();
		await methods.create.call(trigger.hooks());
		expect(callsTo(`/${sim.fixture.wabaId}/subscribed_apps`).filter((call) => call.method !== 'GET')).toEqual([{ method: 'POST', body: '' }]);
		await methods.delete.call(trigger.hooks());
		expect(await wabaSubscription()).toBeDefined();
		expect(callsTo(`/${sim.fixture.wabaId}/subscribed_apps`).some((call) => call.method === 'DELETE')).toBe(false);
	});

	it('is not there yet when the app subscription is but the WABA subscription is gone, and activation puts it back', async () => {
		await methods.create.call(trigger.hooks());
		await fetch(`${sim.url}/v26.0/${sim.fixture.wabaId}/subscribed_apps`, { method: 'DELETE', headers: { authorization: `Bearer ${sim.fixture.accessToken}` } });
		expect(await methods.checkExists.call(trigger.hooks())).toBe(false);
		await methods.create.call(trigger.hooks());
		expect(await methods.checkExists.call(trigger.hooks())).toBe(true);
	});

	it('keeps the WABA subscription it added while a phone-number trigger of the app still needs it', async () => {
		await methods.create.call(trigger.hooks('production'));
		trigger.parameters.subscription = 'phoneNumber';
		trigger.parameters.subscriptionPhoneNumberId = '300000000000002';
		await methods.create.call(trigger.hooks('test'));
		trigger.parameters.subscription = 'app';
		await methods.delete.call(trigger.hooks('production'));
		expect(await wabaSubscription()).toBeDefined();
	});
});

describe('WhatsApp Business Account subscription', () => {
	beforeEach(() => {
		trigger.parameters.subscription = 'waba';
	});

	it('sets the WABA\'s override callback to the trigger', async () => {
		await methods.create.call(trigger.hooks());
		expect((await wabaSubscription())?.override_callback_uri).toBe(trigger.webhookUrl);
		expect(await methods.checkExists.call(trigger.hooks())).toBe(true);
	});

	it('unsubscribes the app on deactivation when it was not subscribed before', async () => {
		await methods.create.call(trigger.hooks());
		await methods.delete.call(trigger.hooks());
		expect(await wabaSubscription()).toBeUndefined();
	});

	it('keeps the app subscribed, without the override, when it was subscribed before', async () => {
		await fetch(`${sim.url}/v26.0/${sim.fixture.wabaId}/subscribed_apps`, { method: 'POST', headers: { authorization: `Bearer ${sim.fixture.accessToken}` } });
		await methods.create.call(trigger.hooks());
		await methods.delete.call(trigger.hooks());
		const subscription = await wabaSubscription();
		expect(subscription).toBeDefined();
		expect(subscription?.override_callback_uri).toBeUndefined();
	});
});

describe('phone number subscription', () => {
	const phoneNumberId = '300000000000002';

	beforeEach(() => {
		trigger.parameters.subscription = 'phoneNumber';
		trigger.parameters.subscriptionPhoneNumberId = { __rl: true, mode: 'list', value: phoneNumberId } as unknown as string;
	});

	it('sets the number\'s override callback to the trigger', async () => {
		await methods.create.call(trigger.hooks());
		expect(await numberOverride(phoneNumberId)).toBe(trigger.webhookUrl);
		expect(await methods.checkExists.call(trigger.hooks())).toBe(true);
	});

	it('removes the number\'s override on deactivation', async () => {
		await methods.create.call(trigger.hooks());
		await methods.delete.call(trigger.hooks());
		expect(await numberOverride(phoneNumberId)).toBeUndefined();
	});

	it('removes the override with override_callback_uri "" and nothing else', async () => {
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/override/ (and CLOUD_API.md,
		// "Corrections and additions"): POST /{phone-id} {"webhook_configuration":{"override_callback_uri":""}}.
		await methods.create.call(trigger.hooks());
		await methods.delete.call(trigger.hooks());
		const posts = callsTo(`/${phoneNumberId}`).filter((call) => call.method === 'POST');
		expect(posts.map((call) => JSON.parse(call.body))).toEqual([
			{ webhook_configuration: { override_callback_uri: trigger.webhookUrl, verify_token: expect.any(String) } },
			{ webhook_configuration: { override_callback_uri: '' } },
		]);
	});

	it('subscribes the app to the WABA too (Meta sends nothing otherwise), and removes that on deactivation', async () => {
		await methods.create.call(trigger.hooks());
		expect(await wabaSubscription()).toBeDefined();
		const { delivery } = (await sim.injectInbound({ phoneNumberId, from: '16505551234', type: 'text', text: 'hi' })) as { delivery: { url: string } };
		expect(delivery.url).toBe(trigger.webhookUrl);
		await methods.delete.call(trigger.hooks());
		expect(await wabaSubscription()).toBeUndefined();
	});

	it('lets a test trigger on one number live beside the production trigger on the app', async () => {
		trigger.parameters.subscription = 'app';
		await methods.create.call(trigger.hooks('production'));
		trigger.parameters.subscription = 'phoneNumber';
		await methods.create.call(trigger.hooks('test'));
		expect((await appCallback())?.callback_url).toBe(trigger.webhookUrl);
		expect(await numberOverride(phoneNumberId)).toBe(trigger.testUrl);
	});

	it('refuses to activate with a phone-number filter that holds a phone number instead of an ID', async () => {
		trigger.parameters.options = { phoneNumberIds: '300000000000001, +1 555 0100' };
		await expect(methods.checkExists.call(trigger.hooks())).rejects.toThrow('"Options › Only Phone Number IDs" holds "+1 555 0100", which is not a phone number ID');
	});

	it('names the field when the phone number is not an ID', async () => {
		trigger.parameters.subscriptionPhoneNumberId = '+1 555 0100';
		await expect(methods.create.call(trigger.hooks())).rejects.toThrow('"Phone Number" is "+1 555 0100", which is not a phone number ID');
	});
});

describe('an override callback URL longer than Meta accepts', () => {
	// Override URLs are at most 200 characters (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/override/,
	// CLOUD_API.md "Corrections and additions").
	const longUrl = () => `${trigger.url}/${'n8n/'.repeat(40)}webhook/5b0e4f7a-9c3d-4e2b-8a1f-6d7c8b9a0e1f/webhook`;

	it.each([
		['waba', 'WhatsApp Business Account'],
		['phoneNumber', 'Phone Number'],
	])('is refused before any call for Subscription %s, naming the setting', async (mode, label) => {
		trigger.parameters.subscription = mode;
		trigger.parameters.subscriptionPhoneNumberId = '300000000000002';
		const url = longUrl();
		expect(url.length).toBeGreaterThan(200);
		const before = sim.requests().length;
		const error = (await methods.create.call(trigger.hooks('production', url)).then(
			() => undefined,
			(failure: unknown) => failure,
		)) as (Error & { description?: string }) | undefined;
		expect(error).toBeInstanceOf(Error);
		expect(error?.message).toContain(`is ${url.length} characters long, and Meta accepts at most 200 for Subscription "${label}"`);
		expect(error?.description).toMatch(/WEBHOOK_URL/);
		expect(sim.requests().length).toBe(before);
	});

	it('is accepted for the app subscription, whose callback has no such limit', async () => {
		const url = longUrl();
		await methods.create.call(trigger.hooks('production', url));
		expect((await appCallback())?.callback_url).toBe(url);
	});
});

describe('a callback URL Meta cannot reach', () => {
	function withMetaBaseUrl(): WhatsAppCredentials {
		return { ...credentialsFor(sim), baseUrl: 'https://graph.facebook.com' };
	}

	it.each([
		['http://n8n.example.com/webhook/x/webhook', /not HTTPS/],
		['https://localhost:5678/webhook/x/webhook', /private or local address/],
		['https://192.168.1.20/webhook/x/webhook', /private or local address/],
		['https://10.0.0.5/webhook/x/webhook', /private or local address/],
	])('refuses %s before any call to Meta', async (url, reason) => {
		const local = await startTriggerServer(withMetaBaseUrl());
		try {
			const before = sim.requests().length;
			await expect(methods.create.call(local.hooks('production', url))).rejects.toThrow(reason);
			expect(sim.requests().length).toBe(before);
		} finally {
			await local.close();
		}
	});

	it('does nothing at Meta for a manual subscription', async () => {
		trigger.parameters.subscription = 'manual';
		trigger.parameters.options = { verifyToken: 'typed-at-meta' };
		expect(await methods.checkExists.call(trigger.hooks())).toBe(true);
		await methods.create.call(trigger.hooks());
		expect(await appCallback()).toBeUndefined();
	});

	it('refuses to activate a manual subscription without a verify token the user can type at Meta', async () => {
		trigger.parameters.subscription = 'manual';
		await expect(methods.checkExists.call(trigger.hooks())).rejects.toThrow('"Options › Verify Token" is empty, and a Manual subscription needs one');
	});
});

describe('errors never carry a secret', () => {
	async function failure(run: () => Promise<unknown>): Promise<Error> {
		try {
			await run();
		} catch (error) {
			return error as Error;
		}
		throw new Error('expected the lifecycle step to fail');
	}

	it.each([
		['an app secret Meta does not know (app subscription)', 'app', { appSecret: 'wrongAppSecret0123456789' }],
		['an expired access token (WABA subscription)', 'waba', { accessToken: 'EXPIRED' }],
		['an expired access token (phone number subscription)', 'phoneNumber', { accessToken: 'EXPIRED' }],
	])('explains %s without the token or secret', async (_name, mode, change) => {
		const credentials = { ...credentialsFor(sim), ...change };
		if (credentials.accessToken === 'EXPIRED') credentials.accessToken = sim.fixture.expiredAccessToken;
		const failing = await startTriggerServer(credentials, {
			subscription: mode,
			subscriptionPhoneNumberId: '300000000000001',
			triggerOn: ['messages'],
		});
		try {
			const error = await failure(() => methods.create.call(failing.hooks()));
			expect(error.message).toMatch(/Meta refused the webhook subscription/);
			expect((error as { description?: string }).description).toMatch(/renew it in the credential/);
			const secrets = { accessToken: credentials.accessToken, appSecret: credentials.appSecret, appId: credentials.appId };
			expect(findSecretLeaks(error, secrets)).toEqual([]);
			expect(findSecretLeaks(failing.logs, secrets)).toEqual([]);
		} finally {
			await failing.close();
		}
	});
});
