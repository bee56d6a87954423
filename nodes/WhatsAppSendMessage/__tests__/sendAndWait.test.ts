/**
 * "Send and Wait for Reply" through n8n-core's WorkflowExecute against the simulator: what it refuses before any
 * call, what it sends, the wait it leaves in the ledger, the execution it puts to wait, and what the workflow gets
 * when the limit passes (n8n continues the run without running the node again).
 * Interactive reply buttons: https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages
 */
import type { IDataObject, IExecuteFunctions, INodeParameters, INodeType } from 'n8n-workflow';

import { runWorkflow } from '../../../test/harness';
import { getConversationLedger, reachOf, recordCampaignFacts } from '../../shared/conversations';
import { byId, credentialsFor, messageCalls, STANDARD_NUMBER, withSimulator } from './helpers';
import type { Simulator } from '../../../test/simulator';
import { clearConversationLedgers } from '../../../test/support/testHooks';

let sim: Simulator;
withSimulator((started) => (sim = started), clearConversationLedgers);

const ledger = () => getConversationLedger({});
const asked = (parameters: INodeParameters = {}): INodeParameters => ({
	operation: 'sendAndWait',
	phoneNumberId: byId(STANDARD_NUMBER),
	recipient: '+1 (650) 555-1234',
	messageType: 'text',
	textBody: 'Is your issue solved?',
	waitLimit: 2,
	waitLimitUnit: 'hours',
	...parameters,
});

