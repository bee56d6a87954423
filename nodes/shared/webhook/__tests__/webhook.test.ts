import { createHash } from 'node:crypto';

import {
	answerHandshake,
	CLOCK_SKEW_ALLOWANCE_MS,
	createEventFilter,
	fieldsForSelection,
	handleDelivery,
	MemoryRedeliveryStore,
	redeliveryHashKey,
	redeliveryKey,
	RedisRedeliveryStore,
	sha256AsHex,
	signWebhookBody,
	splitIntoEvents,
	verifyWebhookSignature,
	type DeliveryOptions,
	type RedisLike,
	type WebhookBody,
} from '../index';
import {
	batchBody,
	body,
	inboundTextChange,
	messagesChange,
	metaJson,
	nowSeconds,
	PHONE_NUMBER_ID,
	statusChange,
	textMessage,
	WABA_ID,
	wamid,
	wamidFor,
} from './fixtures';

const SECRET = 'appSecret0123456789abcdef';
const NOW_SECONDS = nowSeconds();
const HASH_KEY = redeliveryHashKey('workflow-1:node-1:production', SECRET);

/** A memory dedupe for one delivery test, on the clock given (default: real time). */
function dedupe(windowMs = 60_000, now?: () => number) {
	return { store: new MemoryRedeliveryStore(1000, now), windowMs, hashKey: HASH_KEY };
}

function split(value: unknown) {
	return splitIntoEvents(value as WebhookBody);
}

function signed(value: unknown): { raw: Buffer; signature: string } {
	const raw = Buffer.from(metaJson(value), 'utf8');
	return { raw, signature: signWebhookBody(raw, SECRET) };
}

function options(overrides: Partial<DeliveryOptions> = {}): DeliveryOptions {
	return { appSecret: SECRET, verifySignature: true, triggerOn: ['all'], ...overrides };
}

describe('signature check', () => {
	it('accepts the HMAC-SHA256 of the exact bytes', () => {
		const { raw, signature } = signed(body([inboundTextChange('351911111111', 'Ana', 'Olá / oi')]));
		expect(verifyWebhookSignature(raw, signature, SECRET)).toEqual({ valid: true });
	});

	it('rejects a signature computed over re-serialised JSON', () => {
		const value = body([inboundTextChange('351911111111', 'Ana', 'Olá / oi')]);
		const raw = Buffer.from(metaJson(value));
		const reserialised = JSON.stringify(JSON.parse(raw.toString()));
		expect(reserialised).not.toEqual(raw.toString());
		expect(verifyWebhookSignature(raw, signWebhookBody(reserialised, SECRET), SECRET)).toEqual({ valid: false, reason: 'mismatch' });
	});

	it('rejects a missing header', () => {
		expect(verifyWebhookSignature(Buffer.from('{}'), undefined, SECRET)).toEqual({ valid: false, reason: 'missing' });
	});

	it('rejects a header of the wrong length without throwing', () => {
		expect(verifyWebhookSignature(Buffer.from('{}'), 'sha256=abcd', SECRET)).toEqual({ valid: false, reason: 'malformed' });
	});

	it('rejects a signature made with another secret', () => {
		const raw = Buffer.from('{}');
		expect(verifyWebhookSignature(raw, signWebhookBody(raw, 'another'), SECRET)).toEqual({ valid: false, reason: 'mismatch' });
	});
});

