import type { INodeProperties } from 'n8n-workflow';

import { phoneNumberIdLocator } from '../shared/descriptions';
import { SUBSCRIPTION_STRATEGIES } from './subscription';

/** "Trigger On" choices; values are matched by `createEventFilter` (nodes/shared/webhook/select.ts). */
export const triggerOnOptions = [
	{ name: 'All Events', value: 'all', description: 'Every message, status, error and account or template update' },
	{ name: 'Any Incoming Message', value: 'messages', description: 'A customer sent a message of any type' },
	{ name: 'Incoming Text Message', value: 'message:text' },
	{ name: 'Incoming Image', value: 'message:image' },
	{ name: 'Incoming Video', value: 'message:video' },
	{ name: 'Incoming Audio or Voice Note', value: 'message:audio' },
	{ name: 'Incoming Document', value: 'message:document' },
	{ name: 'Incoming Sticker', value: 'message:sticker' },
	{ name: 'Incoming Location', value: 'message:location' },
	{ name: 'Incoming Contacts', value: 'message:contacts' },
	{ name: 'Reply Button Pressed', value: 'message:button_reply', description: 'A customer tapped a reply button you sent' },
	{ name: 'List Row Chosen', value: 'message:list_reply', description: 'A customer picked a row of a list you sent' },
	{ name: 'Flow Completed', value: 'message:nfm_reply', description: 'A customer submitted a WhatsApp Flow' },
	{ name: 'Template Quick Reply Pressed', value: 'message:button', description: 'A customer tapped a quick-reply button of a template' },
	{ name: 'Reaction', value: 'message:reaction' },
	{ name: 'Order', value: 'message:order' },
	{ name: 'System Message', value: 'message:system', description: 'e.g. the customer changed their number' },
	{ name: 'Welcome Request', value: 'message:request_welcome', description: 'A customer opened a chat for the first time' },
	{ name: 'Unsupported Message', value: 'message:unsupported' },
	{ name: 'Other Message Types', value: 'message:other', description: 'Message types Meta adds after this version' },
	{ name: 'Any Message Status', value: 'statuses', description: 'Sent, delivered, read, played or failed' },
	{ name: 'Status: Sent', value: 'status:sent' },
	{ name: 'Status: Delivered', value: 'status:delivered' },
	{ name: 'Status: Read', value: 'status:read' },
	{ name: 'Status: Played', value: 'status:played', description: 'A voice message was played' },
	{ name: 'Status: Failed', value: 'status:failed' },
	{ name: 'Webhook Error', value: 'errors', description: 'An error Meta reports outside a message or status' },
	{ name: 'Template Status Update', value: 'field:message_template_status_update' },
	{ name: 'Template Quality Update', value: 'field:message_template_quality_update' },
	{ name: 'Template Category Update', value: 'field:template_category_update' },
	{ name: 'Template Components Update', value: 'field:message_template_components_update', description: "A template's text or buttons were edited" },
	{ name: 'Phone Number Quality Update', value: 'field:phone_number_quality_update' },
	{ name: 'Phone Number Name Update', value: 'field:phone_number_name_update' },
	{ name: 'Account Update', value: 'field:account_update' },
	{ name: 'Account Review Update', value: 'field:account_review_update' },
	{ name: 'Account Alert', value: 'field:account_alerts' },
	{ name: 'Business Capability Update', value: 'field:business_capability_update' },
	{ name: 'Security Update', value: 'field:security' },
	{ name: 'Marketing Messages Stopped or Resumed', value: 'field:user_preferences', description: 'A customer stopped or resumed marketing messages from you' },
	{ name: 'Call', value: 'field:calls', description: 'A WhatsApp call started or ended, or a call you placed rang, was accepted or rejected (Calling API)' },
	{ name: 'Message Sent From the Business App', value: 'field:smb_message_echoes', description: 'A message sent with the WhatsApp Business app on a number that also uses the API' },
	{ name: 'Chat History Sync', value: 'field:history', description: 'Past WhatsApp Business app chats, shared after onboarding: one item per message' },
	{ name: 'Group Created or Deleted', value: 'field:group_lifecycle_update', description: 'Groups API' },
	{ name: 'Group Participants Update', value: 'field:group_participants_update', description: 'Groups API: participants or join requests changed' },
	{ name: 'Group Settings Update', value: 'field:group_settings_update', description: "Groups API: a group's settings changed" },
	{ name: 'Group Status Update', value: 'field:group_status_update', description: "Groups API: a group's status changed" },
	{ name: 'Other Updates', value: 'field:other', description: 'Webhook fields Meta adds after this version' },
];

/** The Subscription choices: one per strategy, named and described by it (subscription/). */
const subscriptionOptions = SUBSCRIPTION_STRATEGIES.map(({ label, mode, description }) => ({ name: label, value: mode, description }));

