/**
 * The package as n8n installs it: `npm test` builds first, so `dist/` here is what `npm publish` would ship.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const { packTarball } = require('../../scripts/lib/pack') as {
	packTarball: () => { tarball: string; report: { files: Array<{ path: string }> } };
};
/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const { N8N_VERSION } = require('../../scripts/ensure-n8n') as { N8N_VERSION: string };

const root = resolve(__dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const REPOSITORY = 'https://github.com/n8n-nodes-whatsapp-cloud/n8n-nodes-whatsapp-cloud';

/** The names a compiled module (CommonJS .js or its .d.ts) exports, as tsc writes them. */
function exportedNames(source: string): string[] {
	const patterns = [
		/\bexports\.(\w+)\s*=/g,
		/Object\.defineProperty\(exports,\s*"(\w+)"/g,
		/^export\s+(?:declare\s+)?(?:async\s+)?(?:function|const|let|var|class|enum|interface|type)\s+(\w+)/gm,
	];
	const names = patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
	for (const list of source.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
		names.push(...list[1].split(',').map((entry) => entry.trim().split(/\s+as\s+/).pop()!).filter(Boolean));
	}
	return names;
}

function filesUnder(folder: string): string[] {
	return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
	);
}

interface IconPair {
	light: string;
	dark: string;
}

function iconFiles(compiledFile: string): string[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const module = require(join(root, compiledFile)) as Record<string, new () => { description?: { icon?: IconPair }; icon?: IconPair }>;
	const className = compiledFile.split('/').pop()!.split('.')[0];
	const instance = new module[className]();
	const icon = instance.description?.icon ?? instance.icon;
	if (!icon) return [];
	return [icon.light, icon.dark].map((ref) => resolve(dirname(join(root, compiledFile)), ref.replace(/^file:/, '')));
}

describe('the built package', () => {
	test('is laid out as an n8n community node package', () => {
		expect(packageJson.name).toBe('n8n-nodes-whatsapp-cloud');
		expect(packageJson.keywords).toContain('n8n-community-node-package');
		expect(packageJson.files).toEqual(['dist']);
		expect(packageJson.n8n.n8nNodesApiVersion).toBe(1);
		expect(packageJson.peerDependencies).toHaveProperty('n8n-workflow');
		expect(Object.keys(packageJson.dependencies).sort()).toEqual(['axios', 'bottleneck', 'ioredis']);
	});

	test('names its repository, issue tracker and home page, as npm writes them (n8n\'s "Report issue" link reads bugs.url)', () => {
		// In the form `npm pkg fix` leaves alone, so `npm publish` has nothing to correct.
		expect(packageJson.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git` });
		expect(packageJson.bugs).toEqual({ url: `${REPOSITORY}/issues` });
		expect(packageJson.homepage).toBe(`${REPOSITORY}#readme`);
	});

	test('its npm pack tarball holds dist, the README and package.json, and nothing else', () => {
		const { tarball, report } = packTarball();
		try {
			const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
				.split('\n')
				.filter(Boolean)
				.map((entry) => entry.replace(/^package\//, ''));
			expect(listed.sort()).toEqual(report.files.map((file) => file.path).sort());
			expect(listed.filter((file) => !file.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
			// Every file the n8n block names is in it.
			for (const path of [...packageJson.n8n.credentials, ...packageJson.n8n.nodes]) expect(listed).toContain(path);
			expect(listed.filter((file) => /__tests__|\.test\.|simulator|harness/.test(file))).toEqual([]);
		} finally {
			rmSync(dirname(tarball), { recursive: true, force: true });
		}
	});

	test('its tarball exports no test hook: no name ending in ForTests, none of test/support/testHooks', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const hooks = Object.keys(require('../support/testHooks') as object);
		expect(hooks).toContain('resetGateForTests');
		const { tarball } = packTarball();
		const unpacked = mkdtempSync(join(tmpdir(), 'n8n-wa-unpacked-'));
		try {
			execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
			const modules = filesUnder(join(unpacked, 'package', 'dist')).filter((file) => /\.(js|d\.ts)$/.test(file));
			// The scan sees what the modules do export (the gate's one verb), so an empty list below means something.
			expect(modules.flatMap((file) => exportedNames(readFileSync(file, 'utf8')))).toEqual(expect.arrayContaining(['scheduleGraphCall', 'WhatsAppSendMessage']));
			const shipped = modules.flatMap((file) =>
				exportedNames(readFileSync(file, 'utf8'))
					.filter((name) => name.endsWith('ForTests') || hooks.includes(name))
					.map((name) => `${file.slice(unpacked.length + 1)}: ${name}`),
			);
			expect(shipped).toEqual([]);
		} finally {
			rmSync(unpacked, { recursive: true, force: true });
			rmSync(dirname(tarball), { recursive: true, force: true });
		}
	});

	test('the Docker image installs this version\'s tarball into the n8n the end-to-end tests run', () => {
		const dockerfile = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');
		expect(dockerfile).toContain(`ARG PACKAGE_TARBALL=${packageJson.name}-${packageJson.version}.tgz`);
		expect(dockerfile).toContain(`ARG N8N_VERSION=${N8N_VERSION}`);
		const ignore = readFileSync(join(root, 'docker', 'Dockerfile.dockerignore'), 'utf8');
		for (const needed of ['scripts/install-tarball.sh', 'docker/entrypoint.sh', `${packageJson.name}-*.tgz`]) {
			expect(ignore).toContain(`!${needed}`);
		}
		const compose = readFileSync(join(root, 'docker', 'docker-compose.yml'), 'utf8');
		expect(compose.match(/N8N_VERSION:-([\d.]+)/g)?.every((found) => found === `N8N_VERSION:-${N8N_VERSION}`)).toBe(true);
	});

	test('every credential and node path of the n8n block exists in dist', () => {
		const paths: string[] = [...packageJson.n8n.credentials, ...packageJson.n8n.nodes];
		expect(paths).toHaveLength(6);
		for (const path of paths) expect({ path, exists: existsSync(join(root, path)) }).toEqual({ path, exists: true });
	});

	test('every node and the credential find their light and dark icons in dist', () => {
		for (const path of [...packageJson.n8n.credentials, ...packageJson.n8n.nodes] as string[]) {
			const icons = iconFiles(path);
			expect({ path, icons: icons.length }).toEqual({ path, icons: 2 });
			for (const icon of icons) expect({ icon, exists: existsSync(icon) }).toEqual({ icon, exists: true });
		}
	});

	test('every node has its codex file beside it', () => {
		for (const path of packageJson.n8n.nodes as string[]) {
			const codex = join(root, path.replace(/\.js$/, '.json'));
			expect({ codex, exists: existsSync(codex) }).toEqual({ codex, exists: true });
			expect(JSON.parse(readFileSync(codex, 'utf8'))).toHaveProperty('node');
		}
	});

	test('ships no test code, simulator or harness', () => {
		expect(existsSync(join(root, 'dist', 'test'))).toBe(false);
		expect(existsSync(join(root, 'dist', 'nodes', 'WhatsAppSendMessage', '__tests__'))).toBe(false);
	});
});
