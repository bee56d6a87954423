/**
 * The editor in a browser: headless Chromium (Debian's `chromium`) driven by playwright-core logs into a real n8n with
 * the pack, opens the demo workflows, each of our four nodes and the credential, and saves a screenshot of each to
 * test/e2e/artifacts/screenshots/. Each panel must show the fields the node's description makes visible.
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { ARTIFACTS_DIR, CREDENTIAL_ID, DEFAULT_OWNER, INSTALL_TIMEOUT_MS, startStack, type Stack } from './helpers';

/* eslint-disable @typescript-eslint/no-require-imports */
const { demoWorkflows, DEMO_IDS } = require('../../scripts/demo/workflows') as {
	demoWorkflows: (fixture: unknown) => DemoWorkflow[];
	DEMO_IDS: Record<'echoBot' | 'broadcast' | 'metrics' | 'sendImage', string>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface DemoWorkflow {
	id: string;
	nodes: Array<{ id: string; name: string; type: string; parameters: Record<string, unknown> }>;
}

interface Property {
	displayName: string;
	name: string;
	type: string;
	default?: unknown;
	displayOptions?: { show?: Record<string, unknown[]>; hide?: Record<string, unknown[]> };
}

jest.setTimeout(10 * 60 * 1000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(ARTIFACTS_DIR, 'screenshots');
const REPO = path.resolve(__dirname, '..', '..');

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let workflows: DemoWorkflow[];

/** The built node's description, as n8n loads it from dist/. */
function describeType(type: string): { properties: Property[] } {
	const name = type.split('.').pop() as string;
	const file = name.charAt(0).toUpperCase() + name.slice(1);
	const kind = file === 'WhatsAppCloudApi' ? 'credentials' : 'nodes';
	const modulePath = kind === 'credentials'
		? path.join(REPO, 'dist', 'credentials', `${file}.credentials.js`)
		: path.join(REPO, 'dist', 'nodes', file, `${file}.node.js`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(modulePath) as Record<string, new () => { description?: { properties: Property[] }; properties?: Property[] }>;
	const instance = new exported[file]();
	return { properties: instance.description?.properties ?? instance.properties ?? [] };
}

function valueOf(parameters: Record<string, unknown>, property: Property | undefined): unknown {
	if (!property) return undefined;
	const value = property.name in parameters ? parameters[property.name] : property.default;
	return value && typeof value === 'object' && '__rl' in (value as object) ? (value as { value: unknown }).value : value;
}

/** Labels a panel must show: top-level fields whose plain show/hide conditions hold for the node's parameters. */
function visibleLabels(properties: Property[], parameters: Record<string, unknown>): string[] {
	const byName = new Map(properties.map((property) => [property.name, property]));
	const plain = (values: unknown[]) => values.every((value) => typeof value !== 'object' || value === null);
	const holds = (conditions: Record<string, unknown[]> | undefined, wanted: boolean): boolean | undefined => {
		if (!conditions) return true;
		for (const [name, values] of Object.entries(conditions)) {
			if (name.startsWith('@') || name.startsWith('/') || !plain(values)) return undefined;
			const matches = values.includes(valueOf(parameters, byName.get(name)));
			if (matches !== wanted) return false;
		}
		return true;
	};
	return properties
		// Not labelled by their displayName: notices show their text, a resource mapper shows its own heading.
		.filter((property) => !['notice', 'hidden', 'callout', 'button', 'resourceMapper'].includes(property.type))
		.filter((property) => {
			const show = holds(property.displayOptions?.show, true);
			const hide = property.displayOptions?.hide ? holds(property.displayOptions.hide, false) : true;
			return show === true && hide === true;
		})
		.map((property) => property.displayName);
}

async function screenshot(name: string): Promise<string> {
	const file = path.join(SCREENSHOTS, `${name}.png`);
	await page.screenshot({ path: file });
	return file;
}

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium, or set CHROMIUM_PATH`);
	fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	stack = await startStack({ name: 'browser' });
	workflows = demoWorkflows(stack.sim.fixture);
	await stack.n8n.importWorkflows(workflows as never);
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			// launch() gives Chromium a fresh temporary profile (--user-data-dir) of its own each run.
		],
	});
	context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
	page = await context.newPage();
	page.setDefaultTimeout(60000);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await browser?.close().catch(() => undefined);
	await stack?.stop();
});

test('the owner logs into the editor with the email and password npm start prints', async () => {
	await page.goto(`${stack.n8n.url}/signin`);
	const form = page.locator('[data-test-id="signin-form"]');
	await form.waitFor();
	await form.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(DEFAULT_OWNER.email);
	await form.locator('input[type="password"]').first().fill(DEFAULT_OWNER.password);
	await screenshot('01-signin');
	await page.locator('[data-test-id="form-submit-button"], button[type="submit"]').first().click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60000 });
	expect(new URL(page.url()).pathname).not.toMatch(/signin/);
});

test('the echo bot opens on the canvas with the WhatsApp Trigger and Send Message nodes', async () => {
	await page.goto(`${stack.n8n.url}/workflow/${DEMO_IDS.echoBot}`);
	for (const name of ['On WhatsApp Message', 'Reply with Buttons']) {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"], [data-node-name="${name}"]`).first().waitFor();
	}
	await page.waitForTimeout(1500);
	await screenshot('02-echo-bot-canvas');
});

