/**
 * Template management as Meta plays it: `POST /{waba}/message_templates` (create, and create from the Template
 * Library), `DELETE /{waba}/message_templates` (by name, or by `hsm_id` and name), `GET /{template-id}`,
 * `POST /{template-id}` (edit) and `GET /message_template_library`, with Meta's checks and limits.
 * Sources (each rule below names its page):
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-management
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-library
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes (Template creation errors)
 */
import { templateListing } from './templates';
import type { FixtureTemplate, FixtureTemplateComponent, Route, SimContext, SimRequest, SimResponse } from './types';
import { MetaError } from './types';
import { bodyParams, invalidParameter, moduleState, pageOf, requestedFields, requireWaba } from './surfaces';

const DAY_MS = 86_400_000;

// Template creation error subcodes (error codes page, "Template creation errors").
const CHARACTER_LIMIT = 2388040;
const HEADER_FORMAT = 2388047;
const BODY_FORMAT = 2388072;
const FOOTER_FORMAT = 2388073;
const LEADING_TRAILING = 2388299;

function templateError(subcode: number | undefined, details: string): MetaError {
	return new MetaError({ httpStatus: 400, code: 100, subcode, message: '(#100) Invalid parameter', details });
}

// ---------------------------------------------------------------------------------------------------------------
// State: the seeded templates come back at each reset; deleted names and edit counts are remembered until then
// ---------------------------------------------------------------------------------------------------------------

interface ManagementState {
	/** Names of deleted approved templates and when: "you cannot create a new template with the same name for 30 days". */
	deletedApproved: Map<string, number>;
	/** Edit times of approved templates: "up to 10 times in a 30 day window, or 1 time in a 24 hour window". */
	edits: Map<string, number[]>;
	nextId: number;
}

const seeds = new WeakMap<object, FixtureTemplate[]>();
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Kept at start: the account's templates as seeded, which a reset brings back (created ones go, deleted ones return). */
export function rememberSeededTemplates(sim: Pick<SimContext, 'fixture'>): void {
	seeds.set(sim.fixture, clone(sim.fixture.templates));
}

export function restoreSeededTemplates(sim: Pick<SimContext, 'fixture'>): void {
	const seed = seeds.get(sim.fixture);
	// Unchanged templates stay the same objects, so a test holding one keeps holding the account's.
	if (seed && JSON.stringify(seed) !== JSON.stringify(sim.fixture.templates)) sim.fixture.templates.splice(0, sim.fixture.templates.length, ...clone(seed));
}

function stateOf(sim: SimContext): ManagementState {
	return moduleState(sim, 'templateManagement', () => ({ deletedApproved: new Map(), edits: new Map(), nextId: 7_000_000_000_000_000 }));
}

// ---------------------------------------------------------------------------------------------------------------
// Checks of a definition (components page; overview for names and parameters)
// ---------------------------------------------------------------------------------------------------------------

const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'GIF', 'DOCUMENT', 'LOCATION', 'PRODUCT'];
// One checkout button (checkout-button-templates: "a single checkout button, and up to 9 quick-reply buttons"); one
// View button (spm-templates).
const BUTTON_LIMITS: Record<string, number> = { QUICK_REPLY: 10, URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1, ORDER_DETAILS: 1, SPM: 1 };
/** Buttons whose text Meta fixes: "non-customizable syntax" (checkout-button-templates), "View" (spm-templates). */
const FIXED_BUTTON_TEXT: Record<string, string> = { ORDER_DETAILS: 'Buy now', SPM: 'View' };

type Format = 'POSITIONAL' | 'NAMED';
type Json = Record<string, unknown>;

function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/** Unicode code points, as WhatsApp counts characters. */
function length(value: string): number {
	return [...value].length;
}

function checkName(value: unknown, what = 'name'): string {
	const name = text(value);
	if (name === '') throw invalidParameter(`Param ${what} must be a non-empty string`);
	if (name.length > 512) throw templateError(CHARACTER_LIMIT, `The ${what} is longer than 512 characters`);
	if (!/^[a-z0-9_]+$/.test(name)) throw invalidParameter(`Param ${what} may only contain lowercase letters, numbers and underscores - got "${name}"`);
	return name;
}

