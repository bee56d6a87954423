/**
 * Every message kind, through n8n-core's WorkflowExecute, accepted by the simulator (which validates bodies as Meta
 * does). One test per kind: the output item and the body the simulator logged.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, STANDARD_NUMBER, withSimulator } from './helpers';
import { gateRegistryForTests } from '../../../test/support/testHooks';

let sim: Simulator;

withSimulator((started) => (sim = started));

const template = (value: string) => ({ __rl: true, mode: 'name', value });

const cases: Array<[string, INodeParameters, Record<string, unknown>]> = [
	['text', { messageType: 'text', textBody: 'Hello *there*', previewUrl: true }, { type: 'text', text: { body: 'Hello *there*', preview_url: true } }],
	[
		'image',
		{ messageType: 'image', mediaSource: 'link', mediaLink: 'https://example.com/a.jpg', caption: 'Look' },
		{ type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'Look' } },
	],
	['video', { messageType: 'video', mediaSource: 'link', mediaLink: 'https://example.com/a.mp4' }, { type: 'video', video: { link: 'https://example.com/a.mp4' } }],
	[
		'audio',
		{ messageType: 'audio', mediaSource: 'link', mediaLink: 'https://example.com/a.ogg', voice: true },
		{ type: 'audio', audio: { link: 'https://example.com/a.ogg', voice: true } },
	],
	[
		'document',
		{ messageType: 'document', mediaSource: 'link', mediaLink: 'https://example.com/a.pdf', filename: 'Invoice.pdf', caption: 'Your invoice' },
		{ type: 'document', document: { link: 'https://example.com/a.pdf', filename: 'Invoice.pdf', caption: 'Your invoice' } },
	],
	['sticker', { messageType: 'sticker', mediaSource: 'link', mediaLink: 'https://example.com/a.webp' }, { type: 'sticker', sticker: { link: 'https://example.com/a.webp' } }],
	[
		'location',
		{ messageType: 'location', latitude: 37.4847, longitude: -122.1483, locationDetails: { name: 'Philz', address: '101 Forest Ave' } },
		{ type: 'location', location: { latitude: 37.4847, longitude: -122.1483, name: 'Philz', address: '101 Forest Ave' } },
	],
	[
		'contacts',
		{
			messageType: 'contacts',
			contacts: {
				contact: [
					{
						formattedName: 'Jane Doe',
						nameDetails: { firstName: 'Jane', prefix: 'Dr.' },
						birthday: '1990-07-31',
						company: 'Acme',
						phones: { phone: [{ phone: '+1 650 555 0000', type: 'WORK', waId: '16505550000' }] },
						emails: { email: [{ email: 'jane@acme.com', type: 'WORK' }] },
						addresses: { address: [{ city: 'Palo Alto', countryCode: 'US', type: 'WORK' }] },
						urls: { url: [{ url: 'https://acme.com', type: 'WORK' }] },
					},
					{ formattedName: 'John Roe' },
				],
			},
		},
		{
			type: 'contacts',
			contacts: [
				{
					name: { formatted_name: 'Jane Doe', first_name: 'Jane', prefix: 'Dr.' },
					birthday: '1990-07-31',
					org: { company: 'Acme' },
					phones: [{ phone: '+1 650 555 0000', type: 'WORK', wa_id: '16505550000' }],
					emails: [{ email: 'jane@acme.com', type: 'WORK' }],
					addresses: [{ city: 'Palo Alto', country_code: 'US', type: 'WORK' }],
					urls: [{ url: 'https://acme.com', type: 'WORK' }],
				},
				{ name: { formatted_name: 'John Roe' } },
			],
		},
	],
	// Entry types are free text, kept as given: https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/contacts-messages
	[
		'contacts with free-text entry types',
		{
			messageType: 'contacts',
			contacts: {
				contact: [
					{
						formattedName: 'Front Desk',
						phones: { phone: [{ phone: '+1 650 555 0000', type: 'Company' }, { phone: '+1 650 555 0001', type: 'cell' }] },
						emails: { email: [{ email: 'desk@acme.com', type: 'Billing' }] },
						addresses: { address: [{ city: 'Palo Alto', type: 'Warehouse' }] },
						urls: { url: [{ url: 'https://acme.com', type: 'Shop' }] },
					},
				],
			},
		},
		{
			type: 'contacts',
			contacts: [
				{
					name: { formatted_name: 'Front Desk' },
					phones: [
						{ phone: '+1 650 555 0000', type: 'Company' },
						{ phone: '+1 650 555 0001', type: 'cell' },
					],
					emails: [{ email: 'desk@acme.com', type: 'Billing' }],
					addresses: [{ city: 'Palo Alto', type: 'Warehouse' }],
					urls: [{ url: 'https://acme.com', type: 'Shop' }],
				},
			],
		},
	],
	['reaction', { messageType: 'reaction', reactionMessageId: 'wamid.ABC', emoji: '❤️' }, { type: 'reaction', reaction: { message_id: 'wamid.ABC', emoji: '❤️' } }],
	['reaction removal', { messageType: 'reaction', reactionMessageId: 'wamid.ABC', emoji: '' }, { type: 'reaction', reaction: { message_id: 'wamid.ABC', emoji: '' } }],
	[
		'reply buttons',
		{
			messageType: 'buttons',
			headerType: 'image',
			headerMediaSource: 'link',
			headerLink: 'https://example.com/banner.png',
			interactiveBody: 'Confirm your order?',
			footer: 'Acme',
			replyButtons: { button: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] },
		},
		{
			type: 'interactive',
			interactive: {
				type: 'button',
				header: { type: 'image', image: { link: 'https://example.com/banner.png' } },
				body: { text: 'Confirm your order?' },
				footer: { text: 'Acme' },
				action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] },
			},
		},
	],
	[
		'list',
		{
			messageType: 'list',
			headerText: 'Menu',
			interactiveBody: 'What would you like?',
			listButtonText: 'See menu',
			sections: {
				section: [
					{ title: 'Drinks', rows: { row: [{ id: 'tea', title: 'Tea', description: 'Green or black' }, { id: 'coffee', title: 'Coffee' }] } },
					{ title: 'Food', rows: { row: [{ id: 'cake', title: 'Cake' }] } },
				],
			},
		},
		{
			type: 'interactive',
			interactive: {
				type: 'list',
				header: { type: 'text', text: 'Menu' },
				body: { text: 'What would you like?' },
				action: {
					button: 'See menu',
					sections: [
						{ title: 'Drinks', rows: [{ id: 'tea', title: 'Tea', description: 'Green or black' }, { id: 'coffee', title: 'Coffee' }] },
						{ title: 'Food', rows: [{ id: 'cake', title: 'Cake' }] },
					],
				},
			},
		},
	],
	[
		'call-to-action URL',
		{ messageType: 'ctaUrl', headerType: 'text', headerText: 'Tickets', interactiveBody: 'Dates are out', displayText: 'See dates', ctaUrl: 'https://example.com/dates' },
		{
			type: 'interactive',
			interactive: {
				type: 'cta_url',
				header: { type: 'text', text: 'Tickets' },
				body: { text: 'Dates are out' },
				action: { name: 'cta_url', parameters: { display_text: 'See dates', url: 'https://example.com/dates' } },
			},
		},
	],
	[
		'flow',
		{
			messageType: 'flow',
			interactiveBody: 'Book a table',
			flowIdentifier: 'id',
			flowId: '1122334455',
			flowCta: 'Book',
			flowOptions: { flowToken: 'session-1', mode: 'draft', screen: 'START', data: '{"guests": 2}' },
		},
		{
			type: 'interactive',
			interactive: {
				type: 'flow',
				body: { text: 'Book a table' },
				action: {
					name: 'flow',
					parameters: {
						flow_message_version: '3',
						flow_id: '1122334455',
						flow_cta: 'Book',
						flow_token: 'session-1',
						mode: 'draft',
						flow_action: 'navigate',
						flow_action_payload: { screen: 'START', data: { guests: 2 } },
					},
				},
			},
		},
	],
	[
		'location request',
		{ messageType: 'locationRequest', locationRequestBody: 'Where should we deliver?' },
		{ type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Where should we deliver?' }, action: { name: 'send_location' } } },
	],
	[
		'positional template with header, currency, date and URL button',
		{
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('order_confirmation'),
			language: 'en_US',
			templateHeader: 'text',
			templateHeaderText: '#4512',
			templateBodyParameters: {
				parameter: [
					{ variable: '1', type: 'text', text: 'Ana' },
					{ variable: '3', type: 'currency', amount: 25.9, code: 'USD', fallbackValue: '$25.90' },
					{ variable: '2', type: 'text', text: '#4512' },
					{ variable: '4', type: 'date_time', fallbackValue: 'Monday, May 4' },
				],
			},
			templateButtons: { button: [{ subType: 'url', index: 0, text: '4512' }] },
		},
		{
			type: 'template',
			template: {
				name: 'order_confirmation',
				language: { code: 'en_US' },
				components: [
					{ type: 'header', parameters: [{ type: 'text', text: '#4512' }] },
					{
						type: 'body',
						parameters: [
							{ type: 'text', text: 'Ana' },
							{ type: 'text', text: '#4512' },
							{ type: 'currency', currency: { fallback_value: '$25.90', code: 'USD', amount_1000: 25900 } },
							{ type: 'date_time', date_time: { fallback_value: 'Monday, May 4' } },
						],
					},
					{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '4512' }] },
				],
			},
		},
	],
	[
		'named template in its default language',
		{
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('greeting_header_named'),
			templateHeader: 'text',
			templateHeaderText: 'Ana',
			templateBodyParameters: {
				parameter: [
					{ variable: 'first_name', type: 'text', text: 'Ana' },
					{ variable: 'club_name', type: 'text', text: 'Book Club' },
				],
			},
		},
		{
			type: 'template',
			template: {
				name: 'greeting_header_named',
				language: { code: 'en_US' },
				components: [
					{ type: 'header', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'first_name' }] },
					{
						type: 'body',
						parameters: [
							{ type: 'text', text: 'Ana', parameter_name: 'first_name' },
							{ type: 'text', text: 'Book Club', parameter_name: 'club_name' },
						],
					},
				],
			},
		},
	],
	[
		'template with an image header',
		{
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('shipping_image'),
			language: 'en_US',
			templateHeader: 'image',
			templateHeaderMediaSource: 'link',
			templateHeaderLink: 'https://example.com/parcel.jpg',
			templateBodyParameters: { parameter: [{ type: 'text', text: 'PKG-881' }] },
		},
		{
			type: 'template',
			template: {
				name: 'shipping_image',
				language: { code: 'en_US' },
				components: [
					{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/parcel.jpg' } }] },
					{ type: 'body', parameters: [{ type: 'text', text: 'PKG-881' }] },
				],
			},
		},
	],
	[
		'template with a location header, filled from its fields',
		{
			messageType: 'template',
			template: template('store_location'),
			language: 'en_US',
			templateHeader: 'location',
			templateHeaderLatitude: 38.7223,
			templateHeaderLongitude: -9.1393,
			templateHeaderLocationName: 'Casa Verde',
			templateFields: { mappingMode: 'defineBelow', value: { 'body:1': '#4512' }, matchingColumns: [], schema: [] },
		},
		{
			type: 'template',
			template: {
				name: 'store_location',
				language: { code: 'en_US' },
				components: [
					{ type: 'header', parameters: [{ type: 'location', location: { latitude: 38.7223, longitude: -9.1393, name: 'Casa Verde' } }] },
					{ type: 'body', parameters: [{ type: 'text', text: '#4512' }] },
				],
			},
		},
	],
	[
		'template with a flow button carrying a token and data',
		{
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('survey_flow'),
			language: 'en_US',
			templateBodyParameters: { parameter: [{ type: 'text', text: 'Ana' }] },
			templateButtons: { button: [{ subType: 'flow', index: 0, flowToken: 'survey-1', flowActionData: '{"order": "4512"}' }] },
		},
		{
			type: 'template',
			template: {
				name: 'survey_flow',
				language: { code: 'en_US' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
					{ type: 'button', sub_type: 'flow', index: '0', parameters: [{ type: 'action', action: { flow_token: 'survey-1', flow_action_data: { order: '4512' } } }] },
				],
			},
		},
	],
	// Meta's send body for an authentication template: the code in the body and as the text of a url button, whatever
	// the button (copy code, one-tap, zero-tap):
	// https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/copy-code-button-authentication-templates
	...(['copy_code', 'url'] as const).map((subType): [string, INodeParameters, Record<string, unknown>] => [
		`authentication template with its code button picked as ${subType}`,
		{
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('verification_code'),
			language: 'en_US',
			templateBodyParameters: { parameter: [{ type: 'text', text: '482913' }] },
			templateButtons: { button: [subType === 'copy_code' ? { subType, index: 0, couponCode: '482913' } : { subType, index: 0, text: '482913' }] },
		},
		{
			type: 'template',
			template: {
				name: 'verification_code',
				language: { code: 'en_US' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: '482913' }] },
					{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
				],
			},
		},
	]),
	// Meta advises a flow CTA of up to 30 characters: https://developers.facebook.com/documentation/business-messaging/whatsapp/flows/guides/sendingaflow/
	[
		'flow with a 30-character button label',
		{ messageType: 'flow', interactiveBody: 'Book a table', flowIdentifier: 'id', flowId: '1122334455', flowCta: 'Book a table for this weekend!', flowOptions: { flowAction: 'data_exchange' } },
		{
			type: 'interactive',
			interactive: {
				type: 'flow',
				body: { text: 'Book a table' },
				action: { name: 'flow', parameters: { flow_message_version: '3', flow_id: '1122334455', flow_cta: 'Book a table for this weekend!', flow_action: 'data_exchange' } },
			},
		},
	],
	// A coupon code takes up to 20 characters: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/coupon-templates
	[
		'template with a 20-character coupon code',
		{
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('coupon_offer'),
			language: 'en_US',
			templateBodyParameters: { parameter: [{ type: 'text', text: 'SPRING-SALE-2027-25X' }, { type: 'text', text: '25%' }] },
			templateButtons: { button: [{ subType: 'copy_code', index: 0, couponCode: 'SPRING-SALE-2027-25X' }] },
		},
		{
			type: 'template',
			template: {
				name: 'coupon_offer',
				language: { code: 'en_US' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: 'SPRING-SALE-2027-25X' }, { type: 'text', text: '25%' }] },
					{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SPRING-SALE-2027-25X' }] },
				],
			},
		},
	],
	[
		'template with quick reply payloads',
		{
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('appointment_reminder'),
			language: 'en_US',
			templateBodyParameters: { parameter: [{ type: 'text', text: 'Dr. Lee' }, { type: 'date_time', fallbackValue: 'February 25, 2027 3:00 PM' }] },
			templateButtons: { button: [{ subType: 'quick_reply', index: 0, payload: 'confirm-77' }, { subType: 'quick_reply', index: 2, payload: 'cancel-77' }] },
		},
		{
			type: 'template',
			template: {
				name: 'appointment_reminder',
				language: { code: 'en_US' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: 'Dr. Lee' }, { type: 'date_time', date_time: { fallback_value: 'February 25, 2027 3:00 PM' } }] },
					{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'confirm-77' }] },
					{ type: 'button', sub_type: 'quick_reply', index: '2', parameters: [{ type: 'payload', payload: 'cancel-77' }] },
				],
			},
		},
	],
];

describe('Send Message: every kind is accepted by the simulator', () => {
	test.each(cases)('%s', async (_name, parameters, expectedBody) => {
		const result = await send(sim, { ...parameters, sendOptions: { bizOpaqueCallbackData: 'case-1' } });
		expect(result.error).toBeUndefined();
		const [output] = result.outputs('Send');
		expect(output).toMatchObject({
			messageType: parameters.messageType,
			phoneNumberId: STANDARD_NUMBER,
			recipient: '16505551234',
			waId: '16505551234',
			messageStatus: 'accepted',
		});
		const log = sim.log();
		expect(log).toHaveLength(1);
		expect(output.messageId).toBe(log[0].wamid);
		expect(log[0].body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '16505551234',
			biz_opaque_callback_data: 'case-1',
			...expectedBody,
		});
	});

	test('mark as read with a typing indicator', async () => {
		const result = await send(sim, { operation: 'markAsRead', readMessageId: 'wamid.IN1', typingIndicator: true });
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send')).toEqual([{ messageType: 'markAsRead', phoneNumberId: STANDARD_NUMBER, success: true, messageId: 'wamid.IN1' }]);
		expect(sim.counters().readReceipts).toBe(1);
	});

	test('a reply carries the quoted message ID', async () => {
		await send(sim, { messageType: 'text', textBody: 'Sure!', sendOptions: { replyToMessageId: 'wamid.IN2' } });
		expect(sim.log()[0].body).toMatchObject({ context: { message_id: 'wamid.IN2' } });
	});

	test('the raw response is added only when asked', async () => {
		const result = await send(sim, { messageType: 'text', textBody: 'Hi', sendOptions: { includeRawResponse: true } });
		expect(result.outputs('Send')[0].rawResponse).toMatchObject({ messaging_product: 'whatsapp', messages: [{ id: sim.log()[0].wamid }] });
	});

	test('mark as read can add the raw response too', async () => {
		const result = await send(sim, { operation: 'markAsRead', readMessageId: 'wamid.IN3', sendOptions: { includeRawResponse: true } });
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send')[0]).toMatchObject({ success: true, messageId: 'wamid.IN3', rawResponse: { success: true } });
	});

	test('a sender picked from the list puts its display number in the output; one given by ID does not', async () => {
		const picked = { __rl: true, mode: 'list', value: STANDARD_NUMBER, cachedResultName: '+1 555-0100 · Acme Support' };
		const fromList = await send(sim, { messageType: 'text', textBody: 'Hi', phoneNumberId: picked });
		expect(fromList.outputs('Send')[0]).toMatchObject({ phoneNumberId: STANDARD_NUMBER, senderDisplayNumber: '+1 555-0100' });
		const byIdOnly = await send(sim, { messageType: 'text', textBody: 'Hi' });
		expect(byIdOnly.outputs('Send')[0].senderDisplayNumber).toBeUndefined();
	});
});

/**
 * Mark as Read was a Message Type of "Send" before it became an operation: a workflow saved then (with `operation: send`,
 * or with no operation at all) sends the same call and outputs the same item as the operation does.
 * The body: https://developers.facebook.com/documentation/business-messaging/whatsapp/typing-indicators
 * (test/contract/fixtures/requests/typing-indicator.json).
 */
