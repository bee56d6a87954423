/**
 * The trigger's lifecycle with Meta: where webhooks are sent for this trigger, set on activation and undone on
 * deactivation. Three places, so several triggers can share one Meta app:
 * - `app`: the app's own callback (`/{app-id}/subscriptions`, app token) — one per app;
 * - `waba`: the WABA's `subscribed_apps` with `override_callback_uri` — one per WhatsApp Business Account;
 * - `phoneNumber`: `POST /{phone-number-id}` with `webhook_configuration` — one per number (wins over the others).
 * Meta sends a WABA's webhooks only to apps subscribed to that WABA, so the app and phone-number modes also subscribe
 * the app to the credential's WABA when it is not yet (the WABA mode's own call does).
 * A trigger takes over only its own other URL (Production while a test run listens) and hands only that back;
 * deactivation undoes only what this trigger set, and only while Meta still points at this trigger.
 */
import { createHmac } from 'crypto';

import { scheduleGraphCall } from '../shared/limiter';
import type { GraphRequest, WhatsAppCredentials } from '../shared/transport/types';

export type SubscriptionMode = 'app' | 'waba' | 'phoneNumber' | 'manual';

export const WEBHOOK_OBJECT = 'whatsapp_business_account';

/** Fields subscribed for "All Events": everything a WhatsApp Business Account sends that the pack names. */
export const ALL_SUBSCRIBABLE_FIELDS = [
	'messages',
	'message_template_status_update',
	'message_template_quality_update',
	'template_category_update',
	'phone_number_quality_update',
	'phone_number_name_update',
	'account_update',
	'account_review_update',
	'account_alerts',
	'business_capability_update',
	'security',
	'message_template_components_update',
	'user_preferences',
	'calls',
	'smb_message_echoes',
	'history',
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
] as const;

// ---------------------------------------------------------------------------------------------------------------
// Graph payloads
// ---------------------------------------------------------------------------------------------------------------

export interface AppSubscriptionList {
	data?: Array<{
		object?: string;
		callback_url?: string;
		active?: boolean;
		fields?: Array<{ name?: string; version?: string } | string>;
	}>;
}

export interface SubscribedAppsList {
	data?: Array<{
		whatsapp_business_api_data?: { id?: string; name?: string; link?: string };
		override_callback_uri?: string;
	}>;
}

export interface PhoneNumberWebhookConfiguration {
	id?: string;
	webhook_configuration?: { phone_number?: string; whatsapp_business_account?: string; application?: string };
}

// ---------------------------------------------------------------------------------------------------------------
// Verify tokens
// ---------------------------------------------------------------------------------------------------------------

/**
 * The verify token of a trigger when the user sets none: derived from the trigger's webhook ID and a credential
 * secret, so the test and production URLs of one trigger share it (a test run hands the callback back with it) and
 * every process computes the same one.
 */
export function defaultVerifyToken(webhookId: string, secret: string): string {
	return 'wa_' + createHmac('sha256', secret).update(`whatsapp-trigger-verify-token:${webhookId}`).digest('base64url').slice(0, 32);
}

/** The webhook ID in an n8n webhook URL of this node (`…/webhook/<id>/webhook`, `…/webhook-test/<id>/webhook`). */
export function webhookIdFromUrl(url: string): string | undefined {
	try {
		const segments = new URL(url).pathname.split('/').filter((segment) => segment !== '');
		if (segments.length < 2 || segments[segments.length - 1] !== 'webhook') return undefined;
		const id = segments[segments.length - 2];
		return /^[0-9a-fA-F-]{8,}$/.test(id) ? id : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Whether `url` is this trigger's own other URL (its Production URL while its Test URL holds the callback, or the
 * reverse): same n8n origin, same webhook ID. Only such a callback is taken over and handed back: any other, even
 * one shaped like a trigger's (n8n's own WhatsApp Trigger has the same path), may be another tool's.
 */
export function isOwnOtherUrl(callbackUrl: string, url: string): boolean {
	const webhookId = webhookIdFromUrl(url);
	if (webhookId === undefined || webhookId !== webhookIdFromUrl(callbackUrl)) return false;
	return new URL(url).origin === new URL(callbackUrl).origin;
}

