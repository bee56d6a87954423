import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { TEMPLATE_FIELD, templateLanguageField, templateLocator } from '../../../shared/descriptions';
import {
	buildTemplate,
	MessageValidationError,
	type TemplateBodyParameterParams,
	type TemplateButtonParams,
	type TemplateCardHeaderParams,
	type TemplateCardParams,
	type TemplateHeaderParams,
	type TemplateMessage,
} from '../../../shared/messages';
import { expandOneTimeCode } from './authentication';
import { collectionList, param, readEnvelope, show } from '../common';
import { cardSlot, checkPassIds, HEADER_MEDIA_SOURCES, inSlot, linkUploadOnceField, prepared, readBinaryMedia, readLinkUses } from '../media';
import { cardsDescription, carouselLabels, readCardFields, readManualCards } from './carousel';
import { offerExpirationField, offerExpirationMs } from './offer';
import { parseProductSections, productButtonValues } from './products';
import { checkoutButtonValues } from './checkout';
import type { GivenLink, MessageKindModule, PendingUpload, PreparedMessage, SlotMediaIds } from '../types';

/** Used in the body until the template's own default language is known. */
const LANGUAGE_PENDING = 'en';

const headerShown = (...types: string[]) => ({ show: { messageType: ['template' as const], templateHeader: types } });

