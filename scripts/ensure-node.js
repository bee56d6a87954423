#!/usr/bin/env node
'use strict';
// n8n 2.x needs Node 24; n8n 1.x runs on Node 20/22 (its Docker image ships 22). When the machine's Node is not the
// one wanted, take it from the npm registry (the `node-<platform>-<arch>` package ships the binary and its headers),
// cached outside the repo per major version and reused.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { cacheRoot, log, run, step, readJson, writeJson, ensureHostPackage, npmEnv, withLock } = require('./lib/cache');

function versionOf(nodeBin) {
	const result = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim() : undefined;
}

function majorOf(version) {
	return Number(String(version).replace(/^v/, '').split('.')[0]);
}

function platformPackage(major) {
	const arch = process.arch === 'x64' ? 'x64' : process.arch;
	if (process.platform !== 'linux' && process.platform !== 'darwin') {
		throw new Error(`No Node ${major} package for platform ${process.platform}; install Node ${major} yourself and set N8N_NODE_BIN`);
	}
	return `node-${process.platform}-${arch}`;
}

/**
 * Returns { nodeBin, nodeDir (headers root for node-gyp, or undefined for a Node found on the machine), version,
 * installed } for Node `major`. Order: N8N_NODE_BIN, then the running Node if it is that major (or newer, with
 * `orNewer`), then the cached registry package.
 */
function ensureNode(major, { orNewer = false } = {}) {
	if (process.env.N8N_NODE_BIN) {
		const version = versionOf(process.env.N8N_NODE_BIN);
		if (!version) throw new Error(`N8N_NODE_BIN=${process.env.N8N_NODE_BIN} does not run`);
		return { nodeBin: process.env.N8N_NODE_BIN, nodeDir: undefined, version, installed: false };
	}
	const running = majorOf(process.versions.node);
	if (running === major || (orNewer && running > major)) {
		return { nodeBin: process.execPath, nodeDir: undefined, version: process.version, installed: false };
	}
	return withLock(`node${major}`, () => ensureCachedNode(major));
}

function ensureCachedNode(major) {
	const dir = path.join(cacheRoot(), `node${major}`);
	const pkgName = platformPackage(major);
	const pkgDir = path.join(dir, 'node_modules', pkgName);
	const nodeBin = path.join(pkgDir, 'bin', 'node');
	const marker = path.join(dir, '.complete.json');

	const done = readJson(marker);
	if (done && fs.existsSync(nodeBin)) {
		const version = versionOf(nodeBin);
		if (version && majorOf(version) === major) {
			log(`Node ${version} reused from ${nodeBin}`);
			return { nodeBin, nodeDir: pkgDir, version, installed: false };
		}
	}

	ensureHostPackage(dir, `node${major}-cache`);
	step(`Installing ${pkgName}@${major} from the npm registry into ${dir}`, () =>
		run('npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', `${pkgName}@${major}`], {
			cwd: dir,
			env: npmEnv(),
		}),
	);
	const version = versionOf(nodeBin);
	if (!version || majorOf(version) !== major) {
		throw new Error(`${nodeBin} did not run as Node ${major} (got ${version || 'nothing'})`);
	}
	if (!fs.existsSync(path.join(pkgDir, 'include', 'node', 'node_api.h'))) {
		log(`warning: ${pkgName} has no headers in include/node; native rebuilds will need them`);
	}
	writeJson(marker, { version, installedAt: new Date().toISOString() });
	log(`Node ${version} installed at ${nodeBin}`);
	return { nodeBin, nodeDir: pkgDir, version, installed: true };
}

module.exports = { ensureNode, majorOf };

if (require.main === module) {
	try {
		const major = Number(process.argv[2] || 24);
		const { nodeBin } = ensureNode(major);
		process.stdout.write(nodeBin + '\n');
	} catch (error) {
		log(`failed: ${error.message}`);
		process.exit(1);
	}
}
