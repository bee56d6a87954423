/**
 * Which inbound message answers which wait, and what the waiting node outputs, on Meta's own webhook examples run
 * through the trigger's event splitter (the events the trigger posts to the resume URL).
 * Interactive replies: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/interactive
 * Template quick replies: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/button
 * Text: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/text
 * BSUID text: https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
import { webhookFixtures } from '../../../test/contract/fixtures';
import type { PendingWait } from '../conversations';
import { splitIntoEvents } from '../webhook/events';
import type { WebhookBody, WhatsAppEvent } from '../webhook/types';
import { answerOutput, answersWait, contactOfMessage, isResumeBody, resumeBodyOf } from './answers';

function eventOf(fixture: string): WhatsAppEvent {
	const found = webhookFixtures().find((candidate) => candidate.name === fixture);
	if (!found) throw new Error(`No webhook fixture ${fixture}`);
	return splitIntoEvents(found.body as unknown as WebhookBody)[0];
}

/** Meta's button reply example, with the ID of one of our Approval buttons. */
function approvalTap(id: 'approve' | 'decline'): WhatsAppEvent {
	return { ...eventOf('messages-interactive-button-reply'), buttonReplyId: id, buttonReplyTitle: id === 'approve' ? 'Yes' : 'No' };
}

const wait = (responseType: PendingWait['responseType']): PendingWait => ({
	id: '41:node-0',
	phoneNumberId: '106540352242922',
	contact: '16505551234',
	messageId: 'wamid.asked',
	resumeUrl: 'https://n8n.example.com/webhook-waiting/41/node-0?signature=x',
	responseType,
	createdAt: 0,
	expiresAt: 1,
});

describe('answers to a wait', () => {
	it('takes any message as Free Text, and outputs it as the trigger does', () => {
		const text = eventOf('messages-text');
		expect(answersWait('freeText', text)).toBe(true);
		expect(answerOutput(resumeBodyOf(wait('freeText'), text))).toEqual({
			responseType: 'freeText',
			timedOut: false,
			phoneNumberId: '106540352242922',
			contact: '16505551234',
			messageId: 'wamid.asked',
			text: 'Does it come in another color?',
			reply: text,
		});
	});

	it('takes a reply button or a list row as a Choice, with its ID and title', () => {
		const button = eventOf('messages-interactive-button-reply');
		const row = eventOf('messages-interactive-list-reply');
		expect(answerOutput(resumeBodyOf(wait('choice'), button))).toMatchObject({ choice: { id: 'cancel-button', title: 'Cancel' } });
		expect(answerOutput(resumeBodyOf(wait('choice'), row))).toMatchObject({ choice: { id: 'priority_express', title: 'Priority Mail Express' } });
	});

	it("takes a template's quick-reply button as a Choice, its payload as the ID", () => {
		const quickReply = eventOf('messages-button');
		expect(answersWait('choice', quickReply)).toBe(true);
		expect(answerOutput(resumeBodyOf(wait('choice'), quickReply)).choice).toEqual({ id: quickReply.buttonPayload, title: quickReply.buttonText });
	});

	it('leaves a Choice open on a typed text', () => {
		expect(answersWait('choice', eventOf('messages-text'))).toBe(false);
	});

	it('takes only its own Approve or Decline button as an Approval', () => {
		expect(answersWait('approval', approvalTap('approve'))).toBe(true);
		expect(answersWait('approval', approvalTap('decline'))).toBe(true);
		expect(answersWait('approval', eventOf('messages-interactive-button-reply'))).toBe(false);
		expect(answersWait('approval', eventOf('messages-text'))).toBe(false);
		expect(answerOutput(resumeBodyOf(wait('approval'), approvalTap('approve'))).approved).toBe(true);
		expect(answerOutput(resumeBodyOf(wait('approval'), approvalTap('decline'))).approved).toBe(false);
	});

	it('names the contact by wa_id, or by BSUID when Meta gives no phone number', () => {
		expect(contactOfMessage(eventOf('messages-text'))).toBe('16505551234');
		expect(contactOfMessage(eventOf('messages-bsuid-text'))).toBe('US.13491208655302741918');
	});

	it('accepts only a posted body shaped as the trigger posts it', () => {
		expect(isResumeBody(resumeBodyOf(wait('choice'), eventOf('messages-text')))).toBe(true);
		expect(isResumeBody({ waitId: 'x', messageId: 'y', responseType: 'maybe', reply: {} })).toBe(false);
		expect(isResumeBody('approved')).toBe(false);
	});
});
