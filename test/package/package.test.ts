/**
 * The package as n8n installs it: `npm test` builds first, so `dist/` here is what `npm publish` would ship.
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';

const root = resolve(__dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

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

	test('every credential and node path of the n8n block exists in dist', () => {
		const paths: string[] = [...packageJson.n8n.credentials, ...packageJson.n8n.nodes];
		expect(paths).toHaveLength(5);
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
