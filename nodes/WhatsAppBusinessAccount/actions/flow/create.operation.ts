import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { managementCall, runOperation, textParam, wabaIdOf } from '../common';
import { ManagementInputError } from '../errors';
import { checkCategories, checkEndpointUri, checkFlowJson, FLOW_CATEGORIES } from './flow';

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
			{
				displayName: 'Flow JSON',
				name: 'flowJson',
				type: 'json',
				default: '{\n  "version": "7.2",\n  "screens": []\n}',
				description: 'The flow\'s <a href="https://developers.facebook.com/docs/whatsapp/flows/reference/flowjson">Flow JSON</a>, sent with the create (up to 10 MB)',
			},
			{
				displayName: 'Publish',
				name: 'publish',
				type: 'boolean',
				default: false,
				description: 'Whether to publish the flow at once; needs the Flow JSON option, without validation errors. A published flow can no longer change.',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const name = textParam(this, 'flowName', itemIndex);
		if (name === '') throw new ManagementInputError('Flow Name', 'is empty');
		const categories = checkCategories(this.getNodeParameter('categories', itemIndex, []), 'Categories');
		const options = this.getNodeParameter('flowOptions', itemIndex, {}) as { cloneFlowId?: string; endpointUri?: string; flowJson?: unknown; publish?: boolean };
		const body: IDataObject = { name, categories };
		if (options.endpointUri?.trim()) body.endpoint_uri = checkEndpointUri(options.endpointUri, ['Options', 'Endpoint URL']);
		if (options.cloneFlowId?.trim()) {
			if (!/^\d{1,40}$/.test(options.cloneFlowId.trim())) throw new ManagementInputError(['Options', 'Clone Flow ID'], `is "${options.cloneFlowId.trim().slice(0, 40)}", which is not a flow ID: expected digits only`);
			body.clone_flow_id = options.cloneFlowId.trim();
		}
		// Meta's Create takes the Flow JSON as a string, and publishes only with it: https://developers.facebook.com/docs/whatsapp/flows/reference/flowsapi
		if (options.flowJson !== undefined) body.flow_json = checkFlowJson(typeof options.flowJson === 'string' ? options.flowJson : JSON.stringify(options.flowJson), ['Options', 'Flow JSON']);
		if (options.publish === true) {
			if (body.flow_json === undefined) throw new ManagementInputError(['Options', 'Publish'], 'is on, but there is no Flow JSON: Meta publishes a flow at creation only with its Flow JSON (add the Flow JSON option)');
			body.publish = true;
		}
		return async () => {
			const created = await managementCall<IDataObject>(credentials, { method: 'POST', path: `/${wabaId}/flows`, body });
			const published = body.publish === true && (created.validation_errors as unknown[] | undefined ?? []).length === 0;
			return { ...created, name, categories, status: published ? 'PUBLISHED' : 'DRAFT' };
		};
	});
}
