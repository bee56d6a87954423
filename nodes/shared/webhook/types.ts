/**
 * Meta's webhook payloads for `object: whatsapp_business_account`, as they arrive (CLOUD_API.md, Webhooks), and the
 * flat events the trigger outputs. Every field Meta may leave out is optional: a payload is untrusted input.
 */

export interface WebhookBody {
	object: string;
	entry?: WebhookEntry[];
}

export interface WebhookEntry {
	/** The WABA ID. */
	id?: string;
	/** Unix seconds, on some non-message fields. */
	time?: number;
	changes?: WebhookChange[];
}

export interface WebhookChange {
	field?: string;
	value?: unknown;
}

/**
 * A contact beside a message or status: `wa_id` when Meta may share the phone number, `user_id` / `parent_user_id`
 * (business-scoped user IDs) and `profile.username` for users who adopted a username.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
export interface WebhookContact {
	profile?: { name?: string; username?: string };
	wa_id?: string;
	user_id?: string;
	parent_user_id?: string;
}

/** `value` of a `messages` change. */
export interface MessagesValue {
	messaging_product?: string;
	metadata?: { display_phone_number?: string; phone_number_id?: string };
	contacts?: WebhookContact[];
	messages?: InboundMessage[];
	/** `smb_message_echoes`: messages the business sent from the WhatsApp Business app. */
	message_echoes?: InboundMessage[];
	statuses?: MessageStatus[];
	errors?: WebhookError[];
}

export interface WebhookError {
	code?: number;
	title?: string;
	message?: string;
	error_data?: { details?: string };
	href?: string;
}

export interface InboundMedia {
	id?: string;
	mime_type?: string;
	/** Base64 in webhooks (the trigger outputs it in hex, as `GET /{media-id}` gives it). */
	sha256?: string;
	caption?: string;
	filename?: string;
	voice?: boolean;
	animated?: boolean;
	url?: string;
}

export interface InboundMessage {
	/** The sender's phone number; left out (or `""` in older payloads) for a user known only by a BSUID. */
	from?: string;
	/** The sender's business-scoped user ID and parent BSUID. */
	from_user_id?: string;
	from_parent_user_id?: string;
	/** On echoes of the business's own messages: the customer it went to. */
	to?: string;
	to_user_id?: string;
	to_parent_user_id?: string;
	id?: string;
	timestamp?: string;
	/** One of Meta's message types; a type Meta adds later is kept as is. */
	type?: string;
	context?: {
		from?: string;
		id?: string;
		forwarded?: boolean;
		frequently_forwarded?: boolean;
		referred_product?: { catalog_id?: string; product_retailer_id?: string };
	};
	referral?: {
		source_url?: string;
		source_id?: string;
		source_type?: string;
		headline?: string;
		body?: string;
		media_type?: string;
		image_url?: string;
		video_url?: string;
		thumbnail_url?: string;
		ctwa_clid?: string;
	};
	text?: { body?: string };
	image?: InboundMedia;
	video?: InboundMedia;
	document?: InboundMedia;
	audio?: InboundMedia;
	sticker?: InboundMedia;
	location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
	contacts?: Array<{
		name?: { formatted_name?: string; first_name?: string; last_name?: string };
		phones?: Array<{ phone?: string; wa_id?: string; type?: string }>;
		emails?: Array<{ email?: string; type?: string }>;
		org?: { company?: string; title?: string };
		birthday?: string;
	}>;
	interactive?: {
		type?: string;
		button_reply?: { id?: string; title?: string };
		list_reply?: { id?: string; title?: string; description?: string };
		nfm_reply?: { name?: string; body?: string; response_json?: string };
	};
	button?: { text?: string; payload?: string };
	reaction?: { message_id?: string; emoji?: string };
	order?: {
		catalog_id?: string;
		text?: string;
		product_items?: Array<{ product_retailer_id?: string; quantity?: number; item_price?: number; currency?: string }>;
	};
	/** `user_changed_number` gives the new `wa_id`; `user_changed_user_id` the new `user_id` (and `parent_user_id`). */
	system?: { body?: string; type?: string; new_wa_id?: string; wa_id?: string; user_id?: string; parent_user_id?: string; customer?: string };
	errors?: WebhookError[];
	unsupported?: { type?: string };
	[otherType: string]: unknown;
}

export interface MessageStatus {
	id?: string;
	status?: string;
	timestamp?: string;
	/** Left out when the message went to a business-scoped user ID. */
	recipient_id?: string;
	/** The recipient's BSUID and parent BSUID. */
	recipient_user_id?: string;
	recipient_parent_user_id?: string;
	/** The parent BSUID's name before Meta renamed it (BSUID page changelog, May 2026): still read. */
	parent_recipient_user_id?: string;
	recipient_type?: string;
	biz_opaque_callback_data?: string;
	conversation?: {
		id?: string;
		origin?: { type?: string };
		expiration_timestamp?: string;
		/** Only in Meta's group status examples; elsewhere `pricing` sits beside `conversation`. */
		pricing?: MessageStatus['pricing'];
	};
	pricing?: { billable?: boolean; pricing_model?: string; category?: string; type?: string };
	errors?: WebhookError[];
}

/** What kind of event an output item is, in the user's words. */
export type EventKind =
	| 'message'
	| 'status'
	| 'error'
	| 'templateStatusUpdate'
	| 'templateQualityUpdate'
	| 'templateCategoryUpdate'
	| 'phoneNumberQualityUpdate'
	| 'phoneNumberNameUpdate'
	| 'accountUpdate'
	| 'accountReviewUpdate'
	| 'accountAlert'
	| 'businessCapabilityUpdate'
	| 'security'
	| 'templateComponentsUpdate'
	| 'userPreferences'
	| 'history'
	| 'messageEcho'
	| 'call'
	| 'callStatus'
	| 'groupLifecycleUpdate'
	| 'groupParticipantsUpdate'
	| 'groupSettingsUpdate'
	| 'groupStatusUpdate'
	/** A field Meta adds later: `event` is then the field name itself. */
	| string;

/** One output item: flat, in the user's words, with the metadata beside it. */
export interface WhatsAppEvent {
	event: EventKind;
	/** Meta's webhook field (`messages`, `message_template_status_update`…). */
	field: string;
	wabaId?: string;
	phoneNumberId?: string;
	displayPhoneNumber?: string;
	/** ISO 8601 and Unix seconds of the event (Meta's timestamp, or the entry's time). */
	timestamp?: string;
	timestampUnix?: number;
	/** The raw change this event came from, when "Include Raw Change" is on. */
	rawChange?: WebhookChange;
	[field: string]: unknown;
}
