import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import type { GraphRequest } from '../../../shared/transport/types';
import { phoneNumberField, runOperation, textParam } from '../common';
import { limitFields, readLimit, readList } from '../listing';

const show = { resource: ['qrCode'], operation: ['list'] };

export const description: INodeProperties[] = [
	phoneNumberField('qrCode', 'list', 'The business phone number whose QR codes to list'),
	...limitFields(show),
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

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const limit = readLimit(this, itemIndex);
		const format = textParam(this, 'imageUrlFormat', itemIndex);
		const query: NonNullable<GraphRequest['query']> = {};
		// The OpenAPI spec's field syntax for the image: qr_image_url.format(SVG|PNG).
		if (format === 'SVG' || format === 'PNG') query.fields = `code,prefilled_message,deep_link_url,qr_image_url.format(${format})`;
		return async (): Promise<IDataObject[]> => (await readList(credentials, `/${phoneNumberId}/message_qrdls`, query, limit)).map((qr) => ({ phoneNumberId, ...qr }));
	});
}
