/**
 * The simulator plays Meta: the trigger subscribes (app mode), the simulator sends signed webhooks for the
 * statuses of messages it accepted and for injected customer messages; the trigger must output the right items,
 * in order, once each, and start nothing for bad input.
 */
import { INBOUND_TYPES } from '../../../test/simulator/inbound';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { clearRedeliveryStores } from '../../shared/webhook';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { WhatsAppTrigger } from '../WhatsAppTrigger.node';
import { startTriggerServer, type TriggerServer } from './triggerServer';

const FAST_NUMBER = '300000000000002';
let sim: Simulator;
let trigger: TriggerServer;
const methods = new WhatsAppTrigger().webhookMethods.default;

function credentialsFor(simulator: Simulator): WhatsAppCredentials {
	return {
		accessToken: simulator.fixture.accessToken,
		apiVersion: 'v26.0',
		baseUrl: simulator.url,
		appId: simulator.fixture.appId,
		appSecret: simulator.fixture.appSecret,
		wabaId: simulator.fixture.wabaId,
	};
}

/** Sends text messages through the simulator; answers their wamids in the order accepted. */
async function sendTexts(count: number, concurrency = 25): Promise<string[]> {
	const ids: string[] = new Array(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			const response = await fetch(`${sim.url}/v26.0/${FAST_NUMBER}/messages`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sim.fixture.accessToken}`, 'content-type': 'application/json' },
				body: JSON.stringify({ messaging_product: 'whatsapp', to: `+3519${String(10000000 + index)}`, type: 'text', text: { body: `Order ${index}` } }),
			});
			const answer = (await response.json()) as { messages?: Array<{ id: string }> };
			if (!answer.messages) throw new Error(`send ${index} failed: ${JSON.stringify(answer)}`);
			ids[index] = answer.messages[0].id;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return sim.log().map((message) => message.wamid);
}

function items(): Array<Record<string, unknown>> {
	return trigger.executions.flat().map((item) => item.json as Record<string, unknown>);
}

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none', mps: { [FAST_NUMBER]: 100_000 } });
});

afterAll(async () => {
	await sim.stop();
});

beforeEach(async () => {
	sim.reset();
	sim.configure({ undeliverableRecipients: [] });
	sim.webhooks.configure({ statuses: ['sent', 'delivered', 'read'], maxChangesPerBody: 1, concurrency: 4 });
	clearRedeliveryStores();
	trigger = await startTriggerServer(credentialsFor(sim), { triggerOn: ['all'] });
	await methods.create.call(trigger.hooks());
});

afterEach(async () => {
	await trigger.close();
});

describe('statuses of sent messages', () => {
	it('outputs sent, delivered and read once each for every message, in that order per message', async () => {
		const ids = await sendTexts(20);
		await sim.webhooks.idle();
		const statuses = items().filter((item) => item.event === 'status');
		expect(statuses).toHaveLength(60);
		for (const id of ids) {
			expect(statuses.filter((item) => item.messageId === id).map((item) => item.status)).toEqual(['sent', 'delivered', 'read']);
		}
		expect(statuses[0]).toMatchObject({ phoneNumberId: FAST_NUMBER, wabaId: sim.fixture.wabaId, pricingCategory: 'service' });
	});

	it('splits 1,000-update batches into one item per status, in the order Meta sent them', async () => {
		sim.webhooks.configure({ statuses: ['sent'], maxChangesPerBody: 1000, concurrency: 1 });
		const ids = await sendTexts(1000);
		await sim.webhooks.idle();
		const delivered = sim.webhooks.deliveries();
		expect(delivered.every((record) => record.status === 200)).toBe(true);
		const sentOrder = delivered.flatMap((record) =>
			(JSON.parse(record.body) as { entry: Array<{ changes: Array<{ value: { statuses: Array<{ id: string }> } }> }> }).entry[0].changes.map(
				(change) => change.value.statuses[0].id,
			),
		);
		expect(items().map((item) => item.messageId)).toEqual(sentOrder);
		expect(new Set(sentOrder)).toEqual(new Set(ids));
	});

	it('drops Meta\'s redeliveries of bodies it already handled', async () => {
		await sendTexts(5);
		await sim.webhooks.idle();
		const executionsBefore = trigger.executions.length;
		const redelivered = await sim.webhooks.redeliver(10);
		await sim.webhooks.idle();
		expect(redelivered.map((record) => record.status)).toEqual(new Array(10).fill(200));
		expect(trigger.executions.length).toBe(executionsBefore);
		expect(items()).toHaveLength(15);
	});

	it('outputs only the failure for a message Meta could not deliver', async () => {
		sim.configure({ undeliverableRecipients: ['351910000000'], undeliverableVia: 'webhook' });
		await sendTexts(1);
		await sim.webhooks.idle();
		expect(items()).toEqual([expect.objectContaining({ event: 'status', status: 'failed', errorCode: 131026, recipientId: '351910000000' })]);
	});
});

describe('injected customer messages', () => {
	it.each(INBOUND_TYPES.map((type) => [type]))('outputs one %s message item with its own fields', async (type) => {
		const { message } = (await sim.injectInbound({ from: '351911111111', type, name: 'Ana Silva' })) as { message: { id: string } };
		await sim.webhooks.idle();
		expect(items()).toHaveLength(1);
		const [item] = items();
		expect(item).toMatchObject({ event: 'message', messageType: type, messageId: message.id, from: '351911111111', contactName: 'Ana Silva', phoneNumberId: sim.fixture.phoneNumbers[0].id });
		const expected: Record<string, string[]> = {
			text: ['text'],
			image: ['mediaId', 'mimeType', 'sha256'],
			video: ['mediaId', 'mimeType'],
			document: ['mediaId', 'filename'],
			audio: ['mediaId', 'voice'],
			sticker: ['mediaId', 'animated'],
			location: ['latitude', 'longitude'],
			contacts: ['contacts'],
			interactive: ['replyType', 'buttonReplyId', 'buttonReplyTitle'],
			button: ['buttonText', 'buttonPayload', 'replyToMessageId'],
			reaction: ['reactionEmoji', 'reactionToMessageId'],
			order: ['catalogId', 'productItems'],
			system: ['systemType', 'systemBody', 'newWaId'],
			request_welcome: [],
			unsupported: ['errorCode', 'errorTitle', 'unsupportedType'],
		};
		for (const field of expected[type]) expect(item[field]).toBeDefined();
	});

	it.each([
		['list_reply', { listReplyId: 'row-1', listReplyTitle: 'First row', replyType: 'listReply' }],
		['nfm_reply', { flowName: 'flow', replyType: 'flowReply', flowResponse: { flow_token: 'sim-flow-token', answer: 'yes' } }],
	])('reads an interactive %s into named fields', async (kind, fields) => {
		await sim.injectInbound({ from: '351911111111', type: 'interactive', interactive: { type: kind } });
		await sim.webhooks.idle();
		expect(items()[0]).toMatchObject(fields);
	});

	it('starts only for the message types the user picked', async () => {
		trigger.parameters.triggerOn = ['message:image'];
		await sim.injectInbound({ from: '351911111111', type: 'text' });
		await sim.injectInbound({ from: '351911111111', type: 'image' });
		await sim.webhooks.idle();
		expect(items().map((item) => item.messageType)).toEqual(['image']);
	});
});

describe('bad deliveries start nothing', () => {
	const inbound = () => ({
		object: 'whatsapp_business_account',
		entry: [{ id: sim.fixture.wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000001', phone_number_id: FAST_NUMBER }, messages: [{ from: '1', id: 'wamid.bad', timestamp: '1767225600', type: 'text', text: { body: 'hi' } }] } }] }],
	});

	it.each([
		['a wrong signature', 'wrong' as const],
		['no signature', 'none' as const],
	])('answers a body with %s with 401', async (_name, signature) => {
		const record = await sim.webhooks.deliverRaw(inbound(), { url: trigger.webhookUrl, signature });
		expect(record.status).toBe(401);
		expect(trigger.executions).toHaveLength(0);
	});

	it('answers truncated JSON with 400', async () => {
		const record = await sim.webhooks.deliverRaw('{"object":"whatsapp_business_account","entry":[{"id"', { url: trigger.webhookUrl });
		expect(record.status).toBe(400);
		expect(trigger.executions).toHaveLength(0);
	});

	it('answers a signed body over 3 MB with 413', async () => {
		const big = inbound();
		const value = big.entry[0].changes[0].value as { messages: Array<Record<string, unknown>> };
		value.messages = Array.from({ length: 12_000 }, (_entry, index) => ({ ...value.messages[0], id: `wamid.big${index}`, text: { body: 'x'.repeat(200) } }));
		const record = await sim.webhooks.deliverRaw(big, { url: trigger.webhookUrl });
		expect(record.body.length).toBeGreaterThan(3 * 1024 * 1024);
		expect(record.status).toBe(413);
		expect(trigger.executions).toHaveLength(0);
	});

	it('answers another object with 400', async () => {
		const record = await sim.webhooks.deliverRaw({ object: 'page', entry: [] }, { url: trigger.webhookUrl });
		expect(record.status).toBe(400);
		expect(trigger.executions).toHaveLength(0);
	});
});
