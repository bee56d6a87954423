import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, phoneNumberField, runOperation } from '../common';
import { profileOf } from './profile';

export const PROFILE_FIELDS = 'about,address,description,email,profile_picture_url,websites,vertical';

export const description: INodeProperties[] = [phoneNumberField('businessProfile', 'get', 'The business phone number whose profile to read')];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		return async () => {
			const answer = await managementCall<{ data?: IDataObject[] }>(
				credentials,
				{ method: 'GET', path: `/${phoneNumberId}/whatsapp_business_profile`, query: { fields: PROFILE_FIELDS } },
				phoneNumberId,
			);
			return { phoneNumberId, ...profileOf(answer) };
		};
	});
}
