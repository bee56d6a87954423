import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { EnvelopeParams } from '../../shared/messages';
import { readParameter } from '../../shared/parameters';
import { senderPoolOption } from '../senderPool';
import { FREE_FORM_KINDS, SENDING_KINDS } from './kinds';
import { MARKETING_TTL_LABEL, marketingMessagesOptions } from './template/marketingMessages';
import type { MessageType } from './types';

/** Every kind that sends a message (the list lives in kinds.ts). */
export const ALL_SENDING_KINDS: MessageType[] = SENDING_KINDS;

export const show = (...messageType: MessageType[]) => ({ show: { messageType } });

const outsideWindowIs = (choice: string) => ({ show: { '/messageType': FREE_FORM_KINDS, outsideWindow: [choice] } });

/** Recipient, shown for every kind that sends a message. */
export const recipientField: INodeProperties = {
	displayName: 'Recipient',
	name: 'recipient',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. +1 650 555 1234 or US.13491208655302741918',
	description:
		'Who gets the message: a phone number with country code ("+1 (650) 555-1234" becomes 16505551234), the WhatsApp ID of a received message, or a business-scoped user ID (US.1349…, or a parent ID US.ENT.…) for users who show a username instead of their number. To answer a WhatsApp Cloud Trigger event, use its replyTo: {{ $json.replyTo }}.',
	displayOptions: show(...ALL_SENDING_KINDS),
};

/** Options every sending kind shares. */
export const sendOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'sendOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	displayOptions: show(...ALL_SENDING_KINDS),
	options: [
		{
			displayName: 'Callback Data',
			name: 'bizOpaqueCallbackData',
			type: 'string',
			default: '',
			description:
				'Your own reference for this message (up to 512 characters), returned in the status webhooks (sent, delivered, read) so a WhatsApp Cloud Trigger can match them to your records',
		},
		{
			displayName: 'Include Raw Response',
			name: 'includeRawResponse',
			type: 'boolean',
			default: false,
			description: "Whether to add Meta's full answer to the output item",
		},
		{
			displayName: 'Outside the 24-Hour Window',
			name: 'outsideWindow',
			type: 'options',
			default: 'send',
			displayOptions: { show: { '/messageType': FREE_FORM_KINDS } },
			description:
				'What to do when the customer has not written in the last 24 hours, so WhatsApp accepts only templates (error 131047). A WhatsApp Cloud Trigger receiving this number\'s webhooks tells n8n when each customer last wrote.',
			options: [
				{ name: 'Send Anyway', value: 'send', description: 'Send as usual; WhatsApp refuses it if the window is closed' },
				{
					name: 'Fail Before Sending',
					value: 'fail',
					description: 'Fail the item, saying which customer and why, without calling WhatsApp, unless a message from the customer in the last 24 hours was received',
				},
				{ name: 'Send a Template Instead', value: 'template', description: 'Send the template below to the same recipient instead' },
			],
		},
		{
			displayName: 'Reply To Message ID',
			name: 'replyToMessageId',
			type: 'string',
			default: '',
			placeholder: 'e.g. wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdBRjY3...',
			description:
				'Send this message as a reply to a received message (it shows as a quote). Use the message ID (wamid…) from the WhatsApp Cloud Trigger.',
		},
		{
			displayName: 'Template Language (Outside the Window)',
			name: 'windowTemplateLanguage',
			type: 'string',
			default: '',
			placeholder: 'e.g. en_US',
			displayOptions: outsideWindowIs('template'),
			description: 'The language code of the template sent when the window is closed',
		},
		{
			displayName: 'Template Name (Outside the Window)',
			name: 'windowTemplateName',
			type: 'string',
			default: '',
			placeholder: 'e.g. order_update',
			displayOptions: outsideWindowIs('template'),
			description: 'The approved template sent instead of this message when the 24-hour window is closed',
		},
		{
			displayName: 'Template Variables (Outside the Window)',
			name: 'windowTemplateVariables',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add variable',
			default: {},
			displayOptions: outsideWindowIs('template'),
			description: 'The template body\'s variables, in order for {{1}}, {{2}}… or by name for {{first_name}}',
			options: [
				{
					displayName: 'Variable',
					name: 'parameter',
					values: [
						{ displayName: 'Variable', name: 'variable', type: 'string', default: '', placeholder: 'e.g. 1 or first_name', description: 'Empty: the next position' },
						{ displayName: 'Text', name: 'text', type: 'string', default: '' },
					],
				},
			],
		},
		{
			displayName: 'Wait for Delivery Status (Seconds)',
			name: 'waitForDeliverySeconds',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 600 },
			default: 0,
			description:
				'After sending, wait up to this long (for all items together) for WhatsApp to report each message delivered, read or failed; each item then gets deliveryStatus, and deliveryError when it failed. Needs an active WhatsApp Cloud Trigger for this number. 0: do not wait.',
		},
		senderPoolOption,
		...marketingMessagesOptions,
		{
			displayName: 'Messaging Limit',
			name: 'messagingLimit',
			type: 'options',
			default: 'automatic',
			description:
				'How many people your business portfolio may reach with templates outside a customer service window in any 24 hours, all its numbers together (WhatsApp Manager › Messaging limits). Items past it fail before sending, without a call to WhatsApp.',
			options: [
				{ name: 'Automatic (Read From Meta)', value: 'automatic', description: "Read the portfolio's limit from Meta every few minutes" },
				{ name: '250', value: '250' },
				{ name: '2,000', value: '2000' },
				{ name: '10,000', value: '10000' },
				{ name: '100,000', value: '100000' },
				{ name: 'Unlimited (Do Not Check)', value: 'unlimited' },
			],
		},
		{
			displayName: 'Past the Messaging Limit',
			name: 'pastMessagingLimit',
			type: 'options',
			default: 'fail',
			description: "What to do with a template once the portfolio's messaging limit is reached",
			options: [
				{ name: 'Fail Before Sending', value: 'fail', description: 'Fail the item, saying the limit and when room frees up, without calling WhatsApp' },
				{ name: 'Wait for Room', value: 'wait', description: 'Send it once a place frees up (24 hours after the oldest person reached), if that is within the wait below' },
			],
		},
		{
			displayName: 'Longest Wait for Room (Minutes)',
			name: 'messagingLimitWaitMinutes',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 60 },
			default: 10,
			displayOptions: { show: { pastMessagingLimit: ['wait'] } },
			description: 'Items whose place frees up later than this fail as with Fail Before Sending; the execution waits meanwhile',
		},
	],
};

