import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { managementCall, runOperation } from '../common';
import { flowIdField, readFlowId } from './flow';

/** The Get Flow fields of Meta's OpenAPI example that describe the flow itself. */
export const FLOW_FIELDS = 'id,name,categories,status,validation_errors,json_version,endpoint_uri';

export const description: INodeProperties[] = [flowIdField(['get'])];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const flowId = readFlowId(this, itemIndex);
		return async () => managementCall<IDataObject>(credentials, { method: 'GET', path: `/${flowId}`, query: { fields: FLOW_FIELDS } });
	});
}
