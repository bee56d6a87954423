import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteQrCode from './delete.operation';
import * as list from './list.operation';
import * as update from './update.operation';

export const operations = { create, list, update, delete: deleteQrCode };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['qrCode'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a QR code and short link with a prefilled message', action: 'Create a QR code' },
			{ name: 'Delete', value: 'delete', description: 'Delete a QR code and its short link', action: 'Delete a QR code' },
			{ name: 'List', value: 'list', description: 'List a number\'s QR codes and short links', action: 'List QR codes' },
			{ name: 'Update', value: 'update', description: 'Change a QR code\'s prefilled message', action: 'Update a QR code' },
		],
		default: 'create',
	},
	...create.description,
	...list.description,
	...update.description,
	...deleteQrCode.description,
];
