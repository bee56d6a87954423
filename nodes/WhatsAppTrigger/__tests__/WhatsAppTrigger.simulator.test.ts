/**
 * The simulator plays Meta: the trigger subscribes (app mode), the simulator sends signed webhooks for the
 * statuses of messages it accepted and for injected customer messages; the trigger, inside n8n-core's HookContext
 * and WebhookContext (test/support/trigger/n8nContexts.ts), must output the right items, in order, once each, and start nothing for bad
 * input.
 */
import { INBOUND_TYPES, type InboundMessage, type InboundType } from '../../../test/simulator/inbound';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { startN8nTrigger, type N8nTrigger } from '../../../test/support/trigger/n8nContexts';
import { clearRedeliveryStores } from '../../../test/support/testHooks';

const FAST_NUMBER = '300000000000002';
let sim: Simulator;
let trigger: N8nTrigger;

/** Sends text messages through the simulator; answers their wamids in the order accepted. */
async function sendTexts(count: number, concurrency = 25): Promise<string[]> {
	const ids: string[] = new Array(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			const response = await fetch(`${sim.url}/v26.0/${FAST_NUMBER}/messages`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sim.fixture.accessToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ messaging_product: 'whatsapp', to: `+3519${String(10000000 + index)}`, type: 'text', text: { body: `Order ${index}` } }),
			});
			const answer = (await response.json()) as { messages?: Array<{ id: string }> };
			if (!answer.messages) throw new Error(`send ${index} failed: ${JSON.stringify(answer)}`);
			ids[index] = answer.messages[0].id;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return sim.log().map((message) => message.wamid);
}

function items(): Array<Record<string, unknown>> {
	return trigger.executions.flat().map((item) => item.json as Record<string, unknown>);
}

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none', mps: { [FAST_NUMBER]: 100_000 } });
});

afterAll(async () => {
	await sim.stop();
});

beforeEach(async () => {
	sim.reset();
	sim.configure({ undeliverableRecipients: [] });
	sim.webhooks.configure({ statuses: ['sent', 'delivered', 'read'], maxChangesPerBody: 1, concurrency: 4 });
	clearRedeliveryStores();
	trigger = await startN8nTrigger(sim, { subscription: 'app', triggerOn: ['all'] });
	await trigger.trigger.webhookMethods.default.create.call(trigger.hooks());
});

afterEach(async () => {
	await trigger.close();
});

describe('statuses of sent messages', () => {
	it('outputs sent, delivered and read once each for every message, in that order per message', async () => {
		const ids = await sendTexts(20);
		await sim.webhooks.idle();
		const statuses = items().filter((item) => item.event === 'status');
		expect(statuses).toHaveLength(60);
		for (const id of ids) {
			expect(statuses.filter((item) => item.messageId === id).map((item) => item.status)).toEqual(['sent', 'delivered', 'read']);
		}
		expect(statuses[0]).toMatchObject({ phoneNumberId: FAST_NUMBER, wabaId: sim.fixture.wabaId, pricingCategory: 'service' });
	});

	it('splits 1,000-update batches into one item per status, in the order Meta sent them', async () => {
		sim.webhooks.configure({ statuses: ['sent'], maxChangesPerBody: 1000, concurrency: 1 });
		const ids = await sendTexts(1000);
		await sim.webhooks.idle();
		const delivered = sim.webhooks.deliveries();
		expect(delivered.every((record) => record.status === 200)).toBe(true);
		const sentOrder = delivered.flatMap((record) =>
			(JSON.parse(record.body) as { entry: Array<{ changes: Array<{ value: { statuses: Array<{ id: string }> } }> }> }).entry[0].changes.map(
				(change) => change.value.statuses[0].id,
			),
		);
		expect(items().map((item) => item.messageId)).toEqual(sentOrder);
		expect(new Set(sentOrder)).toEqual(new Set(ids));
	});

	it('drops Meta\'s redeliveries of bodies it already handled', async () => {
		await sendTexts(5);
		await sim.webhooks.idle();
		const executionsBefore = trigger.executions.length;
		const redelivered = await sim.webhooks.redeliver(10);
		await sim.webhooks.idle();
		expect(redelivered.map((record) => record.status)).toEqual(new Array(10).fill(200));
		expect(trigger.executions.length).toBe(executionsBefore);
		expect(items()).toHaveLength(15);
	});

	it('outputs only the failure for a message Meta could not deliver', async () => {
		sim.configure({ undeliverableRecipients: ['351910000000'], undeliverableVia: 'webhook' });
		await sendTexts(1);
		await sim.webhooks.idle();
		expect(items()).toEqual([expect.objectContaining({ event: 'status', status: 'failed', errorCode: 131026, recipientId: '351910000000' })]);
	});
});

