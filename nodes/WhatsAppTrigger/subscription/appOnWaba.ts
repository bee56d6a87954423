/**
 * Meta sends nothing of a WABA to an app not subscribed to it, whatever callback is set (app, WABA or number), so
 * the app and phone-number strategies subscribe the app to the credential's WABA when it is not yet, and undo it.
 */
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { graph, readNumberConfiguration, readWabaSubscription } from './graph';
import type { LifecycleInput } from './types';

/**
 * `POST /{waba}/subscribed_apps` with an empty body when the app is not listed yet. Returns the WABA ID when this
 * call subscribed it. https://developers.facebook.com/documentation/business-messaging/whatsapp/solution-providers/manage-webhooks
 */
export async function subscribeAppToWaba(input: LifecycleInput): Promise<string | undefined> {
	const { credentials } = input;
	const wabaId = String(credentials.wabaId ?? '').trim();
	if (!wabaId) {
		input.warn(
			'The credential has no WhatsApp Business Account ID, so the app could not be subscribed to it: Meta sends a WhatsApp Business Account\'s webhooks only to apps subscribed to it. Add the ID to the credential, or subscribe the app in WhatsApp Manager.',
		);
		return undefined;
	}
	if (await readWabaSubscription(credentials, wabaId)) return undefined;
	await graph(credentials, { method: 'POST', path: `/${wabaId}/subscribed_apps` });
	return wabaId;
}

/** Whether the app is subscribed to the credential's WABA (true when the credential names none: nothing to check). */
export async function appSubscribedToWaba(credentials: WhatsAppCredentials): Promise<boolean> {
	const wabaId = String(credentials.wabaId ?? '').trim();
	return !wabaId || (await readWabaSubscription(credentials, wabaId)) !== undefined;
}

/**
 * Removes the app's subscription to the WABA this trigger added, once this trigger's own callback is gone, unless
 * something else of the app still needs it: a WABA override, or any number of the WABA with an app or number callback.
 */
export async function unsubscribeAppFromWaba(credentials: WhatsAppCredentials, wabaId: string | undefined): Promise<void> {
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
