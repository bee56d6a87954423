/** Subscription "Meta App": the app's own callback, `/{app-id}/subscriptions` with the app token — one per app. */
import { WEBHOOK_OBJECT } from '../../shared/webhook';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { appSubscribedToWaba, subscribeAppToWaba, unsubscribeAppFromWaba } from './appOnWaba';
import { graph, requireValue } from './graph';
import { handBack, takeOver } from './takeover';
import { SubscriptionError, type AppSubscriptionList, type LifecycleInput, type SubscriptionRecord, type SubscriptionStrategy } from './types';

function appIdOf(credentials: WhatsAppCredentials): string {
	return requireValue(
		credentials.appId,
		'"Meta App ID" is empty in the "WhatsApp Cloud Nodes API" credential, and Subscription "Meta App" needs it',
		'Add the App ID and App Secret (Meta App Dashboard → App settings → Basic) to the credential, or choose another Subscription.',
	);
}

async function readAppSubscription(credentials: WhatsAppCredentials, appId: string) {
	const list = await graph<AppSubscriptionList>(credentials, { method: 'GET', path: `/${appId}/subscriptions`, auth: 'app' });
	return (list.data ?? []).find((subscription) => subscription.object === WEBHOOK_OBJECT && subscription.active !== false);
}

function fieldNames(fields: Array<{ name?: string } | string> | undefined): string[] {
	return (fields ?? []).map((field) => (typeof field === 'string' ? field : String(field.name ?? ''))).filter((name) => name !== '');
}

async function setAppCallback(credentials: WhatsAppCredentials, appId: string, callbackUrl: string, verifyToken: string, fields: string[]) {
	return await graph(credentials, {
		method: 'POST',
		path: `/${appId}/subscriptions`,
		auth: 'app',
		body: { object: WEBHOOK_OBJECT, callback_url: callbackUrl, verify_token: verifyToken, fields: fields.join(','), include_values: true },
	});
}

export const appSubscription: SubscriptionStrategy = {
	mode: 'app',
	label: 'Meta App',
	description:
		"The app's own callback URL (needs App ID and App Secret in the credential), and the app subscribed to the credential's WhatsApp Business Account if it is not yet (Meta sends nothing otherwise). One per app: the trigger does not take over a callback set by anything else (another trigger, another tool); only its Test URL takes it over from its Production URL while you test, and hands it back.",
	setsCallback: true,
	credentialFields: [
		{ key: 'appId', name: 'Meta App ID' },
		{ key: 'appSecret', name: 'App Secret' },
	],

	async check(input: LifecycleInput): Promise<boolean> {
		const { credentials } = input;
		const current = await readAppSubscription(credentials, appIdOf(credentials));
		if (!current || current.callback_url !== input.callbackUrl) return false;
		const subscribed = new Set(fieldNames(current.fields));
		return input.fields.every((field) => subscribed.has(field)) && (await appSubscribedToWaba(credentials));
	},

	async subscribe(input: LifecycleInput): Promise<SubscriptionRecord> {
		const { credentials, callbackUrl } = input;
		const appId = appIdOf(credentials);
		const current = await readAppSubscription(credentials, appId);
		const record: SubscriptionRecord = { mode: 'app', targetId: appId, callbackUrl };
		let fields = input.fields;
		const previousUrl = takeOver(input, `The Meta app ${appId}`, current?.callback_url);
		if (previousUrl) {
			record.previousUrl = previousUrl;
			record.previousFields = fieldNames(current?.fields);
		} else if (current?.callback_url === callbackUrl) {
			// Already this trigger's callback: add the fields it lacks, dropping none.
			fields = [...new Set([...fieldNames(current.fields), ...input.fields])];
		}
		if (fields.length === 0) {
			throw new SubscriptionError('"Trigger On" is empty, so there is nothing to subscribe to', 'Pick at least one event in "Trigger On".');
		}
		await setAppCallback(credentials, appId, callbackUrl, input.verifyToken, fields);
		record.subscribedAppToWaba = await subscribeAppToWaba(input);
		return record;
	},

	async unsubscribe(input: LifecycleInput, record: SubscriptionRecord | undefined): Promise<void> {
		const { credentials } = input;
		const appId = record?.targetId ?? appIdOf(credentials);
		const current = await readAppSubscription(credentials, appId);
		if (current?.callback_url !== input.callbackUrl) return;
		const previousFields = record?.previousFields?.length ? record.previousFields : fieldNames(current.fields);
		const restored = await handBack(input, record?.previousUrl, async (url, token) => await setAppCallback(credentials, appId, url, token, previousFields));
		if (restored) return;
		await graph(credentials, { method: 'DELETE', path: `/${appId}/subscriptions`, auth: 'app', query: { object: WEBHOOK_OBJECT } });
		await unsubscribeAppFromWaba(credentials, record?.subscribedAppToWaba);
	},
};
