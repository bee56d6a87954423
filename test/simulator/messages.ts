/**
 * `POST /{phone-number-id}/messages`: Meta's validation for every message kind and mark-as-read, then the
 * throughput, maintenance, recipient and pair-rate rules; an accepted message goes to the log and the webhooks.
 */
import { baseMimeType, findMedia, MEDIA_TYPES } from './media';
import { pathRoute } from './server';
import { assertAccess } from './surfaces';
import type { SimState } from './state';
import { checkCatalogProducts } from './catalog';
import { afterAccepted, marketingOutcome } from './marketing';
import { findTemplate, templateLanguages, templateParameterSpec, type TemplateParameterSpec } from './templates';
import { BSUID, MetaError, recipientKey, type AcceptedMessage, type FixtureTemplate, type Route, type SimRequest, type SimResponse } from './types';

type Json = Record<string, unknown>;

export const MESSAGE_TYPES = [
	'text',
	'image',
	'video',
	'audio',
	'document',
	'sticker',
	'location',
	'contacts',
	'reaction',
	'interactive',
	'template',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Recipient: digits with an optional leading `+` (E.164 has at most 15 digits). */
const RECIPIENT = /^\+?\d{5,15}$/;
const NAMED_PARAMETER = /^[a-z_]{1,20}$/;
const HTTP_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

// ---------------------------------------------------------------------------------------------------------------
// Meta's validation errors
// ---------------------------------------------------------------------------------------------------------------

/** `text['body']`, `interactive['action']['buttons'][0]`: the way Meta names a parameter in `details`. */
export function paramPath(path: string, key: string | number): string {
	if (typeof key === 'number') return `${path}[${key}]`;
	return path === '' ? key : `${path}['${key}']`;
}

/** 100: the parameter has the wrong type or is not a parameter at all. */
export function invalidParameter(details: string): MetaError {
	return new MetaError({ httpStatus: 400, code: 100, message: '(#100) Invalid parameter', details });
}

/** 131008: a required parameter is missing. */
export function missingParameter(path: string): MetaError {
	return new MetaError({ httpStatus: 400, code: 131008, message: '(#131008) Required parameter is missing', details: `Param ${path} is required` });
}

/** 131009: the value breaks a length, count, uniqueness or format rule. */
export function invalidValue(details: string): MetaError {
	return new MetaError({ httpStatus: 400, code: 131009, message: '(#131009) Parameter value is not valid', details });
}

function templateParamsMismatch(details: string): MetaError {
	return new MetaError({
		httpStatus: 400,
		code: 132000,
		message: '(#132000) Number of parameters does not match the expected number of params',
		details,
	});
}

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A JSON object at `path` (required unless `optional`). */
function object(parent: Json, key: string, path: string, optional = false): Json | undefined {
	const value = parent[key];
	const name = paramPath(path, key);
	if (value === undefined || value === null) {
		if (optional) return undefined;
		throw missingParameter(name);
	}
	if (!isObject(value)) throw invalidParameter(`Param ${name} must be a JSON object, got ${typeName(value)}`);
	return value;
}

/** Rejects keys Meta does not know, so a misplaced field is an error and not silently dropped. */
function allowKeys(value: Json, path: string, allowed: readonly string[]): void {
	for (const key of Object.keys(value)) {
		if (!allowed.includes(key)) {
			throw invalidParameter(`Param ${paramPath(path, key)} is not a valid parameter here; expected one of: ${allowed.join(', ')}`);
		}
	}
}

interface StringRule {
	optional?: boolean;
	max?: number;
	/** Empty strings allowed (default: not for required strings). */
	allowEmpty?: boolean;
}

/** Length in characters as Meta counts them (code points, so an emoji is one). */
function charLength(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

function string(parent: Json, key: string, path: string, rule: StringRule = {}): string | undefined {
	const value = parent[key];
	const name = paramPath(path, key);
	if (value === undefined || value === null) {
		if (rule.optional) return undefined;
		throw missingParameter(name);
	}
	if (typeof value !== 'string') throw invalidParameter(`Param ${name} must be a string, got ${typeName(value)}`);
	if (!rule.allowEmpty && value.trim() === '') {
		if (rule.optional) throw invalidValue(`Param ${name} must not be empty`);
		throw missingParameter(name);
	}
	if (rule.max !== undefined && value.length > rule.max && charLength(value) > rule.max) {
		throw invalidValue(`Param ${name} must be at most ${rule.max} characters`);
	}
	return value;
}

function boolean(parent: Json, key: string, path: string): boolean | undefined {
	const value = parent[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'boolean') throw invalidParameter(`Param ${paramPath(path, key)} must be a boolean, got ${typeName(value)}`);
	return value;
}

function number(parent: Json, key: string, path: string, min: number, max: number, optional = false): number | undefined {
	const value = parent[key];
	const name = paramPath(path, key);
	if (value === undefined || value === null) {
		if (optional) return undefined;
		throw missingParameter(name);
	}
	// Graph accepts numbers and numeric strings alike for coordinates and amounts.
	const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (!Number.isFinite(parsed)) throw invalidParameter(`Param ${name} must be a number, got ${typeName(value)}`);
	if (parsed < min || parsed > max) throw invalidValue(`Param ${name} must be between ${min} and ${max}`);
	return parsed;
}

function array(parent: Json, key: string, path: string, min: number, max: number, optional = false): unknown[] | undefined {
	const value = parent[key];
	const name = paramPath(path, key);
	if (value === undefined || value === null) {
		if (optional) return undefined;
		throw missingParameter(name);
	}
	if (!Array.isArray(value)) throw invalidParameter(`Param ${name} must be an array, got ${typeName(value)}`);
	if (value.length < min) {
		if (value.length === 0) throw missingParameter(name);
		throw invalidValue(`Param ${name} must have at least ${min} elements`);
	}
	if (value.length > max) throw invalidValue(`Param ${name} must have at most ${max} elements`);
	return value;
}

function element(value: unknown, path: string): Json {
	if (!isObject(value)) throw invalidParameter(`Param ${path} must be a JSON object, got ${typeName(value)}`);
	return value;
}

function oneOf<T extends string>(parent: Json, key: string, path: string, allowed: readonly T[], optional = false): T | undefined {
	const value = string(parent, key, path, { optional });
	if (value === undefined) return undefined;
	if (!allowed.includes(value as T)) {
		throw invalidParameter(`Param ${paramPath(path, key)} must be one of {${allowed.join(', ')}} - got "${value}"`);
	}
	return value as T;
}

function url(parent: Json, key: string, path: string, optional = false): string | undefined {
	const value = string(parent, key, path, { optional, max: 2000 });
	if (value !== undefined && !HTTP_URL.test(value)) {
		throw invalidValue(`Param ${paramPath(path, key)} must be a valid http or https URL`);
	}
	return value;
}

function unique(values: string[], path: string, what: string): void {
	const seen = new Set<string>();
	for (const value of values) {
		if (seen.has(value)) throw invalidValue(`${path}: ${what} must be unique, "${value}" is repeated`);
		seen.add(value);
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Message kinds
// ---------------------------------------------------------------------------------------------------------------

function validateText(text: Json): void {
	allowKeys(text, 'text', ['body', 'preview_url']);
	string(text, 'body', 'text', { max: 4096 });
	boolean(text, 'preview_url', 'text');
}

type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

const MEDIA_KEYS: Record<MediaType, readonly string[]> = {
	image: ['id', 'link', 'caption'],
	video: ['id', 'link', 'caption'],
	audio: ['id', 'link', 'voice'],
	document: ['id', 'link', 'caption', 'filename'],
	sticker: ['id', 'link'],
};

/** A media object `{id | link, …}` of `kind` (also used for interactive headers and template parameters). */
function validateMediaObject(sim: SimState, media: Json, path: string, kind: MediaType, allowed: readonly string[]): void {
	for (const key of Object.keys(media)) {
		if (!allowed.includes(key)) {
			if (key === 'caption') throw invalidParameter(`Param ${paramPath(path, key)} is not valid: ${kind} messages have no caption`);
			throw invalidParameter(`Param ${paramPath(path, key)} is not a valid parameter here; expected one of: ${allowed.join(', ')}`);
		}
	}
	const hasId = media.id !== undefined && media.id !== null;
	const hasLink = media.link !== undefined && media.link !== null;
	if (hasId && hasLink) throw invalidValue(`Param ${path} must have either id or link, not both`);
	if (!hasId && !hasLink) throw missingParameter(`${paramPath(path, 'id')} or ${paramPath(path, 'link')}`);
	if (hasId) {
		const id = string(media, 'id', path) as string;
		const stored = findMedia(sim, id);
		if (!stored) throw invalidValue(`Param ${paramPath(path, 'id')} is not a valid media ID: "${id}" does not exist or has expired`);
		const storedKind = MEDIA_TYPES[baseMimeType(stored.mimeType)]?.kind;
		if (storedKind !== kind) {
			throw new MetaError({
				httpStatus: 400,
				code: 131053,
				message: '(#131053) Media upload error',
				details: `Media ID ${id} is ${stored.mimeType}, which cannot be sent as ${kind}`,
			});
		}
	} else {
		url(media, 'link', path);
	}
	if (allowed.includes('caption')) string(media, 'caption', path, { optional: true, max: 1024, allowEmpty: true });
	if (allowed.includes('filename')) string(media, 'filename', path, { optional: true, max: 240 });
	if (allowed.includes('voice')) boolean(media, 'voice', path);
}

function validateLocation(location: Json, path: string, extraKeys: readonly string[] = []): void {
	allowKeys(location, path, ['latitude', 'longitude', 'name', 'address', ...extraKeys]);
	number(location, 'latitude', path, -90, 90);
	number(location, 'longitude', path, -180, 180);
	string(location, 'name', path, { optional: true, max: 1000, allowEmpty: true });
	string(location, 'address', path, { optional: true, max: 1000, allowEmpty: true });
}

function validateBirthday(value: string, path: string): void {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	const valid =
		match !== null &&
		(() => {
			const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
			return date.getUTCFullYear() === Number(match[1]) && date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]);
		})();
	if (!valid) throw invalidValue(`Param ${path} must be a date in YYYY-MM-DD format - got "${value}"`);
}

function validateContacts(contacts: unknown[]): void {
	contacts.forEach((raw, i) => {
		const path = `contacts[${i}]`;
		const contact = element(raw, path);
		allowKeys(contact, path, ['name', 'phones', 'emails', 'addresses', 'org', 'urls', 'birthday']);
		const name = object(contact, 'name', path) as Json;
		const namePath = paramPath(path, 'name');
		allowKeys(name, namePath, ['formatted_name', 'first_name', 'last_name', 'middle_name', 'suffix', 'prefix']);
		string(name, 'formatted_name', namePath);
		for (const key of ['first_name', 'last_name', 'middle_name', 'suffix', 'prefix']) string(name, key, namePath, { optional: true, allowEmpty: true });
		const lists: Array<[string, readonly string[], string | null]> = [
			['phones', ['phone', 'type', 'wa_id'], 'phone'],
			['emails', ['email', 'type'], 'email'],
			['addresses', ['street', 'city', 'state', 'zip', 'country', 'country_code', 'type'], null],
			['urls', ['url', 'type'], 'url'],
		];
		for (const [key, keys, required] of lists) {
			const items = array(contact, key, path, 0, 20, true);
			items?.forEach((item, j) => {
				const itemPath = paramPath(paramPath(path, key), j);
				const entry = element(item, itemPath);
				allowKeys(entry, itemPath, keys);
				for (const field of keys) string(entry, field, itemPath, { optional: field !== required, allowEmpty: field !== required });
			});
		}
		const org = object(contact, 'org', path, true);
		if (org) {
			allowKeys(org, paramPath(path, 'org'), ['company', 'department', 'title']);
			for (const key of ['company', 'department', 'title']) string(org, key, paramPath(path, 'org'), { optional: true, allowEmpty: true });
		}
		const birthday = string(contact, 'birthday', path, { optional: true });
		if (birthday !== undefined) validateBirthday(birthday, paramPath(path, 'birthday'));
	});
}

function validateReaction(reaction: Json): void {
	allowKeys(reaction, 'reaction', ['message_id', 'emoji']);
	string(reaction, 'message_id', 'reaction');
	const emoji = string(reaction, 'emoji', 'reaction', { allowEmpty: true });
	// An empty emoji removes the reaction; otherwise it must be one emoji, not text.
	if (emoji !== undefined && emoji !== '') {
		if (charLength(emoji) > 10 || !/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(emoji) || /[A-Za-z0-9]/.test(emoji)) {
			throw invalidValue(`Param reaction['emoji'] must be a single emoji - got "${emoji}"`);
		}
	}
}

// --- interactive ----------------------------------------------------------------------------------------------

const INTERACTIVE_TYPES = [
	'button',
	'list',
	'cta_url',
	'flow',
	'location_request_message',
	'contact_request',
	'product',
	'product_list',
	'catalog_message',
	'call_permission_request',
] as const;
type InteractiveType = (typeof INTERACTIVE_TYPES)[number];

/** Header kinds each interactive type accepts. */
const HEADER_KINDS: Record<InteractiveType, readonly string[]> = {
	button: ['text', 'image', 'video', 'document'],
	list: ['text'],
	cta_url: ['text', 'image', 'video', 'document'],
	flow: ['text', 'image', 'video', 'document'],
	location_request_message: [],
	contact_request: [],
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products
	product: [],
	product_list: ['text'],
	catalog_message: [],
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions
	call_permission_request: [],
};

function validateInteractive(sim: SimState, interactive: Json): void {
	const path = 'interactive';
	allowKeys(interactive, path, ['type', 'header', 'body', 'footer', 'action']);
	const type = oneOf(interactive, 'type', path, INTERACTIVE_TYPES) as InteractiveType;

	// A multi-product message must have a text header (share-products page, "Required Components").
	const header = object(interactive, 'header', path, type !== 'product_list');
	if (header) {
		const headerPath = paramPath(path, 'header');
		const kinds = HEADER_KINDS[type];
		if (kinds.length === 0) throw invalidParameter(`Param ${headerPath} is not valid for interactive type ${type}`);
		const kind = oneOf(header, 'type', headerPath, kinds) as string;
		allowKeys(header, headerPath, ['type', kind]);
		if (kind === 'text') {
			string(header, 'text', headerPath, { max: 60 });
		} else {
			const media = object(header, kind, headerPath) as Json;
			const allowed = kind === 'document' ? ['id', 'link', 'filename'] : ['id', 'link'];
			validateMediaObject(sim, media, paramPath(headerPath, kind), kind as MediaType, allowed);
		}
	}

	// A single-product message's body is optional (share-products page, "Optional Components").
	// A call permission request's body is optional too, and nothing but its body can be set (user-call-permissions page).
	const body = object(interactive, 'body', path, type === 'product' || type === 'call_permission_request');
	if (body) {
		allowKeys(body, paramPath(path, 'body'), ['text']);
		string(body, 'text', paramPath(path, 'body'), { max: type === 'list' ? 4096 : 1024 });
	}

	const footer = object(interactive, 'footer', path, true);
	if (footer && type === 'call_permission_request') throw invalidParameter(`Param ${paramPath(path, 'footer')} is not valid for interactive type ${type}`);
	if (footer) {
		allowKeys(footer, paramPath(path, 'footer'), ['text']);
		string(footer, 'text', paramPath(path, 'footer'), { max: 60 });
	}

	const action = object(interactive, 'action', path) as Json;
	const actionPath = paramPath(path, 'action');
	switch (type) {
		case 'button':
			validateReplyButtons(action, actionPath);
			break;
		case 'list':
			validateList(action, actionPath);
			break;
		case 'cta_url': {
			allowKeys(action, actionPath, ['name', 'parameters']);
			oneOf(action, 'name', actionPath, ['cta_url']);
			const parameters = object(action, 'parameters', actionPath) as Json;
			const parametersPath = paramPath(actionPath, 'parameters');
			allowKeys(parameters, parametersPath, ['display_text', 'url']);
			string(parameters, 'display_text', parametersPath, { max: 20 });
			url(parameters, 'url', parametersPath);
			break;
		}
		case 'flow':
			validateFlowAction(action, actionPath);
			break;
		case 'location_request_message':
			allowKeys(action, actionPath, ['name']);
			oneOf(action, 'name', actionPath, ['send_location']);
			break;
		// Asks a user known by a BSUID for their phone number:
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids#using-interactive-messages
		case 'contact_request':
			allowKeys(action, actionPath, ['name']);
			oneOf(action, 'name', actionPath, ['request_contact_info']);
			break;
		case 'call_permission_request':
			allowKeys(action, actionPath, ['name']);
			oneOf(action, 'name', actionPath, ['call_permission_request']);
			break;
		case 'product':
			allowKeys(action, actionPath, ['catalog_id', 'product_retailer_id']);
			string(action, 'catalog_id', actionPath);
			string(action, 'product_retailer_id', actionPath);
			break;
		case 'product_list':
			validateProductSections(action, actionPath);
			break;
		case 'catalog_message': {
			allowKeys(action, actionPath, ['name', 'parameters']);
			oneOf(action, 'name', actionPath, ['catalog_message']);
			// Optional: without it Meta shows the catalog's first product.
			const parameters = object(action, 'parameters', actionPath, true);
			if (parameters) {
				allowKeys(parameters, paramPath(actionPath, 'parameters'), ['thumbnail_product_retailer_id']);
				string(parameters, 'thumbnail_product_retailer_id', paramPath(actionPath, 'parameters'));
			}
			break;
		}
	}
}

/**
 * Up to 10 sections (titled when more than one, 24 characters) holding at most 30 products in all.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
 */
function validateProductSections(action: Json, actionPath: string): void {
	allowKeys(action, actionPath, ['catalog_id', 'sections']);
	string(action, 'catalog_id', actionPath);
	validateSections(action, actionPath);
}

/**
 * A catalog template button's thumbnail (optional), or a multi-product template button's thumbnail and sections.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
 */
function validateProductButtonAction(action: Json, actionPath: string, multiProduct: boolean): void {
	allowKeys(action, actionPath, multiProduct ? ['thumbnail_product_retailer_id', 'sections'] : ['thumbnail_product_retailer_id']);
	string(action, 'thumbnail_product_retailer_id', actionPath, { optional: !multiProduct });
	if (multiProduct) validateSections(action, actionPath);
}

function validateSections(action: Json, actionPath: string): void {
	const sections = array(action, 'sections', actionPath, 1, 10) as unknown[];
	const sectionsPath = paramPath(actionPath, 'sections');
	let productCount = 0;
	sections.forEach((raw, i) => {
		const sectionPath = paramPath(sectionsPath, i);
		const section = element(raw, sectionPath);
		allowKeys(section, sectionPath, ['title', 'product_items']);
		string(section, 'title', sectionPath, { optional: sections.length === 1, max: 24 });
		const items = array(section, 'product_items', sectionPath, 1, 30) as unknown[];
		items.forEach((rawItem, j) => {
			const itemPath = paramPath(paramPath(sectionPath, 'product_items'), j);
			const item = element(rawItem, itemPath);
			allowKeys(item, itemPath, ['product_retailer_id']);
			string(item, 'product_retailer_id', itemPath);
		});
		productCount += items.length;
	});
	if (productCount > 30) throw invalidValue(`Param ${sectionsPath} must have at most 30 products in all sections together - got ${productCount}`);
}

function validateReplyButtons(action: Json, actionPath: string): void {
	allowKeys(action, actionPath, ['buttons']);
	const buttons = array(action, 'buttons', actionPath, 1, 3) as unknown[];
	const buttonsPath = paramPath(actionPath, 'buttons');
	const ids: string[] = [];
	const titles: string[] = [];
	buttons.forEach((raw, i) => {
		const buttonPath = paramPath(buttonsPath, i);
		const button = element(raw, buttonPath);
		allowKeys(button, buttonPath, ['type', 'reply']);
		oneOf(button, 'type', buttonPath, ['reply']);
		const reply = object(button, 'reply', buttonPath) as Json;
		const replyPath = paramPath(buttonPath, 'reply');
		allowKeys(reply, replyPath, ['id', 'title']);
		ids.push(string(reply, 'id', replyPath, { max: 256 }) as string);
		titles.push(string(reply, 'title', replyPath, { max: 20 }) as string);
	});
	unique(ids, `Param ${buttonsPath}`, 'button ids');
	unique(titles, `Param ${buttonsPath}`, 'button titles');
}

function validateList(action: Json, actionPath: string): void {
	allowKeys(action, actionPath, ['button', 'sections']);
	string(action, 'button', actionPath, { max: 20 });
	const sections = array(action, 'sections', actionPath, 1, 10) as unknown[];
	const sectionsPath = paramPath(actionPath, 'sections');
	const rowIds: string[] = [];
	let rowCount = 0;
	sections.forEach((raw, i) => {
		const sectionPath = paramPath(sectionsPath, i);
		const section = element(raw, sectionPath);
		allowKeys(section, sectionPath, ['title', 'rows']);
		string(section, 'title', sectionPath, { optional: sections.length === 1, max: 24 });
		const rows = array(section, 'rows', sectionPath, 1, 10) as unknown[];
		rows.forEach((rawRow, j) => {
			const rowPath = paramPath(paramPath(sectionPath, 'rows'), j);
			const row = element(rawRow, rowPath);
			allowKeys(row, rowPath, ['id', 'title', 'description']);
			rowIds.push(string(row, 'id', rowPath, { max: 200 }) as string);
			string(row, 'title', rowPath, { max: 24 });
			string(row, 'description', rowPath, { optional: true, max: 72, allowEmpty: true });
		});
		rowCount += rows.length;
	});
	if (rowCount > 10) throw invalidValue(`Param ${sectionsPath} must have at most 10 rows in all sections together - got ${rowCount}`);
	unique(rowIds, `Param ${sectionsPath}`, 'row ids');
}

function validateFlowAction(action: Json, actionPath: string): void {
	allowKeys(action, actionPath, ['name', 'parameters']);
	oneOf(action, 'name', actionPath, ['flow']);
	const parameters = object(action, 'parameters', actionPath) as Json;
	const path = paramPath(actionPath, 'parameters');
	allowKeys(parameters, path, ['flow_message_version', 'flow_token', 'flow_id', 'flow_name', 'flow_cta', 'mode', 'flow_action', 'flow_action_payload']);
	oneOf(parameters, 'flow_message_version', path, ['3']);
	string(parameters, 'flow_token', path, { optional: true });
	const hasId = parameters.flow_id !== undefined;
	const hasName = parameters.flow_name !== undefined;
	if (hasId && hasName) throw invalidValue(`Param ${path} must have either flow_id or flow_name, not both`);
	if (!hasId && !hasName) throw missingParameter(`${paramPath(path, 'flow_id')} or ${paramPath(path, 'flow_name')}`);
	if (hasId) string(parameters, 'flow_id', path);
	if (hasName) string(parameters, 'flow_name', path);
	// Meta advises at most 30 characters: https://developers.facebook.com/documentation/business-messaging/whatsapp/flows/guides/sendingaflow/
	string(parameters, 'flow_cta', path, { max: 30 });
	oneOf(parameters, 'mode', path, ['published', 'draft'], true);
	const flowAction = oneOf(parameters, 'flow_action', path, ['navigate', 'data_exchange'], true);
	// data_exchange needs no payload; navigate without one opens the flow's first screen.
	const payload = object(parameters, 'flow_action_payload', path, true);
	if (payload) {
		const payloadPath = paramPath(path, 'flow_action_payload');
		allowKeys(payload, payloadPath, ['screen', 'data']);
		string(payload, 'screen', payloadPath, { optional: flowAction !== 'navigate' });
		object(payload, 'data', payloadPath, true);
	}
}

// --- template -------------------------------------------------------------------------------------------------

const TEMPLATE_BUTTON_SUB_TYPES = ['quick_reply', 'url', 'copy_code', 'flow', 'catalog', 'mpm', 'voice_call', 'order_details'] as const;

/** `{ offset, value }` of a checkout order; returns the value. */
function orderAmount(parent: Json, key: string, path: string, optional = false): number {
	const amount = object(parent, key, path, optional);
	if (!amount) return 0;
	const amountPath = paramPath(path, key);
	number(amount, 'offset', amountPath, 1, 1_000_000);
	string(amount, 'description', amountPath, { optional: true, max: 60 });
	const value = amount.value;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidParameter(`Param ${paramPath(amountPath, 'value')} must be a non-negative integer`);
	return value;
}

/**
 * A checkout button's order_details (India): the send body and limits of
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates
 * Meta names no error code for a wrong sum; 131009 (parameter value not valid) is the nearest documented one.
 */
function validateOrderDetails(action: Json, actionPath: string): void {
	allowKeys(action, actionPath, ['order_details']);
	const details = object(action, 'order_details', actionPath) as Json;
	const path = paramPath(actionPath, 'order_details');
	const referenceId = string(details, 'reference_id', path, { max: 35 }) as string;
	if (!/^[A-Za-z0-9_.-]+$/.test(referenceId)) throw invalidValue(`Param ${paramPath(path, 'reference_id')} may contain only English letters, numbers, underscores, dashes or dots`);
	const goods = oneOf(details, 'type', path, ['digital-goods', 'physical-goods']);
	oneOf(details, 'currency', path, ['INR']);
	const settings = array(details, 'payment_settings', path, 1, 10) as unknown[];
	settings.forEach((raw, i) => {
		const settingPath = paramPath(paramPath(path, 'payment_settings'), i);
		const setting = element(raw, settingPath);
		oneOf(setting, 'type', settingPath, ['payment_gateway']);
		const gateway = object(setting, 'payment_gateway', settingPath) as Json;
		oneOf(gateway, 'type', paramPath(settingPath, 'payment_gateway'), ['razorpay', 'payu', 'zaakpay']);
		string(gateway, 'configuration_name', paramPath(settingPath, 'payment_gateway'));
	});
	const shipping = object(details, 'shipping_info', path, goods !== 'physical-goods');
	if (shipping) oneOf(shipping, 'country', paramPath(path, 'shipping_info'), ['IN']);
	const order = object(details, 'order', path) as Json;
	const orderPath = paramPath(path, 'order');
	oneOf(order, 'status', orderPath, ['pending']);
	let itemsTotal = 0;
	(array(order, 'items', orderPath, 1, 999) as unknown[]).forEach((raw, i) => {
		const itemPath = paramPath(paramPath(orderPath, 'items'), i);
		const item = element(raw, itemPath);
		string(item, 'name', itemPath, { max: 60 });
		const quantity = number(item, 'quantity', itemPath, 1, 100) as number;
		const price = orderAmount(item, 'amount', itemPath);
		const sale = item.sale_amount === undefined ? undefined : orderAmount(item, 'sale_amount', itemPath);
		itemsTotal += (sale ?? price) * quantity;
	});
	const subtotal = orderAmount(order, 'subtotal', orderPath);
	if (subtotal !== itemsTotal) throw invalidValue(`Param ${paramPath(paramPath(orderPath, 'subtotal'), 'value')} must equal the items' total (${itemsTotal})`);
	const expected = subtotal + orderAmount(order, 'shipping', orderPath) + orderAmount(order, 'tax', orderPath) - orderAmount(order, 'discount', orderPath, true);
	const total = orderAmount(details, 'total_amount', path);
	if (total !== expected) throw invalidValue(`Param ${paramPath(paramPath(path, 'total_amount'), 'value')} must be subtotal + shipping + tax - discount (${expected})`);
}

function templateError(code: number, message: string, details: string): MetaError {
	return new MetaError({ httpStatus: 400, code, message, details });
}

/** Meta rejects template parameter text with new lines, tabs or more than 4 consecutive spaces (132018). */
function checkParameterText(text: string, path: string): void {
	if (/[\n\t]| {5,}/.test(text)) {
		throw templateError(
			132018,
			"(#132018) There's an issue with the parameters in your template.",
			`Param ${path} cannot have new-line/tab characters or more than 4 consecutive spaces`,
		);
	}
}

function validateTemplateParameter(
	sim: SimState,
	raw: unknown,
	path: string,
	allowedTypes: readonly string[],
	format: string,
): { name?: string } {
	const parameter = element(raw, path);
	const type = oneOf(parameter, 'type', path, allowedTypes) as string;
	allowKeys(parameter, path, ['type', type, 'parameter_name']);
	const name = string(parameter, 'parameter_name', path, { optional: true });
	if (name !== undefined && !NAMED_PARAMETER.test(name)) {
		throw invalidValue(`Param ${paramPath(path, 'parameter_name')} must be 1 to 20 lowercase letters or underscores - got "${name}"`);
	}
	switch (type) {
		case 'text': {
			const text = string(parameter, 'text', path, { max: format === 'header' ? 60 : 32768 }) as string;
			checkParameterText(text, paramPath(path, 'text'));
			break;
		}
		case 'currency': {
			const currency = object(parameter, 'currency', path) as Json;
			const currencyPath = paramPath(path, 'currency');
			allowKeys(currency, currencyPath, ['fallback_value', 'code', 'amount_1000']);
			string(currency, 'fallback_value', currencyPath);
			const code = string(currency, 'code', currencyPath) as string;
			if (!/^[A-Z]{3}$/.test(code)) throw invalidValue(`Param ${paramPath(currencyPath, 'code')} must be an ISO 4217 currency code - got "${code}"`);
			number(currency, 'amount_1000', currencyPath, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
			break;
		}
		case 'date_time': {
			const dateTime = object(parameter, 'date_time', path) as Json;
			allowKeys(dateTime, paramPath(path, 'date_time'), ['fallback_value', 'day_of_week', 'year', 'month', 'day_of_month', 'hour', 'minute', 'calendar']);
			string(dateTime, 'fallback_value', paramPath(path, 'date_time'));
			break;
		}
		case 'image':
		case 'video':
		case 'document': {
			const media = object(parameter, type, path) as Json;
			validateMediaObject(sim, media, paramPath(path, type), type, type === 'document' ? ['id', 'link', 'filename'] : ['id', 'link']);
			break;
		}
		case 'location':
			validateLocation(object(parameter, 'location', path) as Json, paramPath(path, 'location'));
			break;
		// A product card's header: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/product-card-carousel-templates
		case 'product': {
			const product = object(parameter, 'product', path) as Json;
			allowKeys(product, paramPath(path, 'product'), ['product_retailer_id', 'catalog_id']);
			string(product, 'product_retailer_id', paramPath(path, 'product'));
			string(product, 'catalog_id', paramPath(path, 'product'));
			break;
		}
		case 'payload':
			string(parameter, 'payload', path, { max: 1000 });
			break;
		case 'coupon_code':
			// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/coupon-templates
			string(parameter, 'coupon_code', path, { max: 20 });
			break;
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates
		case 'action': {
			if (format === 'button:order_details') {
				validateOrderDetails(object(parameter, 'action', path) as Json, paramPath(path, 'action'));
				break;
			}
			if (format === 'button:catalog' || format === 'button:mpm') {
				validateProductButtonAction(object(parameter, 'action', path) as Json, paramPath(path, 'action'), format === 'button:mpm');
				break;
			}
			const flowAction = object(parameter, 'action', path) as Json;
			allowKeys(flowAction, paramPath(path, 'action'), ['flow_token', 'flow_action_data']);
			string(flowAction, 'flow_token', paramPath(path, 'action'), { optional: true });
			object(flowAction, 'flow_action_data', paramPath(path, 'action'), true);
			break;
		}
	}
	return { name };
}

/** Checks one component's parameters against the template's count and, for named templates, names. */
function checkParameterSet(
	given: Array<{ name?: string }>,
	expected: { count: number; names: string[] },
	named: boolean,
	componentName: string,
	path: string,
): void {
	if (given.length !== expected.count) {
		throw templateParamsMismatch(
			`${componentName}: number of localizable_params (${given.length}) does not match the expected number of params (${expected.count})`,
		);
	}
	if (named) {
		const names = given.map((p, i) => {
			if (p.name === undefined) throw missingParameter(`${paramPath(paramPath(path, i), 'parameter_name')}`);
			return p.name;
		});
		unique(names, `Param ${path}`, 'parameter names');
		for (const name of names) {
			if (!expected.names.includes(name)) {
				throw templateParamsMismatch(`${componentName}: parameter name "${name}" is not in the template; expected ${expected.names.join(', ')}`);
			}
		}
	} else {
		given.forEach((p, i) => {
			if (p.name !== undefined) {
				throw invalidParameter(`Param ${paramPath(paramPath(path, i), 'parameter_name')} is only valid for templates with named parameters`);
			}
		});
	}
}

/** One button component (`sub_type`, `index`, its parameter) against the template's buttons. */
function validateButtonComponent(
	sim: SimState,
	component: Json,
	componentPath: string,
	specButtons: TemplateParameterSpec['buttons'],
	name: string,
	buttonIndexes: Set<number>,
): void {
	const parametersPath = paramPath(componentPath, 'parameters');
	allowKeys(component, componentPath, ['type', 'sub_type', 'index', 'parameters']);
	// Meta's coupon page sends "COPY_CODE" where its syntax writes "copy_code": the sub_type is read in any case.
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/coupon-templates
	const subTypePath = paramPath(componentPath, 'sub_type');
	const subType = String(string(component, 'sub_type', componentPath)).toLowerCase();
	if (!(TEMPLATE_BUTTON_SUB_TYPES as readonly string[]).includes(subType)) {
		throw invalidParameter(`Param ${subTypePath} must be one of {${TEMPLATE_BUTTON_SUB_TYPES.join(', ')}} - got "${String(component.sub_type)}"`);
	}
	const rawIndex = component.index;
	const index = typeof rawIndex === 'number' ? rawIndex : typeof rawIndex === 'string' && /^\d+$/.test(rawIndex) ? Number(rawIndex) : NaN;
	if (rawIndex === undefined) throw missingParameter(paramPath(componentPath, 'index'));
	if (!Number.isInteger(index) || index < 0 || index > 9) {
		throw invalidValue(`Param ${paramPath(componentPath, 'index')} must be a button index from 0 to 9 - got ${JSON.stringify(rawIndex)}`);
	}
	if (buttonIndexes.has(index)) throw invalidValue(`Param ${componentPath} repeats button index ${index}: there is more than one button component with index ${index}`);
	buttonIndexes.add(index);
	const button = specButtons.find((b) => b.index === index);
	if (!button) throw invalidValue(`Param ${paramPath(componentPath, 'index')}: template ${name} has no button at index ${index}`);
	// Authentication templates' one-time password buttons (copy code, one-tap, zero-tap) are sent as url buttons with
	// the code as text: https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/copy-code-button-authentication-templates
	const expectedSubTypes = button.subType === 'otp' ? ['url'] : [button.subType];
	if (!expectedSubTypes.includes(subType)) {
		throw invalidValue(`Param ${paramPath(componentPath, 'sub_type')} must be ${expectedSubTypes.join(' or ')} for button ${index} of template ${name} - got "${subType}"`);
	}
	const parameterTypes: Record<string, readonly string[]> = {
		quick_reply: ['payload'],
		url: ['text'],
		copy_code: ['coupon_code'],
		flow: ['action'],
		catalog: ['action'],
		mpm: ['action'],
		order_details: ['action'],
		voice_call: ['text'],
	};
	const parameters = array(component, 'parameters', componentPath, 0, 1, true) ?? [];
	parameters.forEach((p, j) => validateTemplateParameter(sim, p, paramPath(parametersPath, j), parameterTypes[subType], `button:${subType}`));
	const expected = button.subType === 'otp' ? 1 : button.count;
	// A catalog button's thumbnail is optional: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates
	const optional = subType === 'quick_reply' || subType === 'flow' || subType === 'catalog';
	if (!optional && parameters.length !== expected) {
		throw templateParamsMismatch(`button ${index}: number of localizable_params (${parameters.length}) does not match the expected number of params (${expected})`);
	}
}

function findTemplateOrFail(sim: SimState, name: string, language: string): FixtureTemplate {
	const template = findTemplate(sim.fixture.templates, name, language);
	if (!template || template.status === 'PENDING' || template.status === 'REJECTED') {
		const languages = templateLanguages(sim.fixture.templates, name);
		throw templateError(
			132001,
			'(#132001) Template name does not exist in the translation',
			template
				? `template name (${name}) is not approved (status ${template.status}) in ${language}`
				: languages.length > 0
					? `template name (${name}) does not exist in ${language}; it exists in ${languages.join(', ')}`
					: `template name (${name}) does not exist in ${language}`,
		);
	}
	if (template.status === 'PAUSED') {
		throw templateError(132015, '(#132015) Template is paused', `Template ${name} is paused due to low quality so it cannot be sent in a template message`);
	}
	if (template.status === 'DISABLED') {
		throw templateError(132016, '(#132016) Template has been disabled', `Template ${name} has been disabled due to low quality`);
	}
	return template;
}

function validateTemplate(sim: SimState, template: Json): void {
	const path = 'template';
	allowKeys(template, path, ['name', 'language', 'components', 'namespace']);
	const name = string(template, 'name', path, { max: 512 }) as string;
	const language = object(template, 'language', path) as Json;
	const languagePath = paramPath(path, 'language');
	allowKeys(language, languagePath, ['code', 'policy']);
	const code = string(language, 'code', languagePath) as string;
	oneOf(language, 'policy', languagePath, ['deterministic'], true);
	const found = findTemplateOrFail(sim, name, code);
	const spec: TemplateParameterSpec = templateParameterSpec(found);
	const named = spec.parameterFormat === 'NAMED';

	const components = array(template, 'components', path, 0, 20, true) ?? [];
	const componentsPath = paramPath(path, 'components');
	let header: Array<{ name?: string }> | undefined;
	let body: Array<{ name?: string }> | undefined;
	const buttonIndexes = new Set<number>();
	let carouselSeen = false;
	let offerSeen = false;
	components.forEach((raw, i) => {
		const componentPath = paramPath(componentsPath, i);
		const component = element(raw, componentPath);
		const type = String(component.type ?? '').toLowerCase();
		if (!['header', 'body', 'button', 'carousel', 'limited_time_offer'].includes(type)) {
			if (component.type === undefined) throw missingParameter(paramPath(componentPath, 'type'));
			throw invalidParameter(`Param ${paramPath(componentPath, 'type')} must be one of {header, body, button, carousel, limited_time_offer} - got "${String(component.type)}"`);
		}
		const parametersPath = paramPath(componentPath, 'parameters');
		if (type === 'header' || type === 'body') {
			allowKeys(component, componentPath, ['type', 'parameters']);
			if ((type === 'header' ? header : body) !== undefined) throw invalidValue(`Param ${componentsPath} has more than one ${type} component`);
			const parameters = array(component, 'parameters', componentPath, 0, 100, true) ?? [];
			let allowed: readonly string[] = ['text', 'currency', 'date_time'];
			if (type === 'header') {
				const format = spec.header?.format ?? 'TEXT';
				allowed = format === 'TEXT' ? ['text'] : [format.toLowerCase()];
			}
			const given = parameters.map((p, j) => validateTemplateParameter(sim, p, paramPath(parametersPath, j), allowed, type));
			if (type === 'header') header = given;
			else body = given;
			return;
		}
		if (type === 'limited_time_offer') {
			if (offerSeen) throw invalidValue(`Param ${componentsPath} has more than one limited_time_offer component`);
			offerSeen = true;
			validateLimitedTimeOffer(component, componentPath, spec, name);
			return;
		}
		if (type === 'carousel') {
			if (carouselSeen) throw invalidValue(`Param ${componentsPath} has more than one carousel component`);
			carouselSeen = true;
			validateCarousel(sim, component, componentPath, spec, name);
			return;
		}
		validateButtonComponent(sim, component, componentPath, spec.buttons, name, buttonIndexes);
	});

	// Every variable the template has must be supplied.
	const headerExpected = spec.header ? { count: spec.header.count, names: spec.header.names } : { count: 0, names: [] };
	checkParameterSet(header ?? [], headerExpected, named && (spec.header?.format ?? 'TEXT') === 'TEXT', 'header', `${componentsPath}[header]['parameters']`);
	checkParameterSet(body ?? [], spec.body, named, 'body', `${componentsPath}[body]['parameters']`);
	if (found.category === 'AUTHENTICATION') checkAuthenticationParameters(components, componentsPath);
	requireButtonValues(spec.buttons, buttonIndexes, '');
	if (spec.cards && !carouselSeen) throw missingParameter(`${componentsPath}[carousel]`);
	if (spec.offer?.expires && !offerSeen) throw missingParameter(`${componentsPath}[limited_time_offer]`);
	if (spec.offer) checkOfferCode(components, componentsPath);
}

/**
 * An authentication template's parameters (its one-time code) are at most 15 characters:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-categorization
 * (and the autofill / zero-tap pages: "Maximum 15 characters").
 */
function checkAuthenticationParameters(components: unknown[], componentsPath: string): void {
	components.forEach((raw, i) => {
		const parameters = (raw as Json).parameters;
		if (!Array.isArray(parameters)) return;
		parameters.forEach((parameter, j) => {
			const text = (parameter as Json).text;
			if (typeof text === 'string' && charLength(text) > 15) {
				throw invalidValue(`Param ${paramPath(paramPath(paramPath(paramPath(componentsPath, i), 'parameters'), j), 'text')} must be at most 15 characters in an authentication template`);
			}
		});
	});
}

/**
 * The offer's expiration, "a UNIX timestamp in milliseconds", of a limited-time offer template.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
 */
function validateLimitedTimeOffer(component: Json, componentPath: string, spec: TemplateParameterSpec, name: string): void {
	allowKeys(component, componentPath, ['type', 'parameters']);
	if (!spec.offer) throw invalidParameter(`Param ${paramPath(componentPath, 'type')}: template ${name} is not a limited-time offer template`);
	const parameters = array(component, 'parameters', componentPath, 1, 1) as unknown[];
	const parameterPath = paramPath(paramPath(componentPath, 'parameters'), 0);
	const parameter = element(parameters[0], parameterPath);
	allowKeys(parameter, parameterPath, ['type', 'limited_time_offer']);
	oneOf(parameter, 'type', parameterPath, ['limited_time_offer']);
	const offer = object(parameter, 'limited_time_offer', parameterPath) as Json;
	allowKeys(offer, paramPath(parameterPath, 'limited_time_offer'), ['expiration_time_ms']);
	const ms = number(offer, 'expiration_time_ms', paramPath(parameterPath, 'limited_time_offer'), 0, Number.MAX_SAFE_INTEGER) as number;
	if (!Number.isInteger(ms)) throw invalidValue(`Param ${paramPath(paramPath(parameterPath, 'limited_time_offer'), 'expiration_time_ms')} must be a UNIX timestamp in milliseconds`);
}

/** A limited-time offer's code (its copy-code button) is at most 15 characters. */
function checkOfferCode(components: unknown[], componentsPath: string): void {
	components.forEach((raw, i) => {
		const parameters = (raw as Json).parameters;
		const code = Array.isArray(parameters) ? (parameters[0] as Json | undefined)?.coupon_code : undefined;
		if (typeof code === 'string' && charLength(code) > 15) {
			throw invalidValue(`Param ${paramPath(paramPath(paramPath(paramPath(componentsPath, i), 'parameters'), 0), 'coupon_code')} must be at most 15 characters in a limited-time offer template`);
		}
	});
}

function requireButtonValues(buttons: TemplateParameterSpec['buttons'], given: Set<number>, where: string): void {
	for (const button of buttons) {
		const required = button.subType === 'otp' ? 1 : button.count;
		if (required > 0 && !given.has(button.index)) {
			throw templateParamsMismatch(`${where}button ${button.index}: number of localizable_params (0) does not match the expected number of params (${required})`);
		}
	}
}

/**
 * A carousel's cards against the template's: a media card template takes exactly its cards, a product card template
 * up to 10; each card's header format, body variables and button values as its definition says.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 */
function validateCarousel(sim: SimState, component: Json, componentPath: string, spec: TemplateParameterSpec, name: string): void {
	allowKeys(component, componentPath, ['type', 'cards']);
	if (!spec.cards) throw invalidParameter(`Param ${paramPath(componentPath, 'type')}: template ${name} has no carousel`);
	const cards = array(component, 'cards', componentPath, 1, 10) as unknown[];
	const cardsPath = paramPath(componentPath, 'cards');
	if (spec.cards.exact && cards.length !== spec.cards.list.length) {
		throw templateParamsMismatch(`carousel: number of cards (${cards.length}) does not match the number of cards of template ${name} (${spec.cards.list.length})`);
	}
	const seen = new Set<number>();
	cards.forEach((raw, i) => {
		const cardPath = paramPath(cardsPath, i);
		const card = element(raw, cardPath);
		allowKeys(card, cardPath, ['card_index', 'components']);
		const cardIndex = number(card, 'card_index', cardPath, 0, 9) as number;
		if (!Number.isInteger(cardIndex) || seen.has(cardIndex)) throw invalidValue(`Param ${paramPath(cardPath, 'card_index')} must be a distinct whole number from 0 to 9 - got ${JSON.stringify(card.card_index)}`);
		seen.add(cardIndex);
		const cardSpec = spec.cards!.list[cardIndex] ?? spec.cards!.list[0];
		const parts = array(card, 'components', cardPath, 1, 4) as unknown[];
		let header = false;
		let body: Array<{ name?: string }> = [];
		const buttonIndexes = new Set<number>();
		parts.forEach((rawPart, j) => {
			const partPath = paramPath(paramPath(cardPath, 'components'), j);
			const part = element(rawPart, partPath);
			const type = oneOf(part, 'type', partPath, ['header', 'body', 'button']);
			if (type === 'button') {
				validateButtonComponent(sim, part, partPath, cardSpec.buttons, name, buttonIndexes);
				return;
			}
			allowKeys(part, partPath, ['type', 'parameters']);
			const parametersPath = paramPath(partPath, 'parameters');
			if (type === 'header') {
				const parameters = array(part, 'parameters', partPath, 1, 1) as unknown[];
				validateTemplateParameter(sim, parameters[0], paramPath(parametersPath, 0), [cardSpec.header.toLowerCase()], 'header');
				header = true;
			} else {
				const parameters = array(part, 'parameters', partPath, 0, 100, true) ?? [];
				body = parameters.map((p, k) => validateTemplateParameter(sim, p, paramPath(parametersPath, k), ['text', 'currency', 'date_time'], 'body'));
			}
		});
		if (!header) throw missingParameter(`${cardPath}['components'][header]`);
		checkParameterSet(body, cardSpec.body, false, `card ${cardIndex} body`, `${cardPath}['components'][body]['parameters']`);
		requireButtonValues(cardSpec.buttons, buttonIndexes, `card ${cardIndex} `);
	});
}

// ---------------------------------------------------------------------------------------------------------------
// The send itself
// ---------------------------------------------------------------------------------------------------------------

const COMMON_KEYS = ['messaging_product', 'recipient_type', 'to', 'recipient', 'type', 'context', 'biz_opaque_callback_data'] as const;

export interface ValidatedMessage {
	/** `to`, or the BSUID of `recipient` when there is no `to`. */
	to: string;
	/** Digits of `to`; empty for a BSUID. */
	waId: string;
	/** The business-scoped user ID (or parent BSUID) of `recipient`, used only when `to` is absent. */
	userId?: string;
	type: MessageType;
	bizOpaqueCallbackData?: string;
}

/**
 * The recipient of a send: `to` (a phone number or WhatsApp ID), or `recipient` (a business-scoped user ID or parent
 * BSUID) when `to` is absent; when both are given `to` wins.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
function validateRecipient(body: Json): Pick<ValidatedMessage, 'to' | 'waId' | 'userId'> {
	const toValue = body.to;
	const recipientValue = body.recipient;
	if (recipientValue !== undefined && recipientValue !== null && typeof recipientValue !== 'string') {
		throw invalidParameter(`Param recipient must be a string, got ${typeName(recipientValue)}`);
	}
	if (toValue === undefined || toValue === null || toValue === '') {
		if (recipientValue === undefined || recipientValue === null || recipientValue === '') throw missingParameter('to');
		if (!BSUID.test(recipientValue)) {
			throw invalidValue(`Param recipient must be a business-scoped user ID (e.g. US.13491208655302741918) - got "${recipientValue}"`);
		}
		return { to: recipientValue, waId: '', userId: recipientValue };
	}
	if (typeof toValue !== 'string') throw invalidParameter(`Param to must be a string, got ${typeName(toValue)}`);
	if (!RECIPIENT.test(toValue)) {
		throw invalidValue(`Param to must be a phone number: digits with an optional leading '+' - got "${toValue}"`);
	}
	return { to: toValue, waId: toValue.replace(/^\+/, '') };
}

/** Validates a send body the way Meta does; throws MetaError 100 / 131008 / 131009 / 131051 / 132xxx. */
export function validateMessage(sim: SimState, body: Json): ValidatedMessage {
	const product = string(body, 'messaging_product', '');
	if (product !== 'whatsapp') throw invalidParameter(`Param messaging_product must be "whatsapp" - got "${product}"`);
	oneOf(body, 'recipient_type', '', ['individual'], true);
	const recipient = validateRecipient(body);
	const rawType = body.type ?? 'text';
	if (typeof rawType !== 'string') throw invalidParameter(`Param type must be a string, got ${typeName(rawType)}`);
	if (!(MESSAGE_TYPES as readonly string[]).includes(rawType)) {
		throw new MetaError({
			httpStatus: 400,
			code: 131051,
			message: '(#131051) Unsupported message type',
			details: `Message type "${rawType}" is not supported; expected one of ${MESSAGE_TYPES.join(', ')}`,
		});
	}
	const type = rawType as MessageType;
	allowKeys(body, '', [...COMMON_KEYS, type]);

	const context = object(body, 'context', '', true);
	if (context) {
		allowKeys(context, 'context', ['message_id']);
		string(context, 'message_id', 'context');
	}
	const bizOpaqueCallbackData = string(body, 'biz_opaque_callback_data', '', { optional: true, max: 512, allowEmpty: true });

	switch (type) {
		case 'text':
			validateText(object(body, 'text', '') as Json);
			break;
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker':
			validateMediaObject(sim, object(body, type, '') as Json, type, type, MEDIA_KEYS[type]);
			break;
		case 'location':
			validateLocation(object(body, 'location', '') as Json, 'location');
			break;
		case 'contacts':
			validateContacts(array(body, 'contacts', '', 1, 257) as unknown[]);
			break;
		case 'reaction':
			validateReaction(object(body, 'reaction', '') as Json);
			break;
		case 'interactive':
			validateInteractive(sim, object(body, 'interactive', '') as Json);
			break;
		case 'template':
			validateTemplate(sim, object(body, 'template', '') as Json);
			break;
	}
	return { ...recipient, type, bizOpaqueCallbackData };
}

/** Validates a mark-as-read body: `{messaging_product, status:"read", message_id, typing_indicator?}`. */
export function validateReadReceipt(body: Json): void {
	allowKeys(body, '', ['messaging_product', 'status', 'message_id', 'typing_indicator']);
	const product = string(body, 'messaging_product', '');
	if (product !== 'whatsapp') throw invalidParameter(`Param messaging_product must be "whatsapp" - got "${product}"`);
	oneOf(body, 'status', '', ['read']);
	string(body, 'message_id', '');
	const typing = object(body, 'typing_indicator', '', true);
	if (typing) {
		allowKeys(typing, 'typing_indicator', ['type']);
		oneOf(typing, 'type', 'typing_indicator', ['text']);
	}
}

/** Whether a validated template send names an AUTHENTICATION template of the fixture. */
function isAuthenticationTemplate(sim: SimState, body: Json): boolean {
	if (body.type !== 'template') return false;
	const template = body.template as { name?: string; language?: { code?: string } };
	const found = template.name && template.language?.code ? findTemplate(sim.fixture.templates, template.name, template.language.code) : undefined;
	return found?.category === 'AUTHENTICATION';
}

function throttled(sim: SimState, code: number, message: string, details: string): MetaError {
	return new MetaError({ httpStatus: sim.throttleStatus(), code, message, details });
}

function unknownPhoneNumber(phoneNumberId: string): MetaError {
	return new MetaError({
		httpStatus: 400,
		code: 100,
		subcode: 33,
		type: 'GraphMethodException',
		message: `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
	});
}

/** Another send path on the same number (marketingMessages.ts): its own fields and refusals around the Cloud API's checks. */
export interface SendPath {
	/** The body the Cloud API's checks read, once this path's own fields are checked and taken out. */
	strip(parsed: Json): Json;
	/** After those checks: throws this path's refusals, or says whether the path itself (not the Cloud API) carries it. */
	route(sim: SimState, phoneNumberId: string, body: Json, parsed: Json): { viaPath: boolean };
	/** Fields this path's answer adds to the Cloud API's. */
	answer: Record<string, unknown>;
}

export function sendMessage(sim: SimState, req: SimRequest, phoneNumberId: string, path?: SendPath): SimResponse {
	const now = sim.now();
	const phone = sim.fixture.phoneNumbers.find((p) => p.id === phoneNumberId);
	if (!phone) throw unknownPhoneNumber(phoneNumberId);
	assertAccess(req, sim);

	// Throughput counts every call start on the number, whatever its body.
	if (!sim.tryThroughput(phoneNumberId, now)) {
		throw throttled(
			sim,
			130429,
			'(#130429) Rate limit hit',
			`Message failed to send because there were too many messages sent from this phone number in a short period of time (limit ${sim.mpsOf(phoneNumberId)} per second)`,
		);
	}
	if (sim.inMaintenance(phoneNumberId, now)) {
		throw new MetaError({
			httpStatus: 400,
			code: 131057,
			message: '(#131057) Account in maintenance mode',
			details: 'Business Account is in maintenance mode: it may be undergoing a throughput upgrade',
		});
	}

	const received = req.json();
	if (!isObject(received)) throw invalidParameter(`The request body must be a JSON object, got ${typeName(received)}`);
	const parsed = path ? path.strip(received) : received;

	if (parsed.status !== undefined) {
		validateReadReceipt(parsed);
		sim.count('readReceipts');
		return { status: 200, body: { success: true } };
	}

	const message = validateMessage(sim, parsed);
	if (sim.options.checkCatalog) checkCatalogProducts(sim, parsed);
	const viaPath = path?.route(sim, phoneNumberId, parsed, received).viaPath === true;
	const recipient = recipientKey(message.to);
	if (message.userId !== undefined && isAuthenticationTemplate(sim, parsed)) {
		// The BSUID page: authentication templates cannot be sent to a BSUID (131062); the wording here is ours.
		throw new MetaError({
			httpStatus: 400,
			code: 131062,
			message: '(#131062) Business-scoped user ID recipients not supported for this message',
			details: 'Authentication templates cannot be sent to a business-scoped user ID; send them to the user\'s phone number',
		});
	}
	if (sim.isUndeliverable(recipient) && sim.options.undeliverableVia !== 'webhook') {
		throw new MetaError({ httpStatus: 400, code: 131026, message: '(#131026) Message Undeliverable', details: `Message failed to send to ${message.to}: the recipient is not a WhatsApp user or cannot receive this message` });
	}
	if (message.type !== 'template' && !sim.isInServiceWindow(recipient)) {
		throw new MetaError({
			httpStatus: 400,
			code: 131047,
			message: '(#131047) Re-engagement message',
			details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number. Use a template.',
		});
	}
	if (message.type === 'template' && !sim.fitsMessagingLimit(recipient, now)) {
		// Meta documents no code of its own for a portfolio past its messaging limit (messaging-limits page,
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits, says nothing of the
		// answer; the error-codes page has none). 131048's text is the one a provider page quotes for it ("If you exceed your
		// messaging limit any further messages you send to new users … will fail with an error message like … restrictions
		// on how many messages can be sent from this phone number": Sinch's "Messaging Limits", copied in spacedsweden/workshop
		// docs/whatsapp/messaging-limits.md), and Meta lists 131048 with that text among the throttling errors
		// (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
		throw throttled(
			sim,
			131048,
			'(#131048) Spam rate limit hit',
			'Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.',
		);
	}
	// Marketing limits, opt-outs and template pacing (marketing.ts): refused here, or accepted and failed or held.
	const marketing = marketingOutcome(sim, parsed, message.to, now);
	if (!sim.pairs.tryTake(phoneNumberId, recipient, now)) {
		throw throttled(sim, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit', `Too many messages sent from ${phoneNumberId} to ${message.to} in a short period of time`);
	}

	const wamid = sim.newId('wamid');
	const accepted: AcceptedMessage = {
		wamid,
		phoneNumberId,
		to: message.to,
		waId: message.waId,
		type: message.type,
		body: received,
		acceptedAt: now,
	};
	if (viaPath) accepted.viaMarketingMessagesApi = true;
	if (message.userId !== undefined) accepted.userId = message.userId;
	if (message.bizOpaqueCallbackData !== undefined) accepted.bizOpaqueCallbackData = message.bizOpaqueCallbackData;
	if (marketing.failure) accepted.failure = marketing.failure;
	if (marketing.held) accepted.held = true;
	if (message.type === 'template') sim.recordReach(recipient, now);
	sim.recordAccepted(accepted, req.rawBody);
	afterAccepted(sim, accepted);
	return {
		status: 200,
		body: {
			messaging_product: 'whatsapp',
			// Sent to a BSUID, the contact carries `user_id` and no `wa_id` (the BSUID page, "Sending messages").
			contacts: [message.userId === undefined ? { input: message.to, wa_id: message.waId } : { input: message.to, user_id: message.userId }],
			// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing ("API Behavior")
			messages: [{ id: wamid, message_status: accepted.held ? 'held_for_quality_assessment' : 'accepted' }],
			...path?.answer,
		},
	};
}

export function messageRoutes(sim: SimState): Route[] {
	return [
		{
			method: 'POST',
			match: pathRoute(':phoneNumberId/messages'),
			handler: (req, params) => sendMessage(sim, req, params.phoneNumberId),
		},
	];
}
