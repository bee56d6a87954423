/**
 * The README and the real-account guide read as a manual a new user can follow: they call the nodes and the credential
 * what n8n shows, send nobody to a port `npm start` may not have used, and every picture and Meta page they point to
 * is there. (What n8n's pickers show is checked in a real editor by test/e2e/browser.test.ts.)
 */
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

import { WhatsAppCloudApi } from '../../credentials/WhatsAppCloudApi.credentials';
import { WhatsAppBusinessAccount } from '../../nodes/WhatsAppBusinessAccount/WhatsAppBusinessAccount.node';
import { WhatsAppMedia } from '../../nodes/WhatsAppMedia/WhatsAppMedia.node';
import { WhatsAppMetrics } from '../../nodes/WhatsAppMetrics/WhatsAppMetrics.node';
import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppTrigger } from '../../nodes/WhatsAppTrigger/WhatsAppTrigger.node';

const root = resolve(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const guide = readFileSync(join(root, 'docs', 'meta-setup.md'), 'utf8');
const nodeNames = [new WhatsAppSendMessage(), new WhatsAppMedia(), new WhatsAppMetrics(), new WhatsAppTrigger()].map(
	(node) => node.description.displayName,
);
const credentialName = new WhatsAppCloudApi().displayName;

test.each(nodeNames)('the README calls the node "%s" by the name its panel shows, and by the name n8n\'s picker shows', (name) => {
	expect(readme).toContain(`**${name}**`);
	// n8n's node picker drops " Trigger" from a trigger's name.
	expect(readme).toContain(`"${name.replace(/ Trigger$/, '')}"`);
});

test('the README and the guide call the credential what n8n\'s credential picker shows', () => {
	expect(credentialName).toBe('WhatsApp Cloud Nodes API');
	expect(readme).toContain(`**${credentialName}**`);
	expect(guide).toContain(`**${credentialName}**`);
});

test('no name the nodes or the credential do not have', () => {
	for (const stale of ['Get Metrics', 'Upload Media', '**WhatsApp Cloud API**', 'Credential: WhatsApp Cloud API', 'the WhatsApp Trigger']) {
		expect({ stale, inReadme: readme.includes(stale), inGuide: guide.includes(stale) }).toEqual({ stale, inReadme: false, inGuide: false });
	}
});

test('every node folder the README names is a node folder of the package', () => {
	const folders = [...new Set([...readme.matchAll(/nodes\/(WhatsApp\w+)\//g)].map((match) => match[1]))];
	expect(folders.length).toBeGreaterThanOrEqual(5);
	for (const folder of folders) expect({ folder, exists: existsSync(join(root, 'nodes', folder)) }).toEqual({ folder, exists: true });
});

test('no simulator command assumes port 4100: npm start may have taken another', () => {
	expect(readme).not.toMatch(/curl[^\n]*127\.0\.0\.1:4100/);
	expect(readme).toContain('"$SIM/_sim/log?to=15550001234&limit=1"');
});

test('every picture the guide shows is in docs/images, and every step on Meta\'s side names Meta\'s page', () => {
	const images = [...guide.matchAll(/\]\((images\/[^)]+)\)/g)].map((match) => match[1]);
	expect(images.length).toBeGreaterThanOrEqual(5);
	for (const image of images) expect({ image, exists: existsSync(join(root, 'docs', image)) }).toEqual({ image, exists: true });
	const metaSteps = guide.split(/^## /m).slice(1).filter((step) => /^(1|2|3|4|5|7|9|10)\. /.test(step));
	for (const step of metaSteps) expect({ step: step.split('\n')[0], namesMetaPage: /developers\.facebook\.com/.test(step) }).toEqual({ step: step.split('\n')[0], namesMetaPage: true });
});

describe('the README\'s WhatsApp Business Account section', () => {
	const account = new WhatsAppBusinessAccount().description;
	const section = readme.split(/^### /m).find((part) => part.startsWith(`${account.displayName}\n`)) ?? '';
	const resources = (account.properties.find((property) => property.name === 'resource')?.options ?? []) as Array<{ name: string; value: string }>;
	/** A resource's part of the section: from its bold name to the next resource's. */
	const partOf = (name: string): string => {
		const start = section.search(new RegExp(`\\*\\*${name}s?\\*\\*`));
		const ends = resources.map((other) => section.search(new RegExp(`\\*\\*${other.name}s?\\*\\*`))).filter((at) => at > start);
		return start < 0 ? '' : section.slice(start, Math.min(section.length, ...ends));
	};

	test('sits under "The nodes" after WhatsApp Metrics, headed by the name the panel shows', () => {
		expect(section).not.toBe('');
		const nodes = readme.slice(readme.indexOf('## The nodes'));
		expect(nodes.indexOf(`### ${account.displayName}\n`)).toBeGreaterThan(nodes.indexOf('### WhatsApp Metrics\n'));
	});

	test.each(resources.map((resource) => [resource.name, resource.value]))('names the resource "%s" in bold and every operation it offers', (name, value) => {
		const part = partOf(name).toLowerCase();
		expect({ name, inSection: part !== '' }).toEqual({ name, inSection: true });
		const operations = (account.properties.find((property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes(value))?.options ?? []) as Array<{ name: string }>;
		expect(operations.length).toBeGreaterThan(1);
		for (const operation of operations) {
			const missing = operation.name.toLowerCase().split(' ').filter((word) => !part.includes(word));
			expect({ operation: operation.name, missing }).toEqual({ operation: operation.name, missing: [] });
		}
	});

	test('shows the node\'s panels with the browser test\'s screenshots, each in docs/images', () => {
		const images = [...section.matchAll(/\]\((docs\/images\/[^)]+)\)/g)].map((match) => match[1]);
		expect(images).toEqual(['docs/images/account-template-create.png', 'docs/images/account-qr-create.png']);
		for (const image of images) expect({ image, exists: existsSync(join(root, image)) }).toEqual({ image, exists: true });
	});

	test('says the management budget, the 24-hour blocking rule and the time-to-live as the node applies them', () => {
		expect(section).toContain('200 calls an hour');
		expect(section).toContain('5,000');
		expect(section).toContain('last 24 hours');
		expect(section).toContain('64,000');
		expect(section).toContain('time-to-live');
	});
});
