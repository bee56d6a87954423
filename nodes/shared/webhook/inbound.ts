/**
 * The messages customers sent, per phone number, in one delivery's events: Meta counts them in the number's throughput
 * ("Throughput is inclusive of inbound and outbound messages and all message types",
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput), so the gate makes room for
 * them. Pure: no I/O, no clock (callers pass `now`).
 */
import type { WhatsAppEvent } from './types';

/**
 * A message Meta stamped longer ago than this has left its sliding second (Meta's stamps are whole seconds; clocks
 * differ a little): a redelivery after an outage, hours late, must not hold the sends back.
 */
export const INBOUND_RECENT_MS = 10_000;

/** Messages (not statuses, echoes or other fields) per phone-number ID, recent ones only, in order of first sight. */
export function inboundMessagesByNumber(events: readonly WhatsAppEvent[], now: number): Map<string, number> {
	const counts = new Map<string, number>();
	for (const event of events) {
		if (event.event !== 'message' || event.field !== 'messages' || typeof event.phoneNumberId !== 'string' || event.phoneNumberId === '') continue;
		if (typeof event.timestampUnix === 'number' && now - event.timestampUnix * 1000 > INBOUND_RECENT_MS) continue;
		counts.set(event.phoneNumberId, (counts.get(event.phoneNumberId) ?? 0) + 1);
	}
	return counts;
}
