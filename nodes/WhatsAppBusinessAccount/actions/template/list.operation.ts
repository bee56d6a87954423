import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../WhatsAppGetMetrics/paging';
import type { GraphRequest } from '../../../shared/transport/types';
import { runOperation, wabaIdOf } from '../common';
import { ManagementInputError } from '../errors';
import { checkLanguage } from './definition';

const show = { resource: ['template'], operation: ['list'] };

/** Meta's page size for the template list; Graph caps what it answers per page anyway. */
const PAGE_SIZE = 100;

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		displayOptions: { show },
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { ...show, returnAll: [false] } },
		description: 'Max number of results to return',
	},
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

interface TemplatePage {
	data?: IDataObject[];
	paging?: { cursors?: { after?: string }; next?: string };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Number.POSITIVE_INFINITY : Number(this.getNodeParameter('limit', itemIndex, 50));
		if (!returnAll && (!Number.isInteger(limit) || limit < 1)) throw new ManagementInputError('Limit', `is ${String(limit)}: expected a whole number from 1`);
		const filters = this.getNodeParameter('filters', itemIndex, {}) as Filters;
		const query: GraphRequest['query'] = { limit: Math.min(PAGE_SIZE, limit) };
		if (filters.status) query.status = filters.status;
		if (filters.category) query.category = filters.category;
		if (filters.language?.trim()) query.language = checkLanguage(filters.language, ['Filters', 'Language']);
		if (filters.name?.trim()) query.name = filters.name.trim();
		const request = (after?: string): GraphRequest => ({ method: 'GET', path: `/${wabaId}/message_templates`, query: after ? { ...query, after } : query });
		return async () => {
			const pages = await collectPages<TemplatePage>({
				credentials,
				request: request(),
				pageOf: (body) => body as TemplatePage,
				requestAfter: request,
				enough: (read) => read.reduce((count, page) => count + (page.data?.length ?? 0), 0) >= limit,
			});
			return pages.flatMap((page) => page.data ?? []).slice(0, limit);
		};
	});
}

