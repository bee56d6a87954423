/**
 * The pack in the other n8n versions it supports (SMOKE_VERSIONS in scripts/ensure-n8n.js): n8n 1.123.x on Node 22,
 * the maintained 1.x line, and the newest 2.x on Node 24. The rest of test/e2e runs in N8N_VERSION (2.40.7), where
 * demo.test.ts makes these same checks. In each version the `npm pack` tarball is installed as n8n's
 * community-package installer installs it; then n8n must list the nodes and the credential in its editor, import the
 * demo through its CLI, pass the credential test the editor runs, send a broadcast through the gate, and run the echo
 * bot from a signed webhook at its production URL. N8N_SMOKE_VERSIONS="1.123.81,2.41.1" picks the versions.
 */
import * as fs from 'fs';
import * as path from 'path';

import packageJson from '../../package.json';
import {
	activateTrigger,
	expectCredentialTestWorks,
	expectEditorListsPack,
	INSTALL_TIMEOUT_MS,
	nodeOutput,
	PACKAGE_NAME,
	SMOKE_VERSIONS,
	sleep,
	startStack,
	waitFor,
	type Stack,
} from './helpers';

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const { demoWorkflows, DEMO_IDS } = require('../../scripts/demo/workflows') as {
	demoWorkflows: (fixture: unknown) => Array<{ id: string; name: string; nodes: Array<{ webhookId?: string }> }>;
	DEMO_IDS: Record<'echoBot' | 'broadcast' | 'metrics' | 'sendImage', string>;
};

jest.setTimeout(10 * 60 * 1000);

const BROADCAST_SIZE = 1000;

describe.each(SMOKE_VERSIONS)('n8n %s', (version) => {
	let stack: Stack;
	let echoBotWebhookUrl: string;

	beforeAll(async () => {
		stack = await startStack({ name: `smoke-${version}`, n8nVersion: version });
		const workflows = demoWorkflows(stack.sim.fixture);
		await stack.n8n.importWorkflows(workflows as never);
		const webhookId = workflows.find((wf) => wf.id === DEMO_IDS.echoBot)?.nodes.find((node) => node.webhookId)?.webhookId;
		echoBotWebhookUrl = `${stack.n8n.url}/webhook/${webhookId}/webhook`;
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await stack?.stop();
	});

	test('runs on the Node its line needs, with the pack unpacked from its tarball and its dependencies installed', () => {
		expect(stack.n8n.install.version).toBe(version);
		// n8n 2.x requires Node 24; 1.x runs on Node 20 or 22 (its Docker image ships 22).
		expect(stack.n8n.install.nodeVersion).toMatch(version.startsWith('1.') ? /^v2[02]\./ : /^v2[4-9]\./);
		const nodesDir = path.join(stack.n8n.userFolder, '.n8n', 'nodes');
		const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
		expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
		expect(fs.readdirSync(path.join(installed, 'node_modules')).filter((name) => !name.startsWith('.')).sort()).toEqual(['axios', 'bottleneck', 'ioredis']);
		expect(JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8')).dependencies).toEqual({ [PACKAGE_NAME]: packageJson.version });
	});

	test('the editor lists the five nodes and the credential', async () => {
		await expectEditorListsPack(stack.n8n);
	});

	test('n8n\'s CLI imported every demo workflow', async () => {
		const { stdout } = await stack.n8n.cli(['list:workflow']);
		for (const id of Object.values(DEMO_IDS)) expect(stdout).toContain(`${id}|`);
	});

	test('the credential test passes with the stored token and fails on a wrong one without repeating it', async () => {
		await expectCredentialTestWorks(stack.n8n);
	});

	test('the broadcast goes through the gate: each recipient once, no faster than the number\'s rate', async () => {
		stack.sim.reset();
		const run = await stack.n8n.execute(DEMO_IDS.broadcast);
		expect(nodeOutput(run, 'Send hello_world Template')).toHaveLength(BROADCAST_SIZE);
		const log = stack.sim.log();
		expect(log).toHaveLength(BROADCAST_SIZE);
		expect(new Set(log.map((message) => message.to)).size).toBe(BROADCAST_SIZE);
		// Paced, not fired at once. A gate exact to the sliding second spreads 1,000 over at least 12 s (83/s); the
		// margin is for arrival stamps a busy machine bunches. A busy machine only slows sending down.
		const sender = stack.sim.fixture.phoneNumbers[0];
		const times = log.map((message) => message.acceptedAt).sort((a, b) => a - b);
		const rate = (BROADCAST_SIZE - 1) / ((times[times.length - 1] - times[0]) / 1000);
		expect(rate).toBeLessThanOrEqual(sender.mps * 1.25);
	});

	test('the echo bot answers a signed inbound message at n8n\'s production webhook URL, once', async () => {
		stack.sim.reset();
		await activateTrigger(stack, DEMO_IDS.echoBot, echoBotWebhookUrl);
		const from = '15550009876';
		const injected = (await stack.sim.injectInbound({ from, type: 'text', body: 'Where is my order?', name: 'Ana' })) as {
			message: { id: string };
			delivery: { url: string };
		};
		expect(injected.delivery.url).toBe(echoBotWebhookUrl);
		await waitFor('the bot\'s reply', () => (stack.sim.log().some((message) => message.to === from) ? true : undefined), 60000);
		// Give a duplicate (a redelivery or a second execution) time to show up before counting.
		await sleep(3000);
		const replies = stack.sim.log().filter((message) => message.to === from);
		expect(replies).toHaveLength(1);
		expect(replies[0].body).toEqual(
			expect.objectContaining({ type: 'interactive', context: { message_id: injected.message.id } }),
		);
	});
});
