/**
 * The node type names users save in their workflows (`n8n-nodes-whatsapp-cloud.<name>`) are fixed at the first
 * publish: renaming one later breaks every saved workflow. So each node's folder, file, class, type name, display name,
 * codex and icons say the same thing, checked here from source for every node package.json registers.
 * Conventions: eslint-plugin-n8n-nodes-base (n8n's own nodes) node-dirname-against-convention and
 * node-class-description-name-miscased (https://raw.githubusercontent.com/ivov/eslint-plugin-n8n-nodes-base/HEAD/docs/rules/);
 * @n8n/eslint-plugin-community-nodes (our lint) trigger-node-conventions and icon-prefer-themed-variants.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

const root = resolve(__dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[] };
};

/**
 * Where the display name says more than the class: n8n's built-in trigger is "WhatsApp Trigger", and n8n's picker
 * drops " Trigger", so ours adds "Cloud" to be told apart from it there.
 */
const DISPLAY_NAME_EXCEPTIONS: Record<string, string> = { WhatsAppTrigger: 'WhatsApp Cloud Trigger' };

interface RegisteredNode {
	folder: string;
	file: string;
	description: INodeTypeDescription;
	exported: string[];
}

function load(distPath: string): RegisteredNode {
	const match = /^dist\/nodes\/([^/]+)\/([^/]+)\.node\.js$/.exec(distPath);
	if (!match) throw new Error(`package.json n8n.nodes has "${distPath}", not dist/nodes/<Folder>/<Name>.node.js`);
	const [, folder, file] = match;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const module = require(join(root, 'nodes', folder, `${file}.node.ts`)) as Record<string, new () => INodeType>;
	const NodeClass = module[file];
	return { folder, file, exported: Object.keys(module), description: NodeClass ? new NodeClass().description : ({} as INodeTypeDescription) };
}

const nodes = packageJson.n8n.nodes.map(load);

test('package.json registers one node per folder under nodes/, and every such folder', () => {
	const folders = readdirSync(join(root, 'nodes'), { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && entry.name !== 'shared')
		.map((entry) => entry.name)
		.sort();
	expect(nodes.map((node) => node.folder).sort()).toEqual(folders);
});

test('the registered type names are the five decided before the first publish', () => {
	expect(nodes.map((node) => node.description.name).sort()).toEqual([
		'whatsAppBusinessAccount',
		'whatsAppMedia',
		'whatsAppMetrics',
		'whatsAppSendMessage',
		'whatsAppTrigger',
	]);
});

describe.each(nodes.map((node) => [node.folder, node] as const))('%s', (_folder, node) => {
	const { folder, file, description } = node;
	const displayName = DISPLAY_NAME_EXCEPTIONS[file] ?? `WhatsApp ${file.replace(/^WhatsApp/, '').replace(/([a-z])([A-Z])/g, '$1 $2')}`;

	test('its file and the class it exports are named as its folder', () => {
		expect(file).toBe(folder);
		expect(node.exported).toContain(folder);
	});

	test('its type name is the class name in camel case', () => {
		expect(description.name).toBe(folder[0].toLowerCase() + folder.slice(1));
	});

	test('its display name reads "WhatsApp <Thing>" as the class does, and new nodes take that name on the canvas', () => {
		expect(description.displayName).toBe(displayName);
		expect(description.defaults.name).toBe(description.displayName);
	});

	test('its codex names the same node type', () => {
		const codex = JSON.parse(readFileSync(join(root, 'nodes', folder, `${file}.node.json`), 'utf8')) as { node: string };
		expect(codex.node).toBe(`${packageJson.name}.${description.name}`);
	});

	test('it shows the package\'s light and dark icons', () => {
		expect(description.icon).toEqual({ light: 'file:../../icons/whatsapp.svg', dark: 'file:../../icons/whatsapp.dark.svg' });
		for (const icon of ['whatsapp.svg', 'whatsapp.dark.svg']) expect(existsSync(join(root, 'icons', icon))).toBe(true);
	});

	test('a trigger says so in its class, type name and display name, and only a trigger does', () => {
		const isTrigger = description.group.includes('trigger');
		expect({ file: file.endsWith('Trigger'), name: description.name.endsWith('Trigger'), displayName: description.displayName.endsWith(' Trigger') }).toEqual({
			file: isTrigger,
			name: isTrigger,
			displayName: isTrigger,
		});
	});
});
