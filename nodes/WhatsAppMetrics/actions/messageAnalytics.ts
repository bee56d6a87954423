import type { INodeProperties } from 'n8n-workflow';

import { checkGranularity, parseCountryCodes, parsePhoneNumbers, timeColumns, toNumber } from '../timeRange';
import type { MessageAnalytics } from '../types';
import { analyticsField, collectAnalyticsPages, countryPhoneOptions, granularityField } from './analyticsShared';
import type { AnalyticsFieldArgs } from './analyticsShared';
import { readTimeRange, requireWabaId, timeRangeFields } from './common';
import type { MetricsRows, OperationContext } from './common';

export const GRANULARITIES = ['HALF_HOUR', 'DAY', 'MONTH'] as const;
const LOOKBACK_DAYS = 365;

export const description: INodeProperties[] = [
	...timeRangeFields('messageAnalytics', LOOKBACK_DAYS),
	granularityField('messageAnalytics', 'messageGranularity', 'DAY', [
		{ name: 'Half Hour', value: 'HALF_HOUR' },
		{ name: 'Day', value: 'DAY' },
		{ name: 'Month', value: 'MONTH' },
	]),
	countryPhoneOptions('messageAnalytics', 'messageOptions', {
		countryCodes: 'Only count messages to these countries (two-letter codes, comma-separated). Empty: all.',
		phoneNumbers: 'Only these business display phone numbers (comma-separated). Empty: all numbers of the account.',
	}),
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

export function messageAnalyticsField(args: Omit<AnalyticsFieldArgs, 'metrics' | 'dimensions'>): string {
	return analyticsField('analytics', args);
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
	const pages = await collectAnalyticsPages<MessageAnalytics>({
		credentials,
		wabaId,
		edge: 'analytics',
		fieldFor: (after) => messageAnalyticsField({ ...fieldArgs, after }),
	});
	if (options.rawResponse) return pages as unknown as MetricsRows;
	return flattenMessageAnalytics(pages, granularity);
}
