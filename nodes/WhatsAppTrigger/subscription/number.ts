/**
 * Subscription "Phone Number": `POST /{phone-number-id}` with `webhook_configuration` — one per number, and it wins
 * over the WABA's and the app's callbacks.
 */
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { appSubscribedToWaba, subscribeAppToWaba, unsubscribeAppFromWaba } from './appOnWaba';
import { MAX_OVERRIDE_URL_LENGTH } from './callbackUrl';
import { graph, readNumberConfiguration, requireValue } from './graph';
import { handBack, takeOver } from './takeover';
import { SubscriptionError, type LifecycleInput, type SubscriptionRecord, type SubscriptionStrategy } from './types';

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

async function readNumberOverride(credentials: WhatsAppCredentials, phoneNumberId: string): Promise<string | undefined> {
	return (await readNumberConfiguration(credentials, phoneNumberId))?.phone_number || undefined;
}

/** Meta's removal is an empty override_callback_uri and nothing else. */
async function setNumberOverride(credentials: WhatsAppCredentials, phoneNumberId: string, webhookConfiguration: { override_callback_uri: string; verify_token?: string }) {
	return await graph(credentials, { method: 'POST', path: `/${phoneNumberId}`, body: { webhook_configuration: webhookConfiguration } });
}

export const numberSubscription: SubscriptionStrategy = {
	mode: 'phoneNumber',
	label: 'Phone Number',
	description:
		"Only one phone number: useful for testing beside a production trigger. The app is subscribed to the credential's WhatsApp Business Account if it is not yet; it must already be subscribed to the fields in the Meta App Dashboard.",
	setsCallback: true,
	maxCallbackUrlLength: MAX_OVERRIDE_URL_LENGTH,

	async check(input: LifecycleInput): Promise<boolean> {
		const { credentials } = input;
		return (await readNumberOverride(credentials, phoneNumberIdOf(input))) === input.callbackUrl && (await appSubscribedToWaba(credentials));
	},

	async subscribe(input: LifecycleInput): Promise<SubscriptionRecord> {
		const { credentials, callbackUrl } = input;
		const phoneNumberId = phoneNumberIdOf(input);
		const current = await readNumberOverride(credentials, phoneNumberId);
		const record: SubscriptionRecord = { mode: 'phoneNumber', targetId: phoneNumberId, callbackUrl };
		const previousUrl = takeOver(input, `The phone number ${phoneNumberId}`, current);
		if (previousUrl) record.previousUrl = previousUrl;
		await setNumberOverride(credentials, phoneNumberId, { override_callback_uri: callbackUrl, verify_token: input.verifyToken });
		record.subscribedAppToWaba = await subscribeAppToWaba(input);
		return record;
	},

	async unsubscribe(input: LifecycleInput, record: SubscriptionRecord | undefined): Promise<void> {
		const { credentials } = input;
		const phoneNumberId = record?.targetId ?? phoneNumberIdOf(input);
		if ((await readNumberOverride(credentials, phoneNumberId)) !== input.callbackUrl) return;
		const restored = await handBack(input, record?.previousUrl, async (url, token) =>
			await setNumberOverride(credentials, phoneNumberId, { override_callback_uri: url, verify_token: token }),
		);
		if (restored) return;
		await setNumberOverride(credentials, phoneNumberId, { override_callback_uri: '' });
		await unsubscribeAppFromWaba(credentials, record?.subscribedAppToWaba);
	},
};
