import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as update from './update.operation';

export const operations = { get, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['businessProfile'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get a number\'s business profile', action: 'Get a business profile' },
			{ name: 'Update', value: 'update', description: 'Change a number\'s business profile', action: 'Update a business profile' },
		],
		default: 'get',
	},
	...get.description,
	...update.description,
];
