/**
 * "Send Marketing Templates Through the Marketing Messages API": marketing templates go to
 * `POST /{phone-number-id}/marketing_messages`, the others to `/messages`, through the same gate; where Meta refuses
 * the path (not onboarded, template still syncing) the items go through `/messages`, said once per execution.
 * Meta's pages:
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/send-marketing-messages
 *   (same payload as a Cloud API template send; `product_policy` CLOUD_API_FALLBACK | STRICT; marketing templates only)
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/route-template-messages
 *   (MARKETING → /marketing_messages, every other category → /messages)
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes#marketing-messages-api-for-whatsapp-error-codes
 *   (134101 template still syncing, 400; 134102 template unavailable / not onboarded, 500)
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/time-to-live
 *   (marketing templates: message_send_ttl_seconds 43200 to 2592000, applied through the Marketing Messages API only)
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { send, STANDARD_NUMBER, withSimulator, templateFields as fields } from './helpers';
import { clearConversationLedgers, clearManagementCache, resetGateForTests } from '../../../test/support/testHooks';

let sim: Simulator;

withSimulator((started) => (sim = started));

afterEach(async () => {
	sim.configure({ marketingMessagesOnboarded: [], mps: {} });
	// A 131050 answer records the person's opt-out in the ledger (campaign.ts): later tests send to the same people.
	clearConversationLedgers();
	await resetGateForTests();
});

/** loyalty_points is a MARKETING template of the simulator's account; hello_world a UTILITY one. */
const loyaltyPoints = (sendOptions: INodeParameters = { marketingMessagesApi: true }): INodeParameters => ({
	messageType: 'template',
	template: { __rl: true, mode: 'name', value: 'loyalty_points' },
	language: 'en_US',
	templateFields: fields({ 'body:1': 'Ana', 'body:2': '1,250', 'body:3': '$12.50' }),
	sendOptions,
});

const items = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { i } }));
const callsTo = (endpoint: string) => sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith(`/${endpoint}`));
const onboard = () => sim.configure({ marketingMessagesOnboarded: [sim.fixture.wabaId] });
const hintsOf = (result: Awaited<ReturnType<typeof send>>) => result.run.data.resultData.runData.Send?.[0]?.hints ?? [];

