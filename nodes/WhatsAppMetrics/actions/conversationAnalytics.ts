import type { INodeProperties } from 'n8n-workflow';

import { toNumber } from '../timeRange';
import type { ConversationAnalytics } from '../types';
import { analyticsField, countryPhoneOptions, flattenDimensioned, granularityField, runGroupedAnalytics } from './analyticsShared';
import type { AnalyticsFieldArgs } from './analyticsShared';
import { timeRangeFields } from './common';
import type { MetricsRows, OperationContext } from './common';

export const GRANULARITIES = ['HALF_HOUR', 'DAILY', 'MONTHLY'] as const;
export const DIMENSIONS = ['CONVERSATION_CATEGORY', 'CONVERSATION_TYPE', 'COUNTRY', 'PHONE'] as const;
export const METRIC_TYPES = ['CONVERSATION', 'COST'] as const;
const LOOKBACK_DAYS = 365;
const show = { operation: ['conversationAnalytics'] };

export const description: INodeProperties[] = [
	...timeRangeFields('conversationAnalytics', LOOKBACK_DAYS),
	granularityField('conversationAnalytics', 'conversationGranularity', 'DAILY', [
		{ name: 'Half Hour', value: 'HALF_HOUR' },
		{ name: 'Daily', value: 'DAILY' },
		{ name: 'Monthly', value: 'MONTHLY' },
	]),
	{
		displayName: 'Metrics',
		name: 'conversationMetrics',
		type: 'multiOptions',
		default: ['CONVERSATION', 'COST'],
		displayOptions: { show },
		options: [
			{ name: 'Conversations', value: 'CONVERSATION' },
			{ name: 'Cost', value: 'COST' },
		],
	},
	{
		displayName: 'Break Down By',
		name: 'conversationDimensions',
		type: 'multiOptions',
		default: ['CONVERSATION_CATEGORY'],
		displayOptions: { show },
		options: [
			{ name: 'Category', value: 'CONVERSATION_CATEGORY', description: 'Marketing, utility, authentication, service' },
			{ name: 'Country', value: 'COUNTRY' },
			{ name: 'Phone Number', value: 'PHONE' },
			{ name: 'Type', value: 'CONVERSATION_TYPE', description: 'Free entry point, free tier, regular' },
		],
		description: 'One column per dimension; each combination becomes its own row',
	},
	countryPhoneOptions('conversationAnalytics', 'conversationOptions', {
		countryCodes: 'Only these countries (two-letter codes, comma-separated). Empty: all.',
		phoneNumbers: 'Only these business display phone numbers (comma-separated). Empty: all.',
	}),
];

const DIMENSION_COLUMNS: Record<(typeof DIMENSIONS)[number], { column: string; key: 'conversation_category' | 'conversation_type' | 'country' | 'phone_number' }> = {
	CONVERSATION_CATEGORY: { column: 'conversationCategory', key: 'conversation_category' },
	CONVERSATION_TYPE: { column: 'conversationType', key: 'conversation_type' },
	COUNTRY: { column: 'country', key: 'country' },
	PHONE: { column: 'phoneNumber', key: 'phone_number' },
};

/** One row per data point; a column for each chosen dimension and metric, in a fixed order for sheets. */
export function flattenConversationAnalytics(
	pages: ConversationAnalytics[],
	granularity: string,
	dimensions: readonly string[],
	metrics: readonly string[],
): MetricsRows {
	return flattenDimensioned(pages, granularity, dimensions, DIMENSION_COLUMNS, (row, point) => {
		if (metrics.includes('CONVERSATION')) row.conversations = toNumber(point.conversation);
		if (metrics.includes('COST')) row.cost = toNumber(point.cost);
	});
}

export function conversationAnalyticsField(args: AnalyticsFieldArgs & { metrics: string[]; dimensions: string[] }): string {
	return analyticsField('conversation_analytics', args);
}

export async function run(op: OperationContext): Promise<MetricsRows> {
	return runGroupedAnalytics<ConversationAnalytics>(op, {
		prefix: 'conversation',
		label: 'conversation analytics',
		edge: 'conversation_analytics',
		lookbackDays: LOOKBACK_DAYS,
		granularities: GRANULARITIES,
		metricTypes: METRIC_TYPES,
		dimensions: DIMENSIONS,
		flatten: flattenConversationAnalytics,
	});
}
