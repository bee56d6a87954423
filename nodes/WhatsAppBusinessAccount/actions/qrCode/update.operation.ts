import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, phoneNumberField, runOperation } from '../common';
import { codeField, imageFields, prefilledMessageField, readCode, readImageChoice, readPrefilledMessage, withImage } from './qr';

export const description: INodeProperties[] = [
	phoneNumberField('qrCode', 'update', 'The business phone number the QR code belongs to'),
	codeField('update'),
	{ ...prefilledMessageField('update'), description: 'The new text the chat starts with, up to 140 characters (the code and its image stay the same)' },
	...imageFields('update').map((field) => (field.name === 'imageFormat' ? { ...field, default: 'none' } : field)),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const code = readCode(this, itemIndex);
		const prefilled = readPrefilledMessage(this, itemIndex);
		const image = readImageChoice(this, itemIndex);
		// The QR codes guide: an update is a POST to the edge with the code and the new message.
		const body: IDataObject = { code, prefilled_message: prefilled };
		if (image.format) body.generate_qr_image = image.format;
		return async () => {
			const qr = await managementCall<IDataObject>(credentials, { method: 'POST', path: `/${phoneNumberId}/message_qrdls`, body }, phoneNumberId);
			return withImage(this, credentials, phoneNumberId, qr, image);
		};
	});
}
