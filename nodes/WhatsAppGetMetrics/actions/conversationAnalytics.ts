import type { INodeProperties } from 'n8n-workflow';

import { collectPages } from '../paging';
import { checkChoices, checkGranularity, parseCountryCodes, parsePhoneNumbers, timeColumns, toNumber } from '../timeRange';
import type { ConversationAnalytics } from '../types';
import { graphList, rawResponseOption, readTimeRange, requireWabaId, timeRangeFields } from './common';
import type { MetricsRows, OperationContext } from './common';

export const GRANULARITIES = ['HALF_HOUR', 'DAILY', 'MONTHLY'] as const;
export const DIMENSIONS = ['CONVERSATION_CATEGORY', 'CONVERSATION_TYPE', 'COUNTRY', 'PHONE'] as const;
export const METRIC_TYPES = ['CONVERSATION', 'COST'] as const;
const LOOKBACK_DAYS = 365;
const show = { operation: ['conversationAnalytics'] };

export const description: INodeProperties[] = [
	...timeRangeFields('conversationAnalytics', LOOKBACK_DAYS),
	{
		displayName: 'Granularity',
		name: 'conversationGranularity',
		type: 'options',
		default: 'DAILY',
		displayOptions: { show },
		options: [
			{ name: 'Half Hour', value: 'HALF_HOUR' },
			{ name: 'Daily', value: 'DAILY' },
			{ name: 'Monthly', value: 'MONTHLY' },
		],
	},
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
	{
		displayName: 'Options',
		name: 'conversationOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Country Codes',
				name: 'countryCodes',
				type: 'string',
				default: '',
				placeholder: 'e.g. US, DE',
				description: 'Only these countries (two-letter codes, comma-separated). Empty: all.',
			},
			{
				displayName: 'Phone Numbers',
				name: 'phoneNumbers',
				type: 'string',
				default: '',
				placeholder: 'e.g. 16505550111',
				description: 'Only these business display phone numbers (comma-separated). Empty: all.',
			},
			rawResponseOption(),
		],
	},
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
	const rows: MetricsRows = [];
	for (const page of pages) {
		for (const group of page.data ?? []) {
			for (const point of group.data_points ?? []) {
				const row: MetricsRows[number] = { ...timeColumns(point.start, point.end), granularity };
				for (const dimension of DIMENSIONS) {
					if (dimensions.includes(dimension)) row[DIMENSION_COLUMNS[dimension].column] = point[DIMENSION_COLUMNS[dimension].key] ?? null;
				}
				if (metrics.includes('CONVERSATION')) row.conversations = toNumber(point.conversation);
				if (metrics.includes('COST')) row.cost = toNumber(point.cost);
				rows.push(row);
			}
		}
	}
	return rows;
}


export function conversationAnalyticsField(args: {
	start: number;
	end: number;
	granularity: string;
	phoneNumbers: string[];
	countryCodes: string[];
	metrics: string[];
	dimensions: string[];
	after?: string;
}): string {
	let field = `conversation_analytics.start(${args.start}).end(${args.end}).granularity(${args.granularity})`;
	if (args.phoneNumbers.length) field += `.phone_numbers(${graphList(args.phoneNumbers)})`;
	if (args.countryCodes.length) field += `.country_codes(${graphList(args.countryCodes)})`;
	field += `.metric_types(${graphList(args.metrics)})`;
	if (args.dimensions.length) field += `.dimensions(${graphList(args.dimensions)})`;
	if (args.after) field += `.after(${args.after})`;
	return field;
}

export async function run(op: OperationContext): Promise<MetricsRows> {
	const { context, itemIndex, credentials } = op;
	const wabaId = requireWabaId(credentials);
	const range = readTimeRange(op, { lookbackDays: LOOKBACK_DAYS, label: 'conversation analytics' });
	const granularity = checkGranularity(context.getNodeParameter('conversationGranularity', itemIndex), GRANULARITIES, 'conversation analytics');
	const metrics = checkChoices(context.getNodeParameter('conversationMetrics', itemIndex, []), METRIC_TYPES, 'Metrics', true);
	const dimensions = checkChoices(context.getNodeParameter('conversationDimensions', itemIndex, []), DIMENSIONS, 'Break Down By', false);
	const options = context.getNodeParameter('conversationOptions', itemIndex, {}) as {
		countryCodes?: string;
		phoneNumbers?: string;
		rawResponse?: boolean;
	};
	const fieldArgs = {
		...range,
		granularity,
		metrics,
		dimensions,
		phoneNumbers: parsePhoneNumbers(options.phoneNumbers),
		countryCodes: parseCountryCodes(options.countryCodes),
	};
	const requestFor = (after?: string) => ({
		method: 'GET' as const,
		path: `/${wabaId}`,
		query: { fields: conversationAnalyticsField({ ...fieldArgs, after }) },
	});
	const pages = await collectPages<ConversationAnalytics>({
		credentials,
		request: requestFor(),
		pageOf: (body) => (body as { conversation_analytics?: ConversationAnalytics })?.conversation_analytics,
		requestAfter: requestFor,
	});
	if (options.rawResponse) return pages as unknown as MetricsRows;
	return flattenConversationAnalytics(pages, granularity, dimensions, metrics);
}
