import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildLocationRequest } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Message Text',
		name: 'locationRequestBody',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. Where should we deliver your order?',
		description: 'Text above the "Send location" button, up to 1,024 characters. The shared location arrives at the WhatsApp Cloud Trigger.',
		displayOptions: show('locationRequest'),
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	return {
		body: buildLocationRequest({
			...readEnvelope(context, itemIndex),
			body: param(context, 'locationRequestBody', itemIndex, ''),
		}),
	};
}

export const labels = { body: 'Message Text' };

export const module: MessageKindModule = { description, read, labels };