export const description: INodeProperties[] = [
	{ ...templateLocator, displayOptions: show('template') },
	{
		...templateLanguageField,
		required: false,
		hint: 'Empty: the template\'s first approved language',
		displayOptions: show('template'),
	},
	{
		displayName: 'Header',
		name: 'templateHeader',
		type: 'options',
		// Loaded so each choice says what the picked template's header needs (templateHeaderOptions).
		typeOptions: { loadOptionsMethod: 'getTemplateHeaders', loadOptionsDependsOn: ['template.value', 'language', 'templateInputMode'] },
		default: 'none',
		description:
			'The header the template was approved with: the list names what the picked template needs. A text header\'s variable is filled in Template Fields (or Header Text when filling variables manually); media and location headers need their content at each send.',
		displayOptions: show('template'),
	},
	{
		displayName: 'Fill Variables',
		name: 'templateInputMode',
		type: 'options',
		options: [
			{
				name: 'From the Template\'s Fields',
				value: 'fields',
				description: 'One field per variable and button value of the picked template, read from Meta',
			},
			{
				name: 'Manually',
				value: 'manual',
				description: 'List the variables yourself, each with its type (text, currency, date and time)',
			},
		],
		default: 'fields',
		displayOptions: show('template'),
	},
	{
		displayName: 'Template Fields',
		name: 'templateFields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['template.value', 'language'],
			resourceMapper: {
				resourceMapperMethod: 'getTemplateFields',
				mode: 'add',
				fieldWords: { singular: 'variable', plural: 'variables' },
				addAllFields: true,
				supportAutoMap: false,
				noFieldsError: 'This template has no variables: nothing to fill in',
			},
		},
		description:
			'The values of the template\'s variables, e.g. the customer\'s name for {{1}}. For a currency or date-time value, give JSON: {"currency": "USD", "amount": 25.9, "fallback": "$25.90"} or {"dateTime": "May 4, 2027"}.',
		displayOptions: { show: { messageType: ['template'], templateInputMode: ['fields'] } },
	},
	{
		displayName: 'Header Text',
		name: 'templateHeaderText',
		type: 'string',
		default: '',
		required: true,
		description: 'The value of the header variable, up to 60 characters',
		displayOptions: { show: { messageType: ['template'], templateHeader: ['text'], templateInputMode: ['manual'] } },
	},
	{
		displayName: 'Header Variable Name',
		name: 'templateHeaderParameterName',
		type: 'string',
		default: '',
		placeholder: 'e.g. order_number',
		description: 'Named templates only: the variable name in the header, e.g. order_number for {{order_number}}',
		displayOptions: { show: { messageType: ['template'], templateHeader: ['text'], templateInputMode: ['manual'] } },
	},
	{
		displayName: 'Header Media Source',
		name: 'templateHeaderMediaSource',
		type: 'options',
		options: HEADER_MEDIA_SOURCES,
		default: 'link',
		displayOptions: headerShown('image', 'video', 'document'),
	},
	{
		displayName: 'Header Input Binary Field',
		name: 'templateHeaderBinaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the header file (e.g. the PDF of an invoice)',
		displayOptions: {
			show: { messageType: ['template'], templateHeader: ['image', 'video', 'document'], templateHeaderMediaSource: ['binary'] },
		},
	},
	{
		displayName: 'Header Link',
		name: 'templateHeaderLink',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/ticket.pdf',
		description: 'A public URL of the header image, video or document',
		displayOptions: {
			show: { messageType: ['template'], templateHeader: ['image', 'video', 'document'], templateHeaderMediaSource: ['link'] },
		},
	},
	// Also with no header: a carousel's card images and videos are links too.
	linkUploadOnceField({
		show: { messageType: ['template'], templateHeader: ['none', 'image', 'video', 'document'] },
		hide: { templateHeaderMediaSource: ['binary', 'id'] },
	}),
	{
		displayName: 'Header Media ID',
		name: 'templateHeaderMediaId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of media already uploaded to WhatsApp (e.g. with the WhatsApp Media node)',
		displayOptions: {
			show: { messageType: ['template'], templateHeader: ['image', 'video', 'document'], templateHeaderMediaSource: ['id'] },
		},
	},
	{
		displayName: 'Header File Name',
		name: 'templateHeaderFilename',
		type: 'string',
		default: '',
		placeholder: 'e.g. ticket.pdf',
		description: 'The file name the recipient sees',
		displayOptions: headerShown('document'),
	},
	{
		displayName: 'Header Latitude',
		name: 'templateHeaderLatitude',
		type: 'number',
		typeOptions: { minValue: -90, maxValue: 90, numberPrecision: 7 },
		default: 0,
		description: 'From -90 to 90',
		displayOptions: headerShown('location'),
	},
	{
		displayName: 'Header Longitude',
		name: 'templateHeaderLongitude',
		type: 'number',
		typeOptions: { minValue: -180, maxValue: 180, numberPrecision: 7 },
		default: 0,
		description: 'From -180 to 180',
		displayOptions: headerShown('location'),
	},
	{
		displayName: 'Header Location Name',
		name: 'templateHeaderLocationName',
		type: 'string',
		default: '',
		description: 'The name shown on the map pin',
		displayOptions: headerShown('location'),
	},
	{
		displayName: 'Header Location Address',
		name: 'templateHeaderLocationAddress',
		type: 'string',
		default: '',
		description: 'The address shown under the name',
		displayOptions: headerShown('location'),
	},
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
	{
		displayName: 'Header Catalog ID',
		name: 'templateHeaderCatalogId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 194836987003835',
		description: 'The catalog connected to your WhatsApp Business Account that holds the product',
		displayOptions: headerShown('product'),
	},
	{
		displayName: 'Header Product Retailer ID',
		name: 'templateHeaderProductRetailerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. nqryix03ez',
		description: "The product's SKU (Content ID in Commerce Manager): its image, title and price head the message",
		displayOptions: headerShown('product'),
	},
	{
		displayName: 'Body Variables',
		name: 'templateBodyParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add variable',
		default: {},
		hint: 'One entry per variable of the template body, in order for {{1}}, {{2}}… or by name for {{first_name}}',
		displayOptions: { show: { messageType: ['template'], templateInputMode: ['manual'] } },
		options: [
			{
				displayName: 'Variable',
				name: 'parameter',
				values: [
					{
						displayName: 'Variable Name or ID',
						name: 'variable',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getTemplateVariables', loadOptionsDependsOn: ['template.value', 'language'] },
						default: '',
						description:
							'Which variable this fills: {{1}} or {{first_name}}. Empty: the next position. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Text', value: 'text' },
							{ name: 'Currency', value: 'currency' },
							{ name: 'Date and Time', value: 'date_time' },
						],
						default: 'text',
					},
					{
						displayName: 'Text',
						name: 'text',
						type: 'string',
						default: '',
						displayOptions: { show: { type: ['text'] } },
					},
					{
						displayName: 'Amount',
						name: 'amount',
						type: 'number',
						typeOptions: { numberPrecision: 3 },
						default: 0,
						description: 'e.g. 12.99 (sent to Meta as 12990 thousandths)',
						displayOptions: { show: { type: ['currency'] } },
					},
					{
						displayName: 'Currency Code',
						name: 'code',
						type: 'string',
						default: 'USD',
						description: 'ISO 4217, three letters, e.g. USD or EUR',
						displayOptions: { show: { type: ['currency'] } },
					},
					{
						displayName: 'Shown As',
						name: 'fallbackValue',
						type: 'string',
						default: '',
						placeholder: 'e.g. $12.99 or November 25, 2026',
						description: 'The text WhatsApp shows',
						displayOptions: { show: { type: ['currency', 'date_time'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Buttons',
		name: 'templateButtons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add button parameter',
		default: {},
		hint: 'Only for template buttons that take a value: a quick reply payload, the variable end of a URL, a coupon code, or a flow',
		displayOptions: { show: { messageType: ['template'], templateInputMode: ['manual'] } },
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Button Type',
						name: 'subType',
						type: 'options',
						options: [
							{ name: 'Catalog', value: 'catalog' },
							{ name: 'Checkout (Buy Now, India)', value: 'order_details' },
							{ name: 'Copy Code', value: 'copy_code' },
							{ name: 'Flow', value: 'flow' },
							{ name: 'Multi-Product', value: 'mpm' },
							{ name: 'Quick Reply', value: 'quick_reply' },
							{ name: 'URL', value: 'url' },
						],
						default: 'quick_reply',
					},
					{
						displayName: 'Button Position',
						name: 'index',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 9 },
						default: 0,
						description: 'The position of the button in the template, counting from 0',
					},
					{
						displayName: 'Payload',
						name: 'payload',
						type: 'string',
						default: '',
						description: 'Returned to the WhatsApp Cloud Trigger when the button is tapped',
						displayOptions: { show: { subType: ['quick_reply'] } },
					},
					{
						displayName: 'URL Variable',
						name: 'text',
						type: 'string',
						default: '',
						description: 'The end of the URL that replaces {{1}} in the template\'s URL',
						displayOptions: { show: { subType: ['url'] } },
					},
					{
						displayName: 'Coupon Code',
						name: 'couponCode',
						type: 'string',
						default: '',
						description: 'Up to 20 characters',
						displayOptions: { show: { subType: ['copy_code'] } },
					},
					{
						displayName: 'Flow Token',
						name: 'flowToken',
						type: 'string',
						default: '',
						displayOptions: { show: { subType: ['flow'] } },
					},
					{
						displayName: 'Flow Data (JSON)',
						name: 'flowActionData',
						type: 'json',
						default: '',
						displayOptions: { show: { subType: ['flow'] } },
					},
					...productButtonValues,
					...checkoutButtonValues,
				],
			},
		],
	},
	cardsDescription,
	offerExpirationField,
	{
		displayName: 'Template Options',
		name: 'templateOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show('template'),
		options: [
			{
				displayName: 'Check Against Template',
				name: 'checkTemplate',
				type: 'boolean',
				default: true,
				description:
					"Whether to check the header, variables and buttons against the template Meta holds before sending (so mistakes fail before any message goes out). Its definition is read once and kept five minutes; opening the template's fields in the editor reads it afresh.",
			},
		],
	},
];

