import { flattenConversationAnalytics } from './actions/conversationAnalytics';
import { flattenMessageAnalytics } from './actions/messageAnalytics';
import { apiMajorVersion, flattenPhoneNumberHealth, healthFields, messagingLimitField } from './actions/phoneNumberHealth';
import { flattenPricingAnalytics } from './actions/pricingAnalytics';
import { flattenTemplateAnalytics, readTemplatePicks } from './actions/templateAnalytics';

describe('flattening analytics into one row per data point', () => {
	it('gives message analytics start and end as ISO and Unix seconds with sent and delivered', () => {
		const rows = flattenMessageAnalytics(
			[{ granularity: 'DAY', data_points: [{ start: 1790000000, end: '1790086400', sent: 5, delivered: '4' }] }],
			'DAY',
		);
		expect(rows).toEqual([
			{
				start: '2026-09-21T14:13:20.000Z',
				end: '2026-09-22T14:13:20.000Z',
				startUnix: 1790000000,
				endUnix: 1790086400,
				granularity: 'DAY',
				sent: 5,
				delivered: 4,
			},
		]);
	});

	it('gives conversation analytics a column per chosen dimension and metric, null when Meta left it out', () => {
		const rows = flattenConversationAnalytics(
			[{ data: [{ data_points: [{ start: 0, end: 1800, conversation: 3, country: 'US' }] }] }],
			'HALF_HOUR',
			['COUNTRY', 'CONVERSATION_CATEGORY'],
			['CONVERSATION', 'COST'],
		);
		expect(rows[0]).toMatchObject({ conversationCategory: null, country: 'US', conversations: 3, cost: null });
		expect(rows[0]).not.toHaveProperty('phoneNumber');
	});

	it('gives pricing analytics volume and cost per tier and pricing type', () => {
		const rows = flattenPricingAnalytics(
			[{ data: [{ data_points: [{ start: 0, end: 86400, tier: '0:100000', pricing_type: 'REGULAR', volume: 7, cost: 0.028 }] }] }],
			'DAILY',
			['TIER', 'PRICING_TYPE'],
			['VOLUME', 'COST'],
		);
		expect(rows[0]).toMatchObject({ tier: '0:100000', pricingType: 'REGULAR', volume: 7, cost: 0.028 });
	});

	it('gives template analytics total and per-button clicks and one column per cost type', () => {
		const rows = flattenTemplateAnalytics(
			[
				{
					data: [
						{
							granularity: 'DAILY',
							data_points: [
								{
									template_id: '11',
									start: 0,
									end: 86400,
									sent: 10,
									delivered: 9,
									read: 8,
									clicked: [
										{ type: 'quick_reply_button', button_content: 'Yes please', count: 3 },
										{ type: 'url_button', button_content: 'Track order', count: 2 },
									],
									cost: [
										{ type: 'amount_spent', value: 0.25 },
										{ type: 'cost_per_delivered', value: 0.0278 },
									],
								},
							],
						},
					],
				},
			],
			[{ id: '11', name: 'order_update', language: 'en_US' }],
			['SENT', 'DELIVERED', 'READ', 'CLICKED', 'COST'],
		);
		expect(rows[0]).toMatchObject({
			templateId: '11',
			templateName: 'order_update',
			templateLanguage: 'en_US',
			sent: 10,
			delivered: 9,
			read: 8,
			clicked: 5,
			clicked_yesPlease: 3,
			clicked_trackOrder: 2,
			amountSpent: 0.25,
			costPerDelivered: 0.0278,
		});
	});
});

describe('template picks', () => {
	it('takes up to 10 templates and refuses 11', () => {
		const picks = (n: number) => ({ template: Array.from({ length: n }, (_, i) => ({ template: { mode: 'list', value: `t${i}` } })) });
		expect(readTemplatePicks(picks(10))).toHaveLength(10);
		expect(() => readTemplatePicks(picks(11))).toThrow(/"Templates" has 11 templates.*10 at most/);
	});

	it('refuses an empty pick, naming its position', () => {
		expect(() => readTemplatePicks({ template: [{ template: { mode: 'list', value: '' } }] })).toThrow('"Templates › Template #1" is empty');
	});
});

describe('phone number health by API version', () => {
	it('asks for messaging_limit_tier before v24 and whatsapp_business_manager_messaging_limit from v24', () => {
		expect(messagingLimitField('v23.0')).toBe('messaging_limit_tier');
		expect(messagingLimitField('v24.0')).toBe('whatsapp_business_manager_messaging_limit');
		expect(healthFields('v26.0')).toContain('whatsapp_business_manager_messaging_limit');
		expect(healthFields('v26.0')).not.toContain('messaging_limit_tier');
		expect(apiMajorVersion('garbage')).toBe(Number.POSITIVE_INFINITY);
	});

	it('puts either field in the messagingLimitTier column', () => {
		expect(flattenPhoneNumberHealth({ id: '1', messaging_limit_tier: 'TIER_10K' }).messagingLimitTier).toBe('TIER_10K');
		expect(flattenPhoneNumberHealth({ id: '1', whatsapp_business_manager_messaging_limit: 'TIER_2K' }).messagingLimitTier).toBe('TIER_2K');
		expect(flattenPhoneNumberHealth({ id: '1', throughput: { level: 'HIGH' } }).throughputLevel).toBe('HIGH');
	});
});
