import type { INodeProperties } from 'n8n-workflow';

import { collectPages } from '../paging';
import { checkGranularity, parseCountryCodes, parsePhoneNumbers, timeColumns, toNumber } from '../timeRange';
import type { MessageAnalytics } from '../types';
import { graphList, rawResponseOption, readTimeRange, requireWabaId, timeRangeFields } from './common';
import type { MetricsRows, OperationContext } from './common';

export const GRANULARITIES = ['HALF_HOUR', 'DAY', 'MONTH'] as const;
const LOOKBACK_DAYS = 365;
const show = { operation: ['messageAnalytics'] };

export const description: INodeProperties[] = [
	...timeRangeFields('messageAnalytics', LOOKBACK_DAYS),
	{
		displayName: 'Granularity',
		name: 'messageGranularity',
		type: 'options',
		default: 'DAY',
		displayOptions: { show },
		options: [
			{ name: 'Half Hour', value: 'HALF_HOUR' },
			{ name: 'Day', value: 'DAY' },
			{ name: 'Month', value: 'MONTH' },
		],
	},
	{
		displayName: 'Options',
		name: 'messageOptions',
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
				description: 'Only count messages to these countries (two-letter codes, comma-separated). Empty: all.',
			},
			{
				displayName: 'Phone Numbers',
				name: 'phoneNumbers',
				type: 'string',
				default: '',
				placeholder: 'e.g. 16505550111',
				description: 'Only these business display phone numbers (comma-separated). Empty: all numbers of the account.',
			},
			rawResponseOption(),
		],
	},
];

/** One row per data point: start, end, sent, delivered. */
export function flattenMessageAnalytics(pages: MessageAnalytics[], granularity: string): MetricsRows {
	const rows: MetricsRows = [];
	for (const page of pages) {
		for (const point of page.data_points ?? []) {
			rows.push({
				...timeColumns(point.start, point.end),
				granularity: page.granularity ?? granularity,
				sent: toNumber(point.sent),
				delivered: toNumber(point.delivered),
			});
		}
	}
	return rows;
}

export function messageAnalyticsField(args: {
	start: number;
	end: number;
	granularity: string;
	phoneNumbers: string[];
	countryCodes: string[];
	after?: string;
}): string {
	let field = `analytics.start(${args.start}).end(${args.end}).granularity(${args.granularity})`;
	if (args.phoneNumbers.length) field += `.phone_numbers(${graphList(args.phoneNumbers)})`;
	if (args.countryCodes.length) field += `.country_codes(${graphList(args.countryCodes)})`;
	if (args.after) field += `.after(${args.after})`;
	return field;
}

export async function run(op: OperationContext): Promise<MetricsRows> {
	const { context, itemIndex, credentials } = op;
	const wabaId = requireWabaId(credentials);
	const range = readTimeRange(op, { lookbackDays: LOOKBACK_DAYS, label: 'message analytics' });
	const granularity = checkGranularity(context.getNodeParameter('messageGranularity', itemIndex), GRANULARITIES, 'message analytics');
	const options = context.getNodeParameter('messageOptions', itemIndex, {}) as {
		countryCodes?: string;
		phoneNumbers?: string;
		rawResponse?: boolean;
	};
	const fieldArgs = {
		...range,
		granularity,
		phoneNumbers: parsePhoneNumbers(options.phoneNumbers),
		countryCodes: parseCountryCodes(options.countryCodes),
	};
	const requestFor = (after?: string) => ({
		method: 'GET' as const,
		path: `/${wabaId}`,
		query: { fields: messageAnalyticsField({ ...fieldArgs, after }) },
	});
	const pages = await collectPages<MessageAnalytics>({
		credentials,
		request: requestFor(),
		pageOf: (body) => (body as { analytics?: MessageAnalytics })?.analytics,
		requestAfter: requestFor,
	});
	if (options.rawResponse) return pages as unknown as MetricsRows;
	return flattenMessageAnalytics(pages, granularity);
}
