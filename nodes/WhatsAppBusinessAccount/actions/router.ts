/** Runs the picked operation of the picked resource (n8n's v2 node shape). */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as blockedUser from './blockedUser/BlockedUser.resource';
import * as businessProfile from './businessProfile/BusinessProfile.resource';
import * as flow from './flow/Flow.resource';
import * as qrCode from './qrCode/QrCode.resource';
import * as template from './template/Template.resource';

type Operation = { execute: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[]> };

export const resources: Record<string, Record<string, Operation>> = { template: template.operations, blockedUser: blockedUser.operations, businessProfile: businessProfile.operations, qrCode: qrCode.operations, flow: flow.operations };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	return [await handler.execute.call(this, items)];
}