describe('Mark as Read saved as a Message Type', () => {
	const saved = { messageType: 'markAsRead', readMessageId: 'wamid.IN1', typingIndicator: true, sendOptions: { includeRawResponse: true } };
	const readBody = { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN1', typing_indicator: { type: 'text' } };

	test.each([
		['with no operation', saved],
		['with operation "send"', { operation: 'send', ...saved }],
		['as the operation', { operation: 'markAsRead', readMessageId: 'wamid.IN1', typingIndicator: true, sendOptions: { includeRawResponse: true } }],
	])('%s marks the message read, with the same call and output', async (_name, parameters) => {
		const result = await send(sim, parameters as INodeParameters);
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send')).toEqual([
			{ messageType: 'markAsRead', phoneNumberId: STANDARD_NUMBER, success: true, messageId: 'wamid.IN1', rawResponse: { success: true } },
		]);
		const calls = sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/messages'));
		expect(calls.map((request) => [request.path, JSON.parse(request.body)])).toEqual([[`/v26.0/${STANDARD_NUMBER}/messages`, readBody]]);
		expect(sim.counters().readReceipts).toBe(1);
	});

	test('an empty message ID fails naming the field, before any call, as it did', async () => {
		const result = await send(sim, { messageType: 'markAsRead', readMessageId: '={{ "" }}' });
		expect(result.error?.message).toContain('Received Message ID');
		expect(messageCalls(sim)).toBe(0);
		const asOperation = await send(sim, { operation: 'markAsRead', readMessageId: '={{ "" }}' });
		expect(asOperation.error?.message).toBe(result.error?.message);
	});
});