export const commonLabels: Record<string, string> = {
	to: 'Recipient',
	replyToMessageId: 'Options › Reply To Message ID',
	bizOpaqueCallbackData: 'Options › Callback Data',
	waitForDeliverySeconds: 'Options › Wait for Delivery Status (Seconds)',
	'windowTemplate.name': 'Options › Template Name (Outside the Window)',
	'windowTemplate.language': 'Options › Template Language (Outside the Window)',
	'windowTemplate.bodyParameters': 'Options › Template Variables (Outside the Window)',
	windowTemplate: 'Options › Template Variables (Outside the Window)',
	senderPool: 'Options › Sender Pool',
	marketingTimeToLiveSeconds: MARKETING_TTL_LABEL,
};

/** Reads a parameter of one item (a constant once per run); `fallback` is returned when the field is hidden or unset. */
export function param<T = unknown>(context: IExecuteFunctions, name: string, itemIndex: number, fallback?: T): T {
	return readParameter(context, name, itemIndex, fallback);
}

export function readEnvelope(context: IExecuteFunctions, itemIndex: number): EnvelopeParams {
	const options = param<IDataObject>(context, 'sendOptions', itemIndex, {});
	return {
		to: param(context, 'recipient', itemIndex, ''),
		replyToMessageId: options.replyToMessageId,
		bizOpaqueCallbackData: options.bizOpaqueCallbackData,
	};
}

/** The values of a fixedCollection with `multipleValues`: `{ [group]: [ {...}, ... ] }` → the list. */
export function collectionList(value: unknown, group: string): IDataObject[] {
	if (!value || typeof value !== 'object') return [];
	const list = (value as IDataObject)[group];
	return Array.isArray(list) ? (list as IDataObject[]) : list && typeof list === 'object' ? [list as IDataObject] : [];
}
