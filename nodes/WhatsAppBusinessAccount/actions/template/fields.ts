/**
 * The template definition fields shared by Create and Edit (header, body, footer, buttons, or Meta's components as
 * JSON), and reading them into Meta's component shape, checked (definition.ts).
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseJsonOrUndefined } from '../../../shared/messages/rules';
import { ManagementInputError } from '../errors';
import { checkComponents, checkTtl, FIXED_BUTTON_TEXT, MAX_BODY_TEXT, MAX_FOOTER_TEXT, MAX_HEADER_TEXT, placeholders } from './definition';
import type { Labeler, ParameterFormat, TemplateButton, TemplateComponent } from './definition';
import { placeMediaFiles, readMediaFileEntries, type PendingMediaFile } from './mediaFiles';

const COMPONENTS_JSON = 'Components (JSON)';
/** https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates */
const CHECKOUT_HINT =
	'"Buy now": India only (Payments API India: businesses with Razorpay, PayU or Zaakpay configured, users with +91 numbers); the order is given at each send';

export function definitionFields(operation: string): INodeProperties[] {
	const show = { resource: ['template'], operation: [operation] };
	const byFields = { ...show, defineBy: ['fields'] };
	return [
		{
			displayName: 'Define Template By',
			name: 'defineBy',
			type: 'options',
			default: 'fields',
			displayOptions: { show },
			options: [
				{ name: 'Fields', value: 'fields', description: 'Header, body, footer and buttons, one field each' },
				{
					name: "JSON (Meta's Components)",
					value: 'json',
					description: 'The components array as Meta documents it: carousel, limited-time offer, authentication…',
				},
			],
		},
		{
			displayName: 'Parameter Format',
			name: 'parameterFormat',
			type: 'options',
			default: 'POSITIONAL',
			displayOptions: { show },
			options: [
				{ name: 'Positional ({{1}}, {{2}}…)', value: 'POSITIONAL' },
				{ name: 'Named ({{first_name}}…)', value: 'NAMED' },
			],
			description: 'How the variables in the texts are written',
		},
		{
			displayName: 'Components (JSON)',
			name: 'componentsJson',
			type: 'json',
			default: '[\n  { "type": "BODY", "text": "Hello {{1}}, your order is on its way.", "example": { "body_text": [["Ana"]] } }\n]',
			required: true,
			displayOptions: { show: { ...show, defineBy: ['json'] } },
			description:
				'Meta\'s "components" array (<a href="https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components">template components</a>); header, body, footer and buttons are checked against Meta\'s limits before sending',
		},
		{
			displayName: 'Header',
			name: 'headerFormat',
			type: 'options',
			default: 'none',
			displayOptions: { show: byFields },
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'Text', value: 'TEXT' },
				{ name: 'Image', value: 'IMAGE' },
				{ name: 'Video', value: 'VIDEO' },
				{ name: 'Document', value: 'DOCUMENT' },
				{ name: 'Location', value: 'LOCATION' },
				{ name: 'Product (Single-Product Template)', value: 'PRODUCT' },
			],
		},
		{
			displayName: 'Header Text',
			name: 'headerText',
			type: 'string',
			default: '',
			displayOptions: { show: { ...byFields, headerFormat: ['TEXT'] } },
			description: `Up to ${MAX_HEADER_TEXT} characters, with at most one variable`,
		},
		{
			displayName: 'Header Variable Example',
			name: 'headerExample',
			type: 'string',
			default: '',
			displayOptions: { show: { ...byFields, headerFormat: ['TEXT'] } },
			description: 'An example value for the header\'s variable (Meta requires one when the header has a variable)',
		},
		{
			displayName: 'Header Media Handle',
			name: 'headerHandle',
			type: 'string',
			default: '',
			placeholder: 'e.g. 4::aW1hZ2UvcG5n:ARYp…',
			displayOptions: { show: { ...byFields, headerFormat: ['IMAGE', 'VIDEO', 'DOCUMENT'] }, hide: { headerMediaSource: ['binary'] } },
			description:
				'An example file\'s handle from Meta\'s <a href="https://developers.facebook.com/docs/graph-api/guides/upload">Resumable Upload API</a>, reviewed with the template',
		},
		{
			displayName: 'Body Text',
			name: 'bodyText',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			displayOptions: { show: byFields },
			description: `Up to ${MAX_BODY_TEXT} characters; variables {{1}}, {{2}}… (or {{first_name}} with named parameters), never first or last`,
		},
		{
			displayName: 'Body Variable Examples',
			name: 'bodyExamples',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add example',
			default: {},
			displayOptions: { show: byFields },
			description: 'One example value per body variable (Meta requires them to review the template)',
			options: [
				{
					displayName: 'Example',
					name: 'example',
					values: [
						{ displayName: 'Variable', name: 'variable', type: 'string', default: '', placeholder: 'e.g. 1 or first_name' },
						{ displayName: 'Example Value', name: 'value', type: 'string', default: '', placeholder: 'e.g. Ana' },
					],
				},
			],
		},
		{
			displayName: 'Footer Text',
			name: 'footerText',
			type: 'string',
			default: '',
			displayOptions: { show: byFields },
			description: `Optional, up to ${MAX_FOOTER_TEXT} characters, no variables`,
		},
		{
			displayName: 'Buttons',
			name: 'templateButtons',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add button',
			default: {},
			displayOptions: { show: byFields },
			description: 'Up to 10: quick replies (10), URLs (2), one phone number, one copy code; quick replies kept together',
			options: [
				{
					displayName: 'Button',
					name: 'button',
					values: [
						{
							displayName: 'Type',
							name: 'type',
							type: 'options',
							default: 'QUICK_REPLY',
							options: [
								{ name: 'Checkout (Buy Now, India)', value: 'ORDER_DETAILS', description: CHECKOUT_HINT },
								{ name: 'Copy Code', value: 'COPY_CODE' },
								{ name: 'Phone Number', value: 'PHONE_NUMBER' },
								{ name: 'Quick Reply', value: 'QUICK_REPLY' },
								{ name: 'URL', value: 'URL' },
								{ name: 'View Product (Single-Product Template)', value: 'SPM', description: 'The "View" button of a template with a Product header' },
							],
						},
						{
							displayName: 'Text',
							name: 'text',
							type: 'string',
							default: '',
							description: 'The button label, up to 25 characters',
							displayOptions: { show: { type: ['QUICK_REPLY', 'URL', 'PHONE_NUMBER'] } },
						},
						{
							displayName: 'URL',
							name: 'url',
							type: 'string',
							default: '',
							placeholder: 'e.g. https://shop.example.com/track/{{1}}',
							description: 'Up to 2000 characters, with at most one variable, {{1}}, at its end',
							displayOptions: { show: { type: ['URL'] } },
						},
						{
							displayName: 'URL Example',
							name: 'urlExample',
							type: 'string',
							default: '',
							placeholder: 'e.g. https://shop.example.com/track/4512',
							description: 'The whole URL with an example value in place of {{1}} (required when the URL has a variable)',
							displayOptions: { show: { type: ['URL'] } },
						},
						{
							displayName: 'Phone Number',
							name: 'phoneNumber',
							type: 'string',
							default: '',
							placeholder: 'e.g. +15550051310',
							description: 'Up to 20 characters',
							displayOptions: { show: { type: ['PHONE_NUMBER'] } },
						},
						{
							displayName: 'Example Code',
							name: 'code',
							type: 'string',
							default: '',
							placeholder: 'e.g. SAVE20',
							description: 'An example of the code copied when the button is tapped, up to 15 characters',
							displayOptions: { show: { type: ['COPY_CODE'] } },
						},
					],
				},
			],
		},
	];
}

