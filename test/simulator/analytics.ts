/**
 * WABA analytics: message (`analytics`), conversation, pricing and template analytics, with Graph's
 * field-expansion syntax, each endpoint's own granularities and lookback, and deterministic figures: every
 * figure is a sum over half-hour slots whose values come from a hash of the slot, so a day equals the sum of its
 * half hours and a test can pin exact numbers. Accepted messages add to message and template analytics.
 */
import { MetaError } from './types';
import type { Route, SimContext, SimRequest, SimResponse } from './types';
import { bodyParams, invalidParameter, listParam, pageOf, requireWaba, splitTopLevel } from './surfaces';

const HALF_HOUR = 1800;
const DAY = 86400;
const YEAR_SECONDS = 365 * DAY;
const TEMPLATE_LOOKBACK_SECONDS = 90 * DAY;
/** The simulator refuses answers larger than this (a test asked for a year of half hours by every dimension). */
const MAX_DATA_POINTS = 100_000;

// ---------------------------------------------------------------------------------------------------------------
// Field expansion: `analytics.start(1).end(2).granularity(DAY).phone_numbers(["1"])`
// ---------------------------------------------------------------------------------------------------------------

export interface ExpandedField {
	name: string;
	/** Modifier name → raw argument text (quotes kept). */
	modifiers: Record<string, string>;
}

/** Parses one top-level entry of `fields=` in Graph's field-expansion syntax. */
export function parseExpandedField(text: string): ExpandedField {
	const trimmed = text.trim();
	const parts = splitTopLevel(trimmed, '.');
	const name = parts[0] ?? '';
	if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw invalidParameter(`Syntax error in fields: "${trimmed}"`, `(#100) Syntax error "Expected field name" in "${trimmed}"`);
	const modifiers: Record<string, string> = {};
	for (const part of parts.slice(1)) {
		const match = /^([a-z_][a-z0-9_]*)\((.*)\)$/is.exec(part);
		if (!match) throw invalidParameter(`Syntax error in fields: "${part}" is not a modifier like name(value)`, `(#100) Syntax error "Expected modifier" in "${trimmed}"`);
		modifiers[match[1]] = match[2].trim();
	}
	return { name, modifiers };
}

/** A modifier's value as a list (`[A,B]`, `["A","B"]`, `['A']`, `A,B`). */
export function modifierList(raw: string | undefined): string[] | undefined {
	return raw === undefined ? undefined : (listParam(raw) ?? []);
}

