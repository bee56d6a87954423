/**
 * Paging of field expansions (analytics on the WABA object), against a small Graph stand-in that pages them the
 * two ways Meta does: a `next` URL on Graph's host (carrying the token), or only a cursor.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../../test/harness';
import { startSimulator } from '../../test/simulator';
import { startHttpServer } from '../../test/harness/rawServers';
import type { RawServer } from '../../test/harness/rawServers';
import { destroyGraphClients } from './transport';
import type { WhatsAppCredentials } from './transport/types';
import { TooManyPagesError, collectPages } from './paging';
import type { GraphPaging } from './transport/types';
import type { ConversationAnalytics } from '../WhatsAppMetrics/types';

const WABA = '200000000000009';
const TOKEN = 'EAAGpagingTOKEN0123456789';
const point = (start: number, country: string, conversation: number) => ({ start, end: start + 86400, country, conversation, cost: conversation / 100 });

let server: RawServer;
/** What the stand-in answers for the first call and for the call after cursor C1. */
let nextStyle: 'sameHost' | 'otherHost' = 'sameHost';

beforeAll(async () => {
	server = await startHttpServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const fields = url.searchParams.get('fields') ?? '';
		let body: unknown;
		const endless = /^E(\d+)$/.exec(url.searchParams.get('after') ?? '');
		if (url.pathname === `/v26.0/${WABA}/endless`) {
			// Always one more page.
			const n = endless ? Number(endless[1]) + 1 : 1;
			body = { data: [{ data_points: [point(1790000000 + n, 'US', n)] }], paging: { cursors: { after: `E${n}` }, next: `${server.url}/v26.0/${WABA}/endless?after=E${n}` } };
		} else if (url.pathname === `/v26.0/${WABA}/conversation_analytics` && url.searchParams.get('after') === 'C1') {
			body = { data: [{ data_points: [point(1790086400, 'BR', 2)] }], paging: { cursors: { before: 'C1', after: 'C2' } } };
		} else if (url.pathname === `/v26.0/${WABA}` && fields.includes('.after(C1)')) {
			body = { conversation_analytics: { data: [{ data_points: [point(1790086400, 'BR', 2)] }], paging: { cursors: { after: 'C2' } } }, id: WABA };
		} else if (url.pathname === `/v26.0/${WABA}` && fields.startsWith('conversation_analytics.')) {
			const host = nextStyle === 'sameHost' ? server.url : 'https://graph.facebook.com';
			body = {
				conversation_analytics: {
					data: [{ data_points: [point(1790000000, 'US', 5)] }],
					paging: { cursors: { after: 'C1' }, next: `${host}/v26.0/${WABA}/conversation_analytics?after=C1&access_token=${TOKEN}` },
				},
				id: WABA,
			};
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

async function conversationRows(): Promise<IDataObject[]> {
	const now = Math.floor(Date.now() / 1000);
	const result = await runWorkflow({
		nodes: [
			{
				name: 'Metrics',
				type: 'whatsAppMetrics',
				parameters: {
					operation: 'conversationAnalytics',
					start: new Date((now - 5 * 86400) * 1000).toISOString(),
					conversationGranularity: 'DAILY',
					conversationDimensions: ['COUNTRY'],
				},
			},
		],
		// registeredNumbers set: the gate does not ask the stand-in for the account's numbers.
		credentials: { whatsAppCloudApi: { accessToken: TOKEN, apiVersion: 'v26.0', baseUrl: server.url, wabaId: WABA, registeredNumbers: 1 } },
	});
	expect(result.error).toBeUndefined();
	return result.outputs('Metrics');
}

describe('paging of analytics field expansions', () => {
	it('follows a next URL on Graph\'s host without the access token in it and flattens both pages', async () => {
		nextStyle = 'sameHost';
		const rows = await conversationRows();
		expect(rows.map((row) => [row.country, row.conversations, row.cost])).toEqual([
			['US', 5, 0.05],
			['BR', 2, 0.02],
		]);
		expect(server.requests).toHaveLength(2);
		expect(server.requests[1].url).toBe(`/v26.0/${WABA}/conversation_analytics?after=C1`);
		expect(server.requests[1].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	it('asks for the next page with the cursor in the field when the next URL points at another host', async () => {
		nextStyle = 'otherHost';
		const rows = await conversationRows();
		expect(rows.map((row) => row.country)).toEqual(['US', 'BR']);
		expect(server.requests).toHaveLength(2);
		expect(decodeURIComponent(server.requests[1].url)).toContain('.after(C1)');
		expect(server.requests.every((request) => request.url.startsWith('/v26.0/'))).toBe(true);
	});
});

describe('the page cap', () => {
	const credentials = () =>
		({ accessToken: TOKEN, apiVersion: 'v26.0', baseUrl: server.url, wabaId: WABA, registeredNumbers: 1 }) as unknown as WhatsAppCredentials;
	const endless = (maxPages: number) =>
		collectPages<ConversationAnalytics>({
			credentials: credentials(),
			request: { method: 'GET', path: `/${WABA}/endless` },
			pageOf: (body) => body as ConversationAnalytics,
			requestAfter: (after) => ({ method: 'GET', path: `/${WABA}/endless`, query: { after } }),
			maxPages,
		});

	it('fails clearly when Meta still offers a next page after the cap, rather than returning part of the data', async () => {
		const failure = await endless(3).then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(failure).toBeInstanceOf(TooManyPagesError);
		expect((failure as Error).message).toBe(
			'Meta still offered a next page after 3 pages; stopped so as not to output partial data as if it were complete',
		);
		expect(server.requests).toHaveLength(3);
	});

	it('returns every page when the last one comes exactly at the cap', async () => {
		const pages = await collectPages<ConversationAnalytics>({
			credentials: credentials(),
			request: { method: 'GET', path: `/${WABA}`, query: { fields: 'conversation_analytics.start(1)' } },
			pageOf: (body) => (body as { conversation_analytics?: ConversationAnalytics }).conversation_analytics,
			requestAfter: (after) => ({ method: 'GET', path: `/${WABA}`, query: { fields: `conversation_analytics.start(1).after(${after})` } }),
			maxPages: 2,
		});
		expect(pages).toHaveLength(2);
	});
});

// 131059 (v24+): the paging cursor is no longer valid; list again without it.
// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
describe('a stale paging cursor', () => {
	it('lists again from the first page, once, and returns every page of that fresh listing', async () => {
		const sim = await startSimulator({ latency: 'none' });
		try {
			const credentials = { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId, registeredNumbers: 1 } as unknown as WhatsAppCredentials;
			const request = (after?: string) => ({ method: 'GET' as const, path: `/${sim.fixture.wabaId}/message_templates`, query: { fields: 'id,name', limit: 5, after } });
			sim.scriptFaults([{ path: '/message_templates', query: 'after=', count: 1, action: { kind: 'error', code: 131059 } }]);
			const pages = await collectPages<{ data?: Array<{ id: string }>; paging?: GraphPaging }>({
				credentials,
				request: request(),
				pageOf: (body) => body as { data?: Array<{ id: string }> },
				requestAfter: (after) => request(after),
			});
			const ids = pages.flatMap((page) => (page.data ?? []).map((template) => template.id));
			expect(ids).toEqual(sim.fixture.templates.map((template) => template.id));
			const reads = sim.requests().filter((entry) => entry.path.endsWith('/message_templates'));
			expect(reads[0].query).not.toContain('after=');
			expect(reads[1].status).toBe(400);
			expect(reads[2].query).not.toContain('after=');
		} finally {
			destroyGraphClients();
			await sim.stop();
		}
	});
});
