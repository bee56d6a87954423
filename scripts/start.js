#!/usr/bin/env node
'use strict';
// `npm start`: the whole pack working in a real n8n against the local Cloud API simulator, in one command.
// Builds the pack, starts the simulator, gets Node 24 + n8n (cached outside the repo), starts n8n with the pack,
// creates an owner login and a credential pointing at the simulator, imports the demo workflows and activates the
// echo bot. Ctrl-C stops everything.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { ensureN8n } = require('./ensure-n8n');
const { DEFAULT_OWNER, REPO_ROOT, freePort, httpRequest } = require('./lib/n8n');
const { N8nInstance, simulatorCredential } = require('./lib/instance');
const { formatSeconds } = require('./lib/cache');
const { demoWorkflows, DEMO_IDS } = require('./demo/workflows');
const { demoInstructions } = require('./demo/instructions');

const timings = [];
function timed(name, started) {
	timings.push([name, Date.now() - started]);
	console.error(`[start] ${name}: ${formatSeconds(Date.now() - started)}`);
}

function build() {
	const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
	if (result.status !== 0) throw new Error('npm run build failed (see above)');
}

async function startSimulatorInProcess(port) {
	// The simulator is TypeScript; ts-node compiles it on the fly (types are checked by `npm test`, not here).
	require('ts-node').register({ transpileOnly: true, project: path.join(REPO_ROOT, 'tsconfig.json') });
	const { startSimulator } = require(path.join(REPO_ROOT, 'test', 'simulator'));
	return startSimulator({ port, host: '127.0.0.1' });
}

async function main() {
	const all = Date.now();
	let started = Date.now();
	if (process.env.SKIP_BUILD !== '1') {
		build();
		timed('build the pack', started);
	}

	started = Date.now();
	const install = ensureN8n();
	timed('Node 24 + n8n ready', started);

	started = Date.now();
	const simPort = await freePort(Number(process.env.SIM_PORT) || 4100);
	const sim = await startSimulatorInProcess(simPort);
	timed(`simulator on ${sim.url}`, started);

	const userFolder = path.join(REPO_ROOT, '.n8n-local');
	fs.mkdirSync(userFolder, { recursive: true });
	fs.rmSync(path.join(userFolder, 'n8n.log'), { force: true });
	const port = await freePort(Number(process.env.N8N_PORT) || 5678);
	const n8n = new N8nInstance({
		install,
		userFolder,
		port,
		logFile: path.join(userFolder, 'n8n.log'),
		echo: process.env.N8N_ECHO_LOG === '1',
	});

	let stopping = false;
	const stopAll = async (code) => {
		if (stopping) return;
		stopping = true;
		console.error('\n[start] stopping the simulator and n8n …');
		// The simulator first: status webhooks arriving while n8n shuts down only log errors.
		await sim.stop().catch(() => undefined);
		await n8n.stop().catch(() => undefined);
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));

	try {
		started = Date.now();
		if (fs.existsSync(path.join(userFolder, '.n8n', 'database.sqlite'))) {
			// A bot still active from the last run would come back without subscribing at the new simulator
			// (n8n does not re-run a trigger's subscription on start-up): unpublish it, activate it afresh below.
			for (const id of [DEMO_IDS.echoBot, DEMO_IDS.supportBot]) await n8n.cli(['unpublish:workflow', `--id=${id}`], { allowFailure: true });
		}
		await n8n.start();
		timed(`n8n on ${n8n.url}`, started);

		started = Date.now();
		await n8n.ensureOwner(DEFAULT_OWNER);
		await n8n.importCredentials([simulatorCredential(sim.fixture, sim.url)]);
		await n8n.importWorkflows(demoWorkflows(sim.fixture));
		// The trigger subscribes its production webhook URL at the simulator when it is activated.
		await n8n.activate(DEMO_IDS.echoBot);
		await n8n.activate(DEMO_IDS.supportBot);
		timed('owner, credential, demo workflows, echo bot and support bot active', started);
	} catch (error) {
		console.error(`[start] failed: ${error.message}`);
		console.error(`[start] n8n's log: ${path.join(userFolder, 'n8n.log')}`);
		await stopAll(1);
		return;
	}

	n8n.main.child.on('exit', (code) => {
		if (!stopping) {
			console.error(`[start] n8n exited (${code}); see ${path.join(userFolder, 'n8n.log')}`);
			void stopAll(1);
		}
	});

	const lines = demoInstructions({
		n8nUrl: n8n.url,
		simUrl: sim.url,
		phoneNumberId: sim.fixture.phoneNumbers[0].id,
		supportPhoneNumberId: sim.fixture.phoneNumbers[1].id,
		owner: DEFAULT_OWNER,
		logFile: path.join(userFolder, 'n8n.log'),
		readyIn: formatSeconds(Date.now() - all),
	});
	console.log(lines.join('\n'));

	// Keep the process alive; fail loudly if the simulator stops answering.
	setInterval(() => {
		httpRequest(`${sim.url}/_sim/counters`, { timeoutMs: 5000 }).catch(() => undefined);
	}, 60000);
}

main().catch((error) => {
	console.error(`[start] ${error.stack || error.message}`);
	process.exit(1);
});