describe('injected customer messages', () => {
	/** Meta sends a media file's SHA-256 in base64; the item gives it in hex, as the WhatsApp Media node does. */
	const hex = (media: { sha256: string } | undefined) => Buffer.from(media!.sha256, 'base64').toString('hex');
	/** What each type's item must say, from the message the simulator sent (its defaults, see test/simulator/inbound.ts). */
	const expectedFields: Record<InboundType, (message: InboundMessage) => Record<string, unknown>> = {
		text: () => ({ text: 'Hello' }),
		// Media webhooks carry the download `url` (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/image).
		image: (message) => ({ mediaId: message.image!.id, mediaUrl: message.image!.url, mimeType: 'image/jpeg', sha256: hex(message.image) }),
		video: (message) => ({ mediaId: message.video!.id, mediaUrl: message.video!.url, mimeType: 'video/mp4', sha256: hex(message.video) }),
		document: (message) => ({ mediaId: message.document!.id, mediaUrl: message.document!.url, mimeType: 'application/pdf', sha256: hex(message.document), filename: 'document.pdf' }),
		audio: (message) => ({ mediaId: message.audio!.id, mediaUrl: message.audio!.url, mimeType: 'audio/ogg; codecs=opus', sha256: hex(message.audio), voice: true }),
		sticker: (message) => ({ mediaId: message.sticker!.id, mediaUrl: message.sticker!.url, mimeType: 'image/webp', sha256: hex(message.sticker), animated: false }),
		location: () => ({ latitude: 38.7223, longitude: -9.1393 }),
		contacts: () => ({
			contacts: [
				{
					name: { formatted_name: 'Ana Silva', first_name: 'Ana', last_name: 'Silva' },
					phones: [{ phone: '+351 912 345 678', wa_id: '351912345678', type: 'CELL' }],
				},
			],
		}),
		interactive: (message) => ({ replyType: 'buttonReply', buttonReplyId: 'btn-yes', buttonReplyTitle: 'Yes', replyToMessageId: message.context!.id, replyToFrom: '15550000001' }),
		button: (message) => ({ buttonText: 'Yes', buttonPayload: 'YES_PAYLOAD', replyToMessageId: message.context!.id, replyToFrom: '15550000001' }),
		reaction: (message) => ({ reactionEmoji: '\u{1F44D}', reactionToMessageId: message.reaction!.message_id }),
		order: () => ({ catalogId: '1234567890', productItems: [{ product_retailer_id: 'SKU-1', quantity: 2, item_price: 9.99, currency: 'EUR' }] }),
		system: () => ({
			systemType: 'user_changed_number',
			systemBody: 'User Ana Silva changed from 351911111111 to 15550009999',
			newWaId: '15550009999',
		}),
		request_welcome: () => ({}),
		unsupported: () => ({
			errorCode: 131051,
			errorTitle: 'Message type unknown',
			errorMessage: 'Message type unknown',
			errorDetails: 'Message type is currently not supported.',
			unsupportedType: 'edit',
		}),
	};
	/** The fields every message item has, whatever its type (the contact's aside). */
	const COMMON_FIELDS = ['displayPhoneNumber', 'event', 'field', 'from', 'messageId', 'messageType', 'phoneNumberId', 'replyTo', 'timestamp', 'timestampUnix', 'wabaId'];
	/** The sender's contact, which every message but a system one comes with (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system). */
	const contactOf = (type: InboundType) => (type === 'system' ? {} : { contactName: 'Ana Silva', contactWaId: '351911111111' });

	it.each(INBOUND_TYPES.map((type) => [type]))('outputs one %s message item with its own fields', async (type) => {
		const { message } = (await sim.injectInbound({ from: '351911111111', type, name: 'Ana Silva' })) as { message: InboundMessage };
		await sim.webhooks.idle();
		expect(items()).toHaveLength(1);
		const [item] = items();
		const own = expectedFields[type](message);
		expect(item).toEqual({
			event: 'message',
			field: 'messages',
			messageType: type,
			messageId: message.id,
			from: '351911111111',
			...contactOf(type),
			// A system message announcing a new number is answered at the new number.
			replyTo: type === 'system' ? '15550009999' : '351911111111',
			phoneNumberId: sim.fixture.phoneNumbers[0].id,
			displayPhoneNumber: sim.fixture.phoneNumbers[0].displayPhoneNumber.replace(/\D/g, ''),
			wabaId: sim.fixture.wabaId,
			timestamp: new Date(Number(message.timestamp) * 1000).toISOString(),
			timestampUnix: Number(message.timestamp),
			...own,
		});
		// Nothing beyond the common fields and the type's own (request_welcome has none of its own).
		expect(Object.keys(item).sort()).toEqual([...COMMON_FIELDS, ...Object.keys(contactOf(type)), ...Object.keys(own)].sort());
	});

	it.each([
		['list_reply', { listReplyId: 'row-1', listReplyTitle: 'First row', replyType: 'listReply' }],
		['nfm_reply', { flowName: 'flow', replyType: 'flowReply', flowResponse: { flow_token: 'sim-flow-token', answer: 'yes' } }],
	])('reads an interactive %s into named fields', async (kind, fields) => {
		await sim.injectInbound({ from: '351911111111', type: 'interactive', interactive: { type: kind } });
		await sim.webhooks.idle();
		expect(items()[0]).toMatchObject(fields);
	});

	it('starts only for the message types the user picked', async () => {
		trigger.parameters.triggerOn = ['message:image'];
		await sim.injectInbound({ from: '351911111111', type: 'text' });
		await sim.injectInbound({ from: '351911111111', type: 'image' });
		await sim.webhooks.idle();
		expect(items().map((item) => item.messageType)).toEqual(['image']);
	});
});

