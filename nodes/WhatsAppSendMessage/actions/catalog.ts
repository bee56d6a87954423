import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildCatalogMessage } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Message Text',
		name: 'interactiveBody',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'The text above the "View catalog" button, up to 1,024 characters',
		displayOptions: show('catalog'),
	},
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		description: 'Optional small grey text under the message, up to 60 characters',
		displayOptions: show('catalog'),
	},
	{
		displayName: 'Thumbnail Product Retailer ID',
		name: 'thumbnailProductRetailerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2lc20305pt',
		description: "The SKU (Content ID) of the product whose image heads the message. Empty: the catalog's first product.",
		displayOptions: show('catalog'),
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	return {
		body: buildCatalogMessage({
			...readEnvelope(context, itemIndex),
			body: param(context, 'interactiveBody', itemIndex, ''),
			footer: param(context, 'footer', itemIndex, ''),
			thumbnailProductRetailerId: param(context, 'thumbnailProductRetailerId', itemIndex, ''),
		}),
	};
}

export const labels = { body: 'Message Text', footer: 'Footer', thumbnailProductRetailerId: 'Thumbnail Product Retailer ID' };

export const module: MessageKindModule = { description, read, labels };
