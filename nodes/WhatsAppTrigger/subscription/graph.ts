/** The Graph reads and writes the subscription strategies share. */
import { scheduleGraphCall } from '../../shared/limiter';
import type { GraphRequest, WhatsAppCredentials } from '../../shared/transport/types';
import { SubscriptionError, type PhoneNumberWebhookConfiguration, type SubscribedAppsList } from './types';

export async function graph<T>(credentials: WhatsAppCredentials, request: GraphRequest): Promise<T> {
	// Subscriptions, WABA and phone-number settings are management calls (Meta's hour of 200, or 5,000).
	const response = await scheduleGraphCall<T>({ credentials, family: 'management', request });
	return response.data;
}

export function requireValue(value: string | undefined, message: string, description: string): string {
	const text = String(value ?? '').trim();
	if (!text) throw new SubscriptionError(message, description);
	return text;
}

/** The app's entry in the WABA's `subscribed_apps`, if the app is subscribed to it. */
export async function readWabaSubscription(credentials: WhatsAppCredentials, wabaId: string) {
	const list = await graph<SubscribedAppsList>(credentials, { method: 'GET', path: `/${wabaId}/subscribed_apps` });
	const entries = list.data ?? [];
	const appId = String(credentials.appId ?? '').trim();
	// Without an App ID in the credential, the token's own app is the one listed (a system-user token has one app).
	return appId ? entries.find((entry) => entry.whatsapp_business_api_data?.id === appId) : entries[0];
}

/** The number's `webhook_configuration`: the callback at each level (application, WABA, number). */
export async function readNumberConfiguration(credentials: WhatsAppCredentials, phoneNumberId: string) {
	const number = await graph<PhoneNumberWebhookConfiguration>(credentials, {
		method: 'GET',
		path: `/${phoneNumberId}`,
		query: { fields: 'webhook_configuration' },
	});
	return number.webhook_configuration;
}
