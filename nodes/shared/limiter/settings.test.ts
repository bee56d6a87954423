import { readGateSettings, TIER_MESSAGES_PER_SECOND } from './settings';
import type { WhatsAppCredentials } from '../transport/types';

const credentials = (extra: Partial<WhatsAppCredentials> = {}): WhatsAppCredentials => ({ accessToken: 't', apiVersion: 'v26.0', baseUrl: 'x', ...extra });

describe('the throughput tier of the credential', () => {
	test('Automatic (the credential’s default, also when the field is missing) paces at the safe 80 until Meta answers', () => {
		for (const settings of [readGateSettings(credentials()), readGateSettings(credentials({ throughputTier: 'automatic' }))]) {
			expect(settings).toMatchObject({ messagesPerSecond: 80, automaticThroughput: true });
		}
	});

	test('a manual tier overrides what Meta says: its own rate, and no reading of Meta’s', () => {
		expect(readGateSettings(credentials({ throughputTier: 'standard' }))).toMatchObject({ messagesPerSecond: 80, automaticThroughput: false });
		expect(readGateSettings(credentials({ throughputTier: 'high' }))).toMatchObject({ messagesPerSecond: 1000, automaticThroughput: false });
		expect(readGateSettings(credentials({ throughputTier: 'businessApp' }))).toMatchObject({ messagesPerSecond: 20, automaticThroughput: false });
		expect(readGateSettings(credentials({ throughputTier: 'custom', customMessagesPerSecond: 150 }))).toMatchObject({ messagesPerSecond: 150, automaticThroughput: false });
	});

	test('the tiers are Meta’s 80, 1,000 and 20 messages per second', () => {
		expect(TIER_MESSAGES_PER_SECOND).toEqual({ standard: 80, high: 1000, businessApp: 20 });
	});

	test('a custom tier without a usable rate is refused, naming the field', () => {
		expect(() => readGateSettings(credentials({ throughputTier: 'custom', customMessagesPerSecond: 0 }))).toThrow('Custom Messages per Second');
	});
});

// Meta: "Throughput is inclusive of inbound and outbound messages" (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput).
describe('inbound messages in the throughput', () => {
	test('count by default (also when the field is missing), and not once the credential turns them off', () => {
		expect(readGateSettings(credentials()).countInboundMessages).toBe(true);
		expect(readGateSettings(credentials({ countInboundMessages: true })).countInboundMessages).toBe(true);
		expect(readGateSettings(credentials({ countInboundMessages: false })).countInboundMessages).toBe(false);
	});
});