const panels: Array<[string, string, string]> = [
	['03-trigger', 'echoBot', 'On WhatsApp Message'],
	['04-send-message-buttons', 'echoBot', 'Reply with Buttons'],
	['05-send-message-template', 'broadcast', 'Send hello_world Template'],
	['06-get-metrics', 'metrics', 'Messages per Day'],
	['07-upload-media', 'sendImage', 'Upload to WhatsApp'],
];

test.each(panels)('%s: the node panel of "%s › %s" shows its fields', async (shot, workflowKey, nodeName) => {
	const workflow = workflows.find((candidate) => candidate.id === DEMO_IDS[workflowKey as keyof typeof DEMO_IDS]) as DemoWorkflow;
	const node = workflow.nodes.find((candidate) => candidate.name === nodeName) as DemoWorkflow['nodes'][number];
	await page.goto(`${stack.n8n.url}/workflow/${workflow.id}/${node.id}`);
	const ndv = page.locator('[data-test-id="ndv"]').first();
	await ndv.waitFor();
	await page.locator('[data-test-id="node-parameters"]').first().waitFor();
	await page.waitForTimeout(1500);
	await screenshot(shot);
	const text = await ndv.innerText();
	const labels = visibleLabels(describeType(node.type).properties, node.parameters);
	expect(labels.length).toBeGreaterThan(1);
	for (const label of labels) expect(text).toContain(label);
	// A node that failed to load shows n8n's "install this node" notice instead of fields.
	expect(text).not.toMatch(/not (currently )?installed/i);
});

test('08-credential: the credential dialog shows every field of the WhatsApp Cloud Nodes API credential', async () => {
	await page.goto(`${stack.n8n.url}/home/credentials/${CREDENTIAL_ID}`);
	const dialog = page.locator('[data-test-id="credential-edit-dialog"]').first();
	await dialog.waitFor();
	await page.waitForTimeout(1500);
	await screenshot('08-credential');
	const text = await dialog.innerText();
	const credential = describeType('whatsAppCloudApi');
	const data = { throughputTier: 'standard' };
	const labels = visibleLabels(credential.properties, data);
	expect(labels).toEqual(expect.arrayContaining(['Access Token', 'Graph Base URL']));
	for (const label of labels) expect(text).toContain(label);
	// The limits sit below the connection fields, inside the dialog's own scroll area: a second picture.
	await dialog.getByText(labels[labels.length - 1], { exact: true }).first().scrollIntoViewIfNeeded();
	await page.waitForTimeout(500);
	await screenshot('09-credential-limits');
});
