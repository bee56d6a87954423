/**
 * Send and Wait for Reply, the part both ends share: which inbound message answers which kind of wait, what the
 * trigger posts to the resume URL, and what the waiting node outputs. Pure: the trigger, the node and tests run it.
 */
import type { PendingWait, WaitResponseType } from '../conversations';
import type { WhatsAppEvent } from '../webhook/types';

/** The reply button IDs of an Approval: a tap comes back as a `button_reply` with one of them. */
export const APPROVE_ID = 'approve';
export const DECLINE_ID = 'decline';

/** The heartbeat key of a trigger that receives every number of its app (no Phone Number IDs option). */
export const ANY_NUMBER = '*';

/** What the trigger posts to the resume URL: the wait it took from the ledger and the message that answers it. */
export interface ResumeBody {
	waitId: string;
	phoneNumberId: string;
	contact: string;
	/** The wamid of the message that asked. */
	messageId: string;
	responseType: WaitResponseType;
	/** The answer, exactly as the trigger would output it. */
	reply: WhatsAppEvent;
}

/** The customer an inbound message comes from, as the ledger keys waits: the wa_id, else the BSUID. */
export function contactOfMessage(event: WhatsAppEvent): string | undefined {
	for (const id of [event.from, event.fromUserId]) if (typeof id === 'string' && id !== '') return id;
	return undefined;
}

/** The option the customer picked: a reply button, a list row, or a template's quick-reply button. */
export function choiceOf(event: WhatsAppEvent): { id: string; title: string } | undefined {
	if (typeof event.buttonReplyId === 'string') return { id: event.buttonReplyId, title: String(event.buttonReplyTitle ?? '') };
	if (typeof event.listReplyId === 'string') return { id: event.listReplyId, title: String(event.listReplyTitle ?? '') };
	if (event.messageType === 'button' && typeof event.buttonPayload === 'string') return { id: event.buttonPayload, title: String(event.buttonText ?? '') };
	return undefined;
}

/**
 * Whether an inbound message answers a wait of this kind: Free Text takes any message, Choice a tapped option,
 * Approval a tap on its own Approve or Decline button. Anything else leaves the wait open and goes to the trigger.
 */
export function answersWait(responseType: WaitResponseType, event: WhatsAppEvent): boolean {
	if (event.event !== 'message') return false;
	if (responseType === 'freeText') return true;
	const choice = choiceOf(event);
	if (responseType === 'choice') return choice !== undefined;
	return choice !== undefined && (choice.id === APPROVE_ID || choice.id === DECLINE_ID);
}

export function resumeBodyOf(wait: PendingWait, reply: WhatsAppEvent): ResumeBody {
	return { waitId: wait.id, phoneNumberId: wait.phoneNumberId, contact: wait.contact, messageId: wait.messageId, responseType: wait.responseType, reply };
}

/** The waiting node's output item for an answer: the asking message, the outcome by kind, and the reply itself. */
export function answerOutput(body: ResumeBody): Record<string, unknown> {
	const json: Record<string, unknown> = {
		responseType: body.responseType,
		timedOut: false,
		phoneNumberId: body.phoneNumberId,
		contact: body.contact,
		messageId: body.messageId,
	};
	const choice = choiceOf(body.reply);
	if (body.responseType === 'approval') json.approved = choice?.id === APPROVE_ID;
	if (body.responseType === 'choice' && choice) json.choice = choice;
	if (body.responseType === 'freeText' && typeof body.reply.text === 'string') json.text = body.reply.text;
	json.reply = body.reply;
	return json;
}

/** Whether a posted body is a ResumeBody (the resume URL is n8n's: anything may be posted to it). */
export function isResumeBody(value: unknown): value is ResumeBody {
	if (typeof value !== 'object' || value === null) return false;
	const body = value as Partial<ResumeBody>;
	return (
		typeof body.waitId === 'string' &&
		typeof body.messageId === 'string' &&
		['approval', 'choice', 'freeText'].includes(String(body.responseType)) &&
		typeof body.reply === 'object' &&
		body.reply !== null
	);
}