export const TTL_LABEL = ['Options', 'Message Time-to-Live (Seconds)'];

/** Create's and Edit's options: the messages' time-to-live. */
export function templateOptionsField(operation: string): INodeProperties {
	return {
		displayName: 'Options',
		name: 'templateOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['template'], operation: [operation] } },
		options: [
			{
				displayName: 'Message Time-to-Live (Seconds)',
				name: 'messageSendTtlSeconds',
				type: 'number',
				default: 600,
				description:
					'How long WhatsApp keeps trying to deliver each message of this template: authentication 30–900, utility 30–43200 (-1: 30 days), marketing 43200–2592000 (<a href="https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/time-to-live">time-to-live</a>)',
			},
		],
	};
}

/** The item's time-to-live, checked for the category (any category's range when it is not known here). */
export function readTtl(context: IExecuteFunctions, itemIndex: number, category: string): number | undefined {
	const options = context.getNodeParameter('templateOptions', itemIndex, {}) as { messageSendTtlSeconds?: unknown };
	return options.messageSendTtlSeconds === undefined ? undefined : checkTtl(options.messageSendTtlSeconds, category, TTL_LABEL);
}

const BUTTON_LABELS: Record<string, string> = { type: 'Type', text: 'Text', url: 'URL', example: 'URL Example', phone_number: 'Phone Number' };

