/**
 * Webhook subscriptions: the app's `/{app-id}/subscriptions` (app token), the WABA's `subscribed_apps` with an
 * optional override callback, and the per-number override. Every new callback is verified first with Meta's
 * `hub.challenge` GET. Precedence for an event on a number: number override → WABA override → app subscription.
 */
import { randomInt } from 'crypto';
import http from 'http';
import https from 'https';
import { MetaError } from './types';
import type { Route, SimContext, SimRequest, SimResponse } from './types';
import { bodyParams, invalidParameter, listParam, moduleState, requireWaba, unknownObjectError } from './surfaces';

/** Webhook fields a WhatsApp Business Account subscription may name. */
export const WABA_WEBHOOK_FIELDS = [
	'messages',
	'message_template_status_update',
	'message_template_quality_update',
	'message_template_components_update',
	'template_category_update',
	'phone_number_quality_update',
	'phone_number_name_update',
	'account_update',
	'account_review_update',
	'account_alerts',
	'business_capability_update',
	'security',
	'user_preferences',
	'history',
	'smb_message_echoes',
	'smb_app_state_sync',
	'calls',
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
	'flows',
	'partner_solutions',
	'payment_configuration_update',
	'automatic_events',
	'tracking_events',
] as const;

export interface AppSubscription {
	object: string;
	callbackUrl: string;
	verifyToken: string;
	fields: Array<{ name: string; version: string }>;
	includeValues: boolean;
}

export interface CallbackOverride {
	url: string;
	verifyToken: string;
}

interface SubscriptionState {
	/** By object (`whatsapp_business_account`). */
	app: Map<string, AppSubscription>;
	/** WABAs that subscribed the app, with their optional override. */
	wabas: Map<string, { override?: CallbackOverride }>;
	numbers: Map<string, CallbackOverride>;
}

export function subscriptionState(sim: SimContext): SubscriptionState {
	return moduleState(sim, 'subscriptions', () => ({
		app: new Map<string, AppSubscription>(),
		wabas: new Map<string, { override?: CallbackOverride }>(),
		numbers: new Map<string, CallbackOverride>(),
	}));
}

/** How long Meta's verification GET may take before it counts as failed. */
const VERIFY_TIMEOUT_MS = 5000;

function verificationFailed(reason: string): MetaError {
	return new MetaError({
		httpStatus: 400,
		code: 2200,
		// Meta's exact wording, without error_data (as live answers show it).
		message: `(#2200) Callback verification failed with the following errors: ${reason}`,
	});
}

/**
 * Meta's handshake: `GET callback?hub.mode=subscribe&hub.challenge=N&hub.verify_token=T` must answer 200 with
 * exactly N. Throws 2200 otherwise.
 */
export async function verifyCallback(callbackUrl: string, verifyToken: string): Promise<void> {
	let url: URL;
	try {
		url = new URL(callbackUrl);
	} catch {
		throw invalidParameter(`Param callback_url must be a valid URL - got "${callbackUrl}"`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw invalidParameter(`Param callback_url must be an http(s) URL - got "${callbackUrl}"`);
	}
	const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
	url.searchParams.set('hub.mode', 'subscribe');
	url.searchParams.set('hub.challenge', challenge);
	url.searchParams.set('hub.verify_token', verifyToken);
	const client = url.protocol === 'https:' ? https : http;
	const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
		const request = client.get(url, { timeout: VERIFY_TIMEOUT_MS, rejectUnauthorized: false, agent: false }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
			response.on('error', reject);
		});
		request.on('timeout', () => request.destroy(new Error(`no answer within ${VERIFY_TIMEOUT_MS} ms`)));
		request.on('error', reject);
	}).catch((error: Error) => {
		throw verificationFailed(`Couldn't connect to server (${error.message})`);
	});
	if (status !== 200) {
		throw verificationFailed(`HTTP Status Code = ${status}; HTTP Message = ${http.STATUS_CODES[status] ?? 'Unknown'}`);
	}
	if (body !== challenge) {
		throw verificationFailed(
			`The URL couldn't be validated. Response does not match challenge, expected value="${challenge}", received="${body.slice(0, 100)}"`,
		);
	}
}

export interface EffectiveCallback {
	url: string;
	/** Graph version of the payload (the app subscription's version, else the dispatcher's default). */
	version?: string;
	source: 'number' | 'waba' | 'app' | 'options';
}

/**
 * Where Meta would send an event of `field` for a number: nowhere unless the app is subscribed to the WABA
 * (`POST /{waba}/subscribed_apps`, also in app-level mode); then the number's override, the WABA's override, the app
 * subscription (when it includes the field). `fallbackUrl` (the dispatcher's `callbackUrl` option) is used when
 * nothing is subscribed at all (tests that skip the subscription handshake).
 * "You must individually subscribe to every WABA for which you wish to receive webhooks":
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/solution-providers/manage-webhooks
 */
