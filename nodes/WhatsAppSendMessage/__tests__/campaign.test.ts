/**
 * Campaign rules of Send Message, in real workflows (n8n-core's WorkflowExecute) against the simulator, with the
 * WhatsApp Cloud Trigger receiving the simulator's signed webhooks over real HTTP. Meta's rules, from its pages:
 * - per-user marketing limit, 131049, "wait at least 24 hours before resending":
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/per-user-limits
 * - opt-out, 131050 and the user_preferences webhook:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates ("Stop/Resume controls"),
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * - both codes also as a 400 answer: https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 * - paused templates (132015) and their status webhook: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pausing,
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update
 * - `message_status: held_for_quality_assessment`: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing
 */
import type { INodeParameters } from 'n8n-workflow';

import { startN8nTrigger, type N8nTrigger } from '../../../test/support/trigger/n8nContexts';
import type { Simulator } from '../../../test/simulator';
import { getConversationLedger, reachOf } from '../../shared/conversations';
import { messageCalls, send, STANDARD_NUMBER, withSimulator } from './helpers';
import { clearConversationLedgers, clearRedeliveryStores } from '../../../test/support/testHooks';

let sim: Simulator;
let trigger: N8nTrigger | undefined;
withSimulator((started) => (sim = started));

const STOPPED = '16505550201';
const OTHER = '16505550202';

beforeEach(() => {
	clearConversationLedgers();
	clearRedeliveryStores();
	sim.webhooks.configure({ statuses: ['sent'] });
});

afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
});

/** An active trigger that receives messages, statuses, marketing preferences and template status updates. */
async function activateTrigger(): Promise<void> {
	trigger = await startN8nTrigger(sim, {
		subscription: 'app',
		triggerOn: ['messages', 'statuses', 'field:user_preferences', 'field:message_template_status_update'],
	});
	await trigger.trigger.webhookMethods.default.create.call(trigger.hooks());
}

const template = (name: string): INodeParameters => ({ messageType: 'template', template: { __rl: true, mode: 'name', value: name }, language: 'en_US', recipient: '={{ $json.recipient }}' });
/** MARKETING and UTILITY templates of the simulator's WABA, without variables. */
const MARKETING = template('feedback_request');
const UTILITY = template('hello_world');
const toEach = (...recipients: string[]) => recipients.map((recipient) => ({ recipient }));
const templateId = (name: string) => sim.fixture.templates.find((candidate) => candidate.name === name)!.id;
const hintsOf = (result: Awaited<ReturnType<typeof send>>) => (result.run.data.resultData.runData.Send?.[0]?.hints ?? []).map((hint) => hint.message);

describe('marketing opt-outs', () => {
	it('skips marketing templates to a person who stopped them (user_preferences webhook), without a call; others and utility templates go', async () => {
		await activateTrigger();
		await sim.setMarketingPreference(STOPPED, 'stop', { phoneNumberId: STANDARD_NUMBER });
		await sim.webhooks.idle();
		const marketing = await send(sim, MARKETING, { inputItems: toEach(STOPPED, OTHER) });
		const [skipped, sent] = marketing.outputs('Send');
		expect(skipped).toMatchObject({ recipient: STOPPED, skipped: true, skipReason: 'optedOut', template: { name: 'feedback_request' } });
		expect(skipped.messageId).toBeUndefined();
		expect(sent).toMatchObject({ recipient: OTHER, messageStatus: 'accepted' });
		expect(hintsOf(marketing)).toContain('1 of 2 marketing messages were not sent (items marked "skipped"): 1 to people who stopped marketing messages, 0 to people inside Meta\'s 24-hour marketing limit.');
		const utility = await send(sim, UTILITY, { inputItems: toEach(STOPPED) });
		expect(utility.outputs('Send')[0]).toMatchObject({ recipient: STOPPED, messageStatus: 'accepted' });
		expect(sim.log().map((message) => message.to)).toEqual([OTHER, STOPPED]);
	});

	it('sends again once the person resumes marketing messages', async () => {
		await activateTrigger();
		await sim.setMarketingPreference(STOPPED, 'stop', { phoneNumberId: STANDARD_NUMBER });
		await sim.webhooks.idle();
		await sim.setMarketingPreference(STOPPED, 'resume', { phoneNumberId: STANDARD_NUMBER });
		await sim.webhooks.idle();
		const result = await send(sim, MARKETING, { inputItems: toEach(STOPPED) });
		expect(result.outputs('Send')[0]).toMatchObject({ recipient: STOPPED, messageStatus: 'accepted' });
	});

	it('learns an opt-out from Meta\'s own 131050 answer: the next broadcast skips the person', async () => {
		await sim.setMarketingPreference(STOPPED, 'stop', { via: 'response' });
		const first = await send(sim, MARKETING, { inputItems: toEach(STOPPED), continueOnFail: true });
		expect(first.outputs('Send')[0]).toMatchObject({ code: 131050 });
		expect(messageCalls(sim)).toBe(1);
		const second = await send(sim, MARKETING, { inputItems: toEach(STOPPED) });
		expect(second.outputs('Send')[0]).toMatchObject({ skipped: true, skipReason: 'optedOut' });
		expect(messageCalls(sim)).toBe(1);
	});
});

