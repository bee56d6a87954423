import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { getGateStatus } from '../../shared/limiter';
import type { GateStatus } from '../../shared/limiter';
import type { MetricsRows, OperationContext } from './common';

export const description: INodeProperties[] = [
	{
		displayName:
			'Shows the rate limiter of this n8n process for the selected credential: one row per phone number it has paced calls for, and per WhatsApp Business Account one row for messaging calls and one for management calls (templates, phone numbers, subscriptions: Meta allows 200 an hour, 5,000 with a registered number). No call is made to Meta.',
		name: 'limiterNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['limiterStatus'] } },
	},
];

export function flattenGateStatus(status: GateStatus, at: string): IDataObject {
	return {
		at,
		scope: status.scope,
		id: status.id,
		messagesPerSecond: status.messagesPerSecond ?? null,
		queued: status.queued,
		inFlight: status.inFlight,
		sentLastSecond: status.sentLastSecond,
		sentLastHour: status.sentLastHour,
		hourlyBudget: status.hourlyBudget ?? null,
		budgetLeft: status.budgetLeft ?? null,
		pausedUntil: status.pausedUntil ?? null,
		slowDownFactor: status.slowDownFactor,
		recipientsWaiting: status.recipientsWaiting ?? null,
		sharedThroughRedis: status.sharedThroughRedis,
	};
}

export async function run(op: OperationContext): Promise<MetricsRows> {
	const at = new Date(op.nowSeconds * 1000).toISOString();
	const statuses = getGateStatus(op.credentials);
	if (statuses.length === 0) {
		// One row rather than none, so the workflow goes on and says why it is empty.
		return [{ at, scope: 'none', id: null, message: 'No call has gone through the limiter for this credential in this n8n process yet' }];
	}
	return statuses.map((status) => flattenGateStatus(status, at));
}
