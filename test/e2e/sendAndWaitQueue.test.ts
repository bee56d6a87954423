/**
 * "Send and Wait for Reply" in n8n's queue mode (a main process and a worker sharing Redis and the database): the
 * asking execution runs on the worker, which registers the wait in the ledger through queue mode's Redis; the
 * customer's answer reaches the trigger on the main process, which finds the wait in Redis and posts it to n8n's
 * resume URL; the resumed execution runs on the worker again. Then the same across a restart of every n8n process,
 * with the wait registered before: Redis holds it, so the answer still resumes the execution. And a restart of the
 * main process alone, the worker running on, with several executions waiting: each resumes with its own answer.
 * Interactive button replies (context.id quotes the asking message):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/interactive
 */
import type { AcceptedMessage } from '../simulator/types';
import { startRedis, type TestRedis } from '../support/redis';
import {
	activateTrigger,
	executionsOf,
	httpRequest,
	INSTALL_TIMEOUT_MS,
	queueModeEnv,
	START_TIMEOUT_MS,
	startQueueProcess,
	startStack,
	waitFor,
	type N8nProcess,
	type Stack,
} from './helpers';

jest.setTimeout(10 * 60 * 1000);

const SENDER = '300000000000001';
const REPORT_TO = '15550001111';
const ASK_ID = 'e2eWaitQueueAsk01';
const ROUTER_ID = 'e2eWaitQueueRoute1';
const ROUTER_WEBHOOK_ID = '7e0a1c52-94b3-4d61-8f2e-3c5d7a9b1e09';

const askWorkflow = {
	id: ASK_ID,
	name: 'E2E: send and wait (queue mode)',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'e2e00000-0000-4000-8000-000000000a01', name: 'Ask Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: '6d1e2f3a-4b5c-4d6e-8f70-81929aa0b1c9', parameters: { httpMethod: 'POST', path: 'ask-queue', responseMode: 'onReceived', options: {} } },
		{
			id: 'e2e00000-0000-4000-8000-000000000a02',
			name: 'Ask',
			type: '{{PACKAGE}}.whatsAppSendMessage',
			typeVersion: 1,
			position: [240, 0],
			parameters: { operation: 'sendAndWait', responseType: 'approval', messageType: 'text', textBody: 'Is your issue solved?', phoneNumberId: { __rl: true, mode: 'id', value: SENDER }, recipient: '={{ $json.body.to }}' },
		},
		{
			id: 'e2e00000-0000-4000-8000-000000000a03',
			name: 'Report',
			type: '{{PACKAGE}}.whatsAppSendMessage',
			typeVersion: 1,
			position: [480, 0],
			parameters: { messageType: 'text', phoneNumberId: { __rl: true, mode: 'id', value: SENDER }, recipient: REPORT_TO, textBody: '={{ JSON.stringify({ approved: $json.approved, messageId: $json.messageId }) }}' },
		},
	],
	connections: { 'Ask Webhook': { main: [[{ node: 'Ask', type: 'main', index: 0 }]] }, Ask: { main: [[{ node: 'Report', type: 'main', index: 0 }]] } },
};

const routerWorkflow = {
	id: ROUTER_ID,
	name: 'E2E: trigger that routes answers (queue mode)',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'e2e00000-0000-4000-8000-000000000a09', name: 'On WhatsApp Message', type: '{{PACKAGE}}.whatsAppTrigger', typeVersion: 2, position: [0, 0], webhookId: ROUTER_WEBHOOK_ID, parameters: { subscription: 'waba', triggerOn: ['messages'], verifySignature: true, options: {} } },
	],
	connections: {},
};

let redis: TestRedis;
let stack: Stack;
let worker: N8nProcess | undefined;

async function startWorker(): Promise<N8nProcess> {
	// As in any queue-mode deployment, every process has n8n's public URL: the worker builds the resume URL from it.
	return startQueueProcess(stack, { name: 'worker', extraEnv: { WEBHOOK_URL: `${stack.n8n.url}/`, N8N_WEBHOOK_URL: `${stack.n8n.url}/` } });
}

async function ask(to: string): Promise<AcceptedMessage> {
	const answer = await httpRequest(`${stack.n8n.url}/webhook/ask-queue`, { method: 'POST', body: { to } });
	expect(answer.status).toBe(200);
	return waitFor(`the question to ${to}`, () => stack.sim.log().find((message) => message.to === to), 60000);
}

async function waiting(): Promise<{ id: string }> {
	return waitFor('the waiting execution', async () => (await executionsOf(stack.n8n, ASK_ID)).find((execution) => execution.status === 'waiting'), 60000, 500);
}

