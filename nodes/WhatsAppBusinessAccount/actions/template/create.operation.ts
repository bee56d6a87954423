import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { managementCall, runOperation, textParam, wabaIdOf } from '../common';
import { forgetTemplate } from './api';
import { checkLanguage, checkTemplateName, MAX_TEMPLATE_NAME } from './definition';
import { definitionFields, readDefinition, readTtl, templateOptionsField } from './fields';
import { mediaFileFields, uploadAppId, uploadMediaFiles } from './mediaFiles';

const show = { resource: ['template'], operation: ['create'] };

export const CATEGORY_OPTIONS = [
	{ name: 'Authentication', value: 'AUTHENTICATION', description: 'One-time passwords (copy code, one-tap, zero-tap)' },
	{ name: 'Marketing', value: 'MARKETING', description: 'Promotions, offers, announcements' },
	{ name: 'Utility', value: 'UTILITY', description: 'Updates on an order, an account or a request the user made' },
];

export const templateNameField = (operations: string[]): INodeProperties => ({
	displayName: 'Template Name',
	name: 'templateName',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. order_confirmation',
	displayOptions: { show: { resource: ['template'], operation: operations } },
	description: `Lowercase letters, digits and underscores, up to ${MAX_TEMPLATE_NAME} characters; one name may exist in several languages`,
});

export const languageField = (operations: string[]): INodeProperties => ({
	displayName: 'Language',
	name: 'templateLanguage',
	type: 'string',
	default: 'en_US',
	required: true,
	placeholder: 'e.g. en_US',
	displayOptions: { show: { resource: ['template'], operation: operations } },
	description:
		'One of Meta\'s <a href="https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/supported-languages">template language codes</a>',
});

export const description: INodeProperties[] = [
	templateNameField(['create']),
	languageField(['create']),
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		default: 'UTILITY',
		displayOptions: { show },
		options: CATEGORY_OPTIONS,
	},
	...definitionFields('create'),
	...mediaFileFields,
	templateOptionsField('create'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const name = checkTemplateName(textParam(this, 'templateName', itemIndex), ['Template Name']);
		const language = checkLanguage(textParam(this, 'templateLanguage', itemIndex), ['Language']);
		const category = textParam(this, 'category', itemIndex);
		const { components, parameterFormat, files } = readDefinition(this, itemIndex, category, true);
		const appId = uploadAppId(credentials, files);
		const ttl = readTtl(this, itemIndex, category);
		const body = { name, language, category, parameter_format: parameterFormat, components, ...(ttl === undefined ? {} : { message_send_ttl_seconds: ttl }) };
		return async () => {
			await uploadMediaFiles(this, itemIndex, credentials, appId, files);
			const created = await managementCall<IDataObject>(credentials, { method: 'POST', path: `/${wabaId}/message_templates`, body });
			await forgetTemplate(credentials, name);
			return { ...created, name, language };
		};
	});
}