// ---------------------------------------------------------------------------------------------------------------
// The callback URL must be one Meta can reach
// ---------------------------------------------------------------------------------------------------------------

function isPrivateHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
	if (!host.includes('.') && !host.includes(':')) return true;
	const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
	if (v4) {
		const [a, b] = [Number(v4[1]), Number(v4[2])];
		return (
			a === 10 ||
			a === 127 ||
			a === 0 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	if (host.includes(':')) return host === '::1' || host === '::' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80');
	return false;
}

/** Whether Graph calls go to Meta itself (not the simulator or a proxy that forwards to a private n8n). */
export function talksToMeta(credentials: WhatsAppCredentials): boolean {
	try {
		const host = new URL(credentials.baseUrl).hostname.toLowerCase();
		return host === 'graph.facebook.com' || host.endsWith('.facebook.com');
	} catch {
		return true;
	}
}

/** Why Meta cannot reach a callback URL, or undefined when it can (public HTTPS). */
export function unreachableCallbackReason(callbackUrl: string | undefined): string | undefined {
	if (!callbackUrl) return 'n8n did not give this trigger a webhook URL';
	let url: URL;
	try {
		url = new URL(callbackUrl);
	} catch {
		return `"${callbackUrl}" is not a URL`;
	}
	if (url.protocol !== 'https:') return `${callbackUrl} is not HTTPS (Meta only calls https:// URLs with a valid certificate)`;
	if (isPrivateHost(url.hostname)) return `${callbackUrl} points to a private or local address that Meta cannot reach`;
	return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// What the trigger remembers (workflow static data)
// ---------------------------------------------------------------------------------------------------------------

/** What this trigger set at Meta, so deactivation undoes exactly that. */
export interface SubscriptionRecord {
	mode: Exclude<SubscriptionMode, 'manual'>;
	/** App ID, WABA ID or phone-number ID. */
	targetId: string;
	callbackUrl: string;
	/** This trigger's other URL, which had the callback before (handed back on deactivation), if any. */
	previousUrl?: string;
	/** App mode: the fields of the previous subscription. */
	previousFields?: string[];
	/** WABA mode: whether the app was subscribed to the WABA before (without an override of ours). */
	wasSubscribed?: boolean;
	/** App and phone-number modes: the WABA this trigger subscribed the app to (it was not before). */
	subscribedAppToWaba?: string;
}

export interface LifecycleInput {
	credentials: WhatsAppCredentials;
	mode: SubscriptionMode;
	callbackUrl: string;
	verifyToken: string;
	/** Whether the user set the verify token (Options → Verify Token) rather than the derived one. */
	customVerifyToken?: boolean;
	/** Webhook fields the user's choices need (app mode). */
	fields: string[];
	/** Phone-number mode: the number whose webhooks this trigger receives. */
	phoneNumberId?: string;
	/** Logs a warning (deactivation never throws over what it could not undo). */
	warn?: (message: string) => void;
}

/** A user-facing failure of the lifecycle (the node wraps it in a NodeOperationError). */
export class SubscriptionError extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
		this.name = 'SubscriptionError';
	}
}

async function graph<T>(credentials: WhatsAppCredentials, request: GraphRequest): Promise<T> {
	// Subscriptions, WABA and phone-number settings are management calls (Meta's hour of 200, or 5,000).
	const response = await scheduleGraphCall<T>({ credentials, family: 'management', request });
	return response.data;
}

function requireValue(value: string | undefined, message: string, description: string): string {
	const text = String(value ?? '').trim();
	if (!text) throw new SubscriptionError(message, description);
	return text;
}

function fieldNames(fields: Array<{ name?: string } | string> | undefined): string[] {
	return (fields ?? []).map((field) => (typeof field === 'string' ? field : String(field.name ?? ''))).filter((name) => name !== '');
}

// ---------------------------------------------------------------------------------------------------------------
// App: /{app-id}/subscriptions
// ---------------------------------------------------------------------------------------------------------------

