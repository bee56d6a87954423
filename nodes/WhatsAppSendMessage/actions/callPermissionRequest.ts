import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildCallPermissionRequest } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Message Text',
		name: 'interactiveBody',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. We would like to call you about your order ON-12853.',
		description:
			'Why you want to call, up to 1,024 characters (optional, but Meta advises it). WhatsApp adds the permission buttons; the answer arrives at the WhatsApp Cloud Trigger. Outside the 24-hour window, send an approved call permission template instead.',
		displayOptions: show('callPermissionRequest'),
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	return { body: buildCallPermissionRequest({ ...readEnvelope(context, itemIndex), body: param(context, 'interactiveBody', itemIndex, '') }) };
}

export const labels = { body: 'Message Text' };

export const module: MessageKindModule = { description, read, labels };
