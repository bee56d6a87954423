/**
 * Failures Meta returns: with "continue on fail" each becomes an error item in place; without it the node fails
 * with the item named, after the other sends settled. No secret in either.
 */
import { destroyGraphClients } from '../../shared/transport';
import { findSecretLeaks } from '../../../test/harness/secrets';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { messageCalls, send } from './helpers';

let sim: Simulator;
const UNDELIVERABLE = '16505550099';
const recipients = ['+1 650 555 0001', `+${UNDELIVERABLE}`, '+1 650 555 0003'];
const inputItems = recipients.map((phone) => ({ json: { phone } }));
const text = { messageType: 'text', textBody: 'Hello', recipient: '={{ $json.phone }}' };

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none', undeliverableRecipients: [UNDELIVERABLE] });
});
afterEach(() => sim.reset());
afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

describe('Send Message errors', () => {
	test('with continue on fail, a message Meta refuses becomes an error item in its place', async () => {
		const result = await send(sim, text, { inputItems, continueOnFail: true });
		expect(result.error).toBeUndefined();
		const items = result.items('Send');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.messageId).toBe(sim.log()[0].wamid);
		expect(items[2].json.recipient).toBe('16505550003');
		expect(items[1].json).toMatchObject({
			code: 131026,
			errorClass: 'permanent',
			retryable: false,
			phoneNumberId: '300000000000001',
		});
		expect(items[1].json.error).toEqual(expect.stringMatching(/undeliverable/i));
		expect(items[1].json.details).toEqual(expect.stringContaining(UNDELIVERABLE));
		expect(items[1].json.fbtraceId).toEqual(expect.any(String));
		expect(sim.log()).toHaveLength(2);
	});

	test('with continue on fail, an invalid item becomes an error item and the others are sent', async () => {
		const result = await send(sim, text, { inputItems: [{ json: { phone: '+1 650 555 0001' } }, { json: { phone: 'nobody' } }], continueOnFail: true });
		const items = result.items('Send');
		expect(items[1]).toEqual({
			json: expect.objectContaining({ error: expect.stringMatching(/^Item 2: "Recipient"/), retryable: false }),
			pairedItem: { item: 1 },
		});
		expect(sim.log().map((message) => message.to)).toEqual(['16505550001']);
	});

	test('without continue on fail, the node fails naming the item, after the other sends settled', async () => {
		const result = await send(sim, text, { inputItems });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Item 2: .*Message Undeliverable/i);
		expect(result.error?.description).toMatch(/131026/);
		expect(result.error?.description).toMatch(/1 of 3 items failed; 2 messages were sent/);
		expect(sim.log()).toHaveLength(2);
	});

	test('a transient 500 is retried by the gate and the message is sent once', async () => {
		sim.scriptFaults([{ path: '/messages', count: 1, action: { kind: 'error', httpStatus: 500, code: 131000 } }]);
		const result = await send(sim, { messageType: 'text', textBody: 'Hello' });
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send')[0].messageId).toBe(sim.log()[0].wamid);
		expect(messageCalls(sim)).toBe(2);
		expect(sim.log()).toHaveLength(1);
	});

	// 131049 (per-user marketing limit) and 131050 (the user stopped marketing messages) are final and say why:
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
	test.each([
		[131049, 'Meta limits marketing messages to this person: try again after 24 h'],
		[131050, 'The person stopped marketing messages'],
	])('a %i is tried once and its item says: %s', async (code, sentence) => {
		sim.scriptFaults([{ path: '/messages', count: 3, action: { kind: 'error', code } }]);
		const result = await send(sim, { messageType: 'text', textBody: 'Spring sale' }, { continueOnFail: true });
		expect(result.items('Send')[0].json).toMatchObject({ code, errorClass: 'permanent', retryable: false, hint: expect.stringContaining(sentence) });
		expect(messageCalls(sim)).toBe(1);
		const failing = await send(sim, { messageType: 'text', textBody: 'Spring sale' });
		expect(failing.error?.description).toContain(sentence);
	});

	test('no error item or node error carries the access token or app secret', async () => {
		const secrets = { accessToken: sim.fixture.accessToken, appSecret: sim.fixture.appSecret, appId: sim.fixture.appId };
		const withItems = await send(sim, text, { inputItems, continueOnFail: true });
		const failing = await send(sim, text, { inputItems });
		expect(findSecretLeaks(withItems.items('Send'), secrets)).toEqual([]);
		expect(findSecretLeaks(failing.error, secrets)).toEqual([]);
	});
});
