/**
 * The simulator's Flows API against Meta's pages: shapes from the OpenAPI spec (Flows,
 * https://github.com/facebook/openapi/blob/ecba623b4aba6ae770185b074ed77ed5acef22f7/business-messaging-api_v23.0.yaml)
 * and the lifecycle's error codes (https://developers.facebook.com/docs/whatsapp/flows/reference/error-codes).
 */
import { call } from './helpers';
import { startSimulator, type Simulator } from './index';

const V = 'v26.0';
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => sim.reset());

const create = async (name: string) => (await call(sim, 'POST', `/${V}/${sim.fixture.wabaId}/flows`, { name, categories: ['OTHER'] })).body.id as string;

async function upload(flowId: string, json: string) {
	const form = new FormData();
	form.append('file', new Blob([json], { type: 'application/json' }), 'flow.json');
	form.append('name', 'flow.json');
	form.append('asset_type', 'FLOW_JSON');
	const response = await fetch(`${sim.url}/${V}/${flowId}/assets`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${sim.fixture.accessToken}` } });
	return (await response.json()) as { success?: boolean; validation_errors?: unknown[]; error?: { code: number } };
}

const code = async (method: string, path: string) => (await call(sim, method, `/${V}${path}`)).body.error?.code;

describe('flows', () => {
	it('refuses a second flow of the same name (100) and a category Meta does not know', async () => {
		await create('Booking');
		expect((await call(sim, 'POST', `/${V}/${sim.fixture.wabaId}/flows`, { name: 'Booking', categories: ['OTHER'] })).body.error.code).toBe(100);
		expect((await call(sim, 'POST', `/${V}/${sim.fixture.wabaId}/flows`, { name: 'Other', categories: ['PAYMENTS'] })).body.error.code).toBe(100);
	});

	it('answers a Flow JSON without version or screens with validation errors, and will not publish it (139002)', async () => {
		const flowId = await create('Booking');
		expect((await upload(flowId, '{}')).validation_errors).toHaveLength(2);
		expect(await code('POST', `/${flowId}/publish`)).toBe(139002);
	});

	it('follows the lifecycle: no update (139001) or delete (139004) once published, deprecate only once (139003)', async () => {
		const flowId = await create('Booking');
		expect(await code('POST', `/${flowId}/deprecate`)).toBe(139003);
		expect((await upload(flowId, JSON.stringify({ version: '7.2', screens: [{ id: 'A' }] }))).validation_errors).toEqual([]);
		expect((await call(sim, 'POST', `/${V}/${flowId}/publish`)).body).toEqual({ success: true });
		expect((await upload(flowId, '{}')).error?.code).toBe(139001);
		expect(await code('DELETE', `/${flowId}`)).toBe(139004);
		expect((await call(sim, 'POST', `/${V}/${flowId}/deprecate`)).body).toEqual({ success: true });
		expect(await code('POST', `/${flowId}/deprecate`)).toBe(139003);
	});

	it('keeps a preview URL until asked for a new one', async () => {
		const flowId = await create('Booking');
		const first = (await call(sim, 'GET', `/${V}/${flowId}?fields=preview.invalidate(false)`)).body.preview;
		expect((await call(sim, 'GET', `/${V}/${flowId}?fields=preview.invalidate(false)`)).body.preview).toEqual(first);
		expect((await call(sim, 'GET', `/${V}/${flowId}?fields=preview.invalidate(true)`)).body.preview.preview_url).not.toBe(first.preview_url);
	});
});
