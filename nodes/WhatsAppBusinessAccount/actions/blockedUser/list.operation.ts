import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../WhatsAppGetMetrics/paging';
import { getPhoneNumberId } from '../../../shared/descriptions';
import type { GraphRequest } from '../../../shared/transport/types';
import { runOperation } from '../common';
import { ManagementInputError } from '../errors';
import { phoneNumberField } from './users';

const show = { resource: ['blockedUser'], operation: ['list'] };
const PAGE_SIZE = 100;

export const description: INodeProperties[] = [
	phoneNumberField('list', 'The business phone number whose blocklist to read'),
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

/** The reference lists `{messaging_product, wa_id}`; the guide nests `{block_users: [{input, wa_id}]}`. */
interface BlockedPage {
	data?: Array<{ wa_id?: string; block_users?: Array<{ input?: string; wa_id?: string }> }>;
	paging?: { cursors?: { after?: string }; next?: string };
}

function waIdsOf(page: BlockedPage): string[] {
	return (page.data ?? []).flatMap((entry) => (entry.block_users ? entry.block_users.map((user) => user.wa_id ?? user.input ?? '') : [entry.wa_id ?? ''])).filter(Boolean);
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Number.POSITIVE_INFINITY : Number(this.getNodeParameter('limit', itemIndex, 50));
		if (!returnAll && (!Number.isInteger(limit) || limit < 1)) throw new ManagementInputError('Limit', `is ${String(limit)}: expected a whole number from 1`);
		const query = { limit: Math.min(PAGE_SIZE, limit) };
		const request = (after?: string): GraphRequest => ({ method: 'GET', path: `/${phoneNumberId}/block_users`, query: after ? { ...query, after } : query });
		return async (): Promise<IDataObject[]> => {
			const pages = await collectPages<BlockedPage>({
				credentials,
				request: request(),
				pageOf: (body) => body as BlockedPage,
				requestAfter: request,
				enough: (read) => read.reduce((count, page) => count + waIdsOf(page).length, 0) >= limit,
			});
			return pages.flatMap(waIdsOf).slice(0, limit).map((waId) => ({ phoneNumberId, waId }));
		};
	});
}
