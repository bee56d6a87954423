/**
 * Answers to "Send and Wait for Reply": each new message of a delivery is checked against the ledger's pending
 * waits; one that answers a wait is posted to that wait's resume URL (the waiting Send Message node outputs it).
 * A message that resumed a wait leaves the trigger's own output unless the user asks for both; a resume that fails
 * is logged and the message stays in the output, so nothing is lost.
 */
import type { ConversationLedger, PendingWait } from '../shared/conversations';
import { answersWait, choiceOf, contactOfMessage, resumeBodyOf, type ResumeBody } from '../shared/waits/answers';
import type { WhatsAppEvent } from '../shared/webhook/types';

export interface RoutingDeps {
	ledger: ConversationLedger;
	/** Posts the answer to the resume URL; rejects when n8n did not resume the execution. */
	resume: (url: string, body: ResumeBody) => Promise<void>;
	now: () => number;
	warn: (message: string) => void;
}

/** The execution a resume URL belongs to, for log lines (the URL itself carries n8n's signature: never logged). */
export function executionOf(resumeUrl: string): string {
	try {
		return new URL(resumeUrl).pathname.split('/').filter(Boolean).slice(-2, -1)[0] ?? 'unknown';
	} catch {
		return 'unknown';
	}
}

/** Whether the message was sent before the question (Meta's timestamp is in seconds): it cannot answer it. */
function olderThan(event: WhatsAppEvent, wait: PendingWait): boolean {
	return typeof event.timestampUnix === 'number' && event.timestampUnix < Math.floor(wait.createdAt / 1000);
}

/**
 * Whether the event answers this wait: the right kind of answer, not older than the question, and a tapped option
 * only on the question's own message (a tap on an older question must not approve the newest one).
 */
function answers(event: WhatsAppEvent, wait: PendingWait, quoted: string | undefined): boolean {
	if (!answersWait(wait.responseType, event) || olderThan(event, wait)) return false;
	return quoted === undefined || quoted === wait.messageId || choiceOf(event) === undefined;
}

/**
 * Resumes the waits these events answer, in the order Meta sent them; returns the events that resumed one. A wait
 * taken for a message that does not answer it (a typed text to an Approval) goes back to the ledger as it was.
 */
export async function routeAnswers(deps: RoutingDeps, events: WhatsAppEvent[]): Promise<Set<WhatsAppEvent>> {
	const resumed = new Set<WhatsAppEvent>();
	const senders = events.flatMap((event) => {
		const contact = event.event === 'message' && typeof event.phoneNumberId === 'string' ? contactOfMessage(event) : undefined;
		return contact ? [{ event, phoneNumberId: event.phoneNumberId as string, contact }] : [];
	});
	// One round trip for the body: only a sender someone waits for costs a take of their own.
	const waiting = await deps.ledger.contactsWaiting(senders);
	for (const [index, { event, phoneNumberId, contact }] of senders.entries()) {
		if (!waiting[index]) continue;
		const quoted = typeof event.replyToMessageId === 'string' ? event.replyToMessageId : undefined;
		const wait = await deps.ledger.takeWaitFor(phoneNumberId, contact, quoted, deps.now());
		if (!wait) continue;
		if (!answers(event, wait, quoted)) {
			await deps.ledger.addWait(wait);
			continue;
		}
		try {
			await deps.resume(wait.resumeUrl, resumeBodyOf(wait, event));
			resumed.add(event);
		} catch (error) {
			deps.warn(
				`could not resume execution ${executionOf(wait.resumeUrl)} waiting for ${contact}'s reply (${(error as Error).message}); message ${String(event.messageId)} goes to this trigger's output instead`,
			);
		}
	}
	return resumed;
}
