/**
 * Template › Create for single-product (SPM) and checkout button templates, in real workflows against the simulator:
 * Meta's create examples sent as documented, the Fields mode's Product header and fixed buttons, and their rules
 * refused before any call, naming the item and the field.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/payments/payments-in/checkout-button-templates (India only)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { accountHarness } from './harness';

const account = accountHarness('template');

const documentedBody = (name: string): IDataObject =>
	(JSON.parse(readFileSync(join(__dirname, '../../../test/contract/fixtures/requests', `${name}.json`), 'utf8')) as { request: { body: IDataObject } }).request.body;
const templateCalls = () => account.sim.requests().filter((request) => request.path.endsWith('/message_templates'));
const created = () => JSON.parse(templateCalls()[0].body) as { components: IDataObject[] };

const fromJson = (name: string, components: unknown, category = 'MARKETING'): INodeParameters => ({
	operation: 'create',
	templateName: name,
	templateLanguage: 'en_US',
	category,
	defineBy: 'json',
	parameterFormat: 'NAMED',
	componentsJson: JSON.stringify(components),
});
const spmFields = (fields: INodeParameters = {}): INodeParameters => ({
	operation: 'create',
	templateName: 'spm_fields',
	templateLanguage: 'en_US',
	category: 'MARKETING',
	headerFormat: 'PRODUCT',
	bodyText: 'Our newest succulent is here, {{1}}!',
	bodyExamples: { example: [{ variable: '1', value: 'Pablo' }] },
	templateButtons: { button: [{ type: 'SPM' }] },
	...fields,
});
const checkoutFields = (fields: INodeParameters = {}): INodeParameters => ({
	operation: 'create',
	templateName: 'checkout_fields',
	templateLanguage: 'en_US',
	category: 'MARKETING',
	headerFormat: 'IMAGE',
	headerHandle: '4::aW1hZ2UvanBlZw==:ARZsim',
	bodyText: 'The Blue Elf Aloe is back in stock!',
	templateButtons: { button: [{ type: 'ORDER_DETAILS' }, { type: 'QUICK_REPLY', text: 'Stop' }] },
	...fields,
});

describe('Create single-product and checkout button templates', () => {
	it.each([
		['template-create-spm', 'NAMED'],
		['template-create-checkout-button', 'POSITIONAL'],
	])('sends Meta\'s example %s as documented and outputs the pending template', async (fixture, parameterFormat) => {
		const documented = documentedBody(fixture);
		// Meta's SPM send example uses the same name, so the simulator holds it: the account deletes it first.
		account.sim.fixture.templates = account.sim.fixture.templates.filter((template) => template.name !== documented.name);
		const result = await account.run({ ...fromJson(documented.name as string, documented.components), parameterFormat });
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING', category: 'MARKETING' })]);
		// The node writes component types in upper case, as Meta lists them; all else goes as documented.
		expect(created().components).toEqual((documented.components as IDataObject[]).map((component) => ({ ...component, type: String(component.type).toUpperCase() })));
	});

	it('builds an SPM template from the fields: a Product header and the fixed View button', async () => {
		const result = await account.run(spmFields());
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING' })]);
		expect(created().components).toEqual([
			{ type: 'HEADER', format: 'PRODUCT' },
			{ type: 'BODY', text: 'Our newest succulent is here, {{1}}!', example: { body_text: [['Pablo']] } },
			{ type: 'BUTTONS', buttons: [{ type: 'SPM', text: 'View' }] },
		]);
	});

	// Checkout button templates page, Multiple Products: a media card carousel whose cards each start with a checkout button.
	it('creates a carousel of checkout cards', async () => {
		const card = { components: [{ type: 'header', format: 'image', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARZsim'] } }, { type: 'buttons', buttons: [{ type: 'order_details', text: 'Buy now' }, { type: 'quick_reply', text: 'More like this' }] }] };
		const result = await account.run({ ...fromJson('checkout_cards', [{ type: 'body', text: 'Rare succulents for sale, {{1}}!', example: { body_text: [['Pablo']] } }, { type: 'carousel', cards: [card, card] }]), parameterFormat: 'POSITIONAL' }, false);
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING' })]);
	});

	it('builds a checkout button template from the fields: "Buy now" and a quick reply', async () => {
		const result = await account.run(checkoutFields());
		expect(result.outputs('Account')).toEqual([expect.objectContaining({ status: 'PENDING' })]);
		expect(created().components[2]).toEqual({ type: 'BUTTONS', buttons: [{ type: 'ORDER_DETAILS', text: 'Buy now' }, { type: 'QUICK_REPLY', text: 'Stop' }] });
	});
});

const SPM_JSON = documentedBody('template-create-spm').components as IDataObject[];
const withButtons = (buttons: IDataObject[]) => SPM_JSON.map((component) => (component.type === 'buttons' ? { type: 'buttons', buttons } : component));

describe('bad single-product and checkout template input fails before any call, naming the item and the field', () => {
	it.each([
		['an SPM body over 160 characters', spmFields({ bodyText: `${'a'.repeat(150)} {{1}} ${'b'.repeat(10)}` }), '"Body Text" is 167 characters long; Meta allows at most 160'],
		['an SPM template with a quick reply', spmFields({ templateButtons: { button: [{ type: 'SPM' }, { type: 'QUICK_REPLY', text: 'Later' }] } }), '"Buttons" must be the one View Product (SPM) button'],
		['a View button without a Product header', spmFields({ headerFormat: 'none' }), '"Header" must be Product'],
		['an SPM template that is not marketing', spmFields({ category: 'UTILITY' }), '"Category" is UTILITY: a single-product (SPM) template is a MARKETING template'],
		['a View button with other text (JSON)', fromJson('spm_json', withButtons([{ type: 'spm', text: 'Open' }])), '"Components (JSON) › [3].buttons[0].text" is "Open": Meta fixes a SPM button\'s text to "View"'],
		['a checkout button with other text (JSON)', fromJson('co_json', [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::x'] } }, { type: 'BODY', text: 'Back in stock.' }, { type: 'BUTTONS', buttons: [{ type: 'ORDER_DETAILS', text: 'Pay' }] }]), '"Components (JSON) › [2].buttons[0].text" is "Pay": Meta fixes a ORDER_DETAILS button\'s text to "Buy now"'],
		['a checkout template with a text header', checkoutFields({ headerFormat: 'TEXT', headerText: 'Back in stock' }), '"Header" must be Image or Video'],
		['a checkout template with a URL button', checkoutFields({ templateButtons: { button: [{ type: 'ORDER_DETAILS' }, { type: 'URL', text: 'Shop', url: 'https://shop.example.com' }] } }), '"Buttons › Button #2 › Type" is URL: beside its checkout button, a checkout button template has quick replies only'],
		[
			'a carousel card whose checkout button is not its first',
			{ ...fromJson('checkout_cards', [
				{ type: 'body', text: 'Rare succulents for sale, {{1}}!', example: { body_text: [['Pablo']] } },
				{ type: 'carousel', cards: [0, 1].map(() => ({ components: [{ type: 'header', format: 'image', example: { header_handle: ['4::x'] } }, { type: 'buttons', buttons: [{ type: 'quick_reply', text: 'More' }, { type: 'order_details', text: 'Buy now' }] }] })) },
			]), parameterFormat: 'POSITIONAL' },
			'"Components (JSON) › [1].cards[0].components[1].buttons[1].type" is a checkout button, which must be the first button of its card',
		],
		['two checkout buttons', checkoutFields({ templateButtons: { button: [{ type: 'ORDER_DETAILS' }, { type: 'ORDER_DETAILS' }] } }), '"Buttons › Button #2 › Type" is one ORDER_DETAILS button too many: Meta allows at most 1 per template'],
	] as Array<[string, INodeParameters, string]>)('%s', async (_case, parameters, message) => {
		const result = await account.run(parameters);
		expect(result.nodeError('Account')?.message).toContain(`Item 1: ${message}`);
		expect(account.sim.requests()).toEqual([]);
	});
});
