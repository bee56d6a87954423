/**
 * The demo `npm start` sets up, in a real n8n 2.40 with the pack's `npm pack` tarball installed as n8n installs a
 * community package: the editor lists the nodes, the credential test passes, the simulator credential and the demo
 * workflows go in through n8n's CLI (`import:credentials`, `import:workflow`), the manual workflows run headless with
 * `n8n execute --id`, and the echo bot runs from signed webhooks the simulator delivers to n8n's production webhook
 * URL. smoke.test.ts makes the same checks in the other n8n versions the pack supports.
 */
import { createHmac } from 'crypto';

import {
	activateTrigger,
	executionsOf,
	expectCredentialTestWorks,
	expectEditorListsPack,
	httpRequest,
	INSTALL_TIMEOUT_MS,
	nodeOutput,
	sleep,
	startStack,
	waitFor,
	type Stack,
} from './helpers';

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const { demoWorkflows, DEMO_IDS } = require('../../scripts/demo/workflows') as {
	demoWorkflows: (fixture: unknown) => Array<{ id: string; name: string; nodes: Array<{ webhookId?: string }> }>;
	DEMO_IDS: Record<'echoBot' | 'broadcast' | 'metrics' | 'sendImage' | 'supportBot', string>;
};

jest.setTimeout(10 * 60 * 1000);

let stack: Stack;
let echoBotWebhookUrl: string;

beforeAll(async () => {
	stack = await startStack({ name: 'demo' });
	const workflows = demoWorkflows(stack.sim.fixture);
	await stack.n8n.importWorkflows(workflows as never);
	const webhookId = workflows.find((wf) => wf.id === DEMO_IDS.echoBot)?.nodes.find((node) => node.webhookId)?.webhookId;
	echoBotWebhookUrl = `${stack.n8n.url}/webhook/${webhookId}/webhook`;
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.stop();
});

test('the editor lists the five nodes and the credential', async () => {
	await expectEditorListsPack(stack.n8n);
});

test('the credential test passes with the stored token and fails on a wrong one without repeating it', async () => {
	await expectCredentialTestWorks(stack.n8n);
});

test('n8n lists every demo workflow imported through its CLI', async () => {
	const { stdout } = await stack.n8n.cli(['list:workflow']);
	for (const id of Object.values(DEMO_IDS)) expect(stdout).toContain(`${id}|`);
});

test('the broadcast demo sends the template to each of its 1,000 recipients exactly once', async () => {
	stack.sim.reset();
	const run = await stack.n8n.execute(DEMO_IDS.broadcast);
	const sent = nodeOutput(run, 'Send hello_world Template');
	expect(sent).toHaveLength(1000);

	const log = stack.sim.log();
	expect(log).toHaveLength(1000);
	const recipients = new Set(log.map((message) => message.to));
	expect(recipients.size).toBe(1000);
	expect(log.every((message) => message.type === 'template')).toBe(true);
	// Every output item carries the wamid the simulator gave its message, in input order.
	const wamidByRecipient = new Map(log.map((message) => [message.to, message.wamid]));
	sent.forEach((item, index) => {
		const recipient = String(15550100000 + index);
		expect(item.json.recipient).toBe(recipient);
		expect(item.json.messageId).toBe(wamidByRecipient.get(recipient));
	});
});

test('the metrics demo returns a row per day, costs per category and the limiter status', async () => {
	stack.sim.reset();
	const run = await stack.n8n.execute(DEMO_IDS.metrics);
	const days = nodeOutput(run, 'Messages per Day');
	expect(days.length).toBeGreaterThanOrEqual(7);
	for (const day of days) expect(day.json).toEqual(expect.objectContaining({ sent: expect.any(Number), delivered: expect.any(Number) }));
	expect(nodeOutput(run, 'Costs per Category').length).toBeGreaterThan(0);
	const status = nodeOutput(run, 'Rate Limiter Status');
	expect(status.length).toBeGreaterThan(0);
	expect(status.some((row) => row.json.scope === 'waba' && row.json.id === stack.sim.fixture.wabaId)).toBe(true);
});

test('the image demo uploads the picture once and sends it by its media ID', async () => {
	stack.sim.reset();
	const run = await stack.n8n.execute(DEMO_IDS.sendImage);
	const [uploaded] = nodeOutput(run, 'Upload to WhatsApp');
	expect(uploaded.json.mediaId).toEqual(expect.any(String));
	const [sent] = nodeOutput(run, 'Send Image');
	const log = stack.sim.log();
	expect(log).toHaveLength(1);
	expect(log[0].wamid).toBe(sent.json.messageId);
	expect(log[0].body).toEqual(expect.objectContaining({ type: 'image', image: expect.objectContaining({ id: uploaded.json.mediaId }) }));
});

