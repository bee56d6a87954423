/**
 * What the ledger reads from Meta's webhook bodies, on Meta's own examples (test/contract/fixtures/webhooks, each
 * naming its page): statuses with their error, senders by wa_id or BSUID, heartbeats; never a group's message.
 */
import { webhookFixtures } from '../../../test/contract/fixtures';
import type { WebhookBody } from '../webhook/types';
import { ledgerFactsOf } from './facts';

const NOW = Date.UTC(2026, 11, 5);

function fixture(name: string): WebhookBody {
	const found = webhookFixtures().find((candidate) => candidate.name === name);
	if (!found) throw new Error(`no fixture ${name}`);
	return found.body as unknown as WebhookBody;
}

describe('ledgerFactsOf', () => {
	it("keeps a failed status with Meta's error (code, title, message, details)", () => {
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
		expect(ledgerFactsOf(fixture('statuses-failed'), NOW)).toEqual({
			inbound: [],
			statuses: [
				{
					messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
					record: {
						state: 'failed',
						at: 1751142888000,
						error: {
							code: 131049,
							title: 'This message was not delivered to maintain healthy ecosystem engagement.',
							message: 'This message was not delivered to maintain healthy ecosystem engagement.',
							details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
						},
					},
				},
			],
			triggerSeen: [{ phoneNumberId: '106540352242922', at: NOW }],
		});
	});

	it('takes the sender of an inbound message by its wa_id, at its own time', () => {
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/text
		const facts = ledgerFactsOf(fixture('messages-text'), NOW);
		expect(facts.inbound).toEqual([{ phoneNumberId: '106540352242922', contact: '16505551234', at: expect.any(Number) }]);
		expect(facts.inbound[0].at % 1000).toBe(0);
	});

	it('takes a sender known only by a BSUID by that BSUID', () => {
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
		expect(ledgerFactsOf(fixture('messages-bsuid-text'), NOW).inbound.map((fact) => fact.contact)).toEqual(['US.13491208655302741918']);
		// The 2025 version of the page: `from: ""` beside the placeholder BSUID it shows.
		expect(ledgerFactsOf(fixture('messages-bsuid-text-2025-empty-from'), NOW).inbound.map((fact) => fact.contact)).toEqual(['user.93737...']);
	});

	it('opens no window for a group message', () => {
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/group
		expect(ledgerFactsOf(fixture('messages-group-text'), NOW).inbound).toEqual([]);
	});

	it('keeps a status sent to a BSUID by its message ID', () => {
		const facts = ledgerFactsOf(fixture('statuses-bsuid-delivered-no-phone'), NOW);
		expect(facts.statuses).toEqual([{ messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=', record: { state: 'delivered', at: 1750030073000 } }]);
	});

	it('records a heartbeat for every number in a body, once each, and nothing from bodies without one', () => {
		for (const { name, body } of webhookFixtures()) {
			const facts = ledgerFactsOf(body as unknown as WebhookBody, NOW);
			const numbers = new Set(facts.triggerSeen.map((fact) => fact.phoneNumberId));
			expect({ name, count: numbers.size }).toEqual({ name, count: facts.triggerSeen.length });
			// Every fact names the number it belongs to: no fact without a heartbeat of its number.
			for (const fact of facts.inbound) expect(numbers.has(fact.phoneNumberId)).toBe(true);
		}
	});

	it('never keeps the text of a message', () => {
		for (const { body } of webhookFixtures()) {
			const text = JSON.stringify(ledgerFactsOf(body as unknown as WebhookBody, NOW));
			expect(text).not.toMatch(/"body"|"text"|caption/);
		}
	});
});
