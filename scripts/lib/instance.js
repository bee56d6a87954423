'use strict';
// One local n8n instance with the pack loaded and the simulator credential in it: what `npm start` and the
// end-to-end tests share (owner, credential import, workflow import, activation).
const fs = require('fs');
const path = require('path');
const { DEFAULT_OWNER, REPO_ROOT, freePort, login, rest, runN8nCli, setupOwner, startN8n } = require('./n8n');
const { PACKAGE_NAME, installTarball, packTarball } = require('./pack');

/** Node type prefix n8n gives an installed community package: `<package name>.<node name>`. */
const NODE_TYPE_PREFIX = `${PACKAGE_NAME}.`;
const CREDENTIAL_ID = 'waSimCredential01';
const CREDENTIAL_NAME = 'WhatsApp (local simulator)';

let packed;
/** One `npm pack` per process: every instance it starts installs the same tarball (removed when the process ends). */
function packOnce() {
	if (!packed) {
		packed = packTarball().tarball;
		process.once('exit', () => fs.rmSync(path.dirname(packed), { recursive: true, force: true }));
	}
	return packed;
}

/** Installs the packed tarball into the instance's `~/.n8n/nodes` as n8n's community-package installer does. */
function installPack(userFolder, tarball = packOnce()) {
	return installTarball(tarball, userFolder);
}

function assertBuilt() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const missing = [...pkg.n8n.credentials, ...pkg.n8n.nodes].filter((p) => !fs.existsSync(path.join(REPO_ROOT, p)));
	if (missing.length === pkg.n8n.nodes.length + pkg.n8n.credentials.length) {
		throw new Error(`The pack is not built (missing ${missing.join(', ')}); run npm run build`);
	}
	if (missing.length) process.stderr.write(`[n8n] warning: not built, n8n will not show them: ${missing.join(', ')}\n`);
}

/** The credential as `n8n import:credentials` takes it (plain data: n8n encrypts it on import). */
function simulatorCredential(fixture, simUrl, overrides = {}) {
	return {
		id: CREDENTIAL_ID,
		name: CREDENTIAL_NAME,
		type: 'whatsAppCloudApi',
		data: {
			accessToken: fixture.accessToken,
			apiVersion: 'v26.0',
			wabaId: fixture.wabaId,
			appId: fixture.appId,
			appSecret: fixture.appSecret,
			baseUrl: simUrl,
			throughputTier: 'standard',
			customMessagesPerSecond: 80,
			registeredNumbers: 0,
			hourlyCallBudget: 0,
			pairRateLimiting: true,
			countInboundMessages: true,
			maxAttempts: 5,
			maxWaitSeconds: 300,
			retryAmbiguous: false,
			redisUrl: '',
			...overrides,
		},
	};
}

/** Replaces `{{NODE}}` with our node type prefix and points every WhatsApp node at the simulator credential. */
function prepareWorkflow(workflow) {
	const text = JSON.stringify(workflow).split('{{PACKAGE}}.').join(NODE_TYPE_PREFIX);
	const wf = JSON.parse(text);
	for (const node of wf.nodes) {
		if (node.type.startsWith(NODE_TYPE_PREFIX)) {
			node.credentials = { whatsAppCloudApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } };
		}
	}
	return wf;
}

class N8nInstance {
	constructor({ install, userFolder, port, extraEnv = {}, logFile, echo = false }) {
		this.install = install;
		this.userFolder = userFolder;
		this.port = port;
		this.extraEnv = extraEnv;
		this.logFile = logFile;
		this.echo = echo;
		this.main = undefined;
		this.cookie = undefined;
	}

	get url() {
		return `http://127.0.0.1:${this.port}`;
	}

	cliOptions(args, timeoutMs) {
		return {
			nodeBin: this.install.nodeBin,
			n8nBin: this.install.n8nBin,
			userFolder: this.userFolder,
			port: this.port,
			extraEnv: this.extraEnv,
			args,
			timeoutMs,
		};
	}

	/** Runs an n8n CLI command against this instance's database; throws with its output on failure. */
	async cli(args, { timeoutMs = 300000, allowFailure = false } = {}) {
		const result = await runN8nCli(this.cliOptions(args, timeoutMs));
		if (result.code !== 0 && !allowFailure) {
			throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
		}
		return result;
	}

