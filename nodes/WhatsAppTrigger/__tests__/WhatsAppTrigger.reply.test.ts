/**
 * Answering a user who adopted a WhatsApp username, end to end: the simulator plays the user (no phone number, only
 * business-scoped user IDs, as https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 * shows), the trigger outputs the event inside n8n-core's contexts (test/support/trigger/n8nContexts.ts), and Send Message, run by n8n-core's
 * WorkflowExecute on that item, marks it read and answers `{{ $json.replyTo }}`: the simulator must log the answer
 * sent to the user's ID in `recipient`.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../../../test/harness';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { destroyGraphClients } from '../../shared/transport';
import { byId, credentialsFor, STANDARD_NUMBER } from '../../WhatsAppSendMessage/__tests__/helpers';
import { startN8nTrigger, type N8nTrigger } from '../../../test/support/trigger/n8nContexts';
import { clearRedeliveryStores } from '../../../test/support/testHooks';

let sim: Simulator;
let trigger: N8nTrigger;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

beforeEach(async () => {
	sim.reset();
	clearRedeliveryStores();
	trigger = await startN8nTrigger(sim, { subscription: 'app', triggerOn: ['messages'] });
	await trigger.trigger.webhookMethods.default.create.call(trigger.hooks());
});

afterEach(async () => {
	await trigger.close();
});

/** The trigger's items for one injected message from a user. */
async function itemsFor(user: IDataObject): Promise<IDataObject[]> {
	await sim.injectInbound({ phoneNumberId: STANDARD_NUMBER, type: 'text', body: 'Does it come in another color?', name: 'Sheena', ...user });
	await sim.webhooks.idle();
	expect(trigger.executions).toHaveLength(1);
	return trigger.executions[0].map((item) => item.json);
}

/** Send Message over the trigger's items: mark each read, then answer it at replyTo (two runs of n8n-core). */
async function markReadAndAnswer(inputItems: IDataObject[]) {
	const run = (parameters: IDataObject) =>
		runWorkflow({
			nodes: [{ name: 'Send', type: 'whatsAppSendMessage', parameters: { phoneNumberId: byId(STANDARD_NUMBER), ...parameters } }],
			credentials: credentialsFor(sim),
			inputItems,
		});
	const read = await run({ operation: 'markAsRead', readMessageId: '={{ $json.messageId }}' });
	const answer = await run({ messageType: 'text', recipient: '={{ $json.replyTo }}', textBody: 'Yes: blue and green.' });
	return { read, answer };
}

describe('answering the user of a trigger event at replyTo', () => {
	it('a username user with a parent BSUID is answered at the parent BSUID, in recipient', async () => {
		const items = await itemsFor({ userId: 'US.13491208655302741918', parentUserId: 'US.ENT.11815799212886844830', username: '@sheena' });
		expect(items[0]).toMatchObject({ replyTo: 'US.ENT.11815799212886844830', fromUserId: 'US.13491208655302741918' });
		const { read, answer } = await markReadAndAnswer(items);
		expect(read.error).toBeUndefined();
		expect(read.outputs('Send')).toEqual([expect.objectContaining({ success: true, messageId: items[0].messageId })]);
		expect(answer.error).toBeUndefined();
		expect(answer.outputs('Send')).toEqual([expect.objectContaining({ recipient: 'US.ENT.11815799212886844830', userId: 'US.ENT.11815799212886844830' })]);
		expect(sim.counters().readReceipts).toBe(1);
		const log = sim.log();
		expect(log).toHaveLength(1);
		expect(log[0].body).toMatchObject({ recipient: 'US.ENT.11815799212886844830', text: { body: 'Yes: blue and green.' } });
		expect(log[0].body).not.toHaveProperty('to');
	});

	it('a username user without a parent BSUID is answered at their BSUID, even when from is ""', async () => {
		const items = await itemsFor({ from: '', userId: 'US.13491208655302741918', username: '@sheena' });
		expect(items[0]).toMatchObject({ from: '', replyTo: 'US.13491208655302741918' });
		const { read, answer } = await markReadAndAnswer(items);
		expect(read.error).toBeUndefined();
		expect(answer.error).toBeUndefined();
		expect(sim.log().map((message) => message.userId)).toEqual(['US.13491208655302741918']);
	});

	it('a user who shares their phone number is answered at it, in to', async () => {
		const items = await itemsFor({ from: '16505551234', userId: 'US.13491208655302741918' });
		expect(items[0].replyTo).toBe('16505551234');
		await markReadAndAnswer(items);
		expect(sim.log()[0].body).toMatchObject({ to: '16505551234' });
		expect(sim.log()[0].body).not.toHaveProperty('recipient');
	});
});
