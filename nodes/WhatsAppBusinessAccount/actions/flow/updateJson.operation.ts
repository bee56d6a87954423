import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { managementCall, runOperation, textParam } from '../common';
import { ManagementInputError } from '../errors';
import { checkFlowJson, flowIdField, readFlowId } from './flow';

const show = { resource: ['flow'], operation: ['updateJson'] };

export const description: INodeProperties[] = [
	flowIdField(['updateJson'], 'The draft flow whose Flow JSON to replace (a published flow cannot change: clone it)'),
	{
		displayName: 'Flow JSON From',
		name: 'flowJsonSource',
		type: 'options',
		default: 'json',
		displayOptions: { show },
		options: [
			{ name: 'JSON', value: 'json', description: 'Typed or built in an expression' },
			{ name: 'Binary File', value: 'binary', description: 'A flow.json file from an earlier node' },
		],
	},
	{
		displayName: 'Flow JSON',
		name: 'flowJson',
		type: 'json',
		default: '{\n  "version": "7.2",\n  "screens": []\n}',
		required: true,
		displayOptions: { show: { ...show, flowJsonSource: ['json'] } },
		description: 'The flow\'s <a href="https://developers.facebook.com/docs/whatsapp/flows/reference/flowjson">Flow JSON</a>',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { ...show, flowJsonSource: ['binary'] } },
		hint: 'The name of the input binary field holding the flow.json file',
	},
];

/** The item's Flow JSON as text, from the JSON field or the binary file, checked. */
async function flowJsonOf(context: IExecuteFunctions, itemIndex: number): Promise<string> {
	if (textParam(context, 'flowJsonSource', itemIndex) === 'binary') {
		const property = textParam(context, 'binaryPropertyName', itemIndex);
		const binary = context.getInputData()[itemIndex]?.binary?.[property];
		if (!binary) throw new ManagementInputError('Input Binary Field', `is "${property}", but the item has no file there`);
		const data = await context.helpers.getBinaryDataBuffer(itemIndex, property);
		return checkFlowJson(data.toString('utf8'), 'Input Binary Field');
	}
	const value = context.getNodeParameter('flowJson', itemIndex, '') as unknown;
	return checkFlowJson(typeof value === 'string' ? value : JSON.stringify(value), 'Flow JSON');
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, async (itemIndex, credentials) => {
		const flowId = readFlowId(this, itemIndex);
		const json = await flowJsonOf(this, itemIndex);
		return async () => {
			// Meta's Update Flow JSON: the file as multipart form data, name flow.json, asset_type FLOW_JSON.
			const form = new FormData();
			form.append('file', new Blob([json], { type: 'application/json' }), 'flow.json');
			form.append('name', 'flow.json');
			form.append('asset_type', 'FLOW_JSON');
			const answer = await managementCall<IDataObject>(credentials, { method: 'POST', path: `/${flowId}/assets`, body: form });
			return { flowId, ...answer };
		};
	});
}
