/**
 * Send Message with the conversation ledger, in real workflows against the simulator, with the WhatsApp Cloud Trigger
 * (inside n8n-core's contexts) receiving the simulator's signed webhooks over real HTTP: customers' messages open
 * the 24-hour window, status webhooks give each item its delivery status.
 * Meta's rules: free-form (service) messages, reactions included, only inside the window; templates always
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages); outside it
 * Meta answers 131047; a failed status carries `errors[]` with code, title, message and error_data.details
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status).
 */
import type { INodeParameters } from 'n8n-workflow';

import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import { simulatorCredentials, startN8nTrigger, type N8nTrigger } from '../../../test/support/trigger/n8nContexts';
import type { Simulator } from '../../../test/simulator';
import { getConversationLedger, WINDOW_MS } from '../../shared/conversations';
import { closeRedisClients } from '../../shared/redis';
import { messageCalls, send, STANDARD_NUMBER, withSimulator } from './helpers';
import { clearConversationLedgers, clearRedeliveryStores } from '../../../test/support/testHooks';

let sim: Simulator;
let trigger: N8nTrigger | undefined;
withSimulator((started) => (sim = started));

const WROTE = '16505550101';
const SILENT = '16505550102';

beforeEach(() => {
	clearConversationLedgers();
	clearRedeliveryStores();
	// Meta's side: only the customer who wrote is inside the window.
	sim.configure({ enforceServiceWindow: true, inWindowRecipients: [WROTE], undeliverableRecipients: [] });
	sim.webhooks.configure({ statuses: ['sent', 'delivered'] });
});

afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
});

/** An active trigger (only incoming messages selected) subscribed to the simulator's webhooks. */
async function activateTrigger(redisUrl?: string): Promise<void> {
	trigger = await startN8nTrigger(sim, { subscription: 'app', triggerOn: ['messages'] });
	if (redisUrl) await trigger.setCredentials({ ...simulatorCredentials(sim), redisUrl });
	await trigger.trigger.webhookMethods.default.create.call(trigger.hooks());
}

/** A customer writes to the number; resolves once the trigger has received it. */
async function customerWrites(from: string): Promise<number> {
	const { message } = (await sim.injectInbound({ from, type: 'text', phoneNumberId: STANDARD_NUMBER })) as { message: { timestamp: string } };
	await sim.webhooks.idle();
	return Number(message.timestamp) * 1000;
}

const text = (options: INodeParameters) => ({ messageType: 'text', textBody: 'Your order shipped', sendOptions: options });
const toEach = (...recipients: string[]) => recipients.map((recipient) => ({ recipient }));

