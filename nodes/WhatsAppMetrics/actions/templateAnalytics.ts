import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { templateLocator } from '../../shared/descriptions';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { collectPages } from '../../shared/paging';
import { MetricsInputError, checkChoices, timeColumns, toNumber } from '../timeRange';
import type { TemplateAnalyticsPage, TemplateIdList } from '../types';
import { readWithoutCostIfRefused, withCostNote } from './analyticsShared';
import { rawResponseOption, readTimeRange, requireWabaId, timeRangeFields } from './common';
import type { MetricsRows, OperationContext } from './common';

/** Meta's limit of template IDs in one template_analytics call. */
export const MAX_TEMPLATES = 10;
export const METRIC_TYPES = ['SENT', 'DELIVERED', 'READ', 'CLICKED', 'COST'] as const;
const LOOKBACK_DAYS = 90;
const show = { operation: ['templateAnalytics'] };

/** The shared template locator, plus a mode for a template ID (analytics are per ID, i.e. per language). */
const templatePicker: INodeProperties = {
	...templateLocator,
	description: 'A template of the account: every language of a template picked by name is included',
	modes: [
		...(templateLocator.modes ?? []),
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 1924084211297547',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^\\s*[0-9]{1,30}\\s*$', errorMessage: 'A template ID is digits only' },
				},
			],
		},
	],
};

export const description: INodeProperties[] = [
	{
		displayName: 'Templates',
		name: 'templates',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Template' },
		placeholder: 'Add Template',
		default: { template: [{ template: { mode: 'list', value: '' } }] },
		required: true,
		displayOptions: { show },
		description: `Up to ${MAX_TEMPLATES} templates`,
		options: [{ displayName: 'Template', name: 'template', values: [templatePicker] }],
	},
	...timeRangeFields('templateAnalytics', LOOKBACK_DAYS),
	{
		displayName: 'Granularity',
		name: 'templateGranularity',
		type: 'options',
		default: 'DAILY',
		displayOptions: { show },
		options: [{ name: 'Daily', value: 'DAILY' }],
		description: 'Meta gives template analytics per day only',
	},
	{
		displayName: 'Metrics',
		name: 'templateMetrics',
		type: 'multiOptions',
		default: ['SENT', 'DELIVERED', 'READ', 'CLICKED', 'COST'],
		displayOptions: { show },
		options: [
			{ name: 'Clicked', value: 'CLICKED', description: 'Button clicks (marketing and utility templates)' },
			{ name: 'Cost', value: 'COST' },
			{ name: 'Delivered', value: 'DELIVERED' },
			{ name: 'Read', value: 'READ' },
			{ name: 'Sent', value: 'SENT' },
		],
	},
	{
		displayName: 'Options',
		name: 'templateOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [rawResponseOption()],
	},
];

interface TemplatePick {
	mode: string;
	value: string;
}

export interface TemplateRef {
	id: string;
	name?: string;
	language?: string;
}

/** The picks of the Templates field: at least one, at most 10, none empty. */
export function readTemplatePicks(value: unknown): TemplatePick[] {
	const entries = ((value as { template?: Array<{ template?: unknown }> })?.template ?? []).map((entry) => entry.template);
	const picks = entries.map((pick, index) => {
		const raw = (pick && typeof pick === 'object' ? pick : { mode: 'name', value: pick }) as { mode?: string; value?: unknown };
		const text = String(raw.value ?? '').trim();
		if (!text) throw new MetricsInputError(['Templates', `Template #${index + 1}`], 'is empty: pick a template or remove the entry');
		return { mode: raw.mode ?? 'name', value: text };
	});
	if (picks.length === 0) throw new MetricsInputError('Templates', 'is empty: add at least one template');
	if (picks.length > MAX_TEMPLATES) {
		throw new MetricsInputError(
			'Templates',
			`has ${picks.length} templates: Meta's template analytics take ${MAX_TEMPLATES} at most`,
			'Split them over several WhatsApp Metrics nodes or items.',
		);
	}
	return picks;
}

/** Template IDs for the picks: an ID is used as it is, a name becomes the IDs of all its languages. */
async function resolveTemplates(credentials: WhatsAppCredentials, wabaId: string, picks: TemplatePick[]): Promise<TemplateRef[]> {
	const refs: TemplateRef[] = [];
	for (const pick of picks) {
		if (pick.mode === 'id') {
			refs.push({ id: pick.value });
			continue;
		}
		const pages = await collectPages<TemplateIdList>({
			credentials,
			request: {
				method: 'GET',
				path: `/${wabaId}/message_templates`,
				query: { name: pick.value, fields: 'id,name,language,status', limit: 100 },
			},
			pageOf: (body) => body as TemplateIdList,
			requestAfter: (after) => ({
				method: 'GET',
				path: `/${wabaId}/message_templates`,
				query: { name: pick.value, fields: 'id,name,language,status', limit: 100, after },
			}),
		});
		const found = pages.flatMap((page) => page.data ?? []).filter((template) => template.name === pick.value);
		if (found.length === 0) {
			throw new MetricsInputError('Templates', `has "${pick.value}", which was not found in the WhatsApp Business Account`);
		}
		for (const template of found) refs.push({ id: String(template.id), name: template.name, language: template.language });
	}
	const unique = new Map(refs.map((ref) => [ref.id, ref]));
	return [...unique.values()];
}

