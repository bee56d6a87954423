import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { WhatsAppCredentials } from '../../shared/transport/types';
import { collectPages } from '../paging';
import { checkChoices, checkGranularity, parseCountryCodes, parsePhoneNumbers, timeColumns } from '../timeRange';
import type { GraphPaging, NumberLike } from '../types';
import { graphList, rawResponseOption, readTimeRange, requireWabaId } from './common';
import type { MetricsOperation, MetricsRows, OperationContext } from './common';

/** The Granularity field of an analytics operation. */
export function granularityField(
	operation: MetricsOperation,
	name: string,
	defaultValue: string,
	options: INodePropertyOptions[],
): INodeProperties {
	return {
		displayName: 'Granularity',
		name,
		type: 'options',
		default: defaultValue,
		displayOptions: { show: { operation: [operation] } },
		options,
	};
}

/** The Options collection of an analytics operation: country codes, phone numbers, raw response. */
export function countryPhoneOptions(
	operation: MetricsOperation,
	name: string,
	descriptions: { countryCodes: string; phoneNumbers: string },
): INodeProperties {
	return {
		displayName: 'Options',
		name,
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { operation: [operation] } },
		options: [
			{
				displayName: 'Country Codes',
				name: 'countryCodes',
				type: 'string',
				default: '',
				placeholder: 'e.g. US, DE',
				description: descriptions.countryCodes,
			},
			{
				displayName: 'Phone Numbers',
				name: 'phoneNumbers',
				type: 'string',
				default: '',
				placeholder: 'e.g. 16505550111',
				description: descriptions.phoneNumbers,
			},
			rawResponseOption(),
		],
	};
}

export interface AnalyticsFieldArgs {
	start: number;
	end: number;
	granularity: string;
	phoneNumbers: string[];
	countryCodes: string[];
	metrics?: string[];
	dimensions?: string[];
	after?: string;
}

/** Graph's field expansion for an analytics edge of the WABA (`analytics`, `conversation_analytics`, ...). */
export function analyticsField(edge: string, args: AnalyticsFieldArgs): string {
	let field = `${edge}.start(${args.start}).end(${args.end}).granularity(${args.granularity})`;
	if (args.phoneNumbers.length) field += `.phone_numbers(${graphList(args.phoneNumbers)})`;
	if (args.countryCodes.length) field += `.country_codes(${graphList(args.countryCodes)})`;
	if (args.metrics) field += `.metric_types(${graphList(args.metrics)})`;
	if (args.dimensions?.length) field += `.dimensions(${graphList(args.dimensions)})`;
	if (args.after) field += `.after(${args.after})`;
	return field;
}

/** All pages of one analytics edge of the WABA, following Meta's paging. */
export async function collectAnalyticsPages<T extends { paging?: GraphPaging }>(args: {
	credentials: WhatsAppCredentials;
	wabaId: string;
	edge: string;
	fieldFor: (after?: string) => string;
}): Promise<T[]> {
	const requestFor = (after?: string) => ({
		method: 'GET' as const,
		path: `/${args.wabaId}`,
		query: { fields: args.fieldFor(after) },
	});
	return collectPages<T>({
		credentials: args.credentials,
		request: requestFor(),
		pageOf: (body) => (body as Record<string, T | undefined> | undefined)?.[args.edge],
		requestAfter: requestFor,
	});
}

type DimensionedPoint = { start: NumberLike; end: NumberLike };

/**
 * One row per data point of grouped analytics (conversation, pricing): a column for each chosen dimension
 * (in the fixed order of `dimensionColumns`), then the metric columns `addMetrics` writes.
 */
export function flattenDimensioned<P extends DimensionedPoint>(
	pages: Array<{ data?: Array<{ data_points?: P[] }> }>,
	granularity: string,
	dimensions: readonly string[],
	dimensionColumns: Record<string, { column: string; key: keyof P }>,
	addMetrics: (row: MetricsRows[number], point: P) => void,
): MetricsRows {
	const rows: MetricsRows = [];
	for (const page of pages) {
		for (const group of page.data ?? []) {
			for (const point of group.data_points ?? []) {
				const row: MetricsRows[number] = { ...timeColumns(point.start, point.end), granularity };
				for (const [dimension, { column, key }] of Object.entries(dimensionColumns)) {
					if (dimensions.includes(dimension)) row[column] = (point[key] as string | undefined) ?? null;
				}
				addMetrics(row, point);
				rows.push(row);
			}
		}
	}
	return rows;
}

/** What differs between the grouped analytics operations (conversation, pricing). */
export interface GroupedAnalyticsSpec<Page> {
	/** Parameter name prefix: `${prefix}Granularity`, `${prefix}Metrics`, `${prefix}Dimensions`, `${prefix}Options`. */
	prefix: string;
	label: string;
	edge: string;
	lookbackDays: number;
	granularities: readonly string[];
	metricTypes: readonly string[];
	dimensions: readonly string[];
	flatten: (pages: Page[], granularity: string, dimensions: readonly string[], metrics: readonly string[]) => MetricsRows;
}

/** Reads the parameters of a grouped analytics operation, collects Meta's pages and flattens them (unless raw). */
export async function runGroupedAnalytics<Page extends { paging?: GraphPaging }>(op: OperationContext, spec: GroupedAnalyticsSpec<Page>): Promise<MetricsRows> {
	const { context, itemIndex, credentials } = op;
	const wabaId = requireWabaId(credentials);
	const range = readTimeRange(op, { lookbackDays: spec.lookbackDays, label: spec.label });
	const granularity = checkGranularity(context.getNodeParameter(`${spec.prefix}Granularity`, itemIndex), spec.granularities, spec.label);
	const metrics = checkChoices(context.getNodeParameter(`${spec.prefix}Metrics`, itemIndex, []), spec.metricTypes, 'Metrics', true);
	const dimensions = checkChoices(context.getNodeParameter(`${spec.prefix}Dimensions`, itemIndex, []), spec.dimensions, 'Break Down By', false);
	const options = context.getNodeParameter(`${spec.prefix}Options`, itemIndex, {}) as {
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
	const pages = await collectAnalyticsPages<Page>({
		credentials,
		wabaId,
		edge: spec.edge,
		fieldFor: (after) => analyticsField(spec.edge, { ...fieldArgs, after }),
	});
	if (options.rawResponse) return pages as unknown as MetricsRows;
	return spec.flatten(pages, granularity, dimensions, metrics);
}
