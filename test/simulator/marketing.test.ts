/**
 * The simulator's marketing rules against Meta's pages (marketing.ts names them):
 * - per-user limit, failed status 131049: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/per-user-limits
 * - opt-out, failed status 131050 and the user_preferences webhook: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates
 *   and https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * - pacing (held_for_quality_assessment, pause, held messages dropped with 132015): https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing
 * - the status webhook of a pause (event PAUSED, other_info.title FIRST_PAUSE): https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update
 */
import type { Simulator } from './index';
import { call, send } from './helpers';
import { Receiver, startSurfaceSimulator } from './surfaces.helpers';
import { DEFAULT_WEBHOOK_OPTIONS, type WebhookDispatcher } from './webhooks';

const CUSTOMER = '16505551234';
const marketing = { type: 'template', template: { name: 'feedback_request', language: { code: 'en_US' } } };
const utility = { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };

describe('simulator marketing rules', () => {
	let sim: Simulator;
	let webhooks: WebhookDispatcher;
	let receiver: Receiver;

	/** Every change value the receiver got, with its field. */
	const changes = (): Array<{ field: string; value: any }> => // eslint-disable-line @typescript-eslint/no-explicit-any
		receiver.posts.flatMap((_post, index) => receiver.json(index).entry.flatMap((entry: any) => entry.changes)); // eslint-disable-line @typescript-eslint/no-explicit-any
	const statuses = () => changes().flatMap((change) => change.value.statuses ?? []);

	beforeAll(async () => {
		({ sim, webhooks } = await startSurfaceSimulator());
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(async () => {
		sim.reset();
		receiver = await new Receiver().start();
		sim.configure({ webhooks: { ...DEFAULT_WEBHOOK_OPTIONS, callbackUrl: receiver.url, statuses: ['sent'] } });
	});
	afterEach(async () => {
		await webhooks.idle();
		await receiver.stop();
	});

	test('a marketing template to a limited person is accepted, then fails by webhook with 131049; a utility template still goes', async () => {
		await call(sim, 'POST', '/_sim/marketing/limit', { recipient: `+${CUSTOMER}` });
		const limited = await send(sim, marketing);
		const other = await send(sim, utility);
		expect(limited.status).toBe(200);
		await webhooks.idle();
		expect(statuses()).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ id: limited.body.messages[0].id, status: 'failed', recipient_id: CUSTOMER, errors: [expect.objectContaining({ code: 131049 })] }),
				expect.objectContaining({ id: other.body.messages[0].id, status: 'sent' }),
			]),
		);
	});

	test('with via "response" the limit answers a 400 with 131049, as the error codes page lists it', async () => {
		await call(sim, 'POST', '/_sim/marketing/limit', { recipient: CUSTOMER, via: 'response' });
		const refused = await send(sim, marketing);
		expect(refused.status).toBe(400);
		expect(refused.body.error).toMatchObject({ code: 131049, message: '(#131049) Meta chose not to deliver.' });
	});

	test('a user who stops marketing gets the user_preferences webhook, then 131050 for marketing templates; resume lifts it', async () => {
		await call(sim, 'POST', '/_sim/marketing/preferences', { recipient: CUSTOMER, value: 'stop' });
		await webhooks.idle();
		const preference = changes().find((change) => change.field === 'user_preferences');
		expect(preference?.value.user_preferences).toEqual([
			{ wa_id: CUSTOMER, detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: expect.any(Number) },
		]);
		const stopped = await send(sim, marketing);
		const utilityGoes = await send(sim, utility);
		await webhooks.idle();
		expect(statuses()).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ id: stopped.body.messages[0].id, status: 'failed', errors: [expect.objectContaining({ code: 131050 })] }),
				expect.objectContaining({ id: utilityGoes.body.messages[0].id, status: 'sent' }),
			]),
		);
		await call(sim, 'POST', '/_sim/marketing/preferences', { recipient: CUSTOMER, value: 'resume' });
		const resumed = await send(sim, marketing);
		await webhooks.idle();
		expect(statuses()).toEqual(expect.arrayContaining([expect.objectContaining({ id: resumed.body.messages[0].id, status: 'sent' })]));
	});

	test('pacing holds sends past the threshold; the pause sends PAUSED, drops the held ones with 132015 and refuses later sends', async () => {
		const template = sim.fixture.templates.find((candidate) => candidate.name === 'feedback_request')!;
		await call(sim, 'POST', '/_sim/templates/pacing', { templateId: template.id, holdAfter: 1, pauseAfter: 3 });
		const answers = [];
		for (let i = 0; i < 3; i++) answers.push(await send(sim, { ...marketing, to: `+1650555000${i}` }));
		expect(answers.map((answer) => answer.body.messages[0].message_status)).toEqual(['accepted', 'held_for_quality_assessment', 'held_for_quality_assessment']);
		const after = await send(sim, { ...marketing, to: '+16505550009' });
		expect(after.body.error).toMatchObject({ code: 132015 });
		await webhooks.idle();
		const pause = changes().find((change) => change.field === 'message_template_status_update');
		expect(pause?.value).toMatchObject({ event: 'PAUSED', message_template_name: 'feedback_request', reason: 'NONE', other_info: { title: 'FIRST_PAUSE' } });
		const held = answers.slice(1).map((answer) => answer.body.messages[0].id);
		expect(statuses().filter((status) => held.includes(status.id))).toEqual([
			expect.objectContaining({ status: 'failed', errors: [expect.objectContaining({ code: 132015 })] }),
			expect.objectContaining({ status: 'failed', errors: [expect.objectContaining({ code: 132015 })] }),
		]);
	});
});
