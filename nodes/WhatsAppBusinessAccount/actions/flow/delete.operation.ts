import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { flowIdField } from './flow';
import { runLifecycle } from './lifecycle';

export const description: INodeProperties[] = [
	flowIdField(['delete'], 'The draft flow to delete (a published flow cannot be deleted: deprecate it)'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runLifecycle(this, items, (flowId) => ({ method: 'DELETE', path: `/${flowId}` }));
}
