/**
 * What Meta says of a number, as the Automatic tier reads it, and when it asks again (pure, under a fake clock).
 * Meta: 80 mps by default, 1,000 after the automatic upgrade, a fixed 20 for a number also used in the WhatsApp
 * Business app: https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
 * Such a number answers `is_on_biz_app: true` and `platform_type: CLOUD_API`:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/embedded-signup/onboarding-business-app-users
 */
import { DEFAULT_TIMINGS } from './settings';
import { messagesPerSecondOf, newThroughputReading, throughputReadDue, type ThroughputReading } from './throughput';

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe("Meta's answer as messages per second", () => {
	test('STANDARD is 80 (the level in the example of "About the platform")', () => {
		expect(messagesPerSecondOf({ throughput: { level: 'STANDARD' } })).toBe(80);
	});

	test('HIGH is 1,000', () => {
		expect(messagesPerSecondOf({ throughput: { level: 'HIGH' } })).toBe(1000);
	});

	test('a number shared with the WhatsApp Business app is 20, whatever its level says', () => {
		expect(messagesPerSecondOf({ throughput: { level: 'NOT_APPLICABLE' }, is_on_biz_app: true })).toBe(20);
		expect(messagesPerSecondOf({ throughput: { level: 'HIGH' }, is_on_biz_app: true })).toBe(20);
	});

	test('a level the pack does not know, or none, is the safe 80', () => {
		expect(messagesPerSecondOf({ throughput: { level: 'NOT_APPLICABLE' }, is_on_biz_app: false })).toBe(80);
		expect(messagesPerSecondOf({})).toBe(80);
		expect(messagesPerSecondOf(undefined)).toBe(80);
	});
});

describe('when to ask Meta again', () => {
	const known = (readAt: number, messagesPerSecond = 1000): ThroughputReading => ({ ...newThroughputReading(), readAt, messagesPerSecond });

	test('at once when never asked; never twice at a time', () => {
		expect(throughputReadDue(newThroughputReading(), 0, false, DEFAULT_TIMINGS)).toBe(true);
		expect(throughputReadDue({ ...newThroughputReading(), pending: true }, 0, false, DEFAULT_TIMINGS)).toBe(false);
	});

	test('an answer holds for an hour', () => {
		expect(throughputReadDue(known(0), HOUR - 1, false, DEFAULT_TIMINGS)).toBe(false);
		expect(throughputReadDue(known(0), HOUR, false, DEFAULT_TIMINGS)).toBe(true);
	});

	test('after a 130429 since the answer, it is asked again once the answer is five minutes old', () => {
		expect(throughputReadDue(known(0), 5 * MINUTE - 1, true, DEFAULT_TIMINGS)).toBe(false);
		expect(throughputReadDue(known(0), 5 * MINUTE, true, DEFAULT_TIMINGS)).toBe(true);
	});

	test('a failed read waits its retry time', () => {
		const failed = { ...newThroughputReading(), retryAt: 10 * MINUTE };
		expect(throughputReadDue(failed, 10 * MINUTE - 1, false, DEFAULT_TIMINGS)).toBe(false);
		expect(throughputReadDue(failed, 10 * MINUTE, false, DEFAULT_TIMINGS)).toBe(true);
	});
});
