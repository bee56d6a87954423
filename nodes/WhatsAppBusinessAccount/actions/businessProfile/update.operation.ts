import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, phoneNumberField, runOperation } from '../common';
import { ManagementInputError } from '../errors';
import { appIdOf, uploadForHandle } from '../resumableUpload';
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
			{
				displayName: 'Profile Picture File',
				name: 'profilePictureBinary',
				type: 'string',
				default: 'data',
				placeholder: 'e.g. data',
				hint: 'The name of the input binary field holding the picture (JPEG or PNG)',
				description:
					'Uploads the picture through Meta\'s Resumable Upload API (needs the App ID in the credential) and sets it. Meta shows it cropped to a circle.',
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
		const { profilePictureBinary, ...fields } = this.getNodeParameter('updateFields', itemIndex, {}) as ProfileUpdate & { profilePictureBinary?: string };
		const picture = profilePictureBinary === undefined ? undefined : pictureOf(this, itemIndex, profilePictureBinary, fields);
		const appId = picture ? appIdOf(credentials) : undefined;
		const body = profileUpdateBody(fields, picture !== undefined);
		return async () => {
			if (picture && appId) {
				const data = await this.helpers.getBinaryDataBuffer(itemIndex, picture.property);
				body.profile_picture_handle = await uploadForHandle(credentials, appId, { data, mimeType: picture.mimeType, fileName: picture.fileName });
			}
			const answer = await managementCall<{ success?: boolean }>(credentials, { method: 'POST', path: `/${phoneNumberId}/whatsapp_business_profile`, body }, phoneNumberId);
			return { success: answer.success ?? true, phoneNumberId, updated: Object.keys(body).filter((key) => key !== 'messaging_product') };
		};
	});
}

const PICTURE_TYPES = ['image/jpeg', 'image/jpg', 'image/png'];

/** The picture's binary field, checked before any call: present, and a JPEG or PNG (what the upload takes for images). */
function pictureOf(context: IExecuteFunctions, itemIndex: number, propertyName: string, fields: ProfileUpdate): { property: string; mimeType: string; fileName: string } {
	const field = ['Update Fields', 'Profile Picture File'];
	if (fields.profilePictureHandle !== undefined) {
		throw new ManagementInputError(field, 'and "Profile Picture Handle" are both set: give the picture one way');
	}
	const property = propertyName.trim();
	if (property === '') throw new ManagementInputError(field, 'is empty: name the input binary field holding the picture', 'e.g. data');
	const binary = context.helpers.assertBinaryData(itemIndex, property);
	const mimeType = String(binary.mimeType ?? '').toLowerCase().split(';')[0].trim();
	if (!PICTURE_TYPES.includes(mimeType)) {
		throw new ManagementInputError(field, `holds a file of type "${mimeType || 'unknown'}": Meta takes a JPEG or PNG picture`);
	}
	return { property, mimeType, fileName: binary.fileName ?? (mimeType === 'image/png' ? 'profile.png' : 'profile.jpg') };
}
