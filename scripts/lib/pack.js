'use strict';
// The pack as a user gets it: the `npm pack` tarball (the release artefact), installed into `<userFolder>/.n8n/nodes`
// by scripts/install-tarball.sh, the steps of n8n's own community-package installer that the README gives users.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { npmEnv, readJson, run } = require('./cache');
const { REPO_ROOT } = require('./n8n');

const PACKAGE_NAME = readJson(path.join(REPO_ROOT, 'package.json')).name;
const INSTALL_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-tarball.sh');

/**
 * `npm pack` of the built repo into a fresh folder (two test files may pack at once); resolves the tarball's path and
 * npm's report ({ filename, files: [{ path }], … }). Needs `npm run build` first: the tarball ships dist/ only.
 */
function packTarball(destination = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-wa-pack-'))) {
	const { stdout } = run('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		env: npmEnv(),
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [report] = JSON.parse(stdout);
	return { tarball: path.join(destination, report.filename), report };
}

/** Installs the tarball as n8n installs a community package; returns the package folder n8n loads. */
function installTarball(tarball, userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	run('sh', [INSTALL_SCRIPT, tarball, nodesDir], { env: npmEnv() });
	return path.join(nodesDir, 'node_modules', PACKAGE_NAME);
}

module.exports = { PACKAGE_NAME, packTarball, installTarball };
