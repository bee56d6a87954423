/**
 * Webhook fields beyond messages and statuses, each as its own named event with its fields flat and in the user's
 * words, one event per record Meta lists. The bodies follow Meta's reference page named above each test.
 */
import { splitIntoEvents, type WebhookBody } from '../index';

const WABA = '102290129340398';
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

function change(field: string, value: Record<string, unknown>, time?: number): WebhookBody {
	const entry: Record<string, unknown> = { id: WABA, changes: [{ value, field }] };
	if (time !== undefined) entry.time = time;
	return { object: 'whatsapp_business_account', entry: [entry] } as WebhookBody;
}

const common = { wabaId: WABA, phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };

describe('user_preferences', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
	it('makes one flat userPreferences event per preference, with the contact and replyTo', () => {
		const events = splitIntoEvents(
			change('user_preferences', {
				messaging_product: 'whatsapp',
				metadata: METADATA,
				contacts: [
					{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' },
					{ profile: { name: 'Pablo M.', username: '@pablomorales' }, user_id: 'US.13491208655302741918' },
				],
				user_preferences: [
					{ wa_id: '16505551234', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: 1731705721 },
					{ user_id: 'US.13491208655302741918', detail: 'User requested to resume marketing messages', category: 'marketing_messages', value: 'resume', timestamp: 1731705722 },
				],
			}),
		);
		expect(events).toEqual([
			{
				event: 'userPreferences',
				field: 'user_preferences',
				...common,
				waId: '16505551234',
				detail: 'User requested to stop marketing messages',
				category: 'marketing_messages',
				value: 'stop',
				timestamp: '2024-11-15T21:22:01.000Z',
				timestampUnix: 1731705721,
				contactName: 'Sheena Nelson',
				contactWaId: '16505551234',
				replyTo: '16505551234',
			},
			expect.objectContaining({ event: 'userPreferences', userId: 'US.13491208655302741918', value: 'resume', contactUsername: '@pablomorales', replyTo: 'US.13491208655302741918' }),
		]);
	});
});

describe('calls', () => {
	// Calling API webhooks, field `calls`: connect and terminate in `calls`, the status of a business-initiated call in
	// `statuses`. Shapes from whatsapp-api-js src/types.ts (ServerCallConnect, ServerCallTerminate, PostDataCallField),
	// which follows Meta's Calling API reference; Meta's own page was not in the searchable docs.
	const calls = (records: Record<string, unknown>) => change('calls', { messaging_product: 'whatsapp', metadata: METADATA, contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }], ...records });

	it('makes a call event with the call\'s fields flat, the session\'s SDP included, and replyTo the caller', () => {
		const [event] = splitIntoEvents(
			calls({
				calls: [
					{
						id: 'wacid.HBgLMTY1MDU1NTEyMzQVAgARGBI',
						to: '15550783881',
						from: '16505551234',
						event: 'connect',
						timestamp: '1671644824',
						direction: 'USER_INITIATED',
						session: { sdp_type: 'offer', sdp: 'v=0' },
					},
				],
			}),
		);
		expect(event).toEqual({
			event: 'call',
			field: 'calls',
			...common,
			callId: 'wacid.HBgLMTY1MDU1NTEyMzQVAgARGBI',
			to: '15550783881',
			from: '16505551234',
			callEvent: 'connect',
			timestamp: '2022-12-21T17:47:04.000Z',
			timestampUnix: 1671644824,
			direction: 'USER_INITIATED',
			sdpType: 'offer',
			sdp: 'v=0',
			contactName: 'Sheena Nelson',
			contactWaId: '16505551234',
			replyTo: '16505551234',
		});
	});

	it('reads a terminated call\'s status, times and callback data', () => {
		const [event] = splitIntoEvents(
			calls({
				calls: [
					{
						id: 'wacid.1',
						to: '16505551234',
						from: '15550783881',
						event: 'terminate',
						direction: 'BUSINESS_INITIATED',
						timestamp: '1671644900',
						status: 'COMPLETED',
						start_time: '1671644830',
						end_time: '1671644900',
						duration: 70,
						biz_opaque_callback_data: 'ticket-7',
					},
				],
			}),
		);
		expect(event).toMatchObject({ callEvent: 'terminate', callStatus: 'COMPLETED', startTime: '1671644830', endTime: '1671644900', duration: 70, bizOpaqueCallbackData: 'ticket-7', replyTo: '16505551234' });
	});

	it('makes a callStatus event for a business-initiated call ringing a user known by a BSUID', () => {
		const [event] = splitIntoEvents(
			change('calls', {
				messaging_product: 'whatsapp',
				metadata: METADATA,
				statuses: [{ id: 'wacid.2', timestamp: '1671644824', type: 'call', status: 'RINGING', recipient_user_id: 'US.13491208655302741918' }],
			}),
		);
		expect(event).toMatchObject({ event: 'callStatus', field: 'calls', callId: 'wacid.2', statusType: 'call', callStatus: 'RINGING', recipientUserId: 'US.13491208655302741918', replyTo: 'US.13491208655302741918' });
	});
});

