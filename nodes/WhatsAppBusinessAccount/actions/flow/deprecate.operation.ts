import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { flowIdField } from './flow';
import { runLifecycle } from './lifecycle';

export const description: INodeProperties[] = [
	flowIdField(['deprecate'], 'The published flow to retire: it can no longer be sent or opened'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runLifecycle(this, items, (flowId) => ({ method: 'POST', path: `/${flowId}/deprecate` }));
}