/** Names a place as the Fields mode shows it: `Buttons › Button #2 › Text`, `Body Variable Examples`… */
export const fieldsLabeler: Labeler = (place) => {
	if (place.component === 'HEADER') return [place.key === 'text' ? 'Header Text' : place.key === 'format' ? 'Header' : place.key === 'example' ? 'Header Variable Example' : 'Header'];
	if (place.component === 'BODY') return [place.key === 'example' ? 'Body Variable Examples' : 'Body Text'];
	if (place.component === 'FOOTER') return ['Footer Text'];
	if (place.button === undefined) return ['Buttons'];
	const key = place.key === 'example' && place.buttonType === 'COPY_CODE' ? 'Example Code' : (BUTTON_LABELS[place.key] ?? place.key);
	return ['Buttons', `Button #${place.button + 1}`, key];
};

/** The Fields mode's media header example is its own field. */
const fieldsModeLabeler: (headerFormat: string) => Labeler = (headerFormat) => (place) =>
	place.component === 'HEADER' && place.key === 'example' && headerFormat !== 'TEXT' ? ['Header Media Handle'] : fieldsLabeler(place);

/** Names a place as a path into the JSON: `Components (JSON) › [2].buttons[0].text`. */
export const jsonLabeler: Labeler = (place) => [
	COMPONENTS_JSON,
	`[${place.index}]${place.button === undefined ? '' : `.buttons[${place.button}]`}.${place.key}`,
];

interface ButtonInput {
	type?: string;
	text?: string;
	url?: string;
	urlExample?: string;
	phoneNumber?: string;
	code?: string;
}

function buttonOf(input: ButtonInput): TemplateButton {
	const type = String(input.type ?? 'QUICK_REPLY');
	if (type === 'URL') {
		const button: TemplateButton = { type, text: input.text ?? '', url: String(input.url ?? '').trim() };
		if (String(input.urlExample ?? '').trim()) button.example = [String(input.urlExample).trim()];
		return button;
	}
	if (type === 'PHONE_NUMBER') return { type, text: input.text ?? '', phone_number: String(input.phoneNumber ?? '').trim() };
	if (type === 'COPY_CODE') return { type, example: String(input.code ?? '').trim() };
	// Meta fixes these buttons' text (checkout button templates, SPM templates): it is filled in, not asked for.
	if (FIXED_BUTTON_TEXT[type] !== undefined) return { type, text: FIXED_BUTTON_TEXT[type] };
	return { type, text: input.text ?? '' };
}

/** The header's example in the shape of the parameter format (named: with the variable's name). */
function headerExample(text: string, value: string, format: ParameterFormat): TemplateComponent['example'] | undefined {
	const names = placeholders(text, format, ['Header Text']);
	if (names.length === 0) {
		if (value) throw new ManagementInputError('Header Variable Example', 'is set, but the header text has no variable to use it for');
		return undefined;
	}
	if (!value) return format === 'NAMED' ? { header_text_named_params: [] } : { header_text: [] };
	return format === 'NAMED' ? { header_text_named_params: [{ param_name: names[0], example: value }] } : { header_text: [value] };
}

/** The body's examples, matched to its variables by name or position; an example for no variable is an error. */
function bodyExample(text: string, examples: Array<{ variable?: string; value?: string }>, format: ParameterFormat): TemplateComponent['example'] | undefined {
	const names = placeholders(text, format, ['Body Text']);
	const given = examples.map((entry) => ({ variable: String(entry.variable ?? '').trim().replace(/^\{\{\s*|\s*\}\}$/g, ''), value: String(entry.value ?? '').trim() }));
	const unused = given.find((entry) => !names.includes(entry.variable));
	if (unused) {
		throw new ManagementInputError('Body Variable Examples', `has an example for "${unused.variable}", which the body text does not use (its variables: ${names.map((n) => `{{${n}}}`).join(', ') || 'none'})`);
	}
	if (names.length === 0) return undefined;
	if (format === 'NAMED') {
		return { body_text_named_params: names.flatMap((name) => given.filter((entry) => entry.variable === name).slice(0, 1).map((entry) => ({ param_name: name, example: entry.value }))) };
	}
	const ordered = names
		.map(Number)
		.sort((a, b) => a - b)
		.map((number) => given.find((entry) => entry.variable === String(number))?.value ?? '');
	return { body_text: [ordered] };
}

