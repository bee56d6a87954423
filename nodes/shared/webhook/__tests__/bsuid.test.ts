/**
 * Users who adopted a WhatsApp username may be known only by a business-scoped user ID (BSUID). The bodies below are
 * Meta's examples from https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 * (page version of May 7, 2026; copied from test/contract/fixtures/webhooks/*bsuid*.json), and the system message
 * from https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/.
 * Where versions of the page differ (`from` left out or `""`; `recipient_parent_user_id`, formerly
 * `parent_recipient_user_id`), both are read.
 */
import { splitIntoEvents, type WebhookBody } from '../index';

const BSUID = 'US.13491208655302741918';
const PARENT = 'US.ENT.11815799212886844830';

function envelope(value: Record<string, unknown>): WebhookBody {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: '102290129340398',
				changes: [{ value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, ...value }, field: 'messages' }],
			},
		],
	};
}

/** messages-bsuid-text.json: a text from a username user whose phone number Meta withholds. */
const usernameText = () =>
	envelope({
		contacts: [{ profile: { name: 'Sheena Nelson', username: '@realsheenanelson' }, user_id: BSUID, parent_user_id: PARENT }],
		messages: [
			{
				from_user_id: BSUID,
				from_parent_user_id: PARENT,
				id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
				timestamp: '1749416383',
				type: 'text',
				text: { body: 'Does it come in another color?' },
			},
		],
	});

describe('messages from users known by a business-scoped user ID', () => {
	it('outputs the BSUIDs, the contact found by user_id, and replyTo = the parent BSUID', () => {
		const [event] = splitIntoEvents(usernameText());
		expect(event).toEqual({
			event: 'message',
			field: 'messages',
			wabaId: '102290129340398',
			phoneNumberId: '106540352242922',
			displayPhoneNumber: '15550783881',
			messageType: 'text',
			messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
			timestamp: '2025-06-08T20:59:43.000Z',
			timestampUnix: 1749416383,
			text: 'Does it come in another color?',
			fromUserId: BSUID,
			fromParentUserId: PARENT,
			contactName: 'Sheena Nelson',
			contactUsername: '@realsheenanelson',
			contactUserId: BSUID,
			contactParentUserId: PARENT,
			replyTo: PARENT,
		});
	});

	it('keeps an empty from as Meta sent it (the page\'s February version) and still answers with the BSUID', () => {
		const body = usernameText();
		const value = (body.entry![0].changes![0].value as { messages: Array<Record<string, unknown>>; contacts: Array<Record<string, unknown>> });
		value.messages[0] = { from: '', ...value.messages[0] };
		delete value.messages[0].from_parent_user_id;
		delete value.contacts[0].parent_user_id;
		const [event] = splitIntoEvents(body);
		expect(event).toMatchObject({ from: '', fromUserId: BSUID, contactUserId: BSUID, replyTo: BSUID });
	});

	it('finds the contact by user_id among several when from is empty', () => {
		const body = usernameText();
		const value = body.entry![0].changes![0].value as { contacts: unknown[] };
		value.contacts.unshift({ profile: { name: 'Someone else' }, wa_id: '16505550000', user_id: 'US.1' });
		expect(splitIntoEvents(body)[0]).toMatchObject({ contactName: 'Sheena Nelson', contactUserId: BSUID });
	});

	it('answers a user who shares their phone number on that number, BSUIDs beside it', () => {
		const [event] = splitIntoEvents(
			envelope({
				contacts: [{ profile: { name: 'Pablo M.' }, wa_id: '16505551234', user_id: BSUID }],
				messages: [{ from: '16505551234', from_user_id: BSUID, id: 'wamid.1', timestamp: '1749416383', type: 'text', text: { body: 'hi' } }],
			}),
		);
		expect(event).toMatchObject({ from: '16505551234', fromUserId: BSUID, contactWaId: '16505551234', contactUserId: BSUID, replyTo: '16505551234' });
	});

	it('reads the new BSUID of a user_changed_user_id system message and answers with it', () => {
		const [event] = splitIntoEvents(
			envelope({
				messages: [
					{
						from_user_id: BSUID,
						id: 'wamid.2',
						timestamp: '1749416383',
						type: 'system',
						system: { body: 'User changed their business-scoped user ID', type: 'user_changed_user_id', user_id: 'US.99999999999999999999' },
					},
				],
			}),
		);
		expect(event).toMatchObject({ systemType: 'user_changed_user_id', newUserId: 'US.99999999999999999999', fromUserId: BSUID, replyTo: 'US.99999999999999999999' });
	});

	it('answers a user who changed number at the new number', () => {
		const [event] = splitIntoEvents(
			envelope({ messages: [{ from: '16505551234', id: 'wamid.3', timestamp: '1', type: 'system', system: { body: 'changed', type: 'user_changed_number', wa_id: '16505559999' } }] }),
		);
		expect(event).toMatchObject({ newWaId: '16505559999', replyTo: '16505559999' });
	});
});

describe('statuses of messages to users known by a business-scoped user ID', () => {
	/** statuses-bsuid-delivered-no-phone.json: sent to a BSUID, phone number withheld. */
	const delivered = (status: Record<string, unknown>) =>
		envelope({
			contacts: [{ profile: { name: 'Pablo M.', username: '@pablomorales' }, user_id: BSUID, parent_user_id: PARENT }],
			statuses: [
				{
					id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
					status: 'delivered',
					timestamp: '1750030073',
					pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
					...status,
				},
			],
		});

	it('outputs recipientUserId and recipientParentUserId, and replyTo the parent BSUID', () => {
		const [event] = splitIntoEvents(delivered({ recipient_user_id: BSUID, recipient_parent_user_id: PARENT }));
		expect(event).toMatchObject({
			event: 'status',
			status: 'delivered',
			recipientUserId: BSUID,
			recipientParentUserId: PARENT,
			contactName: 'Pablo M.',
			contactUsername: '@pablomorales',
			contactUserId: BSUID,
			replyTo: PARENT,
		});
		expect(event.recipientId).toBeUndefined();
	});

	it('reads the parent BSUID under its former name parent_recipient_user_id too', () => {
		expect(splitIntoEvents(delivered({ recipient_user_id: BSUID, parent_recipient_user_id: PARENT }))[0]).toMatchObject({ recipientParentUserId: PARENT });
	});

	it('answers at the phone number when the message went to one (statuses-bsuid-delivered.json)', () => {
		const [event] = splitIntoEvents(delivered({ recipient_id: '16505551234', recipient_user_id: BSUID, recipient_parent_user_id: PARENT }));
		expect(event).toMatchObject({ recipientId: '16505551234', recipientUserId: BSUID, replyTo: '16505551234' });
	});

	it('answers at the phone number of a failed status that has no contacts (statuses-bsuid-failed.json)', () => {
		const [event] = splitIntoEvents(
			envelope({
				statuses: [
					{
						id: 'wamid.x',
						status: 'failed',
						timestamp: '1750030073',
						recipient_id: '16505551234',
						errors: [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' }],
					},
				],
			}),
		);
		expect(event).toMatchObject({ status: 'failed', recipientId: '16505551234', errorCode: 131049, replyTo: '16505551234' });
		expect(event.contactName).toBeUndefined();
	});
});