describe('Send Message: marketing templates through the Marketing Messages API', () => {
	test('an onboarded account sends each marketing template through /marketing_messages, with product_policy STRICT, and says so per item', async () => {
		onboard();
		const result = await send(sim, loyaltyPoints(), { inputItems: items(3) });
		expect(result.error).toBeUndefined();
		expect(callsTo('marketing_messages')).toHaveLength(3);
		expect(callsTo('messages')).toHaveLength(0);
		expect(JSON.parse(callsTo('marketing_messages')[0].body)).toMatchObject({ type: 'template', template: { name: 'loyalty_points' }, product_policy: 'STRICT' });
		expect(result.outputs('Send').map((item) => item.sentThrough)).toEqual(['marketing_messages', 'marketing_messages', 'marketing_messages']);
		expect(sim.log().every((message) => message.viaMarketingMessagesApi === true)).toBe(true);
		expect(hintsOf(result)).toEqual([]);
	});

	test('a template whose category is not Marketing still goes through /messages with the option on', async () => {
		onboard();
		const result = await send(sim, { messageType: 'template', template: { __rl: true, mode: 'name', value: 'hello_world' }, language: 'en_US', sendOptions: { marketingMessagesApi: true } });
		expect(result.error).toBeUndefined();
		expect(callsTo('marketing_messages')).toHaveLength(0);
		expect(callsTo('messages')).toHaveLength(1);
		expect(result.outputs('Send')[0].sentThrough).toBeUndefined();
	});

	test('without the option a marketing template goes through /messages as before', async () => {
		onboard();
		const result = await send(sim, loyaltyPoints({}));
		expect(result.error).toBeUndefined();
		expect(callsTo('marketing_messages')).toHaveLength(0);
		expect(callsTo('messages')).toHaveLength(1);
	});

	test('an account not onboarded costs one refused call (134102, not retried), then every item goes through /messages, said once', async () => {
		const result = await send(sim, loyaltyPoints(), { inputItems: items(5) });
		expect(result.error).toBeUndefined();
		// The first send finds out; the others wait for its answer instead of each spending a refused call.
		expect(callsTo('marketing_messages')).toHaveLength(1);
		expect(sim.counters().rejectedByCode).toEqual({ 134102: 1 });
		expect(callsTo('messages')).toHaveLength(5);
		expect(sim.log()).toHaveLength(5);
		expect(result.outputs('Send').map((item) => item.sentThrough)).toEqual(Array(5).fill('messages'));
		const hints = hintsOf(result);
		expect(hints).toEqual([expect.objectContaining({ type: 'warning', location: 'outputPane' })]);
		expect(hints[0].message).toContain(`"loyalty_points (en_US)" from ${STANDARD_NUMBER}: error 134102, the WhatsApp Business Account is not onboarded`);
		expect(hints[0].message).toContain('so 5 marketing messages went through the Cloud API (/messages) instead');
	});

	test('a template still syncing with Meta (134101) goes through /messages for the rest of the execution', async () => {
		onboard();
		sim.scriptFaults([{ path: '/marketing_messages', count: 1, action: { kind: 'error', httpStatus: 400, code: 134101 } }]);
		const result = await send(sim, loyaltyPoints(), { inputItems: items(3) });
		expect(result.error).toBeUndefined();
		expect(callsTo('marketing_messages')).toHaveLength(1);
		expect(callsTo('messages')).toHaveLength(3);
		expect(hintsOf(result)[0].message).toContain('error 134101, the template is still syncing');
	});

	test('a refusal after the path was taken moves only that item to /messages: each message still goes once', async () => {
		onboard();
		sim.scriptFaults([{ path: '/marketing_messages', recipient: '16505550003', count: 1, action: { kind: 'error', code: 134102 } }]);
		const result = await send(sim, { ...loyaltyPoints(), recipient: '={{ "+1 650 555 000" + $json.i }}' }, { inputItems: items(4) });
		expect(result.error).toBeUndefined();
		expect(callsTo('marketing_messages')).toHaveLength(4);
		expect(callsTo('messages')).toHaveLength(1);
		expect(sim.log().map((message) => message.to).sort()).toEqual(['16505550000', '16505550001', '16505550002', '16505550003']);
		expect(result.outputs('Send').map((item) => item.sentThrough)).toEqual(['marketing_messages', 'marketing_messages', 'marketing_messages', 'messages']);
		expect(hintsOf(result)[0].message).toContain('so 1 marketing message went through the Cloud API (/messages) instead');
	});

	test('an error Meta gives for the person, not the path, is the item\'s error and sends nothing through /messages', async () => {
		onboard();
		sim.scriptFaults([{ path: '/marketing_messages', count: 1, action: { kind: 'error', httpStatus: 400, code: 131050 } }]);
		const result = await send(sim, loyaltyPoints(), { continueOnFail: true });
		expect(result.outputs('Send')[0].error).toBeDefined();
		expect(callsTo('messages')).toHaveLength(0);
		expect(hintsOf(result)).toEqual([]);
	});

	test('the Marketing Messages API path is paced by the same gate as /messages: no 130429 at the number\'s own rate', async () => {
		onboard();
		sim.configure({ mps: { [STANDARD_NUMBER]: 10 } });
		const result = await send(sim, loyaltyPoints(), { inputItems: items(25), credentials: { throughputTier: 'custom', customMessagesPerSecond: 10 } });
		expect(result.error).toBeUndefined();
		expect(callsTo('marketing_messages')).toHaveLength(25);
		expect(sim.counters().rejectedByCode).toEqual({});
	});

	test.each([
		[3600, 'is 3600'],
		[2592001, 'is 2592001'],
		['12h', 'is "12h"'],
	])('a time-to-live of %p fails the item naming the field and Meta\'s range, before any call', async (ttl, said) => {
		onboard();
		const result = await send(sim, loyaltyPoints({ marketingMessagesApi: true, marketingTimeToLiveSeconds: ttl }), { inputItems: items(2) });
		const error = result.nodeError('Send');
		expect(error?.message).toContain(`Item 1: "Options › Marketing Time-to-Live (Seconds)" ${said}: Meta takes a marketing template's time-to-live in whole seconds from 43200 (12 hours) to 2592000 (30 days)`);
		expect(sim.requests()).toHaveLength(0);
	});

	describe('the time-to-live, which Meta keeps on the template', () => {
		const loyalty = () => sim.fixture.templates.find((template) => template.name === 'loyalty_points' && template.language === 'en_US')!;
		const edits = () => sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith(`/${loyalty().id}`));

		test('is set on the template once (POST /{template-id} message_send_ttl_seconds), then the messages go', async () => {
			onboard();
			const result = await send(sim, loyaltyPoints({ marketingMessagesApi: true, marketingTimeToLiveSeconds: 86400 }), { inputItems: items(3) });
			expect(result.error).toBeUndefined();
			expect(edits().map((request) => JSON.parse(request.body))).toEqual([{ message_send_ttl_seconds: 86400 }]);
			expect(loyalty().messageSendTtlSeconds).toBe(86400);
			expect(callsTo('marketing_messages')).toHaveLength(3);
			// Meta answers sends only after the edit: every send started after it.
			const editedAt = edits()[0].at;
			expect(callsTo('marketing_messages').every((request) => request.at >= editedAt)).toBe(true);
		});

		test('is not edited again while Meta holds the same value, even once the kept reading expired', async () => {
			onboard();
			await send(sim, loyaltyPoints({ marketingMessagesApi: true, marketingTimeToLiveSeconds: 86400 }));
			clearManagementCache();
			const again = await send(sim, loyaltyPoints({ marketingMessagesApi: true, marketingTimeToLiveSeconds: 86400 }));
			expect(again.error).toBeUndefined();
			// Approved templates can be edited once in 24 hours: a second edit would have failed these sends.
			expect(edits()).toHaveLength(1);
			expect(callsTo('marketing_messages')).toHaveLength(2);
		});

		test('Meta\'s refusal of the edit fails the template\'s items before anything is sent', async () => {
			onboard();
			await send(sim, loyaltyPoints({ marketingMessagesApi: true, marketingTimeToLiveSeconds: 86400 }));
			clearManagementCache();
			const refused = await send(sim, loyaltyPoints({ marketingMessagesApi: true, marketingTimeToLiveSeconds: 172800 }), { inputItems: items(2), continueOnFail: true });
			expect(refused.outputs('Send').map((item) => JSON.stringify(item))).toEqual([
				expect.stringContaining('An approved template can be edited once in 24 hours'),
				expect.stringContaining('An approved template can be edited once in 24 hours'),
			]);
			expect(edits()).toHaveLength(2);
			expect(callsTo('marketing_messages')).toHaveLength(1);
		});

		test('is not edited when another item stops the node before any send (an approved template can be edited once in 24 hours)', async () => {
			onboard();
			const parameters = loyaltyPoints({ marketingMessagesApi: true, marketingTimeToLiveSeconds: 86400 });
			parameters.template = { __rl: true, mode: 'name', value: '={{ $json.i === 0 ? "loyalty_points" : "no_such_template" }}' };
			const result = await send(sim, parameters, { inputItems: items(2) });
			expect(result.nodeError('Send')?.message).toMatch(/^Item 2:/);
			expect(edits()).toHaveLength(0);
			expect(loyalty().messageSendTtlSeconds).not.toBe(86400);
			expect(callsTo('marketing_messages')).toHaveLength(0);
		});

		test('two items asking different values for one template: the later one fails naming the field, the first goes', async () => {
			onboard();
			const result = await send(
				sim,
				loyaltyPoints({ marketingMessagesApi: true, marketingTimeToLiveSeconds: '={{ $json.i === 0 ? 86400 : 172800 }}' }),
				{ inputItems: items(2), continueOnFail: true },
			);
			const [first, second] = result.outputs('Send');
			expect(first.sentThrough).toBe('marketing_messages');
			expect(JSON.stringify(second.error)).toContain('Options › Marketing Time-to-Live (Seconds)');
			expect(JSON.stringify(second.error)).toContain('is 172800, but an earlier item of this execution asks 86400 for template \\"loyalty_points (en_US)\\"');
			expect(callsTo('marketing_messages')).toHaveLength(1);
		});
	});
});