describe('the per-user marketing limit (131049)', () => {
	it('a failed status with 131049 reaching the trigger marks the person for 24 hours: their next marketing template is skipped', async () => {
		await activateTrigger();
		sim.limitMarketing(STOPPED);
		const first = await send(sim, MARKETING, { inputItems: toEach(STOPPED) });
		expect(first.outputs('Send')[0]).toMatchObject({ messageStatus: 'accepted' });
		await sim.webhooks.idle();
		const before = Date.now();
		const second = await send(sim, MARKETING, { inputItems: toEach(STOPPED, OTHER) });
		const [skipped, sent] = second.outputs('Send');
		expect(skipped).toMatchObject({ skipped: true, skipReason: 'marketingLimit' });
		// 24 h from Meta's status time (whole seconds), not from now.
		expect(Date.parse(String(skipped.marketingLimitedUntil))).toBeGreaterThan(before + 24 * 3600_000 - 60_000);
		expect(sent).toMatchObject({ recipient: OTHER, messageStatus: 'accepted' });
		expect(messageCalls(sim)).toBe(2);
	});

	it('Meta\'s 131049 answer fails the item once, is not retried, and the person is skipped afterwards; utility templates still go', async () => {
		sim.limitMarketing(STOPPED, 24, 'response');
		const first = await send(sim, MARKETING, { inputItems: toEach(STOPPED), continueOnFail: true });
		expect(first.outputs('Send')[0]).toMatchObject({ code: 131049 });
		expect(messageCalls(sim)).toBe(1);
		const second = await send(sim, MARKETING, { inputItems: toEach(STOPPED) });
		expect(second.outputs('Send')[0]).toMatchObject({ skipped: true, skipReason: 'marketingLimit' });
		const utility = await send(sim, UTILITY, { inputItems: toEach(STOPPED) });
		expect(utility.outputs('Send')[0]).toMatchObject({ messageStatus: 'accepted' });
		expect(messageCalls(sim)).toBe(2);
	});

	it('does not hold back a person whose customer service window is open (marketing there does not count toward the limit)', async () => {
		await activateTrigger();
		sim.limitMarketing(STOPPED, 24, 'response');
		await send(sim, MARKETING, { inputItems: toEach(STOPPED), continueOnFail: true });
		await sim.injectInbound({ from: STOPPED, type: 'text', phoneNumberId: STANDARD_NUMBER });
		await sim.webhooks.idle();
		sim.limitMarketing(STOPPED, 0);
		const result = await send(sim, MARKETING, { inputItems: toEach(STOPPED) });
		expect(result.outputs('Send')[0]).toMatchObject({ messageStatus: 'accepted' });
	});
});

