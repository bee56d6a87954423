/**
 * Which events of a delivery take a place in their number's throughput. Meta: "Throughput is inclusive of inbound and
 * outbound messages and all message types" (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput).
 * Bodies are Meta's own examples (test/contract/fixtures/webhooks, each naming its Meta page).
 */
import { webhookFixtures, type WebhookFixture } from '../../../../test/contract/fixtures';
import { handleDelivery, INBOUND_RECENT_MS, inboundMessagesByNumber, signWebhookBody, splitIntoEvents, type WebhookBody } from '../index';
import { body, inboundTextChange, messagesChange, metaJson, nowSeconds, statusChange, textMessage, wamid } from './fixtures';

const fixtures = new Map(webhookFixtures().map((fixture) => [fixture.name, fixture]));

function fixture(name: string): WebhookFixture {
	const found = fixtures.get(name);
	if (!found) throw new Error(`no webhook fixture ${name}`);
	return found;
}

/** The counts a delivery of this body gives when it arrives at `now`. */
function countsOf(webhook: WebhookBody, now: number): Record<string, number> {
	return Object.fromEntries(inboundMessagesByNumber(splitIntoEvents(webhook), now));
}

describe('inbound messages per number', () => {
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/text
	test("a customer's text message counts once for the number in its metadata", () => {
		const text = fixture('messages-text');
		expect(countsOf(text.body as WebhookBody, 1749416383_000 + 500)).toEqual({ '106540352242922': 1 });
	});

	test('every message type counts, as Meta counts all of them', () => {
		for (const name of ['messages-image', 'messages-location', 'messages-interactive-button-reply', 'messages-reaction', 'messages-order']) {
			const events = splitIntoEvents(fixture(name).body as WebhookBody);
			const stamp = events[0].timestampUnix as number;
			expect([name, Object.values(countsOf(fixture(name).body as WebhookBody, stamp * 1000))]).toEqual([name, [1]]);
		}
	});

	test('statuses, echoes of the business’s own messages and other fields count nothing', () => {
		for (const name of ['statuses-sent-pricing', 'statuses-failed', 'smb-message-echoes', 'message-template-status-update', 'phone-number-quality-update']) {
			expect([name, countsOf(fixture(name).body as WebhookBody, Date.now())]).toEqual([name, {}]);
		}
	});

	test('a batch counts each number’s messages apart', () => {
		const now = nowSeconds();
		const batch = body([
			inboundTextChange('351911111111', 'Ana', 'one', wamid(), now),
			messagesChange({ messages: [textMessage('351922222222', 'two', wamid(), now)] }, '300000000000002'),
			inboundTextChange('351933333333', 'Eva', 'three', wamid(), now),
			statusChange(wamid(), 'delivered'),
		]) as WebhookBody;
		const numberId = splitIntoEvents(batch)[0].phoneNumberId as string;
		expect(countsOf(batch, now * 1000)).toEqual({ [numberId]: 2, '300000000000002': 1 });
	});

	test('a message Meta stamped more than 10 s ago (a redelivery after an outage) no longer counts', () => {
		const text = fixture('messages-text').body as WebhookBody;
		expect(countsOf(text, 1749416383_000 + INBOUND_RECENT_MS)).toEqual({ '106540352242922': 1 });
		expect(countsOf(text, 1749416383_000 + INBOUND_RECENT_MS + 1)).toEqual({});
	});
});

describe('a delivery', () => {
	const SECRET = 'appSecret0123456789';
	const options = (verifySignature: boolean) => ({ appSecret: SECRET, verifySignature, triggerOn: ['statuses'], now: () => 1749416383_000 });

	test('counts the messages of a verified body even when the trigger outputs only statuses', async () => {
		const raw = Buffer.from(metaJson(fixture('messages-text').body));
		const outcome = await handleDelivery(raw, signWebhookBody(raw, SECRET), options(true));
		expect(outcome.accepted && outcome.events).toEqual([]);
		expect(outcome.accepted && Object.fromEntries(outcome.inboundMessages)).toEqual({ '106540352242922': 1 });
	});

	test('counts nothing from a body whose signature is not checked: anyone may post one', async () => {
		const raw = Buffer.from(metaJson(fixture('messages-text').body));
		const outcome = await handleDelivery(raw, undefined, options(false));
		expect(outcome.accepted && outcome.inboundMessages.size).toBe(0);
	});
});
