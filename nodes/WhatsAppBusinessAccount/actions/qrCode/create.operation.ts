import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, phoneNumberField, runOperation } from '../common';
import { imageFields, prefilledMessageField, readImageChoice, readPrefilledMessage, withImage } from './qr';

export const description: INodeProperties[] = [
	phoneNumberField('qrCode', 'create', 'The business phone number the QR code opens a chat with'),
	prefilledMessageField('create'),
	...imageFields('create'),
	{
		displayName: 'A number can have up to 2,000 QR codes and short links; they never expire until deleted',
		name: 'qrNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['qrCode'], operation: ['create'] } },
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const prefilled = readPrefilledMessage(this, itemIndex);
		const image = readImageChoice(this, itemIndex);
		const body: IDataObject = { prefilled_message: prefilled };
		if (image.format) body.generate_qr_image = image.format;
		return async () => {
			const qr = await managementCall<IDataObject>(credentials, { method: 'POST', path: `/${phoneNumberId}/message_qrdls`, body }, phoneNumberId);
			return withImage(this, credentials, phoneNumberId, qr, image);
		};
	});
}
