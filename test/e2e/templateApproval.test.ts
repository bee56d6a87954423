/**
 * A template's life in a real n8n 2.40 with the pack's tarball: the WhatsApp Business Account node creates a template
 * (a workflow run headless with `n8n execute --id`), Meta's review approves it (the simulator's stand-in, which sends
 * the message_template_status_update webhook), the WhatsApp Cloud Trigger receives that event at n8n's production
 * webhook URL, and WhatsApp Send Message sends the template it names.
 * Meta's pages: create https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview#positional-parameters,
 * the approval webhook https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update,
 * the template send https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/template-messages
 */
import { activateTrigger, executionsOf, INSTALL_TIMEOUT_MS, loadWorkflow, nodeOutput, sleep, startStack, waitFor, type Stack } from './helpers';

jest.setTimeout(10 * 60 * 1000);

const createWorkflow = loadWorkflow('template-create');
const sendWorkflow = loadWorkflow('template-approved-send');
const RECIPIENT = '16505551234';

let stack: Stack;
let webhookUrl: string;

beforeAll(async () => {
	stack = await startStack({ name: 'template-approval' });
	await stack.n8n.importWorkflows([createWorkflow, sendWorkflow]);
	webhookUrl = `${stack.n8n.url}/webhook/${String(sendWorkflow.nodes[0].webhookId)}/webhook`;
	await activateTrigger(stack, sendWorkflow.id, webhookUrl);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.stop();
});

test('a template created in n8n, approved by Meta, is sent by the workflow its approval event starts', async () => {
	const run = await stack.n8n.execute(createWorkflow.id);
	const [created] = nodeOutput(run, 'Create Template');
	expect(created.json).toEqual(expect.objectContaining({ id: expect.any(String), status: 'PENDING', name: 'order_ready', language: 'en_US' }));
	const templateId = String(created.json.id);
	// Meta's create request, as the simulator received it from n8n.
	const createRequest = stack.sim.requests().find((request) => request.method === 'POST' && /\/message_templates$/.test(request.path));
	expect(createRequest?.status).toBe(200);
	// A template in review is nobody's to send yet: nothing has run the send workflow.
	expect(stack.sim.log()).toEqual([]);

	const review = (await stack.sim.reviewTemplate(templateId, 'APPROVED')) as { webhook: { status?: number; url?: string } };
	expect(review.webhook).toEqual(expect.objectContaining({ url: webhookUrl, status: 200 }));

	const sent = await waitFor('the approved template\'s send', () => {
		const log = stack.sim.log().filter((message) => message.to === RECIPIENT);
		return log.length > 0 ? log : undefined;
	}, 120000, 500);
	expect(sent[0].body).toEqual(
		expect.objectContaining({
			type: 'template',
			template: {
				name: 'order_ready',
				language: { code: 'en_US' },
				components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: `#${templateId}` }] }],
			},
		}),
	);
	// One approval, one send: give a redelivery or a second execution time to show up before counting.
	await sleep(3000);
	expect(stack.sim.log()).toHaveLength(1);
	const executions = await executionsOf(stack.n8n, sendWorkflow.id);
	expect(executions.map((execution) => execution.status)).toEqual(['success']);
});

test('a pause starts the workflow too, and its send fails: a paused template is never sent', async () => {
	const before = stack.sim.log().length;
	const template = stack.sim.fixture.templates.find((candidate) => candidate.name === 'order_ready' && candidate.language === 'en_US');
	await stack.sim.reviewTemplate(String(template?.id), 'PAUSED');
	await waitFor('the refused send\'s execution', async () => {
		const executions = await executionsOf(stack.n8n, sendWorkflow.id);
		return executions.some((execution) => execution.status === 'error') ? true : undefined;
	}, 120000, 500);
	expect(stack.sim.log()).toHaveLength(before);
});
