import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildFlow } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import { interactiveLabels, interactiveTextFields, readBodyAndFooter } from './interactiveCommon';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	...interactiveTextFields(['flow'], false),
	{
		displayName: 'Flow',
		name: 'flowIdentifier',
		type: 'options',
		options: [
			{ name: 'By ID', value: 'id' },
			{ name: 'By Name', value: 'name' },
		],
		default: 'id',
		displayOptions: show('flow'),
	},
	{
		displayName: 'Flow ID',
		name: 'flowId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1234567890123456',
		description: 'The ID of the WhatsApp Flow, from WhatsApp Manager › Flows',
		displayOptions: { show: { messageType: ['flow'], flowIdentifier: ['id'] } },
	},
	{
		displayName: 'Flow Name',
		name: 'flowName',
		type: 'string',
		default: '',
		required: true,
		description: 'The name of the published WhatsApp Flow',
		displayOptions: { show: { messageType: ['flow'], flowIdentifier: ['name'] } },
	},
	{
		displayName: 'Button Label',
		name: 'flowCta',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Book now',
		description: 'The text on the button that opens the flow, up to 30 characters, no emoji',
		displayOptions: show('flow'),
	},
	{
		displayName: 'Flow Options',
		name: 'flowOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show('flow'),
		options: [
			{
				displayName: 'Flow Token',
				name: 'flowToken',
				type: 'string',
				default: '',
				description: 'Your identifier for this flow session; it comes back in the flow\'s reply and data exchanges',
			},
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'Published', value: 'published' },
					{ name: 'Draft', value: 'draft', description: 'Test an unpublished flow' },
				],
				default: 'published',
			},
			{
				displayName: 'Flow Action',
				name: 'flowAction',
				type: 'options',
				options: [
					{ name: 'Navigate', value: 'navigate', description: 'Open a screen of the flow (with optional data)' },
					{ name: 'Data Exchange', value: 'data_exchange', description: 'Ask your flow endpoint for the first screen' },
				],
				default: 'navigate',
			},
			{
				displayName: 'First Screen',
				name: 'screen',
				type: 'string',
				default: '',
				placeholder: 'e.g. WELCOME_SCREEN',
				description: 'Navigate only: the ID of the screen to open; empty opens the first screen',
			},
			{
				displayName: 'Initial Data (JSON)',
				name: 'data',
				type: 'json',
				default: '',
				description: 'Navigate only: data for the first screen, e.g. {"product_name": "Shoes"}',
			},
		],
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const by = param<string>(context, 'flowIdentifier', itemIndex, 'id');
	const options = param<IDataObject>(context, 'flowOptions', itemIndex, {});
	return {
		body: buildFlow({
			...readEnvelope(context, itemIndex),
			headerText: param(context, 'headerText', itemIndex, ''),
			...readBodyAndFooter(context, itemIndex),
			body: param(context, 'interactiveBody', itemIndex, ''),
			flowId: by === 'id' ? param(context, 'flowId', itemIndex, '') : undefined,
			flowName: by === 'name' ? param(context, 'flowName', itemIndex, '') : undefined,
			flowCta: param(context, 'flowCta', itemIndex, ''),
			flowToken: options.flowToken,
			mode: options.mode,
			flowAction: options.flowAction,
			screen: options.screen,
			data: options.data,
		}),
	};
}

export const labels = {
	...interactiveLabels,
	flowId: 'Flow ID',
	flowName: 'Flow Name',
	flowCta: 'Button Label',
	flowToken: 'Flow Options › Flow Token',
	mode: 'Flow Options › Mode',
	flowAction: 'Flow Options › Flow Action',
	screen: 'Flow Options › First Screen',
	data: 'Flow Options › Initial Data (JSON)',
};

export const module: MessageKindModule = { description, read, labels };
