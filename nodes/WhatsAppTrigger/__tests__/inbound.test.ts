/**
 * The trigger counts each message customers sent in its number's throughput, from every verified body, whatever it
 * outputs. Meta: "Throughput is inclusive of inbound and outbound messages and all message types"
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput). Over real HTTP with thin
 * contexts; only Date is faked (the sliding second is read at the moment the body came).
 */
import { signWebhookBody } from '../../shared/webhook';
import { body, inboundTextChange, messagesChange, metaJson, statusChange, textMessage, wamid } from '../../shared/webhook/__tests__/fixtures';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { startTriggerServer, type TriggerServer } from '../../../test/support/trigger/fakeContexts';
import { post } from '../../../test/support/trigger/host';
import { clearRedeliveryStores, gateRegistryForTests, resetGateForTests } from '../../../test/support/testHooks';

const APP_SECRET = 'simAppSecret0123456789abcdef';
const NOW = 1_800_000_000_000;
const credentials: WhatsAppCredentials = {
	accessToken: 'EAAGsim0accessTOKEN0123456789',
	apiVersion: 'v26.0',
	baseUrl: 'http://127.0.0.1:9',
	appId: '900000000000001',
	appSecret: APP_SECRET,
	wabaId: '200000000000001',
};
const OTHER_NUMBER = '300000000000002';

let trigger: TriggerServer;

beforeEach(async () => {
	jest.useFakeTimers({ now: NOW, doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
	clearRedeliveryStores();
	trigger = await startTriggerServer(credentials, { triggerOn: ['statuses'] });
});

afterEach(async () => {
	await trigger.close();
	await resetGateForTests();
	jest.useRealTimers();
});

function signedPost(value: unknown) {
	const raw = Buffer.from(metaJson(value));
	return post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, APP_SECRET) });
}

/** Places taken in each number's sliding second, by phone-number ID. */
function counted(): Record<string, number> {
	const result: Record<string, number> = {};
	for (const lane of gateRegistryForTests().lanes.values()) if (lane.phoneNumberId) result[lane.phoneNumberId] = lane.window.count(Date.now());
	return result;
}

const seconds = NOW / 1000;

test('each message of a verified body takes a place in its number’s second, though the trigger outputs only statuses', async () => {
	const delivered = body([
		inboundTextChange('351911111111', 'Ana', 'one', wamid(), seconds),
		inboundTextChange('351922222222', 'Rui', 'two', wamid(), seconds),
		messagesChange({ messages: [textMessage('351933333333', 'three', wamid(), seconds)] }, OTHER_NUMBER),
		statusChange(wamid(), 'delivered', '351912345678', seconds),
	]);
	const response = await signedPost(delivered);
	expect(response.status).toBe(200);
	expect(trigger.executions.map((items) => items.map((item) => item.json.event))).toEqual([['status']]);
	const phoneNumberId = (delivered.entry[0].changes[0] as { value: { metadata: { phone_number_id: string } } }).value.metadata.phone_number_id;
	expect(counted()).toEqual({ [phoneNumberId]: 2, [OTHER_NUMBER]: 1 });
});

test('a body that only carries statuses takes no place', async () => {
	await signedPost(body([statusChange(wamid(), 'read', '351912345678', seconds)]));
	expect(counted()).toEqual({});
});

test('a body whose signature is not checked takes no place: anyone who knows the URL may post one', async () => {
	trigger.parameters.verifySignature = false;
	const raw = Buffer.from(metaJson(body([inboundTextChange('351911111111', 'Ana', 'one', wamid(), seconds)])));
	expect((await post(trigger.webhookUrl, raw, {})).status).toBe(200);
	expect(counted()).toEqual({});
});

test('a body refused for its signature takes no place', async () => {
	const raw = Buffer.from(metaJson(body([inboundTextChange('351911111111', 'Ana', 'one', wamid(), seconds)])));
	expect((await post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, 'not the secret') })).status).toBe(401);
	expect(counted()).toEqual({});
});

test('a credential with the count turned off takes no place', async () => {
	// n8n hands each read its own credential object; the gate reads the limits once per object.
	await trigger.close();
	trigger = await startTriggerServer({ ...credentials, countInboundMessages: false }, { triggerOn: ['statuses'] });
	await signedPost(body([inboundTextChange('351911111111', 'Ana', 'one', wamid(), seconds)]));
	expect(counted()).toEqual({});
});
