import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../WhatsAppGetMetrics/paging';
import type { GraphRequest } from '../../../shared/transport/types';
import { runOperation, wabaIdOf } from '../common';
import { ManagementInputError } from '../errors';

const show = { resource: ['flow'], operation: ['list'] };
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
];

interface FlowPage {
	data?: IDataObject[];
	paging?: { cursors?: { after?: string }; next?: string };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Number.POSITIVE_INFINITY : Number(this.getNodeParameter('limit', itemIndex, 50));
		if (!returnAll && (!Number.isInteger(limit) || limit < 1)) throw new ManagementInputError('Limit', `is ${String(limit)}: expected a whole number from 1`);
		const query = { limit: Math.min(PAGE_SIZE, limit) };
		const request = (after?: string): GraphRequest => ({ method: 'GET', path: `/${wabaId}/flows`, query: after ? { ...query, after } : query });
		return async (): Promise<IDataObject[]> => {
			const pages = await collectPages<FlowPage>({
				credentials,
				request: request(),
				pageOf: (body) => body as FlowPage,
				requestAfter: request,
				enough: (read) => read.reduce((count, page) => count + (page.data?.length ?? 0), 0) >= limit,
			});
			return pages.flatMap((page) => page.data ?? []).slice(0, limit);
		};
	});
}
