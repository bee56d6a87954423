import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildText } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Message Text',
		name: 'textBody',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The text to send, up to 4,096 characters. WhatsApp formatting works: *bold*, _italic_, ~strike~, ```code```.',
		displayOptions: show('text'),
	},
	{
		displayName: 'Show Link Preview',
		name: 'previewUrl',
		type: 'boolean',
		default: false,
		description: 'Whether to show a preview of the first link in the text',
		displayOptions: show('text'),
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	return {
		body: buildText({
			...readEnvelope(context, itemIndex),
			body: param(context, 'textBody', itemIndex, ''),
			previewUrl: param<IDataObject[string]>(context, 'previewUrl', itemIndex, false),
		}),
	};
}

export const labels = { body: 'Message Text', previewUrl: 'Show Link Preview' };

export const module: MessageKindModule = { description, read, labels };