// Users who adopted a username, as the simulator plays them after Meta's BSUID page:
// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
describe('users known only by a business-scoped user ID', () => {
	it('outputs a username user\'s message with the BSUIDs, the username and replyTo, where from is empty', async () => {
		const { message } = (await sim.injectInbound({
			userId: 'US.13491208655302741918',
			parentUserId: 'US.ENT.11815799212886844830',
			username: '@ana',
			name: 'Ana Silva',
			type: 'text',
			body: 'Olá',
		})) as { message: InboundMessage };
		await sim.webhooks.idle();
		expect(items()).toEqual([
			expect.objectContaining({
				event: 'message',
				messageId: message.id,
				text: 'Olá',
				fromUserId: 'US.13491208655302741918',
				fromParentUserId: 'US.ENT.11815799212886844830',
				contactName: 'Ana Silva',
				contactUsername: '@ana',
				contactUserId: 'US.13491208655302741918',
				replyTo: 'US.ENT.11815799212886844830',
			}),
		]);
		expect(items()[0].from).toBeUndefined();
	});

	it('outputs the statuses of a message sent to a BSUID with recipientUserId and replyTo', async () => {
		const response = await fetch(`${sim.url}/v26.0/${FAST_NUMBER}/messages`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.fixture.accessToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ messaging_product: 'whatsapp', recipient: 'US.13491208655302741918', type: 'text', text: { body: 'Hi' } }),
		});
		expect(response.status).toBe(200);
		await sim.webhooks.idle();
		const statuses = items().filter((item) => item.event === 'status');
		expect(statuses.map((item) => item.status)).toEqual(['sent', 'delivered', 'read']);
		for (const status of statuses) {
			expect(status).toMatchObject({ recipientUserId: 'US.13491208655302741918', replyTo: 'US.13491208655302741918' });
			expect(status.recipientId).toBeUndefined();
		}
	});
});