/** Variables given as {{1}}, {{2}} go by position; named ones carry their name. */
export function readBodyParameters(raw: IDataObject[]): TemplateBodyParameterParams[] {
	const entries = raw.map((entry, position) => {
		const variable = String(entry.variable ?? '').trim().replace(/^\{\{\s*|\s*\}\}$/g, '');
		const built: TemplateBodyParameterParams = {
			type: (entry.type as TemplateBodyParameterParams['type']) ?? 'text',
			text: entry.text,
			fallbackValue: entry.fallbackValue,
			code: entry.code,
			amount1000: entry.amount === undefined || entry.amount === '' ? undefined : Math.round(Number(entry.amount) * 1000),
		};
		const numeric = /^[0-9]+$/.test(variable);
		if (variable && !numeric) built.parameterName = variable;
		return { built, order: numeric ? Number(variable) : position + 1 };
	});
	const positional = entries.every((entry) => entry.built.parameterName === undefined);
	if (positional) entries.sort((a, b) => a.order - b.order);
	return entries.map((entry) => entry.built);
}

async function readHeader(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<{ header: TemplateHeaderParams; uploads?: PendingUpload[] }> {
	const type = param<TemplateHeaderParams['type']>(context, 'templateHeader', itemIndex, 'none');
	if ((type === 'image' || type === 'video' || type === 'document') && param<string>(context, 'templateHeaderMediaSource', itemIndex, 'link') === 'binary') {
		const file = await readBinaryMedia(context, itemIndex, param<string>(context, 'templateHeaderBinaryPropertyName', itemIndex, 'data'), type);
		const filename = type === 'document' ? param<string>(context, 'templateHeaderFilename', itemIndex, '') || file.fileName : undefined;
		return { header: { type, filename }, uploads: [{ ...file, slot: 'header' }] };
	}
	return { header: readHeaderValues(context, itemIndex, type) };
}

/**
 * The links of a built template that may go by media ID: its media header's, and each carousel card's. Meta takes an
 * uploaded media ID in both (Template media: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-media/;
 * a card header is "Header asset's uploaded media asset ID" on the media card carousel templates page).
 */
function templateLinkUses(body: TemplateMessage, manual: boolean): GivenLink[] {
	const uses: GivenLink[] = [];
	for (const component of body.template.components ?? []) {
		const header = component.type === 'header' ? linkOf(component.parameters[0], ['image', 'video', 'document'] as const) : undefined;
		if (header) uses.push({ ...header, field: 'Header Link', slot: 'header' });
		if (component.type !== 'carousel') continue;
		for (const card of component.cards) {
			const cardHeader = linkOf(card.components[0]?.parameters[0], ['image', 'video'] as const);
			const field = manual ? `Carousel Cards #${card.card_index + 1} › Image or Video` : `Template Fields › Card ${card.card_index + 1} header`;
			if (cardHeader) uses.push({ ...cardHeader, field, slot: cardSlot(card.card_index) });
		}
	}
	return uses;
}

/** The kind and link of a media parameter `{ type, <type>: { link } }` of one of the kinds given. */
function linkOf<K extends string>(parameter: unknown, kinds: readonly K[]): { kind: K; url: unknown } | undefined {
	const type = (parameter as { type?: string } | undefined)?.type as K | undefined;
	if (!type || !kinds.includes(type)) return undefined;
	return { kind: type, url: (parameter as Record<string, { link?: unknown } | undefined>)[type]?.link };
}

function readHeaderValues(context: IExecuteFunctions, itemIndex: number, type: TemplateHeaderParams['type']): TemplateHeaderParams {
	switch (type) {
		case 'text':
			return {
				type,
				text: param(context, 'templateHeaderText', itemIndex, ''),
				parameterName: param(context, 'templateHeaderParameterName', itemIndex, ''),
			};
		case 'image':
		case 'video':
		case 'document': {
			const source = param<string>(context, 'templateHeaderMediaSource', itemIndex, 'link');
			return {
				type,
				mediaId: source === 'id' ? param(context, 'templateHeaderMediaId', itemIndex, '') : undefined,
				link: source === 'link' ? param(context, 'templateHeaderLink', itemIndex, '') : undefined,
				filename: type === 'document' ? param(context, 'templateHeaderFilename', itemIndex, '') : undefined,
			};
		}
		case 'location':
			return {
				type,
				latitude: param(context, 'templateHeaderLatitude', itemIndex),
				longitude: param(context, 'templateHeaderLongitude', itemIndex),
				name: param(context, 'templateHeaderLocationName', itemIndex, ''),
				address: param(context, 'templateHeaderLocationAddress', itemIndex, ''),
			};
		case 'product':
			return {
				type,
				catalogId: param(context, 'templateHeaderCatalogId', itemIndex, ''),
				productRetailerId: param(context, 'templateHeaderProductRetailerId', itemIndex, ''),
			};
		default:
			return { type: 'none' };
	}
}

/** The cards, each card's header sending the media ID its slot has, if any (a card's slot is its index). */
function cardsInSlots(cards: TemplateCardParams[], mediaIds: SlotMediaIds): TemplateCardParams[] {
	if (mediaIds.size === 0 || !Array.isArray(cards)) return cards;
	return cards.map((card, index) => {
		const mediaId = mediaIds.get(cardSlot(index));
		// Only an image or video card's link takes a slot (templateLinkUses), so a card given an ID has a media header.
		return mediaId === undefined ? card : { ...card, header: inSlot(card.header as Extract<TemplateCardHeaderParams, { type: 'image' | 'video' }>, mediaId) };
	});
}

function buildOrError(build: () => TemplateMessage): { body?: TemplateMessage; error?: Error } {
	try {
		return { body: build() };
	} catch (error) {
		return { error: error instanceof Error ? error : new Error(String(error)) };
	}
}

/**
 * A template field value: text, or a currency / date-time value given as an object or JSON text,
 * `{"currency": "USD", "amount": 25.9, "fallback": "$25.90"}` or `{"dateTime": "February 25, 2027", "fallback": …}`.
 */
export function typedBodyValue(value: unknown): TemplateBodyParameterParams {
	let object: IDataObject | undefined;
	if (value && typeof value === 'object' && !Array.isArray(value)) object = value as IDataObject;
	else if (typeof value === 'string' && /^\s*\{[\s\S]*\}\s*$/.test(value)) {
		try {
			const parsed = JSON.parse(value) as unknown;
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) object = parsed as IDataObject;
		} catch {
			object = undefined;
		}
	}
	if (object && object.currency !== undefined) {
		const amount = object.amount === undefined || object.amount === '' ? undefined : Math.round(Number(object.amount) * 1000);
		const fallback = object.fallback ?? object.fallbackValue ?? `${String(object.amount ?? '')} ${String(object.currency)}`.trim();
		return { type: 'currency', code: object.currency, amount1000: amount, fallbackValue: fallback };
	}
	if (object && (object.dateTime !== undefined || object.date_time !== undefined)) {
		return { type: 'date_time', fallbackValue: object.fallback ?? object.fallbackValue ?? object.dateTime ?? object.date_time };
	}
	return { type: 'text', text: value };
}