const COST_COLUMNS: Record<string, string> = {
	amount_spent: 'amountSpent',
	cost_per_delivered: 'costPerDelivered',
	cost_per_url_button_click: 'costPerUrlButtonClick',
};

function camelCase(text: string): string {
	return text.toLowerCase().replace(/[^a-z0-9]+([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^a-zA-Z0-9]/g, '');
}

/** One row per template and day: sent, delivered, read, clicked (total and per button), cost (per cost type). */
export function flattenTemplateAnalytics(pages: TemplateAnalyticsPage[], templates: TemplateRef[], metrics: readonly string[]): MetricsRows {
	const byId = new Map(templates.map((template) => [template.id, template]));
	const rows: MetricsRows = [];
	for (const page of pages) {
		for (const group of page.data ?? []) {
			for (const point of group.data_points ?? []) {
				const ref = byId.get(String(point.template_id));
				const row: IDataObject = {
					...timeColumns(point.start, point.end),
					granularity: group.granularity ?? 'DAILY',
					templateId: String(point.template_id),
					templateName: ref?.name ?? null,
					templateLanguage: ref?.language ?? null,
				};
				if (metrics.includes('SENT')) row.sent = toNumber(point.sent);
				if (metrics.includes('DELIVERED')) row.delivered = toNumber(point.delivered);
				if (metrics.includes('READ')) row.read = toNumber(point.read);
				if (metrics.includes('CLICKED')) {
					let total = 0;
					const perButton: IDataObject = {};
					for (const click of point.clicked ?? []) {
						const count = toNumber(click.count) ?? 0;
						total += count;
						const key = `clicked_${camelCase(click.button_content ?? click.type ?? 'button') || 'button'}`;
						perButton[key] = ((perButton[key] as number | undefined) ?? 0) + count;
					}
					row.clicked = point.clicked ? total : null;
					Object.assign(row, perButton);
				}
				if (metrics.includes('COST')) {
					for (const cost of point.cost ?? []) {
						if (!cost.type) continue;
						row[COST_COLUMNS[cost.type] ?? camelCase(cost.type)] = toNumber(cost.value);
					}
					if (row.amountSpent === undefined) row.amountSpent = null;
				}
				rows.push(row);
			}
		}
	}
	return rows;
}

export async function run(op: OperationContext): Promise<MetricsRows> {
	const { context, itemIndex, credentials } = op;
	const wabaId = requireWabaId(credentials);
	const picks = readTemplatePicks(context.getNodeParameter('templates', itemIndex, {}));
	const range = readTimeRange(op, { lookbackDays: LOOKBACK_DAYS, maxRangeDays: LOOKBACK_DAYS, label: 'template analytics' });
	const granularity = String(context.getNodeParameter('templateGranularity', itemIndex, 'DAILY')).toUpperCase();
	if (granularity !== 'DAILY') {
		throw new MetricsInputError('Granularity', `is "${granularity}", which is not available for template analytics`, 'Use DAILY.');
	}
	const metrics = checkChoices(context.getNodeParameter('templateMetrics', itemIndex, []), METRIC_TYPES, 'Metrics', true);
	const options = context.getNodeParameter('templateOptions', itemIndex, {}) as { rawResponse?: boolean };
	const templates = await resolveTemplates(credentials, wabaId, picks);
	const pages: TemplateAnalyticsPage[] = [];
	let asked: readonly string[] = metrics;
	let costUnavailable = false;
	// A name can stand for several languages: ask in groups of Meta's maximum.
	for (let index = 0; index < templates.length; index += MAX_TEMPLATES) {
		const ids = templates.slice(index, index + MAX_TEMPLATES).map((template) => template.id);
		const read = await readWithoutCostIfRefused(asked, (groupMetrics) => {
			const query = {
				start: range.start,
				end: range.end,
				granularity,
				metric_types: JSON.stringify(groupMetrics),
				template_ids: `[${ids.join(',')}]`,
			};
			return collectPages<TemplateAnalyticsPage>({
				credentials,
				request: { method: 'GET', path: `/${wabaId}/template_analytics`, query },
				pageOf: (body) => body as TemplateAnalyticsPage,
				requestAfter: (after) => ({ method: 'GET', path: `/${wabaId}/template_analytics`, query: { ...query, after } }),
			});
		});
		pages.push(...read.result);
		// Once Meta refused COST for this account, the next groups are asked without it straight away.
		if (read.costUnavailable) {
			costUnavailable = true;
			asked = asked.filter((metric) => metric !== 'COST');
		}
	}
	const rows = options.rawResponse ? (pages as unknown as MetricsRows) : flattenTemplateAnalytics(pages, templates, metrics);
	return costUnavailable ? withCostNote(rows) : rows;
}