describe('the active echo bot', () => {
	beforeAll(async () => {
		stack.sim.reset();
		await activateTrigger(stack, DEMO_IDS.echoBot, echoBotWebhookUrl);
	});

	test('subscribed n8n\'s production webhook URL at the simulator when it was activated', () => {
		const subscribe = stack.sim
			.requests()
			.find((request) => request.method === 'POST' && /subscribed_apps/.test(request.path));
		expect(subscribe).toBeDefined();
		// The override callback is n8n's production URL for this trigger (its webhook ID is in the path).
		expect(JSON.stringify(subscribe)).toContain(echoBotWebhookUrl.split('/webhook/')[1].split('/')[0]);
	});

	test('answers a signed inbound message with one reply with buttons, quoting it', async () => {
		const from = '15550009876';
		const injected = (await stack.sim.injectInbound({ from, type: 'text', body: 'Where is my order?', name: 'Ana' })) as {
			message: { id: string };
			delivery: { status?: number; url: string };
		};
		expect(injected.delivery.url).toBe(echoBotWebhookUrl);
		const replies = await waitFor('the bot\'s reply', () => {
			const found = stack.sim.log().filter((message) => message.to === from);
			return found.length > 0 ? found : undefined;
		}, 60000);
		// Give a duplicate (a redelivery or a second execution) time to show up before counting.
		await sleep(3000);
		const all = stack.sim.log().filter((message) => message.to === from);
		expect(all).toHaveLength(1);
		expect(replies[0].body).toEqual(
			expect.objectContaining({
				type: 'interactive',
				context: { message_id: injected.message.id },
				interactive: expect.objectContaining({
					type: 'button',
					body: { text: 'You said: Where is my order?\nHow can we help?' },
				}),
			}),
		);
	});

	test('refuses a webhook with a wrong signature with 401 and runs nothing', async () => {
		const before = (await executionsOf(stack.n8n, DEMO_IDS.echoBot)).length;
		const body = JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [{ id: stack.sim.fixture.wabaId, changes: [{ field: 'messages', value: { messages: [{ from: '15550001111', id: 'wamid.forged', type: 'text', text: { body: 'forged' } }] } }] }],
		});
		const forged = createHmac('sha256', 'not-the-app-secret').update(body).digest('hex');
		const res = await httpRequest(echoBotWebhookUrl, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${forged}` },
		});
		expect(res.status).toBe(401);
		await sleep(2000);
		expect(stack.sim.log().filter((message) => message.to === '15550001111')).toHaveLength(0);
		expect((await executionsOf(stack.n8n, DEMO_IDS.echoBot)).length).toBe(before);
	});

	test('refuses Meta\'s verification handshake when the verify token is wrong', async () => {
		const res = await httpRequest(`${echoBotWebhookUrl}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong-token`);
		expect(res.status).toBe(403);
		expect(res.text).not.toContain('1158201444');
	});
});

/**
 * The support bot on the simulator's second number: a customer writes, the bot asks "Is your issue solved?" with Send
 * and Wait for Reply (Approval), the customer's tap comes back through the bot's own trigger and the workflow goes on
 * down the branch of the answer. Interactive button replies quote the question (context.id):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/interactive
 */
describe('the active support bot', () => {
	let supportNumber: string;

	beforeAll(async () => {
		supportNumber = stack.sim.fixture.phoneNumbers[1].id;
		const webhookId = demoWorkflows(stack.sim.fixture).find((wf) => wf.id === DEMO_IDS.supportBot)?.nodes.find((node) => node.webhookId)?.webhookId;
		const before = stack.sim.requests().length;
		await stack.n8n.activate(DEMO_IDS.supportBot);
		// Its trigger subscribes its number alone (Meta's number-level override: POST /{phone-number-id}).
		await waitFor('the support bot\'s number-level subscription', () => {
			const done = stack.sim.requests().slice(before).find((request) => request.method === 'POST' && request.path.endsWith(`/${supportNumber}`) && request.status !== undefined);
			return done;
		}, 120000, 250);
		expect(webhookId).toBeDefined();
	});

	async function question(from: string) {
		await stack.sim.injectInbound({ phoneNumberId: supportNumber, from, name: 'Ana', type: 'text', body: 'My order never arrived' });
		return waitFor('the question', () => stack.sim.log().find((message) => message.to === from), 60000);
	}

	async function answerAndNextMessage(from: string, asked: { wamid: string }, id: 'approve' | 'decline', title: string) {
		await waitFor('the waiting execution', async () => (await executionsOf(stack.n8n, DEMO_IDS.supportBot)).find((execution) => execution.status === 'waiting'), 60000, 500);
		await stack.sim.injectInbound({
			phoneNumberId: supportNumber,
			from,
			name: 'Ana',
			type: 'interactive',
			context: { from: '15550000002', id: asked.wamid },
			interactive: { type: 'button_reply', button_reply: { id, title } },
		});
		return waitFor('the bot\'s answer to the tap', () => stack.sim.log().filter((message) => message.to === from)[1], 60000);
	}

	test('asks "Is your issue solved?" with two buttons and thanks the customer who taps "Yes, solved"', async () => {
		const from = '15550007001';
		const asked = await question(from);
		expect(asked.phoneNumberId).toBe(supportNumber);
		expect(asked.body).toMatchObject({
			type: 'interactive',
			interactive: { body: { text: 'Thanks for writing, Ana! We looked into it. Is your issue solved?' }, action: { buttons: [{ reply: { id: 'approve', title: 'Yes, solved' } }, { reply: { id: 'decline', title: 'No, still broken' } }] } },
		});
		const answer = await answerAndNextMessage(from, asked, 'approve', 'Yes, solved');
		expect(answer.body).toMatchObject({ type: 'text', text: { body: 'Great, glad it works now! Write any time.' } });
	});

	test('hands over to a person when the customer taps "No, still broken"', async () => {
		const from = '15550007002';
		const asked = await question(from);
		const answer = await answerAndNextMessage(from, asked, 'decline', 'No, still broken');
		expect(answer.body).toMatchObject({ type: 'text', text: { body: 'Sorry about that. A person from our team will write to you shortly.' } });
		// The tap resumed the waiting execution: it started no second one.
		await sleep(2000);
		expect(stack.sim.log().filter((message) => message.to === from)).toHaveLength(2);
	});
});
