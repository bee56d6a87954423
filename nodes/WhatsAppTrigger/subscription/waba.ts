/**
 * Subscription "WhatsApp Business Account": the WABA's `subscribed_apps` with `override_callback_uri` — one per
 * WhatsApp Business Account, so other accounts of the app keep their own trigger.
 */
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { MAX_OVERRIDE_URL_LENGTH } from './callbackUrl';
import { graph, readWabaSubscription, requireValue } from './graph';
import { handBack, takeOver } from './takeover';
import type { LifecycleInput, SubscriptionRecord, SubscriptionStrategy } from './types';

function wabaIdOf(credentials: WhatsAppCredentials): string {
	return requireValue(
		credentials.wabaId,
		'"WhatsApp Business Account ID" is empty in the "WhatsApp Cloud Nodes API" credential, and Subscription "WhatsApp Business Account" needs it',
		'Add the WhatsApp Business Account ID to the credential, or choose another Subscription.',
	);
}

async function setWabaOverride(credentials: WhatsAppCredentials, wabaId: string, callbackUrl: string, verifyToken: string) {
	return await graph(credentials, {
		method: 'POST',
		path: `/${wabaId}/subscribed_apps`,
		body: { override_callback_uri: callbackUrl, verify_token: verifyToken },
	});
}

export const wabaSubscription: SubscriptionStrategy = {
	mode: 'waba',
	label: 'WhatsApp Business Account',
	description:
		"Only the credential's WhatsApp Business Account, so other accounts of the app keep their own trigger. The app must already be subscribed to the fields in the Meta App Dashboard.",
	setsCallback: true,
	maxCallbackUrlLength: MAX_OVERRIDE_URL_LENGTH,

	async check(input: LifecycleInput): Promise<boolean> {
		const current = await readWabaSubscription(input.credentials, wabaIdOf(input.credentials));
		return current?.override_callback_uri === input.callbackUrl;
	},

	async subscribe(input: LifecycleInput): Promise<SubscriptionRecord> {
		const { credentials, callbackUrl } = input;
		const wabaId = wabaIdOf(credentials);
		const current = await readWabaSubscription(credentials, wabaId);
		const record: SubscriptionRecord = { mode: 'waba', targetId: wabaId, callbackUrl, wasSubscribed: current !== undefined };
		const previousUrl = takeOver(input, `The WhatsApp Business Account ${wabaId}`, current?.override_callback_uri);
		if (previousUrl) record.previousUrl = previousUrl;
		await setWabaOverride(credentials, wabaId, callbackUrl, input.verifyToken);
		return record;
	},

	async unsubscribe(input: LifecycleInput, record: SubscriptionRecord | undefined): Promise<void> {
		const { credentials } = input;
		const wabaId = record?.targetId ?? wabaIdOf(credentials);
		const current = await readWabaSubscription(credentials, wabaId);
		if (current?.override_callback_uri !== input.callbackUrl) return;
		const restored = await handBack(input, record?.previousUrl, async (url, token) => await setWabaOverride(credentials, wabaId, url, token));
		if (restored) return;
		if (record?.wasSubscribed === false) {
			await graph(credentials, { method: 'DELETE', path: `/${wabaId}/subscribed_apps` });
		} else {
			// The app was subscribed before this trigger: keep it subscribed, without the override.
			await graph(credentials, { method: 'POST', path: `/${wabaId}/subscribed_apps`, body: {} });
		}
	},
};
