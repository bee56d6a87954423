/**
 * The trigger's lifecycle against the simulator: create / checkExists / delete for the app, WABA and phone-number
 * subscriptions, Meta's handshake answered by the trigger over real HTTP, and hand-backs between triggers.
 */
import { findSecretLeaks } from '../../../test/harness/secrets';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { clearRedeliveryStores } from '../../shared/webhook';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { WhatsAppTrigger } from '../WhatsAppTrigger.node';
import { startTriggerServer, type TriggerServer } from './triggerServer';

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

async function wabaSubscription(): Promise<{ override_callback_uri?: string } | undefined> {
	const list = await graphGet<{ data: Array<{ override_callback_uri?: string }> }>(`/${sim.fixture.wabaId}/subscribed_apps`);
	return list.data[0];
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
