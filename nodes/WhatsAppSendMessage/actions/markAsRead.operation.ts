/**
 * "Mark as Read": blue ticks on a received message, optionally with "typing…". It runs the send pipeline with the one
 * kind `markAsRead` (same gate, errors and output), so a workflow saved with the old Message Type "Mark as Read" of
 * "Send Message" and one saved with this operation send the same call and output the same item.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { description as markAsReadFields } from './markAsRead';
import { MARK_AS_READ_OPERATION } from './operationNames';
import { execute as send } from './send.operation';

export { MARK_AS_READ_OPERATION };

/** The Mark as Read fields, shown for this operation (the same fields show for the old Message Type, see markAsRead.ts). */
export const description: INodeProperties[] = markAsReadFields.map((field) => ({
	...field,
	displayOptions: { show: { operation: [MARK_AS_READ_OPERATION] } },
}));

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await send.call(this, 'markAsRead');
}
