import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { managementCall, runOperation } from '../common';
import { flowIdField, readFlowId } from './flow';

export const description: INodeProperties[] = [
	flowIdField(['getPreviewUrl']),
	{
		displayName: 'New URL',
		name: 'invalidate',
		type: 'boolean',
		default: false,
		displayOptions: { show: { resource: ['flow'], operation: ['getPreviewUrl'] } },
		description: 'Whether to make a new preview URL and end the old one (e.g. after it was shared too widely)',
	},
];

interface PreviewAnswer {
	id?: string;
	preview?: { preview_url?: string; expires_at?: string };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const flowId = readFlowId(this, itemIndex);
		const invalidate = this.getNodeParameter('invalidate', itemIndex, false) as boolean;
		return async () => {
			// Meta's Flows API: the preview is a field of the flow, `preview.invalidate(false|true)`.
			const answer = await managementCall<PreviewAnswer>(credentials, { method: 'GET', path: `/${flowId}`, query: { fields: `preview.invalidate(${invalidate})` } });
			return { flowId, previewUrl: answer.preview?.preview_url ?? null, expiresAt: answer.preview?.expires_at ?? null };
		};
	});
}
