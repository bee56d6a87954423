import type { INodeProperties } from 'n8n-workflow';

import { collectPages } from '../paging';
import { checkChoices, checkGranularity, parseCountryCodes, parsePhoneNumbers, timeColumns, toNumber } from '../timeRange';
import type { PricingAnalytics } from '../types';
import { graphList, rawResponseOption, readTimeRange, requireWabaId, timeRangeFields } from './common';
import type { MetricsRows, OperationContext } from './common';

export const GRANULARITIES = ['HALF_HOUR', 'DAILY', 'MONTHLY'] as const;
export const DIMENSIONS = ['PRICING_CATEGORY', 'PRICING_TYPE', 'COUNTRY', 'PHONE', 'TIER'] as const;
export const METRIC_TYPES = ['VOLUME', 'COST'] as const;
const LOOKBACK_DAYS = 365;
const show = { operation: ['pricingAnalytics'] };

export const description: INodeProperties[] = [
	...timeRangeFields('pricingAnalytics', LOOKBACK_DAYS),
	{
		displayName: 'Granularity',
		name: 'pricingGranularity',
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
		name: 'pricingMetrics',
		type: 'multiOptions',
		default: ['VOLUME', 'COST'],
		displayOptions: { show },
		options: [
			{ name: 'Volume (Messages)', value: 'VOLUME' },
			{ name: 'Cost', value: 'COST' },
		],
	},
	{
		displayName: 'Break Down By',
		name: 'pricingDimensions',
		type: 'multiOptions',
		default: ['PRICING_CATEGORY'],
		displayOptions: { show },
		options: [
			{ name: 'Category', value: 'PRICING_CATEGORY', description: 'Marketing, utility, authentication, service' },
			{ name: 'Country', value: 'COUNTRY' },
			{ name: 'Phone Number', value: 'PHONE' },
			{ name: 'Pricing Type', value: 'PRICING_TYPE', description: 'Regular, free customer service, free entry point' },
			{ name: 'Volume Tier', value: 'TIER' },
		],
		description: 'One column per dimension; each combination becomes its own row',
	},
	{
		displayName: 'Options',
		name: 'pricingOptions',
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

const DIMENSION_COLUMNS: Record<(typeof DIMENSIONS)[number], { column: string; key: 'pricing_category' | 'pricing_type' | 'country' | 'phone_number' | 'tier' }> = {
	PRICING_CATEGORY: { column: 'pricingCategory', key: 'pricing_category' },
	PRICING_TYPE: { column: 'pricingType', key: 'pricing_type' },
	COUNTRY: { column: 'country', key: 'country' },
	PHONE: { column: 'phoneNumber', key: 'phone_number' },
	TIER: { column: 'tier', key: 'tier' },
};

export function flattenPricingAnalytics(
	pages: PricingAnalytics[],
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
				if (metrics.includes('VOLUME')) row.volume = toNumber(point.volume);
				if (metrics.includes('COST')) row.cost = toNumber(point.cost);
				rows.push(row);
			}
		}
	}
	return rows;
}

export function pricingAnalyticsField(args: {
	start: number;
	end: number;
	granularity: string;
	phoneNumbers: string[];
	countryCodes: string[];
	metrics: string[];
	dimensions: string[];
	after?: string;
}): string {
	let field = `pricing_analytics.start(${args.start}).end(${args.end}).granularity(${args.granularity})`;
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
	const range = readTimeRange(op, { lookbackDays: LOOKBACK_DAYS, label: 'pricing analytics' });
	const granularity = checkGranularity(context.getNodeParameter('pricingGranularity', itemIndex), GRANULARITIES, 'pricing analytics');
	const metrics = checkChoices(context.getNodeParameter('pricingMetrics', itemIndex, []), METRIC_TYPES, 'Metrics', true);
	const dimensions = checkChoices(context.getNodeParameter('pricingDimensions', itemIndex, []), DIMENSIONS, 'Break Down By', false);
	const options = context.getNodeParameter('pricingOptions', itemIndex, {}) as {
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
		query: { fields: pricingAnalyticsField({ ...fieldArgs, after }) },
	});
	const pages = await collectPages<PricingAnalytics>({
		credentials,
		request: requestFor(),
		pageOf: (body) => (body as { pricing_analytics?: PricingAnalytics })?.pricing_analytics,
		requestAfter: requestFor,
	});
	if (options.rawResponse) return pages as unknown as MetricsRows;
	return flattenPricingAnalytics(pages, granularity, dimensions, metrics);
}