describe('payload → events', () => {
	it('makes one flat item per inbound message with the metadata beside it', () => {
		const id = wamid();
		const events = splitIntoEvents(body([inboundTextChange('351911111111', 'Ana Silva', 'Olá', id, 1767225600)]) as WebhookBody);
		expect(events).toEqual([
			{
				event: 'message',
				field: 'messages',
				wabaId: WABA_ID,
				phoneNumberId: PHONE_NUMBER_ID,
				displayPhoneNumber: '15550000001',
				contactName: 'Ana Silva',
				contactWaId: '351911111111',
				timestamp: '2026-01-01T00:00:00.000Z',
				timestampUnix: 1767225600,
				messageType: 'text',
				messageId: id,
				from: '351911111111',
				replyTo: '351911111111',
				text: 'Olá',
			},
		]);
	});

	it('names status fields in the user\'s words, errors included', () => {
		const id = wamid();
		const [event] = splitIntoEvents(body([statusChange(id, 'failed')]) as WebhookBody);
		expect(event).toMatchObject({
			event: 'status',
			status: 'failed',
			messageId: id,
			recipientId: '351912345678',
			errorCode: 131026,
			errorTitle: 'Message undeliverable',
			errorDetails: 'Receiver is incapable of receiving this message',
		});
	});

	it('keeps Meta\'s order across entries, changes, messages and statuses', () => {
		const ids = [wamid(), wamid(), wamid(), wamid()];
		const payload = {
			object: 'whatsapp_business_account',
			entry: [
				{ id: WABA_ID, changes: [statusChange(ids[0], 'sent'), inboundTextChange('1', 'A', 'x', ids[1])] },
				{ id: WABA_ID, changes: [messagesChange({ messages: [{ from: '2', id: ids[2], timestamp: '1', type: 'text', text: { body: 'y' } }, { from: '3', id: ids[3], timestamp: '1', type: 'text', text: { body: 'z' } }] })] },
			],
		};
		expect(splitIntoEvents(payload as WebhookBody).map((event) => event.messageId)).toEqual(ids);
	});

	it('passes an unknown message type through with its content', () => {
		const [event] = splitIntoEvents(
			body([messagesChange({ messages: [{ from: '1', id: 'wamid.x', timestamp: '1', type: 'hologram', hologram: { depth: 3 } }] })]) as WebhookBody,
		);
		expect(event).toMatchObject({ event: 'message', messageType: 'hologram', content: { depth: 3 } });
	});

	it('passes an unknown field through as an event named after it', () => {
		const [event] = splitIntoEvents(body([{ field: 'teleport_update', value: { event: 'BEAMED', count: 2 } }]) as WebhookBody);
		expect(event).toEqual({ event: 'teleport_update', field: 'teleport_update', wabaId: WABA_ID, updateEvent: 'BEAMED', count: 2 });
	});

	it('flattens a template status update without clobbering the item\'s own event name', () => {
		const [event] = splitIntoEvents(
			body([
				{
					field: 'message_template_status_update',
					value: { event: 'APPROVED', message_template_id: 123, message_template_name: 'order_update', message_template_language: 'en_US', reason: 'NONE' },
				},
			]) as WebhookBody,
		);
		expect(event).toMatchObject({ event: 'templateStatusUpdate', templateStatus: 'APPROVED', templateId: 123, templateName: 'order_update', templateLanguage: 'en_US' });
	});

	it('reads interactive replies, media and reactions into named fields', () => {
		const events = splitIntoEvents(
			body([
				messagesChange({
					messages: [
						{ from: '1', id: 'a', timestamp: '1', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } },
						{ from: '1', id: 'b', timestamp: '1', type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"answer":"42"}' } } },
						{ from: '1', id: 'c', timestamp: '1', type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg', sha256: 'abc=', caption: 'Look' } },
						{ from: '1', id: 'd', timestamp: '1', type: 'reaction', reaction: { message_id: 'wamid.orig' } },
					],
				}),
			]) as WebhookBody,
		);
		expect(events[0]).toMatchObject({ replyType: 'buttonReply', buttonReplyId: 'yes', buttonReplyTitle: 'Yes' });
		expect(events[1]).toMatchObject({ replyType: 'flowReply', flowName: 'flow', flowResponse: { answer: '42' } });
		expect(events[2]).toMatchObject({ mediaId: 'media-1', mimeType: 'image/jpeg', caption: 'Look', sha256: 'abc=' });
		expect(events[3]).toMatchObject({ reactionToMessageId: 'wamid.orig', reactionEmoji: '' });
	});

	it('outputs a media file\'s SHA-256 in hex, as the WhatsApp Media node gives it', () => {
		const digest = createHash('sha256').update('the file').digest();
		const [event] = splitIntoEvents(
			body([
				messagesChange({
					messages: [{ from: '1', id: 'm', timestamp: '1', type: 'document', document: { id: 'media-2', mime_type: 'application/pdf', sha256: digest.toString('base64') } }],
				}),
			]) as WebhookBody,
		);
		expect(event.sha256).toBe(digest.toString('hex'));
		expect(sha256AsHex(digest.toString('hex').toUpperCase())).toBe(digest.toString('hex'));
		expect(sha256AsHex(digest.toString('base64url'))).toBe(digest.toString('hex'));
	});

	it('never throws on malformed entries and changes', () => {
		const weird = { object: 'whatsapp_business_account', entry: [null, 3, { changes: [null, { field: 'messages', value: { messages: [null, 'x'] } }] }] };
		expect(() => splitIntoEvents(weird as unknown as WebhookBody)).not.toThrow();
	});
});

