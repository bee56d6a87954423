import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { managementCall, runOperation, textParam, wabaIdOf } from '../common';
import { ManagementInputError } from '../errors';
import { forgetTemplate } from './api';
import { checkLanguage, checkTemplateName, MAX_PHONE_NUMBER, MAX_URL } from './definition';
import { languageField, templateNameField } from './create.operation';

const show = { resource: ['template'], operation: ['createFromLibrary'] };

export const description: INodeProperties[] = [
	templateNameField(['createFromLibrary']),
	languageField(['createFromLibrary']),
	{
		displayName: 'Library Template Name',
		name: 'libraryTemplateName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. delivery_update_1',
		displayOptions: { show },
		description:
			'The exact name of a template in Meta\'s <a href="https://business.facebook.com/wa/manage/template-library">Template Library</a> (utility templates, approved without review)',
	},
	{
		displayName: 'Button Inputs',
		name: 'libraryButtons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add button input',
		default: {},
		displayOptions: { show },
		description: 'Your website and phone number for the library template\'s buttons (required when it has URL or phone buttons)',
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						default: 'URL',
						options: [
							{ name: 'Phone Number', value: 'PHONE_NUMBER' },
							{ name: 'URL', value: 'URL' },
						],
					},
					{
						displayName: 'Base URL',
						name: 'baseUrl',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://www.example.com/{{1}}',
						displayOptions: { show: { type: ['URL'] } },
					},
					{
						displayName: 'URL Suffix Example',
						name: 'urlSuffixExample',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://www.example.com/demo',
						description: 'Required when the base URL ends with {{1}}',
						displayOptions: { show: { type: ['URL'] } },
					},
					{
						displayName: 'Phone Number',
						name: 'phoneNumber',
						type: 'string',
						default: '',
						placeholder: 'e.g. +16315551010',
						displayOptions: { show: { type: ['PHONE_NUMBER'] } },
					},
				],
			},
		],
	},
];

interface ButtonInput {
	type?: string;
	baseUrl?: string;
	urlSuffixExample?: string;
	phoneNumber?: string;
}

/** Meta's `library_template_button_inputs` entry for one button, checked. */
export function libraryButtonInput(input: ButtonInput, index: number): IDataObject {
	const field = (name: string) => ['Button Inputs', `Button #${index + 1}`, name];
	if (input.type === 'PHONE_NUMBER') {
		const phone = String(input.phoneNumber ?? '').trim();
		if (!phone) throw new ManagementInputError(field('Phone Number'), 'is empty');
		if (phone.length > MAX_PHONE_NUMBER) throw new ManagementInputError(field('Phone Number'), `is ${phone.length} characters long; Meta allows at most ${MAX_PHONE_NUMBER}`);
		return { type: 'PHONE_NUMBER', phone_number: phone };
	}
	const baseUrl = String(input.baseUrl ?? '').trim();
	if (!/^https?:\/\/\S+$/i.test(baseUrl)) throw new ManagementInputError(field('Base URL'), baseUrl ? `is "${baseUrl.slice(0, 60)}", which is not an http(s) URL` : 'is empty');
	if (baseUrl.length > MAX_URL) throw new ManagementInputError(field('Base URL'), `is ${baseUrl.length} characters long; Meta allows at most ${MAX_URL}`);
	const url: IDataObject = { base_url: baseUrl };
	const example = String(input.urlSuffixExample ?? '').trim();
	if (/\{\{1\}\}$/.test(baseUrl) && !example) throw new ManagementInputError(field('URL Suffix Example'), 'is empty: Meta requires an example when the base URL ends with {{1}}');
	if (example) url.url_suffix_example = example;
	return { type: 'URL', url };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const name = checkTemplateName(textParam(this, 'templateName', itemIndex), ['Template Name']);
		const language = checkLanguage(textParam(this, 'templateLanguage', itemIndex), ['Language']);
		const libraryName = checkTemplateName(textParam(this, 'libraryTemplateName', itemIndex), ['Library Template Name']);
		const inputs = ((this.getNodeParameter('libraryButtons', itemIndex, {}) as { button?: ButtonInput[] }).button ?? []).map(libraryButtonInput);
		// Template Library page: "Must be UTILITY for use with Template Library".
		const body: IDataObject = { name, language, category: 'UTILITY', library_template_name: libraryName };
		if (inputs.length > 0) body.library_template_button_inputs = inputs;
		return async () => {
			const created = await managementCall<IDataObject>(credentials, { method: 'POST', path: `/${wabaId}/message_templates`, body });
			await forgetTemplate(credentials, name);
			return { ...created, name, language, libraryTemplateName: libraryName };
		};
	});
}
