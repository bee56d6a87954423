import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildProductList, MAX_PRODUCT_SECTIONS, MAX_PRODUCTS } from '../../shared/messages';
import { collectionList, param, readEnvelope, show } from './common';
import { catalogIdField } from './product';
import type { MessageKindModule, PreparedMessage } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Header Text',
		name: 'headerText',
		type: 'string',
		default: '',
		required: true,
		description: 'Required for a product list: up to 60 characters, shown in bold above the message',
		displayOptions: show('productList'),
	},
	{
		displayName: 'Message Text',
		name: 'interactiveBody',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'The main text, up to 1,024 characters',
		displayOptions: show('productList'),
	},
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		description: 'Optional small grey text under the message, up to 60 characters',
		displayOptions: show('productList'),
	},
	catalogIdField('productList'),
	{
		displayName: 'Product Sections',
		name: 'productSections',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add section',
		default: { section: [{ title: '', productRetailerIds: '' }] },
		required: true,
		hint: `Up to ${MAX_PRODUCTS} products in all, in up to ${MAX_PRODUCT_SECTIONS} sections. An order the user sends arrives at the WhatsApp Cloud Trigger.`,
		displayOptions: show('productList'),
		options: [
			{
				displayName: 'Section',
				name: 'section',
				values: [
					{
						displayName: 'Section Title',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Up to 24 characters; required when the message has more than one section',
					},
					{
						displayName: 'Product Retailer IDs',
						name: 'productRetailerIds',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. 2lc20305pt, 6nd92017sk',
						description: 'The SKUs (Content IDs in Commerce Manager) of the products in this section, separated by commas or new lines, or a list from an expression',
					},
				],
			},
		],
	},
];

/** "a, b" or "a\nb" or ["a","b"] → the IDs; empty entries between separators carry nothing and are skipped. */
function retailerIds(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value !== 'string') return value === undefined || value === null ? [] : [value];
	return value.split(/[,\n]/).map((id) => id.trim()).filter((id) => id !== '');
}

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const sections = collectionList(param(context, 'productSections', itemIndex, {}), 'section').map((section) => ({
		title: section.title,
		productRetailerIds: retailerIds(section.productRetailerIds),
	}));
	return {
		body: buildProductList({
			...readEnvelope(context, itemIndex),
			headerText: param(context, 'headerText', itemIndex, ''),
			body: param(context, 'interactiveBody', itemIndex, ''),
			footer: param(context, 'footer', itemIndex, ''),
			catalogId: param(context, 'catalogId', itemIndex, ''),
			sections,
		}),
	};
}

export const labels = {
	headerText: 'Header Text',
	body: 'Message Text',
	footer: 'Footer',
	catalogId: 'Catalog ID',
	sections: 'Product Sections',
	title: 'Section Title',
	productRetailerIds: 'Product Retailer IDs',
};

export const module: MessageKindModule = { description, read, labels };
