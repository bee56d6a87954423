import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { scheduleGraphCall, sharedEntriesFor } from '../limiter';
import { listAgainOnStaleCursor } from '../transport';
import { readCredentials } from '../transport/credentials';
export { CREDENTIAL_NAME } from '../transport/credentials';
import type { WhatsAppCredentials } from '../transport/types';
import type { MessageTemplate, MessageTemplateList, TemplateComponentDefinition, WabaPhoneNumberList } from './graphTypes';
import { getManagementCache, managementCacheKey } from './managementCache';

/** The page size asked of Graph for list searches (Graph's own maximum for these edges is higher). */
const PAGE_SIZE = 100;

/**
 * The most template pages read for one search or look-up: 60 × 100 = 6,000 templates, the most a WhatsApp Business
 * Account can hold. Reaching it means paging does not end (a Graph or proxy fault), not a large account.
 */
export const MAX_TEMPLATE_PAGES = 60;

/** What the list and template helpers need of n8n: works from loadOptions and from execute. */
export type CredentialContext = Pick<ILoadOptionsFunctions, 'getCredentials' | 'getNode'>;

export async function credentialsWithWaba(context: CredentialContext): Promise<WhatsAppCredentials & { wabaId: string }> {
	const credentials = await readCredentials(context);
	const wabaId = String(credentials.wabaId ?? '').trim();
	if (!wabaId) {
		throw new NodeOperationError(
			context.getNode(),
			'The credential has no WhatsApp Business Account ID, so the list cannot be loaded',
			{ description: 'Add the WhatsApp Business Account ID to the credential, or choose "By ID" and type the value.' },
		);
	}
	return { ...credentials, wabaId };
}

function matches(filter: string | undefined, ...texts: Array<string | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase().replace(/[\s\-().+]/g, '');
	const rawNeedle = filter.toLowerCase().trim();
	return texts.some((text) => {
		if (!text) return false;
		const hay = text.toLowerCase();
		return hay.includes(rawNeedle) || (needle !== '' && hay.replace(/[\s\-().+]/g, '').includes(needle));
	});
}

/** Resource-locator list of the WABA's phone numbers: "+1 555-0100 · Acme Support", value = phone number ID. */
export async function searchPhoneNumbers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credentials = await credentialsWithWaba(this);
	const response = await scheduleGraphCall<WabaPhoneNumberList>({
		credentials,
		family: 'management',
		request: {
			method: 'GET',
			path: `/${credentials.wabaId}/phone_numbers`,
			query: {
				fields: 'id,display_phone_number,verified_name,quality_rating',
				limit: PAGE_SIZE,
				after: paginationToken || undefined,
			},
		},
	});
	const results: INodeListSearchItems[] = (response.data?.data ?? [])
		.filter((number) => matches(filter, number.display_phone_number, number.verified_name, number.id))
		.map((number) => ({
			name: [number.display_phone_number ?? number.id, number.verified_name].filter(Boolean).join(' · '),
			value: number.id,
			description: number.quality_rating ? `Quality: ${number.quality_rating}` : undefined,
		}));
	const paging = response.data?.paging;
	return { results, paginationToken: paging?.next ? paging.cursors?.after : undefined };
}

/**
 * Every template of the WABA matching `query`, following Graph's paging to the end. A template's languages may sit
 * on different pages (Meta lists by creation, not by name), so pages are read together and grouped afterwards.
 * Throws when paging does not end within MAX_TEMPLATE_PAGES pages.
 */
async function listAllTemplates(
	context: CredentialContext,
	credentials: WhatsAppCredentials & { wabaId: string },
	fields: string,
	name: string | undefined,
	what: string,
): Promise<MessageTemplate[]> {
	// A cursor Meta no longer accepts (131059): the whole list is read again from the first page, once.
	return listAgainOnStaleCursor(() => readTemplatePages(context, credentials, fields, name, what));
}