describe('smb_message_echoes', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_message_echoes
	it('makes one messageEcho event per echo with its message fields, replyTo the customer it went to', () => {
		const events = splitIntoEvents(
			change('smb_message_echoes', {
				messaging_product: 'whatsapp',
				metadata: METADATA,
				message_echoes: [
					{ from: '15550783881', to: '16505551234', id: 'wamid.E1', timestamp: '1739321024', type: 'text', text: { body: 'See you at 5' } },
					{ from: '15550783881', to: '', to_user_id: 'US.13491208655302741918', id: 'wamid.E2', timestamp: '1739321025', type: 'text', text: { body: 'Done' } },
				],
			}),
		);
		expect(events[0]).toEqual({
			event: 'messageEcho',
			field: 'smb_message_echoes',
			...common,
			messageType: 'text',
			messageId: 'wamid.E1',
			from: '15550783881',
			to: '16505551234',
			text: 'See you at 5',
			timestamp: '2025-02-12T00:43:44.000Z',
			timestampUnix: 1739321024,
			replyTo: '16505551234',
		});
		expect(events[1]).toMatchObject({ messageId: 'wamid.E2', toUserId: 'US.13491208655302741918', replyTo: 'US.13491208655302741918' });
	});
});

describe('history', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history/
	const history = (chunks: unknown[]) => change('history', { messaging_product: 'whatsapp', metadata: METADATA, history: chunks });

	it('makes one history event per message, with its chunk and thread beside it', () => {
		const events = splitIntoEvents(
			history([
				{
					metadata: { phase: 0, chunk_order: 1, progress: 55 },
					threads: [
						{
							id: '16505551234',
							messages: [
								{ from: '16505551234', id: 'wamid.H1', timestamp: '1739230955', type: 'text', text: { body: 'Is it open?' }, history_context: { status: 'READ' } },
								{ from: '15550783881', to: '16505551234', id: 'wamid.H2', timestamp: '1739230960', type: 'text', text: { body: 'Yes' }, history_context: { status: 'DELIVERED' } },
							],
						},
					],
				},
			]),
		);
		expect(events).toEqual([
			{
				event: 'history',
				field: 'history',
				...common,
				phase: 0,
				chunkOrder: 1,
				progress: 55,
				threadId: '16505551234',
				messageType: 'text',
				messageId: 'wamid.H1',
				from: '16505551234',
				text: 'Is it open?',
				historyStatus: 'READ',
				timestamp: '2025-02-10T23:42:35.000Z',
				timestampUnix: 1739230955,
				replyTo: '16505551234',
			},
			expect.objectContaining({ messageId: 'wamid.H2', from: '15550783881', to: '16505551234', historyStatus: 'DELIVERED', replyTo: '16505551234' }),
		]);
	});

	it('reports the progress of a chunk with no messages', () => {
		expect(splitIntoEvents(history([{ metadata: { phase: 2, chunk_order: 4, progress: 100 }, threads: [] }]))).toEqual([
			{ event: 'history', field: 'history', ...common, phase: 2, chunkOrder: 4, progress: 100 },
		]);
	});

	it('outputs a declined share as an error of the history field', () => {
		const [event] = splitIntoEvents(
			history([{ errors: [{ code: 2593109, title: 'History sync is turned off by the business from the WhatsApp Business App', message: 'History sync is turned off', error_data: { details: 'History sync is turned off by the business' } }] }]),
		);
		expect(event).toMatchObject({ event: 'error', field: 'history', errorCode: 2593109, errorDetails: 'History sync is turned off by the business' });
	});
});