function variablesOf(value: string, format: Format, subcode: number, where: string): string[] {
	const names: string[] = [];
	for (const match of value.matchAll(/\{\{([^{}]*)\}\}/g)) {
		const name = match[1];
		const ok = format === 'NAMED' ? /^[a-z_]+$/.test(name) : /^[1-9][0-9]*$/.test(name);
		if (!ok) throw templateError(subcode, `The ${where} has an invalid ${format.toLowerCase()} parameter {{${name}}}`);
		if (!names.includes(name)) names.push(name);
	}
	if (format === 'POSITIONAL') {
		names
			.map(Number)
			.sort((a, b) => a - b)
			.forEach((number, index) => {
				if (number !== index + 1) throw templateError(subcode, `The ${where}'s parameters must be numbered sequentially from {{1}}`);
			});
	}
	return names;
}

function checkExamples(component: Json, names: string[], format: Format, kind: 'header' | 'body', subcode: number): void {
	if (names.length === 0) return;
	const example = (component.example ?? {}) as Json;
	if (format === 'NAMED') {
		const given = ((example[`${kind}_text_named_params`] ?? []) as Json[]).map((entry) => [text(entry.param_name), text(entry.example)]);
		const missing = names.filter((name) => !given.some(([param, value]) => param === name && value !== ''));
		if (missing.length > 0) throw templateError(subcode, `The ${kind} is missing example values for ${missing.map((name) => `{{${name}}}`).join(', ')}`);
		return;
	}
	// "If message body text uses a single variable, body_text value can be a string" (product card carousel templates).
	const body = typeof example.body_text === 'string' ? [example.body_text] : (example.body_text as unknown[] | undefined)?.[0];
	const values = (kind === 'header' ? example.header_text : body) as unknown[] | undefined;
	if (!Array.isArray(values) || values.length !== names.length || values.some((value) => text(value) === '')) {
		throw templateError(subcode, `The ${kind} has ${names.length} parameter(s) and needs one example value for each`);
	}
}

function checkButtons(component: Json): void {
	const buttons = component.buttons;
	if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > 10) throw invalidParameter('A buttons component has 1 to 10 buttons');
	const counts: Record<string, number> = {};
	let groups = 0;
	let previousQuick: boolean | undefined;
	for (const button of buttons as Json[]) {
		const type = text(button.type).toUpperCase();
		counts[type] = (counts[type] ?? 0) + 1;
		if (BUTTON_LIMITS[type] !== undefined && counts[type] > BUTTON_LIMITS[type]) throw invalidParameter(`A template has at most ${BUTTON_LIMITS[type]} ${type} button(s)`);
		const quick = type === 'QUICK_REPLY';
		if (quick !== previousQuick) groups++;
		previousQuick = quick;
		if (['QUICK_REPLY', 'URL', 'PHONE_NUMBER'].includes(type)) {
			if (text(button.text) === '') throw invalidParameter(`A ${type} button needs a text`);
			if (length(text(button.text)) > 25) throw templateError(CHARACTER_LIMIT, 'Button text is longer than 25 characters');
		}
		if (type === 'URL') {
			const url = text(button.url);
			if (!/^https?:\/\//i.test(url)) throw invalidParameter('A URL button needs an http(s) url');
			if (url.length > 2000) throw templateError(CHARACTER_LIMIT, 'Button URL is longer than 2000 characters');
			const variables = [...url.matchAll(/\{\{([^{}]*)\}\}/g)];
			if (variables.length > 1 || (variables.length === 1 && !url.endsWith('{{1}}'))) throw invalidParameter('A URL button supports one variable, {{1}}, at the end of the URL');
			const example = Array.isArray(button.example) ? button.example[0] : button.example;
			if (variables.length === 1 && text(example) === '') throw invalidParameter('A URL button with a variable needs an example URL');
		}
		if (type === 'PHONE_NUMBER') {
			if (text(button.phone_number) === '') throw invalidParameter('A PHONE_NUMBER button needs a phone_number');
			if (text(button.phone_number).length > 20) throw templateError(CHARACTER_LIMIT, 'Button phone number is longer than 20 characters');
		}
		if (type === 'OTP' && !['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'].includes(text(button.otp_type).toUpperCase())) {
			throw invalidParameter('An OTP button needs otp_type COPY_CODE, ONE_TAP or ZERO_TAP');
		}
		if (FIXED_BUTTON_TEXT[type] !== undefined && text(button.text) !== FIXED_BUTTON_TEXT[type]) {
			throw invalidParameter(`A ${type} button's text must be "${FIXED_BUTTON_TEXT[type]}"`);
		}
		if (type === 'COPY_CODE') {
			const example = Array.isArray(button.example) ? button.example[0] : button.example;
			if (text(example) === '') throw invalidParameter('A COPY_CODE button needs an example');
			if (length(text(example)) > 15) throw templateError(CHARACTER_LIMIT, 'Copy code example is longer than 15 characters');
		}
	}
	if (groups > 2) throw invalidParameter('Invalid buttons combination: quick reply buttons must be grouped together');
}

