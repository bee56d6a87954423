import type { Simulator } from './index';
import { call, PHONE_BUSINESS_APP, PHONE_HIGH, PHONE_STANDARD } from './helpers';
import { Receiver, startSurfaceSimulator } from './surfaces.helpers';

describe('simulator phone numbers', () => {
	let sim: Simulator;
	let waba: string;
	let receiver: Receiver;

	beforeAll(async () => {
		({ sim } = await startSurfaceSimulator());
		waba = sim.fixture.wabaId;
		receiver = await new Receiver().start();
	});
	afterAll(async () => {
		await sim.stop();
		await receiver.stop();
	});
	beforeEach(() => sim.reset());

	test('the WABA lists its numbers with id, display number, verified name and quality rating', async () => {
		const response = await call(sim, 'GET', `/v26.0/${waba}/phone_numbers`);
		expect(response.status).toBe(200);
		expect(response.body.data.map((n: { id: string }) => n.id)).toEqual([PHONE_STANDARD, PHONE_HIGH, PHONE_BUSINESS_APP]);
		expect(response.body.data[0]).toMatchObject({
			id: PHONE_STANDARD,
			display_phone_number: '+1 555-010-0001',
			verified_name: 'Sim Standard',
			quality_rating: 'GREEN',
		});
		// Only those four unless `fields` asks for more, as Meta's "Get all phone numbers" example.
		expect(Object.keys(response.body.data[0]).sort()).toEqual(['display_phone_number', 'id', 'quality_rating', 'verified_name']);
	});

	test('GET /me answers the user the token belongs to, and refuses a wrong token with 190', async () => {
		const me = await call(sim, 'GET', '/v26.0/me?fields=id,name');
		expect(me.status).toBe(200);
		expect(me.body).toEqual({ id: '100000000000099', name: 'Simulator System User' });
		const wrong = await fetch(`${sim.url}/v26.0/me`, { headers: { Authorization: 'Bearer wrong-token' } });
		expect(wrong.status).toBe(401);
		expect(((await wrong.json()) as { error: { code: number } }).error.code).toBe(190);
	});

	test('the number list pages with cursors', async () => {
		const first = await call(sim, 'GET', `/v26.0/${waba}/phone_numbers?limit=2`);
		expect(first.body.data).toHaveLength(2);
		const second = await fetch(first.body.paging.next, { headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
		const page = (await second.json()) as { data: Array<{ id: string }>; paging: { next?: string } };
		expect(page.data.map((n) => n.id)).toEqual([PHONE_BUSINESS_APP]);
		expect(page.paging.next).toBeUndefined();
	});

	test('a number answers only the requested fields, with its id', async () => {
		const response = await call(sim, 'GET', `/v26.0/${PHONE_HIGH}?fields=throughput,quality_rating,status,name_status,code_verification_status,platform_type`);
		expect(response.body).toEqual({
			throughput: { level: 'HIGH' },
			quality_rating: 'GREEN',
			status: 'CONNECTED',
			name_status: 'APPROVED',
			code_verification_status: 'VERIFIED',
			platform_type: 'CLOUD_API',
			id: PHONE_HIGH,
		});
	});

	/**
	 * "Getting throughput level": `GET /{phone-number-id}?fields=throughput`, 80 mps (STANDARD) by default, 1,000 after
	 * the automatic upgrade: https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
	 * A number also in use with the WhatsApp Business app (fixed 20 mps) answers `is_on_biz_app: true` with
	 * `platform_type: CLOUD_API` ("Check onboarding status"):
	 * https://developers.facebook.com/documentation/business-messaging/whatsapp/embedded-signup/onboarding-business-app-users
	 */
	test('each number answers its throughput level and whether it is shared with the WhatsApp Business app', async () => {
		const read = async (id: string) => (await call(sim, 'GET', `/v26.0/${id}?fields=throughput,is_on_biz_app,platform_type`)).body;
		expect(await read(PHONE_STANDARD)).toEqual({ throughput: { level: 'STANDARD' }, is_on_biz_app: false, platform_type: 'CLOUD_API', id: PHONE_STANDARD });
		expect(await read(PHONE_HIGH)).toEqual({ throughput: { level: 'HIGH' }, is_on_biz_app: false, platform_type: 'CLOUD_API', id: PHONE_HIGH });
		expect(await read(PHONE_BUSINESS_APP)).toMatchObject({ is_on_biz_app: true, platform_type: 'CLOUD_API', id: PHONE_BUSINESS_APP });
		// The page's own request, the level alone.
		expect((await call(sim, 'GET', `/v26.0/${PHONE_HIGH}?fields=throughput`)).body).toEqual({ throughput: { level: 'HIGH' }, id: PHONE_HIGH });
	});

	// The limit is the business portfolio's, shown by each of its numbers; requested as whatsapp_business_manager_messaging_limit
	// (v24.0 and newer) or messaging_limit_tier (23.0 and older), example answer {"whatsapp_business_manager_messaging_limit":
	// "TIER_250","id":"106540352242922"}: https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits ("Via API").
	test('from v24.0 the messaging limit is whatsapp_business_manager_messaging_limit and the old field is refused', async () => {
		sim.configure({ messagingLimitTier: 'TIER_10K' });
		const v24 = await call(sim, 'GET', `/v24.0/${PHONE_STANDARD}?fields=whatsapp_business_manager_messaging_limit`);
		expect(v24.body).toEqual({ whatsapp_business_manager_messaging_limit: 'TIER_10K', id: PHONE_STANDARD });
		// Every number of the portfolio shows the portfolio's limit, whatever its throughput.
		expect((await call(sim, 'GET', `/v24.0/${PHONE_HIGH}?fields=whatsapp_business_manager_messaging_limit`)).body.whatsapp_business_manager_messaging_limit).toBe('TIER_10K');
		const old = await call(sim, 'GET', `/v24.0/${PHONE_STANDARD}?fields=messaging_limit_tier`);
		expect(old.status).toBe(400);
		expect(old.body.error.code).toBe(100);
		expect(old.body.error.message).toContain('messaging_limit_tier');
	});

	test('before v24.0 the messaging limit is messaging_limit_tier and the new field is refused', async () => {
		sim.configure({ messagingLimitTier: 'TIER_10K' });
		const v23 = await call(sim, 'GET', `/v23.0/${PHONE_STANDARD}?fields=messaging_limit_tier`);
		expect(v23.body).toEqual({ messaging_limit_tier: 'TIER_10K', id: PHONE_STANDARD });
		const expired = await call(sim, 'GET', `/v19.0/${PHONE_STANDARD}?fields=messaging_limit_tier`);
		expect(expired.body.messaging_limit_tier).toBe('TIER_10K');
		expect((await call(sim, 'GET', `/v23.0/${PHONE_STANDARD}?fields=whatsapp_business_manager_messaging_limit`)).body.error.code).toBe(100);
	});

	test('an unknown id is refused like Graph', async () => {
		const response = await call(sim, 'GET', '/v26.0/388888888888888?fields=quality_rating');
		expect(response.status).toBe(400);
		expect(response.body.error).toMatchObject({ code: 100, error_subcode: 33 });
	});

	test('the WABA answers its id and name', async () => {
		const response = await call(sim, 'GET', `/v26.0/${waba}?fields=id,name`);
		expect(response.body).toEqual({ id: waba, name: 'Simulator WABA' });
	});

	test('a per-number webhook override is verified, stored and shown in webhook_configuration', async () => {
		const url = `${receiver.url}?number=1`;
		const set = await call(sim, 'POST', `/v26.0/${PHONE_HIGH}`, { webhook_configuration: { override_callback_uri: url, verify_token: receiver.verifyToken } });
		expect(set.status).toBe(200);
		expect(set.body).toEqual({ success: true });
		expect(receiver.verifications.at(-1)?.get('hub.verify_token')).toBe(receiver.verifyToken);
		const shown = await call(sim, 'GET', `/v26.0/${PHONE_HIGH}?fields=webhook_configuration`);
		expect(shown.body.webhook_configuration).toEqual({ phone_number: url });
	});

	test('a per-number override whose endpoint does not answer the challenge is refused with 2200', async () => {
		const response = await call(sim, 'POST', `/v26.0/${PHONE_HIGH}`, { webhook_configuration: { override_callback_uri: receiver.url, verify_token: 'not-the-token' } });
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe(2200);
		expect(response.body.error.message).toContain('403');
	});
});
