import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { GraphRequest } from '../../../shared/transport/types';
import { runOperation, wabaIdOf } from '../common';
import { limitFields, readLimit, readList } from '../listing';
import { checkLanguage } from './definition';

const show = { resource: ['template'], operation: ['list'] };

/** Meta's page size for the template list; Graph caps what it answers per page anyway. */

export const description: INodeProperties[] = [
	...limitFields(show),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Category',
				name: 'category',
				type: 'options',
				default: 'MARKETING',
				options: [
					{ name: 'Authentication', value: 'AUTHENTICATION' },
					{ name: 'Marketing', value: 'MARKETING' },
					{ name: 'Utility', value: 'UTILITY' },
				],
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: '',
				placeholder: 'e.g. en_US',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				placeholder: 'e.g. order_confirmation',
				description: 'Templates whose name contains this text',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'APPROVED',
				options: [
					{ name: 'Approved', value: 'APPROVED' },
					{ name: 'Disabled', value: 'DISABLED' },
					{ name: 'In Appeal', value: 'IN_APPEAL' },
					{ name: 'Paused', value: 'PAUSED' },
					{ name: 'Pending', value: 'PENDING' },
					{ name: 'Pending Deletion', value: 'PENDING_DELETION' },
					{ name: 'Rejected', value: 'REJECTED' },
				],
			},
		],
	},
];

interface Filters {
	category?: string;
	language?: string;
	name?: string;
	status?: string;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const limit = readLimit(this, itemIndex);
		const filters = this.getNodeParameter('filters', itemIndex, {}) as Filters;
		const query: NonNullable<GraphRequest['query']> = {};
		if (filters.status) query.status = filters.status;
		if (filters.category) query.category = filters.category;
		if (filters.language?.trim()) query.language = checkLanguage(filters.language, ['Filters', 'Language']);
		if (filters.name?.trim()) query.name = filters.name.trim();
		return async (): Promise<IDataObject[]> => await readList(credentials, `/${wabaId}/message_templates`, query, limit);
	});
}