/**
 * A carousel (media card carousel templates page): 2 to 10 cards, each with an image or video header and its handle,
 * a body of at most 160 characters if any, 1 or 2 buttons, and all cards alike.
 */
function checkCarousel(raw: Json, format: Format): void {
	const cards = raw.cards;
	if (!Array.isArray(cards) || cards.length < 2 || cards.length > 10) throw invalidParameter('A carousel has 2 to 10 cards');
	let shape: string | undefined;
	for (const card of cards as Json[]) {
		const parts = (Array.isArray(card.components) ? card.components : []) as Json[];
		const header = parts.find((part) => text(part.type).toUpperCase() === 'HEADER');
		// Product cards (product card carousel templates): a PRODUCT header from the catalog, "a single View button or URL button".
		const productCard = text(header?.format).toUpperCase() === 'PRODUCT';
		if (!header || (!productCard && !['IMAGE', 'VIDEO'].includes(text(header.format).toUpperCase()))) throw templateError(HEADER_FORMAT, 'Every carousel card needs an IMAGE, VIDEO or PRODUCT header');
		const handle = ((header.example ?? {}) as Json).header_handle;
		if (!productCard && (!Array.isArray(handle) || text(handle[0]) === '')) throw templateError(HEADER_FORMAT, 'A carousel card header needs example.header_handle');
		for (const part of parts) {
			const type = text(part.type).toUpperCase();
			if (type === 'BODY') {
				if (length(text(part.text)) > 160) throw templateError(CHARACTER_LIMIT, 'Card body text is longer than 160 characters');
				checkExamples(part, variablesOf(text(part.text), format, BODY_FORMAT, 'card body'), format, 'body', BODY_FORMAT);
			}
			if (type === 'BUTTONS') {
				const most = productCard ? 1 : 2;
				if (!Array.isArray(part.buttons) || part.buttons.length < 1 || part.buttons.length > most) throw invalidParameter(`A ${productCard ? 'product' : 'media'} card has ${productCard ? '1 button' : '1 or 2 buttons'}`);
				checkButtons(part);
				// Checkout button templates page: a card's checkout button "is the first button in the card".
				if ((part.buttons as Json[]).findIndex((button) => text(button.type).toUpperCase() === 'ORDER_DETAILS') > 0) throw invalidParameter('A carousel card\'s ORDER_DETAILS button must be its first button');
			}
		}
		const cardShape = parts.map((part) => `${text(part.type).toUpperCase()}:${((part.buttons ?? []) as Json[]).map((button) => text(button.type).toUpperCase()).join('+')}`).join(',');
		if (shape !== undefined && shape !== cardShape) throw invalidParameter('All cards defined on a template must have the same components');
		shape = cardShape;
	}
}

/**
 * Single-product and checkout button templates (spm-templates, checkout-button-templates): MARKETING; an SPM template
 * has a PRODUCT header, a body of at most 160 characters and the one View button; a checkout template an IMAGE or
 * VIDEO header, its Buy now button and quick replies only.
 */
