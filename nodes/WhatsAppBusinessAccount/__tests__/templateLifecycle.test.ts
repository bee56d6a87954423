/**
 * A template's life across nodes, in one workflow engine against the simulator: the WhatsApp Business Account node
 * creates it, Meta's review approves it (the simulator's stand-in for the review, with the
 * message_template_status_update webhook: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update),
 * and WhatsApp Send Message sends it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWorkflow } from '../../../test/harness';
import { startSimulator } from '../../../test/simulator';
import type { Simulator } from '../../../test/simulator';
import { destroyGraphClients } from '../../shared/transport';
import { clearManagementCache } from '../../../test/support/testHooks';

const PHONE = '300000000000001';
let sim: Simulator;
let receiver: http.Server;
const received: string[] = [];

const credentials = () => ({ whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId } });

beforeAll(async () => {
	receiver = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			if (req.method === 'POST') received.push(Buffer.concat(chunks).toString('utf8'));
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	sim = await startSimulator({ latency: 'none', webhooks: { callbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` } });
});

afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
	await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(() => {
	sim.reset();
	clearManagementCache();
	received.length = 0;
});

it('creates a template, Meta approves it with a status webhook, and Send Message sends it', async () => {
	const created = await runWorkflow({
		nodes: [
			{
				name: 'Create',
				type: 'whatsAppBusinessAccount',
				parameters: {
					resource: 'template',
					operation: 'create',
					templateName: 'order_ready',
					templateLanguage: 'en_US',
					category: 'UTILITY',
					bodyText: 'Hi {{1}}, your order {{2}} is ready for pickup.',
					bodyExamples: { example: [{ variable: '1', value: 'Ana' }, { variable: '2', value: '#4512' }] },
				},
			},
		],
		credentials: credentials(),
	});
	const template = created.outputs('Create')[0] as IDataObject;
	expect(template).toEqual(expect.objectContaining({ status: 'PENDING', name: 'order_ready' }));

	await sim.reviewTemplate(String(template.id), 'APPROVED');
	await sim.webhooks.idle();
	const statusUpdate = received.map((body) => JSON.parse(body)).find((body) => body.entry[0].changes[0].field === 'message_template_status_update');
	expect(statusUpdate.entry[0].changes[0].value).toEqual(expect.objectContaining({ event: 'APPROVED', message_template_id: Number(template.id), message_template_name: 'order_ready' }));

	const sent = await runWorkflow({
		nodes: [
			{
				name: 'Send',
				type: 'whatsAppSendMessage',
				parameters: {
					phoneNumberId: { __rl: true, mode: 'id', value: PHONE },
					recipient: '+1 (650) 555-1234',
					messageType: 'template',
					templateInputMode: 'manual',
					template: { __rl: true, mode: 'name', value: 'order_ready' },
					language: 'en_US',
					templateBodyParameters: { parameter: [{ variable: '1', type: 'text', text: 'Ana' }, { variable: '2', type: 'text', text: '#4512' }] },
				},
			},
		],
		credentials: credentials(),
	});
	expect(sent.error).toBeUndefined();
	expect(sim.log().map((message) => (message.body as { template?: { name?: string } }).template?.name)).toEqual(['order_ready']);
});

it('a template still in review is not sent: Send Message reads its status and says so', async () => {
	await runWorkflow({
		nodes: [{ name: 'Create', type: 'whatsAppBusinessAccount', parameters: { resource: 'template', operation: 'create', templateName: 'in_review', templateLanguage: 'en_US', category: 'UTILITY', bodyText: 'Your parcel is on its way.' } }],
		credentials: credentials(),
	});
	const sent = await runWorkflow({
		nodes: [
			{
				name: 'Send',
				type: 'whatsAppSendMessage',
				parameters: { phoneNumberId: { __rl: true, mode: 'id', value: PHONE }, recipient: '+16505551234', messageType: 'template', templateInputMode: 'manual', template: { __rl: true, mode: 'name', value: 'in_review' }, language: 'en_US' },
				continueOnFail: true,
			},
		],
		credentials: credentials(),
	});
	expect(String(sent.outputs('Send')[0].error)).toContain('"in_review" (en_US) is pending, not approved');
	expect(sim.log()).toEqual([]);
});

it('an edited template is sent with its new variables at once: the edit drops Send Message\'s kept definition', async () => {
	const sendDelivery = (parameter: IDataObject[]) =>
		runWorkflow({
			nodes: [
				{
					name: 'Send',
					type: 'whatsAppSendMessage',
					parameters: {
						phoneNumberId: { __rl: true, mode: 'id', value: PHONE },
						recipient: '+16505551234',
						messageType: 'template',
						templateInputMode: 'manual',
						template: { __rl: true, mode: 'name', value: 'delivery_update' },
						language: 'en_US',
						templateBodyParameters: { parameter } as INodeParameters,
					},
					continueOnFail: true,
				},
			],
			credentials: credentials(),
		});
	// Send Message reads the definition (two variables) and keeps it a few minutes.
	expect((await sendDelivery([{ variable: '1', type: 'text', text: '#1' }, { variable: '2', type: 'text', text: '3 PM' }])).outputs('Send')[0].error).toBeUndefined();
	const id = sim.fixture.templates.find((candidate) => candidate.name === 'delivery_update' && candidate.language === 'en_US')!.id;
	await runWorkflow({
		nodes: [
			{
				name: 'Edit',
				type: 'whatsAppBusinessAccount',
				parameters: {
					resource: 'template',
					operation: 'edit',
					templateId: id,
					bodyText: 'Order {{1}} was delivered at {{2}} by {{3}} today.',
					bodyExamples: { example: [{ variable: '1', value: '#1' }, { variable: '2', value: '3 PM' }, { variable: '3', value: 'Sam' }] },
				},
			},
		],
		credentials: credentials(),
	});
	const third = await sendDelivery([
		{ variable: '1', type: 'text', text: '#2' },
		{ variable: '2', type: 'text', text: '4 PM' },
		{ variable: '3', type: 'text', text: 'Sam' },
	]);
	expect(third.outputs('Send')[0].error).toBeUndefined();
	expect(sim.log()).toHaveLength(2);
});