export function effectiveCallback(
	sim: SimContext,
	phoneNumberId: string | undefined,
	field = 'messages',
	fallbackUrl?: string,
): EffectiveCallback | undefined {
	const subscriptions = subscriptionState(sim);
	const appSubscription = subscriptions.app.get('whatsapp_business_account');
	const numberOverride = phoneNumberId ? subscriptions.numbers.get(phoneNumberId) : undefined;
	const waba = subscriptions.wabas.get(sim.fixture.wabaId);
	if (!waba) return !appSubscription && !numberOverride && fallbackUrl ? { url: fallbackUrl, source: 'options' } : undefined;
	const fieldEntry = appSubscription?.fields.find((entry) => entry.name === field);
	const version = fieldEntry?.version;
	if (appSubscription && !fieldEntry) return undefined;
	if (numberOverride) return { url: numberOverride.url, version, source: 'number' };
	if (waba.override) return { url: waba.override.url, version, source: 'waba' };
	if (appSubscription) return { url: appSubscription.callbackUrl, version, source: 'app' };
	if (fallbackUrl) return { url: fallbackUrl, source: 'options' };
	return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// /{app-id}/subscriptions
// ---------------------------------------------------------------------------------------------------------------

function requireApp(appId: string, sim: SimContext): void {
	if (appId !== sim.fixture.appId) throw unknownObjectError(appId);
}

function stringParam(params: Record<string, unknown>, name: string): string | undefined {
	const value = params[name];
	if (value === undefined || value === null || value === '') return undefined;
	return String(value);
}

async function subscribeApp(req: SimRequest, params: Record<string, string>, sim: SimContext): Promise<SimResponse> {
	requireApp(params.appId, sim);
	const input = bodyParams(req);
	const object = stringParam(input, 'object');
	if (!object) throw invalidParameter('The parameter object is required.', '(#100) The parameter object is required');
	if (object !== 'whatsapp_business_account') {
		throw invalidParameter(`Param object must be "whatsapp_business_account" for a WhatsApp app - got "${object}"`);
	}
	const existing = subscriptionState(sim).app.get(object);
	const callbackUrl = stringParam(input, 'callback_url') ?? existing?.callbackUrl;
	if (!callbackUrl) throw invalidParameter('The parameter callback_url is required.', '(#100) The parameter callback_url is required');
	const verifyToken = stringParam(input, 'verify_token') ?? '';
	const fieldNames = listParam(input.fields);
	if (!fieldNames || fieldNames.length === 0) throw invalidParameter('The parameter fields is required.', '(#100) The parameter fields is required');
	for (const name of fieldNames) {
		if (!(WABA_WEBHOOK_FIELDS as readonly string[]).includes(name)) {
			throw invalidParameter(`Param fields contains an unknown field "${name}" for object whatsapp_business_account`, `(#100) Invalid field "${name}" for object whatsapp_business_account`);
		}
	}
	await verifyCallback(callbackUrl, verifyToken);
	const fields = new Map((existing?.fields ?? []).map((entry) => [entry.name, entry]));
	for (const name of fieldNames) fields.set(name, { name, version: req.version });
	subscriptionState(sim).app.set(object, {
		object,
		callbackUrl,
		verifyToken,
		fields: [...fields.values()],
		includeValues: String(input.include_values ?? 'true') !== 'false',
	});
	// The string "true", as the Subscriptions edge page answers (WhatsApp's own pages answer a boolean on other calls):
	// https://developers.facebook.com/docs/graph-api/webhooks/subscriptions-edge
	return { status: 200, body: { success: 'true' } };
}

function listAppSubscriptions(_req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireApp(params.appId, sim);
	const data = [...subscriptionState(sim).app.values()].map((subscription) => ({
		object: subscription.object,
		callback_url: subscription.callbackUrl,
		active: true,
		fields: subscription.fields,
	}));
	return { status: 200, body: { data } };
}

function unsubscribeApp(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireApp(params.appId, sim);
	const input = bodyParams(req);
	const object = stringParam(input, 'object');
	const fieldNames = listParam(input.fields);
	const subscriptions = subscriptionState(sim).app;
	for (const [key, subscription] of subscriptions) {
		if (object && key !== object) continue;
		if (fieldNames && fieldNames.length > 0) {
			subscription.fields = subscription.fields.filter((entry) => !fieldNames.includes(entry.name));
			if (subscription.fields.length === 0) subscriptions.delete(key);
		} else {
			subscriptions.delete(key);
		}
	}
	return { status: 200, body: { success: true } };
}

// ---------------------------------------------------------------------------------------------------------------
// /{waba-id}/subscribed_apps and the per-number override
// ---------------------------------------------------------------------------------------------------------------

/** Meta's longest override callback URL. */
export const MAX_OVERRIDE_URL_LENGTH = 200;

/** Reads and verifies `override_callback_uri` + `verify_token`; undefined when no override is given. */
async function readOverride(input: Record<string, unknown>): Promise<CallbackOverride | undefined> {
	const url = stringParam(input, 'override_callback_uri');
	const verifyToken = stringParam(input, 'verify_token');
	if (!url) {
		if (verifyToken) throw invalidParameter('Param verify_token needs override_callback_uri');
		return undefined;
	}
	if (url.length > MAX_OVERRIDE_URL_LENGTH) {
		throw invalidParameter(`Param override_callback_uri must be at most ${MAX_OVERRIDE_URL_LENGTH} characters long`);
	}
	if (!verifyToken) throw invalidParameter('Param verify_token is required with override_callback_uri');
	await verifyCallback(url, verifyToken);
	return { url, verifyToken };
}

async function subscribeWaba(req: SimRequest, params: Record<string, string>, sim: SimContext): Promise<SimResponse> {
	requireWaba(req, params.wabaId, sim);
	const override = await readOverride(bodyParams(req));
	subscriptionState(sim).wabas.set(params.wabaId, { override });
	return { status: 200, body: { success: true } };
}

function listWabaSubscriptions(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	const waba = subscriptionState(sim).wabas.get(params.wabaId);
	const data = waba
		? [
				{
					whatsapp_business_api_data: {
						id: sim.fixture.appId,
						link: `https://www.facebook.com/games/?app_id=${sim.fixture.appId}`,
						name: 'Simulator App',
					},
					...(waba.override ? { override_callback_uri: waba.override.url } : {}),
				},
			]
		: [];
	return { status: 200, body: { data } };
}

function unsubscribeWaba(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	subscriptionState(sim).wabas.delete(params.wabaId);
	return { status: 200, body: { success: true } };
}

/**
 * `POST /{phone-id}` with `webhook_configuration: {override_callback_uri, verify_token}`; an empty
 * `override_callback_uri` removes the override. Called by the phone-number module.
 */
export async function configureNumberWebhook(phoneNumberId: string, configuration: unknown, sim: SimContext): Promise<void> {
	if (configuration === null || typeof configuration !== 'object' || Array.isArray(configuration)) {
		throw invalidParameter('Param webhook_configuration must be an object {override_callback_uri, verify_token}');
	}
	const input = configuration as Record<string, unknown>;
	if (input.override_callback_uri === '' || input.override_callback_uri === null) {
		subscriptionState(sim).numbers.delete(phoneNumberId);
		return;
	}
	const override = await readOverride(input);
	if (!override) throw invalidParameter('Param webhook_configuration.override_callback_uri is required');
	subscriptionState(sim).numbers.set(phoneNumberId, override);
}

/** Meta's `webhook_configuration` field of a phone number: the callback at each level. */
export function numberWebhookConfiguration(phoneNumberId: string, sim: SimContext): Record<string, string> {
	const subscriptions = subscriptionState(sim);
	const configuration: Record<string, string> = {};
	const app = subscriptions.app.get('whatsapp_business_account');
	if (app) configuration.application = app.callbackUrl;
	const waba = subscriptions.wabas.get(sim.fixture.wabaId)?.override;
	if (waba) configuration.whatsapp_business_account = waba.url;
	const number = subscriptions.numbers.get(phoneNumberId);
	if (number) configuration.phone_number = number.url;
	return configuration;
}

const appSubscriptionsMatch = (segments: string[]): Record<string, string> | null =>
	segments.length === 2 && segments[1] === 'subscriptions' ? { appId: segments[0] } : null;
const subscribedAppsMatch = (segments: string[]): Record<string, string> | null =>
	segments.length === 2 && segments[1] === 'subscribed_apps' ? { wabaId: segments[0] } : null;

export const subscriptionRoutes: Route[] = [
	{ method: 'POST', match: appSubscriptionsMatch, handler: subscribeApp, auth: 'app', countsAgainstBudget: false },
	{ method: 'GET', match: appSubscriptionsMatch, handler: listAppSubscriptions, auth: 'app', countsAgainstBudget: false },
	{ method: 'DELETE', match: appSubscriptionsMatch, handler: unsubscribeApp, auth: 'app', countsAgainstBudget: false },
	{ method: 'POST', match: subscribedAppsMatch, handler: subscribeWaba },
	{ method: 'GET', match: subscribedAppsMatch, handler: listWabaSubscriptions },
	{ method: 'DELETE', match: subscribedAppsMatch, handler: unsubscribeWaba },
];