async function readAppSubscription(credentials: WhatsAppCredentials, appId: string) {
	const list = await graph<AppSubscriptionList>(credentials, { method: 'GET', path: `/${appId}/subscriptions`, auth: 'app' });
	return (list.data ?? []).find((subscription) => subscription.object === WEBHOOK_OBJECT && subscription.active !== false);
}

function appIdOf(credentials: WhatsAppCredentials): string {
	return requireValue(
		credentials.appId,
		'"Meta App ID" is empty in the "WhatsApp Cloud Nodes API" credential, and Subscription "Meta App" needs it',
		'Add the App ID and App Secret (Meta App Dashboard → App settings → Basic) to the credential, or choose another Subscription.',
	);
}

// ---------------------------------------------------------------------------------------------------------------
// WABA: /{waba-id}/subscribed_apps
// ---------------------------------------------------------------------------------------------------------------

async function readWabaSubscription(credentials: WhatsAppCredentials, wabaId: string) {
	const list = await graph<SubscribedAppsList>(credentials, { method: 'GET', path: `/${wabaId}/subscribed_apps` });
	const entries = list.data ?? [];
	const appId = String(credentials.appId ?? '').trim();
	// Without an App ID in the credential, the token's own app is the one listed (a system-user token has one app).
	return appId ? entries.find((entry) => entry.whatsapp_business_api_data?.id === appId) : entries[0];
}

/**
 * Meta sends nothing of a WABA to an app not subscribed to it, whatever callback is set (app, WABA or number):
 * `POST /{waba}/subscribed_apps` with an empty body when the app is not listed yet. Returns the WABA ID when this
 * call subscribed it. https://developers.facebook.com/documentation/business-messaging/whatsapp/solution-providers/manage-webhooks
 */
async function subscribeAppToWaba(input: LifecycleInput): Promise<string | undefined> {
	const { credentials } = input;
	const wabaId = String(credentials.wabaId ?? '').trim();
	if (!wabaId) {
		input.warn?.(
			'The credential has no WhatsApp Business Account ID, so the app could not be subscribed to it: Meta sends a WhatsApp Business Account\'s webhooks only to apps subscribed to it. Add the ID to the credential, or subscribe the app in WhatsApp Manager.',
		);
		return undefined;
	}
	if (await readWabaSubscription(credentials, wabaId)) return undefined;
	await graph(credentials, { method: 'POST', path: `/${wabaId}/subscribed_apps` });
	return wabaId;
}

/** Whether the app is subscribed to the credential's WABA (true when the credential names none: nothing to check). */
async function appSubscribedToWaba(credentials: WhatsAppCredentials): Promise<boolean> {
	const wabaId = String(credentials.wabaId ?? '').trim();
	return !wabaId || (await readWabaSubscription(credentials, wabaId)) !== undefined;
}

/**
 * Removes the app's subscription to the WABA this trigger added, once this trigger's own callback is gone, unless
 * something else of the app still needs it: a WABA override, or any number of the WABA with an app or number callback.
 */
async function unsubscribeAppFromWaba(credentials: WhatsAppCredentials, wabaId: string | undefined): Promise<void> {
	if (!wabaId) return;
	const current = await readWabaSubscription(credentials, wabaId);
	if (!current || current.override_callback_uri) return;
	const numbers = await graph<{ data?: Array<{ id?: string }> }>(credentials, {
		method: 'GET',
		path: `/${wabaId}/phone_numbers`,
		query: { fields: 'id', limit: 1000 },
	});
	for (const number of numbers.data ?? []) {
		if (!number.id) continue;
		const configuration = await readNumberConfiguration(credentials, number.id);
		if (configuration?.application || configuration?.phone_number) return;
	}
	await graph(credentials, { method: 'DELETE', path: `/${wabaId}/subscribed_apps` });
}

function wabaIdOf(credentials: WhatsAppCredentials): string {
	return requireValue(
		credentials.wabaId,
		'"WhatsApp Business Account ID" is empty in the "WhatsApp Cloud Nodes API" credential, and Subscription "WhatsApp Business Account" needs it',
		'Add the WhatsApp Business Account ID to the credential, or choose another Subscription.',
	);
}

