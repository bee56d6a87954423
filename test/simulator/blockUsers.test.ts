/**
 * The simulator's Block Users API against Meta's pages: shapes from the reference
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/block-api),
 * rules and the partial-failure answer from the guide (https://developers.facebook.com/documentation/business-messaging/whatsapp/block-users).
 */
import { call, PHONE_STANDARD } from './helpers';
import { startSimulator, type Simulator } from './index';

const path = `/v26.0/${PHONE_STANDARD}/block_users`;
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => {
	sim.reset();
	sim.configure({ inWindowRecipients: ['16505551234'] });
});

const block = (...users: string[]) => call(sim, 'POST', path, { messaging_product: 'whatsapp', block_users: users.map((user) => ({ user })) });

describe('block_users', () => {
	it('blocks a user who messaged in the last 24 hours and lists them', async () => {
		expect((await block('+16505551234')).body).toEqual({ messaging_product: 'whatsapp', block_users: { added_users: [{ input: '+16505551234', wa_id: '16505551234' }] } });
		expect((await call(sim, 'GET', path)).body.data).toEqual([{ messaging_product: 'whatsapp', wa_id: '16505551234' }]);
	});

	it('answers a partial failure with 400, both lists, each failure\'s own code and the 139100 error', async () => {
		const own = sim.fixture.phoneNumbers.find((number) => number.id === PHONE_STANDARD)!.displayPhoneNumber;
		const response = await block('+16505551234', '+15550009999', own);
		expect(response.status).toBe(400);
		expect(response.body.block_users.added_users).toEqual([{ input: '+16505551234', wa_id: '16505551234' }]);
		expect(response.body.block_users.failed_users.map((user: { errors: Array<{ code: number }> }) => user.errors[0].code)).toEqual([131047, 131021]);
		expect(response.body.error).toEqual(expect.objectContaining({ code: 139100, message: '(#139100) Failed to block/unblock users' }));
	});

	it('unblocks with removed_users and the user leaves the list', async () => {
		await block('+16505551234');
		const response = await call(sim, 'DELETE', path, { messaging_product: 'whatsapp', block_users: [{ user: '16505551234' }] });
		expect(response.body).toEqual({ messaging_product: 'whatsapp', block_users: { removed_users: [{ input: '16505551234', wa_id: '16505551234' }] } });
		expect((await call(sim, 'GET', path)).body.data).toEqual([]);
	});

	it('refuses a body without messaging_product or users', async () => {
		expect((await call(sim, 'POST', path, { block_users: [{ user: '+16505551234' }] })).body.error.code).toBe(100);
		expect((await call(sim, 'POST', path, { messaging_product: 'whatsapp', block_users: [] })).body.error.code).toBe(100);
	});

	it('forgets blocklists at a reset', async () => {
		await block('+16505551234');
		sim.reset();
		expect((await call(sim, 'GET', path)).body.data).toEqual([]);
	});
});
