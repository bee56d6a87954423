import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { collectPages } from '../../../WhatsAppGetMetrics/paging';
import { getPhoneNumberId } from '../../../shared/descriptions';
import type { GraphRequest } from '../../../shared/transport/types';
import { phoneNumberField, runOperation, textParam } from '../common';
import { ManagementInputError } from '../errors';

const show = { resource: ['qrCode'], operation: ['list'] };
const PAGE_SIZE = 100;

export const description: INodeProperties[] = [
	phoneNumberField('qrCode', 'list', 'The business phone number whose QR codes to list'),
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
		displayName: 'Image URL Format',
		name: 'imageUrlFormat',
		type: 'options',
		default: 'none',
		displayOptions: { show },
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'PNG', value: 'PNG' },
			{ name: 'SVG', value: 'SVG' },
		],
		description: 'Whether each QR code comes with the URL of its image in this format',
	},
];

interface QrPage {
	data?: IDataObject[];
	paging?: { cursors?: { after?: string }; next?: string };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Number.POSITIVE_INFINITY : Number(this.getNodeParameter('limit', itemIndex, 50));
		if (!returnAll && (!Number.isInteger(limit) || limit < 1)) throw new ManagementInputError('Limit', `is ${String(limit)}: expected a whole number from 1`);
		const format = textParam(this, 'imageUrlFormat', itemIndex);
		const query: GraphRequest['query'] = { limit: Math.min(PAGE_SIZE, limit) };
		// The OpenAPI spec's field syntax for the image: qr_image_url.format(SVG|PNG).
		if (format === 'SVG' || format === 'PNG') query.fields = `code,prefilled_message,deep_link_url,qr_image_url.format(${format})`;
		const request = (after?: string): GraphRequest => ({ method: 'GET', path: `/${phoneNumberId}/message_qrdls`, query: after ? { ...query, after } : query });
		return async (): Promise<IDataObject[]> => {
			const pages = await collectPages<QrPage>({
				credentials,
				request: request(),
				pageOf: (body) => body as QrPage,
				requestAfter: request,
				enough: (read) => read.reduce((count, page) => count + (page.data?.length ?? 0), 0) >= limit,
			});
			return pages.flatMap((page) => page.data ?? []).slice(0, limit).map((qr) => ({ phoneNumberId, ...qr }));
		};
	});
}
