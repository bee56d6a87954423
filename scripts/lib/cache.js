'use strict';
// Shared helpers for the install scripts: where the cache lives, how to run a step and time it.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Root of everything installed outside the repo (Node 24, n8n); reused across clones and CI runs. */
function cacheRoot() {
	return (
		process.env.N8N_WA_CACHE_DIR ||
		path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-whatsapp-cloud')
	);
}

function log(message) {
	process.stderr.write(`[setup] ${message}\n`);
}

function formatSeconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs a command synchronously with inherited stderr; throws with the command line on failure. */
function run(command, args, options = {}) {
	const started = Date.now();
	const result = spawnSync(command, args, {
		stdio: options.stdio || ['ignore', 2, 'inherit'],
		cwd: options.cwd,
		env: options.env || process.env,
		encoding: 'utf8',
	});
	if (result.error) throw result.error;
	if (result.status !== 0) {
		throw new Error(`'${command} ${args.join(' ')}' exited with ${result.status}`);
	}
	return { ms: Date.now() - started, stdout: result.stdout };
}

/** Times one named step and logs it, so the install's cost is visible in CI output. */
function step(name, fn) {
	const started = Date.now();
	log(`${name} ...`);
	const value = fn();
	log(`${name} done in ${formatSeconds(Date.now() - started)}`);
	return value;
}

function writeJson(file, value) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(value, null, '\t') + '\n');
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/**
 * A private package.json so npm installs into this folder instead of walking up to a parent project; `fields` (e.g.
 * npm `overrides`, which only the root package.json can set) are written every time.
 */
function ensureHostPackage(dir, name, fields = {}) {
	fs.mkdirSync(dir, { recursive: true });
	const pkg = path.join(dir, 'package.json');
	const current = readJson(pkg);
	if (!current || Object.keys(fields).length) writeJson(pkg, { ...(current || { name, private: true, version: '0.0.0' }), ...fields });
}

/**
 * npm run for the cache installs: the repo's .npmrc must not apply (it sets ignore-scripts for the repo itself),
 * and a user nodedir pointing at the system Node's headers must not leak into builds for Node 24.
 */
function npmEnv(extra = {}) {
	const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
	for (const key of Object.keys(env)) {
		// Inherited from an enclosing `npm run`/`npm test`; they would redirect the nested npm.
		if (/^npm_(config_|package_|lifecycle_)/i.test(key) && !(key in extra)) delete env[key];
	}
	env.npm_config_audit = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_update_notifier = 'false';
	return { ...env, ...extra };
}

function sleepSync(ms) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs fn while holding an exclusive lock (a directory: mkdir is atomic), so parallel test files or two clones
 * installing into the same cache wait for one another instead of writing the same folder at once.
 * A lock older than staleMs (a killed install) is taken over.
 */
function withLock(name, fn, { staleMs = 30 * 60 * 1000, waitMs = 40 * 60 * 1000 } = {}) {
	const lock = path.join(cacheRoot(), `${name}.lock`);
	fs.mkdirSync(cacheRoot(), { recursive: true });
	const deadline = Date.now() + waitMs;
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'owner'), `${process.pid}\n`);
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			let age = 0;
			try {
				age = Date.now() - fs.statSync(lock).mtimeMs;
			} catch {
				continue;
			}
			if (age > staleMs) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`Waited ${waitMs / 60000} min for ${lock}; remove it if no install is running`);
			if (!announced) log(`waiting for another install to finish (${lock})`);
			announced = true;
			sleepSync(2000);
		}
	}
	try {
		return fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

module.exports = { withLock, cacheRoot, log, run, step, formatSeconds, writeJson, readJson, ensureHostPackage, npmEnv };
