import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { searchPhoneNumbers } from '../shared/descriptions';
import { whatsAppCloudApiTest } from '../shared/credentialTest';
import * as deleteMedia from './actions/delete.operation';
import * as download from './actions/download.operation';
import * as getUrl from './actions/getUrl.operation';
import * as upload from './actions/upload.operation';

const operations = { upload, getUrl, download, delete: deleteMedia };

/** What the canvas shows under the node for each operation. */
export const OPERATION_NAMES: Record<keyof typeof operations, string> = {
	upload: 'Upload',
	getUrl: 'Get URL',
	download: 'Download',
	delete: 'Delete',
};

export class WhatsAppMedia implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Media',
		name: 'whatsAppMedia',
		icon: { light: 'file:../../icons/whatsapp.svg', dark: 'file:../../icons/whatsapp.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${JSON.stringify(OPERATION_NAMES)}[$parameter["operation"]] }}`,
		description: 'Upload, download and delete WhatsApp media (Cloud API)',
		defaults: { name: 'WhatsApp Media' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Media', value: 'media' }],
				default: 'media',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['media'] } },
				options: [
					{
						name: 'Delete',
						value: 'delete',
						description: 'Delete an uploaded media file',
						action: 'Delete media',
					},
					{
						name: 'Download',
						value: 'download',
						description: 'Download a media file (uploaded or received) into a binary field',
						action: 'Download media',
					},
					{
						name: 'Get URL',
						value: 'getUrl',
						description: 'Get the short-lived download URL, MIME type, SHA-256 and size of a media file',
						action: 'Get media URL',
					},
					{
						name: 'Upload',
						value: 'upload',
						description: 'Upload a file to send it by media ID',
						action: 'Upload media',
					},
				],
				default: 'upload',
			},
			...upload.description,
			...getUrl.description,
			...download.description,
			...deleteMedia.description,
		],
	};

	methods = { listSearch: { searchPhoneNumbers }, credentialTest: { whatsAppCloudApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as keyof typeof operations;
		const handler = operations[operation];
		if (!handler) {
			throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported`);
		}
		return [await handler.execute.call(this, items)];
	}
}
