/**
 * The Automatic throughput tier: what Meta says of a number, and when to ask again. Pure: no I/O, no clock.
 *
 * Meta: a number sends 80 messages per second by default and up to 1,000 once Meta upgraded it (automatically);
 * `GET /{phone-number-id}?fields=throughput` gives its level. A number also used in the WhatsApp Business app
 * ("coexistence") has a fixed 20, whatever its level; `is_on_biz_app: true` (with `platform_type: CLOUD_API`) says so.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/embedded-signup/onboarding-business-app-users ("Check onboarding status")
 */
import type { GateTimings } from './settings';
import { TIER_MESSAGES_PER_SECOND } from './settings';

/** One call asks both: the level and whether the number is shared with the Business app. */
export const THROUGHPUT_FIELDS = 'throughput,is_on_biz_app';
/** For a Graph version that refuses `is_on_biz_app` (code 100): the level alone. */
export const THROUGHPUT_ONLY_FIELDS = 'throughput';

/** The part of Meta's phone-number object the Automatic tier reads. */
export interface PhoneNumberThroughput {
	throughput?: { level?: string };
	is_on_biz_app?: boolean;
}

/** Meta's answer as messages per second: 20 for a number shared with the Business app, 1,000 for HIGH, else 80. */
export function messagesPerSecondOf(answer: PhoneNumberThroughput | undefined): number {
	if (answer?.is_on_biz_app === true) return TIER_MESSAGES_PER_SECOND.businessApp;
	if (answer?.throughput?.level === 'HIGH') return TIER_MESSAGES_PER_SECOND.high;
	return TIER_MESSAGES_PER_SECOND.standard;
}

/** What the gate knows of one number's throughput (kept apart from its lane, so an idle lane's release keeps it). */
export interface ThroughputReading {
	/** Undefined until Meta answered once: the lane paces at the safe 80 meanwhile. */
	messagesPerSecond?: number;
	/** When Meta's answer came (0 = never). */
	readAt: number;
	/** A read is under way. */
	pending: boolean;
	/** After a failed read: not before this time. */
	retryAt: number;
	/** The fields asked: both, or the level alone once a version refused `is_on_biz_app`. */
	fields: string;
}

export function newThroughputReading(): ThroughputReading {
	return { readAt: 0, pending: false, retryAt: 0, fields: THROUGHPUT_FIELDS };
}

/**
 * Whether to ask Meta now: never known, known for an hour, or known for a few minutes and the number was throttled
 * since (130429: Meta may allow less than it said). Never while a read is under way or a failed one waits.
 */
export function throughputReadDue(
	reading: ThroughputReading,
	now: number,
	throttledSinceRead: boolean,
	timings: Pick<GateTimings, 'throughputReadIntervalMs' | 'throughputRecheckAfterThrottleMs'>,
): boolean {
	if (reading.pending || now < reading.retryAt) return false;
	if (reading.messagesPerSecond === undefined) return true;
	const age = now - reading.readAt;
	return age >= timings.throughputReadIntervalMs || (throttledSinceRead && age >= timings.throughputRecheckAfterThrottleMs);
}
