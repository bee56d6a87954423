/**
 * A real n8n 2.40 with the pack installed as a community package: credentials and workflows go in through n8n's
 * CLI (`import:credentials`, `import:workflow`) and run headless with `n8n execute --id`, against the simulator.
 */
import { INSTALL_TIMEOUT_MS, loadWorkflow, nodeOutput, startStack, type Stack } from './helpers';

jest.setTimeout(10 * 60 * 1000);

let stack: Stack;

beforeAll(async () => {
	stack = await startStack({ name: 'headless' });
	await stack.n8n.importWorkflows([loadWorkflow('metrics-report')]);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.stop();
});

test('n8n lists the workflows imported through its CLI', async () => {
	const { stdout } = await stack.n8n.cli(['list:workflow']);
	expect(stdout).toContain('e2eMetricsReport01|E2E: message analytics report');
});

test('a Get Metrics workflow run with execute --id returns one row per day and every phone number of the account', async () => {
	const run = await stack.n8n.execute('e2eMetricsReport01');
	const days = nodeOutput(run, 'Messages Last 7 Days');
	expect(days.length).toBeGreaterThanOrEqual(7);
	for (const day of days) {
		expect(day.json).toEqual(expect.objectContaining({ sent: expect.any(Number), delivered: expect.any(Number) }));
	}
	const health = nodeOutput(run, 'Phone Number Health');
	const ids = health.map((item) => String(item.json.phoneNumberId ?? item.json.id));
	expect(ids.sort()).toEqual(stack.sim.fixture.phoneNumbers.map((p) => p.id).sort());
	const analyticsCalls = stack.sim.requests().filter((r) => /analytics/.test(JSON.stringify(r)));
	expect(analyticsCalls.length).toBeGreaterThan(0);
});
