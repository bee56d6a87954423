/**
 * Each execute node says so, in a warning above its output, when the credential's Graph API version ends within 90
 * days or has ended: run through n8n-core's WorkflowExecute against the simulator, under a set clock.
 * End dates: https://developers.facebook.com/docs/graph-api/changelog ("Available Graph API Versions").
 */
import type { INodeParameters, NodeExecutionHint } from 'n8n-workflow';

import { runWorkflow } from '../../test/harness';
import { startSimulator, type Simulator } from '../../test/simulator';
import { destroyGraphClients } from './transport';
import { apiVersionClock } from './transport/credentials';
import { forgetApiVersionWarningsForTests, resetGateForTests } from '../../test/support/testHooks';

const STANDARD_NUMBER = '300000000000001';

/** One run of each execute node, with a call to Meta where the operation makes one. */
const NODES: Array<[string, string, INodeParameters]> = [
	[
		'WhatsApp Send Message',
		'whatsAppSendMessage',
		{ phoneNumberId: { __rl: true, mode: 'id', value: STANDARD_NUMBER }, recipient: '+1 650 555 1234', messageType: 'text', textBody: 'hello' },
	],
	['WhatsApp Media', 'whatsAppMedia', { operation: 'delete', mediaId: '999000111' }],
	['WhatsApp Metrics', 'whatsAppMetrics', { resource: 'limiter', operation: 'limiterStatus' }],
];

let sim: Simulator;
const realClock = apiVersionClock.now;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});

afterAll(async () => {
	destroyGraphClients();
	await resetGateForTests();
	await sim.stop();
});

afterEach(() => {
	apiVersionClock.now = realClock;
	forgetApiVersionWarningsForTests();
});

async function hintsOf(type: string, parameters: INodeParameters, apiVersion: string, today: string): Promise<NodeExecutionHint[]> {
	apiVersionClock.now = () => Date.parse(`${today}T12:00:00Z`);
	const result = await runWorkflow({
		nodes: [{ name: 'Node', type, parameters, continueOnFail: true }],
		credentials: { whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion, baseUrl: sim.url, wabaId: sim.fixture.wabaId, throughputTier: 'standard' } },
	});
	expect(result.status).toBe('success');
	return result.run.data.resultData.runData.Node?.[0]?.hints ?? [];
}

describe.each(NODES)('%s', (_name, type, parameters) => {
	test('warns above its output when the version ends within 90 days', async () => {
		const hints = await hintsOf(type, parameters, 'v21.0', '2027-01-01');
		expect(hints).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringContaining('Meta ends Graph API v21.0 on 2027-01-21 (in 20 days)') })]);
	});

	test('warns that Meta now serves the oldest live version once the version has ended', async () => {
		const hints = await hintsOf(type, parameters, 'v21.0', '2027-03-01');
		expect(hints).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringContaining('now answers calls to it with the oldest version it still serves (v22.0)') })]);
	});

	test('shows nothing for Newest', async () => {
		expect(await hintsOf(type, parameters, 'newest', '2027-03-01')).toEqual([]);
	});
});