/** Which part of a multi-product button a builder field is: ", section 2 title", " thumbnail"… */
function productButtonPart(builderField: string): string {
	const section = /\.sections\[(\d+)\]\.(title|productRetailerIds)/.exec(builderField);
	if (section) return `, section ${Number(section[1]) + 1} ${section[2] === 'title' ? 'title' : 'products'}`;
	const order = /\.orderDetails\.?(.*)$/.exec(builderField);
	if (order) return order[1] ? ` order details ${order[1]}` : ' order details';
	return builderField.endsWith('.thumbnailProductRetailerId') ? ' thumbnail' : '';
}

/** Values of the `templateFields` resource mapper, turned into header, body and button parameters. */
function readTemplateFields(values: IDataObject): {
	headerText?: unknown;
	bodyParameters: TemplateBodyParameterParams[];
	buttons: TemplateButtonParams[];
	fieldOf: (builderField: string) => string | undefined;
} {
	const body: Array<{ variable: string; value: unknown }> = [];
	const buttons: Array<{ key: string; button: TemplateButtonParams }> = [];
	let headerText: unknown;
	for (const [key, value] of Object.entries(values ?? {})) {
		if (key === TEMPLATE_FIELD.header) headerText = value;
		const bodyMatch = /^body:(.+)$/.exec(key);
		if (bodyMatch) body.push({ variable: bodyMatch[1], value });
		const buttonMatch = /^button:(url|copy_code|quick_reply|flow|catalog|mpm|order_details):(\d)$/.exec(key);
		if (buttonMatch) {
			const subType = buttonMatch[1] as 'url' | 'copy_code' | 'quick_reply' | 'flow' | 'catalog' | 'mpm' | 'order_details';
			const index = Number(buttonMatch[2]);
			// Quick-reply payloads and flow tokens and data are optional: empty fields send no parameter for that button.
			const flowActionData = subType === 'flow' ? values[TEMPLATE_FIELD.flowData(index)] : undefined;
			const empty = (given: unknown) => given === undefined || given === null || String(given).trim() === '';
			// A catalog button's thumbnail is optional too (Meta then shows the catalog's first product).
			const optional = subType === 'quick_reply' || subType === 'flow' || subType === 'catalog';
			if (optional && empty(value) && empty(flowActionData)) continue;
			const parameters = {
				url: { text: value },
				copy_code: { couponCode: value },
				quick_reply: { payload: value },
				flow: { flowToken: value, flowActionData },
				catalog: { thumbnailProductRetailerId: value },
				mpm: { sections: parseProductSections(value, key), thumbnailProductRetailerId: values[TEMPLATE_FIELD.mpmThumbnail(index)] },
				order_details: { orderDetails: value },
			};
			buttons.push({ key, button: { subType, index, ...parameters[subType] } });
		}
	}
	const positional = body.every((entry) => /^[0-9]+$/.test(entry.variable));
	if (positional) body.sort((a, b) => Number(a.variable) - Number(b.variable));
	const bodyParameters = body.map((entry): TemplateBodyParameterParams => ({
		...typedBodyValue(entry.value),
		...(positional ? {} : { parameterName: entry.variable }),
	}));
	// Errors name the template field the user filled, not the parameter list it became.
	const fieldOf = (builderField: string): string | undefined => {
		const bodyIndex = /^bodyParameters\[(\d+)\]/.exec(builderField);
		if (bodyIndex) return `{{${body[Number(bodyIndex[1])]?.variable}}}`;
		const buttonIndex = /^buttons\[(\d+)\]/.exec(builderField);
		if (buttonIndex) return `button ${buttons[Number(buttonIndex[1])]?.button.index}${productButtonPart(builderField)}`;
		// Only a text header's variable is a template field; a media or product header has fields of its own.
		if (builderField === 'header.text' || builderField === 'header.parameterName') return 'the header variable';
		return undefined;
	};
	return { headerText, bodyParameters, buttons: buttons.map((entry) => entry.button), fieldOf };
}

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const templateName = String(context.getNodeParameter('template', itemIndex, '', { extractValue: true }) ?? '').trim();
	const language = String(param(context, 'language', itemIndex, '') ?? '').trim();
	const options = param<IDataObject>(context, 'templateOptions', itemIndex, {});
	const check = options.checkTemplate !== false;
	if (!language && !check) {
		throw new MessageValidationError('language', 'is required when "Check Against Template" is off (e.g. en_US)');
	}
	const mode = param<string>(context, 'templateInputMode', itemIndex, 'fields');
	const { header, uploads } = await readHeader(context, itemIndex);
	let bodyParameters: TemplateBodyParameterParams[];
	let buttons: TemplateButtonParams[];
	let fieldOf: ((builderField: string) => string | undefined) | undefined;
	let cards: TemplateCardParams[];
	let offerExpiration: unknown;
	if (mode === 'fields') {
		const values = expandOneTimeCode(param<IDataObject>(context, 'templateFields.value', itemIndex, {}) ?? {});
		const fields = readTemplateFields(values);
		const cardFields = readCardFields(values);
		bodyParameters = fields.bodyParameters;
		buttons = fields.buttons;
		cards = cardFields.cards;
		offerExpiration = values[TEMPLATE_FIELD.offerExpiration];
		fieldOf = (builderField) =>
			cardFields.fieldOf(builderField) ?? fields.fieldOf(builderField) ?? (builderField === 'offerExpirationTimeMs' ? 'Offer expiration' : undefined);
		if (fields.headerText !== undefined && (header.type === 'none' || header.type === 'text')) {
			header.type = 'text';
			header.text = fields.headerText;
		}
	} else {
		bodyParameters = readBodyParameters(collectionList(param(context, 'templateBodyParameters', itemIndex, {}), 'parameter'));
		buttons = collectionList(param(context, 'templateButtons', itemIndex, {}), 'button').map((button, position) =>
			button.subType === 'mpm' ? { ...button, sections: parseProductSections(button.sections, `buttons[${position}].sections`) } : button,
		) as unknown as TemplateButtonParams[];
		cards = readManualCards(param(context, 'templateCards', itemIndex, {}));
		offerExpiration = param(context, 'templateOfferExpiration', itemIndex, '');
	}
	const envelope = readEnvelope(context, itemIndex);
	const build = (mediaIds: SlotMediaIds): TemplateMessage =>
		buildTemplate({
			...envelope,
			name: templateName,
			language: language || LANGUAGE_PENDING,
			header: inSlot(header, mediaIds.get('header')),
			bodyParameters,
			buttons,
			cards: cardsInSlots(cards, mediaIds),
			offerExpirationTimeMs: offerExpirationMs(offerExpiration),
		});
	const built = buildOrError(() => build(checkPassIds(uploads)));
	if (built.error) {
		const templateField = built.error instanceof MessageValidationError ? fieldOf?.(built.error.field) : undefined;
		throw templateField ? new MessageValidationError('templateFields', `${templateField} ${built.error.message}`) : built.error;
	}
	const body = built.body!;
	const mediaLinks = readLinkUses(context, itemIndex, templateLinkUses(body, mode === 'manual'));
	return {
		...prepared(body, build, { uploads, mediaLinks }),
		template: check || !language ? { name: templateName, language, languageGiven: language !== '' } : undefined,
	};
}

