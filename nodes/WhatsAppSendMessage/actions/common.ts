import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { EnvelopeParams } from '../../shared/messages';
import { readParameter } from '../../shared/parameters';
import type { MessageType } from './types';

export const ALL_SENDING_KINDS: MessageType[] = [
	'text',
	'image',
	'video',
	'audio',
	'document',
	'sticker',
	'location',
	'contacts',
	'reaction',
	'buttons',
	'list',
	'ctaUrl',
	'flow',
	'locationRequest',
	'product',
	'productList',
	'catalog',
	'callPermissionRequest',
	'template',
];

export const show = (...messageType: MessageType[]) => ({ show: { messageType } });

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
			displayName: 'Reply To Message ID',
			name: 'replyToMessageId',
			type: 'string',
			default: '',
			placeholder: 'e.g. wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdBRjY3...',
			description:
				'Send this message as a reply to a received message (it shows as a quote). Use the message ID (wamid…) from the WhatsApp Cloud Trigger.',
		},
	],
};

export const commonLabels: Record<string, string> = {
	to: 'Recipient',
	replyToMessageId: 'Options › Reply To Message ID',
	bizOpaqueCallbackData: 'Options › Callback Data',
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