/** The node's subtitle: the Subscription choice by the name the user picked it by ("Meta App subscription"). */
export const subscriptionSubtitle = `={{ ${JSON.stringify(
	Object.fromEntries(subscriptionOptions.map((option) => [option.value, `${option.name} subscription`])),
)}[$parameter["subscription"]] }}`;

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Signature check is off: anyone who knows this URL can start the workflow with made-up messages. Turn "Verify Signature" back on unless a proxy in front of n8n checks it.',
		name: 'signatureOffNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { verifySignature: [false] } },
	},
	{
		displayName: 'Subscription',
		name: 'subscription',
		type: 'options',
		noDataExpression: true,
		default: 'app',
		description: 'Where Meta is told to send webhooks when the workflow is activated (and undone when it is deactivated)',
		options: subscriptionOptions,
	},
	{
		...phoneNumberIdLocator,
		displayName: 'Phone Number',
		name: 'subscriptionPhoneNumberId',
		description: 'The phone number whose webhooks this trigger receives',
		displayOptions: { show: { subscription: ['phoneNumber'] } },
	},
	{
		displayName:
			"Meta sends messages, statuses, errors, calls, Business app messages, chat history and group updates to a WhatsApp Business Account or phone number callback; template, account and marketing-preference updates always go to the app's own callback URL. The app must already be subscribed to the WhatsApp Business Account with the fields you need.",
		name: 'overrideNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { subscription: ['waba', 'phoneNumber'] } },
	},
	{
		displayName:
			'Manual subscription: set Options › Verify Token to a value of your choice. Then in the Meta App Dashboard (WhatsApp → Configuration → Webhook) enter this trigger\'s Production URL (under Webhook URLs above) as the Callback URL, and the same Verify Token. Opening the Production URL in a browser shows what to enter.',
		name: 'manualNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { subscription: ['manual'] } },
	},
	{
		displayName:
			'Nothing to enter at Meta: on activation (and while you listen for a test event) the trigger gives Meta its URL and a verify token of its own, derived from the credential and this trigger. To see them, click "Listen for test event" and open the Test URL (under Webhook URLs above) in a browser.',
		name: 'managedNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { subscription: ['app', 'waba', 'phoneNumber'] } },
	},
	{
		displayName: 'Trigger On',
		name: 'triggerOn',
		type: 'multiOptions',
		required: true,
		default: ['messages'],
		description:
			"The events that start the workflow; each event is one output item. To answer the user of a message or status, set Send Message's Recipient to {{ $json.replyTo }}: their phone number, or their business-scoped user ID when they hide it behind a username.",
		options: triggerOnOptions,
	},
	{
		displayName: 'Verify Signature',
		name: 'verifySignature',
		type: 'boolean',
		default: true,
		description:
			"Whether to check that each webhook was signed by Meta with the credential's App Secret (X-Hub-Signature-256). Unsigned or wrongly signed requests are answered 401 and start nothing.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Only Phone Number IDs',
				name: 'phoneNumberIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 106540352242922, 106540352242923',
				description:
					'Comma-separated phone number IDs: events of other numbers are ignored. Events that belong to no number (template and account updates) always pass.',
			},
			{
				displayName: 'Also Output Answers to Waits',
				name: 'outputAnswers',
				type: 'boolean',
				default: false,
				description:
					'Whether a message that answered a WhatsApp Send Message "Send and Wait for Reply" (and resumed that workflow) also starts this one. Off: it only resumes the waiting workflow.',
			},
			{
				displayName: 'Include Raw Change',
				name: 'includeRawChange',
				type: 'boolean',
				default: false,
				description: "Whether to add Meta's original change (field and value) to each item as rawChange",
			},
			{
				displayName: 'Ignore Redeliveries',
				name: 'ignoreRedeliveries',
				type: 'boolean',
				default: true,
				description:
					'Whether to drop events already received within the window (Meta retries webhooks for up to 7 days), and refuse events older than the window, as a replayed body would be. Shared across n8n processes through Redis when the credential or queue mode has one. Off: every delivery runs, replays included.',
			},
			{
				displayName: 'Redelivery Window (Minutes)',
				name: 'redeliveryWindowMinutes',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 1, maxValue: 10080 },
				description:
					'How long an event is remembered to drop its redeliveries; an event older than this (by its own timestamp) is refused. Meta retries for up to 7 days: to keep events Meta delivers late after an n8n outage, set it above your longest outage (at most 7 days = 10080).',
			},
			{
				displayName: 'Max Remembered Events',
				name: 'maxRememberedEvents',
				type: 'number',
				default: 100000,
				typeOptions: { minValue: 100 },
				description: 'How many events each n8n process remembers in memory for this trigger (the oldest are forgotten first); about 170 bytes each, so 100,000 ≈ 17 MB',
			},
			{
				displayName: 'Verify Token',
				name: 'verifyToken',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'The token Meta sends when it checks the callback URL. Leave empty when the trigger manages the subscription (it derives one per trigger, shown when you open the Test URL in a browser while listening for a test event); set it for a Manual subscription and enter the same value at Meta.',
			},
		],
	},
];