	async start({ command = 'start', timeoutMs } = {}) {
		assertBuilt();
		installPack(this.userFolder);
		// Tests run several instances at once: a random free port each (npm start asks for 5678 itself).
		if (!this.port) this.port = await freePort();
		this.main = await startN8n({
			nodeBin: this.install.nodeBin,
			n8nBin: this.install.n8nBin,
			userFolder: this.userFolder,
			port: this.port,
			extraEnv: this.extraEnv,
			logFile: this.logFile,
			echo: this.echo,
			command,
			timeoutMs,
			name: 'n8n',
		});
		return this;
	}

	/** Creates the owner on a fresh instance (no-op on a reused one) and logs in. */
	async ensureOwner(owner = DEFAULT_OWNER) {
		await setupOwner(this.url, owner);
		this.cookie = await login(this.url, owner);
		return this.cookie;
	}

	async importCredentials(credentials, dir) {
		const file = path.join(dir || this.userFolder, `credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(credentials, null, '\t'));
		try {
			return await this.cli(['import:credentials', `--input=${file}`]);
		} finally {
			// The file holds the token and app secret in plain text.
			fs.rmSync(file, { force: true });
		}
	}

	async importWorkflows(workflows, dir) {
		const file = path.join(dir || this.userFolder, `workflows-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(workflows.map(prepareWorkflow), null, '\t'));
		return this.cli(['import:workflow', `--input=${file}`]);
	}

	/** Runs a workflow headless the way n8n's CLI does (`n8n execute --id`); resolves the parsed run data. */
	async execute(id, { timeoutMs = 300000 } = {}) {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs, allowFailure: true });
		const json = extractJson(result.stdout);
		if (result.code !== 0 || !json) {
			const error = new Error(`n8n execute --id=${id} failed (exit ${result.code}):\n${result.stdout.slice(-6000)}\n${result.stderr.slice(-4000)}`);
			error.result = result;
			error.json = json;
			throw error;
		}
		return json;
	}

	/** Publishes (activates) a workflow in the running instance so its trigger registers its webhook. */
	async activate(id, { fresh = false } = {}) {
		if (!this.cookie) await this.ensureOwner();
		let wf = await rest(this.url, this.cookie, 'GET', `/workflows/${id}`);
		if (fresh && wf.active) {
			// Still active from an earlier run: deactivate first so the trigger subscribes again (a new simulator
			// knows nothing of the old subscription, and n8n only re-checks it on activation).
			await rest(this.url, this.cookie, 'POST', `/workflows/${id}/deactivate`, {}).catch(() => undefined);
			wf = await rest(this.url, this.cookie, 'GET', `/workflows/${id}`);
		}
		return rest(this.url, this.cookie, 'POST', `/workflows/${id}/activate`, { versionId: wf.versionId });
	}

	async deactivate(id) {
		if (!this.cookie) await this.ensureOwner();
		return rest(this.url, this.cookie, 'POST', `/workflows/${id}/deactivate`, {});
	}

	async rest(method, route, body) {
		if (!this.cookie) await this.ensureOwner();
		return rest(this.url, this.cookie, method, route, body);
	}

	async stop() {
		if (this.main) await this.main.stop();
		this.main = undefined;
	}
}

/** `execute --rawOutput` prints the run's JSON after any log lines; take the first top-level JSON object. */
function extractJson(stdout) {
	const start = stdout.indexOf('{\n');
	const candidates = start >= 0 ? [stdout.slice(start)] : [];
	candidates.push(stdout.slice(stdout.indexOf('{')));
	for (const text of candidates) {
		const end = text.lastIndexOf('}');
		if (end < 0) continue;
		try {
			return JSON.parse(text.slice(0, end + 1));
		} catch {
			// try the next candidate
		}
	}
	return undefined;
}

/** Output items of a node in an `execute` result: `[{ json }, …]` of its first run, first output. */
function nodeOutput(runResult, nodeName, output = 0) {
	const runs = runResult.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`Node "${nodeName}" did not run; ran: ${Object.keys(runResult.data.resultData.runData).join(', ')}`);
	return (runs[0].data && runs[0].data.main && runs[0].data.main[output]) || [];
}

module.exports = {
	N8nInstance,
	PACKAGE_NAME,
	NODE_TYPE_PREFIX,
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	simulatorCredential,
	prepareWorkflow,
	installPack,
	assertBuilt,
	extractJson,
	nodeOutput,
};
