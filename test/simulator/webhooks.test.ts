import { createHash, createHmac } from 'crypto';
import type { Simulator } from './index';
import { call, PHONE_HIGH, PHONE_STANDARD, send, text } from './helpers';
import { INBOUND_TYPES, type InboundType } from './inbound';
import { Receiver, startSurfaceSimulator, type ReceivedPost } from './surfaces.helpers';
import type { AcceptedMessage } from './types';
import { DEFAULT_WEBHOOK_OPTIONS, type InjectedInbound, type InjectInboundInput, type WebhookDispatcher } from './webhooks';

function verifies(post: ReceivedPost, secret: string, raw: Buffer = post.raw): boolean {
	const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
	return post.headers['x-hub-signature-256'] === expected;
}

function statusesOf(receiver: Receiver): Array<{ id: string; status: string; [key: string]: unknown }> {
	return receiver.posts.flatMap((_post, index) =>
		receiver.json(index).entry.flatMap((entry: any) => entry.changes.flatMap((change: any) => change.value.statuses ?? [])),
	);
}

function accepted(overrides: Partial<AcceptedMessage> = {}): AcceptedMessage {
	const n = Math.floor(Math.random() * 1e9);
	return { wamid: `wamid.test${n}`, phoneNumberId: PHONE_STANDARD, to: '+16505551234', waId: '16505551234', type: 'text', body: {}, acceptedAt: Date.now(), ...overrides };
}

