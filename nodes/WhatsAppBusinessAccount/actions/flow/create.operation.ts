import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { managementCall, runOperation, textParam, wabaIdOf } from '../common';
import { ManagementInputError } from '../errors';
import { checkCategories, checkEndpointUri, FLOW_CATEGORIES } from './flow';

const show = { resource: ['flow'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Flow Name',
		name: 'flowName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Appointment booking',
		displayOptions: { show },
		description: 'Unique within the WhatsApp Business Account',
	},
	{
		displayName: 'Categories',
		name: 'categories',
		type: 'multiOptions',
		default: ['OTHER'],
		required: true,
		displayOptions: { show },
		options: FLOW_CATEGORIES,
	},
	{
		displayName: 'Options',
		name: 'flowOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Clone Flow ID', name: 'cloneFlowId', type: 'string', default: '', description: 'Start from a copy of this flow (the way to change a published flow)' },
			{ displayName: 'Endpoint URL', name: 'endpointUri', type: 'string', default: '', placeholder: 'https://example.com/flow', description: 'Your flow endpoint, for flows that exchange data' },
		],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const name = textParam(this, 'flowName', itemIndex);
		if (name === '') throw new ManagementInputError('Flow Name', 'is empty');
		const categories = checkCategories(this.getNodeParameter('categories', itemIndex, []), 'Categories');
		const options = this.getNodeParameter('flowOptions', itemIndex, {}) as { cloneFlowId?: string; endpointUri?: string };
		const body: IDataObject = { name, categories };
		if (options.endpointUri?.trim()) body.endpoint_uri = checkEndpointUri(options.endpointUri, ['Options', 'Endpoint URL']);
		if (options.cloneFlowId?.trim()) {
			if (!/^\d{1,40}$/.test(options.cloneFlowId.trim())) throw new ManagementInputError(['Options', 'Clone Flow ID'], `is "${options.cloneFlowId.trim().slice(0, 40)}", which is not a flow ID: expected digits only`);
			body.clone_flow_id = options.cloneFlowId.trim();
		}
		return async () => {
			const created = await managementCall<IDataObject>(credentials, { method: 'POST', path: `/${wabaId}/flows`, body });
			return { ...created, name, categories, status: 'DRAFT' };
		};
	});
}
