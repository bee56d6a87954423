/**
 * n8n in queue mode: a main process and two workers sharing one Redis (Debian's redis-server, started here) and one
 * database. One broadcast of 1,000 template messages is split in two executions, one per worker; the gate in each
 * worker shares the number's rate through the same Redis, so together they stay within it.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { SimulatorProcess } from '../../nodes/shared/limiter/__tests__/simulatorClient';
import { startRedis, type TestRedis } from '../support/redis';
import {
	ARTIFACTS_DIR,
	executionsOf,
	httpRequest,
	INSTALL_TIMEOUT_MS,
	loadWorkflow,
	queueModeEnv,
	startQueueProcess,
	startStack,
	waitFor,
	type N8nProcess,
	type Stack,
} from './helpers';

jest.setTimeout(10 * 60 * 1000);

const TOTAL = 1000;
const MPS = 80; // the simulator's first number is a standard-tier number
const WORKFLOW_ID = 'e2eQueueBroadcast1';

let redis: TestRedis;
let stack: Stack<SimulatorProcess>;
const workers: N8nProcess[] = [];

beforeAll(async () => {
	redis = await startRedis();
	stack = await startStack({
		name: 'queue',
		// Meta-like latency: the gate must keep ~2 s of calls in flight per worker to reach the rate.
		sim: { latency: 'meta', mps: {} },
		// Meta is another machine: a simulator sharing this process (and the 2 cores' contention with n8n's main and
		// workers) stamped ~200 ms of arrivals at once now and then (peak 91, 11 × 130429 at 80 mps).
		simulatorProcess: true,
		// Keep every execution's data so the test can read both parts.
		extraEnv: { ...queueModeEnv(redis.port), EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' },
	});
	await stack.n8n.importWorkflows([loadWorkflow('queue-broadcast')]);
	for (const name of ['worker-1', 'worker-2']) {
		// One job at a time per worker, so the two parts land on different workers.
		workers.push(await startQueueProcess(stack, { name, args: ['--concurrency=1'] }));
	}
	await stack.n8n.activate(WORKFLOW_ID);
	await waitFor('the broadcast webhook', async () => {
		const res = await httpRequest(`${stack.n8n.url}/webhook/e2e-broadcast`, { method: 'GET' });
		// Once the POST webhook is registered, n8n answers a GET with a hint to use POST instead.
		return res.status !== 404 || /POST/.test(res.text) ? true : undefined;
	}, 60000, 500);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await Promise.all(workers.map((worker) => worker.stop()));
	await stack?.stop();
	await redis?.stop();
});

test('two workers send a 1,000-message broadcast within the number\'s rate, each message exactly once', async () => {
	await stack.sim.reset();
	// Only the executions this test started (none before it in a fresh n8n, but say so rather than assume).
	const earlier = new Set((await executionsOf(stack.n8n, WORKFLOW_ID)).map((execution) => execution.id));
	const started = Date.now();
	const parts = [
		{ start: 0, count: TOTAL / 2 },
		{ start: TOTAL / 2, count: TOTAL / 2 },
	];
	const answers = await Promise.all(
		parts.map((part) => httpRequest(`${stack.n8n.url}/webhook/e2e-broadcast`, { method: 'POST', body: part })),
	);
	for (const answer of answers) expect(answer.status).toBe(200);

	await waitFor('1,000 accepted messages', async () => ((await stack.sim.counters()).accepted >= TOTAL ? true : undefined), 5 * 60 * 1000, 500);
	const executions = await waitFor(
		'both executions to finish',
		async () => {
			const list = (await executionsOf(stack.n8n, WORKFLOW_ID)).filter((execution) => !earlier.has(execution.id));
			return list.length >= 2 && list.every((execution) => execution.status === 'success') ? list : undefined;
		},
		2 * 60 * 1000,
		1000,
	);
	expect(executions).toHaveLength(2);

	// Each worker ran one of the two parts.
	for (const worker of workers) expect(worker.child.output()).toMatch(/Worker started execution \d+/);

	const log = await stack.sim.log();
	expect(log).toHaveLength(TOTAL);
	const recipients = new Set(log.map((message) => message.to));
	expect(recipients.size).toBe(TOTAL);
	for (let i = 0; i < TOTAL; i++) expect(recipients.has(String(15550200000 + i))).toBe(true);

	const counters = await stack.sim.counters();
	const times = log.map((message) => message.acceptedAt).sort((a, b) => a - b);
	const seconds = (times[times.length - 1] - times[0]) / 1000;
	const rate = (TOTAL - 1) / seconds;
	// The figure the README quotes: the aggregate rate of both workers together.
	process.stdout.write(
		`[queue-mode] ${TOTAL} messages by 2 workers in ${seconds.toFixed(2)} s of sending ` +
			`(${((Date.now() - started) / 1000).toFixed(1)} s end to end): ${rate.toFixed(1)} messages/s aggregate, ` +
			`peak ${counters.peakPerSecond['300000000000001']} in a sliding second (limit ${MPS}), 130429: ${counters.rejectedByCode['130429'] ?? 0}\n`,
	);
	fs.writeFileSync(
		path.join(ARTIFACTS_DIR, 'queue-mode-rate.json'),
		JSON.stringify({ total: TOTAL, seconds, rate, peak: counters.peakPerSecond['300000000000001'], limit: MPS, rejectedByCode: counters.rejectedByCode }, null, 2),
	);
	expect(counters.rejectedByCode['130429'] ?? 0).toBe(0);
	expect(counters.peakPerSecond['300000000000001']).toBeLessThanOrEqual(MPS);
	// Within the limit, and not far below it: a gate that serialises would take minutes.
	expect(rate).toBeLessThanOrEqual(MPS * 1.05);
	expect(rate).toBeGreaterThan(MPS * 0.5);
});
