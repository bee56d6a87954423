import type { INodeProperties } from 'n8n-workflow';

/** The message template as a resource locator: searchable list of the WABA's templates, or typed by name. */
export const templateLocator: INodeProperties = {
	displayName: 'Template',
	name: 'template',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The approved message template to send. Templates are the only messages allowed outside the 24-hour customer service window.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a template...',
			typeOptions: {
				searchListMethod: 'searchTemplates',
				searchable: true,
				searchFilterRequired: false,
			},
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. order_confirmation',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\s*[a-z0-9_]{1,512}\\s*$',
						errorMessage: 'A template name has lowercase letters, digits and underscores only',
					},
				},
			],
		},
	],
};

/** The language of the template; the list shows the languages the picked template exists in. */
export const templateLanguageField: INodeProperties = {
	displayName: 'Language Name or ID',
	name: 'language',
	type: 'options',
	typeOptions: {
		loadOptionsMethod: 'getTemplateLanguages',
		loadOptionsDependsOn: ['template.value'],
	},
	default: '',
	required: true,
	description:
		'The language code of the template, e.g. en_US. Choose from the list (the languages the template exists in), or specify a code using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