describe('simulator webhooks', () => {
	let sim: Simulator;
	let webhooks: WebhookDispatcher;
	let receiver: Receiver;
	let secret: string;

	beforeAll(async () => {
		({ sim, webhooks } = await startSurfaceSimulator());
		secret = sim.fixture.appSecret;
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(async () => {
		sim.reset();
		receiver = await new Receiver().start();
		sim.configure({ webhooks: { ...DEFAULT_WEBHOOK_OPTIONS, callbackUrl: receiver.url, retryDelaysMs: [10, 20, 40] } });
	});
	afterEach(async () => {
		await webhooks.idle();
		await receiver.stop();
	});

	test('an accepted message gets sent, delivered and read statuses in that order', async () => {
		const response = await send(sim, text('status please'));
		const wamid = response.body.messages[0].id;
		await receiver.waitForPosts(3);
		const statuses = statusesOf(receiver);
		expect(statuses.map((s) => [s.id, s.status])).toEqual([
			[wamid, 'sent'],
			[wamid, 'delivered'],
			[wamid, 'read'],
		]);
		expect(statuses[0]).toMatchObject({ recipient_id: '16505551234', timestamp: expect.stringMatching(/^\d+$/) });
	});

	// The BSUID page's status example for a message sent to a BSUID (fixture statuses-bsuid-delivered-no-phone.json):
	// no `recipient_id`, the BSUID in `recipient_user_id`.
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
	test('the statuses of a message sent to a BSUID carry recipient_user_id and no recipient_id', async () => {
		const response = await send(sim, { to: undefined, recipient: 'US.13491208655302741918', type: 'text', text: { body: 'hi' } });
		expect(response.status).toBe(200);
		await receiver.waitForPosts(3);
		const statuses = statusesOf(receiver);
		expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
		for (const status of statuses) {
			expect(status.recipient_user_id).toBe('US.13491208655302741918');
			expect(status).not.toHaveProperty('recipient_id');
			expect(status).not.toHaveProperty('recipient_parent_user_id');
		}
	});

	test('the statuses of a message sent to a parent BSUID carry it as recipient_user_id and recipient_parent_user_id', async () => {
		await send(sim, { to: undefined, recipient: 'US.ENT.11815799212886844830', type: 'text', text: { body: 'hi' } });
		await receiver.waitForPosts(1);
		expect(statusesOf(receiver)[0]).toMatchObject({ recipient_user_id: 'US.ENT.11815799212886844830', recipient_parent_user_id: 'US.ENT.11815799212886844830' });
	});

	test('a message to an undeliverable BSUID gets a failed status for that BSUID', async () => {
		sim.configure({ undeliverableRecipients: ['US.13491208655302741918'], undeliverableVia: 'webhook' });
		try {
			await send(sim, { to: undefined, recipient: 'US.13491208655302741918', type: 'text', text: { body: 'hi' } });
			await receiver.waitForPosts(1);
			await webhooks.idle();
			expect(statusesOf(receiver)).toEqual([expect.objectContaining({ status: 'failed', recipient_user_id: 'US.13491208655302741918' })]);
		} finally {
			sim.configure({ undeliverableRecipients: [], undeliverableVia: 'response' });
		}
	});

	test('every status of many messages arrives after the previous status of the same message', async () => {
		const wamids: string[] = [];
		for (let i = 0; i < 30; i++) wamids.push((await send(sim, text(`n${i}`, `+1650555${String(1000 + i)}`))).body.messages[0].id);
		await webhooks.idle();
		const order = statusesOf(receiver);
		for (const wamid of wamids) {
			expect(order.filter((s) => s.id === wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
		}
	});

	test('every body is signed with the app secret over its raw bytes', async () => {
		await send(sim, text('signed'));
		await receiver.waitForPosts(3);
		for (const post of receiver.posts) expect(verifies(post, secret)).toBe(true);
		expect(verifies(receiver.posts[0], 'another secret')).toBe(false);
	});

	test('a body with "/" and non-ASCII is escaped like Meta, and the signature fails over re-serialised JSON', async () => {
		await webhooks.injectInbound({ phoneNumberId: PHONE_STANDARD, from: '5511987654321', name: 'João', type: 'text', body: 'Olá / ação ✓' });
		const [post] = await receiver.waitForPosts(1);
		const raw = post.raw.toString('utf8');
		expect(raw).toContain('Ol\\u00e1 \\/ a\\u00e7\\u00e3o \\u2713');
		expect(raw).toContain('"name":"Jo\\u00e3o"');
		expect(/[^\x00-\x7f]/.test(raw)).toBe(false);
		expect(verifies(post, secret)).toBe(true);
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw)));
		expect(verifies(post, secret, reserialised)).toBe(false);
	});

	test('biz_opaque_callback_data is echoed in the statuses', async () => {
		await send(sim, { ...text('tracked'), biz_opaque_callback_data: 'order=42/ref' });
		await receiver.waitForPosts(3);
		for (const status of statusesOf(receiver)) expect(status.biz_opaque_callback_data).toBe('order=42/ref');
	});

	test('statuses carry pricing, and conversation only before v24.0', async () => {
		webhooks.onAccepted(accepted());
		await receiver.waitForPosts(3);
		const [sent, delivered, read] = statusesOf(receiver);
		expect(sent.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });
		expect(sent.conversation).toBeUndefined();
		expect(delivered.pricing).toBeDefined();
		expect(read.pricing).toBeUndefined();

		await webhooks.idle();
		receiver.posts.length = 0;
		sim.configure({ webhooks: { version: 'v23.0' } });
		webhooks.onAccepted(accepted());
		await receiver.waitForPosts(3);
		const [oldSent] = statusesOf(receiver);
		expect(oldSent.conversation).toEqual({ id: expect.any(String), origin: { type: 'service' }, expiration_timestamp: expect.stringMatching(/^\d+$/) });
	});

	test('a template message is billed in its template category', async () => {
		webhooks.onAccepted(accepted({ type: 'template', body: { template: { name: 'welcome_named', language: { code: 'en_US' } } } }));
		await receiver.waitForPosts(1);
		expect(statusesOf(receiver)[0].pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });
	});

	test('an undeliverable recipient gets one failed status with 131026', async () => {
		sim.configure({ undeliverableRecipients: ['16505550000'], undeliverableVia: 'webhook' });
		try {
			const response = await send(sim, text('nobody', '+16505550000'));
			expect(response.status).toBe(200);
			await receiver.waitForPosts(1);
			await webhooks.idle();
			const statuses = statusesOf(receiver);
			expect(statuses).toHaveLength(1);
			expect(statuses[0]).toMatchObject({ status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] });
		} finally {
			sim.configure({ undeliverableRecipients: [], undeliverableVia: 'response' });
		}
	});

	test('statuses waiting together are batched up to the configured number of changes per body', async () => {
		sim.configure({ webhooks: { maxChangesPerBody: 8, statuses: ['sent'] } });
		for (let i = 0; i < 20; i++) webhooks.onAccepted(accepted());
		await webhooks.idle();
		expect(receiver.posts.map((_post, index) => receiver.json(index).entry[0].changes.length)).toEqual([8, 8, 4]);
		expect(statusesOf(receiver)).toHaveLength(20);
	});

	test('only the configured statuses are sent', async () => {
		sim.configure({ webhooks: { statuses: ['sent', 'read'] } });
		webhooks.onAccepted(accepted());
		await receiver.waitForPosts(2);
		await webhooks.idle();
		expect(statusesOf(receiver).map((s) => s.status)).toEqual(['sent', 'read']);
	});

	test('a voice message can also get a played status after read', async () => {
		sim.configure({ webhooks: { statuses: ['sent', 'delivered', 'read', 'played'] } });
		webhooks.onAccepted(accepted({ type: 'audio' }));
		await receiver.waitForPosts(4);
		expect(statusesOf(receiver).map((s) => s.status)).toEqual(['sent', 'delivered', 'read', 'played']);
	});

	test('a reset settles a delivery that was waiting for a retry', async () => {
		receiver.answer = () => 500;
		sim.configure({ webhooks: { retryDelaysMs: [60_000] } });
		const pending = webhooks.injectInbound({ from: '16505551234', type: 'text' });
		await receiver.waitForPosts(1);
		sim.reset();
		const { delivery } = await pending;
		expect(delivery).toMatchObject({ status: 500, attempts: 1 });
	});

	test('a non-200 answer is redelivered with the same bytes until it succeeds', async () => {
		receiver.answer = (_post, index) => (index < 2 ? 500 : 200);
		sim.configure({ webhooks: { statuses: ['sent'] } });
		webhooks.onAccepted(accepted());
		await receiver.waitForPosts(3);
		await webhooks.idle();
		expect(receiver.posts).toHaveLength(3);
		expect(receiver.posts[1].raw.equals(receiver.posts[0].raw)).toBe(true);
		expect(receiver.posts[2].raw.equals(receiver.posts[0].raw)).toBe(true);
		const [record] = webhooks.deliveries();
		expect(record).toMatchObject({ url: receiver.url, status: 200, statuses: [500, 500, 200], attempts: 3, kind: 'statuses' });
	});

	test('redelivery stops after the configured number of retries', async () => {
		receiver.answer = () => 503;
		sim.configure({ webhooks: { statuses: ['sent'] } });
		webhooks.onAccepted(accepted());
		await webhooks.idle();
		expect(receiver.posts).toHaveLength(4);
		expect(webhooks.deliveries()[0]).toMatchObject({ status: 503, attempts: 4 });
	});

	test('redeliver(n) sends the last n bodies again byte for byte', async () => {
		sim.configure({ webhooks: { statuses: ['sent'], maxChangesPerBody: 1 } });
		webhooks.onAccepted(accepted());
		webhooks.onAccepted(accepted());
		await webhooks.idle();
		const again = await webhooks.redeliver(2);
		expect(again.map((record) => record.status)).toEqual([200, 200]);
		expect(receiver.posts).toHaveLength(4);
		const bodies = receiver.posts.map((post) => post.raw.toString());
		expect(bodies.slice(2).sort()).toEqual(bodies.slice(0, 2).sort());
		for (const post of receiver.posts) expect(verifies(post, secret)).toBe(true);
	});

	test('deliverRaw sends a body with a valid, a wrong or no signature', async () => {
		const body = '{"object":"whatsapp_business_account","entry":[]}';
		await webhooks.deliverRaw(body, { signature: 'valid' });
		await webhooks.deliverRaw(body, { signature: 'wrong' });
		await webhooks.deliverRaw(body, { signature: 'none' });
		expect(receiver.posts.map((post) => post.raw.toString())).toEqual([body, body, body]);
		expect(verifies(receiver.posts[0], secret)).toBe(true);
		expect(receiver.posts[1].headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
		expect(verifies(receiver.posts[1], secret)).toBe(false);
		expect(receiver.posts[2].headers['x-hub-signature-256']).toBeUndefined();
	});

	test('deliveries() records url, status code, body and attempts', async () => {
		const record = await webhooks.deliverRaw({ object: 'whatsapp_business_account', entry: [] });
		expect(webhooks.deliveries()).toEqual([record]);
		expect(record).toMatchObject({ url: receiver.url, status: 200, attempts: 1, kind: 'raw', body: '{"object":"whatsapp_business_account","entry":[]}' });
	});

	test('a receiver that hangs never slows the send path', async () => {
		receiver.answer = () => -1;
		const concurrency = DEFAULT_WEBHOOK_OPTIONS.concurrency;
		const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => send(sim, text(`fast ${i}`, `+1650556${String(1000 + i)}`))));
		expect(responses.every((response) => response.status === 200)).toBe(true);
		await receiver.waitForPosts(concurrency);
		expect(receiver.posts).toHaveLength(concurrency);
		receiver.release(200);
		receiver.answer = () => 200;
		await webhooks.idle();
		expect(statusesOf(receiver)).toHaveLength(120);
	});

	test('statuses go to the subscribed callback: the number override before the app subscription', async () => {
		const app = await new Receiver().start('/app');
		try {
			sim.configure({ webhooks: { callbackUrl: undefined } });
			const subscribed = await call(
				sim,
				'POST',
				`/v26.0/${sim.fixture.appId}/subscriptions`,
				{ object: 'whatsapp_business_account', callback_url: app.url, verify_token: app.verifyToken, fields: ['messages'] },
				`${sim.fixture.appId}|${secret}`,
			);
			expect(subscribed.body).toEqual({ success: 'true' });
			// Meta delivers a WABA's webhooks only to apps subscribed to it.
			expect((await call(sim, 'POST', `/v26.0/${sim.fixture.wabaId}/subscribed_apps`)).body).toEqual({ success: true });
			await call(sim, 'POST', `/v26.0/${PHONE_HIGH}`, { webhook_configuration: { override_callback_uri: receiver.url, verify_token: receiver.verifyToken } });
			await send(sim, text('to the app'), PHONE_STANDARD);
			await send(sim, text('to the number override'), PHONE_HIGH);
			await webhooks.idle();
			expect(statusesOf(app)).toHaveLength(3);
			expect(statusesOf(receiver)).toHaveLength(3);
			expect(receiver.json(0).entry[0].changes[0].value.metadata.phone_number_id).toBe(PHONE_HIGH);
		} finally {
			await app.stop();
		}
	});

	test('nothing is delivered when nothing is subscribed', async () => {
		sim.configure({ webhooks: { callbackUrl: undefined } });
		await send(sim, text('into the void'));
		await webhooks.idle();
		expect(receiver.posts).toHaveLength(0);
		await expect(webhooks.injectInbound({ from: '16505551234', type: 'text' })).rejects.toThrow(/subscribe/);
	});

	test("other webhook fields arrive in Meta's envelope with their defaults and the given values", async () => {
		await webhooks.injectEvent({ field: 'message_template_status_update', value: { event: 'REJECTED', reason: 'INCORRECT_CATEGORY' } });
		await webhooks.injectEvent({ field: 'phone_number_quality_update', phoneNumberId: PHONE_HIGH });
		await receiver.waitForPosts(2);
		const template = receiver.json(0).entry[0];
		expect(template.time).toEqual(expect.any(Number));
		expect(template.changes[0]).toEqual({
			field: 'message_template_status_update',
			value: {
				event: 'REJECTED',
				message_template_id: Number(sim.fixture.templates[0].id),
				message_template_name: sim.fixture.templates[0].name,
				message_template_language: sim.fixture.templates[0].language,
				reason: 'INCORRECT_CATEGORY',
				// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update
				message_template_category: sim.fixture.templates[0].category,
			},
		});
		expect(receiver.json(1).entry[0].changes[0].value).toEqual({ display_phone_number: '15550100002', event: 'FLAGGED', current_limit: 'TIER_UNLIMITED' });
		for (const post of receiver.posts) expect(verifies(post, secret)).toBe(true);
	});

	// "only included if template has a text header / a footer / a url or phone number button":
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_components_update
	test('a components update names the header text, footer and URL buttons of the template it is about, and only those it has', async () => {
		const idOf = (name: string) => sim.fixture.templates.find((template) => template.name === name && template.language === 'en_US')!.id;
		await webhooks.injectEvent({ field: 'message_template_components_update', templateId: idOf('order_confirmation') });
		await webhooks.injectEvent({ field: 'message_template_components_update', templateId: idOf('welcome_named') });
		await receiver.waitForPosts(2);
		expect(receiver.json(0).entry[0].changes[0].value).toEqual({
			message_template_id: Number(idOf('order_confirmation')),
			message_template_name: 'order_confirmation',
			message_template_language: 'en_US',
			message_template_title: 'Order {{1}}',
			message_template_element: 'Hi {{1}}, your order {{2}} of {{3}} is confirmed and will arrive on {{4}}.',
			message_template_footer: 'Reply STOP to opt out',
			message_template_buttons: [
				{ message_template_button_type: 'URL', message_template_button_text: 'Track order', message_template_button_url: 'https://shop.example.com/track/{{1}}' },
			],
		});
		// A body, a footer and quick replies: no title, no buttons.
		expect(receiver.json(1).entry[0].changes[0].value).toEqual({
			message_template_id: Number(idOf('welcome_named')),
			message_template_name: 'welcome_named',
			message_template_language: 'en_US',
			message_template_element: 'Hi {{first_name}}, welcome to {{shop_name}}! Your first order ships free.',
			message_template_footer: 'Casa Verde',
		});
	});

	test('an event about a template the WABA does not have is refused before anything is sent', async () => {
		await expect(webhooks.injectEvent({ field: 'message_template_status_update', templateId: '1' })).rejects.toThrow(/templateId "1" is not a template/);
		expect(receiver.posts).toHaveLength(0);
	});

	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/account_alerts and
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/business_capability_update
	test('an account alert nests its details in alert_info, and a capability update uses the per-business and per-WABA keys', async () => {
		await webhooks.injectEvent({ field: 'account_alerts' });
		await webhooks.injectEvent({ field: 'business_capability_update' });
		await receiver.waitForPosts(2);
		const alert = receiver.json(0).entry[0].changes[0].value;
		expect(Object.keys(alert)).toEqual(['entity_type', 'entity_id', 'alert_info']);
		expect(Object.keys(alert.alert_info)).toEqual(['alert_severity', 'alert_status', 'alert_type', 'alert_description']);
		expect(Object.keys(receiver.json(1).entry[0].changes[0].value)).toEqual(['max_daily_conversations_per_business', 'max_phone_numbers_per_waba']);
	});

	// Each default after its Meta page: user_preferences, smb_message_echoes and history under
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/<field>, groups under
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks.
	test.each([
		['user_preferences', 'user_preferences', { wa_id: '16505551234', category: 'marketing_messages', value: 'stop' }],
		['calls', 'calls', { from: '16505551234', event: 'connect', direction: 'USER_INITIATED', session: { sdp_type: 'offer', sdp: expect.any(String) } }],
		['smb_message_echoes', 'message_echoes', { from: '15550100001', to: '16505551234', type: 'text' }],
		['history', 'history', { metadata: { phase: 0, chunk_order: 1, progress: 100 }, threads: [expect.objectContaining({ id: '16505551234' })] }],
		['group_lifecycle_update', 'groups', { type: 'group_create', subject: 'Sim group', invite_link: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\//) }],
	])('a %s event lists its records under %s beside the number\'s metadata', async (field, list, record) => {
		await webhooks.injectEvent({ field, phoneNumberId: PHONE_STANDARD });
		await receiver.waitForPosts(1);
		const change = receiver.json(0).entry[0].changes[0];
		expect(change.field).toBe(field);
		expect(change.value).toMatchObject({ messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100001', phone_number_id: PHONE_STANDARD } });
		expect(change.value[list]).toEqual([expect.objectContaining(record)]);
	});

	test('a body of 1,000 status updates is delivered in one signed POST', async () => {
		const messages = Array.from({ length: 1000 }, () => accepted());
		const record = await webhooks.deliver(webhooks.statusesBody(messages, 'delivered'));
		expect(record.status).toBe(200);
		expect(receiver.posts).toHaveLength(1);
		expect(verifies(receiver.posts[0], secret)).toBe(true);
		expect(statusesOf(receiver).map((s) => s.id)).toEqual(messages.map((m) => m.wamid));
	});

	describe('inbound messages', () => {
		const fieldOf: Record<InboundType, string | null> = {
			text: 'text',
			image: 'image',
			video: 'video',
			document: 'document',
			audio: 'audio',
			sticker: 'sticker',
			location: 'location',
			contacts: 'contacts',
			interactive: 'interactive',
			button: 'button',
			reaction: 'reaction',
			order: 'order',
			system: 'system',
			request_welcome: null,
			unsupported: 'errors',
		};

		test.each(INBOUND_TYPES.map((type) => [type]))('an injected %s message has Meta\'s envelope and shape', async (type) => {
			const { message } = await webhooks.injectInbound({ phoneNumberId: PHONE_HIGH, from: '16505551234', name: 'Ana', type });
			const [post] = await receiver.waitForPosts(1);
			expect(verifies(post, secret)).toBe(true);
			const body = receiver.json(0);
			expect(body.object).toBe('whatsapp_business_account');
			expect(body.entry[0].id).toBe(sim.fixture.wabaId);
			expect(body.entry[0].changes[0].field).toBe('messages');
			const value = body.entry[0].changes[0].value;
			expect(value.messaging_product).toBe('whatsapp');
			expect(value.metadata).toEqual({ display_phone_number: '15550100002', phone_number_id: PHONE_HIGH });
			// System messages come without contacts: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system
			if (type === 'system') expect(value).not.toHaveProperty('contacts');
			else expect(value.contacts).toEqual([{ profile: { name: 'Ana' }, wa_id: '16505551234' }]);
			const received = value.messages[0];
			expect(received).toEqual(JSON.parse(JSON.stringify(message)));
			expect(received).toMatchObject({ from: '16505551234', id: expect.stringMatching(/^wamid\./), timestamp: expect.stringMatching(/^\d+$/), type });
			const field = fieldOf[type];
			if (field) expect(received[field]).toBeDefined();
		});

		test('interactive replies come as button, list and flow replies', async () => {
			await webhooks.injectInbound({ from: '16505551234', type: 'interactive', interactive: { type: 'list_reply' } });
			await webhooks.injectInbound({ from: '16505551234', type: 'interactive', interactive: { type: 'nfm_reply' } });
			await receiver.waitForPosts(2);
			expect(receiver.json(0).entry[0].changes[0].value.messages[0].interactive).toEqual({ type: 'list_reply', list_reply: { id: 'row-1', title: 'First row', description: 'The first row' } });
			const flow = receiver.json(1).entry[0].changes[0].value.messages[0].interactive;
			expect(flow.type).toBe('nfm_reply');
			expect(JSON.parse(flow.nfm_reply.response_json)).toMatchObject({ flow_token: 'sim-flow-token' });
		});

		test('an injected media message refers to media the receiver can download', async () => {
			const { message } = await webhooks.injectInbound({ from: '16505551234', type: 'image', image: { caption: 'look' } });
			expect(message.image?.caption).toBe('look');
			const info = await call(sim, 'GET', `/v26.0/${message.image!.id}`);
			expect(info.status).toBe(200);
			expect(info.body.sha256).toBe(Buffer.from(message.image!.sha256, 'base64').toString('hex'));
			const download = await fetch(info.body.url, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
			const bytes = Buffer.from(await download.arrayBuffer());
			expect(createHash('sha256').update(bytes).digest('base64')).toBe(message.image!.sha256);
		});

		// Meta's media webhooks carry a `url` the business downloads with its token, without GET /{media-id} first:
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/image
		test.each(['image', 'video', 'document', 'audio', 'sticker'] as const)('an injected %s carries a url that downloads the media with the bearer token', async (type) => {
			const { message } = await webhooks.injectInbound({ from: '16505551234', type });
			const media = message[type]!;
			expect(media.url).toEqual(expect.stringMatching(/^http/));
			const download = await fetch(media.url!, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
			expect(download.status).toBe(200);
			expect(createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('base64')).toBe(media.sha256);
		});

		test('a full message object is delivered as given', async () => {
			const message = { from: '16505551234', id: 'wamid.custom', timestamp: '1700000000', type: 'text' as const, text: { body: 'exact' } };
			await webhooks.injectInbound({ message, name: 'Ana' });
			await receiver.waitForPosts(1);
			expect(receiver.json(0).entry[0].changes[0].value.messages).toEqual([message]);
		});

		// The BSUID page's "Incoming text" example (fixture messages-bsuid-text.json, page version of May 7, 2026): no
		// `from`, the IDs in `from_user_id` / `from_parent_user_id`, the contact by `user_id` with its username.
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
		test('a message from a username user has no from, and carries the BSUIDs and the username', async () => {
			await webhooks.injectInbound({
				userId: 'US.13491208655302741918',
				parentUserId: 'US.ENT.11815799212886844830',
				username: '@realsheenanelson',
				name: 'Sheena Nelson',
				type: 'text',
				body: 'Does it come in another color?',
			});
			await receiver.waitForPosts(1);
			const value = receiver.json(0).entry[0].changes[0].value;
			expect(value.contacts).toEqual([
				{ profile: { name: 'Sheena Nelson', username: '@realsheenanelson' }, user_id: 'US.13491208655302741918', parent_user_id: 'US.ENT.11815799212886844830' },
			]);
			expect(value.messages[0]).not.toHaveProperty('from');
			expect(value.messages[0]).toMatchObject({ from_user_id: 'US.13491208655302741918', from_parent_user_id: 'US.ENT.11815799212886844830', type: 'text' });
			expect(Object.keys(value.messages[0]).slice(0, 3)).toEqual(['from_user_id', 'from_parent_user_id', 'id']);
		});

		test('an empty from, as the February 2026 version of the BSUID page showed it, is kept when asked for', async () => {
			await webhooks.injectInbound({ from: '', userId: 'US.13491208655302741918', type: 'text' });
			await receiver.waitForPosts(1);
			const value = receiver.json(0).entry[0].changes[0].value;
			expect(value.messages[0]).toMatchObject({ from: '', from_user_id: 'US.13491208655302741918' });
			expect(value.contacts[0]).not.toHaveProperty('wa_id');
		});

		// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/
		test('a user_changed_user_id system message carries the new BSUID and no phone number', async () => {
			await webhooks.injectInbound({ userId: 'US.13491208655302741918', type: 'system', system: { type: 'user_changed_user_id', user_id: 'US.999' } });
			await receiver.waitForPosts(1);
			const system = receiver.json(0).entry[0].changes[0].value.messages[0].system;
			expect(system).toMatchObject({ type: 'user_changed_user_id', user_id: 'US.999' });
			expect(system).not.toHaveProperty('new_wa_id');
			expect(system).not.toHaveProperty('wa_id');
		});

		// Meta: "Event Notifications are aggregated and sent in a batch with a maximum of 1000 updates. However batching
		// cannot be guaranteed" (https://developers.facebook.com/docs/graph-api/webhooks/getting-started/, "Event
		// Notifications"): customers' messages too. The envelope: one entry for the WABA, one `messages` change per message
		// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview).
		describe('waiting behind a busy connection', () => {
			// Four injections ("ticks"); the first takes the only connection and its answer is held.
			const TICKS = [2, 3, 3, 4];
			const messagesOf = (index: number): string[] => receiver.json(index).entry[0].changes.map((change: any) => change.value.messages[0].id);

			async function injectTicks(inboundBatching: string): Promise<InjectedInbound[][]> {
				sim.configure({ webhooks: { concurrency: 1, maxChangesPerBody: 5, inboundBatching } });
				receiver.answer = (_post, index) => (index === 0 ? -1 : 200);
				const countedBefore = sim.counters().inboundCounted;
				let customer = 0;
				const pending = TICKS.map((size) =>
					webhooks.injectInboundBatch(Array.from({ length: size }, () => ({ from: `1650555${String(1000 + customer++)}`, type: 'text', text: { body: 'Olá 🙂' } }) as InjectInboundInput)),
				);
				await receiver.waitForPosts(1);
				// Meta counts a customer's message when it reaches the number, not when its webhook goes out.
				expect(sim.counters().inboundCounted - countedBefore).toBe(12);
				receiver.release(200);
				const injected = await Promise.all(pending);
				await webhooks.idle();
				for (const post of receiver.posts) expect(verifies(post, secret)).toBe(true);
				// Each message exactly once, in the order injected, each resolved with the body it went in.
				const received = receiver.posts.flatMap((_post, index) => messagesOf(index));
				expect(received).toEqual(injected.flat().map(({ message }) => message.id));
				for (const { message, delivery } of injected.flat()) {
					expect(delivery.status).toBe(200);
					expect(delivery.body).toContain(message.id);
				}
				return injected;
			}

			test('with inboundBatching backlog, they share bodies beyond one injection, up to maxChangesPerBody', async () => {
				const injected = await injectTicks('backlog');
				expect(receiver.posts.map((_post, index) => messagesOf(index).length)).toEqual([2, 5, 5]);
				// The second body holds the second injection and the first two messages of the third.
				expect(messagesOf(1)).toEqual([...injected[1], ...injected[2].slice(0, 2)].map(({ message }) => message.id));
				expect(receiver.json(1)).toMatchObject({ object: 'whatsapp_business_account', entry: [{ id: sim.fixture.wabaId }] });
				expect(receiver.json(1).entry).toHaveLength(1);
				expect(receiver.json(1).entry[0].changes.every((change: any) => change.field === 'messages' && change.value.messages.length === 1)).toBe(true);
			});

			test('with inboundBatching body (the default), each injection is a body of its own', async () => {
				expect(DEFAULT_WEBHOOK_OPTIONS.inboundBatching).toBe('body');
				const injected = await injectTicks('body');
				expect(receiver.posts.map((_post, index) => messagesOf(index).length)).toEqual(TICKS);
				injected.forEach((tick, index) => expect(messagesOf(index)).toEqual(tick.map(({ message }) => message.id)));
			});

			test('a queued message dropped by a reset settles with a record of no attempt', async () => {
				sim.configure({ webhooks: { concurrency: 1, inboundBatching: 'backlog' } });
				receiver.answer = () => -1;
				const first = webhooks.injectInbound({ from: '16505551234', type: 'text' });
				const queued = webhooks.injectInbound({ from: '16505551235', type: 'text' });
				await receiver.waitForPosts(1);
				sim.reset();
				const { message, delivery } = await queued;
				expect(delivery).toMatchObject({ attempts: 0, statuses: [], kind: 'messages' });
				expect(delivery.body).toContain(message.id);
				receiver.release(200);
				await first;
			});

			test('an inboundBatching other than backlog or body is refused', () => {
				expect(() => webhooks.configure({ inboundBatching: 'tick' })).toThrow('webhooks.inboundBatching: expected "backlog" or "body", got "tick"');
			});
		});

		test('a message without from or userId is refused before anything is sent', async () => {
			await expect(webhooks.injectInbound({ type: 'text' })).rejects.toThrow(/"from".*or "userId"/);
			expect(receiver.posts).toHaveLength(0);
		});

		test('an unknown type is refused before anything is sent', async () => {
			await expect(webhooks.injectInbound({ from: '16505551234', type: 'hologram' })).rejects.toThrow(/Unknown inbound message type "hologram"/);
			expect(receiver.posts).toHaveLength(0);
		});
	});
});