// ---------------------------------------------------------------------------------------------------------------
// Phone number: POST /{phone-number-id} webhook_configuration
// ---------------------------------------------------------------------------------------------------------------

/** The number's `webhook_configuration`: the callback at each level (application, WABA, number). */
async function readNumberConfiguration(credentials: WhatsAppCredentials, phoneNumberId: string) {
	const number = await graph<PhoneNumberWebhookConfiguration>(credentials, {
		method: 'GET',
		path: `/${phoneNumberId}`,
		query: { fields: 'webhook_configuration' },
	});
	return number.webhook_configuration;
}

async function readNumberOverride(credentials: WhatsAppCredentials, phoneNumberId: string): Promise<string | undefined> {
	return (await readNumberConfiguration(credentials, phoneNumberId))?.phone_number || undefined;
}

/** Meta's longest override callback URL (WABA and phone-number subscriptions). */
export const MAX_OVERRIDE_URL_LENGTH = 200;

function overrideUrlTooLong(callbackUrl: string, subscription: string): SubscriptionError {
	return new SubscriptionError(
		`This trigger's callback URL is ${callbackUrl.length} characters long, and Meta accepts at most ${MAX_OVERRIDE_URL_LENGTH} for Subscription "${subscription}"`,
		`The callback URL is your n8n's public address (N8N_WEBHOOK_URL, or WEBHOOK_URL before n8n 2.35) followed by this trigger's path: ${callbackUrl.slice(0, 80)}…. Set a shorter one, or choose Subscription "Meta App", whose callback has no such limit.`,
	);
}

function phoneNumberIdOf(input: LifecycleInput): string {
	const id = requireValue(
		input.phoneNumberId,
		'"Phone Number" is empty, and Subscription "Phone Number" needs it',
		'Pick the phone number whose webhooks this trigger should receive.',
	);
	if (!/^[0-9]{5,20}$/.test(id)) {
		throw new SubscriptionError(
			`"Phone Number" is "${id.slice(0, 40)}", which is not a phone number ID`,
			"Expected 5 to 20 digits, as shown in Meta's WhatsApp Manager (not the phone number itself).",
		);
	}
	return id;
}

// ---------------------------------------------------------------------------------------------------------------
// The three verbs n8n calls
// ---------------------------------------------------------------------------------------------------------------

/** Whether Meta already sends this trigger's webhooks to its URL (n8n then skips `create`). */
export async function subscriptionExists(input: LifecycleInput): Promise<boolean> {
	const { credentials, callbackUrl } = input;
	switch (input.mode) {
		case 'manual':
			// The user types the token at Meta, so it must be one they chose and can see.
			if (!input.customVerifyToken) {
				// The derived token is offered as a value to copy: the user then knows it and enters it at Meta.
				throw new SubscriptionError(
					'"Options › Verify Token" is empty, and a Manual subscription needs one',
					`Set Options › Verify Token to a value of your choice (for example ${input.verifyToken}, made for this trigger). Then in the Meta App Dashboard (WhatsApp → Configuration → Webhook) enter the Callback URL ${callbackUrl || "(this trigger's Production URL)"} and the same Verify Token.`,
				);
			}
			return true;
		case 'app': {
			const current = await readAppSubscription(credentials, appIdOf(credentials));
			if (!current || current.callback_url !== callbackUrl) return false;
			const subscribed = new Set(fieldNames(current.fields));
			return input.fields.every((field) => subscribed.has(field)) && (await appSubscribedToWaba(credentials));
		}
		case 'waba': {
			const current = await readWabaSubscription(credentials, wabaIdOf(credentials));
			return current?.override_callback_uri === callbackUrl;
		}
		case 'phoneNumber':
			return (await readNumberOverride(credentials, phoneNumberIdOf(input))) === callbackUrl && (await appSubscribedToWaba(credentials));
	}
}

