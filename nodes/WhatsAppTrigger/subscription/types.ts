import type { WhatsAppCredentials } from '../../shared/transport/types';

export type SubscriptionMode = 'app' | 'waba' | 'phoneNumber' | 'manual';

/** What this trigger set at Meta, so deactivation undoes exactly that (kept in the workflow's static data). */
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
	customVerifyToken: boolean;
	/** Webhook fields the user's choices need (app mode). */
	fields: string[];
	/** Phone-number mode: the number whose webhooks this trigger receives. */
	phoneNumberId?: string;
	/** Logs a warning (deactivation never throws over what it could not undo). */
	warn: (message: string) => void;
}

/** One place Meta can send this trigger's webhooks to: the three verbs n8n's webhook lifecycle calls, for it. */
export interface SubscriptionStrategy {
	/** The Subscription parameter's value for it. */
	mode: SubscriptionMode;
	/** The Subscription choice as the user sees it. */
	label: string;
	/** What the choice does, as the node's Subscription option says. */
	description: string;
	/** Whether this strategy sets a callback at Meta (Manual leaves that to the user). */
	setsCallback: boolean;
	/** Credential fields it cannot work without, checked on activation before any call to Meta. */
	credentialFields?: ReadonlyArray<{ key: 'appId' | 'appSecret'; name: string }>;
	/** Meta's longest callback URL for this place, if it has a limit of its own. */
	maxCallbackUrlLength?: number;
	/** Whether Meta already sends this trigger's webhooks to its URL (n8n then skips `subscribe`). */
	check(input: LifecycleInput): Promise<boolean>;
	/** Points Meta at this trigger; answers what it set, for `unsubscribe`. */
	subscribe(input: LifecycleInput): Promise<SubscriptionRecord | undefined>;
	/** Undoes what `subscribe` set, only while Meta still points at this trigger. */
	unsubscribe(input: LifecycleInput, record: SubscriptionRecord | undefined): Promise<void>;
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

// Graph payloads of the subscription calls.

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