async function readTemplatePages(
	context: CredentialContext,
	credentials: WhatsAppCredentials & { wabaId: string },
	fields: string,
	name: string | undefined,
	what: string,
): Promise<MessageTemplate[]> {
	const templates: MessageTemplate[] = [];
	let after: string | undefined;
	for (let page = 0; page < MAX_TEMPLATE_PAGES; page++) {
		const response = await scheduleGraphCall<MessageTemplateList>({
			credentials,
			family: 'management',
			request: {
				method: 'GET',
				path: `/${credentials.wabaId}/message_templates`,
				query: { fields, limit: PAGE_SIZE, after, name },
			},
		});
		templates.push(...(response.data?.data ?? []));
		const paging = response.data?.paging;
		const next = paging?.next ? paging.cursors?.after : undefined;
		if (!next || next === after || !response.data?.data?.length) return templates;
		after = next;
	}
	throw new NodeOperationError(
		context.getNode(),
		`Reading ${what} stopped after ${MAX_TEMPLATE_PAGES} pages of ${PAGE_SIZE} templates: the template list did not end`,
		{
			description:
				'A WhatsApp Business Account holds at most 6,000 templates, so the Graph API (or a proxy in between) kept answering with more pages. Check the Graph Base URL of the credential, then try again.',
		},
	);
}

/**
 * Resource-locator list of the WABA's templates, one entry per name (languages listed beside it). All pages are read
 * and grouped before answering, so a name whose languages span pages is still listed once.
 */
export async function searchTemplates(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	// Graph filters by name server-side ("contains"); we filter again below in case it does not.
	const templates = await listAllTemplates(this, await credentialsWithWaba(this), 'name,language,status,category,components', filter?.trim() || undefined, 'the template list');
	const byName = new Map<string, MessageTemplate[]>();
	for (const template of templates) {
		if (!matches(filter, template.name)) continue;
		const list = byName.get(template.name) ?? [];
		if (!list.some((known) => known.language === template.language)) list.push(template);
		byName.set(template.name, list);
	}
	// n8n's list shows only an entry's name, so the name carries what tells templates apart.
	const results: INodeListSearchItems[] = [...byName.entries()].map(([name, variants]) => ({ name: templateListName(name, variants), value: name }));
	return { results };
}

/** The longest body preview in the template list. */
const BODY_PREVIEW_LENGTH = 60;

/** "order_confirmation (en_US, pt_BR · Utility): Hi {{1}}, your order {{2}} is confirmed…" */
export function templateListName(name: string, variants: MessageTemplate[]): string {
	const languages = variants.map((variant) => `${variant.language}${variant.status && variant.status !== 'APPROVED' ? ` ${variant.status.toLowerCase()}` : ''}`);
	const category = variants[0].category ? `${variants[0].category.charAt(0)}${variants[0].category.slice(1).toLowerCase()}` : undefined;
	const body = (defaultVariant(variants)?.components ?? []).find((component) => component.type === 'BODY')?.text?.replace(/\s+/g, ' ').trim();
	return `${name} (${[languages.join(', '), category].filter(Boolean).join(' · ')})${body ? `: ${preview(body)}` : ''}`;
}

