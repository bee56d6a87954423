import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { flowIdField } from './flow';
import { runLifecycle } from './lifecycle';

export const description: INodeProperties[] = [
	flowIdField(['publish'], 'The draft flow to publish: once published it can no longer change (clone it to make a new version)'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runLifecycle(this, items, (flowId) => ({ method: 'POST', path: `/${flowId}/publish` }));
}
