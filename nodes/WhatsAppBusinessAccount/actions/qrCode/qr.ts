/**
 * QR codes' fields, Meta's limits on them, and the image download. Limits: the QR codes guide (prefilled message up to
 * 140 characters) https://developers.facebook.com/documentation/business-messaging/whatsapp/qr-codes and the OpenAPI
 * spec (codes of 14 characters), business-messaging-api_v23.0.yaml.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { charCount } from '../../../shared/messages/rules';
import { scheduleGraphCall } from '../../../shared/limiter';
import type { WhatsAppCredentials } from '../../../shared/transport/types';
import { ItemWithBinary, textParam } from '../common';
import { ManagementInputError } from '../errors';

export const MAX_PREFILLED_MESSAGE = 140;
const CODE = /^[A-Z0-9]{14}$/;

const show = (operations: string[]) => ({ show: { resource: ['qrCode'], operation: operations } });

export const codeField = (operation: string): INodeProperties => ({
	displayName: 'QR Code',
	name: 'qrCode',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 4O4YGZEG3RIVE1',
	displayOptions: show([operation]),
	description: 'The QR code\'s code (the end of its wa.me/message/ short link)',
});

export const prefilledMessageField = (operation: string): INodeProperties => ({
	displayName: 'Prefilled Message',
	name: 'prefilledMessage',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. Hi! I would like to know about your offers',
	displayOptions: show([operation]),
	description: `The text the customer's chat starts with after scanning, up to ${MAX_PREFILLED_MESSAGE} characters`,
});

export const imageFields = (operation: string): INodeProperties[] => [
	{
		displayName: 'Image Format',
		name: 'imageFormat',
		type: 'options',
		default: 'SVG',
		displayOptions: show([operation]),
		options: [
			{ name: 'No Image', value: 'none', description: 'Only the short link' },
			{ name: 'PNG', value: 'PNG' },
			{ name: 'SVG', value: 'SVG', description: 'Meta\'s advice for print: scales without blur' },
		],
	},
	{
		displayName: 'Put Image in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { resource: ['qrCode'], operation: [operation], imageFormat: ['SVG', 'PNG'] } },
		hint: 'The name of the output binary field to put the QR code image in',
	},
];

export function readCode(context: IExecuteFunctions, itemIndex: number): string {
	const code = textParam(context, 'qrCode', itemIndex);
	if (!CODE.test(code)) {
		throw new ManagementInputError('QR Code', code === '' ? 'is empty' : `is "${code.slice(0, 40)}": a QR code's code is 14 capital letters and digits, e.g. 4O4YGZEG3RIVE1`);
	}
	return code;
}

export function readPrefilledMessage(context: IExecuteFunctions, itemIndex: number): string {
	const text = String(context.getNodeParameter('prefilledMessage', itemIndex, '') ?? '');
	if (text.trim() === '') throw new ManagementInputError('Prefilled Message', 'is empty');
	const length = charCount(text);
	if (length > MAX_PREFILLED_MESSAGE) throw new ManagementInputError('Prefilled Message', `is ${length} characters long; Meta allows at most ${MAX_PREFILLED_MESSAGE}`);
	return text;
}

export interface ImageChoice {
	format?: 'SVG' | 'PNG';
	binaryPropertyName: string;
}

export function readImageChoice(context: IExecuteFunctions, itemIndex: number): ImageChoice {
	const format = textParam(context, 'imageFormat', itemIndex);
	if (format !== 'SVG' && format !== 'PNG') return { binaryPropertyName: '' };
	const binaryPropertyName = textParam(context, 'binaryPropertyName', itemIndex);
	if (binaryPropertyName === '') throw new ManagementInputError('Put Image in Field', 'is empty');
	return { format, binaryPropertyName };
}

/**
 * The QR code's JSON, with its image as a file when one was asked for. The image sits on Meta's CDN (a public URL):
 * it is fetched without the token, through the gate like any download, and it is no Graph call Meta counts.
 */
export async function withImage(
	context: IExecuteFunctions,
	credentials: WhatsAppCredentials,
	phoneNumberId: string,
	qr: IDataObject,
	choice: ImageChoice,
): Promise<IDataObject | ItemWithBinary> {
	const json = { phoneNumberId, ...qr };
	const url = typeof qr.qr_image_url === 'string' ? qr.qr_image_url : undefined;
	if (!choice.format || !url) return json;
	const response = await scheduleGraphCall<ArrayBuffer | Buffer>({
		credentials,
		phoneNumberId,
		request: { method: 'GET', url, responseType: 'arraybuffer', auth: 'none' },
	});
	const data = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data);
	const mimeType = choice.format === 'SVG' ? 'image/svg+xml' : 'image/png';
	const fileName = `${String(qr.code ?? 'qr')}.${choice.format.toLowerCase()}`;
	return new ItemWithBinary(json, { [choice.binaryPropertyName]: await context.helpers.prepareBinaryData(data, fileName, mimeType) });
}
