const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// Nodes point at `file:../../icons/whatsapp.svg` and the credential at `file:../icons/whatsapp.svg`,
// so the icons live in dist/icons exactly as they do in the source tree.
function copyIcons() {
	return src('icons/*.svg').pipe(dest(path.resolve('dist', 'icons')));
}

// Codex files (.node.json) sit beside each compiled node.
function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest(path.resolve('dist', 'nodes')));
}

task('build:icons', parallel(copyIcons, copyCodex));
