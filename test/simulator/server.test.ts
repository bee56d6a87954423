import { startSimulator, type Simulator } from './index';
import { PHONE_STANDARD, send, text } from './helpers';

describe('simulator server', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => sim.reset());

	test('a text message is accepted with contacts and a wamid, and lands in the log', async () => {
		const response = await send(sim, text('Hi there'));
		expect(response.status).toBe(200);
		expect(response.body.messaging_product).toBe('whatsapp');
		expect(response.body.contacts).toEqual([{ input: '+16505551234', wa_id: '16505551234' }]);
		expect(response.body.messages[0].id).toMatch(/^wamid\./);
		expect(response.body.messages[0].message_status).toBe('accepted');
		const log = sim.log();
		expect(log).toHaveLength(1);
		expect(log[0]).toMatchObject({ wamid: response.body.messages[0].id, phoneNumberId: PHONE_STANDARD, to: '+16505551234', waId: '16505551234', type: 'text' });
		expect(log[0].body).toMatchObject({ text: { body: 'Hi there' } });
	});
});
