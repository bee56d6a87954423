'use strict';
// Starting and driving a real n8n (main, worker, CLI) for the demo and the end-to-end tests.
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { lineOf } = require('../ensure-n8n');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
// Fixed so credentials imported once stay readable across restarts of the same user folder.
const DEFAULT_ENCRYPTION_KEY = 'n8n-nodes-whatsapp-cloud-local-demo-key';

/** A TCP port nobody listens on right now (preferred first, when free). */
function freePort(preferred) {
	const tryPort = (port) =>
		new Promise((resolve) => {
			const server = net.createServer();
			server.unref();
			server.once('error', () => resolve(undefined));
			server.listen({ port, host: '127.0.0.1' }, () => {
				const { port: got } = server.address();
				server.close(() => resolve(got));
			});
		});
	return (async () => {
		if (preferred) {
			const got = await tryPort(preferred);
			if (got) return got;
		}
		return tryPort(0);
	})();
}

/** The version of the n8n whose bin/n8n this is (its package.json sits one folder up). */
function n8nVersionOf(n8nBin) {
	return JSON.parse(fs.readFileSync(path.join(path.dirname(n8nBin), '..', 'package.json'), 'utf8')).version;
}

/** Environment for every n8n process of one instance (main, workers, CLI commands share it). */
function n8nEnv({ n8nBin, userFolder, port, extensionsDir, extra = {} }) {
	const env = { ...process.env };
	// Values of an enclosing npm/jest run would leak into n8n's config parsing otherwise.
	for (const key of Object.keys(env)) {
		if (/^(npm_|N8N_|EXECUTIONS_|QUEUE_|DB_|WEBHOOK_URL$|JEST_|TS_NODE_)/.test(key)) delete env[key];
	}
	// n8n refuses to load nodes when NODE_ENV=test (set by jest): it is not the process under test.
	delete env.NODE_ENV;
	delete env.NODE_OPTIONS;
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_ENCRYPTION_KEY: DEFAULT_ENCRYPTION_KEY,
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// Modules that only fetch from n8n's servers (unreachable offline) and log a stack trace each time; n8n
		// refuses to start when it does not know a module named here, so the list is per major version.
		N8N_DISABLED_MODULES: lineOf(n8nVersionOf(n8nBin)).disabledModules.join(','),
		NODES_EXCLUDE: '[]',
		GENERIC_TIMEZONE: 'UTC',
	});
	if (extensionsDir) env.N8N_CUSTOM_EXTENSIONS = extensionsDir;
	return Object.assign(env, extra);
}

function httpRequest(url, { method = 'GET', body, headers = {}, timeoutMs = 10000 } = {}) {
	return new Promise((resolve, reject) => {
		const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
		const req = http.request(
			url,
			{
				method,
				headers: {
					...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, text, json });
				});
			},
		);
		req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A child process whose output is kept (and optionally mirrored to a file) so failures can show it. */