function checkCommerceTemplate(components: FixtureTemplateComponent[], category: string, body: FixtureTemplateComponent | undefined): void {
	const header = components.find((component) => component.type === 'HEADER');
	const buttonTypes = (components.find((component) => component.type === 'BUTTONS')?.buttons ?? []).map((button) => button.type);
	const spm = header?.format === 'PRODUCT' || buttonTypes.includes('SPM');
	const checkout = buttonTypes.includes('ORDER_DETAILS');
	if ((spm || checkout) && category !== 'MARKETING') throw invalidParameter(`${spm ? 'Single-product' : 'Checkout button'} templates are MARKETING templates`);
	if (spm) {
		if (header?.format !== 'PRODUCT') throw templateError(HEADER_FORMAT, 'A single-product template needs a PRODUCT header');
		if (buttonTypes.length !== 1 || buttonTypes[0] !== 'SPM') throw invalidParameter('A single-product template has one button, SPM "View"');
		if (length(body?.text ?? '') > 160) throw templateError(CHARACTER_LIMIT, 'A single-product template body is at most 160 characters');
	}
	if (checkout) {
		if (header?.format !== 'IMAGE' && header?.format !== 'VIDEO') throw templateError(HEADER_FORMAT, 'A checkout button template needs an IMAGE or VIDEO header');
		if (buttonTypes.some((type) => type !== 'ORDER_DETAILS' && type !== 'QUICK_REPLY')) throw invalidParameter('A checkout button template has its ORDER_DETAILS button and up to 9 QUICK_REPLY buttons only');
	}
}