export const labels = {
	name: 'Template',
	language: 'Language',
	templateFields: 'Template Fields',
	header: 'Header',
	'header.type': 'Header',
	'header.text': 'Header Text',
	'header.parameterName': 'Header Variable Name',
	'header.mediaId': 'Header Media ID',
	'header.link': 'Header Link',
	'header.filename': 'Header File Name',
	linkUploadOnce: 'Upload Once and Send by ID',
	mimeType: 'Header Input Binary Field (MIME type)',
	fileSize: 'Header Input Binary Field (file size)',
	data: 'Header Input Binary Field',
	'header.latitude': 'Header Latitude',
	'header.longitude': 'Header Longitude',
	'header.name': 'Header Location Name',
	'header.address': 'Header Location Address',
	'header.catalogId': 'Header Catalog ID',
	'header.productRetailerId': 'Header Product Retailer ID',
	bodyParameters: 'Body Variables',
	parameterName: 'Variable',
	type: 'Type',
	text: 'Text',
	fallbackValue: 'Shown As',
	code: 'Currency Code',
	amount1000: 'Amount',
	buttons: 'Buttons',
	'buttons.text': 'URL Variable',
	subType: 'Button Type',
	index: 'Button Position',
	payload: 'Payload',
	couponCode: 'Coupon Code',
	flowToken: 'Flow Token',
	flowActionData: 'Flow Data (JSON)',
	thumbnailProductRetailerId: 'Thumbnail Product Retailer ID',
	sections: 'Product Sections',
	productRetailerIds: 'Products',
	orderDetails: 'Order Details (JSON)',
	...carouselLabels,
	offerExpirationTimeMs: 'Offer Expiration',
};

export const module: MessageKindModule = { description, read, labels };
