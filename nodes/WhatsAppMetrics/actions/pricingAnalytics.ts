import type { INodeProperties } from 'n8n-workflow';

import { toNumber } from '../timeRange';
import type { PricingAnalytics } from '../types';
import { analyticsField, countryPhoneOptions, flattenDimensioned, granularityField, runGroupedAnalytics } from './analyticsShared';
import type { AnalyticsFieldArgs } from './analyticsShared';
import { timeRangeFields } from './common';
import type { MetricsRows, OperationContext } from './common';

export const GRANULARITIES = ['HALF_HOUR', 'DAILY', 'MONTHLY'] as const;
export const DIMENSIONS = ['PRICING_CATEGORY', 'PRICING_TYPE', 'COUNTRY', 'PHONE', 'TIER'] as const;
export const METRIC_TYPES = ['VOLUME', 'COST'] as const;
const LOOKBACK_DAYS = 365;
const show = { operation: ['pricingAnalytics'] };

export const description: INodeProperties[] = [
	...timeRangeFields('pricingAnalytics', LOOKBACK_DAYS),
	granularityField('pricingAnalytics', 'pricingGranularity', 'DAILY', [
		{ name: 'Half Hour', value: 'HALF_HOUR' },
		{ name: 'Daily', value: 'DAILY' },
		{ name: 'Monthly', value: 'MONTHLY' },
	]),
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
	countryPhoneOptions('pricingAnalytics', 'pricingOptions', {
		countryCodes: 'Only these countries (two-letter codes, comma-separated). Empty: all.',
		phoneNumbers: 'Only these business display phone numbers (comma-separated). Empty: all.',
	}),
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
	return flattenDimensioned(pages, granularity, dimensions, DIMENSION_COLUMNS, (row, point) => {
		if (metrics.includes('VOLUME')) row.volume = toNumber(point.volume);
		if (metrics.includes('COST')) row.cost = toNumber(point.cost);
	});
}

export function pricingAnalyticsField(args: AnalyticsFieldArgs & { metrics: string[]; dimensions: string[] }): string {
	return analyticsField('pricing_analytics', args);
}

export async function run(op: OperationContext): Promise<MetricsRows> {
	return runGroupedAnalytics<PricingAnalytics>(op, {
		prefix: 'pricing',
		label: 'pricing analytics',
		edge: 'pricing_analytics',
		lookbackDays: LOOKBACK_DAYS,
		granularities: GRANULARITIES,
		metricTypes: METRIC_TYPES,
		dimensions: DIMENSIONS,
		flatten: flattenPricingAnalytics,
	});
}