describe('event choices', () => {
	const events = splitIntoEvents(
		body([
			inboundTextChange('1', 'A', 'x'),
			statusChange(wamid(), 'read', '1'),
			statusChange(wamid(), 'delivered', '1'),
			{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
		]) as WebhookBody,
	);

	it('selects statuses by status', () => {
		expect(events.filter(createEventFilter({ triggerOn: ['status:read'] })).map((event) => event.status)).toEqual(['read']);
	});

	it('selects text messages by type', () => {
		expect(events.filter(createEventFilter({ triggerOn: ['message:text'] })).map((event) => event.event)).toEqual(['message']);
	});

	it('selects everything with "all"', () => {
		expect(events.filter(createEventFilter({ triggerOn: ['all'] }))).toHaveLength(4);
	});

	it('filters by phone number but keeps events that belong to no number', () => {
		const filter = createEventFilter({ triggerOn: ['all'], phoneNumberIds: ['999'] });
		expect(events.filter(filter).map((event) => event.event)).toEqual(['accountUpdate']);
	});

	it('subscribes the messages field for message and status choices', () => {
		expect(fieldsForSelection(['message:text', 'status:read', 'field:account_update'], [])).toEqual(['messages', 'account_update']);
	});
});

describe('redelivery dedupe', () => {
	it('keys a message by its ID and a status by its ID and status, as fixed-length hashes holding neither', () => {
		const id = wamidFor('16505551234');
		const [message] = split(body([inboundTextChange('16505551234', 'Ana', 'x', id)]));
		const [redelivered] = split(body([inboundTextChange('16505551234', 'Ana Silva', 'x', id)]));
		const [read] = split(body([statusChange(id, 'read')]));
		const [delivered] = split(body([statusChange(id, 'delivered')]));
		const keys = [message, redelivered, read, delivered].map((event) => redeliveryKey(event, HASH_KEY));
		expect(keys[0]).toBe(keys[1]);
		expect(new Set(keys).size).toBe(3);
		for (const key of keys) {
			expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
			expect(key).not.toContain(id.slice('wamid.'.length, 20));
		}
		// Another trigger's keys for the same events cannot be linked to these.
		expect(redeliveryKey(message, redeliveryHashKey('workflow-2:node-1:production', SECRET))).not.toBe(keys[0]);
	});

	it('keys an event of any size in 22 characters', () => {
		const [event] = split(body([{ field: 'quantum_update', value: { blob: 'x'.repeat(100_000) } }]));
		expect(redeliveryKey(event, HASH_KEY)).toHaveLength(22);
	});

	it('lets a key through once within the window and again after it', () => {
		let now = 1_000;
		const store = new MemoryRedeliveryStore(10, () => now);
		expect(store.claimSync(['a', 'a'], 100)).toEqual([true, false]);
		now += 50;
		expect(store.claimSync(['a'], 100)).toEqual([false]);
		now += 100;
		expect(store.claimSync(['a'], 100)).toEqual([true]);
	});

	it('never remembers more than its cap', () => {
		const store = new MemoryRedeliveryStore(1000);
		for (let index = 0; index < 5000; index += 1) store.claimSync([`k${index}`], 60_000);
		expect(store.size).toBe(1000);
		expect(store.claimSync(['k4999'], 60_000)).toEqual([false]);
		expect(store.claimSync(['k0'], 60_000)).toEqual([true]);
	});

	it('answers from memory when Redis fails, and reports the outage once', async () => {
		const failing: RedisLike = {
			pipeline: () => ({ set: () => undefined, exec: async () => Promise.reject(new Error('connection refused')) }),
		};
		const outages: string[] = [];
		const store = new RedisRedeliveryStore(failing, {
			prefix: 't:',
			memory: new MemoryRedeliveryStore(),
			onFallback: (error) => outages.push(error.message),
		});
		expect(await store.claim(['a', 'b'], 1000)).toEqual([true, true]);
		expect(await store.claim(['a'], 1000)).toEqual([false]);
		expect(outages).toEqual(['connection refused']);
		expect(store.fallingBack).toBe(true);
	});
});


describe('one delivery', () => {
	it('outputs the events of a verified body and drops its redelivery', async () => {
		const { raw, signature } = signed(body([inboundTextChange('1', 'A', 'x'), statusChange(wamid(), 'sent')]));
		const memory = dedupe();
		const first = await handleDelivery(raw, signature, options({ dedupe: memory }));
		const again = await handleDelivery(raw, signature, options({ dedupe: memory }));
		expect(first).toMatchObject({ accepted: true, totalEvents: 2, duplicates: 0 });
		expect(first.accepted && first.events).toHaveLength(2);
		expect(again).toMatchObject({ accepted: true, events: [], duplicates: 2 });
	});

	it('rejects a wrong signature with 401', async () => {
		const { raw } = signed(body([inboundTextChange('1', 'A', 'x')]));
		expect(await handleDelivery(raw, signWebhookBody(raw, 'wrong'), options())).toMatchObject({ accepted: false, statusCode: 401 });
	});

	it('rejects truncated JSON with 400', async () => {
		const { raw } = signed(body([inboundTextChange('1', 'A', 'x')]));
		const truncated = raw.subarray(0, raw.length - 5);
		expect(await handleDelivery(truncated, signWebhookBody(truncated, SECRET), options())).toMatchObject({ accepted: false, statusCode: 400 });
	});

	it('rejects another object with 400', async () => {
		const { raw, signature } = signed({ object: 'page', entry: [] });
		expect(await handleDelivery(raw, signature, options())).toMatchObject({ accepted: false, statusCode: 400 });
	});

	it('rejects a body over 3 MB with 413 before checking anything else', async () => {
		const raw = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
		expect(await handleDelivery(raw, undefined, options())).toMatchObject({ accepted: false, statusCode: 413 });
	});

	it('accepts an unsigned body only when the check is explicitly off', async () => {
		const raw = Buffer.from(metaJson(body([inboundTextChange('1', 'A', 'x')])));
		expect(await handleDelivery(raw, undefined, options())).toMatchObject({ accepted: false, statusCode: 401 });
		expect(await handleDelivery(raw, undefined, options({ verifySignature: false }))).toMatchObject({ accepted: true });
	});

	it('splits a 1,000-update batch into 1,000 events in order', async () => {
		const { body: batch, ids } = batchBody(1000);
		const { raw, signature } = signed(batch);
		const outcome = await handleDelivery(raw, signature, options({ dedupe: dedupe() }));
		expect(outcome.accepted && outcome.events.map((event) => event.messageId)).toEqual(ids);
	});

	it('refuses a body holding a message ID longer than any of Meta\'s, naming the event', async () => {
		const { raw, signature } = signed(body([inboundTextChange('1', 'A', 'x'), inboundTextChange('1', 'A', 'y', `wamid.${'A'.repeat(600)}`)]));
		expect(await handleDelivery(raw, signature, options({ dedupe: dedupe() }))).toEqual({
			accepted: false,
			statusCode: 400,
			reason: "Event 2 of the body has a message ID of 606 characters; WhatsApp message IDs have at most 512: the body is not Meta's",
		});
	});
});

describe('events older than the redelivery window (fake clock)', () => {
	const WINDOW_MS = 60 * 60_000;
	const at = (seconds: number) => () => seconds * 1000;

	it('refuses events older than the window and outputs the rest', async () => {
		const now = NOW_SECONDS + 3 * 3600;
		const old = messagesChange({ messages: [textMessage('1', 'two hours late', wamid(), now - 2 * 3600)] });
		const recent = messagesChange({ messages: [textMessage('1', 'on time', wamid(), now - 59 * 60)] });
		const { raw, signature } = signed(body([old, recent]));
		const outcome = await handleDelivery(raw, signature, options({ dedupe: dedupe(WINDOW_MS, at(now)), now: at(now) }));
		expect(outcome).toMatchObject({ accepted: true, tooOld: 1, duplicates: 0 });
		expect(outcome.accepted && outcome.events.map((event) => event.text)).toEqual(['on time']);
		expect(outcome.accepted && outcome.claimedKeys).toHaveLength(1);
	});

	it('takes an event without a timestamp as old as the newest event of its body', async () => {
		const now = NOW_SECONDS + 3 * 3600;
		const { raw, signature } = signed(body([statusChange(wamid(), 'read'), messagesChange({ errors: [{ code: 131000, title: 'Something went wrong' }] })]));
		const outcome = await handleDelivery(raw, signature, options({ dedupe: dedupe(WINDOW_MS, at(now)), now: at(now) }));
		expect(outcome).toMatchObject({ accepted: true, events: [], tooOld: 2 });
	});

	it('leaves a body without any timestamp to the dedupe', async () => {
		const now = NOW_SECONDS + 3 * 3600;
		const { raw, signature } = signed(body([messagesChange({ errors: [{ code: 131000, title: 'Something went wrong' }] })]));
		const memory = dedupe(WINDOW_MS, at(now));
		const first = await handleDelivery(raw, signature, options({ dedupe: memory, now: at(now) }));
		const again = await handleDelivery(raw, signature, options({ dedupe: memory, now: at(now) }));
		expect(first).toMatchObject({ accepted: true, tooOld: 0, duplicates: 0 });
		expect(again).toMatchObject({ accepted: true, events: [], tooOld: 0, duplicates: 1 });
	});

	it('judges chat history by its body, not by the old chats it carries', async () => {
		const now = NOW_SECONDS;
		// Shaped as Meta's history webhook: test/contract/fixtures/webhooks/history.json
		// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history).
		const history = {
			field: 'history',
			value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PHONE_NUMBER_ID }, history: [{ metadata: { phase: 0, chunk_order: 1, progress: 100 }, threads: [{ id: '16505551234', messages: [{ from: '16505551234', id: wamid(), timestamp: String(now - 90 * 86400), type: 'text', text: { body: 'last spring' } }] }] }] },
		};
		const { raw, signature } = signed(body([history]));
		const outcome = await handleDelivery(raw, signature, options({ dedupe: dedupe(WINDOW_MS, at(now)), now: at(now) }));
		expect(outcome).toMatchObject({ accepted: true, tooOld: 0 });
		expect(outcome.accepted && outcome.events.map((event) => event.text)).toEqual(['last spring']);
	});

	it('keeps keys past the window by the clock-skew allowance, so a replay cannot fall between', async () => {
		// Meta's clock 4 minutes ahead of n8n's: the event looks 4 minutes younger than it is.
		let now = NOW_SECONDS * 1000;
		const { raw, signature } = signed(body([messagesChange({ messages: [textMessage('1', 'x', wamid(), NOW_SECONDS + 4 * 60)] })]));
		const memory = dedupe(WINDOW_MS, () => now);
		const first = await handleDelivery(raw, signature, options({ dedupe: memory, now: () => now }));
		now += WINDOW_MS + 3 * 60_000;
		const replay = await handleDelivery(raw, signature, options({ dedupe: memory, now: () => now }));
		expect(CLOCK_SKEW_ALLOWANCE_MS).toBeGreaterThan(4 * 60_000);
		expect(first).toMatchObject({ accepted: true, duplicates: 0, tooOld: 0 });
		expect(replay).toMatchObject({ accepted: true, events: [], duplicates: 1, tooOld: 0 });
	});
});

describe('handshake', () => {
	it('answers the challenge when the token matches', () => {
		expect(answerHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '12345' }, 'tok')).toEqual({ statusCode: 200, body: '12345' });
	});

	it('refuses another token with 403', () => {
		expect(answerHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '12345' }, 'tok').statusCode).toBe(403);
	});
});