describe('paused and held templates', () => {
	it('a template Meta pauses mid-broadcast stops the rest of it at once: one error per item, not a call per item', async () => {
		sim.paceTemplate(templateId('feedback_request'), 100, 3);
		const recipients = Array.from({ length: 30 }, (_unused, index) => `1650555${String(1000 + index)}`);
		const result = await send(sim, MARKETING, { inputItems: toEach(...recipients), continueOnFail: true, credentials: { throughputTier: 'custom', customMessagesPerSecond: 5 } });
		const outputs = result.outputs('Send');
		expect(outputs).toHaveLength(30);
		expect(outputs.slice(0, 3).map((json) => json.messageStatus)).toEqual(['accepted', 'accepted', 'accepted']);
		for (const json of outputs.slice(3)) expect(String(json.error)).toMatch(/paused/i);
		// Only the calls already in flight when Meta first answered 132015 reached it.
		expect(sim.counters().rejectedByCode['132015'] ?? 0).toBeLessThanOrEqual(5);
		expect(messageCalls(sim)).toBeLessThan(10);
		expect(outputs.some((json) => String(json.error).startsWith('Item') && /is paused by Meta for low quality \(error 132015\): this message was not sent/.test(String(json.error)))).toBe(true);
	});

	it('a send withdrawn because its template was paused gives back its place under the messaging limit (nothing reached that person)', async () => {
		sim.paceTemplate(templateId('feedback_request'), 100, 3);
		const recipients = Array.from({ length: 30 }, (_unused, index) => `1650555${String(3000 + index)}`);
		const params = { ...MARKETING, sendOptions: { messagingLimit: '2000' } };
		const result = await send(sim, params, { inputItems: toEach(...recipients), continueOnFail: true, credentials: { throughputTier: 'custom', customMessagesPerSecond: 5 } });
		const accepted = result.outputs('Send').filter((json) => json.messageStatus === 'accepted').length;
		expect(accepted).toBe(3);
		// Only the three people Meta took a message to keep a place: a limit of 3 is full, one of 4 still has room.
		const reach = reachOf(getConversationLedger({ accessToken: sim.fixture.accessToken }));
		const portfolio = `waba:${sim.fixture.wabaId}`;
		expect((await reach.admit(portfolio, ['probe'], 3, Date.now()))[0].admitted).toBe(false);
		expect((await reach.admit(portfolio, ['probe'], 4, Date.now()))[0].admitted).toBe(true);
	});

	it('a PAUSED status webhook reaching the trigger mid-broadcast withdraws the template\'s sends still queued', async () => {
		await activateTrigger();
		const recipients = Array.from({ length: 20 }, (_unused, index) => `1650555${String(2000 + index)}`);
		const sending = send(sim, MARKETING, { inputItems: toEach(...recipients), continueOnFail: true, credentials: { throughputTier: 'custom', customMessagesPerSecond: 2 } });
		while (sim.log().length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
		await sim.reviewTemplate(templateId('feedback_request'), 'PAUSED');
		await sim.webhooks.idle();
		const outputs = (await sending).outputs('Send');
		const sent = outputs.filter((json) => json.messageStatus === 'accepted').length;
		expect(sent).toBeGreaterThanOrEqual(1);
		for (const json of outputs.slice(sent)) expect(String(json.error)).toMatch(/paused/i);
		// Calls already under way when the webhook came may still reach Meta; none of the queued ones does.
		expect(messageCalls(sim)).toBeLessThanOrEqual(sent + 2);
	});

	it('a PAUSED status webhook reaching the trigger fails the next broadcast of the template before any call, though its kept definition still says approved', async () => {
		await activateTrigger();
		// A first send keeps the template's definition (approved) for a few minutes.
		await send(sim, MARKETING, { inputItems: toEach(OTHER) });
		await sim.reviewTemplate(templateId('feedback_request'), 'PAUSED');
		await sim.webhooks.idle();
		const calls = messageCalls(sim);
		const result = await send(sim, MARKETING, { inputItems: toEach(STOPPED, OTHER), continueOnFail: true });
		const outputs = result.outputs('Send');
		expect(outputs.map((json) => String(json.error))).toEqual([
			'Item 1: template "feedback_request" (en_US) is paused by Meta for low quality (error 132015): this message was not sent',
			'Item 2: template "feedback_request" (en_US) is paused by Meta for low quality (error 132015): this message was not sent',
		]);
		expect(outputs[0].description).toMatch(/A first pause lasts 3 hours/);
		expect(messageCalls(sim)).toBe(calls);
		const stopped = await send(sim, MARKETING, { inputItems: toEach(STOPPED) });
		expect(stopped.nodeError('Send')?.message).toMatch(/^Item 1: template "feedback_request" \(en_US\) is paused/);
		expect(messageCalls(sim)).toBe(calls);
	});

	it('counts and says the messages Meta holds for quality assessment', async () => {
		sim.paceTemplate(templateId('feedback_request'), 1);
		const result = await send(sim, MARKETING, { inputItems: toEach(STOPPED, OTHER, '16505550203') });
		expect(result.outputs('Send').map((json) => json.messageStatus)).toEqual(['accepted', 'held_for_quality_assessment', 'held_for_quality_assessment']);
		expect(hintsOf(result)).toContain(
			'Meta accepted 2 of 3 messages but holds them for quality assessment (template pacing): each goes out, or is dropped with a failed status (132015) if the template gets paused; a WhatsApp Cloud Trigger receives which.',
		);
	});
});