/** The start of a text, cut at a word, with an ellipsis when cut. */
function preview(text: string): string {
	if (text.length <= BODY_PREVIEW_LENGTH) return text;
	const cut = text.slice(0, BODY_PREVIEW_LENGTH - 1);
	const space = cut.lastIndexOf(' ');
	return `${(space > BODY_PREVIEW_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The variant sent when no language is given: the first approved one (else the first listed). */
export function defaultVariant(variants: MessageTemplate[]): MessageTemplate | undefined {
	return variants.find((variant) => variant.status === undefined || variant.status === 'APPROVED') ?? variants[0];
}

/** The variant the node's Language picks; the default when it is empty (or an expression the editor cannot resolve). */
function pickedVariant(variants: MessageTemplate[], language: string): MessageTemplate | undefined {
	return variants.find((variant) => language !== '' && variant.language === language) ?? defaultVariant(variants);
}

/**
 * Every language (and status) a template exists in. Graph's name filter is "contains", so a short name can match
 * many templates over several pages: all pages are followed (bounded by MAX_TEMPLATE_PAGES, an error if reached).
 */
async function readTemplateVariants(
	context: CredentialContext,
	credentials: WhatsAppCredentials & { wabaId: string },
	templateName: string,
): Promise<MessageTemplate[]> {
	const templates = await listAllTemplates(
		context,
		credentials,
		'name,language,status,category,parameter_format,components',
		templateName,
		`the languages of template "${templateName}"`,
	);
	return templates.filter((template) => template.name === templateName);
}

/** The management cache's key of a template's definitions (one read holds every language of the name). */
function templateKey(credentials: WhatsAppCredentials & { wabaId: string }, templateName: string): string {
	return managementCacheKey(credentials, 'template', templateName);
}

/**
 * A template's languages and definitions read afresh from Meta, refilling the kept copy sends check against: the
 * editor's look-ups (languages, variables, fields) are how a user who changed a template at Meta refreshes it.
 */
export async function fetchTemplateVariants(context: CredentialContext, templateName: string): Promise<MessageTemplate[]> {
	const credentials = await credentialsWithWaba(context);
	const read = () => readTemplateVariants(context, credentials, templateName);
	return getManagementCache().refresh(templateKey(credentials, templateName), read, await sharedEntriesFor(credentials));
}

/** The same, kept a few minutes (and shared through the gate's Redis): what sends check against. */
export async function cachedTemplateVariants(context: CredentialContext, templateName: string): Promise<MessageTemplate[]> {
	const credentials = await credentialsWithWaba(context);
	const read = () => readTemplateVariants(context, credentials, templateName);
	return getManagementCache().read(templateKey(credentials, templateName), read, await sharedEntriesFor(credentials));
}

/** Drops a template's kept definitions: Meta refused a send as not matching them (132000, 132001, 132012, 132015). */
export async function forgetTemplateVariants(credentials: WhatsAppCredentials, templateName: string): Promise<void> {
	const wabaId = String(credentials.wabaId ?? '').trim();
	if (!wabaId) return;
	const withWaba = { ...credentials, wabaId };
	await getManagementCache().forget(templateKey(withWaba, templateName), await sharedEntriesFor(withWaba));
}

/** loadOptions: the languages of the picked template, approved ones first, after the empty choice (the default). */
export async function getTemplateLanguages(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const templateName = String(this.getNodeParameter('template', '', { extractValue: true }) ?? '').trim();
	if (!templateName) return [{ name: "The Template's First Approved Language", value: '' }];
	const variants = await fetchTemplateVariants(this, templateName);
	const fallback = defaultVariant(variants);
	// A copy: the kept definitions are shared with every execution.
	return [
		{ name: fallback ? `First Approved Language (${fallback.language})` : "The Template's First Approved Language", value: '' },
		...[...variants]
			.sort((a, b) => Number(b.status === 'APPROVED') - Number(a.status === 'APPROVED'))
			.map((variant) => ({
				name: variant.status && variant.status !== 'APPROVED' ? `${variant.language} (${variant.status.toLowerCase()})` : variant.language,
				value: variant.language,
			})),
	];
}

/** The header kinds a template send can carry (the node's Header values). */
export const TEMPLATE_HEADER_KINDS = ['none', 'text', 'image', 'video', 'document', 'location', 'product'] as const;
export type TemplateHeaderKind = (typeof TEMPLATE_HEADER_KINDS)[number];

/** What a template's header asks of a send: nothing, or a value of one kind (a text header: its variable). */
export type TemplateHeaderNeed = { kind: 'none'; fixed: boolean } | { kind: Exclude<TemplateHeaderKind, 'none'>; variable?: string };

export function templateHeaderNeed(template: MessageTemplate): TemplateHeaderNeed {
	const header = template.components?.find((component) => component.type === 'HEADER');
	const format = header?.format?.toLowerCase();
	if (!format) return { kind: 'none', fixed: false };
	if (format !== 'text') return { kind: format as Exclude<TemplateHeaderKind, 'none'> };
	const variable = templateVariables(header?.text ?? '')[0];
	return variable ? { kind: 'text', variable } : { kind: 'none', fixed: true };
}

const HEADER_NAMES: Record<TemplateHeaderKind, string> = {
	none: 'None',
	text: 'Text',
	image: 'Image',
	video: 'Video',
	document: 'Document',
	location: 'Location',
	product: 'Product',
};

/**
 * The Header choices, each named by what the picked template needs (`need` undefined: no template picked yet). In
 * "From the Template's Fields" mode a text header's variable is one of the Template Fields, so None sends it too.
 */
export function templateHeaderOptions(need: TemplateHeaderNeed | undefined, fromFields: boolean): INodePropertyOptions[] {
	const name = (kind: TemplateHeaderKind): string => {
		if (!need) return HEADER_NAMES[kind];
		if (need.kind === 'none') {
			if (kind !== 'none') return HEADER_NAMES[kind];
			return need.fixed ? "None (This Template's Header Is Fixed Text)" : 'None (This Template Has No Header)';
		}
		const what = need.kind === 'text' ? `a Text Header With {{${need.variable}}}` : `${/^[aeiou]/.test(need.kind) ? 'an' : 'a'} ${HEADER_NAMES[need.kind]} Header`;
		if (need.kind === 'text' && fromFields && kind === 'none') return `Text: {{${need.variable}}} Is Filled in Template Fields`;
		if (need.kind === 'text' && fromFields && kind === 'text') return `Text (the Same: {{${need.variable}}} From Template Fields)`;
		if (kind === need.kind) return `${HEADER_NAMES[kind]} (This Template Has ${what})`;
		if (kind === 'none') return `None: Not Enough, This Template Has ${what} (Choose ${HEADER_NAMES[need.kind]})`;
		return HEADER_NAMES[kind];
	};
	return TEMPLATE_HEADER_KINDS.map((kind) => ({ name: name(kind), value: kind }));
}

/** loadOptions: the Header choices, named by what the picked template's header needs. */
export async function getTemplateHeaders(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const templateName = String(this.getNodeParameter('template', '', { extractValue: true }) ?? '').trim();
	const fromFields = this.getNodeParameter('templateInputMode', 'fields') !== 'manual';
	if (!templateName) return templateHeaderOptions(undefined, fromFields);
	const template = pickedVariant(await fetchTemplateVariants(this, templateName), String(this.getNodeParameter('language', '') ?? ''));
	return templateHeaderOptions(template ? templateHeaderNeed(template) : undefined, fromFields);
}

/** loadOptions: the body variables of the picked template ({{1}} or {{first_name}}), so users see what to fill. */
export async function getTemplateVariables(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const templateName = String(this.getNodeParameter('template', '', { extractValue: true }) ?? '').trim();
	if (!templateName) return [];
	const variants = await fetchTemplateVariants(this, templateName);
	const template = pickedVariant(variants, String(this.getNodeParameter('language', '') ?? ''));
	const body = template?.components?.find((component) => component.type === 'BODY');
	if (!body?.text) return [];
	return templateVariables(body.text).map((variable) => ({
		name: `{{${variable}}}`,
		value: variable,
		description: body.text!.slice(0, 200),
	}));
}

/**
 * The key of a template field in the `templateFields` resource mapper: `header`, `body:<variable>`, or
 * `button:<sub_type>:<index>`. The node reads values back by these keys without fetching the template again.
 */
export const TEMPLATE_FIELD = {
	header: 'header',
	body: (variable: string) => `body:${variable}`,
	button: (subType: 'url' | 'copy_code' | 'quick_reply' | 'flow' | 'catalog' | 'mpm' | 'order_details', index: number) => `button:${subType}:${index}`,
	/** A carousel card's value (card counted from 0): `card:0:header:image`, `card:0:body:1`, `card:0:button:url:1`. */
	card: (card: number, key: string) => `card:${card}:${key}`,
	/** The catalog of a product card carousel's products. */
	catalog: 'carousel:catalog',
	/** A multi-product button's thumbnail product, beside its sections (`button:mpm:<index>`). */
	mpmThumbnail: (index: number) => `button:mpm_thumbnail:${index}`,
	/** A flow button's initial data (`flow_action_data`), beside its token. */
	flowData: (index: number) => `button:flow_data:${index}`,
	/** A limited-time offer template's expiration. */
	offerExpiration: 'offer:expiration',
	/** An authentication template's one-time code (`otp:<button index>`): the body's {{1}} and the code button. */
	otp: 'otp',
};

function exampleOf(examples: unknown, position: number): string | undefined {
	const value = Array.isArray(examples) ? (Array.isArray(examples[0]) ? examples[0][position] : examples[position]) : undefined;
	return typeof value === 'string' ? value : undefined;
}

/** resourceMapping: one field per value the picked template needs (header text, body variables, button values). */
export async function getTemplateFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const templateName = String(this.getNodeParameter('template', '', { extractValue: true }) ?? '').trim();
	if (!templateName) return { fields: [], emptyFieldsNotice: 'Pick a template first' };
	const variants = await fetchTemplateVariants(this, templateName);
	const template = pickedVariant(variants, String(this.getNodeParameter('language', '') ?? ''));
	if (!template) return { fields: [], emptyFieldsNotice: `No template named "${templateName}" in this WhatsApp Business Account` };
	const fields: ResourceMapperField[] = [];
	const field = (id: string, displayName: string, required = true): ResourceMapperField => ({
		id,
		displayName,
		required,
		defaultMatch: false,
		display: true,
		type: 'string',
		canBeUsedToMatch: false,
	});
	const oneTimeCode = authenticationCodeField(template, field);
	if (oneTimeCode) return { fields: [oneTimeCode] };
	for (const component of template.components ?? []) {
		if (component.type === 'HEADER' && component.format === 'TEXT' && component.text) {
			const variable = templateVariables(component.text)[0];
			if (variable) {
				const example = component.example?.header_text?.[0] ?? component.example?.header_text_named_params?.[0]?.example;
				fields.push(field(TEMPLATE_FIELD.header, `Header {{${variable}}}${example ? ` (e.g. ${example})` : ''}`));
			}
		}
		if (component.type === 'BODY' && component.text) {
			templateVariables(component.text).forEach((variable, position) => {
				const example =
					exampleOf(component.example?.body_text, position) ??
					component.example?.body_text_named_params?.find((named) => named.param_name === variable)?.example;
				fields.push(field(TEMPLATE_FIELD.body(variable), `{{${variable}}}${example ? ` (e.g. ${example})` : ''}`));
			});
		}
		if (component.type === 'BUTTONS') {
			(component.buttons ?? []).forEach((button, index) => {
				if (button.type === 'URL' && templateVariables(button.url ?? '').length) {
					fields.push(field(TEMPLATE_FIELD.button('url', index), `Button "${button.text ?? index}": end of ${button.url}`));
				} else if (button.type === 'COPY_CODE') {
					fields.push(field(TEMPLATE_FIELD.button('copy_code', index), `Button "${button.text ?? index}": coupon code`));
				} else if (button.type === 'OTP') {
					fields.push(field(TEMPLATE_FIELD.button('url', index), `Button "${button.text ?? index}": one-time code`));
				} else if (button.type === 'QUICK_REPLY') {
					// Optional: without a payload the webhook carries the button's text only.
					fields.push(field(TEMPLATE_FIELD.button('quick_reply', index), `Button "${button.text ?? index}": reply payload (optional)`, false));
				} else if (button.type === 'FLOW') {
					fields.push(field(TEMPLATE_FIELD.button('flow', index), `Button "${button.text ?? index}": flow token (optional)`, false));
					// https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow: "flow_action_data … optional, json object with the data payload for the first screen"
					fields.push(field(TEMPLATE_FIELD.flowData(index), `Button "${button.text ?? index}": data for the flow's first screen (JSON, optional)`, false));
				} else if (button.type === 'CATALOG') {
					// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates
					fields.push(field(TEMPLATE_FIELD.button('catalog', index), `Button "${button.text ?? index}": thumbnail product retailer ID (optional)`, false));
				} else if (button.type === 'MPM') {
					// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
					fields.push(field(TEMPLATE_FIELD.mpmThumbnail(index), `Button "${button.text ?? index}": thumbnail product retailer ID`));
					fields.push(field(TEMPLATE_FIELD.button('mpm', index), `Button "${button.text ?? index}": product sections, one per line: Title: SKU, SKU… (up to 30 products)`));
				} else if (button.type === 'ORDER_DETAILS') {
					// https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates (India only)
					fields.push(field(TEMPLATE_FIELD.button('order_details', index), `Button "${button.text ?? index}": order details (JSON, Meta's order_details; India, INR)`));
				}
			});
		}
	}
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
	const offer = (template.components ?? []).find((component) => component.type.toUpperCase() === 'LIMITED_TIME_OFFER');
	if (offer?.limited_time_offer?.has_expiration) {
		fields.push(field(TEMPLATE_FIELD.offerExpiration, `Offer "${offer.limited_time_offer.text ?? 'limited-time offer'}" expires at: a date and time (e.g. 2027-05-04T18:00:00Z) or a Unix time in ms`));
	}
	const carousel = (template.components ?? []).find((component) => component.type.toUpperCase() === 'CAROUSEL');
	if (carousel) fields.push(...carouselFields(carousel, field));
	return fields.length ? { fields } : { fields, emptyFieldsNotice: 'This template has no variables: nothing to fill in' };
}