function spawnLogged(command, args, { env, cwd, logFile, echo = false, name = 'n8n' }) {
	const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
	const out = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
	let tail = '';
	const onData = (chunk) => {
		const text = chunk.toString();
		tail = (tail + text).slice(-200000);
		if (out) out.write(text);
		if (echo) process.stderr.write(text.replace(/^/gm, `[${name}] `));
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	child.output = () => tail;
	child.on('exit', () => out && out.end());
	return child;
}

/** Stops a process group (n8n spawns task runners) with SIGTERM, then SIGKILL after graceMs. */
async function stopProcess(child, graceMs = 15000) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	const signal = (sig) => {
		try {
			process.kill(-child.pid, sig);
		} catch {
			try {
				child.kill(sig);
			} catch {
				// already gone
			}
		}
	};
	signal('SIGTERM');
	const timer = setTimeout(() => signal('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

async function waitForHealthy(url, child, timeoutMs, { restApi = true } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) {
			throw new Error(`n8n exited with ${child.exitCode} before it was ready:\n${child.output().slice(-4000)}`);
		}
		try {
			const res = await httpRequest(`${url}/healthz/readiness`, { timeoutMs: 2000 });
			// n8n 1.x is "ready" once its database is, before it mounts the REST API: wait for that too (a webhook
			// process serves none).
			if (res.status === 200 && (!restApi || (await httpRequest(`${url}/rest/settings`, { timeoutMs: 5000 })).status === 200)) return;
		} catch {
			// not listening yet
		}
		await sleep(500);
	}
	throw new Error(`n8n at ${url} was not ready after ${timeoutMs} ms:\n${child.output().slice(-4000)}`);
}

/**
 * Starts `n8n start` (or `n8n worker`) and resolves once it answers /healthz/readiness.
 * Returns { url, port, child, env, stop() }.
 */
async function startN8n({ nodeBin, n8nBin, userFolder, port, extensionsDir, extraEnv = {}, command = 'start', args = [], logFile, echo, timeoutMs = 180000, name }) {
	fs.mkdirSync(userFolder, { recursive: true });
	// Every n8n process runs its own task broker for the Code node's runner: each needs its own port.
	const env = n8nEnv({ n8nBin, userFolder, port, extensionsDir, extra: { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extraEnv } });
	const child = spawnLogged(nodeBin, [n8nBin, command, ...args], { env, cwd: userFolder, logFile, echo, name: name || command });
	const url = `http://127.0.0.1:${port}`;
	const handle = { url, port, child, env, stop: () => stopProcess(child) };
	if (command === 'worker') {
		// A worker's health endpoint is only served with QUEUE_HEALTH_CHECK_ACTIVE; wait for its log line instead.
		await waitForOutput(child, /Worker (ready|started)|n8n worker is now ready/i, timeoutMs);
		return handle;
	}
	try {
		await waitForHealthy(url, child, timeoutMs, { restApi: command === 'start' });
	} catch (error) {
		await stopProcess(child);
		throw error;
	}
	return handle;
}

async function waitForOutput(child, pattern, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (pattern.test(child.output())) return;
		if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}:\n${child.output().slice(-4000)}`);
		await sleep(300);
	}
	throw new Error(`no output matching ${pattern} after ${timeoutMs} ms:\n${child.output().slice(-4000)}`);
}

/** Runs one n8n CLI command (import:workflow, execute, …) to completion; resolves { code, stdout, stderr }. */
async function runN8nCli({ nodeBin, n8nBin, userFolder, port = 5678, extensionsDir, extraEnv = {}, args, timeoutMs = 300000 }) {
	const env = n8nEnv({ n8nBin, userFolder, port, extensionsDir, extra: { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extraEnv } });
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBin, [n8nBin, ...args], { env, cwd: userFolder, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// gone
			}
			reject(new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
		}, timeoutMs);
		child.on('error', reject);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

/** The owner login n8n's editor asks for; created once through the setup endpoint of a fresh instance. */
const DEFAULT_OWNER = {
	email: 'demo@example.com',
	password: 'WhatsApp-Demo-2026',
	firstName: 'Demo',
	lastName: 'Owner',
};

async function setupOwner(url, owner = DEFAULT_OWNER) {
	const settings = await httpRequest(`${url}/rest/settings`);
	const setUp = settings.json && settings.json.data && settings.json.data.userManagement
		? settings.json.data.userManagement.showSetupOnFirstLoad === false
		: false;
	if (setUp) return { created: false };
	const res = await httpRequest(`${url}/rest/owner/setup`, { method: 'POST', body: owner });
	if (res.status >= 400) {
		// Already set up (a reused user folder) answers 400; login below tells whether our password works.
		return { created: false, status: res.status, message: res.text.slice(0, 300) };
	}
	return { created: true };
}

/** Logs in through the editor's REST API; resolves the auth cookie header value. */
async function login(url, owner = DEFAULT_OWNER) {
	const res = await httpRequest(`${url}/rest/login`, {
		method: 'POST',
		body: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (res.status !== 200) throw new Error(`login as ${owner.email} failed: HTTP ${res.status} ${res.text.slice(0, 300)}`);
	const cookies = [].concat(res.headers['set-cookie'] || []).map((c) => c.split(';')[0]);
	return cookies.join('; ');
}

/** Calls the editor's REST API with the owner's cookie. */
async function rest(url, cookie, method, route, body) {
	const res = await httpRequest(`${url}/rest${route}`, {
		method,
		body,
		headers: { cookie, 'browser-id': 'n8n-nodes-whatsapp-cloud-scripts' },
		timeoutMs: 60000,
	});
	if (res.status >= 400) throw new Error(`${method} /rest${route}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
	return res.json && 'data' in res.json ? res.json.data : res.json;
}

module.exports = {
	REPO_ROOT,
	DEFAULT_OWNER,
	freePort,
	n8nEnv,
	httpRequest,
	startN8n,
	stopProcess,
	runN8nCli,
	waitForOutput,
	setupOwner,
	login,
	rest,
	sleep,
};
