import type { INodeProperties } from 'n8n-workflow';

import * as block from './block.operation';
import * as list from './list.operation';
import * as unblock from './unblock.operation';

export const operations = { block, unblock, list };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['blockedUser'] } },
		options: [
			{ name: 'Block', value: 'block', description: 'Block users from messaging this number', action: 'Block users' },
			{ name: 'List', value: 'list', description: 'List the users this number blocked', action: 'List blocked users' },
			{ name: 'Unblock', value: 'unblock', description: 'Unblock users', action: 'Unblock users' },
		],
		default: 'block',
	},
	...block.description,
	...unblock.description,
	...list.description,
];