/**
 * An authentication template takes one value, its one-time code, sent as the body's {{1}} and on the code button:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates
 */
function authenticationCodeField(
	template: MessageTemplate,
	field: (id: string, displayName: string, required?: boolean) => ResourceMapperField,
): ResourceMapperField | undefined {
	if (template.category?.toUpperCase() !== 'AUTHENTICATION') return undefined;
	const buttons = template.components?.find((component) => component.type === 'BUTTONS')?.buttons ?? [];
	const codeButton = buttons.findIndex((button) => button.type === 'OTP' || button.type === 'URL');
	const example = template.components?.find((component) => component.type === 'BODY')?.example?.body_text?.[0]?.[0];
	return field(
		codeButton === -1 ? TEMPLATE_FIELD.otp : `${TEMPLATE_FIELD.otp}:${codeButton}`,
		`One-time code, up to 15 characters${example ? ` (e.g. ${example})` : ''}: sent in the message and on the ${codeButton === -1 ? 'code' : `"${buttons[codeButton].text ?? 'code'}"`} button`,
	);
}

/**
 * The fields of each card of a carousel template: its image or video (a link or a media ID) or its product, its body
 * variables and its button values; one Catalog ID for product cards.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 */
function carouselFields(
	carousel: TemplateComponentDefinition,
	field: (id: string, displayName: string, required?: boolean) => ResourceMapperField,
): ResourceMapperField[] {
	const fields: ResourceMapperField[] = [];
	(carousel.cards ?? []).forEach((card, index) => {
		const name = `Card ${index + 1}`;
		for (const component of card.components ?? []) {
			const type = component.type.toUpperCase();
			const format = component.format?.toUpperCase();
			if (type === 'HEADER' && format === 'PRODUCT') {
				if (index === 0) fields.push(field(TEMPLATE_FIELD.catalog, 'Catalog ID (of the cards\' products)'));
				fields.push(field(TEMPLATE_FIELD.card(index, 'header:product'), `${name}: product retailer ID (SKU)`));
			} else if (type === 'HEADER' && (format === 'IMAGE' || format === 'VIDEO')) {
				fields.push(field(TEMPLATE_FIELD.card(index, `header:${format.toLowerCase()}`), `${name}: ${format.toLowerCase()} (a link or a media ID)`));
			} else if (type === 'BODY' && component.text) {
				templateVariables(component.text).forEach((variable, position) => {
					const example = exampleOf(component.example?.body_text, position);
					fields.push(field(TEMPLATE_FIELD.card(index, `body:${variable}`), `${name}: {{${variable}}}${example ? ` (e.g. ${example})` : ''}`));
				});
			} else if (type === 'BUTTONS') {
				(component.buttons ?? []).forEach((button, position) => {
					const buttonType = button.type.toUpperCase();
					if (buttonType === 'URL' && templateVariables(button.url ?? '').length) {
						fields.push(field(TEMPLATE_FIELD.card(index, `button:url:${position}`), `${name}: button "${button.text ?? position}": end of ${button.url}`));
					} else if (buttonType === 'QUICK_REPLY') {
						fields.push(field(TEMPLATE_FIELD.card(index, `button:quick_reply:${position}`), `${name}: button "${button.text ?? position}": reply payload (optional)`, false));
					} else if (buttonType === 'ORDER_DETAILS') {
						// https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates (India only)
						fields.push(field(TEMPLATE_FIELD.card(index, `button:order_details:${position}`), `${name}: button "${button.text ?? position}": order details (JSON, Meta's order_details; India, INR)`));
					}
				});
			}
		}
	});
	return fields;
}

/** The variable names or positions in a template text, in order of first appearance. */
export function templateVariables(text: string): string[] {
	const seen = new Set<string>();
	for (const match of text.matchAll(/\{\{\s*([a-z_][a-z0-9_]*|[0-9]+)\s*\}\}/g)) seen.add(match[1]);
	return [...seen];
}
