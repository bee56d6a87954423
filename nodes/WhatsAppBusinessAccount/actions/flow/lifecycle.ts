/** Publish, deprecate and delete: one call on the flow each, answered {"success": true}. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { GraphRequest } from '../../../shared/transport/types';
import { managementCall, runOperation } from '../common';
import { readFlowId } from './flow';

export function runLifecycle(context: IExecuteFunctions, items: INodeExecutionData[], request: (flowId: string) => GraphRequest): Promise<INodeExecutionData[]> {
	return runOperation(context, items, (itemIndex, credentials) => {
		const flowId = readFlowId(context, itemIndex);
		return async () => ({ ...(await managementCall<IDataObject>(credentials, request(flowId))), flowId });
	});
}
