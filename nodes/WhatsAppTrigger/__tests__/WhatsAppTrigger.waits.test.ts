/**
 * The trigger routes answers to "Send and Wait for Reply": signed deliveries over real HTTP to the trigger, the
 * pending wait in the ledger, and a stand-in for n8n's resume URL that records what the trigger posts to it.
 * Interactive button replies (context.id quotes the asking message):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/interactive
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { getConversationLedger, type PendingWait } from '../../shared/conversations';
import { MemoryLedger } from '../../shared/conversations/memory';
import type { ResumeBody } from '../../shared/waits/answers';
import { signWebhookBody } from '../../shared/webhook';
import { body, inboundTextChange, messagesChange, metaJson, nowSeconds, PHONE_NUMBER_ID, wamid } from '../../shared/webhook/__tests__/fixtures';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { startTriggerServer, type TriggerServer } from '../../../test/support/trigger/fakeContexts';
import { post } from '../../../test/support/trigger/host';
import { clearConversationLedgers, clearRedeliveryStores } from '../../../test/support/testHooks';

const APP_SECRET = 'simAppSecret0123456789abcdef';
const CONTACT = '351911111111';
const credentials: WhatsAppCredentials = {
	accessToken: 'EAAGsim0accessTOKEN0123456789',
	apiVersion: 'v26.0',
	baseUrl: 'http://127.0.0.1:9',
	appId: '900000000000001',
	appSecret: APP_SECRET,
	wabaId: '200000000000001',
};

/** n8n's waiting-webhook endpoint, stood in for: records each posted answer and answers with `status`. */
interface ResumeEndpoint {
	url: (execution: string) => string;
	posts: Array<{ path: string; body: ResumeBody }>;
	status: number;
	close: () => Promise<void>;
}

