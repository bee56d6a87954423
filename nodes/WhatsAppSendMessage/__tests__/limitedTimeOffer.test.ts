/**
 * Limited-time offer templates through n8n-core's WorkflowExecute against the simulator: the offer's expiration (a
 * date or a Unix time in ms) goes between the body and the buttons; its offer code is at most 15 characters; a bad
 * value fails before any call, naming the item and the field.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator, templateFields as fields } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

const NAME = 'limited_time_offer_caribbean_pkg_2023';
const offerFields = (overrides: IDataObject = {}): INodeParameters => ({
	messageType: 'template',
	template: { __rl: true, mode: 'name', value: NAME },
	language: 'en_US',
	templateHeader: 'image',
	templateHeaderMediaSource: 'link',
	templateHeaderLink: 'https://example.com/beach.jpg',
	templateFields: fields({ 'body:1': 'Pablo', 'body:2': 'CARIBE25', 'button:copy_code:0': 'CARIBE25', 'button:url:1': 'n3mtql', 'offer:expiration': '2027-01-01T00:00:00Z', ...overrides }),
});
const expiration = (ms: number) => ({ type: 'limited_time_offer', parameters: [{ type: 'limited_time_offer', limited_time_offer: { expiration_time_ms: ms } }] });

describe('Send Message: limited-time offer templates', () => {
	test('the expiration from the Template Fields, as a date, goes between the body and the buttons', async () => {
		const result = await send(sim, offerFields());
		expect(result.error).toBeUndefined();
		expect((sim.log()[0].body as { template: { components: Array<{ type: string }> } }).template.components).toEqual([
			{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/beach.jpg' } }] },
			{ type: 'body', parameters: [{ type: 'text', text: 'Pablo' }, { type: 'text', text: 'CARIBE25' }] },
			expiration(Date.UTC(2027, 0, 1)),
			{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'CARIBE25' }] },
			{ type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'n3mtql' }] },
		]);
	});

	test('the expiration filled by hand as a Unix time in ms', async () => {
		const result = await send(sim, {
			messageType: 'template',
			templateInputMode: 'manual',
			template: { __rl: true, mode: 'name', value: NAME },
			language: 'en_US',
			templateHeader: 'image',
			templateHeaderMediaSource: 'link',
			templateHeaderLink: 'https://example.com/beach.jpg',
			templateBodyParameters: { parameter: [{ text: 'Pablo' }, { text: 'CARIBE25' }] },
			templateButtons: { button: [{ subType: 'copy_code', index: 0, couponCode: 'CARIBE25' }, { subType: 'url', index: 1, text: 'n3mtql' }] },
			templateOfferExpiration: '1798761600000',
		});
		expect(result.error).toBeUndefined();
		expect((sim.log()[0].body as { template: { components: unknown[] } }).template.components[2]).toEqual(expiration(1798761600000));
	});
});

const three = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];

describe('Send Message: a bad limited-time offer fails before any call, naming the item and the field', () => {
	test.each([
		['an offer code over 15 characters', offerFields({ 'button:copy_code:0': '={{ $json.n === 2 ? "CARIBBEAN-2027-X" : "CARIBE25" }}' }), /^Item 2: "Buttons #1 › Coupon Code" is 16 characters long; a limited-time offer's code is at most 15/],
		['an expiration that is no date', offerFields({ 'offer:expiration': '={{ $json.n === 2 ? "next week" : "2027-01-01" }}' }), /^Item 2: "Template Fields" Offer expiration "next week" is not a date and time/],
		['a negative expiration', offerFields({ 'offer:expiration': '={{ $json.n === 2 ? "-5" : "2027-01-01" }}' }), /^Item 2: "Template Fields" Offer expiration must be a whole number of milliseconds since 1970/],
		['a missing expiration', offerFields({ 'offer:expiration': '={{ $json.n === 2 ? "" : "2027-01-01" }}' }), /^Item 2: "Offer Expiration" template "limited_time_offer_caribbean_pkg_2023" is a limited-time offer with an expiration: give when the offer expires/],
		[
			'an expiration for a template without an offer',
			{ messageType: 'template', templateInputMode: 'manual', template: { __rl: true, mode: 'name', value: 'delivery_update' }, language: 'en_US', templateBodyParameters: { parameter: [{ text: 'A' }, { text: 'B' }] }, templateOfferExpiration: '2027-01-01' },
			/^Item 1: "Offer Expiration" template "delivery_update" is not a limited-time offer/,
		],
	] as Array<[string, INodeParameters, RegExp]>)('%s', async (_name, parameters, message) => {
		const result = await send(sim, parameters, { inputItems: three });
		expect(result.error?.message).toMatch(message);
		expect(messageCalls(sim)).toBe(0);
	});
});