async function approveAndReport(question: AcceptedMessage): Promise<Record<string, unknown>> {
	const reports = stack.sim.log().filter((message) => message.to === REPORT_TO).length;
	await stack.sim.injectInbound({ from: question.waId, name: 'Ana', type: 'interactive', context: { from: '15550000001', id: question.wamid }, interactive: { type: 'button_reply', button_reply: { id: 'approve', title: '✓ Approve' } } });
	const report = await waitFor('the report of the resumed execution', () => stack.sim.log().filter((message) => message.to === REPORT_TO)[reports], 90000, 250);
	return JSON.parse((report.body as { text: { body: string } }).text.body) as Record<string, unknown>;
}

beforeAll(async () => {
	redis = await startRedis();
	stack = await startStack({ name: 'send-and-wait-queue', extraEnv: { ...queueModeEnv(redis.port), EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' } });
	await stack.n8n.importWorkflows([askWorkflow, routerWorkflow] as never);
	worker = await startWorker();
	await stack.n8n.activate(ASK_ID);
	await waitFor('the asking webhook', async () => {
		const res = await httpRequest(`${stack.n8n.url}/webhook/ask-queue`, { method: 'GET' });
		return res.status !== 404 || /POST/.test(res.text) ? true : undefined;
	}, 60000, 500);
	await activateTrigger(stack, ROUTER_ID, `${stack.n8n.url}/webhook/${ROUTER_WEBHOOK_ID}/webhook`);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await worker?.stop();
	await stack?.stop();
	await redis?.stop();
});

test('the worker asks, the main process receives the tap, and the worker runs the resumed execution', async () => {
	const question = await ask('15550003001');
	await waiting();
	expect(await approveAndReport(question)).toEqual({ approved: true, messageId: question.wamid });
	// Queue mode: the worker ran both the asking and the resumed part.
	expect(worker!.child.output().match(/Worker started execution \d+/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
	expect(worker!.child.output()).toMatch(/Worker finished execution/);
});

test('a wait registered before every n8n process restarts still resumes from Redis', async () => {
	const question = await ask('15550003002');
	await waiting();
	await worker!.stop();
	await stack.n8n.stop();
	await stack.n8n.start({ timeoutMs: START_TIMEOUT_MS });
	worker = await startWorker();
	// The active trigger's webhook is served again after start-up.
	await waitFor('the production webhook after the restart', async () => {
		const res = await httpRequest(`${stack.n8n.url}/webhook/${ROUTER_WEBHOOK_ID}/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`);
		return res.status === 404 ? undefined : true;
	}, 120000, 500);
	expect(await approveAndReport(question)).toEqual({ approved: true, messageId: question.wamid });
});

test('executions waiting while the main process alone restarts each resume with their own answer afterwards', async () => {
	const recipients = ['15550003101', '15550003102', '15550003103'];
	const questions: AcceptedMessage[] = [];
	for (const to of recipients) questions.push(await ask(to));
	await waitFor('three waiting executions', async () => {
		const waitingNow = (await executionsOf(stack.n8n, ASK_ID)).filter((execution) => execution.status === 'waiting');
		return waitingNow.length >= recipients.length ? true : undefined;
	}, 60000, 500);
	const workerPid = worker!.child.pid;
	await stack.n8n.stop();
	await stack.n8n.start({ timeoutMs: START_TIMEOUT_MS });
	await waitFor('the production webhook after the restart', async () => {
		const res = await httpRequest(`${stack.n8n.url}/webhook/${ROUTER_WEBHOOK_ID}/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`);
		return res.status === 404 ? undefined : true;
	}, 120000, 500);
	// The same worker process ran on through the restart.
	expect(worker!.child.pid).toBe(workerPid);
	expect(worker!.child.exitCode).toBeNull();
	// Answered last-asked first: each answer quotes its own question (context.id), so each resumes its own execution.
	const reports = stack.sim.log().filter((message) => message.to === REPORT_TO).length;
	for (const question of [...questions].reverse()) {
		await stack.sim.injectInbound({ from: question.waId, name: 'Ana', type: 'interactive', context: { from: '15550000001', id: question.wamid }, interactive: { type: 'button_reply', button_reply: { id: 'approve', title: '✓ Approve' } } });
	}
	const resumed = await waitFor('three reports of resumed executions', () => {
		const all = stack.sim.log().filter((message) => message.to === REPORT_TO).slice(reports);
		return all.length >= recipients.length ? all : undefined;
	}, 120000, 250);
	const ids = resumed.map((report) => (JSON.parse((report.body as { text: { body: string } }).text.body) as { approved: boolean; messageId: string }));
	expect(ids.every((entry) => entry.approved)).toBe(true);
	expect(ids.map((entry) => entry.messageId).sort()).toEqual(questions.map((question) => question.wamid).sort());
	// Each resumed once: no fourth report comes, and none of the three still waits.
	await waitFor('no execution of the three left waiting', async () => {
		const waitingNow = (await executionsOf(stack.n8n, ASK_ID)).filter((execution) => execution.status === 'waiting');
		return waitingNow.length === 0 ? true : undefined;
	}, 60000, 500);
	expect(stack.sim.log().filter((message) => message.to === REPORT_TO).length - reports).toBe(recipients.length);
});
