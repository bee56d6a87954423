import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WhatsAppCredentials } from '../../shared/transport/types';
import { MetricsInputError, resolveTimeRange } from '../timeRange';
import type { TimeRange, TimeRangeRules } from '../timeRange';

export type MetricsOperation =
	| 'messageAnalytics'
	| 'conversationAnalytics'
	| 'pricingAnalytics'
	| 'templateAnalytics'
	| 'phoneNumberHealth'
	| 'limiterStatus';

/** What one operation produces for one input item: flat rows, or Meta's pages as they came. */
export type MetricsRows = IDataObject[];

export interface OperationContext {
	context: IExecuteFunctions;
	itemIndex: number;
	credentials: WhatsAppCredentials;
	/** Epoch seconds when the node started (one "now" for every item). */
	nowSeconds: number;
}

export { readCredentials } from '../../shared/transport/credentials';

export function requireWabaId(credentials: WhatsAppCredentials): string {
	const wabaId = String(credentials.wabaId ?? '').trim();
	if (!/^\d{5,20}$/.test(wabaId)) {
		throw new MetricsInputError(
			['WhatsApp Cloud Nodes API credential', 'WhatsApp Business Account ID'],
			'is empty, and this operation needs it',
			'Add the WhatsApp Business Account ID (from WhatsApp Manager) to the WhatsApp Cloud Nodes API credential.',
		);
	}
	return wabaId;
}

export function timeRangeFields(operation: MetricsOperation, lookbackDays: number): INodeProperties[] {
	const show = { operation: [operation] };
	return [
		{
			displayName: 'Start',
			name: 'start',
			type: 'dateTime',
			default: '',
			displayOptions: { show },
			description: `Beginning of the period (workflow time zone). Empty: 7 days before End. Meta keeps this data for ${lookbackDays} days.`,
		},
		{
			displayName: 'End',
			name: 'end',
			type: 'dateTime',
			default: '',
			displayOptions: { show },
			description: 'End of the period (workflow time zone). Empty: now.',
		},
	];
}

export function readTimeRange(op: OperationContext, rules: TimeRangeRules): TimeRange {
	const start = op.context.getNodeParameter('start', op.itemIndex, '') as unknown;
	const end = op.context.getNodeParameter('end', op.itemIndex, '') as unknown;
	return resolveTimeRange(start, end, op.context.getTimezone(), rules, op.nowSeconds);
}

export function rawResponseOption(): INodeProperties {
	return {
		displayName: 'Output Raw Response Instead',
		name: 'rawResponse',
		type: 'boolean',
		default: false,
		description:
			'Whether to replace the flat items (one per data point) by Meta\'s responses as they came, one item per page. Unlike Send Message\'s "Include Raw Response", nothing else is output. Paging links are given without the access token.',
	};
}

/** `["A","B"]` as Graph's field-expansion argument syntax wants it. */
export function graphList(values: readonly string[]): string {
	return JSON.stringify(values);
}
