/** Runs the picked operation of Send Message (n8n's v2 node shape: one `<operation>.operation.ts` each). */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { readParameter } from '../../shared/parameters';
import * as markAsRead from './markAsRead.operation';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';
import { MARK_AS_READ_OPERATION, SEND_OPERATION } from './operationNames';

export { SEND_OPERATION };

const operations: Record<string, { execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> }> = {
	[SEND_OPERATION]: send,
	[SEND_AND_WAIT_OPERATION]: sendAndWait,
	[MARK_AS_READ_OPERATION]: markAsRead,
};

/**
 * `operation`, with the value n8n names SEND_AND_WAIT_OPERATION for the wait: n8n then checks the signature of the
 * resume URL (waiting-webhooks.ts, 1.x and 2.x) and, in 2.x, offers the node as a human-review tool of an AI Agent
 * (hitl-tools.ts). Workflows saved before it existed hold no operation: they send.
 */
export const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Send Message', value: SEND_OPERATION, description: 'Send the message and go on', action: 'Send a message' },
		{
			name: 'Send and Wait for Reply',
			value: SEND_AND_WAIT_OPERATION,
			description:
				'Send the message, then pause the workflow until the contact answers on WhatsApp (received by an active WhatsApp Cloud Trigger) or the wait limit passes',
			action: 'Send a message and wait for the reply',
		},
		{
			name: 'Mark as Read',
			value: MARK_AS_READ_OPERATION,
			description: 'Mark a received message as read (blue ticks), optionally showing "typing…"',
			action: 'Mark a message as read',
		},
	],
	default: SEND_OPERATION,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = readParameter<string>(this, 'operation', 0, SEND_OPERATION);
	const handler = operations[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	return await handler.execute.call(this);
}
