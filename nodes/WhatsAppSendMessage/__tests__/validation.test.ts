/**
 * Bad input fails with the item and the field named, before any request reaches Meta.
 */
import type { INodeParameters } from 'n8n-workflow';

import { destroyGraphClients } from '../../shared/transport';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { byId, messageCalls, send } from './helpers';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});
afterEach(() => sim.reset());
afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

const three = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];

const cases: Array<[string, INodeParameters, RegExp]> = [
	['a recipient that is not a phone number', { messageType: 'text', textBody: 'Hi', recipient: '={{ $json.n === 2 ? "call me" : "+16505551234" }}' }, /^Item 2: "Recipient Phone Number" .*not a phone number/],
	['a national number without country code', { messageType: 'text', textBody: 'Hi', recipient: '={{ $json.n === 2 ? "020 7946 0958" : "+16505551234" }}' }, /^Item 2: "Recipient Phone Number" .*country code/],
	['a text over 4,096 characters', { messageType: 'text', textBody: '={{ $json.n === 3 ? "x".repeat(4097) : "ok" }}' }, /^Item 3: "Message Text" is 4097 characters long; WhatsApp allows at most 4096/],
	['a sender ID from an expression that is a phone number', { messageType: 'text', textBody: 'Hi', phoneNumberId: byId('={{ "+1 650 555 0100" }}') }, /^Item 1: Sender Phone Number .* is not a phone number ID/],
	['a caption on a sticker-less kind is not offered, but a bad link is caught', { messageType: 'image', mediaSource: 'link', mediaLink: 'example.com/a.jpg' }, /^Item 1: "Link" .*not a URL/],
	['a button title over 20 characters', { messageType: 'buttons', interactiveBody: 'Pick', replyButtons: { button: [{ id: 'a', title: 'A' }, { id: 'b', title: 'This title is far too long' }] } }, /^Item 1: "Buttons #2 › Title" is 26 characters long/],
	['two buttons with the same ID', { messageType: 'buttons', interactiveBody: 'Pick', replyButtons: { button: [{ id: 'a', title: 'A' }, { id: 'a', title: 'B' }] } }, /^Item 1: "Buttons #2 › ID" Button ID "a" is used twice/],
	[
		'a list row ID used twice',
		{ messageType: 'list', interactiveBody: 'Pick', listButtonText: 'Open', sections: { section: [{ title: 'A', rows: { row: [{ id: 'x', title: 'X' }] } }, { title: 'B', rows: { row: [{ id: 'x', title: 'Y' }] } }] } },
		/^Item 1: "Sections #2 › Rows #1 › ID" Row ID "x" is used twice/,
	],
	[
		'several sections without titles',
		{ messageType: 'list', interactiveBody: 'Pick', listButtonText: 'Open', sections: { section: [{ title: 'A', rows: { row: [{ id: 'x', title: 'X' }] } }, { rows: { row: [{ id: 'y', title: 'Y' }] } }] } },
		/^Item 1: "Sections #2 › Title" is required when the list has more than one section/,
	],
	['a latitude beyond 90', { messageType: 'location', latitude: 91, longitude: 0 }, /^Item 1: "Latitude" must be between -90 and 90/],
	['a birthday not written YYYY-MM-DD', { messageType: 'contacts', contacts: { contact: [{ formattedName: 'Jane', birthday: '31/07/1990' }] } }, /^Item 1: "Contacts #1 › Birthday" .*YYYY-MM-DD/],
	['two emoji in a reaction', { messageType: 'reaction', reactionMessageId: 'wamid.A', emoji: '👍👍' }, /^Item 1: "Emoji" .*not a single emoji/],
	['callback data over 512 characters', { messageType: 'text', textBody: 'Hi', sendOptions: { bizOpaqueCallbackData: 'x'.repeat(513) } }, /^Item 1: "Options › Callback Data" is 513 characters long/],
	['a flow initial data that is not JSON', { messageType: 'flow', interactiveBody: 'Go', flowId: '1', flowCta: 'Go', flowOptions: { screen: 'A', data: '{oops' } }, /^Item 1: "Flow Options › Initial Data \(JSON\)" is not valid JSON/],
	[
		'a named template variable with capitals',
		{ messageType: 'template',
			templateInputMode: 'manual', template: { __rl: true, mode: 'name', value: 'welcome_named' }, language: 'en_US', templateBodyParameters: { parameter: [{ variable: 'First_Name', type: 'text', text: 'Ana' }] } },
		/^Item 1: "Body Variables #1 › Variable" "First_Name" is not a parameter name/,
	],
	[
		'a template button position above 9',
		{ messageType: 'template',
			templateInputMode: 'manual', template: { __rl: true, mode: 'name', value: 'welcome_named' }, language: 'en_US', templateButtons: { button: [{ subType: 'quick_reply', index: 12, payload: 'x' }] } },
		/^Item 1: "Buttons #1 › Button Position" must be the button's position/,
	],
];

describe('Send Message: validation before any call', () => {
	test.each(cases)('%s fails naming item and field, and nothing reaches the simulator', async (_name, parameters, message) => {
		const result = await send(sim, parameters, { inputItems: three });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(sim.requests()).toHaveLength(0);
	});

	test('a fourth reply button is refused by n8n itself (the field allows 3) and nothing reaches the simulator', async () => {
		const parameters = { messageType: 'buttons', interactiveBody: 'Pick', replyButtons: { button: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: `B${i}` })) } };
		await expect(send(sim, parameters)).rejects.toThrow(/At most 3 fields are allowed/);
		expect(sim.requests()).toHaveLength(0);
	});

	test('a template with the wrong number of variables fails after reading the template, before any send', async () => {
		const result = await send(sim, {
			messageType: 'template',
			templateInputMode: 'manual',
			template: { __rl: true, mode: 'name', value: 'delivery_update' },
			language: 'en_US',
			templateBodyParameters: { parameter: [{ type: 'text', text: '#4512' }] },
		});
		expect(result.error?.message).toMatch(/^Item 1: "Body Variables" template "delivery_update" has 2 body variables .* but 1 value was given/);
		expect(messageCalls(sim)).toBe(0);
	});

	test('a template language the template does not exist in lists the languages it has', async () => {
		const result = await send(sim, { messageType: 'template',
			templateInputMode: 'manual', template: { __rl: true, mode: 'name', value: 'delivery_update' }, language: 'de' });
		expect(result.error?.message).toMatch(/"Language" template "delivery_update" has no language "de"; it exists in: en_US, fr/);
		expect(messageCalls(sim)).toBe(0);
	});

	test('a paused template is refused before any send', async () => {
		const result = await send(sim, {
			messageType: 'template',
			templateInputMode: 'manual',
			template: { __rl: true, mode: 'name', value: 'old_newsletter' },
			language: 'en_US',
			templateBodyParameters: { parameter: [{ type: 'text', text: 'Ana' }] },
		});
		expect(result.error?.message).toMatch(/is paused, not approved/);
		expect(messageCalls(sim)).toBe(0);
	});

	test('a URL button the template needs but was not given is named', async () => {
		const result = await send(sim, {
			messageType: 'template',
			templateInputMode: 'manual',
			template: { __rl: true, mode: 'name', value: 'payment_due' },
			language: 'en_US',
			templateBodyParameters: { parameter: [1, 2, 3].map((n) => ({ type: 'text', text: `v${n}` })) },
		});
		expect(result.error?.message).toMatch(/"Buttons" button 0 of template "payment_due" \(url\) needs a value/);
		expect(messageCalls(sim)).toBe(0);
	});
});
