/**
 * The simulator's QR codes against Meta's pages: the QR codes guide
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/qr-codes: 140 characters, 2,000 codes)
 * and the OpenAPI spec (14-character codes, `qr_image_url.format(SVG|PNG)`, business-messaging-api_v23.0.yaml).
 */
import { call, PHONE_STANDARD } from './helpers';
import { startSimulator, type Simulator } from './index';

const path = `/v26.0/${PHONE_STANDARD}/message_qrdls`;
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => sim.reset());

describe('message_qrdls', () => {
	it('creates a code of 14 characters with its short link and a fetchable image', async () => {
		const created = await call(sim, 'POST', path, { prefilled_message: 'Hi', generate_qr_image: 'PNG' });
		expect(created.body).toEqual({ code: expect.stringMatching(/^[A-Z0-9]{14}$/), prefilled_message: 'Hi', deep_link_url: `https://wa.me/message/${created.body.code}`, qr_image_url: expect.stringMatching(/\.png$/) });
		const image = await fetch(created.body.qr_image_url);
		expect(image.headers.get('content-type')).toBe('image/png');
	});

	it('refuses a prefilled message over 140 characters and an unknown image format', async () => {
		expect((await call(sim, 'POST', path, { prefilled_message: 'p'.repeat(141) })).body.error.code).toBe(100);
		expect((await call(sim, 'POST', path, { prefilled_message: 'Hi', generate_qr_image: 'JPG' })).body.error.code).toBe(100);
	});

	it('updates by code, answers the image URL in the format the fields ask for, and deletes', async () => {
		const { code } = (await call(sim, 'POST', path, { prefilled_message: 'Hi' })).body;
		expect((await call(sim, 'POST', path, { code, prefilled_message: 'Hello' })).body.prefilled_message).toBe('Hello');
		const read = await call(sim, 'GET', `${path}/${code}?fields=code,qr_image_url.format(SVG)`);
		expect(read.body.data[0].qr_image_url).toMatch(/\.svg$/);
		expect((await call(sim, 'DELETE', `${path}/${code}`)).body).toEqual({ success: true });
		expect((await call(sim, 'GET', `${path}/${code}`)).body.error.code).toBe(100);
		expect((await call(sim, 'POST', path, { code, prefilled_message: 'Again' })).body.error.code).toBe(100);
	});
});