describe('Outside the 24-Hour Window', () => {
	it('Fail Before Sending: sends to the customer who wrote, fails the other naming item, contact and window, without calling Meta for it', async () => {
		await activateTrigger();
		const wroteAt = await customerWrites(WROTE);
		const result = await send(sim, { ...text({ outsideWindow: 'fail' }), recipient: '={{ $json.recipient }}' }, { inputItems: toEach(WROTE, SILENT), continueOnFail: true });
		const [sent, failed] = result.outputs('Send');
		expect(sent).toMatchObject({ recipient: WROTE, windowOpenUntil: new Date(wroteAt + WINDOW_MS).toISOString() });
		expect(String(failed.error)).toMatch(new RegExp(`^Item 2: the 24-hour customer service window with ${SILENT} is closed \\(no message from ${SILENT} to number ${STANDARD_NUMBER} since .+Z has reached a WhatsApp Cloud Trigger\\)`));
		expect(messageCalls(sim)).toBe(1);
	});

	it('Fail Before Sending without Continue On Fail stops before sending anything', async () => {
		await activateTrigger();
		await customerWrites(WROTE);
		const result = await send(sim, { ...text({ outsideWindow: 'fail' }), recipient: '={{ $json.recipient }}' }, { inputItems: toEach(WROTE, SILENT) });
		expect(result.nodeError('Send')?.message).toMatch(/^Item 2: the 24-hour customer service window/);
		expect(messageCalls(sim)).toBe(0);
	});

	it('says to activate a trigger when none has received the number\'s webhooks', async () => {
		const result = await send(sim, { ...text({ outsideWindow: 'fail' }), recipient: WROTE });
		expect(result.nodeError('Send')?.message).toContain(`no WhatsApp Cloud Trigger has received webhooks for number ${STANDARD_NUMBER} in the last 24 hours`);
		expect(messageCalls(sim)).toBe(0);
	});

	it('holds a reaction to the window too, and never a template', async () => {
		await activateTrigger();
		await customerWrites(WROTE);
		const reaction = await send(sim, { messageType: 'reaction', reactionMessageId: 'wamid.HBgLMTY1MDU1NTAxMDIVAgASGBQzQTdBRjY3', emoji: '👍', recipient: SILENT, sendOptions: { outsideWindow: 'fail' } });
		expect(reaction.nodeError('Send')?.message).toMatch(/^Item 1: the 24-hour customer service window with 16505550102 is closed/);
		const template = await send(sim, { messageType: 'template', templateInputMode: 'manual', template: { __rl: true, mode: 'name', value: 'hello_world' }, language: 'en_US', recipient: SILENT, sendOptions: { outsideWindow: 'fail' } });
		expect(template.nodeError('Send')).toBeUndefined();
		expect(messageCalls(sim)).toBe(1);
	});

	it('Send a Template Instead: sends the template (checked against Meta\'s definition) to the customer outside the window only', async () => {
		await activateTrigger();
		await customerWrites(WROTE);
		const options = {
			outsideWindow: 'template',
			windowTemplateName: 'welcome_named',
			windowTemplateLanguage: 'en_US',
			windowTemplateVariables: { parameter: [{ variable: 'first_name', text: 'Ana' }, { variable: 'shop_name', text: 'Casa Verde' }] },
		};
		const result = await send(sim, { ...text(options), recipient: '={{ $json.recipient }}' }, { inputItems: toEach(WROTE, SILENT) });
		expect(result.outputs('Send').map((item) => [item.recipient, item.sentAsTemplate ?? false])).toEqual([
			[WROTE, false],
			[SILENT, true],
		]);
		expect(sim.log().map((message) => [message.to, message.type])).toEqual([
			[WROTE, 'text'],
			[SILENT, 'template'],
		]);
		expect(sim.log()[1].body).toMatchObject({
			template: { name: 'welcome_named', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ parameter_name: 'first_name', text: 'Ana' }, { parameter_name: 'shop_name', text: 'Casa Verde' }] }] },
		});
	});

	it('Send a Template Instead of an image link set to upload once: the template goes as is, the link is neither fetched nor uploaded', async () => {
		const options = {
			outsideWindow: 'template',
			windowTemplateName: 'welcome_named',
			windowTemplateLanguage: 'en_US',
			windowTemplateVariables: { parameter: [{ variable: 'first_name', text: 'Ana' }, { variable: 'shop_name', text: 'Casa Verde' }] },
		};
		const image = { messageType: 'image', mediaSource: 'link', mediaLink: 'https://example.com/sale.png', linkUploadOnce: 'always', sendOptions: options };
		const result = await send(sim, { ...image, recipient: SILENT });
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send')[0]).toMatchObject({ sentAsTemplate: true });
		expect(result.outputs('Send')[0]).not.toHaveProperty('mediaId');
		expect(sim.requests().filter((request) => request.path.endsWith('/media'))).toHaveLength(0);
		expect(sim.log()[0].body).toEqual(expect.objectContaining({ type: 'template', template: expect.not.objectContaining({ id: expect.anything() }) }));
	});

	it('names the template field when the template is not usable, before sending anything', async () => {
		const result = await send(sim, { ...text({ outsideWindow: 'template', windowTemplateName: 'Welcome Named', windowTemplateLanguage: 'en_US' }), recipient: SILENT });
		expect(result.nodeError('Send')?.message).toMatch(/^Item 1: "Options › Template Name \(Outside the Window\)"/);
		expect(messageCalls(sim)).toBe(0);
	});

	it("Send Anyway: Meta's 131047 closes the window the ledger thought open", async () => {
		await activateTrigger();
		await customerWrites(SILENT);
		const ledger = getConversationLedger({});
		expect(await ledger.windowOpenUntil(STANDARD_NUMBER, SILENT, Date.now())).toBeDefined();
		// Meta still holds the window closed (the simulator's list has only WROTE): it answers 131047.
		const result = await send(sim, { ...text({}), recipient: SILENT }, { continueOnFail: true });
		expect(result.outputs('Send')[0]).toMatchObject({ code: 131047 });
		expect(await ledger.windowOpenUntil(STANDARD_NUMBER, SILENT, Date.now())).toBeUndefined();
	});
});

