#!/usr/bin/env node
'use strict';
// Installs a real n8n outside the repo, once per version, for the demo and the end-to-end tests: N8N_VERSION (every
// end-to-end test and `npm start`) and the SMOKE_VERSIONS the pack's smoke test runs in (the maintained 1.x line and
// the newest 2.x). `npm install n8n` runs native builds that cannot succeed here (e.g. @confluentinc/kafka-javascript
// downloads librdkafka from outside the npm registry), so we install with --ignore-scripts and rebuild only what n8n
// needs to start: sqlite3, compiled against the headers of the Node that runs it (from the node-<platform> package,
// no header download).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { cacheRoot, log, run, step, withLock, readJson, writeJson, ensureHostPackage, npmEnv, formatSeconds } = require('./lib/cache');
const { ensureNode, majorOf } = require('./ensure-node');

/** The n8n `npm start` and the end-to-end tests run. */
const N8N_VERSION = process.env.N8N_VERSION || '2.40.7';
/** The other n8n versions test/e2e/smoke.test.ts checks the pack in: the maintained 1.x line and the newest 2.x. */
const SMOKE_VERSIONS = (process.env.N8N_SMOKE_VERSIONS || '1.123.81,2.41.1')
	.split(',')
	.map((v) => v.trim())
	.filter(Boolean);
// Native modules n8n needs at start-up; everything else native is optional (kafka, ssh, cpu features).
const NATIVE_REBUILDS = ['sqlite3'];

/**
 * What each n8n major needs. 1.x: Node 20/22 (`engines` ">=20.19 <= 24.x"; its Docker image ships 22), and xlsx
 * pinned to the registry's 0.18.5 because n8n-nodes-base 1.x depends on a tarball URL at cdn.sheetjs.com.
 * `disabledModules`: modules that only call n8n's servers (2.x; 1.x has none of them and refuses unknown names).
 */
const MAJOR_LINES = {
	1: { node: 22, orNewer: false, overrides: { xlsx: '0.18.5' }, disabledModules: [] },
	2: { node: 24, orNewer: true, overrides: {}, disabledModules: ['mcp-registry', 'instance-ai', 'workflow-builder'] },
};

function lineOf(version) {
	const line = MAJOR_LINES[majorOf(version)];
	if (!line) throw new Error(`No install recipe for n8n ${version} (known majors: ${Object.keys(MAJOR_LINES).join(', ')})`);
	return line;
}

function n8nDir(version = N8N_VERSION) {
	return path.join(cacheRoot(), `n8n-${version}`);
}

function sqliteBindingExists(dir) {
	const build = path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
	return fs.existsSync(build);
}

function n8nVersion(nodeBin, n8nBin, dir) {
	const result = spawnSync(nodeBin, [n8nBin, '--version'], {
		encoding: 'utf8',
		env: { ...process.env, N8N_USER_FOLDER: path.join(dir, '.version-check'), N8N_DIAGNOSTICS_ENABLED: 'false' },
		timeout: 120000,
	});
	return result.status === 0 ? result.stdout.trim().split('\n').pop() : undefined;
}

/** Returns { nodeBin, n8nBin, dir, version, installed, timings }. Idempotent: reuses a complete install. */
function ensureN8n(version = N8N_VERSION) {
	return withLock(`n8n-${version}`, () => ensureN8nUnlocked(version));
}

function ensureN8nUnlocked(n8nVersionWanted) {
	const line = lineOf(n8nVersionWanted);
	const timings = {};
	let started = Date.now();
	const node = ensureNode(line.node, { orNewer: line.orNewer });
	timings.node = Date.now() - started;

	const dir = n8nDir(n8nVersionWanted);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const marker = path.join(dir, '.complete.json');
	const done = readJson(marker);
	// The sqlite3 binding is built for one Node ABI: a different Node (N8N_NODE_BIN) means a rebuild.
	if (done && done.version === n8nVersionWanted && done.node === node.version && fs.existsSync(n8nBin) && sqliteBindingExists(dir)) {
		log(`n8n ${n8nVersionWanted} reused from ${dir} (Node ${node.version})`);
		return { nodeBin: node.nodeBin, n8nBin, dir, version: n8nVersionWanted, nodeVersion: node.version, installed: false, timings };
	}

	ensureHostPackage(dir, `n8n-${n8nVersionWanted}-cache`, { overrides: line.overrides });
	started = Date.now();
	step(`Installing n8n@${n8nVersionWanted} (--ignore-scripts) into ${dir}`, () =>
		run(
			'npm',
			['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', `n8n@${n8nVersionWanted}`],
			{ cwd: dir, env: npmEnv() },
		),
	);
	timings.npmInstall = Date.now() - started;

	// node-gyp targets the headers in nodedir, so the binding matches that Node without downloading anything.
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
	const reported = step('Checking that n8n starts (n8n --version)', () => n8nVersion(node.nodeBin, n8nBin, dir));
	timings.versionCheck = Date.now() - started;
	if (!reported) throw new Error(`n8n at ${n8nBin} did not run under ${node.nodeBin}`);
	writeJson(marker, { version: n8nVersionWanted, reported, node: node.version, timings, installedAt: new Date().toISOString() });
	log(
		`n8n ${reported} ready (Node ${node.version} ${formatSeconds(timings.node)}, npm install ${formatSeconds(timings.npmInstall)}, ` +
			`native rebuild ${formatSeconds(timings.nativeRebuild)}, check ${formatSeconds(timings.versionCheck)})`,
	);
	return { nodeBin: node.nodeBin, n8nBin, dir, version: n8nVersionWanted, nodeVersion: node.version, installed: true, timings };
}

module.exports = { ensureN8n, lineOf, N8N_VERSION, SMOKE_VERSIONS, n8nDir };

function ensureInSequence(versions) {
	const failed = [];
	for (const version of versions) {
		const started = Date.now();
		try {
			const { nodeBin, n8nBin, installed } = ensureN8n(version);
			log(`n8n ${version}: ${installed ? 'installed' : 'reused'} in ${formatSeconds(Date.now() - started)}`);
			process.stdout.write(`${version} ${nodeBin} ${n8nBin}\n`);
		} catch (error) {
			log(`n8n ${version} failed: ${error.message}`);
			failed.push(version);
		}
	}
	return failed;
}

if (require.main === module) {
	// `node scripts/ensure-n8n.js` installs N8N_VERSION; `--all` N8N_VERSION and the smoke versions; or name versions.
	// One after the other: installing them side by side took as long on 2 cores (the work is unpacking and compiling).
	const args = process.argv.slice(2);
	const versions = [...new Set(args.includes('--all') ? [N8N_VERSION, ...SMOKE_VERSIONS] : args.length ? args : [N8N_VERSION])];
	if (ensureInSequence(versions).length) process.exit(1);
}
