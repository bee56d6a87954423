/** A list operation's Return All / Limit fields and its paged read, as n8n's list operations have them. */
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../shared/paging';
import type { GraphRequest, WhatsAppCredentials } from '../../shared/transport/types';
import { ManagementInputError } from './errors';

/** Meta's page size for these edges is up to 100: fewer round trips for a long list. */
const PAGE_SIZE = 100;

export interface GraphPage {
	data?: IDataObject[];
	paging?: { cursors?: { after?: string }; next?: string };
}

export function limitFields(show: NonNullable<IDisplayOptions['show']>): INodeProperties[] {
	return [
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
}

/** How many rows the item asks for: Infinity for Return All; a Limit that is not a whole number from 1 is refused. */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean) return Number.POSITIVE_INFINITY;
	const limit = Number(context.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) throw new ManagementInputError('Limit', `is ${String(limit)}: expected a whole number from 1`);
	return limit;
}

/** The first `limit` rows of a Graph edge, page after page through the gate; stops reading once it has enough. */
export async function readList<Row = IDataObject>(
	credentials: WhatsAppCredentials,
	path: string,
	query: NonNullable<GraphRequest['query']>,
	limit: number,
	rowsOf: (page: GraphPage) => Row[] = (page) => (page.data ?? []) as Row[],
): Promise<Row[]> {
	const first = { ...query, limit: Math.min(PAGE_SIZE, limit) };
	const request = (after?: string): GraphRequest => ({ method: 'GET', path, query: after ? { ...first, after } : first });
	const pages = await collectPages<GraphPage>({
		credentials,
		request: request(),
		pageOf: (body) => body as GraphPage,
		requestAfter: request,
		enough: (read) => read.reduce((count, page) => count + rowsOf(page).length, 0) >= limit,
	});
	return pages.flatMap(rowsOf).slice(0, limit);
}