function unquote(raw: string): string {
	return raw.replace(/^["']|["']$/g, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Time ranges and buckets
// ---------------------------------------------------------------------------------------------------------------

type BucketSize = 'HALF_HOUR' | 'DAY' | 'MONTH';

/** Granularity names each endpoint accepts, mapped to a bucket size. */
const GRANULARITIES = {
	analytics: { HALF_HOUR: 'HALF_HOUR', DAY: 'DAY', MONTH: 'MONTH' },
	conversation_analytics: { HALF_HOUR: 'HALF_HOUR', DAILY: 'DAY', MONTHLY: 'MONTH' },
	pricing_analytics: { HALF_HOUR: 'HALF_HOUR', DAILY: 'DAY', MONTHLY: 'MONTH' },
	template_analytics: { DAILY: 'DAY' },
} as const satisfies Record<string, Record<string, BucketSize>>;

type Endpoint = keyof typeof GRANULARITIES;

function readGranularity(endpoint: Endpoint, raw: string | undefined | null): { name: string; size: BucketSize } {
	const accepted = GRANULARITIES[endpoint] as Record<string, BucketSize>;
	if (raw === undefined || raw === null || raw === '') {
		throw invalidParameter(`The parameter granularity is required for ${endpoint}`, '(#100) The parameter granularity is required');
	}
	const name = unquote(raw).toUpperCase();
	const size = accepted[name];
	if (!size) {
		throw invalidParameter(
			`Param granularity must be one of {${Object.keys(accepted).join(', ')}} - got "${unquote(raw)}"`,
			`(#100) Param granularity must be one of {${Object.keys(accepted).join(', ')}} - got "${unquote(raw)}"`,
		);
	}
	return { name, size };
}

function readTimestamp(name: 'start' | 'end', raw: string | undefined | null): number {
	if (raw === undefined || raw === null || raw === '') {
		throw invalidParameter(`The parameter ${name} is required (Unix seconds)`, `(#100) The parameter ${name} is required`);
	}
	const value = Number(unquote(raw));
	if (!Number.isInteger(value) || value < 0) {
		throw invalidParameter(`Param ${name} must be a Unix timestamp in seconds - got "${raw}"`);
	}
	return value;
}

function readRange(
	endpoint: Endpoint,
	rawStart: string | undefined | null,
	rawEnd: string | undefined | null,
	nowSeconds: number,
): { start: number; end: number } {
	const start = readTimestamp('start', rawStart);
	const end = readTimestamp('end', rawEnd);
	if (start > end) throw invalidParameter(`Param start (${start}) must not be after end (${end})`);
	const lookback = endpoint === 'template_analytics' ? TEMPLATE_LOOKBACK_SECONDS : YEAR_SECONDS;
	if (start < nowSeconds - lookback) {
		const what = endpoint === 'template_analytics' ? '90 days' : 'one year';
		throw invalidParameter(`Param start (${start}) is more than ${what} ago: ${endpoint} looks back at most ${what}`);
	}
	return { start, end };
}

/** [start, end) pairs of the buckets that overlap [start, end), aligned in UTC. */
export function buckets(size: BucketSize, start: number, end: number): Array<[number, number]> {
	const list: Array<[number, number]> = [];
	if (size === 'MONTH') {
		const first = new Date(start * 1000);
		let year = first.getUTCFullYear();
		let month = first.getUTCMonth();
		for (;;) {
			const from = Date.UTC(year, month, 1) / 1000;
			if (from >= end && list.length > 0) break;
			month += 1;
			if (month === 12) {
				month = 0;
				year += 1;
			}
			list.push([from, Date.UTC(year, month, 1) / 1000]);
			if (from >= end) break;
		}
		return list;
	}
	const step = size === 'DAY' ? DAY : HALF_HOUR;
	let from = Math.floor(start / step) * step;
	do {
		list.push([from, from + step]);
		from += step;
	} while (from < end);
	return list;
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic figures per half-hour slot
// ---------------------------------------------------------------------------------------------------------------

/** FNV-1a, 32 bit: the same key always gives the same number. */
export function hashOf(key: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < key.length; i++) {
		hash ^= key.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash;
}

/** Murmur3's finaliser: a cheap, well-mixed integer hash (the generators run millions of times for a year). */
function mix(value: number): number {
	let h = value | 0;
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

export const ANALYTICS_COUNTRIES = ['US', 'BR', 'IN', 'DE'] as const;
export const CONVERSATION_CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'SERVICE', 'UTILITY'] as const;
export const CONVERSATION_TYPES = ['FREE_ENTRY', 'FREE_TIER', 'REGULAR'] as const;
export const PRICING_CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'SERVICE', 'UTILITY'] as const;
export const PRICING_TYPES = ['REGULAR', 'FREE_CUSTOMER_SERVICE', 'FREE_ENTRY_POINT'] as const;

/** Price per conversation / message in USD by category and country (a fixed simulator rate card). */
const RATES: Record<string, Record<string, number>> = {
	AUTHENTICATION: { US: 0.0135, BR: 0.0315, IN: 0.0014, DE: 0.0768 },
	MARKETING: { US: 0.025, BR: 0.0625, IN: 0.0107, DE: 0.1365 },
	SERVICE: { US: 0, BR: 0, IN: 0, DE: 0 },
	UTILITY: { US: 0.004, BR: 0.008, IN: 0.0014, DE: 0.055 },
};

function money(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

/** Half-hour slots of [from, to) that have started before now (no figures in the future). */
function slotsOf(from: number, to: number, nowSeconds: number): number[] {
	const slots: number[] = [];
	const last = Math.min(to, nowSeconds);
	for (let slot = Math.floor(from / HALF_HOUR) * HALF_HOUR; slot < last; slot += HALF_HOUR) {
		if (slot + HALF_HOUR > from) slots.push(slot);
	}
	return slots;
}

const KIND_MESSAGES = 1;
const KIND_CONVERSATIONS = 2;
const KIND_PRICING = 3;

function slotSeed(kind: number, slot: number): number {
	return mix(Math.floor(slot / HALF_HOUR) ^ Math.imul(kind, 0x9e3779b1));
}

/** Seed of one combination of dimensions (indices into the lists above; the number by its id). */
function comboSeed(phoneNumberId: string, country: number, category = 0, type = 0): number {
	return mix(hashOf(phoneNumberId) ^ mix(1 + country * 64 + category * 8 + type));
}

function messagesFrom(value: number): { sent: number; delivered: number } {
	const sent = value % 4 === 0 ? 0 : (value >>> 3) % 20;
	const delivered = sent === 0 ? 0 : sent - ((value >>> 9) % Math.min(3, sent + 1));
	return { sent, delivered };
}

function conversationsFrom(value: number, regular: boolean): number {
	if (value % 3 !== 0) return 0;
	return regular ? 1 + ((value >>> 4) % 6) : (value >>> 4) % 2;
}

function volumeFrom(value: number, regular: boolean): number {
	if (value % 3 !== 0) return 0;
	return regular ? 1 + ((value >>> 4) % 9) : (value >>> 4) % 3;
}

/** Synthetic messages sent / delivered in one half hour by one number to one country. */
export function syntheticMessages(slot: number, phoneNumberId: string, country: string): { sent: number; delivered: number } {
	const countryIndex = (ANALYTICS_COUNTRIES as readonly string[]).indexOf(country);
	return messagesFrom(mix(slotSeed(KIND_MESSAGES, slot) ^ comboSeed(phoneNumberId, countryIndex)));
}

/** Country of a WhatsApp ID by calling code (the simulator's four countries; others count as US). */
export function countryOf(waId: string): string {
	if (waId.startsWith('55')) return 'BR';
	if (waId.startsWith('91')) return 'IN';
	if (waId.startsWith('49')) return 'DE';
	return 'US';
}

function digits(value: string): string {
	return value.replace(/\D/g, '');
}

/** Numbers selected by `phone_numbers([…])`: display numbers (as Meta uses) or phone-number ids; empty = all. */
function selectNumbers(sim: SimContext, requested: string[] | undefined): Array<{ id: string; display: string }> {
	const all = sim.fixture.phoneNumbers.map((number) => ({ id: number.id, display: digits(number.displayPhoneNumber) }));
	if (!requested || requested.length === 0) return all;
	return requested.map((value) => {
		const wanted = digits(value);
		const found = all.find((number) => number.display === wanted || number.id === wanted);
		if (!found) throw invalidParameter(`Param phone_numbers contains "${value}", which is not a phone number of this WhatsApp Business Account`);
		return found;
	});
}

function selectCountries(requested: string[] | undefined): string[] {
	if (!requested || requested.length === 0) return [...ANALYTICS_COUNTRIES];
	for (const code of requested) {
		if (!/^[A-Z]{2}$/.test(code)) throw invalidParameter(`Param country_codes must hold ISO 3166 alpha-2 codes like "US" - got "${code}"`);
	}
	return requested.filter((code) => (ANALYTICS_COUNTRIES as readonly string[]).includes(code));
}

function checkSize(points: number): void {
	if (points > MAX_DATA_POINTS) {
		throw invalidParameter(`The request would return ${points} data points (the simulator's limit is ${MAX_DATA_POINTS}); use a coarser granularity, fewer dimensions or a shorter range`);
	}
}

function checkAllowed(name: string, values: string[], allowed: readonly string[]): string[] {
	const upper = values.map((value) => value.toUpperCase());
	for (const value of upper) {
		if (!allowed.includes(value)) throw invalidParameter(`Param ${name} must hold values of {${allowed.join(', ')}} - got "${value}"`);
	}
	return upper;
}

// ---------------------------------------------------------------------------------------------------------------
// Template insights and COST: what an account may read
// ---------------------------------------------------------------------------------------------------------------

const INSIGHTS_MODULE = 'templateInsights';

/** Template insights: the option, unless `POST /{waba}?is_enabled_for_insights=true` enabled them since the reset. */
function templateInsightsEnabled(sim: SimContext): boolean {
	return sim.store.modules.get(INSIGHTS_MODULE) === true || sim.options.templateInsightsEnabled;
}

/**
 * Template analytics on a WABA without template insights: 200005 (Meta's codes 200005–200007; the message is the
 * simulator's wording, the code and the cure are Meta's:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/ and
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/analytics/).
 */
function requireTemplateInsights(sim: SimContext): void {
	if (templateInsightsEnabled(sim)) return;
	throw new MetaError({
		httpStatus: 400,
		code: 200005,
		message: '(#200005) Template insights are not enabled for this WhatsApp Business Account',
		details: 'Enable template insights with POST /{waba-id}?is_enabled_for_insights=true, then try again',
	});
}

/**
 * COST on a WABA billed through a partner's credit line. Meta's pages say COST is not readable there but not how
 * the refusal reads: the simulator answers a plain invalid parameter (100), which the node must not depend on.
 */
function refuseCostIfPartnerBilled(metrics: readonly string[], sim: SimContext): void {
	if (!sim.options.partnerBilledWaba || !metrics.includes('COST')) return;
	throw invalidParameter(
		'The COST metric is not available for this WhatsApp Business Account: it is billed through a partner',
		'(#100) Param metric_types contains COST, which is not available for this WhatsApp Business Account',
	);
}

/** `POST /{waba}`: today only `is_enabled_for_insights=true` (Meta answers with the WABA's id). */
export function updateWaba(req: SimRequest, sim: SimContext): SimResponse {
	const input = bodyParams(req);
	if (String(input.is_enabled_for_insights) !== 'true') {
		throw invalidParameter('Expected is_enabled_for_insights=true', '(#100) The parameter is_enabled_for_insights is required');
	}
	sim.store.modules.set(INSIGHTS_MODULE, true);
	return { status: 200, body: { id: sim.fixture.wabaId } };
}

// ---------------------------------------------------------------------------------------------------------------
// The three WABA fields
// ---------------------------------------------------------------------------------------------------------------

function messageAnalytics(field: ExpandedField, sim: SimContext): Record<string, unknown> {
	const nowSeconds = Math.floor(sim.now() / 1000);
	const { modifiers } = field;
	const granularity = readGranularity('analytics', modifiers.granularity);
	const { start, end } = readRange('analytics', modifiers.start, modifiers.end, nowSeconds);
	const numbers = selectNumbers(sim, modifierList(modifiers.phone_numbers));
	const countries = selectCountries(modifierList(modifiers.country_codes));
	const ranges = buckets(granularity.size, start, end);
	checkSize(ranges.length);
	// Accepted messages, counted by half-hour slot: Meta counts them as sent (and the simulator delivers them).
	const accepted = new Map<number, number>();
	const numberIds = new Set(numbers.map((number) => number.id));
	for (const message of sim.store.messages) {
		const at = Math.floor(message.acceptedAt / 1000);
		if (!numberIds.has(message.phoneNumberId) || !countries.includes(countryOf(message.waId))) continue;
		const slot = Math.floor(at / HALF_HOUR) * HALF_HOUR;
		accepted.set(slot, (accepted.get(slot) ?? 0) + 1);
	}
	const seeds: number[] = [];
	for (const number of numbers) {
		for (const country of countries) seeds.push(comboSeed(number.id, (ANALYTICS_COUNTRIES as readonly string[]).indexOf(country)));
	}
	const dataPoints = ranges.map(([from, to]) => {
		let sent = 0;
		let delivered = 0;
		for (const slot of slotsOf(from, to, nowSeconds)) {
			const seed = slotSeed(KIND_MESSAGES, slot);
			for (const combo of seeds) {
				const figures = messagesFrom(mix(seed ^ combo));
				sent += figures.sent;
				delivered += figures.delivered;
			}
			const real = accepted.get(slot) ?? 0;
			sent += real;
			delivered += real;
		}
		return { start: from, end: to, sent, delivered };
	});
	// Meta lists the numbers and countries counted even when the request names none:
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/analytics (messaging analytics example)
	const value: Record<string, unknown> = { phone_numbers: numbers.map((number) => number.display), country_codes: countries };
	value.granularity = granularity.name;
	value.data_points = dataPoints;
	return value;
}

type Dimensioned = 'conversation_analytics' | 'pricing_analytics';

const DIMENSIONS: Record<Dimensioned, readonly string[]> = {
	conversation_analytics: ['CONVERSATION_CATEGORY', 'CONVERSATION_TYPE', 'COUNTRY', 'PHONE', 'CONVERSATION_DIRECTION'],
	pricing_analytics: ['COUNTRY', 'PHONE', 'PRICING_CATEGORY', 'PRICING_TYPE', 'TIER'],
};

const METRICS: Record<Dimensioned, readonly string[]> = {
	conversation_analytics: ['COST', 'CONVERSATION'],
	pricing_analytics: ['COST', 'VOLUME'],
};

/** Volume tier of a month's billed messages (Meta's PMP tiers), fixed per category in the simulator. */
function tierOf(category: string): string {
	return category === 'UTILITY' || category === 'AUTHENTICATION' ? '0:100000' : '0';
}

function dimensionedAnalytics(endpoint: Dimensioned, field: ExpandedField, sim: SimContext): Record<string, unknown> {
	const nowSeconds = Math.floor(sim.now() / 1000);
	const { modifiers } = field;
	const granularity = readGranularity(endpoint, modifiers.granularity);
	const { start, end } = readRange(endpoint, modifiers.start, modifiers.end, nowSeconds);
	const numbers = selectNumbers(sim, modifierList(modifiers.phone_numbers));
	const countries = selectCountries(modifierList(modifiers.country_codes));
	const metrics = checkAllowed('metric_types', modifierList(modifiers.metric_types) ?? [...METRICS[endpoint]], METRICS[endpoint]);
	const dimensions = checkAllowed('dimensions', modifierList(modifiers.dimensions) ?? [], DIMENSIONS[endpoint]);
	refuseCostIfPartnerBilled(metrics, sim);
	const conversation = endpoint === 'conversation_analytics';
	const categories = conversation ? CONVERSATION_CATEGORIES : PRICING_CATEGORIES;
	const types = conversation ? CONVERSATION_TYPES : PRICING_TYPES;
	const categoryDimension = conversation ? 'CONVERSATION_CATEGORY' : 'PRICING_CATEGORY';
	const typeDimension = conversation ? 'CONVERSATION_TYPE' : 'PRICING_TYPE';
	const ranges = buckets(granularity.size, start, end);
	// Every combination of dimensions, with its seed, rate and the group (data point) it adds to.
	const groupIndex = new Map<string, number>();
	const groupPoints: Array<Record<string, unknown>> = [];
	const combos: Array<{ seed: number; regular: boolean; rate: number; group: number }> = [];
	for (const number of numbers) {
		for (const country of countries) {
			const countryIndex = (ANALYTICS_COUNTRIES as readonly string[]).indexOf(country);
			categories.forEach((category, categoryIndex) => {
				types.forEach((type, typeIndex) => {
					const point: Record<string, unknown> = {};
					if (dimensions.includes('PHONE')) point.phone_number = number.display;
					if (dimensions.includes('COUNTRY')) point.country = country;
					if (dimensions.includes(typeDimension)) point[conversation ? 'conversation_type' : 'pricing_type'] = type;
					if (dimensions.includes(categoryDimension)) point[conversation ? 'conversation_category' : 'pricing_category'] = category;
					if (dimensions.includes('CONVERSATION_DIRECTION')) point.conversation_direction = 'BUSINESS_INITIATED';
					if (dimensions.includes('TIER')) point.tier = tierOf(category);
					const key = JSON.stringify(point);
					let group = groupIndex.get(key);
					if (group === undefined) {
						group = groupPoints.length;
						groupIndex.set(key, group);
						groupPoints.push(point);
					}
					const regular = type === 'REGULAR';
					combos.push({ seed: comboSeed(number.id, countryIndex, categoryIndex, typeIndex), regular, rate: regular ? (RATES[category]?.[country] ?? 0) : 0, group });
				});
			});
		}
	}
	checkSize(ranges.length * groupPoints.length);
	const kind = conversation ? KIND_CONVERSATIONS : KIND_PRICING;
	const dataPoints: Array<Record<string, unknown>> = [];
	for (const [from, to] of ranges) {
		const counts = new Array<number>(groupPoints.length).fill(0);
		const costs = new Array<number>(groupPoints.length).fill(0);
		for (const slot of slotsOf(from, to, nowSeconds)) {
			const seed = slotSeed(kind, slot);
			for (const combo of combos) {
				const value = mix(seed ^ combo.seed);
				const count = conversation ? conversationsFrom(value, combo.regular) : volumeFrom(value, combo.regular);
				if (count === 0) continue;
				counts[combo.group] += count;
				costs[combo.group] += count * combo.rate;
			}
		}
		groupPoints.forEach((template, group) => {
			if (counts[group] === 0) return;
			const point: Record<string, unknown> = { start: from, end: to, ...template };
			if (metrics.includes(conversation ? 'CONVERSATION' : 'VOLUME')) point[conversation ? 'conversation' : 'volume'] = counts[group];
			if (metrics.includes('COST')) point.cost = money(costs[group]);
			dataPoints.push(point);
		});
	}
	checkSize(dataPoints.length);
	return { data: [{ data_points: dataPoints }] };
}

const WABA_FIELDS = new Set(['id', 'name', 'currency', 'timezone_id', 'message_template_namespace', 'account_review_status', 'business_verification_status', 'country', 'ownership_type']);

/** `GET /{waba}?fields=…`: plain WABA fields and the three analytics fields, in one answer like Graph. */
export function wabaObject(req: SimRequest, sim: SimContext): Record<string, unknown> {
	const raw = req.query.get('fields');
	const entries = raw && raw.trim() !== '' ? splitTopLevel(raw) : ['id', 'name'];
	const plain: Record<string, unknown> = {
		id: sim.fixture.wabaId,
		name: 'Simulator WABA',
		currency: 'USD',
		timezone_id: '1',
		message_template_namespace: 'sim_namespace_0001',
		account_review_status: 'APPROVED',
		business_verification_status: 'verified',
		country: 'US',
		ownership_type: 'SELF',
	};
	const result: Record<string, unknown> = {};
	for (const entry of entries) {
		const field = parseExpandedField(entry);
		if (field.name === 'analytics') result.analytics = messageAnalytics(field, sim);
		else if (field.name === 'conversation_analytics' || field.name === 'pricing_analytics') {
			result[field.name] = dimensionedAnalytics(field.name, field, sim);
		} else if (WABA_FIELDS.has(field.name)) result[field.name] = plain[field.name];
		else {
			throw invalidParameter(
				`Tried accessing nonexisting field (${field.name}) on node type (WhatsAppBusinessAccount)`,
				`(#100) Tried accessing nonexisting field (${field.name}) on node type (WhatsAppBusinessAccount)`,
			);
		}
	}
	result.id = sim.fixture.wabaId;
	return result;
}

// ---------------------------------------------------------------------------------------------------------------
// GET /{waba}/template_analytics
// ---------------------------------------------------------------------------------------------------------------

const TEMPLATE_METRICS = ['SENT', 'DELIVERED', 'READ', 'CLICKED', 'COST'] as const;

/** Synthetic template figures for one template on one day (Unix seconds at 00:00 UTC). */
export function syntheticTemplateDay(day: number, templateId: string): { sent: number; delivered: number; read: number; clicks: number } {
	const hash = mix(hashOf(templateId) ^ Math.floor(day / DAY));
	const sent = hash % 5 === 0 ? 0 : (hash >>> 3) % 120;
	const delivered = sent - Math.min(sent, (hash >>> 10) % 4);
	const read = delivered - Math.min(delivered, (hash >>> 13) % 10);
	const clicks = Math.min(read, (hash >>> 17) % 7);
	return { sent, delivered, read, clicks };
}

function templateAnalytics(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	const nowSeconds = Math.floor(sim.now() / 1000);
	const query = req.query;
	readGranularity('template_analytics', query.get('granularity'));
	const { start, end } = readRange('template_analytics', query.get('start'), query.get('end'), nowSeconds);
	const templateIds = listParam(query.get('template_ids') ?? undefined);
	if (!templateIds || templateIds.length === 0) {
		throw invalidParameter('The parameter template_ids is required (a list of up to 10 template IDs)', '(#100) The parameter template_ids is required');
	}
	if (templateIds.length > 10) throw invalidParameter(`Param template_ids must have at most 10 elements - got ${templateIds.length}`);
	const templates = templateIds.map((id) => {
		const template = sim.fixture.templates.find((candidate) => candidate.id === id);
		if (!template) throw invalidParameter(`Param template_ids contains "${id}", which is not a template of this WhatsApp Business Account`);
		return template;
	});
	const metrics = checkAllowed('metric_types', listParam(query.get('metric_types') ?? undefined) ?? [...TEMPLATE_METRICS], TEMPLATE_METRICS);
	requireTemplateInsights(sim);
	refuseCostIfPartnerBilled(metrics, sim);
	// Accepted template sends, by template id and day.
	const accepted = new Map<string, number>();
	for (const message of sim.store.messages) {
		if (message.type !== 'template') continue;
		const body = message.body as { template?: { name?: string; language?: { code?: string } } };
		const template = templates.find((candidate) => candidate.name === body.template?.name && candidate.language === body.template?.language?.code);
		if (!template) continue;
		const day = Math.floor(message.acceptedAt / 1000 / DAY) * DAY;
		const key = `${template.id}:${day}`;
		accepted.set(key, (accepted.get(key) ?? 0) + 1);
	}
	const points: Array<Record<string, unknown>> = [];
	for (const template of templates) {
		const quickReplies = template.components.flatMap((component) => component.buttons ?? []).filter((button) => button.type === 'QUICK_REPLY' || button.type === 'URL');
		for (const [from, to] of buckets('DAY', start, end)) {
			const figures = from >= nowSeconds ? { sent: 0, delivered: 0, read: 0, clicks: 0 } : syntheticTemplateDay(from, template.id);
			const real = accepted.get(`${template.id}:${from}`) ?? 0;
			const point: Record<string, unknown> = { template_id: template.id, start: from, end: to };
			if (metrics.includes('SENT')) point.sent = figures.sent + real;
			if (metrics.includes('DELIVERED')) point.delivered = figures.delivered + real;
			if (metrics.includes('READ')) point.read = figures.read;
			// A template without buttons has no `clicked` at all, as the first data point of Meta's example:
			// https://developers.facebook.com/documentation/business-messaging/whatsapp/analytics#template-analytics
			if (metrics.includes('CLICKED') && quickReplies.length > 0) {
				point.clicked = quickReplies.map((button, index) => ({
					type: button.type === 'URL' ? 'url_button' : 'quick_reply_button',
					button_content: button.text,
					count: index === 0 ? figures.clicks : Math.floor(figures.clicks / (index + 1)),
				}));
			}
			if (metrics.includes('COST')) {
				const rate = RATES[template.category]?.US ?? 0;
				const spent = money(figures.delivered * rate);
				point.cost = [
					{ type: 'amount_spent', value: spent },
					{ type: 'cost_per_delivered', value: figures.delivered > 0 ? money(spent / figures.delivered) : 0 },
					{ type: 'cost_per_url_button_click', value: figures.clicks > 0 ? money(spent / figures.clicks) : 0 },
				];
			}
			points.push(point);
		}
	}
	const page = pageOf(req, sim, points, 100, 1000);
	const body: Record<string, unknown> = { data: [{ granularity: 'DAILY', product_type: 'cloud_api', data_points: page.data }] };
	if (page.paging) body.paging = page.paging;
	return { status: 200, body };
}

export const analyticsRoutes: Route[] = [
	{
		method: 'GET',
		match: (segments) => (segments.length === 2 && segments[1] === 'template_analytics' ? { wabaId: segments[0] } : null),
		handler: templateAnalytics,
	},
];

