import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as createFromLibrary from './createFromLibrary.operation';
import * as deleteTemplate from './delete.operation';
import * as edit from './edit.operation';
import * as get from './get.operation';
import * as list from './list.operation';

export const operations = { list, get, create, createFromLibrary, edit, delete: deleteTemplate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['template'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Submit a new template for Meta\'s review', action: 'Create a template' },
			{
				name: 'Create From Library',
				value: 'createFromLibrary',
				description: 'Create a template from Meta\'s Template Library',
				action: 'Create a template from the library',
			},
			{ name: 'Delete', value: 'delete', description: 'Delete a template by name (every language) or ID', action: 'Delete a template' },
			{ name: 'Edit', value: 'edit', description: 'Change a template\'s category or components', action: 'Edit a template' },
			{ name: 'Get', value: 'get', description: 'Get a template by ID', action: 'Get a template' },
			{ name: 'List', value: 'list', description: 'List the account\'s templates', action: 'List templates' },
		],
		default: 'list',
	},
	...list.description,
	...get.description,
	...create.description,
	...createFromLibrary.description,
	...edit.description,
	...deleteTemplate.description,
];
