import type { ICredentialTestFunctions, INodeCredentialTestResult, INodeType } from 'n8n-workflow';

import { startSimulator, type Simulator } from '../../test/simulator';
import { WhatsAppMedia } from '../WhatsAppMedia/WhatsAppMedia.node';
import { WhatsAppMetrics } from '../WhatsAppMetrics/WhatsAppMetrics.node';
import { WhatsAppSendMessage } from '../WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppTrigger } from '../WhatsAppTrigger/WhatsAppTrigger.node';
import { destroyGraphClients } from './transport';

type CredentialTest = (this: ICredentialTestFunctions, credential: unknown) => Promise<INodeCredentialTestResult>;

const NODES: Array<[string, INodeType]> = [
	['WhatsApp Send Message', new WhatsAppSendMessage()],
	['WhatsApp Media', new WhatsAppMedia()],
	['WhatsApp Metrics', new WhatsAppMetrics()],
	['WhatsApp Cloud Trigger', new WhatsAppTrigger()],
];

describe.each(NODES)('%s: the credential dialog’s test', (_name, node) => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterAll(async () => {
		destroyGraphClients();
		await sim.stop();
	});

	const credentialTest = (): CredentialTest => {
		const methods = (node as { methods?: { credentialTest?: Record<string, CredentialTest> } }).methods;
		const test = methods?.credentialTest?.whatsAppCloudApiTest;
		expect(typeof test).toBe('function');
		return test!;
	};
	const run = async (data: Record<string, unknown>) =>
		credentialTest().call({} as ICredentialTestFunctions, { id: '1', name: 'WhatsApp', type: 'whatsAppCloudApi', data });

	test('the credential names the test n8n runs', () => {
		expect(node.description.credentials).toEqual([{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }]);
		credentialTest();
	});

	test('a valid token and account answer OK in plain words', async () => {
		const result = await run({ accessToken: sim.fixture.accessToken, baseUrl: sim.url, wabaId: sim.fixture.wabaId });
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Connected: the token can use WhatsApp Business Account/);
		expect(result.message).toContain(sim.fixture.wabaId);
	});

	test('a valid token without a WhatsApp Business Account ID does not pass, and the message says what each node needs', async () => {
		const result = await run({ accessToken: sim.fixture.accessToken, baseUrl: sim.url });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('the WhatsApp Business Account ID is empty');
		for (const [name] of NODES) expect(result.message).toContain(`${name}: Access Token`);
	});

	test('a wrong token is called invalid, and the token is not echoed', async () => {
		const wrong = `${sim.fixture.accessToken}WRONG`;
		const result = await run({ accessToken: wrong, baseUrl: sim.url, wabaId: sim.fixture.wabaId });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/access token is invalid/i);
		expect(result.message).not.toContain(wrong);
		expect(result.message).not.toContain(sim.fixture.accessToken);
	});
});
