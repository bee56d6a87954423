/**
 * The simulator's business profile against Meta's pages: the guide's shapes
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-profiles) and the limits of
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/business-profiles.
 */
import { call, PHONE_STANDARD } from './helpers';
import { startSimulator, type Simulator } from './index';

const path = `/v26.0/${PHONE_STANDARD}/whatsapp_business_profile`;
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => sim.reset());

const update = (fields: Record<string, unknown>) => call(sim, 'POST', path, { messaging_product: 'whatsapp', ...fields });

describe('whatsapp_business_profile', () => {
	it('updates the fields given and answers only the fields asked for', async () => {
		expect((await update({ about: 'New about', websites: '["https://a.example"]' })).body).toEqual({ success: true });
		expect((await call(sim, 'GET', `${path}?fields=about,websites`)).body).toEqual({ data: [{ about: 'New about', websites: ['https://a.example'], messaging_product: 'whatsapp' }] });
	});

	it.each([
		['an empty about', { about: '' }],
		['an about over 139 characters', { about: 'a'.repeat(140) }],
		['a description over 512 characters', { description: 'd'.repeat(513) }],
		['an address over 256 characters', { address: 'a'.repeat(257) }],
		['an email that is no address', { email: 'nope' }],
		['three websites', { websites: ['https://a.example', 'https://b.example', 'https://c.example'] }],
		['a website without http', { websites: ['a.example'] }],
		['an unknown vertical', { vertical: 'PLANTS' }],
	])('refuses %s with code 100', async (_case, fields) => {
		expect((await update(fields)).body.error.code).toBe(100);
	});

	it('refuses an update without messaging_product and a field it does not have', async () => {
		expect((await call(sim, 'POST', path, { about: 'x' })).body.error.code).toBe(100);
		expect((await call(sim, 'GET', `${path}?fields=name`)).body.error.code).toBe(100);
	});
});
