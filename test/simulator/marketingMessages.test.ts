/**
 * The simulator plays `POST /{phone-number-id}/marketing_messages` as Meta's pages describe it:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/send-marketing-messages
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/marketing-messages-lite-api
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes#marketing-messages-api-for-whatsapp-error-codes
 */
import { startSimulator, type Simulator } from './index';
import { call, PHONE_STANDARD } from './helpers';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});
afterAll(() => sim.stop());
beforeEach(() => {
	sim.reset();
	sim.configure({ marketingMessagesOnboarded: [] });
});

// The reference page's request example, with a marketing template of the fixture.
const loyalty = (extra: Record<string, unknown> = {}) => ({
	messaging_product: 'whatsapp',
	recipient_type: 'individual',
	to: '16315552222',
	type: 'template',
	template: { name: 'loyalty_points', language: { code: 'en_US' }, components: [{ type: 'body', parameters: ['Ana', '1,250', '$12.50'].map((text) => ({ type: 'text', text })) }] },
	...extra,
});

const post = (body: unknown) => call(sim, 'POST', `/v26.0/${PHONE_STANDARD}/marketing_messages`, body);
const onboard = (onboarded: boolean) => call(sim, 'POST', '/_sim/marketing-messages/onboarding', { onboarded }, null);

test('an onboarded WABA sends a marketing template through the Marketing Messages API, answered as the reference page shows', async () => {
	await onboard(true);
	const answer = await post(loyalty({ product_policy: 'STRICT', message_activity_sharing: true }));
	expect(answer.status).toBe(200);
	expect(answer.body).toEqual({
		messaging_product: 'whatsapp',
		contacts: [{ input: '16315552222', wa_id: '16315552222' }],
		messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }],
		success: true,
	});
	expect(sim.log()).toEqual([expect.objectContaining({ to: '16315552222', viaMarketingMessagesApi: true })]);
});

test('a WABA not onboarded gets 134102 (HTTP 500) with STRICT, and goes through the Cloud API without it', async () => {
	const strict = await post(loyalty({ product_policy: 'STRICT' }));
	expect(strict.status).toBe(500);
	expect(strict.body.error).toMatchObject({ code: 134102, message: '(#134102) Template unavailable for use' });
	expect(sim.log()).toEqual([]);

	const routed = await post(loyalty());
	expect(routed.status).toBe(200);
	expect(sim.log()).toEqual([expect.not.objectContaining({ viaMarketingMessagesApi: true })]);
});

test('a utility template is refused with 134100, and a text message with Meta\'s example error 100', async () => {
	await onboard(true);
	const utility = await post({ ...loyalty(), template: { name: 'hello_world', language: { code: 'en_US' } } });
	expect(utility.status).toBe(400);
	expect(utility.body.error).toMatchObject({ code: 134100 });
	const text = await post({ messaging_product: 'whatsapp', to: '16315552222', type: 'text', text: { body: 'hi' } });
	expect(text.status).toBe(400);
	expect(text.body.error).toMatchObject({ code: 100, message: '(#100) Invalid parameter', error_data: { details: 'Message must be a template message.' } });
});

test('product_policy takes only CLOUD_API_FALLBACK or STRICT, and message_activity_sharing only a boolean', async () => {
	await onboard(true);
	expect((await post(loyalty({ product_policy: 'LOOSE' }))).body.error).toMatchObject({ code: 100 });
	expect((await post(loyalty({ message_activity_sharing: 'yes' }))).body.error).toMatchObject({ code: 100 });
	expect((await post(loyalty({ product_policy: 'CLOUD_API_FALLBACK', message_activity_sharing: false }))).status).toBe(200);
});

test('the endpoint counts in the number\'s throughput like /messages (same number, same limits)', async () => {
	await onboard(true);
	sim.configure({ mps: { [PHONE_STANDARD]: 1 } });
	try {
		expect((await post(loyalty())).status).toBe(200);
		const second = await call(sim, 'POST', `/v26.0/${PHONE_STANDARD}/messages`, { ...loyalty(), to: '16315553333' });
		expect(second.body.error).toMatchObject({ code: 130429 });
	} finally {
		sim.configure({ mps: {} });
	}
});

test('status webhooks say marketing_lite for the Marketing Messages API and marketing through the Cloud API ("Receiving message status webhooks")', async () => {
	await onboard(true);
	await post(loyalty());
	await onboard(false);
	await post(loyalty());
	const [viaPath, viaCloudApi] = sim.log();
	expect(sim.webhooks.statusObject(viaPath, 'delivered', 1, 'v23.0')).toMatchObject({
		conversation: { origin: { type: 'marketing_lite' } },
		pricing: { billable: true, pricing_model: 'PMP', category: 'marketing_lite' },
	});
	expect(sim.webhooks.statusObject(viaCloudApi, 'delivered', 1, 'v23.0')).toMatchObject({ pricing: { category: 'marketing' } });
});