describe('Wait for Delivery Status (Seconds)', () => {
	it('gives each item the status the trigger received for it', async () => {
		await activateTrigger();
		await customerWrites(WROTE);
		const result = await send(sim, { ...text({ waitForDeliverySeconds: 60 }), recipient: WROTE }, { inputItems: [{}, {}, {}] });
		expect(result.outputs('Send').map((item) => item.deliveryStatus)).toEqual(['delivered', 'delivered', 'delivered']);
	});

	it("gives a failed message Meta's error: code, title, message, details", async () => {
		await activateTrigger();
		sim.configure({ enforceServiceWindow: false, undeliverableRecipients: [SILENT], undeliverableVia: 'webhook' });
		const result = await send(sim, { ...text({ waitForDeliverySeconds: 60 }), recipient: SILENT });
		const [item] = result.outputs('Send');
		expect(item.deliveryStatus).toBe('failed');
		expect(item.deliveryError).toEqual({ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', details: 'Message Undeliverable.' });
	});

	it('says unknown when no status arrived within the wait', async () => {
		await activateTrigger();
		sim.webhooks.configure({ statuses: [] });
		sim.configure({ enforceServiceWindow: false });
		const result = await send(sim, { ...text({ waitForDeliverySeconds: 1 }), recipient: SILENT });
		expect(result.outputs('Send')[0].deliveryStatus).toBe('unknown');
	});

	it('adds nothing when the option is not set', async () => {
		sim.configure({ enforceServiceWindow: false });
		const result = await send(sim, { ...text({}), recipient: SILENT });
		expect(result.outputs('Send')[0]).not.toHaveProperty('deliveryStatus');
		expect(result.outputs('Send')[0]).not.toHaveProperty('windowOpenUntil');
	});
});

const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;

describeWithRedis('through Redis (queue mode: the trigger in one process, the send in another)', () => {
	let redis: TestRedis;

	beforeAll(async () => {
		redis = await startRedis();
	});

	afterAll(async () => {
		await closeRedisClients();
		await redis.stop();
	});

	it('reads the window and the delivery status the trigger recorded in Redis', async () => {
		await activateTrigger(redis.url);
		const wroteAt = await customerWrites(WROTE);
		// Another process: nothing in its memory, only Redis knows.
		clearConversationLedgers();
		const result = await send(sim, { ...text({ outsideWindow: 'fail', waitForDeliverySeconds: 60 }), recipient: '={{ $json.recipient }}' }, {
			inputItems: toEach(WROTE, SILENT),
			continueOnFail: true,
			credentials: { redisUrl: redis.url },
		});
		const [sent, failed] = result.outputs('Send');
		expect(sent).toMatchObject({ windowOpenUntil: new Date(wroteAt + WINDOW_MS).toISOString(), deliveryStatus: 'delivered' });
		expect(String(failed.error)).toMatch(/^Item 2: the 24-hour customer service window with 16505550102 is closed/);
		expect(messageCalls(sim)).toBe(1);
	});
});
