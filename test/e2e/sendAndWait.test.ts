/**
 * "Send and Wait for Reply" in a real n8n (N8N_WAIT_VERSIONS, default N8N_VERSION), the pack installed from its
 * tarball: asking workflows start at a production Webhook URL, their Send Message node sends through the simulator and
 * waits; the customer's answer is a signed webhook the simulator sends to the WhatsApp Cloud Trigger's production URL,
 * and the trigger resumes the waiting execution through n8n's signed resume URL. Each asking workflow then reports
 * the node's output as a text message, which the simulator logs.
 * Interactive replies (button_reply, list_reply, with context.id quoting the asking message):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/interactive
 * Text messages: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/text
 */
import { parse as parseFlatted } from 'flatted';

import type { AcceptedMessage } from '../simulator/types';
import { activateTrigger, executionsOf, httpRequest, INSTALL_TIMEOUT_MS, N8N_VERSION, startStack, waitFor, type Stack } from './helpers';

jest.setTimeout(10 * 60 * 1000);

const VERSIONS = (process.env.N8N_WAIT_VERSIONS ?? N8N_VERSION).split(',').map((version) => version.trim()).filter(Boolean);
const SENDER = '300000000000001';
const REPORT_TO = '15550001111';
const ROUTER_ID = 'e2eWaitRouter0001';
const ROUTER_WEBHOOK_ID = '7e0a1c52-94b3-4d61-8f2e-3c5d7a9b1e01';
const PACKAGE = '{{PACKAGE}}.';

interface Asker {
	id: string;
	path: string;
	ask: Record<string, unknown>;
}

const ASKERS: Record<'approval' | 'choice' | 'freeText' | 'timeout', Asker> = {
	approval: { id: 'e2eWaitApproval01', path: 'ask-approval', ask: { responseType: 'approval', messageType: 'text', textBody: 'Is your issue solved?', approvalOptions: { approveLabel: 'Yes, solved', declineLabel: 'Not yet' } } },
	choice: {
		id: 'e2eWaitChoice0001',
		path: 'ask-choice',
		ask: {
			responseType: 'choice',
			messageType: 'list',
			interactiveBody: 'When should we call?',
			listButtonText: 'Pick a time',
			sections: { section: [{ title: 'Today', rows: { row: [{ id: 'am', title: 'Morning' }, { id: 'pm', title: 'Afternoon' }] } }] },
		},
	},
	freeText: { id: 'e2eWaitFreeText01', path: 'ask-free-text', ask: { responseType: 'freeText', messageType: 'text', textBody: 'What went wrong?' } },
	timeout: { id: 'e2eWaitTimeout001', path: 'ask-timeout', ask: { responseType: 'approval', messageType: 'text', textBody: 'Still there?', waitLimit: 5, waitLimitUnit: 'seconds' } },
};