/** Meta's checks of a components array; returns it in the listing's shape (upper-case types and formats). */
function checkComponents(value: unknown, format: Format, category: string): FixtureTemplateComponent[] {
	if (!Array.isArray(value) || value.length === 0) throw invalidParameter('Param components must be a non-empty array');
	const seen = new Set<string>();
	const out: FixtureTemplateComponent[] = [];
	for (const raw of value as Json[]) {
		const type = text(raw?.type).toUpperCase();
		if (seen.has(type) && ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(type)) throw invalidParameter(`A template has at most one ${type} component`);
		seen.add(type);
		const component = { ...raw, type } as Json;
		if (type === 'HEADER') {
			const headerFormat = text(raw.format).toUpperCase();
			if (!HEADER_FORMATS.includes(headerFormat)) throw templateError(HEADER_FORMAT, `Header format must be one of ${HEADER_FORMATS.join(', ')}`);
			component.format = headerFormat;
			if (headerFormat === 'TEXT') {
				const header = text(raw.text);
				if (header === '') throw templateError(HEADER_FORMAT, 'A text header needs a text');
				if (length(header) > 60) throw templateError(CHARACTER_LIMIT, 'Header text is longer than 60 characters');
				const names = variablesOf(header, format, HEADER_FORMAT, 'header');
				if (names.length > 1) throw templateError(HEADER_FORMAT, 'A text header supports 1 parameter');
				checkExamples(raw, names, format, 'header', HEADER_FORMAT);
			} else if (headerFormat !== 'LOCATION' && headerFormat !== 'PRODUCT') {
				const handle = ((raw.example ?? {}) as Json).header_handle;
				if (!Array.isArray(handle) || text(handle[0]) === '') throw templateError(HEADER_FORMAT, `A ${headerFormat} header needs example.header_handle from the Resumable Upload API`);
			}
		} else if (type === 'BODY') {
			if (!(category === 'AUTHENTICATION' && raw.text === undefined)) {
				const body = text(raw.text);
				if (body === '') throw templateError(BODY_FORMAT, 'The body needs a text');
				if (length(body) > 1024) throw templateError(CHARACTER_LIMIT, 'Body text is longer than 1024 characters');
				const names = variablesOf(body, format, BODY_FORMAT, 'body');
				if (names.length > 0 && (/^\s*\{\{[^{}]*\}\}/.test(body) || /\{\{[^{}]*\}\}\s*$/.test(body))) {
					throw templateError(LEADING_TRAILING, 'Variables cannot be at the start or end of the template');
				}
				checkExamples(raw, names, format, 'body', BODY_FORMAT);
			}
		} else if (type === 'FOOTER') {
			// Authentication templates page: code_expiration_minutes from 1 to 90.
			if (raw.code_expiration_minutes !== undefined) {
				const minutes = raw.code_expiration_minutes;
				if (!Number.isInteger(minutes) || (minutes as number) < 1 || (minutes as number) > 90) throw invalidParameter('code_expiration_minutes must be between 1 and 90');
			}
			if (raw.text !== undefined) {
				if (length(text(raw.text)) > 60) throw templateError(CHARACTER_LIMIT, 'Footer text is longer than 60 characters');
				if (/\{\{/.test(text(raw.text))) throw templateError(FOOTER_FORMAT, 'The footer cannot have parameters');
			}
		} else if (type === 'CAROUSEL') {
			if (category !== 'MARKETING') throw invalidParameter('Carousel cards are only available for marketing templates');
			checkCarousel(raw, format);
		} else if (type === 'LIMITED_TIME_OFFER') {
			// Limited-time offer templates page: MARKETING only, offer text up to 16 characters.
			if (category !== 'MARKETING') throw invalidParameter('Only templates categorized as MARKETING can have a limited-time offer');
			const offer = (raw.limited_time_offer ?? {}) as Json;
			if (text(offer.text) === '') throw invalidParameter('limited_time_offer.text is required');
			if (length(text(offer.text)) > 16) throw templateError(CHARACTER_LIMIT, 'Limited-time offer text is longer than 16 characters');
		} else if (type === 'BUTTONS') {
			checkButtons(raw);
			component.buttons = (raw.buttons as Json[]).map((button) => {
				const listed = { ...button, type: text(button.type).toUpperCase() } as Json;
				// Create takes a copy code's example as a string; Meta lists it as an array.
				if (typeof button.example === 'string') listed.example = [button.example];
				return listed;
			});
		}
		out.push(component as unknown as FixtureTemplateComponent);
	}
	if (!seen.has('BODY')) throw templateError(BODY_FORMAT, 'A template needs a BODY component');
	const body = out.find((component) => component.type === 'BODY');
	checkCommerceTemplate(out, category, body);
	if (seen.has('LIMITED_TIME_OFFER') && length(body?.text ?? '') > 600) throw templateError(CHARACTER_LIMIT, 'A limited-time offer body is at most 600 characters');
	return out;
}

function formatOf(value: unknown): Format {
	if (value === undefined || value === '') return 'POSITIONAL';
	const format = text(value).toUpperCase();
	if (format !== 'POSITIONAL' && format !== 'NAMED') throw invalidParameter(`Param parameter_format must be one of {named, positional} - got "${text(value)}"`);
	return format;
}

function categoryOf(value: unknown): FixtureTemplate['category'] {
	const category = text(value).toUpperCase();
	if (!CATEGORIES.includes(category)) throw invalidParameter(`Param category must be one of {${CATEGORIES.join(', ')}} - got "${text(value)}"`);
	return category as FixtureTemplate['category'];
}

/**
 * `message_send_ttl_seconds` per category: authentication 30–900, utility 30–43200 (both also -1, 30 days),
 * marketing 43200–2592000: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/time-to-live
 */
const TTL_RANGES: Record<string, [number, number, boolean]> = { AUTHENTICATION: [30, 900, true], UTILITY: [30, 43200, true], MARKETING: [43200, 2592000, false] };

function ttlOf(value: unknown, category: string): number | undefined {
	if (value === undefined) return undefined;
	const seconds = Number(value);
	const [min, max, thirtyDays] = TTL_RANGES[category];
	if (!Number.isInteger(seconds) || !((seconds === -1 && thirtyDays) || (seconds >= min && seconds <= max))) {
		throw invalidParameter(`Param message_send_ttl_seconds must be ${thirtyDays ? '-1 or ' : ''}between ${min} and ${max} for ${category} templates - got "${text(value)}"`);
	}
	return seconds;
}

function languageOf(value: unknown): string {
	const language = text(value);
	if (!/^[a-z]{2,3}(?:_[A-Z0-9]{2,3})?$/.test(language)) throw invalidParameter(`Param language must be a supported template language code - got "${language}"`);
	return language;
}

// ---------------------------------------------------------------------------------------------------------------
// The Template Library (template-library page: the documented examples)
// ---------------------------------------------------------------------------------------------------------------

export interface LibraryTemplate {
	id: string;
	name: string;
	language: string;
	category: 'UTILITY';
	topic: string;
	usecase: string;
	industry: string[];
	header?: string;
	body: string;
	body_params: string[];
	body_param_types?: string[];
	buttons?: Array<{ type: string; text: string; url?: string; phone_number?: string }>;
}

export const LIBRARY: LibraryTemplate[] = [
	{
		id: '7147013345418927',
		name: 'low_balance_warning_1',
		language: 'en_US',
		category: 'UTILITY',
		topic: 'PAYMENTS',
		usecase: 'LOW_BALANCE_WARNING',
		industry: ['FINANCIAL_SERVICES'],
		header: 'Your account balance is low',
		body: 'Hi {{1}},\nThis is to notify you that your {{2}} in your {{3}} account, ending in {{4}} is below your pre-set {{5}} of {{6}}.\nClick the button to deposit more {{7}}.\n{{8}}',
		body_params: ['Jim', 'available funds', 'CS Mutual checking plus', '1234', 'limit', '$75.00', 'funds', 'CS Mutual'],
		buttons: [
			{ type: 'URL', text: 'Make a deposit', url: 'https://www.example.com/' },
			{ type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+18005551234' },
		],
	},
	{
		id: '7138055039625658',
		name: 'delivery_failed_2_form',
		language: 'en_US',
		category: 'UTILITY',
		topic: 'ORDER_MANAGEMENT',
		usecase: 'DELIVERY_FAILED',
		industry: ['E_COMMERCE'],
		body: 'We were unable to deliver order {{1}} today.\n\nPlease {{2}} to schedule another delivery attempt.',
		body_params: ['#12345', 'try a redelivery'],
		body_param_types: ['TEXT', 'TEXT'],
		buttons: [{ type: 'FLOW', text: 'Reschedule' }],
	},
];

function listLibrary(req: SimRequest, _params: Record<string, string>, sim: SimContext): SimResponse {
	const search = (req.query.get('search') ?? '').replace(/^"|"$/g, '').toLowerCase();
	const filters = { topic: req.query.get('topic'), usecase: req.query.get('usecase'), industry: req.query.get('industry'), language: req.query.get('language') };
	const matching = LIBRARY.filter(
		(entry) =>
			(!search || [entry.name, entry.header ?? '', entry.body].some((value) => value.toLowerCase().includes(search))) &&
			(!filters.topic || entry.topic === filters.topic) &&
			(!filters.usecase || entry.usecase === filters.usecase) &&
			(!filters.industry || entry.industry.includes(filters.industry)) &&
			(!filters.language || entry.language === filters.language),
	);
	const page = pageOf(req, sim, matching, 25);
	return { status: 200, body: page.paging ? { data: page.data, paging: page.paging } : { data: page.data } };
}

/** `library_template_button_inputs`: a JSON array, or the page's string of single-quoted objects. */
function buttonInputsOf(value: unknown): Json[] {
	if (value === undefined || value === '') return [];
	if (Array.isArray(value)) return value as Json[];
	if (typeof value === 'string') {
		try {
			// The page's own example quotes keys and strings with ' and leaves `type` unquoted once.
			const parsed: unknown = JSON.parse(value.replace(/'/g, '"').replace(/([{,]\s*)([a-z_]+)\s*:/g, '$1"$2":'));
			if (Array.isArray(parsed)) return parsed as Json[];
		} catch {
			// not readable: the error below
		}
	}
	throw invalidParameter('Param library_template_button_inputs must be an array of button inputs');
}

function componentsFromLibrary(entry: LibraryTemplate, inputs: Json[]): FixtureTemplateComponent[] {
	const components: FixtureTemplateComponent[] = [];
	if (entry.header) components.push({ type: 'HEADER', format: 'TEXT', text: entry.header });
	components.push({ type: 'BODY', text: entry.body, example: { body_text: [entry.body_params] } });
	if (entry.buttons?.length) {
		const buttons = entry.buttons.map((button) => {
			const input = inputs.find((candidate) => text(candidate.type).toUpperCase() === button.type);
			if (button.type === 'URL') {
				const url = (input?.url ?? {}) as Json;
				if (!/^https?:\/\//i.test(text(url.base_url))) throw invalidParameter(`The library template ${entry.name} has a URL button: library_template_button_inputs needs {type: URL, url: {base_url}}`);
				const listed: Record<string, unknown> = { type: 'URL', text: button.text, url: text(url.base_url) };
				if (text(url.url_suffix_example)) listed.example = [text(url.url_suffix_example)];
				return listed;
			}
			if (button.type === 'PHONE_NUMBER') {
				if (text(input?.phone_number) === '') throw invalidParameter(`The library template ${entry.name} has a phone number button: library_template_button_inputs needs {type: PHONE_NUMBER, phone_number}`);
				return { type: 'PHONE_NUMBER', text: button.text, phone_number: text(input?.phone_number) };
			}
			return { ...button };
		});
		components.push({ type: 'BUTTONS', buttons: buttons as FixtureTemplateComponent['buttons'] });
	}
	return components;
}

// ---------------------------------------------------------------------------------------------------------------
// Create, delete, read and edit
// ---------------------------------------------------------------------------------------------------------------

function createTemplate(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	const state = stateOf(sim);
	const input = bodyParams(req);
	const name = checkName(input.name);
	const language = languageOf(input.language);
	const category = categoryOf(input.category);
	let components: FixtureTemplateComponent[];
	let format: Format = 'POSITIONAL';
	let status: FixtureTemplate['status'] = 'PENDING';
	if (input.library_template_name !== undefined) {
		const libraryName = checkName(input.library_template_name, 'library_template_name');
		const entry = LIBRARY.find((candidate) => candidate.name === libraryName);
		if (!entry) throw invalidParameter(`There is no Template Library template named ${libraryName}`);
		if (category !== 'UTILITY') throw invalidParameter('Templates from the Template Library must be of category UTILITY');
		components = componentsFromLibrary(entry, buttonInputsOf(input.library_template_button_inputs));
		// Library templates have fixed, pre-reviewed content: only customised ones go through review (template-library page).
		status = 'APPROVED';
	} else {
		format = formatOf(input.parameter_format);
		components = checkComponents(input.components, format, category);
	}
	if (sim.fixture.templates.some((template) => template.name === name && template.language === language)) {
		throw invalidParameter(`Content in this language already exists: a template named ${name} in ${language} exists`, '(#100) Invalid parameter');
	}
	const deletedAt = state.deletedApproved.get(name);
	if (deletedAt !== undefined && sim.now() - deletedAt < 30 * DAY_MS) {
		throw invalidParameter(`The approved template ${name} was deleted less than 30 days ago: its name cannot be used again yet`);
	}
	const ttl = ttlOf(input.message_send_ttl_seconds, category);
	state.nextId += 1;
	const id = String(state.nextId);
	sim.fixture.templates.push({ id, name, language, status, category, parameterFormat: format, components, ...(ttl === undefined ? {} : { messageSendTtlSeconds: ttl }) });
	return { status: 200, body: { id, status, category } };
}

function deleteTemplate(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	requireWaba(req, params.wabaId, sim);
	const state = stateOf(sim);
	const name = checkName(req.query.get('name') ?? undefined);
	const hsmId = req.query.get('hsm_id');
	const matching = sim.fixture.templates.filter((template) => template.name === name && (!hsmId || template.id === hsmId));
	if (matching.length === 0) throw invalidParameter(hsmId ? `No template with ID ${hsmId} named ${name}` : `No template named ${name}`);
	if (matching.some((template) => template.status === 'DISABLED')) throw invalidParameter('Templates that are in a disabled status cannot be deleted');
	if (matching.some((template) => template.status === 'APPROVED')) state.deletedApproved.set(name, sim.now());
	const ids = new Set(matching.map((template) => template.id));
	sim.fixture.templates.splice(0, sim.fixture.templates.length, ...sim.fixture.templates.filter((template) => !ids.has(template.id)));
	return { status: 200, body: { success: true } };
}

const OBJECT_FIELDS = new Set(['id', 'name', 'language', 'status', 'category', 'parameter_format', 'components', 'rejected_reason', 'message_send_ttl_seconds']);

/** `GET /{template-id}`, or undefined when the ID is not a template (the object route tries the others). */
export function getTemplateObject(req: SimRequest, id: string, sim: SimContext): SimResponse | undefined {
	const template = sim.fixture.templates.find((candidate) => candidate.id === id);
	if (!template) return undefined;
	requireWaba(req, sim.fixture.wabaId, sim);
	const listing = templateListing(template) as unknown as Json;
	const fields = requestedFields(req);
	if (!fields) return { status: 200, body: listing };
	// A field read when asked for, as the Graph API reads non-default fields.
	if (template.messageSendTtlSeconds !== undefined) listing.message_send_ttl_seconds = template.messageSendTtlSeconds;
	const picked: Json = {};
	for (const field of fields) {
		if (!OBJECT_FIELDS.has(field)) throw invalidParameter(`Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessHSM)`, `(#100) Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessHSM)`);
		if (listing[field] !== undefined) picked[field] = listing[field];
	}
	picked.id = template.id;
	return { status: 200, body: picked };
}

/** `POST /{template-id}`: edit the category, the components or the time-to-live (template management page). */
export function editTemplateObject(req: SimRequest, id: string, sim: SimContext): SimResponse | undefined {
	const state = stateOf(sim);
	const template = sim.fixture.templates.find((candidate) => candidate.id === id);
	if (!template) return undefined;
	requireWaba(req, sim.fixture.wabaId, sim);
	const input = bodyParams(req);
	const editable = ['category', 'components', 'message_send_ttl_seconds'];
	const unknown = Object.keys(input).filter((key) => !editable.includes(key) && key !== 'access_token');
	if (unknown.length > 0) throw invalidParameter(`Only a template's category, components or time-to-live can be edited - got ${unknown.join(', ')}`);
	if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(template.status)) throw invalidParameter(`Only templates with an APPROVED, REJECTED, or PAUSED status can be edited - this one is ${template.status}`);
	const category = input.category === undefined ? template.category : categoryOf(input.category);
	if (template.status === 'APPROVED' && category !== template.category) throw invalidParameter('You cannot edit the category of an approved template');
	const components = input.components === undefined ? template.components : checkComponents(input.components, template.parameterFormat, category);
	const ttl = ttlOf(input.message_send_ttl_seconds, category);
	if (template.status === 'APPROVED') {
		const now = sim.now();
		const edits = (state.edits.get(id) ?? []).filter((at) => now - at < 30 * DAY_MS);
		if (edits.some((at) => now - at < DAY_MS)) throw invalidParameter('An approved template can be edited once in 24 hours');
		if (edits.length >= 10) throw invalidParameter('An approved template can be edited 10 times in 30 days');
		state.edits.set(id, [...edits, now]);
	}
	template.category = category;
	template.components = components;
	if (ttl !== undefined) template.messageSendTtlSeconds = ttl;
	// "After editing an approved or paused template, it will automatically be approved unless it fails template review."
	template.status = template.status === 'REJECTED' ? 'PENDING' : 'APPROVED';
	return { status: 200, body: { success: true } };
}

export const templateManagementRoutes: Route[] = [
	{
		method: 'POST',
		match: (segments) => (segments.length === 2 && segments[1] === 'message_templates' ? { wabaId: segments[0] } : null),
		handler: createTemplate,
	},
	{
		method: 'DELETE',
		match: (segments) => (segments.length === 2 && segments[1] === 'message_templates' ? { wabaId: segments[0] } : null),
		handler: deleteTemplate,
	},
	{
		method: 'GET',
		match: (segments) => (segments.length === 1 && segments[0] === 'message_template_library' ? {} : null),
		handler: listLibrary,
	},
];

/** The statuses Meta's review (and later quality checks) may give a template, as its status webhook names them. */
export const REVIEW_EVENTS = ['APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export type ReviewEvent = (typeof REVIEW_EVENTS)[number];

/**
 * Meta's review of a template, which the simulator cannot do by itself: the template takes the event's status (then
 * the simulator sends the message_template_status_update webhook, see Simulator.reviewTemplate).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview#template-status
 */
export function setTemplateStatus(sim: Pick<SimContext, 'fixture'>, templateId: string, event: string): FixtureTemplate {
	if (!(REVIEW_EVENTS as readonly string[]).includes(event)) throw new Error(`A review event is one of ${REVIEW_EVENTS.join(', ')}, not "${event}"`);
	const template = sim.fixture.templates.find((candidate) => candidate.id === templateId);
	if (!template) throw new Error(`templateId "${templateId}" is not a template of the simulator's WABA`);
	template.status = event as ReviewEvent;
	return template;
}
