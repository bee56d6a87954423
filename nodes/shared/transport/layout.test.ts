/**
 * The transport's shape: it needs nothing of n8n when it runs (what does — NodeApiError, the credential test — lives
 * in nodes/shared), and its index exports exactly what code outside it imports from it.
 */
import { readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const root = resolve(__dirname, '..', '..', '..');
const transport = __dirname;

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return ['node_modules', 'dist', '.git'].includes(entry.name) ? [] : sourceFiles(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

/** `import { a, type B } from '…'` and `export { c } from '…'`: each name with the module it comes from. */
function namedImports(text: string): Array<{ names: string[]; from: string }> {
	const found: Array<{ names: string[]; from: string }> = [];
	for (const match of text.matchAll(/(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
		const names = match[1]
			.split(',')
			.map((part) => part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0])
			.filter(Boolean);
		found.push({ names, from: match[2] });
	}
	return found;
}

test('no file of the transport imports n8n at run time (type imports vanish when compiled)', () => {
	const runtimeImports = sourceFiles(transport)
		.filter((file) => !file.endsWith('.test.ts'))
		.flatMap((file) =>
			[...readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\s)[^;]*from\s+'(n8n-[^']+)'/gm)].map((match) => `${relative(root, file)}: ${match[1]}`),
		);
	expect(runtimeImports).toEqual([]);
});

test('index.ts exports exactly the names code outside the transport imports from it', () => {
	const indexText = readFileSync(join(transport, 'index.ts'), 'utf8');
	const exported = new Set([
		...namedImports(indexText).flatMap(({ names }) => names),
		...[...indexText.matchAll(/^export const (\w+)/gm)].map((match) => match[1]),
	]);
	const used = new Set<string>();
	const outside = ['nodes', 'credentials', 'test', 'bench', 'scripts']
		.flatMap((dir) => sourceFiles(join(root, dir)))
		.filter((file) => !file.startsWith(transport + '/'));
	for (const file of outside) {
		for (const { names, from } of namedImports(readFileSync(file, 'utf8'))) {
			if (!from.startsWith('.')) continue;
			const target = resolve(dirname(file), from);
			if (target === transport || target === join(transport, 'index')) names.forEach((name) => used.add(name));
		}
	}
	expect([...exported].sort()).toEqual([...used].sort());
});