// The simulator's events of these fields follow Meta's reference pages (see test/simulator/webhooks.ts, injectEvent).
describe('calls, marketing preferences, Business app messages, chat history and groups', () => {
	it.each([
		['user_preferences', [{ event: 'userPreferences', category: 'marketing_messages', value: 'stop', replyTo: '16505551234', contactName: 'Sim Customer' }]],
		['calls', [{ event: 'call', callEvent: 'connect', from: '16505551234', direction: 'USER_INITIATED', sdpType: 'offer', replyTo: '16505551234' }]],
		['smb_message_echoes', [{ event: 'messageEcho', messageType: 'text', to: '16505551234', text: 'Sent from the WhatsApp Business app', replyTo: '16505551234' }]],
		[
			'history',
			[
				{ event: 'history', threadId: '16505551234', text: 'Is the shop open?', historyStatus: 'READ', progress: 100 },
				{ event: 'history', threadId: '16505551234', text: 'Yes, until 6 pm', historyStatus: 'DELIVERED', progress: 100 },
			],
		],
		['group_lifecycle_update', [{ event: 'groupLifecycleUpdate', type: 'group_create', subject: 'Sim group', inviteLink: 'https://chat.whatsapp.com/SIMLINK' }]],
	])('a %s webhook reaches a trigger on "All Events" and comes out as flat, named items', async (field, expected) => {
		await sim.webhooks.injectEvent({ field, phoneNumberId: FAST_NUMBER });
		await sim.webhooks.idle();
		expect(items()).toEqual(expected.map((fields) => expect.objectContaining({ field, phoneNumberId: FAST_NUMBER, wabaId: sim.fixture.wabaId, ...fields })));
	});

	it('starts only for the field the user picked', async () => {
		trigger.parameters.triggerOn = ['field:calls'];
		await sim.webhooks.injectEvent({ field: 'user_preferences', phoneNumberId: FAST_NUMBER });
		await sim.webhooks.injectEvent({ field: 'calls', phoneNumberId: FAST_NUMBER });
		await sim.webhooks.idle();
		expect(items().map((item) => item.event)).toEqual(['call']);
	});
});

describe('bad deliveries start nothing', () => {
	const inbound = () => ({
		object: 'whatsapp_business_account',
		entry: [{ id: sim.fixture.wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000001', phone_number_id: FAST_NUMBER }, messages: [{ from: '1', id: 'wamid.bad', timestamp: '1767225600', type: 'text', text: { body: 'hi' } }] } }] }],
	});

	it.each([
		['a wrong signature', 'wrong' as const],
		['no signature', 'none' as const],
	])('answers a body with %s with 401', async (_name, signature) => {
		const record = await sim.webhooks.deliverRaw(inbound(), { url: trigger.webhookUrl, signature });
		expect(record.status).toBe(401);
		expect(trigger.executions).toHaveLength(0);
	});

	it('answers truncated JSON with 400', async () => {
		const record = await sim.webhooks.deliverRaw('{"object":"whatsapp_business_account","entry":[{"id"', { url: trigger.webhookUrl });
		expect(record.status).toBe(400);
		expect(trigger.executions).toHaveLength(0);
	});

	it('answers a signed body over 3 MB with 413', async () => {
		const big = inbound();
		const value = big.entry[0].changes[0].value as { messages: Array<Record<string, unknown>> };
		value.messages = Array.from({ length: 12_000 }, (_entry, index) => ({ ...value.messages[0], id: `wamid.big${index}`, text: { body: 'x'.repeat(200) } }));
		const record = await sim.webhooks.deliverRaw(big, { url: trigger.webhookUrl });
		expect(record.body.length).toBeGreaterThan(3 * 1024 * 1024);
		expect(record.status).toBe(413);
		expect(trigger.executions).toHaveLength(0);
	});

	it('answers another object with 400', async () => {
		const record = await sim.webhooks.deliverRaw({ object: 'page', entry: [] }, { url: trigger.webhookUrl });
		expect(record.status).toBe(400);
		expect(trigger.executions).toHaveLength(0);
	});
});
