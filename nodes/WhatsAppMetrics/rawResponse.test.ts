/**
 * "Output Raw Response Instead" must never output the access token. Meta's paging links carry it
 * (`…?after=…&access_token=…`), and so do the simulator's: every family's raw pages, and the template listing the
 * node pages through, are checked for the token, the app-secret proof and any `access_token=` at all.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runWorkflow } from '../../test/harness';
import { startHttpServer } from '../../test/harness/rawServers';
import type { RawServer } from '../../test/harness/rawServers';
import { startSimulator } from '../../test/simulator';
import type { Simulator } from '../../test/simulator';
import { destroyGraphClients } from '../shared/transport';

const DAY = 86400;
const WABA = '200000000000019';
const TOKEN = 'EAAGrawTOKENabcdef0123456789';
const PROOF = 'f00dfeedproof0123456789abcdef';
const today = () => Math.floor(Date.now() / 1000 / DAY) * DAY;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const picks = (...names: string[]) => ({ template: names.map((name) => ({ template: { __rl: true, mode: 'list', value: name } })) });

function expectNoSecret(text: string, secrets: string[]): void {
	for (const secret of secrets) expect(text).not.toContain(secret);
	expect(text).not.toMatch(/access_token|appsecret_proof/i);
}

describe('raw output against the simulator (its paging links carry the token, as Meta\'s do)', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});

	afterAll(async () => {
		destroyGraphClients();
		await sim.stop();
	});

	beforeEach(() => sim.reset());

	it('template analytics: several pages, paging links kept without the token, no token in any call\'s URL', async () => {
		const start = today() - 60 * DAY;
		const query = `start=${start}&end=${today()}&granularity=DAILY&template_ids=[${sim.fixture.templates.slice(0, 5).map((t) => t.id).join(',')}]`;
		// The premise: the simulator's own next link holds the token.
		const direct = (await (
			await fetch(`${sim.url}/v26.0/${sim.fixture.wabaId}/template_analytics?${query}`, {
				headers: { Authorization: `Bearer ${sim.fixture.accessToken}` },
			})
		).json()) as { paging?: { next?: string } };
		expect(direct.paging?.next).toContain(`access_token=${encodeURIComponent(sim.fixture.accessToken)}`);
		sim.reset();

		const result = await runWorkflow({
			nodes: [
				{
					name: 'Metrics',
					type: 'whatsAppMetrics',
					parameters: {
						operation: 'templateAnalytics',
						templates: picks('order_confirmation', 'hello_world'),
						start: iso(start),
						end: iso(today()),
						templateOptions: { rawResponse: true },
					},
				},
			],
			credentials: {
				whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId },
			},
		});
		expect(result.error).toBeUndefined();
		const pages = result.outputs('Metrics');
		expect(pages.length).toBeGreaterThanOrEqual(2);
		const next = (pages[0].paging as IDataObject).next as string;
		expect(next).toContain(`/${sim.fixture.wabaId}/template_analytics?`);
		expect(new URL(next).searchParams.get('after')).toBeTruthy();
		expect((pages[1].paging as IDataObject).previous).toEqual(expect.any(String));
		expectNoSecret(JSON.stringify(pages), [sim.fixture.accessToken]);
		expectNoSecret(JSON.stringify(sim.requests().map((request) => `${request.path}?${request.query}`)), [sim.fixture.accessToken]);
	});
});

describe('raw output of every family against a Graph stand-in whose next and previous links carry token and proof', () => {
	let server: RawServer;

	const link = (path: string, cursor: 'after' | 'before', value: string, extra = '') =>
		`${server.url}/v26.0/${WABA}/${path}?${extra}${cursor}=${value}&access_token=${TOKEN}&appsecret_proof=${PROOF}`;
	const point = (start: number) => ({ start, end: start + DAY, sent: 3, delivered: 2, conversation: 4, volume: 5, cost: 0.5 });
	const analyticsPage = (family: string, start: number, paging: IDataObject) =>
		family === 'analytics'
			? { granularity: 'DAY', data_points: [point(start)], paging }
			: { data: [{ data_points: [point(start)] }], paging };

	beforeAll(async () => {
		server = await startHttpServer((req, res) => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			const fields = url.searchParams.get('fields') ?? '';
			const after = url.searchParams.get('after');
			const edge = url.pathname.slice(`/v26.0/${WABA}/`.length);
			let body: unknown;
			if (url.pathname === `/v26.0/${WABA}`) {
				const family = fields.slice(0, fields.indexOf('.'));
				const paging = { cursors: { before: 'C0', after: 'C1' }, next: link(family, 'after', 'C1') };
				body = { [family]: analyticsPage(family, 1790000000, paging), id: WABA };
			} else if (['analytics', 'conversation_analytics', 'pricing_analytics'].includes(edge) && after === 'C1') {
				body = analyticsPage(edge, 1790086400, { cursors: { before: 'C1', after: 'C2' }, previous: link(edge, 'before', 'C1') });
			} else if (edge === 'message_templates') {
				const template = after === 'C1' ? { id: '900000000000002', name: 'hello_world', language: 'de' } : { id: '900000000000001', name: 'hello_world', language: 'en_US' };
				const paging = after === 'C1'
					? { cursors: { before: 'C1', after: 'C2' }, previous: link(edge, 'before', 'C1', 'name=hello_world&') }
					: { cursors: { before: 'C0', after: 'C1' }, next: link(edge, 'after', 'C1', 'name=hello_world&') };
				body = { data: [template], paging };
			} else if (edge === 'template_analytics') {
				const dataPoint = { template_id: after === 'C1' ? '900000000000002' : '900000000000001', start: 1790000000, end: 1790086400, sent: 1 };
				const paging = after === 'C1'
					? { cursors: { before: 'C1', after: 'C2' }, previous: link(edge, 'before', 'C1') }
					: { cursors: { before: 'C0', after: 'C1' }, next: link(edge, 'after', 'C1') };
				body = { data: [{ granularity: 'DAILY', data_points: [dataPoint] }], paging };
			} else {
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `unexpected ${req.url}`, type: 'OAuthException', code: 100 } }));
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		});
	});

	afterAll(async () => {
		destroyGraphClients();
		await server.close();
	});

	beforeEach(() => {
		server.requests.length = 0;
	});

	async function rawPages(parameters: INodeParameters): Promise<IDataObject[]> {
		const result = await runWorkflow({
			nodes: [{ name: 'Metrics', type: 'whatsAppMetrics', parameters }],
			credentials: {
				whatsAppCloudApi: { accessToken: TOKEN, apiVersion: 'v26.0', baseUrl: server.url, wabaId: WABA, registeredNumbers: 1 },
			},
		});
		expect(result.error).toBeUndefined();
		return result.outputs('Metrics');
	}

	const start = iso(Math.floor(Date.now() / 1000) - 5 * DAY);
	it.each([
		['message analytics', { operation: 'messageAnalytics', start, messageGranularity: 'DAY', messageOptions: { rawResponse: true } }],
		['conversation analytics', { operation: 'conversationAnalytics', start, conversationGranularity: 'DAILY', conversationOptions: { rawResponse: true } }],
		['pricing analytics', { operation: 'pricingAnalytics', start, pricingGranularity: 'DAILY', pricingOptions: { rawResponse: true } }],
		['template analytics by ID', { operation: 'templateAnalytics', start, templates: { template: [{ template: { __rl: true, mode: 'id', value: '900000000000001' } }] }, templateOptions: { rawResponse: true } }],
	])('%s: both pages out, links without token or proof', async (_family, parameters) => {
		const pages = await rawPages(parameters as INodeParameters);
		expect(pages).toHaveLength(2);
		expect((pages[0].paging as IDataObject).next).toMatch(/[?&]after=C1(&|$)/);
		expect((pages[1].paging as IDataObject).previous).toMatch(/[?&]before=C1(&|$)/);
		expectNoSecret(JSON.stringify(pages), [TOKEN, PROOF]);
		expect(server.requests).toHaveLength(2);
		expectNoSecret(JSON.stringify(server.requests.map((request) => request.url)), [TOKEN, PROOF]);
	});

	it('template listing: a name paged over two listing pages, then analytics pages, no token anywhere', async () => {
		const pages = await rawPages({ operation: 'templateAnalytics', start, templates: picks('hello_world'), templateOptions: { rawResponse: true } });
		const listingCalls = server.requests.filter((request) => request.url.includes('/message_templates'));
		expect(listingCalls).toHaveLength(2);
		expect(decodeURIComponent(server.requests.find((request) => request.url.includes('/template_analytics'))?.url ?? '')).toContain(
			'[900000000000001,900000000000002]',
		);
		expect(pages).toHaveLength(2);
		expectNoSecret(JSON.stringify(pages), [TOKEN, PROOF]);
		expectNoSecret(JSON.stringify(server.requests.map((request) => request.url)), [TOKEN, PROOF]);
	});
});
