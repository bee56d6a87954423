/**
 * Bad input fails with the item and the field named, before any request reaches Meta.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { byId, messageCalls, send, withSimulator } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

const three = [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];

/** `count` rows with IDs `${prefix}1`… in one section. */
const section = (title: string, count: number, prefix: string) => ({
	title,
	rows: { row: Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i + 1}`, title: `Row ${prefix}${i + 1}` })) },
});
/** A valid list message to break one field of. */
const list = (): INodeParameters => ({ messageType: 'list', interactiveBody: 'Pick', listButtonText: 'Open', sections: { section: [section('A', 2, 'a')] } });

const cases: Array<[string, INodeParameters, RegExp]> = [
	['a recipient that is not a phone number', { messageType: 'text', textBody: 'Hi', recipient: '={{ $json.n === 2 ? "call me" : "+16505551234" }}' }, /^Item 2: "Recipient" .*not a phone number/],
	['a username instead of the user\'s ID', { messageType: 'text', textBody: 'Hi', recipient: '={{ $json.n === 2 ? "@ana" : "+16505551234" }}' }, /^Item 2: "Recipient" .*username.*replyTo/],
	['a malformed business-scoped user ID', { messageType: 'text', textBody: 'Hi', recipient: '={{ $json.n === 2 ? "us.1349" : "+16505551234" }}' }, /^Item 2: "Recipient" .*not a business-scoped user ID/],
	['a national number without country code', { messageType: 'text', textBody: 'Hi', recipient: '={{ $json.n === 2 ? "020 7946 0958" : "+16505551234" }}' }, /^Item 2: "Recipient" .*country code/],
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
	[
		'a reply-buttons header text over 60 characters',
		{ messageType: 'buttons', headerType: 'text', headerText: 'h'.repeat(61), interactiveBody: 'Pick', replyButtons: { button: [{ id: 'a', title: 'A' }] } },
		/^Item 1: "Header Text" is 61 characters long; WhatsApp allows at most 60/,
	],
	['a list header text over 60 characters', { ...list(), headerText: '={{ $json.n === 2 ? "h".repeat(61) : "ok" }}' }, /^Item 2: "Header Text" is 61 characters long; WhatsApp allows at most 60/],
	['a list text over 4,096 characters', { ...list(), interactiveBody: 'b'.repeat(4097) }, /^Item 1: "Message Text" is 4097 characters long; WhatsApp allows at most 4096/],
	[
		'a reply-buttons text over 1,024 characters',
		{ messageType: 'buttons', interactiveBody: 'b'.repeat(1025), replyButtons: { button: [{ id: 'a', title: 'A' }] } },
		/^Item 1: "Message Text" is 1025 characters long; WhatsApp allows at most 1024/,
	],
	['a footer over 60 characters', { ...list(), footer: 'f'.repeat(61) }, /^Item 1: "Footer" is 61 characters long; WhatsApp allows at most 60/],
	[
		'a list with more than 10 rows in all',
		{ ...list(), sections: { section: [section('A', 6, 'a'), section('B', 5, 'b')] } },
		/^Item 1: "Sections" has 11 rows in all; WhatsApp allows at most 10 rows across all sections/,
	],
	[
		'a list row title over 24 characters',
		{ ...list(), sections: { section: [{ title: 'A', rows: { row: [{ id: 'x', title: 'X' }, { id: 'y', title: 'y'.repeat(25) }] } }] } },
		/^Item 1: "Sections #1 › Rows #2 › Title" is 25 characters long; WhatsApp allows at most 24/,
	],
	[
		'a list row description over 72 characters',
		{ ...list(), sections: { section: [{ title: 'A', rows: { row: [{ id: 'x', title: 'X', description: 'd'.repeat(73) }] } }] } },
		/^Item 1: "Sections #1 › Rows #1 › Description" is 73 characters long; WhatsApp allows at most 72/,
	],
	['a list button label over 20 characters', { ...list(), listButtonText: 'b'.repeat(21) }, /^Item 1: "Button Label" is 21 characters long; WhatsApp allows at most 20/],
	[
		'a call-to-action button label over 20 characters',
		{ messageType: 'ctaUrl', interactiveBody: 'See it', displayText: 'c'.repeat(21), ctaUrl: 'https://example.com/x' },
		/^Item 1: "Button Label" is 21 characters long; WhatsApp allows at most 20/,
	],
	[
		'a flow button label over 30 characters',
		{ messageType: 'flow', interactiveBody: 'Go', flowId: '1', flowCta: 'f'.repeat(31) },
		/^Item 1: "Button Label" is 31 characters long; WhatsApp allows at most 30/,
	],
	[
		'a contact card without a name',
		{ messageType: 'contacts', contacts: { contact: [{ formattedName: 'Jane' }, { formattedName: '={{ $json.n === 2 ? "" : "Joe" }}', phones: { phone: [{ phone: '+1 650 555 0000' }] } }] } },
		/^Item 2: "Contacts #2 › Full Name" is required/,
	],
];

describe('Send Message: validation before any call', () => {
	test.each(cases)('%s fails naming item and field, and nothing reaches the simulator', async (_name, parameters, message) => {
		const result = await send(sim, parameters, { inputItems: three });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(sim.requests()).toHaveLength(0);
	});

	test('a caption left on an audio (the field is hidden for audio) is not sent, so Meta accepts the message', async () => {
		// n8n drops parameters a kind does not show; the builder also refuses a caption on audio (builders.test.ts).
		const result = await send(sim, { messageType: 'audio', mediaSource: 'link', mediaLink: 'https://example.com/a.ogg', caption: 'Listen' });
		expect(result.error).toBeUndefined();
		expect(sim.log()).toHaveLength(1);
		expect(sim.log()[0].body.audio).toEqual({ link: 'https://example.com/a.ogg' });
	});

	test('a list text of 4,096 characters is accepted by Meta, as the field’s description says', async () => {
		const result = await send(sim, { ...list(), interactiveBody: 'b'.repeat(4096) });
		expect(result.error).toBeUndefined();
		expect(sim.log()).toHaveLength(1);
	});

	test('the Message Text descriptions state the limits the builders enforce', async () => {
		const { WhatsAppSendMessage } = await import('../WhatsAppSendMessage.node');
		const fields = new WhatsAppSendMessage().description.properties.filter((field) => field.name === 'interactiveBody');
		const forKind = (kind: string) => fields.find((field) => (field.displayOptions?.show?.messageType as string[]).includes(kind))?.description;
		expect(forKind('list')).toContain('4,096');
		for (const kind of ['buttons', 'ctaUrl', 'flow']) expect(forKind(kind)).toContain('1,024');
	});

	test('a fourth reply button is refused with our message naming the item and the field, not n8n\'s generic one', async () => {
		const parameters = { messageType: 'buttons', interactiveBody: 'Pick', replyButtons: { button: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: `B${i}` })) } };
		const result = await send(sim, parameters);
		expect(result.error?.message).toMatch(/^Item 1: "Buttons" has 4 buttons; WhatsApp allows at most 3 reply buttons/);
		expect(result.error?.message).not.toMatch(/fields are allowed/);
		expect(sim.requests()).toHaveLength(0);
	});

	test('an eleventh list row in one section is refused with our message naming the item and the field', async () => {
		const result = await send(sim, { ...list(), sections: { section: [section('A', 11, 'a')] } });
		expect(result.error?.message).toMatch(/^Item 1: "Sections" has 11 rows in all; WhatsApp allows at most 10/);
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
