import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildProduct } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import type { MessageKindModule, PreparedMessage } from './types';

/** The catalog linked to the WhatsApp Business Account; shared by the product kinds (same name, same meaning). */
export const catalogIdField = (...kinds: Array<'product' | 'productList'>): INodeProperties => ({
	displayName: 'Catalog ID',
	name: 'catalogId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 194836987003835',
	description: 'The ID of the product catalog connected to your WhatsApp Business Account (Commerce Manager › Catalog › Settings)',
	displayOptions: show(...kinds),
});

export const description: INodeProperties[] = [
	catalogIdField('product'),
	{
		displayName: 'Product Retailer ID',
		name: 'productRetailerId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 2lc20305pt',
		description: "The product's SKU, labelled Content ID in Commerce Manager. WhatsApp shows its image, title and price, and lets the user add it to a cart.",
		displayOptions: show('product'),
	},
	{
		displayName: 'Message Text',
		name: 'interactiveBody',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Optional text under the product, up to 1,024 characters',
		displayOptions: show('product'),
	},
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		description: 'Optional small grey text under the message, up to 60 characters',
		displayOptions: show('product'),
	},
];

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	return {
		body: buildProduct({
			...readEnvelope(context, itemIndex),
			catalogId: param(context, 'catalogId', itemIndex, ''),
			productRetailerId: param(context, 'productRetailerId', itemIndex, ''),
			body: param(context, 'interactiveBody', itemIndex, ''),
			footer: param(context, 'footer', itemIndex, ''),
		}),
	};
}

export const labels = { catalogId: 'Catalog ID', productRetailerId: 'Product Retailer ID', body: 'Message Text', footer: 'Footer' };

export const module: MessageKindModule = { description, read, labels };