describe('group_* (Groups API)', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks ("Group create succeed")
	it('makes one groupLifecycleUpdate event per group, its keys flat', () => {
		const [event] = splitIntoEvents(
			change('group_lifecycle_update', {
				messaging_product: 'whatsapp',
				metadata: METADATA,
				groups: [
					{ timestamp: '1746000000', group_id: 'GROUP_ID', type: 'group_create', request_id: 'REQUEST_ID', subject: 'test invite link', invite_link: 'https://chat.whatsapp.com/LINK_ID', join_approval_mode: 'auto_approve' },
				],
			}),
		);
		expect(event).toEqual({
			event: 'groupLifecycleUpdate',
			field: 'group_lifecycle_update',
			...common,
			timestamp: '2025-04-30T08:00:00.000Z',
			timestampUnix: 1746000000,
			groupId: 'GROUP_ID',
			type: 'group_create',
			requestId: 'REQUEST_ID',
			subject: 'test invite link',
			inviteLink: 'https://chat.whatsapp.com/LINK_ID',
			joinApprovalMode: 'auto_approve',
		});
	});

	it.each([
		['group_participants_update', 'groupParticipantsUpdate'],
		['group_settings_update', 'groupSettingsUpdate'],
		['group_status_update', 'groupStatusUpdate'],
	])('names %s events %s, with lists of participants in camelCase', (field, name) => {
		const [event] = splitIntoEvents(
			change(field, { messaging_product: 'whatsapp', metadata: METADATA, groups: [{ timestamp: '1746000000', group_id: 'G1', type: 'x', added_participants: [{ input: '16505551234', wa_id: '16505551234' }] }] }),
		);
		expect(event).toMatchObject({ event: name, field, groupId: 'G1', addedParticipants: [{ input: '16505551234', waId: '16505551234' }] });
	});
});

describe('message_template_components_update', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_components_update
	it('names the template\'s parts and its buttons\' keys in the user\'s words', () => {
		const [event] = splitIntoEvents(
			change(
				'message_template_components_update',
				{
					message_template_id: 12345678,
					message_template_name: 'order_update',
					message_template_language: 'en_US',
					message_template_element: 'Your order {{1}} is on its way',
					message_template_title: 'Order update',
					message_template_footer: 'Reply STOP to opt out',
					message_template_buttons: [
						{ message_template_button_type: 'URL', message_template_button_text: 'Track', message_template_button_url: 'https://example.com/track' },
						{ message_template_button_type: 'PHONE_NUMBER', message_template_button_text: 'Call us', message_template_button_phone_number: '+15550783881' },
					],
				},
				1746000000,
			),
		);
		expect(event).toEqual({
			event: 'templateComponentsUpdate',
			field: 'message_template_components_update',
			wabaId: WABA,
			templateId: 12345678,
			templateName: 'order_update',
			templateLanguage: 'en_US',
			templateBody: 'Your order {{1}} is on its way',
			templateTitle: 'Order update',
			templateFooter: 'Reply STOP to opt out',
			templateButtons: [
				{ type: 'URL', text: 'Track', url: 'https://example.com/track' },
				{ type: 'PHONE_NUMBER', text: 'Call us', phoneNumber: '+15550783881' },
			],
			timestamp: '2025-04-30T08:00:00.000Z',
			timestampUnix: 1746000000,
		});
	});
});
