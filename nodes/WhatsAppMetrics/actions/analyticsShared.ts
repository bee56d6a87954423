import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { INSIGHTS_DISABLED_CODES, isGraphApiError } from '../../shared/transport';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { collectPages } from '../../shared/paging';
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

/** The column that says why the cost columns are empty. */
export const COST_NOTE_COLUMN = 'costNote';
export const COST_UNAVAILABLE_NOTE =
	'Cost is not available for this WhatsApp Business Account: Meta does not give it to accounts billed through a partner. The other metrics are complete.';

/** A refusal that may be Meta's "COST is not readable here": a parameter or permission error, not insights or auth. */
function mayBeCostRefusal(error: unknown): boolean {
	if (!isGraphApiError(error) || error.errorClass !== 'permanent' || error.code === undefined) return false;
	if (INSIGHTS_DISABLED_CODES.has(error.code)) return false;
	return error.code === 100 || error.code === 10 || (error.code >= 200 && error.code <= 299);
}

/**
 * Reads with the chosen metrics. COST is not readable for WABAs billed through a partner: when Meta refuses a
 * request with COST and the same request without it succeeds, the figures come without cost and say so.
 */
export async function readWithoutCostIfRefused<T>(
	metrics: readonly string[],
	read: (metrics: string[]) => Promise<T>,
): Promise<{ result: T; costUnavailable: boolean }> {
	try {
		return { result: await read([...metrics]), costUnavailable: false };
	} catch (error) {
		const others = metrics.filter((metric) => metric !== 'COST');
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- Meta's error, unchanged; the node converts it per item (toNodeError)
		if (others.length === metrics.length || others.length === 0 || !mayBeCostRefusal(error)) throw error;
		// If this fails too, the refusal was not about COST: its error is the one to show.
		return { result: await read(others), costUnavailable: true };
	}
}

/** Every row (or raw page) with the note that says why cost is missing. */
export function withCostNote(rows: MetricsRows): MetricsRows {
	return rows.map((row) => ({ ...row, [COST_NOTE_COLUMN]: COST_UNAVAILABLE_NOTE }));
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
	const { result: pages, costUnavailable } = await readWithoutCostIfRefused(metrics, (asked) =>
		collectAnalyticsPages<Page>({
			credentials,
			wabaId,
			edge: spec.edge,
			fieldFor: (after) => analyticsField(spec.edge, { ...fieldArgs, metrics: asked, after }),
		}),
	);
	// Flattened with the metrics the user chose: a cost Meta would not give is an empty column, not a missing one.
	const rows = options.rawResponse ? (pages as unknown as MetricsRows) : spec.flatten(pages, granularity, dimensions, metrics);
	return costUnavailable ? withCostNote(rows) : rows;
}
