import type { InboundMessage, WhatsAppEvent } from '../types';
import { addErrors, isObject, nonEmpty, recordFields, setDefined, setTimestamp } from './flat';
import type { EventMaker } from './make';
import { messageFields } from './messages';
import { FIELD_EVENTS } from './names';

/**
 * `history`: the WhatsApp Business app's past chats, in chunks of threads. One event per message, with its chunk
 * (phase, chunkOrder, progress) and thread beside it; a chunk with nothing in it still reports its progress, and a
 * declined share comes as errors. https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history/
 */
export function splitHistory(chunks: unknown[], make: EventMaker, out: WhatsAppEvent[]): void {
	for (const chunk of chunks) {
		if (!isObject(chunk)) continue;
		const progress = isObject(chunk.metadata) ? chunk.metadata : {};
		const chunkEvent = (kind: string): WhatsAppEvent => {
			const event = make(kind);
			recordFields(progress, event, {});
			return event;
		};
		const threads = Array.isArray(chunk.threads) ? chunk.threads.filter(isObject) : [];
		const errors = Array.isArray(chunk.errors) ? chunk.errors.filter(isObject) : [];
		for (const error of errors) {
			const event = chunkEvent('error');
			addErrors(event, [error]);
			out.push(event);
		}
		for (const thread of threads) {
			const messages = Array.isArray(thread.messages) ? thread.messages.filter(isObject) : [];
			for (const message of messages.length ? messages : [undefined]) {
				const event = chunkEvent(FIELD_EVENTS.history);
				setDefined(event, 'threadId', thread.id);
				if (message) {
					setTimestamp(event, message.timestamp);
					setDefined(event, 'to', message.to);
					messageFields(message as InboundMessage, event);
					if (isObject(message.history_context)) setDefined(event, 'historyStatus', message.history_context.status);
				}
				// A thread is the chat with one user: its ID is theirs.
				setDefined(event, 'replyTo', nonEmpty(thread.id));
				out.push(event);
			}
		}
		if (threads.length === 0 && errors.length === 0) out.push(chunkEvent(FIELD_EVENTS.history));
	}
}
