import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { graphId, managementCall, runOperation, textParam, wabaIdOf } from '../common';
import { forgetTemplate } from './api';
import { checkTemplateName } from './definition';
import { templateNameField } from './create.operation';
import { templateIdField } from './get.operation';

const show = { resource: ['template'], operation: ['delete'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Delete By',
		name: 'deleteBy',
		type: 'options',
		default: 'name',
		displayOptions: { show },
		options: [
			{ name: 'Name (Every Language)', value: 'name', description: 'Deletes the template in all its languages' },
			{ name: 'ID (One Language)', value: 'id', description: 'Deletes only the template with this ID' },
		],
	},
	{ ...templateNameField(['delete']), description: 'The template\'s name (Meta wants it with the ID too)' },
	{
		...templateIdField('delete', 'The ID of the one language of the template to delete'),
		displayOptions: { show: { ...show, deleteBy: ['id'] } },
	},
	{
		displayName: 'A deleted approved template\'s name cannot be used again for 30 days; disabled templates cannot be deleted',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const name = checkTemplateName(textParam(this, 'templateName', itemIndex), ['Template Name']);
		const byId = textParam(this, 'deleteBy', itemIndex) === 'id';
		const templateId = byId ? graphId(this, 'templateId', 'Template ID', itemIndex) : undefined;
		const query = templateId ? { name, hsm_id: templateId } : { name };
		return async () => {
			const answer = await managementCall<IDataObject>(credentials, { method: 'DELETE', path: `/${wabaId}/message_templates`, query });
			await forgetTemplate(credentials, name);
			return templateId ? { ...answer, name, templateId } : { ...answer, name };
		};
	});
}
