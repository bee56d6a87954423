/**
 * The business portfolio's messaging limit as the simulator enforces it. Meta: "the maximum number of unique WhatsApp
 * user phone numbers your business can deliver messages to, outside of a customer service window, within a moving
 * 24-hour period … calculated and set at the business portfolio level and … shared by all business phone numbers
 * within a portfolio"; tiers 250, 2,000, 10,000, 100,000, unlimited
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
 * Meta documents no error code of its own for it: the simulator answers 131048 with the text Meta's error-codes page
 * gives that code (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes,
 * "Throttling errors"), which a provider's messaging-limits page quotes for a send past the limit (see messages.ts).
 */
import { startSimulator, type Simulator } from './index';
import { PHONE_HIGH, PHONE_STANDARD, send } from './helpers';

const DAY = 24 * 60 * 60 * 1000;
const helloTo = (to: string) => ({ to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
const user = (n: number) => `+1650555${String(n).padStart(4, '0')}`;

describe('simulator messaging limit (per business portfolio)', () => {
	let sim: Simulator;
	let now = Date.UTC(2026, 11, 5, 8, 0, 0);

	beforeAll(async () => {
		// The clock stands still: a throughput high enough that the sliding second never fills.
		sim = await startSimulator({ latency: 'none', clock: () => now, pairBurst: 1000, mps: { [PHONE_STANDARD]: 100_000, [PHONE_HIGH]: 100_000 } });
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(() => {
		sim.reset();
		sim.configure({ messagingLimitTier: 'TIER_250', inWindowRecipients: [], enforceServiceWindow: false });
	});

	/** Templates to users `from`..`from + count - 1` from `phone`; the HTTP statuses. */
	async function templates(from: number, count: number, phone = PHONE_STANDARD): Promise<number[]> {
		const statuses: number[] = [];
		for (let n = from; n < from + count; n++) statuses.push((await send(sim, helloTo(user(n)), phone)).status);
		return statuses;
	}

	test('past 250 unique users in 24 h a template to a new user fails with 131048, and is not accepted', async () => {
		expect((await templates(0, 250)).every((status) => status === 200)).toBe(true);
		const refused = await send(sim, helloTo(user(250)));
		expect(refused.body.error).toMatchObject({ code: 131048, message: '(#131048) Spam rate limit hit', type: 'OAuthException' });
		expect(refused.body.error.error_data.details).toBe(
			'Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.',
		);
		expect(sim.log()).toHaveLength(250);
	});

	test('a user already reached in the last 24 h can get another template at the limit', async () => {
		await templates(0, 250);
		expect((await send(sim, helloTo(user(7)))).status).toBe(200);
	});

	test("the portfolio's numbers share one limit", async () => {
		await templates(0, 200, PHONE_STANDARD);
		const statuses = await templates(200, 60, PHONE_HIGH);
		expect(statuses.filter((status) => status === 200)).toHaveLength(50);
		expect(sim.counters().rejectedByCode['131048']).toBe(10);
	});

	test('only templates outside a customer service window count', async () => {
		sim.configure({ inWindowRecipients: [user(900)] });
		await templates(0, 250);
		// A template into an open window, and free-form messages (allowed only inside one), take no place.
		expect((await send(sim, helloTo(user(900)))).status).toBe(200);
		expect((await send(sim, { to: user(900), type: 'text', text: { body: 'hi' } })).status).toBe(200);
	});

	test('a place frees 24 hours after the oldest user was reached', async () => {
		const start = now;
		await templates(0, 1);
		now += 60_000;
		await templates(1, 249);
		now = start + DAY - 1;
		expect((await send(sim, helloTo(user(300)))).body.error.code).toBe(131048);
		now = start + DAY;
		expect((await send(sim, helloTo(user(300)))).status).toBe(200);
		expect((await send(sim, helloTo(user(301)))).body.error.code).toBe(131048);
		now = start;
	});

	test('TIER_UNLIMITED (the default) refuses nobody', async () => {
		sim.configure({ messagingLimitTier: 'TIER_UNLIMITED' });
		expect((await templates(0, 260, PHONE_HIGH)).every((status) => status === 200)).toBe(true);
	});
});
