import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { graphId, managementCall, runOperation, textParam } from '../common';
import { ManagementInputError } from '../errors';
import { forgetTemplate, readTemplate } from './api';
import { CATEGORY_OPTIONS } from './create.operation';
import { checkTtl } from './definition';
import { definitionFields, readDefinition, readTtl, templateOptionsField, TTL_LABEL } from './fields';
import { templateIdField } from './get.operation';

const show = { resource: ['template'], operation: ['edit'] };

export const description: INodeProperties[] = [
	templateIdField('edit', 'The template to edit (only approved, rejected or paused templates can be edited)'),
	{
		displayName: 'Category',
		name: 'editCategory',
		type: 'options',
		default: 'keep',
		displayOptions: { show },
		options: [{ name: 'Keep', value: 'keep', description: 'Leave the category as it is' }, ...CATEGORY_OPTIONS],
		description: 'Meta does not change the category of an approved template',
	},
	{
		displayName: 'Replace Components',
		name: 'replaceComponents',
		type: 'boolean',
		default: true,
		displayOptions: { show },
		description: 'Whether to replace every component of the template by those below (Meta edits no component alone)',
	},
	...definitionFields('edit').map((field) => ({
		...field,
		displayOptions: { show: { ...field.displayOptions?.show, replaceComponents: [true] } },
	})),
	templateOptionsField('edit'),
	{
		displayName: 'Approved templates can be edited 10 times in 30 days and once in 24 hours; rejected or paused ones without limit',
		name: 'editNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const templateId = graphId(this, 'templateId', 'Template ID', itemIndex);
		const category = textParam(this, 'editCategory', itemIndex);
		const replace = this.getNodeParameter('replaceComponents', itemIndex, true) as boolean;
		const ttl = readTtl(this, itemIndex, category === 'keep' ? '' : category);
		if (category === 'keep' && !replace && ttl === undefined) throw new ManagementInputError('Category', 'is Keep, Replace Components is off and no time-to-live is set: there is nothing to edit');
		const body: { category?: string; components?: unknown[]; message_send_ttl_seconds?: number } = {};
		if (category !== 'keep') body.category = category;
		// With the category kept, the components are checked as any category's; an authentication template's body
		// (Meta's fixed text, no `text`) fails that check, so it is checked again once the template's category is read.
		let keptCategoryCheck: ManagementInputError | undefined;
		if (replace) {
			try {
				const definition = readDefinition(this, itemIndex, category === 'keep' ? '' : category);
				// Meta edits only a template's category, components and time-to-live: its parameter format stays as created.
				body.components = definition.components;
			} catch (error) {
				// runOperation turns a ManagementInputError into a NodeOperationError naming the item and the field.
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				if (category !== 'keep' || !(error instanceof ManagementInputError)) throw error;
				keptCategoryCheck = error;
			}
		}
		if (ttl !== undefined) body.message_send_ttl_seconds = ttl;
		return async () => {
			// A kept category is Meta's to tell: the time-to-live and an authentication body are checked against it
			// before the edit is sent.
			if (category === 'keep' && (ttl !== undefined || keptCategoryCheck)) {
				const kept = String((await readTemplate(credentials, templateId)).category ?? '').toUpperCase();
				if (ttl !== undefined) checkTtl(ttl, kept, TTL_LABEL);
				if (keptCategoryCheck) {
					if (kept !== 'AUTHENTICATION') throw keptCategoryCheck;
					const definition = readDefinition(this, itemIndex, kept);
					body.components = definition.components;
				}
			}
			await managementCall(credentials, { method: 'POST', path: `/${templateId}`, body });
			// Meta answers {"success": true}: the template as it now stands is more useful, and names it for the cache.
			const template = await readTemplate(credentials, templateId);
			await forgetTemplate(credentials, template.name);
			return { success: true, ...template };
		};
	});
}