/**
 * Users who adopted a WhatsApp username may be known only by a business-scoped user ID: Meta takes it in `recipient`
 * (never `to`), answers with the contact's `user_id`, and refuses authentication templates to it (131062).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
describe('Send Message to a business-scoped user ID', () => {
	const BSUID = 'US.13491208655302741918';

	// Authentication templates are refused to a BSUID before any call (131062): tested below.
	const sendable = cases.filter(([name]) => !name.startsWith('authentication template'));

	test.each(sendable)('%s goes in recipient, without to, and outputs the userId', async (_name, parameters, expectedBody) => {
		const result = await send(sim, { ...parameters, recipient: BSUID, sendOptions: { bizOpaqueCallbackData: 'case-1' } });
		expect(result.error).toBeUndefined();
		const [output] = result.outputs('Send');
		expect(output).toMatchObject({ messageType: parameters.messageType, recipient: BSUID, userId: BSUID, messageStatus: 'accepted' });
		expect(output.waId).toBeUndefined();
		const log = sim.log();
		expect(log).toHaveLength(1);
		expect(log[0].body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			recipient: BSUID,
			biz_opaque_callback_data: 'case-1',
			...expectedBody,
		});
	});

	test('a parent BSUID is sent as given', async () => {
		const result = await send(sim, { messageType: 'text', textBody: 'Hi', recipient: ' US.ENT.11815799212886844830 ' });
		expect(result.outputs('Send')[0]).toMatchObject({ recipient: 'US.ENT.11815799212886844830', userId: 'US.ENT.11815799212886844830' });
		expect(sim.log()[0].body).toMatchObject({ recipient: 'US.ENT.11815799212886844830' });
	});

	test('the pair rate is kept per BSUID', async () => {
		await send(sim, { messageType: 'text', textBody: 'Hi', recipient: 'BR.PairRate1' });
		const lane = [...gateRegistryForTests().lanes.values()].find((candidate) => candidate.phoneNumberId === STANDARD_NUMBER);
		expect([...lane!.recipients.keys()]).toContain('BR.PairRate1');
	});

	test('an authentication template to a BSUID is refused before any call, naming the item and the field', async () => {
		const result = await send(
			sim,
			{
				messageType: 'template',
				templateInputMode: 'manual',
				template: template('verification_code'),
				language: 'en_US',
				recipient: '={{ $json.to }}',
				templateBodyParameters: { parameter: [{ type: 'text', text: '482913' }] },
				templateButtons: { button: [{ subType: 'url', index: 0, text: '482913' }] },
			},
			{ inputItems: [{ to: '+16505551234' }, { to: BSUID }] },
		);
		expect(result.error?.message).toMatch(/^Item 2: "Recipient" .*business-scoped user ID.*authentication template.*131062/);
		expect(messageCalls(sim)).toBe(0);
	});

	test('an authentication template to a phone number still goes', async () => {
		const result = await send(sim, {
			messageType: 'template',
			templateInputMode: 'manual',
			template: template('verification_code'),
			language: 'en_US',
			templateBodyParameters: { parameter: [{ type: 'text', text: '482913' }] },
			templateButtons: { button: [{ subType: 'url', index: 0, text: '482913' }] },
		});
		expect(result.error).toBeUndefined();
		expect(sim.log()).toHaveLength(1);
	});
});
