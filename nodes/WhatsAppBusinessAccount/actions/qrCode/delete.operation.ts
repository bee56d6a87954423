import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, phoneNumberField, runOperation } from '../common';
import { codeField, readCode } from './qr';

export const description: INodeProperties[] = [
	phoneNumberField('qrCode', 'delete', 'The business phone number the QR code belongs to'),
	{ ...codeField('delete'), description: 'The QR code to delete: scanning it afterwards tells the customer it has expired' },
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const code = readCode(this, itemIndex);
		return async () => {
			const answer = await managementCall<IDataObject>(credentials, { method: 'DELETE', path: `/${phoneNumberId}/message_qrdls/${code}` }, phoneNumberId);
			return { ...answer, phoneNumberId, code };
		};
	});
}
