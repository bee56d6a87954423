/**
 * Authentication templates (copy code, one-tap) sent through n8n-core's WorkflowExecute against the simulator: one
 * one-time code, at most 15 characters, that "must appear twice in the payload" (the body's {{1}} and the code
 * button, sent as a url button), refused before any call when it breaks those rules.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/zero-tap-authentication-templates
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator, templateFields as fields } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

const template = (name: string) => ({ __rl: true, mode: 'name', value: name });
const codeSent = (code: string) => [
	{ type: 'body', parameters: [{ type: 'text', text: code }] },
	{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: code }] },
];
const manual = (bodyCode: string, button: IDataObject): INodeParameters => ({
	messageType: 'template',
	templateInputMode: 'manual',
	template: template('login_code_one_tap'),
	language: 'en_US',
	templateBodyParameters: { parameter: [{ type: 'text', text: bodyCode }] },
	templateButtons: { button: [{ index: 0, ...button }] },
});

describe('Send Message: authentication templates', () => {
	test.each([
		['copy code', 'verification_code'],
		['one-tap autofill', 'login_code_one_tap'],
	])('a %s template takes its code once in the Template Fields and sends it twice', async (_kind, name) => {
		const result = await send(sim, { messageType: 'template', template: template(name), language: 'en_US', templateFields: fields({ 'otp:0': 'J$FpnYnP' }) });
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toMatchObject({ template: { name, components: codeSent('J$FpnYnP') } });
	});

	test('a code of 15 characters, the most Meta allows, goes', async () => {
		const result = await send(sim, manual('123456789012345', { subType: 'copy_code', couponCode: '123456789012345' }));
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toMatchObject({ template: { components: codeSent('123456789012345') } });
	});
});

const three = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];
const sixteenOnSecond = '={{ $json.n === 2 ? "1234567890123456" : "482913" }}';

describe('Send Message: a bad one-time code fails before any call, naming the item and the field', () => {
	test.each([
		[
			'a code over 15 characters in the Template Fields',
			{ messageType: 'template', template: template('login_code_one_tap'), language: 'en_US', templateFields: fields({ 'otp:0': sixteenOnSecond }) },
			/^Item 2: "Template Fields" One-time code is 16 characters long; WhatsApp allows a one-time code of at most 15/,
		],
		['a body code over 15 characters', manual(sixteenOnSecond, { subType: 'url', text: '482913' }), /^Item 2: "Body Variables #1 › Text" is 16 characters long; WhatsApp allows a one-time code of at most 15/],
		['a button code over 15 characters', manual('482913', { subType: 'url', text: sixteenOnSecond }), /^Item 2: "Buttons #1 › URL Variable" is 16 characters long/],
		['a button code unlike the body\'s', manual('482913', { subType: 'copy_code', couponCode: '={{ $json.n === 2 ? "111111" : "482913" }}' }), /^Item 2: "Buttons #1 › URL Variable" is "111111" but the body's code is "482913": an authentication template sends the same one-time code in both/],
	] as Array<[string, INodeParameters, RegExp]>)('%s', async (_name, parameters, message) => {
		const result = await send(sim, parameters, { inputItems: three });
		expect(result.error?.message).toMatch(message);
		expect(messageCalls(sim)).toBe(0);
	});
});
