import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildMarkAsRead } from '../../shared/messages';
import { param, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Received Message ID',
		name: 'readMessageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdBRjY3...',
		description: 'The ID (wamid…) of the message you received; it and the earlier ones in the chat get blue ticks',
		displayOptions: show('markAsRead'),
	},
	{
		displayName: 'Show Typing Indicator',
		name: 'typingIndicator',
		type: 'boolean',
		default: false,
		description: 'Whether to show "typing…" to the user until you reply or 25 seconds pass',
		displayOptions: show('markAsRead'),
	},
	{
		// Same name as the sending kinds' options, so the node reads "Include Raw Response" one way for every kind.
		displayName: 'Options',
		name: 'sendOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show('markAsRead'),
		options: [
			{
				displayName: 'Include Raw Response',
				name: 'includeRawResponse',
				type: 'boolean',
				default: false,
				description: "Whether to add Meta's full answer to the output item",
			},
		],
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	return {
		body: buildMarkAsRead({
			messageId: param(context, 'readMessageId', itemIndex, ''),
			typingIndicator: param(context, 'typingIndicator', itemIndex, false),
		}),
	};
}

export const labels = { messageId: 'Received Message ID', typingIndicator: 'Show Typing Indicator' };

export const module: MessageKindModule = { description, read, labels };
