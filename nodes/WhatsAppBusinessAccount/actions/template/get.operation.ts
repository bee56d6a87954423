import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { graphId, runOperation } from '../common';
import { readTemplate } from './api';

export const templateIdField = (operation: string, description: string): INodeProperties => ({
	displayName: 'Template ID',
	name: 'templateId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 1627019861106475',
	displayOptions: { show: { resource: ['template'], operation: [operation] } },
	description,
});

export const description: INodeProperties[] = [
	templateIdField('get', 'The template\'s ID, as Create or List output it (one language of a template)'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const templateId = graphId(this, 'templateId', 'Template ID', itemIndex);
		return async () => readTemplate(credentials, templateId);
	});
}