async function startResumeEndpoint(): Promise<ResumeEndpoint> {
	const endpoint = { posts: [], status: 200 } as unknown as ResumeEndpoint;
	const server: Server = createServer((request, response) => {
		let raw = '';
		request.on('data', (chunk) => (raw += chunk));
		request.on('end', () => {
			endpoint.posts.push({ path: request.url ?? '', body: JSON.parse(raw) as ResumeBody });
			response.writeHead(endpoint.status, { 'content-type': 'application/json' }).end('{"message":"Workflow was started"}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	endpoint.url = (execution) => `http://127.0.0.1:${port}/webhook-waiting/${execution}/node-0?signature=${'a'.repeat(64)}`;
	endpoint.close = () => new Promise((resolve) => server.close(() => resolve()));
	return endpoint;
}

function buttonReplyChange(quotedId: string, id: string, title: string, messageId = wamid()) {
	return messagesChange({
		contacts: [{ profile: { name: 'Ana' }, wa_id: CONTACT }],
		messages: [
			{
				context: { from: '15550000001', id: quotedId },
				from: CONTACT,
				id: messageId,
				timestamp: String(nowSeconds()),
				type: 'interactive',
				interactive: { type: 'button_reply', button_reply: { id, title } },
			},
		],
	});
}

function signedPost(trigger: TriggerServer, value: unknown) {
	const raw = Buffer.from(metaJson(value));
	return post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, APP_SECRET) });
}

const ledger = () => getConversationLedger({});
let trigger: TriggerServer;
let endpoint: ResumeEndpoint;

function waitFor(execution: string, responseType: PendingWait['responseType'], messageId = wamid()): PendingWait {
	const now = Date.now() - 5_000;
	return { id: `${execution}:node-0`, phoneNumberId: PHONE_NUMBER_ID, contact: CONTACT, messageId, resumeUrl: endpoint.url(execution), responseType, createdAt: now, expiresAt: now + 3_600_000 };
}

beforeEach(async () => {
	clearRedeliveryStores();
	clearConversationLedgers();
	trigger = await startTriggerServer(credentials, { triggerOn: ['messages'] });
	endpoint = await startResumeEndpoint();
});

afterEach(async () => {
	await trigger.close();
	await endpoint.close();
});

describe('answers to Send and Wait', () => {
	it('posts a tapped Approve button to the waiting execution, and does not also start the workflow', async () => {
		const asked = waitFor('41', 'approval');
		await ledger().addWait(asked);
		const reply = buttonReplyChange(asked.messageId, 'approve', 'Yes');

		const response = await signedPost(trigger, body([reply]));

		expect(response.status).toBe(200);
		expect(endpoint.posts).toEqual([
			{
				path: `/webhook-waiting/41/node-0?signature=${'a'.repeat(64)}`,
				body: expect.objectContaining({ waitId: '41:node-0', messageId: asked.messageId, responseType: 'approval', contact: CONTACT }),
			},
		]);
		expect(endpoint.posts[0].body.reply).toMatchObject({ event: 'message', buttonReplyId: 'approve', replyToMessageId: asked.messageId });
		expect(trigger.executions).toHaveLength(0);
		expect(await ledger().takeWaitFor(PHONE_NUMBER_ID, CONTACT, undefined, Date.now())).toBeUndefined();
	});

	it('takes waits only for the senders one is pending for: one of ten messages answers, nine start the workflow', async () => {
		const asked = waitFor('41', 'approval');
		await ledger().addWait(asked);
		const others = Array.from({ length: 9 }, (_unused, index) => inboundTextChange(`35191200000${index}`, 'Bea', 'hello'));
		const takes = jest.spyOn(MemoryLedger.prototype, 'takeWaitFor');
		try {
			await signedPost(trigger, body([...others.slice(0, 4), buttonReplyChange(asked.messageId, 'approve', 'Yes'), ...others.slice(4)]));
			// The body's senders are checked at once: a take costs a Redis script call, and nobody waits for the nine.
			expect(takes.mock.calls.map(([, contact]) => contact)).toEqual([CONTACT]);
		} finally {
			takes.mockRestore();
		}
		expect(endpoint.posts.map((posted) => posted.body.waitId)).toEqual(['41:node-0']);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0]).toHaveLength(9);
	});

	it('sends an answer quoting one of two waits on the same contact to that wait', async () => {
		const first = waitFor('41', 'choice');
		const second = waitFor('42', 'choice');
		await ledger().addWait(first);
		await ledger().addWait(second);

		await signedPost(trigger, body([buttonReplyChange(first.messageId, 's', 'Small')]));

		expect(endpoint.posts.map((posted) => posted.body.waitId)).toEqual(['41:node-0']);
		expect(await ledger().takeWaitFor(PHONE_NUMBER_ID, CONTACT, undefined, Date.now())).toMatchObject({ id: '42:node-0' });
	});

	it('gives an unquoted text to the contact\'s latest Free Text wait', async () => {
		await ledger().addWait(waitFor('41', 'freeText'));
		await signedPost(trigger, body([inboundTextChange(CONTACT, 'Ana', 'It works now')]));
		expect(endpoint.posts.map((posted) => [posted.body.waitId, posted.body.reply.text])).toEqual([['41:node-0', 'It works now']]);
		expect(trigger.executions).toHaveLength(0);
	});

	it('leaves an Approval open on a typed text, which starts the workflow as usual', async () => {
		await ledger().addWait(waitFor('41', 'approval'));
		await signedPost(trigger, body([inboundTextChange(CONTACT, 'Ana', 'yes please')]));
		expect(endpoint.posts).toEqual([]);
		expect(trigger.executions).toHaveLength(1);
		expect(await ledger().takeWaitFor(PHONE_NUMBER_ID, CONTACT, undefined, Date.now())).toMatchObject({ id: '41:node-0' });
	});

	it('does not take a tap on an older question as the answer to the newest one', async () => {
		await ledger().addWait(waitFor('42', 'approval'));
		await signedPost(trigger, body([buttonReplyChange('wamid.an-older-question', 'approve', 'Yes')]));
		expect(endpoint.posts).toEqual([]);
		expect(trigger.executions).toHaveLength(1);
		expect(await ledger().takeWaitFor(PHONE_NUMBER_ID, CONTACT, undefined, Date.now())).toMatchObject({ id: '42:node-0' });
	});

	it('also starts the workflow with the answer when "Also Output Answers to Waits" is on', async () => {
		trigger.parameters.options = { outputAnswers: true };
		const asked = waitFor('41', 'approval');
		await ledger().addWait(asked);
		await signedPost(trigger, body([buttonReplyChange(asked.messageId, 'decline', 'No')]));
		expect(endpoint.posts).toHaveLength(1);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0][0].json).toMatchObject({ buttonReplyId: 'decline' });
	});

	it('logs a resume n8n refuses and starts the workflow with the message, so it is not lost', async () => {
		endpoint.status = 404;
		const asked = waitFor('41', 'approval');
		await ledger().addWait(asked);
		await signedPost(trigger, body([buttonReplyChange(asked.messageId, 'approve', 'Yes')]));
		expect(endpoint.posts).toHaveLength(1);
		expect(trigger.executions).toHaveLength(1);
		const warning = trigger.logs.find((line) => line.includes('could not resume execution 41'));
		expect(warning).toContain("goes to this trigger's output instead");
		expect(warning).not.toContain('signature');
	});

	it('lets no unsigned body answer a wait when Verify Signature is off', async () => {
		trigger.parameters.verifySignature = false;
		const asked = waitFor('41', 'approval');
		await ledger().addWait(asked);
		const raw = Buffer.from(metaJson(body([buttonReplyChange(asked.messageId, 'approve', 'Yes')])));
		await post(trigger.webhookUrl, raw, {});
		expect(endpoint.posts).toEqual([]);
		expect(trigger.executions).toHaveLength(1);
	});

	it('posts to no host but its own n8n\'s, whatever URL the ledger holds', async () => {
		const asked = { ...waitFor('41', 'approval'), resumeUrl: endpoint.url('41').replace('127.0.0.1', 'localhost') };
		await ledger().addWait(asked);
		await signedPost(trigger, body([buttonReplyChange(asked.messageId, 'approve', 'Yes')]));
		expect(endpoint.posts).toEqual([]);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.logs.find((line) => line.includes('could not resume execution 41'))).toContain("not on this n8n's host");
	});

	it('records that it receives the number\'s messages (the heartbeat Send and Wait checks)', async () => {
		expect(await ledger().triggerSeenAt(PHONE_NUMBER_ID)).toBeUndefined();
		await signedPost(trigger, body([inboundTextChange(CONTACT, 'Ana', 'hello')]));
		expect(await ledger().triggerSeenAt(PHONE_NUMBER_ID)).toBeGreaterThan(0);
	});
});
