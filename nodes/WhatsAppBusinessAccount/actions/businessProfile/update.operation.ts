import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, phoneNumberField, runOperation } from '../common';
import { MAX_ABOUT, MAX_ADDRESS, MAX_DESCRIPTION, MAX_EMAIL, profileUpdateBody, VERTICALS } from './profile';
import type { ProfileUpdate } from './profile';

export const description: INodeProperties[] = [
	phoneNumberField('businessProfile', 'update', 'The business phone number whose profile to change'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: { show: { resource: ['businessProfile'], operation: ['update'] } },
		options: [
			{ displayName: 'About', name: 'about', type: 'string', default: '', description: `Shown under the profile picture, 1 to ${MAX_ABOUT} characters` },
			{ displayName: 'Address', name: 'address', type: 'string', default: '', description: `Up to ${MAX_ADDRESS} characters` },
			{ displayName: 'Description', name: 'description', type: 'string', typeOptions: { rows: 3 }, default: '', description: `Up to ${MAX_DESCRIPTION} characters` },
			{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', description: `Up to ${MAX_EMAIL} characters` },
			{
				displayName: 'Profile Picture Handle',
				name: 'profilePictureHandle',
				type: 'string',
				default: '',
				placeholder: 'e.g. 4::aW1hZ2UvanBlZw==:ARZ…',
				description:
					'A handle from Meta\'s <a href="https://developers.facebook.com/docs/graph-api/guides/upload">Resumable Upload API</a> for the new profile picture',
			},
			{ displayName: 'Vertical', name: 'vertical', type: 'options', default: 'OTHER', options: VERTICALS, description: 'The industry of the business' },
			{
				displayName: 'Websites',
				name: 'websites',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://www.example.com, https://www.instagram.com/example',
				description: 'Up to 2 URLs with http:// or https://, separated by commas; empty removes them',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const body = profileUpdateBody(this.getNodeParameter('updateFields', itemIndex, {}) as ProfileUpdate);
		return async () => {
			const answer = await managementCall<{ success?: boolean }>(credentials, { method: 'POST', path: `/${phoneNumberId}/whatsapp_business_profile`, body }, phoneNumberId);
			return { success: answer.success ?? true, phoneNumberId, updated: Object.keys(body).filter((key) => key !== 'messaging_product') };
		};
	});
}
