/** What Meta's fields, types, statuses and keys are called in the items (tables read with `ownValue`). */

/** Webhook fields this pack names; any other field passes through with `event` = the field name. */
export const FIELD_EVENTS: Record<string, string> = {
	message_template_status_update: 'templateStatusUpdate',
	message_template_quality_update: 'templateQualityUpdate',
	template_category_update: 'templateCategoryUpdate',
	message_template_components_update: 'templateComponentsUpdate',
	phone_number_quality_update: 'phoneNumberQualityUpdate',
	phone_number_name_update: 'phoneNumberNameUpdate',
	account_update: 'accountUpdate',
	account_review_update: 'accountReviewUpdate',
	account_alerts: 'accountAlert',
	business_capability_update: 'businessCapabilityUpdate',
	security: 'security',
	user_preferences: 'userPreferences',
	history: 'history',
	smb_message_echoes: 'messageEcho',
	smb_app_state_sync: 'appStateSync',
	calls: 'call',
	flows: 'flowUpdate',
	message_echoes: 'messageEcho',
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks
	group_lifecycle_update: 'groupLifecycleUpdate',
	group_participants_update: 'groupParticipantsUpdate',
	group_settings_update: 'groupSettingsUpdate',
	group_status_update: 'groupStatusUpdate',
};

/** Message types Meta documents; a message whose type is not here also matches "Other Message Types". */
export const KNOWN_MESSAGE_TYPES = [
	'text',
	'image',
	'video',
	'audio',
	'document',
	'sticker',
	'location',
	'contacts',
	'interactive',
	'button',
	'reaction',
	'order',
	'system',
	'request_welcome',
	'unsupported',
];

/** Interactive reply kinds, named as the user picks them. */
export const REPLY_TYPES: Record<string, string> = {
	button_reply: 'buttonReply',
	list_reply: 'listReply',
	nfm_reply: 'flowReply',
};

export const KNOWN_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'];

/** Renames of Meta's keys on non-message fields, so items read in the user's words. */
export const KEY_RENAMES: Record<string, string> = {
	message_template_id: 'templateId',
	message_template_name: 'templateName',
	message_template_language: 'templateLanguage',
	message_template_category: 'templateCategory',
	message_template_title: 'templateTitle',
	message_template_element: 'templateBody',
	message_template_footer: 'templateFooter',
	message_template_buttons: 'templateButtons',
	previous_quality_score: 'previousQualityScore',
	new_quality_score: 'newQualityScore',
};

/** What each field's `event` key means (it would clash with the item's own `event`). */
export const EVENT_KEY_RENAMES: Record<string, string> = {
	message_template_status_update: 'templateStatus',
	phone_number_quality_update: 'qualityEvent',
	account_update: 'accountEvent',
	security: 'securityEvent',
};

/**
 * `table[key]` for a key read from Meta's payload: only the table's own entries, so `constructor` or `__proto__`
 * never reach an item as `Object` or `Object.prototype`.
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
	return Object.hasOwn(table, key) ? table[key] : undefined;
}