function occupiedError(where: string, url: string): SubscriptionError {
	return new SubscriptionError(
		`${where} already sends its webhooks to ${url}, which is not this trigger's`,
		'This trigger takes over only its own Production URL (while you test). Choose another Subscription (a WhatsApp Business Account or a Phone Number) so both can work side by side, deactivate the workflow that uses that URL, or remove that callback in the Meta App Dashboard first.',
	);
}

/** Points Meta at this trigger; returns what it set, for `deleteSubscription`. */
export async function createSubscription(input: LifecycleInput): Promise<SubscriptionRecord | undefined> {
	const { credentials, callbackUrl, verifyToken } = input;
	if (input.mode === 'manual') return undefined;
	if (talksToMeta(credentials)) {
		const reason = unreachableCallbackReason(callbackUrl);
		if (reason) {
			throw new SubscriptionError(
				`Meta cannot reach this trigger: ${reason}`,
				'Set N8N_WEBHOOK_URL (WEBHOOK_URL before n8n 2.35) to the public HTTPS address of your n8n (for example behind a reverse proxy or a tunnel) and restart n8n, or choose Subscription "Manual" and set the callback URL yourself.',
			);
		}
	}
	if (input.mode !== 'app' && callbackUrl.length > MAX_OVERRIDE_URL_LENGTH) {
		throw overrideUrlTooLong(callbackUrl, input.mode === 'waba' ? 'WhatsApp Business Account' : 'Phone Number');
	}
	switch (input.mode) {
		case 'app': {
			const appId = appIdOf(credentials);
			const current = await readAppSubscription(credentials, appId);
			const record: SubscriptionRecord = { mode: 'app', targetId: appId, callbackUrl };
			let fields = input.fields;
			if (current?.callback_url && current.callback_url !== callbackUrl) {
				if (!isOwnOtherUrl(callbackUrl, current.callback_url)) throw occupiedError(`The Meta app ${appId}`, current.callback_url);
				record.previousUrl = current.callback_url;
				record.previousFields = fieldNames(current.fields);
			} else if (current?.callback_url === callbackUrl) {
				fields = [...new Set([...fieldNames(current.fields), ...input.fields])];
			}
			if (fields.length === 0) {
				throw new SubscriptionError('"Trigger On" is empty, so there is nothing to subscribe to', 'Pick at least one event in "Trigger On".');
			}
			await graph(credentials, {
				method: 'POST',
				path: `/${appId}/subscriptions`,
				auth: 'app',
				body: {
					object: WEBHOOK_OBJECT,
					callback_url: callbackUrl,
					verify_token: verifyToken,
					fields: fields.join(','),
					include_values: true,
				},
			});
			record.subscribedAppToWaba = await subscribeAppToWaba(input);
			return record;
		}
		case 'waba': {
			const wabaId = wabaIdOf(credentials);
			const current = await readWabaSubscription(credentials, wabaId);
			const record: SubscriptionRecord = { mode: 'waba', targetId: wabaId, callbackUrl, wasSubscribed: current !== undefined };
			const previous = current?.override_callback_uri;
			if (previous && previous !== callbackUrl) {
				if (!isOwnOtherUrl(callbackUrl, previous)) throw occupiedError(`The WhatsApp Business Account ${wabaId}`, previous);
				record.previousUrl = previous;
			}
			await graph(credentials, {
				method: 'POST',
				path: `/${wabaId}/subscribed_apps`,
				body: { override_callback_uri: callbackUrl, verify_token: verifyToken },
			});
			return record;
		}
		case 'phoneNumber': {
			const phoneNumberId = phoneNumberIdOf(input);
			const previous = await readNumberOverride(credentials, phoneNumberId);
			const record: SubscriptionRecord = { mode: 'phoneNumber', targetId: phoneNumberId, callbackUrl };
			if (previous && previous !== callbackUrl) {
				if (!isOwnOtherUrl(callbackUrl, previous)) throw occupiedError(`The phone number ${phoneNumberId}`, previous);
				record.previousUrl = previous;
			}
			await graph(credentials, {
				method: 'POST',
				path: `/${phoneNumberId}`,
				body: { webhook_configuration: { override_callback_uri: callbackUrl, verify_token: verifyToken } },
			});
			record.subscribedAppToWaba = await subscribeAppToWaba(input);
			return record;
		}
	}
}