/** The Fields mode's components, in Meta's order: header, body, footer, buttons. */
function componentsFromFields(context: IExecuteFunctions, itemIndex: number, format: ParameterFormat): TemplateComponent[] {
	const text = (name: string) => String(context.getNodeParameter(name, itemIndex, '') ?? '');
	const components: TemplateComponent[] = [];
	const headerFormat = String(context.getNodeParameter('headerFormat', itemIndex, 'none'));
	if (headerFormat === 'TEXT') {
		const header: TemplateComponent = { type: 'HEADER', format: 'TEXT', text: text('headerText') };
		const example = headerExample(header.text ?? '', text('headerExample').trim(), format);
		if (example) header.example = example;
		components.push(header);
	} else if (headerFormat === 'LOCATION' || headerFormat === 'PRODUCT') {
		components.push({ type: 'HEADER', format: headerFormat });
	} else if (headerFormat !== 'none') {
		const handle = context.getNodeParameter('headerMediaSource', itemIndex, 'handle') === 'binary' ? '' : text('headerHandle').trim();
		components.push({ type: 'HEADER', format: headerFormat, example: { header_handle: handle ? [handle] : [] } });
	}
	const body: TemplateComponent = { type: 'BODY', text: text('bodyText') };
	const examples = (context.getNodeParameter('bodyExamples', itemIndex, {}) as { example?: Array<{ variable?: string; value?: string }> }).example ?? [];
	const example = bodyExample(body.text ?? '', examples, format);
	if (example) body.example = example;
	components.push(body);
	const footer = text('footerText');
	if (footer.trim()) components.push({ type: 'FOOTER', text: footer });
	const buttons = (context.getNodeParameter('templateButtons', itemIndex, {}) as { button?: ButtonInput[] }).button ?? [];
	if (buttons.length > 0) components.push({ type: 'BUTTONS', buttons: buttons.map(buttonOf) });
	return components;
}

/** The JSON mode's components: an array of objects, as Meta documents it. */
function componentsFromJson(context: IExecuteFunctions, itemIndex: number): TemplateComponent[] {
	let value = context.getNodeParameter('componentsJson', itemIndex, '[]') as unknown;
	if (typeof value === 'string') {
		const parsed = parseJsonOrUndefined(value);
		if (!parsed) throw new ManagementInputError(COMPONENTS_JSON, 'is not valid JSON');
		value = parsed.value;
	}
	if (!Array.isArray(value) || value.some((component) => typeof component !== 'object' || component === null || Array.isArray(component))) {
		throw new ManagementInputError(COMPONENTS_JSON, 'must be an array of component objects, e.g. [{ "type": "BODY", "text": "…" }]');
	}
	return value.map((component: TemplateComponent) => ({ ...component, type: String(component.type ?? '').toUpperCase() }));
}

/**
 * The item's template components and parameter format, checked against Meta's limits. With `withFiles` (Create), the
 * media examples given as binary files are placed (checked, a stand-in handle) and returned for upload.
 */
export function readDefinition(
	context: IExecuteFunctions,
	itemIndex: number,
	category: string,
	withFiles = false,
): { components: TemplateComponent[]; parameterFormat: ParameterFormat; files: PendingMediaFile[] } {
	const parameterFormat = (String(context.getNodeParameter('parameterFormat', itemIndex, 'POSITIONAL')).toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL') as ParameterFormat;
	const defineBy = String(context.getNodeParameter('defineBy', itemIndex, 'fields'));
	const components = defineBy === 'json' ? componentsFromJson(context, itemIndex) : componentsFromFields(context, itemIndex, parameterFormat);
	const files = withFiles ? placeMediaFiles(context, itemIndex, components, readMediaFileEntries(context, itemIndex, defineBy)) : [];
	const labeler = defineBy === 'json' ? jsonLabeler : fieldsModeLabeler(String(context.getNodeParameter('headerFormat', itemIndex, 'none')));
	return { components: checkComponents(components, parameterFormat, category, labeler), parameterFormat, files };
}
