import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildReaction } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Message ID to React To',
		name: 'reactionMessageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdBRjY3...',
		description: 'The ID (wamid…) of the message to react to, e.g. from the WhatsApp Cloud Trigger',
		displayOptions: show('reaction'),
	},
	{
		displayName: 'Emoji',
		name: 'emoji',
		type: 'string',
		default: '👍',
		hint: 'Leave empty to remove your reaction',
		description: 'Exactly one emoji, e.g. 👍 or ❤️',
		displayOptions: show('reaction'),
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	return {
		body: buildReaction({
			...readEnvelope(context, itemIndex),
			messageId: param(context, 'reactionMessageId', itemIndex, ''),
			emoji: param(context, 'emoji', itemIndex, ''),
		}),
	};
}

export const labels = { messageId: 'Message ID to React To', emoji: 'Emoji' };

export const module: MessageKindModule = { description, read, labels };
