/**
 * The editor in a browser: headless Chromium (Debian's `chromium`) driven by playwright-core logs into a real n8n with
 * the pack, opens the demo workflows, each of our five nodes and the credential, and saves a screenshot of each to
 * test/e2e/artifacts/screenshots/. Each panel must show the fields the node's description makes visible, and what a
 * first try tripped over must not come back (a demo marked changed on opening, n8n's generic "At most 3 fields are
 * allowed", a red empty Language, a template Header saying "None", names that disagree). The `guide-*.png`
 * screenshots are the ones docs/meta-setup.md and the README show (copied to docs/images/).
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { ARTIFACTS_DIR, CREDENTIAL_ID, DEFAULT_OWNER, INSTALL_TIMEOUT_MS, loadWorkflow, startStack, type Stack } from './helpers';

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
/** Nodes whose editor behaviour a first try tripped over (test/e2e/workflows/editor-checks.json). */
const editorChecks = loadWorkflow('editor-checks') as unknown as DemoWorkflow;
/** The WhatsApp Business Account node, as Create Template and Create QR Code (test/e2e/workflows/account-panels.json). */
const accountPanels = loadWorkflow('account-panels') as unknown as DemoWorkflow;
const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

/** The built node's description, as n8n loads it from dist/. */
function describeType(type: string): { properties: Property[]; displayName: string } {
	const name = type.split('.').pop() as string;
	const file = name.charAt(0).toUpperCase() + name.slice(1);
	const kind = file === 'WhatsAppCloudApi' ? 'credentials' : 'nodes';
	const modulePath = kind === 'credentials'
		? path.join(REPO, 'dist', 'credentials', `${file}.credentials.js`)
		: path.join(REPO, 'dist', 'nodes', file, `${file}.node.js`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(modulePath) as Record<string, new () => { description?: { properties: Property[]; displayName: string }; properties?: Property[]; displayName?: string }>;
	const instance = new exported[file]();
	return { properties: instance.description?.properties ?? instance.properties ?? [], displayName: instance.description?.displayName ?? instance.displayName ?? '' };
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

/** A screenshot of one part of the page, for the guide (small: the panel, not the whole window). */
async function guideShot(name: string, part: ReturnType<Page['locator']>): Promise<void> {
	await part.screenshot({ path: path.join(SCREENSHOTS, `guide-${name}.png`) });
}

/** Opens a node's panel and waits for its fields (and for what they load from the simulator). */
async function openPanel(workflowId: string, nodeId: string, settleMs = 1500): Promise<ReturnType<Page['locator']>> {
	await page.goto(`${stack.n8n.url}/workflow/${workflowId}/${nodeId}`);
	const ndv = page.locator('[data-test-id="ndv"]').first();
	await ndv.waitFor();
	await page.locator('[data-test-id="node-parameters"]').first().waitFor();
	await page.waitForTimeout(settleMs);
	return ndv;
}

/** What a field shows (an options field shows the chosen option's name in its input). */
async function shownValue(parameter: string): Promise<string> {
	return page.locator(`[data-test-id="parameter-input-${parameter}"] input`).first().inputValue();
}

/** The saved workflow's version, read the way the editor reads it. */
async function savedVersion(workflowId: string): Promise<string> {
	// Runs in the page: its `localStorage` holds the browser ID n8n's REST API checks beside the session cookie.
	return page.evaluate(`(async () => {
		const response = await fetch('/rest/workflows/${workflowId}', { headers: { 'browser-id': localStorage.getItem('n8n-browserId') || '' } });
		return (await response.json()).data.versionId;
	})()`);
}

/** Polls until `check` holds (what the editor loads from the simulator arrives a moment after the panel opens). */
async function until(check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Still not so after ${timeoutMs} ms: ${check.toString()}`);
		await page.waitForTimeout(250);
	}
}

const nodeOf = (workflow: DemoWorkflow, name: string) => workflow.nodes.find((node) => node.name === name) as DemoWorkflow['nodes'][number];

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium, or set CHROMIUM_PATH`);
	fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	stack = await startStack({ name: 'browser' });
	workflows = demoWorkflows(stack.sim.fixture);
	await stack.n8n.importWorkflows([...workflows, editorChecks, accountPanels] as never);
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

test.each(Object.keys(DEMO_IDS))('opening the %s demo and each of our nodes in it leaves it as saved: nothing to save, no autosave', async (key) => {
	const workflow = workflows.find((candidate) => candidate.id === DEMO_IDS[key as keyof typeof DEMO_IDS]) as DemoWorkflow;
	await page.goto(`${stack.n8n.url}/workflow/${workflow.id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
	const before = await savedVersion(workflow.id);
	const saves: string[] = [];
	const onRequest = (request: { method(): string; url(): string }) => {
		if (request.method() !== 'GET' && request.url().includes(`/rest/workflows/${workflow.id}`)) saves.push(`${request.method()} ${request.url()}`);
	};
	page.on('request', onRequest);
	try {
		// A panel fills in what the saved node lacks (defaults, a resource mapper's state); n8n then saves on its own.
		for (const node of workflow.nodes.filter((candidate) => candidate.type.startsWith('{{PACKAGE}}.'))) await openPanel(workflow.id, node.id, 3000);
		await page.waitForTimeout(3000);
	} finally {
		page.off('request', onRequest);
	}
	expect(saves).toEqual([]);
	expect(await savedVersion(workflow.id)).toBe(before);
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

test.each([
	['17-account-template-create', 'Create Template', 'Template: Create', 'account-template-create'],
	['18-account-qr-create', 'Create QR Code', 'QR Code: Create', 'account-qr-create'],
])('%s: the WhatsApp Business Account panel of "%s" shows its fields and the budget notice', async (shot, nodeName, subtitle, guide) => {
	const node = nodeOf(accountPanels, nodeName);
	const ndv = await openPanel(accountPanels.id, node.id);
	await screenshot(shot);
	await guideShot(guide, page.locator('[data-test-id="node-parameters"]').first());
	const text = await ndv.innerText();
	const labels = visibleLabels(describeType(node.type).properties, node.parameters);
	expect(labels).toEqual(expect.arrayContaining(['Resource', 'Operation']));
	for (const label of labels) expect(text).toContain(label);
	expect(text).toContain('Every call counts in Meta\'s management budget');
	expect(text).not.toMatch(/not (currently )?installed/i);
	// The canvas names the operation under the node, as the panel's Resource and Operation say.
	await page.goto(`${stack.n8n.url}/workflow/${accountPanels.id}`);
	const onCanvas = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"], [data-node-name="${nodeName}"]`).first();
	await onCanvas.getByText(subtitle, { exact: true }).first().waitFor();
});

test('10: a fourth reply button is refused in our words in the panel, and running the node names the item and the field', async () => {
	const ndv = await openPanel(editorChecks.id, nodeOf(editorChecks, 'Four Buttons').id);
	const text = await ndv.innerText();
	expect(text).toContain('"Buttons" has more than 3 buttons: WhatsApp allows at most 3 reply buttons');
	expect(text).not.toMatch(/fields are allowed/);
	await page.locator('[data-test-id="node-execute-button"]').first().click();
	const output = page.locator('[data-test-id="output-panel"]').first();
	await output.getByText('WhatsApp allows at most 3 reply buttons', { exact: false }).first().waitFor();
	await screenshot('10-four-buttons');
	expect(await output.innerText()).toContain('Item 1: "Buttons" has 4 buttons; WhatsApp allows at most 3 reply buttons');
	expect(stack.sim.log()).toHaveLength(0);
});

test('11: an eleventh list row is refused in our words in the panel, naming the section', async () => {
	const text = await (await openPanel(editorChecks.id, nodeOf(editorChecks, 'Eleven Rows').id)).innerText();
	expect(text).toContain('"Sections #1 › Rows" has more than 10 rows: WhatsApp allows at most 10 rows in a list');
	expect(text).not.toMatch(/fields are allowed/);
});

test('12: a template\'s empty Language is not red and names the language it sends; Header says what the template needs', async () => {
	const ndv = await openPanel(editorChecks.id, nodeOf(editorChecks, 'Order Confirmation').id);
	await ndv.getByText('Header {{1}} (e.g. #4512)').first().waitFor();
	await until(async () => (await shownValue('templateHeader')) !== '');
	// n8n marks an options value missing from the loaded list in red: class has-issues and an issue icon.
	const language = page.locator('[data-test-id="parameter-input-language"]').first();
	expect(await language.getAttribute('class')).not.toMatch(/has-issues/);
	expect(await ndv.innerText()).not.toMatch(/is not supported/);
	expect(await shownValue('language')).toBe('First Approved Language (en_US)');
	expect(await shownValue('templateHeader')).toBe('Text: {{1}} Is Filled in Template Fields');
	await screenshot('12-template-fields');
	await guideShot('template-fields', page.locator('[data-test-id="node-parameters"]').first());
});

test('13: the template list shows each template\'s languages, category and the start of its body', async () => {
	await openPanel(editorChecks.id, nodeOf(editorChecks, 'Order Confirmation').id);
	await page.locator('[data-test-id="parameter-input-template"] input').last().click();
	// The chosen template is listed at once by its saved name; the rest arrive from the simulator.
	await until(async () => (await page.locator('[data-test-id="rlc-item"]').count()) > 1);
	const items = await page.locator('[data-test-id="rlc-item"]').allInnerTexts();
	expect(items).toContain('order_confirmation (en_US, pt_BR, es · Utility): Hi {{1}}, your order {{2}} of {{3}} is confirmed and will…');
	await screenshot('13-template-list');
	await guideShot('template-list', page.locator('[data-test-id="node-parameters"]').first());
});

test('14: the trigger panel shows the production URL Meta is given', async () => {
	const ndv = await openPanel(DEMO_IDS.echoBot, nodeOf(workflows[0], 'On WhatsApp Message').id);
	await ndv.getByText('Webhook URLs', { exact: true }).first().click();
	await ndv.getByText('Production URL', { exact: true }).first().click();
	await ndv.getByText(`${stack.n8n.url}/webhook/`, { exact: false }).first().waitFor();
	await screenshot('14-trigger-urls');
	await guideShot('trigger-urls', page.locator('[data-test-id="node-parameters"]').first());
});

test('15: the credential picker shows ours as "WhatsApp Cloud Nodes API" beside n8n\'s two, and the README calls it that', async () => {
	const ours = describeType('whatsAppCloudApi').displayName;
	await page.goto(`${stack.n8n.url}/home/credentials/create`);
	const modal = page.locator('[data-test-id="selectCredential-modal"]').first();
	await modal.waitFor();
	await modal.locator('[data-test-id="new-credential-type-select"] input').first().fill('WhatsApp');
	await page.locator('[data-test-id="new-credential-type-select-option"]').first().waitFor();
	const options = await page.locator('[data-test-id="new-credential-type-select-option"]').allInnerTexts();
	await screenshot('15-credential-picker');
	await guideShot('credential-picker', modal);
	expect(options.map((option) => option.trim())).toEqual(expect.arrayContaining(['WhatsApp API', 'WhatsApp OAuth API', ours]));
	expect(ours).toBe('WhatsApp Cloud Nodes API');
	expect({ ours, inReadme: README.includes(`**${ours}**`) }).toEqual({ ours, inReadme: true });
});

test('16: the node picker lists our five nodes by the names the README uses', async () => {
	await page.goto(`${stack.n8n.url}/workflow/${DEMO_IDS.broadcast}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
	await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
	await page.locator('[data-test-id="node-creator-search-bar"] input, [data-test-id="node-creator-search-bar"]').first().waitFor();
	await page.keyboard.type('WhatsApp');
	await page.locator('[data-test-id="node-creator-item-name"]').first().waitFor();
	await page.waitForTimeout(1000);
	const listed = (await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts()).map((name) => name.trim());
	await screenshot('16-node-picker');
	await guideShot('node-picker', page.locator('[data-test-id="node-creator"]').first());
	for (const type of ['whatsAppSendMessage', 'whatsAppMedia', 'whatsAppMetrics', 'whatsAppTrigger']) {
		const { displayName } = describeType(type);
		// n8n's picker drops " Trigger" from a trigger's name; the canvas and the panel keep it.
		const inPicker = displayName.replace(/ Trigger$/, '');
		expect(listed).toContain(inPicker);
		expect({ displayName, inReadme: README.includes(`**${displayName}**`) }).toEqual({ displayName, inReadme: true });
		expect({ inPicker, inReadme: README.includes(`"${inPicker}"`) }).toEqual({ inPicker, inReadme: true });
	}
	// The management node sits next to the others under the same search, and has its own README section.
	const account = describeType('whatsAppBusinessAccount').displayName;
	expect(account).toBe('WhatsApp Business Account');
	expect(listed).toContain(account);
	expect({ account, inReadme: README.includes(`### ${account}\n`) }).toEqual({ account, inReadme: true });
});

test('08-credential: the credential dialog shows every field of the WhatsApp Cloud Nodes API credential', async () => {
	await page.goto(`${stack.n8n.url}/home/credentials/${CREDENTIAL_ID}`);
	const dialog = page.locator('[data-test-id="credential-edit-dialog"]').first();
	await dialog.waitFor();
	await page.waitForTimeout(1500);
	await screenshot('08-credential');
	await guideShot('credential', dialog);
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
