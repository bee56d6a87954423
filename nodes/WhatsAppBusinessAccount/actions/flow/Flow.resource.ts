import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteFlow from './delete.operation';
import * as deprecate from './deprecate.operation';
import * as get from './get.operation';
import * as getPreviewUrl from './getPreviewUrl.operation';
import * as list from './list.operation';
import * as publish from './publish.operation';
import * as updateJson from './updateJson.operation';

export const operations = { list, get, create, updateJson, publish, deprecate, delete: deleteFlow, getPreviewUrl };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['flow'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a draft flow', action: 'Create a flow' },
			{ name: 'Delete', value: 'delete', description: 'Delete a draft flow', action: 'Delete a flow' },
			{ name: 'Deprecate', value: 'deprecate', description: 'Retire a published flow', action: 'Deprecate a flow' },
			{ name: 'Get', value: 'get', description: 'Get a flow by ID', action: 'Get a flow' },
			{ name: 'Get Preview URL', value: 'getPreviewUrl', description: 'Get a web link that shows the flow', action: 'Get a flow preview URL' },
			{ name: 'List', value: 'list', description: 'List the account\'s flows', action: 'List flows' },
			{ name: 'Publish', value: 'publish', description: 'Publish a draft flow so it can be sent', action: 'Publish a flow' },
			{ name: 'Update Flow JSON', value: 'updateJson', description: 'Replace a draft flow\'s Flow JSON', action: 'Update a flow JSON' },
		],
		default: 'list',
	},
	...list.description,
	...get.description,
	...create.description,
	...updateJson.description,
	...publish.description,
	...deprecate.description,
	...deleteFlow.description,
	...getPreviewUrl.description,
];