/** Passes its items on: shows what the workflow gets after the waiting node. */
class After implements INodeType {
	description = {
		displayName: 'After',
		name: 'after',
		group: ['transform'],
		version: 1,
		description: 'Passes items on',
		defaults: { name: 'After' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

const afterNode = { name: 'After', type: 'after', parameters: {} };

/** The Send and Wait node, then After. */
async function runAsk(parameters: INodeParameters = {}, inputItems?: IDataObject[]) {
	return runWorkflow({
		nodes: [
			{ name: 'Ask', type: 'whatsAppSendMessage', parameters: asked(parameters) },
			afterNode,
		],
		credentials: credentialsFor(sim),
		nodeTypes: { after: new After() },
		inputItems,
	});
}

function lastMessageBody(): IDataObject {
	const calls = sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/messages'));
	return JSON.parse(String(calls[calls.length - 1].body)) as IDataObject;
}

describe('Send and Wait for Reply', () => {
	it('refuses before sending when no WhatsApp Cloud Trigger has been seen for the number, and says how to fix it', async () => {
		const result = await runAsk();
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain(`no active WhatsApp Cloud Trigger has received webhooks for phone number ID ${STANDARD_NUMBER}`);
		expect(result.error?.description).toContain('Activate a workflow with a WhatsApp Cloud Trigger for this number');
		expect(messageCalls(sim)).toBe(0);
	});

	it('counts a trigger that receives every number of the app', async () => {
		await ledger().recordTriggerSeen('*', Date.now());
		const result = await runAsk();
		expect(result.status).toBe('waiting');
	});

	it('sends an Approval as the text with Approve and Decline reply buttons, registers the wait and puts the execution to wait', async () => {
		await ledger().recordTriggerSeen(STANDARD_NUMBER, Date.now());
		const before = Date.now();
		const result = await runAsk({ approvalOptions: { approveLabel: 'Yes, solved', declineLabel: 'Not yet' } });

		expect(result.status).toBe('waiting');
		const waitTill = result.run.data.waitTill as Date;
		expect(waitTill.getTime()).toBeGreaterThanOrEqual(before + 2 * 3_600_000);
		expect(lastMessageBody()).toMatchObject({
			to: '16505551234',
			type: 'interactive',
			interactive: {
				type: 'button',
				body: { text: 'Is your issue solved?' },
				action: {
					buttons: [
						{ type: 'reply', reply: { id: 'approve', title: 'Yes, solved' } },
						{ type: 'reply', reply: { id: 'decline', title: 'Not yet' } },
					],
				},
			},
		});
		const [sent] = result.outputs('Ask');
		expect(sent).toMatchObject({ responseType: 'approval', waitingUntil: waitTill.toISOString() });
		const wait = await ledger().takeWaitFor(STANDARD_NUMBER, '16505551234', undefined, Date.now());
		expect(wait).toMatchObject({
			phoneNumberId: STANDARD_NUMBER,
			contact: '16505551234',
			messageId: sent.messageId,
			responseType: 'approval',
			expiresAt: waitTill.getTime(),
		});
		// n8n's signed resume URL of this node (waiting-webhooks checks its HMAC): /webhook-waiting/{execution}/{node id}
		expect(wait?.resumeUrl).toMatch(/^http:\/\/localhost:5678\/webhook-waiting\/\d+\/node-0\?signature=[0-9a-f]{64}$/);
	});

	it('gives the workflow an item with timedOut: true when the wait limit passes', async () => {
		await ledger().recordTriggerSeen(STANDARD_NUMBER, Date.now());
		const waiting = await runAsk({}, [{ ticket: 7 }]);
		expect(waiting.status).toBe('waiting');
		const resumed = await runWorkflow({
			nodes: [
				{ name: 'Ask', type: 'whatsAppSendMessage', parameters: asked() },
				afterNode,
			],
			credentials: credentialsFor(sim),
			nodeTypes: { after: new After() },
			resumeFrom: waiting.run.data,
		});
		expect(resumed.error).toBeUndefined();
		expect(resumed.status).toBe('success');
		expect(resumed.outputs('After')).toEqual([
			expect.objectContaining({ timedOut: true, responseType: 'approval', messageId: waiting.outputs('Ask')[0].messageId, recipient: '16505551234' }),
		]);
		expect(messageCalls(sim)).toBe(1);
	});

	it('asks a Choice with the message\'s own reply buttons', async () => {
		await ledger().recordTriggerSeen(STANDARD_NUMBER, Date.now());
		const result = await runAsk({
			responseType: 'choice',
			messageType: 'buttons',
			interactiveBody: 'Which size?',
			replyButtons: { button: [{ id: 's', title: 'Small' }, { id: 'l', title: 'Large' }] },
		});
		expect(result.status).toBe('waiting');
		expect(lastMessageBody()).toMatchObject({ interactive: { type: 'button', action: { buttons: [{ reply: { id: 's' } }, { reply: { id: 'l' } }] } } });
		expect(await ledger().takeWaitFor(STANDARD_NUMBER, '16505551234', undefined, Date.now())).toMatchObject({ responseType: 'choice' });
	});

	it('fails before sending outside the 24-hour window when the options say so, as any send does', async () => {
		await ledger().recordTriggerSeen(STANDARD_NUMBER, Date.now());
		const result = await runAsk({ sendOptions: { outsideWindow: 'fail' } });
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('Item 1: the 24-hour customer service window with 16505551234 is closed');
		expect(messageCalls(sim)).toBe(0);
	});

	it('says when the window is open, inside it', async () => {
		const now = Date.now();
		await ledger().recordTriggerSeen(STANDARD_NUMBER, now);
		await ledger().recordInbound(STANDARD_NUMBER, '16505551234', now);
		const result = await runAsk({ sendOptions: { outsideWindow: 'fail' } });
		expect(result.status).toBe('waiting');
		expect(result.outputs('Ask')[0].windowOpenUntil).toBe(new Date(now + 24 * 3_600_000).toISOString());
	});

	it('refuses an Approval when the window is closed and a template would be sent instead: it cannot carry the buttons', async () => {
		await ledger().recordTriggerSeen(STANDARD_NUMBER, Date.now());
		const result = await runAsk({ sendOptions: { outsideWindow: 'template', windowTemplateName: 'hello_world', windowTemplateLanguage: 'en_US' } });
		expect(result.error?.message).toContain('cannot carry the Approve and Decline buttons');
		expect(messageCalls(sim)).toBe(0);
	});

	it("refuses before sending a template past the portfolio's messaging limit (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits)", async () => {
		await ledger().recordTriggerSeen(STANDARD_NUMBER, Date.now());
		sim.configure({ messagingLimitTier: 'TIER_250' });
		try {
			// 250 people reached with templates in the last 24 hours, by this portfolio's other sends.
			const others = Array.from({ length: 250 }, (_, i) => `1650777${String(i).padStart(4, '0')}`);
			await reachOf(ledger()).admit(`waba:${sim.fixture.wabaId}`, others, 250, Date.now());
			const result = await runAsk({ responseType: 'freeText', sendOptions: { outsideWindow: 'template', windowTemplateName: 'hello_world', windowTemplateLanguage: 'en_US' } });
			expect(result.error?.message).toMatch(/^Item 1: the business portfolio's messaging limit is reached: WhatsApp lets it reach 250 people \(TIER_250\)/);
			expect(messageCalls(sim)).toBe(0);
		} finally {
			sim.configure({ messagingLimitTier: 'TIER_UNLIMITED' });
		}
	});

	describe('campaign rules, as for any send (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pausing, https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates)', () => {
		/** feedback_request is a MARKETING template of the simulator's WABA, without variables. */
		const marketing = { responseType: 'freeText', messageType: 'template', template: { __rl: true, mode: 'name', value: 'feedback_request' }, language: 'en_US' };

		beforeEach(async () => {
			await ledger().recordTriggerSeen(STANDARD_NUMBER, Date.now());
		});

		it('refuses a template Meta paused before any call', async () => {
			const template = { wabaId: String(sim.fixture.wabaId), name: 'feedback_request', language: 'en_US' };
			await recordCampaignFacts(ledger(), { preferences: [], limits: [], templates: [{ template, state: 'paused', at: Date.now(), forMs: 3 * 3600_000 }] });
			const result = await runAsk(marketing as INodeParameters);
			expect(result.error?.message).toMatch(/^Item 1: template "feedback_request" \(en_US\) is paused by Meta/);
			expect(messageCalls(sim)).toBe(0);
		});

		it('refuses a marketing template to a person who stopped marketing messages, before any call: there is no answer to wait for', async () => {
			await recordCampaignFacts(ledger(), { preferences: [{ wabaId: String(sim.fixture.wabaId), contact: '16505551234', value: 'stop', at: Date.now() }], limits: [], templates: [] });
			const result = await runAsk(marketing as INodeParameters);
			expect(result.error?.message).toMatch(/^Item 1: 16505551234 stopped marketing messages from your business/);
			expect(messageCalls(sim)).toBe(0);
		});

		it("records Meta's 131050 answer as an opt-out, so the next ask is refused before any call", async () => {
			await sim.setMarketingPreference('16505551234', 'stop', { via: 'response' });
			const first = await runAsk(marketing as INodeParameters);
			expect(first.error?.message).toContain('131050');
			expect(messageCalls(sim)).toBe(1);
			const second = await runAsk(marketing as INodeParameters);
			expect(second.error?.message).toMatch(/^Item 1: 16505551234 stopped marketing messages/);
			expect(messageCalls(sim)).toBe(1);
		});
	});

	describe('refuses bad input before any call', () => {
		beforeEach(async () => {
			await ledger().recordTriggerSeen(STANDARD_NUMBER, Date.now());
		});

		it.each([
			['an Approval of an image', { messageType: 'image', mediaLink: 'https://example.com/a.jpg' }, 'Approval sends your Message Text with Approve and Decline buttons, so Message Type must be Text'],
			['a Choice of a plain text', { responseType: 'choice' }, 'Choice waits for a tapped option, so Message Type must be Reply Buttons, List or Template'],
			['a Free Text wait on Mark as Read', { responseType: 'freeText', messageType: 'markAsRead', readMessageId: 'wamid.X' }, 'Mark as Read sends no message to answer'],
			['a wait limit of 0', { waitLimit: 0 }, '"Wait Limit" is 0; expected a number above 0'],
			['an approve label over 20 characters', { approvalOptions: { approveLabel: 'Yes, absolutely solved now' } }, '"Approval Options › Approve Label"'],
		])('%s', async (_name, parameters, message) => {
			const result = await runAsk(parameters as INodeParameters);
			expect(result.status).toBe('error');
			expect(result.error?.message).toContain('Item 1');
			expect(result.error?.message).toContain(message);
			expect(messageCalls(sim)).toBe(0);
		});

		it('more than one item, naming the second', async () => {
			const result = await runAsk({}, [{ a: 1 }, { a: 2 }]);
			expect(result.error?.message).toBe('Item 2: Send and Wait for Reply asks one contact per execution, and got 2 items');
			expect(messageCalls(sim)).toBe(0);
		});
	});
});