/** Webhook → Send and Wait ("Ask") → a text to REPORT_TO with what Ask output (the simulator logs it). */
function askingWorkflow(asker: Asker, index: number) {
	const id = (n: number) => `e2e00000-0000-4000-8000-0000000009${index}${n}`;
	return {
		id: asker.id,
		name: `E2E: send and wait (${asker.path})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: id(1), name: 'Ask Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: `6d1e2f3a-4b5c-4d6e-8f70-81929${index}a0b1c2`, parameters: { httpMethod: 'POST', path: asker.path, responseMode: 'onReceived', options: {} } },
			{
				id: id(2),
				name: 'Ask',
				type: `${PACKAGE}whatsAppSendMessage`,
				typeVersion: 1,
				position: [240, 0],
				parameters: { operation: 'sendAndWait', phoneNumberId: { __rl: true, mode: 'id', value: SENDER }, recipient: '={{ $json.body.to }}', ...asker.ask },
			},
			{
				id: id(3),
				name: 'Report',
				type: `${PACKAGE}whatsAppSendMessage`,
				typeVersion: 1,
				position: [480, 0],
				parameters: {
					messageType: 'text',
					phoneNumberId: { __rl: true, mode: 'id', value: SENDER },
					recipient: REPORT_TO,
					textBody: '={{ JSON.stringify({ approved: $json.approved, choice: $json.choice, text: $json.text, timedOut: $json.timedOut, messageId: $json.messageId, replyType: $json.reply && $json.reply.messageType }) }}',
				},
			},
		],
		connections: {
			'Ask Webhook': { main: [[{ node: 'Ask', type: 'main', index: 0 }]] },
			Ask: { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
	};
}

/** The trigger that receives the customers' messages (and routes the answers); it starts nothing else. */
const routerWorkflow = {
	id: ROUTER_ID,
	name: 'E2E: WhatsApp trigger that routes answers',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: 'e2e00000-0000-4000-8000-000000000990',
			name: 'On WhatsApp Message',
			type: `${PACKAGE}whatsAppTrigger`,
			typeVersion: 2,
			position: [0, 0],
			webhookId: ROUTER_WEBHOOK_ID,
			parameters: { subscription: 'waba', triggerOn: ['messages'], verifySignature: true, options: {} },
		},
	],
	connections: {},
};

describe.each(VERSIONS)('Send and Wait for Reply in n8n %s', (version) => {
	let stack: Stack;

	/** Starts an asking workflow for `to`; resolves the question as the simulator accepted it. */
	async function ask(asker: Asker, to: string): Promise<AcceptedMessage> {
		const before = stack.sim.log().filter((message) => message.to === to).length;
		const answer = await httpRequest(`${stack.n8n.url}/webhook/${asker.path}`, { method: 'POST', body: { to } });
		expect(answer.status).toBe(200);
		return waitFor(`the question to ${to}`, () => stack.sim.log().filter((message) => message.to === to)[before], 60000);
	}

	/** The newest execution of a workflow once it has this status. */
	async function executionWith(workflowId: string, status: string): Promise<{ id: string; status: string }> {
		return waitFor(`an execution of ${workflowId} with status ${status}`, async () => (await executionsOf(stack.n8n, workflowId)).find((execution) => execution.status === status), 60000, 500);
	}

	/** The next report the asking workflow sends after the wait ends: what the Send and Wait node output. */
	async function nextReport(after: number, timeoutMs = 60000): Promise<Record<string, unknown>> {
		const report = await waitFor('the report of the resumed workflow', () => stack.sim.log().filter((message) => message.to === REPORT_TO)[after], timeoutMs, 250);
		return JSON.parse((report.body as { text: { body: string } }).text.body) as Record<string, unknown>;
	}

	const reportsSoFar = () => stack.sim.log().filter((message) => message.to === REPORT_TO).length;

	function reply(to: AcceptedMessage, message: Record<string, unknown>) {
		return stack.sim.injectInbound({ from: to.waId, name: 'Ana', context: { from: '15550000001', id: to.wamid }, ...message });
	}

	beforeAll(async () => {
		stack = await startStack({ name: `send-and-wait-${version}`, n8nVersion: version, extraEnv: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' } });
		await stack.n8n.importWorkflows([routerWorkflow, ...Object.values(ASKERS).map(askingWorkflow)] as never);
		for (const asker of Object.values(ASKERS)) await stack.n8n.activate(asker.id);
		await waitFor('the asking webhooks', async () => {
			const res = await httpRequest(`${stack.n8n.url}/webhook/${ASKERS.timeout.path}`, { method: 'GET' });
			return res.status !== 404 || /POST/.test(res.text) ? true : undefined;
		}, 60000, 500);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await stack?.stop();
	});

	// n8n 2.x makes a human-review tool of every node with a "sendAndWait" operation and webhooks (hitl-tools.ts).
	(version.startsWith('1.') ? test.skip : test)('n8n 2.x offers the node as the human-review step of an AI Agent tool call', async () => {
		const cookie = await stack.n8n.ensureOwner();
		const res = await httpRequest(`${stack.n8n.url}/types/nodes.json`, { headers: { cookie }, timeoutMs: 60000 });
		const hitl = (res.json as Array<{ name: string; properties: Array<{ name: string; type: string; default: unknown }> }>).find((type) => type.name.endsWith('.whatsAppSendMessageHitlTool'));
		expect(hitl).toBeDefined();
		expect(hitl?.properties.find((property) => property.name === 'operation')).toMatchObject({ type: 'hidden', default: 'sendAndWait' });
		expect(hitl?.properties.find((property) => property.name === 'responseType')).toMatchObject({ type: 'hidden', default: 'approval' });
	});

	test('refuses before sending while no WhatsApp Cloud Trigger receives the number\'s messages, saying how to fix it', async () => {
		const to = '15550002000';
		const answer = await httpRequest(`${stack.n8n.url}/webhook/${ASKERS.approval.path}`, { method: 'POST', body: { to } });
		expect(answer.status).toBe(200);
		const failed = await executionWith(ASKERS.approval.id, 'error');
		const execution = await stack.n8n.rest('GET', `/executions/${failed.id}`);
		const data = parseFlatted(execution.data) as { resultData: { error: { message: string; description?: string } } };
		expect(data.resultData.error.message).toContain(`no active WhatsApp Cloud Trigger has received webhooks for phone number ID ${SENDER}`);
		expect(data.resultData.error.description).toContain('Activate a workflow with a WhatsApp Cloud Trigger for this number');
		expect(stack.sim.log().filter((message) => message.to === to)).toHaveLength(0);
	});

	describe('with the trigger active', () => {
		beforeAll(async () => {
			await activateTrigger(stack, ROUTER_ID, `${stack.n8n.url}/webhook/${ROUTER_WEBHOOK_ID}/webhook`);
		});

		test('Approval: the Approve and Decline buttons go out, a tap resumes the execution with approved: true, and the trigger starts nothing', async () => {
			const to = '15550002001';
			const question = await ask(ASKERS.approval, to);
			expect(question.body).toMatchObject({
				type: 'interactive',
				interactive: { type: 'button', body: { text: 'Is your issue solved?' }, action: { buttons: [{ reply: { id: 'approve', title: 'Yes, solved' } }, { reply: { id: 'decline', title: 'Not yet' } }] } },
			});
			await executionWith(ASKERS.approval.id, 'waiting');
			const routerRuns = (await executionsOf(stack.n8n, ROUTER_ID)).length;
			const reports = reportsSoFar();

			await reply(question, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'approve', title: 'Yes, solved' } } });

			expect(await nextReport(reports)).toEqual({ approved: true, timedOut: false, messageId: question.wamid, replyType: 'interactive' });
			await executionWith(ASKERS.approval.id, 'success');
			expect((await executionsOf(stack.n8n, ROUTER_ID)).length).toBe(routerRuns);
		});

		test('Approval declined: approved: false', async () => {
			const question = await ask(ASKERS.approval, '15550002002');
			await executionWith(ASKERS.approval.id, 'waiting');
			const reports = reportsSoFar();
			await reply(question, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'decline', title: 'Not yet' } } });
			expect(await nextReport(reports)).toMatchObject({ approved: false, timedOut: false });
		});

		test('Choice: the list row the customer picks comes back with its ID and title', async () => {
			const question = await ask(ASKERS.choice, '15550002003');
			expect(question.body).toMatchObject({ type: 'interactive', interactive: { type: 'list' } });
			await executionWith(ASKERS.choice.id, 'waiting');
			const reports = reportsSoFar();
			await reply(question, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'pm', title: 'Afternoon' } } });
			expect(await nextReport(reports)).toEqual({ choice: { id: 'pm', title: 'Afternoon' }, timedOut: false, messageId: question.wamid, replyType: 'interactive' });
		});

		test('Free Text: the next message, unquoted, comes back as the trigger outputs it', async () => {
			const question = await ask(ASKERS.freeText, '15550002004');
			await executionWith(ASKERS.freeText.id, 'waiting');
			const routerRuns = (await executionsOf(stack.n8n, ROUTER_ID)).length;
			const reports = reportsSoFar();
			await stack.sim.injectInbound({ from: question.waId, name: 'Ana', type: 'text', body: 'The app crashes on login' });
			expect(await nextReport(reports)).toEqual({ text: 'The app crashes on login', timedOut: false, messageId: question.wamid, replyType: 'text' });
			expect((await executionsOf(stack.n8n, ROUTER_ID)).length).toBe(routerRuns);
		});

		test('two waits on one contact: each quoted answer resumes its own execution', async () => {
			const to = '15550002005';
			const first = await ask(ASKERS.choice, to);
			const second = await ask(ASKERS.choice, to);
			await waitFor('both executions waiting', async () => {
				const waiting = (await executionsOf(stack.n8n, ASKERS.choice.id)).filter((execution) => execution.status === 'waiting');
				return waiting.length >= 2 ? waiting : undefined;
			}, 60000, 500);
			let reports = reportsSoFar();
			await reply(first, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'am', title: 'Morning' } } });
			expect(await nextReport(reports)).toMatchObject({ choice: { id: 'am' }, messageId: first.wamid });
			reports = reportsSoFar();
			await reply(second, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'pm', title: 'Afternoon' } } });
			expect(await nextReport(reports)).toMatchObject({ choice: { id: 'pm' }, messageId: second.wamid });
		});

		test('the wait limit: the workflow goes on with timedOut: true', async () => {
			const question = await ask(ASKERS.timeout, '15550002006');
			const reports = reportsSoFar();
			// n8n's wait tracker looks for due executions once a minute.
			expect(await nextReport(reports, 3 * 60000)).toMatchObject({ timedOut: true, messageId: question.wamid });
		});
	});
});
