/**
 * Template sends and Meta's management budget: 200 management calls (template reads among them) per app per WABA per
 * rolling hour, 5,000 with a registered number, 80007 past it. The simulator is set to 200 here, so a node that read
 * the template once per execution would spend the hour within 200 executions.
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ (WhatsApp Business Management API)
 */
import type { IDataObject, ILoadOptionsFunctions, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { getTemplateFields } from '../../shared/descriptions';
import { send, withSimulator } from './helpers';
import { resetGateForTests } from '../../../test/support/testHooks';

let sim: Simulator;

withSimulator((started) => (sim = started));

/** Set when a test ends, so its executions stop starting new ones (a failing run must not go on after it). */
let ended = false;

beforeEach(async () => {
	ended = false;
	await resetGateForTests();
	sim.configure({ managementHourlyLimit: 200 });
});

afterEach(async () => {
	ended = true;
	await resetGateForTests();
});

afterAll(async () => {
	await resetGateForTests();
});

const templateReads = () => sim.requests().filter((request) => request.method === 'GET' && request.path.endsWith('/message_templates')).length;

/** One bot answer: the order confirmation template to one customer, checked against the template (the default). */
function confirmation(recipient: string, language = 'en_US'): INodeParameters {
	return {
		messageType: 'template',
		templateInputMode: 'manual',
		template: { __rl: true, mode: 'name', value: 'order_confirmation' },
		language,
		templateHeader: 'text',
		templateHeaderText: '#4512',
		templateBodyParameters: {
			parameter: ['Ana', '#4512', '$25.90', 'Monday'].map((text, index) => ({ variable: String(index + 1), type: 'text', text })),
		},
		templateButtons: { button: [{ subType: 'url', index: 0, text: '4512' }] },
		recipient,
	};
}

/** Runs `count` executions of one item each, `concurrency` at a time (a bot answering many customers at once). */
async function executions(count: number, concurrency: number, parameters: (index: number) => INodeParameters): Promise<number> {
	let next = 0;
	let failed = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < count && !ended) {
				const result = await send(sim, parameters(next++));
				if (result.error) failed++;
			}
		}),
	);
	return failed;
}

test('1,000 executions of one item each, sending a template, make at most one template read and get no 80007', async () => {
	const failed = await executions(1000, 25, (index) => confirmation(`+1650555${String(index).padStart(4, '0')}`));
	expect(failed).toBe(0);
	expect(sim.log()).toHaveLength(1000);
	expect(templateReads()).toBeLessThanOrEqual(1);
	expect(sim.counters().rejectedByCode['80007']).toBeUndefined();
}, 120_000);

test('a send Meta refuses as not matching the template (132015: paused) makes the next execution read it afresh', async () => {
	expect((await send(sim, confirmation('+16505550001'))).error).toBeUndefined();
	expect(templateReads()).toBe(1);
	// Meta pauses the template; the kept definition still says approved, so the next send goes out and is refused.
	const paused = sim.fixture.templates.find((template) => template.name === 'order_confirmation' && template.language === 'en_US')!;
	const status = paused.status;
	paused.status = 'PAUSED';
	try {
		const refused = await send(sim, confirmation('+16505550002'));
		expect(refused.error?.message).toMatch(/paused/i);
		expect(templateReads()).toBe(1);
		// Read afresh: the node now says why before any send.
		const checked = await send(sim, confirmation('+16505550003'));
		expect(checked.error?.message).toMatch(/is paused, not approved/);
		expect(templateReads()).toBe(2);
		expect(sim.log()).toHaveLength(1);
	} finally {
		paused.status = status;
	}
});

test("the editor's template look-up reads afresh and the next execution checks against what it read", async () => {
	await send(sim, confirmation('+16505550001'));
	expect(templateReads()).toBe(1);
	// A language added at Meta: executions keep the definition they have until a user opens the template's fields.
	const added = { ...sim.fixture.templates.find((template) => template.name === 'order_confirmation' && template.language === 'en_US')!, id: '990000000000099', language: 'en_GB' };
	sim.fixture.templates.push(added);
	try {
		expect((await send(sim, confirmation('+16505550002', 'en_GB'))).error?.message).toMatch(/has no language "en_GB"/);
		expect(templateReads()).toBe(1);
		await getTemplateFields.call(loadOptionsContext({ template: 'order_confirmation', language: 'en_GB' }));
		expect(templateReads()).toBe(2);
		expect((await send(sim, confirmation('+16505550003', 'en_GB'))).error).toBeUndefined();
		expect(templateReads()).toBe(2);
	} finally {
		sim.fixture.templates.splice(sim.fixture.templates.indexOf(added), 1);
	}
});

/** What loadOptions methods need of n8n: the credential and the node's parameters. */
function loadOptionsContext(parameters: IDataObject) {
	return {
		getCredentials: async () => ({ accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId }),
		getNode: () => ({ name: 'Send', type: 'whatsAppSendMessage', typeVersion: 1, position: [0, 0], parameters: {} }),
		getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
	} as unknown as ILoadOptionsFunctions;
}
