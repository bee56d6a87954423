/**
 * The WABA's phone-number list (`GET /{waba-id}/phone_numbers`, paged; the fields Meta's list answers, as in
 * CLOUD_API.md's Metrics section) as the Sender Pool's picker and check read it, against the simulator over HTTP.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { destroyGraphClients } from '../transport';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { defaultFixture } from '../../../test/simulator/fixture';
import { cachedWabaPhoneNumbers, getWabaPhoneNumbers } from './wabaNumbers';
import { clearManagementCache } from '../../../test/support/testHooks';

let sim: Simulator;

/** 130 numbers: more than one page of 100. */
const manyNumbers = Array.from({ length: 130 }, (_, i) => ({
	...defaultFixture().phoneNumbers[0],
	id: String(310000000000000 + i),
	displayPhoneNumber: `+1 555-01${String(i).padStart(2, '0')}`,
	verifiedName: `Shop ${i}`,
}));

const credentials = () => ({ accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId });
// The gate's own count of registered numbers (`fields=id`) left out.
const listCalls = () => sim.requests().filter((request) => request.path.endsWith('/phone_numbers') && request.query.includes('display_phone_number')).length;

function loadOptionsContext(overrides: Record<string, unknown> = {}): ILoadOptionsFunctions {
	return {
		getCredentials: async () => ({ ...credentials(), ...overrides }),
		getNode: () => ({ id: '1', name: 'Send', type: 'whatsAppSendMessage', typeVersion: 1, position: [0, 0], parameters: {} }),
	} as unknown as ILoadOptionsFunctions;
}

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none', fixture: { phoneNumbers: manyNumbers } });
});
afterEach(() => {
	sim.reset();
	clearManagementCache();
});
afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

test('the picker lists every number of every page, named by display number and verified name, valued by ID', async () => {
	const options = await getWabaPhoneNumbers.call(loadOptionsContext());
	expect(options).toHaveLength(130);
	expect(options[0]).toMatchObject({ name: '+1 555-0100 · Shop 0', value: '310000000000000', description: 'Quality: GREEN' });
	expect(listCalls()).toBe(2);
});

test('the kept list is read once for many callers, and the picker reads it afresh', async () => {
	const [first, second] = await Promise.all([cachedWabaPhoneNumbers(credentials(), sim.fixture.wabaId), cachedWabaPhoneNumbers(credentials(), sim.fixture.wabaId)]);
	expect(first.map((number) => number.id)).toEqual(manyNumbers.map((number) => number.id));
	expect(second).toEqual(first);
	await cachedWabaPhoneNumbers(credentials(), sim.fixture.wabaId);
	expect(listCalls()).toBe(2);
	await getWabaPhoneNumbers.call(loadOptionsContext());
	expect(listCalls()).toBe(4);
});

test('the picker without a WhatsApp Business Account ID says what to add', async () => {
	await expect(getWabaPhoneNumbers.call(loadOptionsContext({ wabaId: '' }))).rejects.toThrow('The credential has no WhatsApp Business Account ID');
	expect(sim.requests()).toHaveLength(0);
});