/**
 * Undoes what `createSubscription` set, only while Meta still points at this trigger: hands the callback back to
 * this trigger's other URL when that had it before, or removes this one. A recorded URL that is not this trigger's
 * (an earlier version took over any trigger-shaped URL) is not handed back. Never throws over a refused hand-back.
 */
export async function deleteSubscription(input: LifecycleInput, record: SubscriptionRecord | undefined): Promise<void> {
	const { credentials, callbackUrl } = input;
	const mode = record?.mode ?? input.mode;
	if (mode === 'manual') return;
	const restore = async (previousUrl: string | undefined, setPrevious: (url: string, token: string) => Promise<unknown>) => {
		if (!previousUrl) return false;
		if (!isOwnOtherUrl(callbackUrl, previousUrl)) {
			input.warn?.(`Did not hand the webhook back to ${previousUrl}, which had it before this trigger: it is not this trigger's URL. Set it again in the Meta App Dashboard if it is still needed.`);
			return false;
		}
		try {
			// The same trigger: the same options, so the same verify token.
			await setPrevious(previousUrl, input.verifyToken);
			return true;
		} catch (error) {
			input.warn?.(`Could not hand the webhook back to ${previousUrl} (${(error as Error).message}); removing this trigger's instead`);
			return false;
		}
	};
	switch (mode) {
		case 'app': {
			const appId = record?.targetId ?? appIdOf(credentials);
			const current = await readAppSubscription(credentials, appId);
			if (current?.callback_url !== callbackUrl) return;
			const restored = await restore(record?.previousUrl, async (url, token) =>
				graph(credentials, {
					method: 'POST',
					path: `/${appId}/subscriptions`,
					auth: 'app',
					body: {
						object: WEBHOOK_OBJECT,
						callback_url: url,
						verify_token: token,
						fields: (record?.previousFields?.length ? record.previousFields : fieldNames(current.fields)).join(','),
						include_values: true,
					},
				}),
			);
			if (!restored) {
				await graph(credentials, { method: 'DELETE', path: `/${appId}/subscriptions`, auth: 'app', query: { object: WEBHOOK_OBJECT } });
				await unsubscribeAppFromWaba(credentials, record?.subscribedAppToWaba);
			}
			return;
		}
		case 'waba': {
			const wabaId = record?.targetId ?? wabaIdOf(credentials);
			const current = await readWabaSubscription(credentials, wabaId);
			if (current?.override_callback_uri !== callbackUrl) return;
			const restored = await restore(record?.previousUrl, async (url, token) =>
				graph(credentials, {
					method: 'POST',
					path: `/${wabaId}/subscribed_apps`,
					body: { override_callback_uri: url, verify_token: token },
				}),
			);
			if (restored) return;
			if (record?.wasSubscribed === false) {
				await graph(credentials, { method: 'DELETE', path: `/${wabaId}/subscribed_apps` });
			} else {
				// The app was subscribed before this trigger: keep it subscribed, without the override.
				await graph(credentials, { method: 'POST', path: `/${wabaId}/subscribed_apps`, body: {} });
			}
			return;
		}
		case 'phoneNumber': {
			const phoneNumberId = record?.targetId ?? phoneNumberIdOf(input);
			const current = await readNumberOverride(credentials, phoneNumberId);
			if (current !== callbackUrl) return;
			const setOverride = async (url: string, token: string) =>
				graph(credentials, { method: 'POST', path: `/${phoneNumberId}`, body: { webhook_configuration: { override_callback_uri: url, verify_token: token } } });
			const restored = await restore(record?.previousUrl, setOverride);
			if (restored) return;
			// Meta's removal: an empty override_callback_uri and nothing else.
			await graph(credentials, { method: 'POST', path: `/${phoneNumberId}`, body: { webhook_configuration: { override_callback_uri: '' } } });
			await unsubscribeAppFromWaba(credentials, record?.subscribedAppToWaba);
			return;
		}
	}
}
