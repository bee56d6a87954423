/**
 * Where the token goes, and SSRF (issue 24, item 2). Each test plays one attack over real HTTP against servers the
 * test controls (the simulator follows Meta, so a hostile "Graph" is a raw server here) and checks what reached them:
 * - plain http to another machine carries the token and the app token in clear;
 * - an answer that names another host for a media download gets the token;
 * - an error body that echoes the token leaks a piece of it where the message is cut (edit-only exfiltration);
 * - n8n's SSRF protection (`N8N_SSRF_PROTECTION_ENABLED` and its lists) is ignored by the pack's own client,
 *   for names that resolve to a blocked address and for redirects.
 * Sockets are pooled per origin, so each test starts with fresh pools: a policy applies when a connection is made.
 */
import '../harness/env';
import { networkInterfaces } from 'node:os';

import { runWorkflow } from '../harness';
import { startHttpServer, type RawServer } from '../harness/rawServers';
import { startSimulator, type Simulator } from '../simulator';
import { destroyGraphClients, graphRequest, GraphApiError, type WhatsAppCredentials } from '../../nodes/shared/transport';
import { testWhatsAppCredentials } from '../../nodes/shared/credentialTest';
import { APP_ID, SECRETS } from './sweep';
import { clearMediaCache, configureGateForTests, resetGateForTests } from '../support/testHooks';

const TOKEN = SECRETS.accessToken;
const MEDIA_ID = '1166846181421424';
const FAST_TIMINGS = { throttleRetryMs: 20, transientBackoffBaseMs: 10, transientBackoffMaxMs: 50, budgetPauseBaseMs: 50, minuteMs: 1000, maintenanceWaitMs: 50, pairBackoffBaseMs: 50 };
const POLICY_VARIABLES = [
	'N8N_SSRF_PROTECTION_ENABLED',
	'N8N_SSRF_BLOCKED_IP_RANGES',
	'N8N_SSRF_ALLOWED_IP_RANGES',
	'N8N_SSRF_ALLOWED_HOSTNAMES',
	'N8N_SSRF_BLOCKED_HOSTNAMES',
	'WHATSAPP_CLOUD_MEDIA_HOSTS',
];

let sim: Simulator;
const servers: RawServer[] = [];

function credentials(baseUrl: string, extra: Partial<WhatsAppCredentials> = {}): WhatsAppCredentials {
	return { accessToken: TOKEN, apiVersion: 'v26.0', baseUrl, appId: APP_ID, appSecret: SECRETS.appSecret, registeredNumbers: 1, maxAttempts: 1, ...extra };
}

async function server(handler: Parameters<typeof startHttpServer>[0], host?: string): Promise<RawServer> {
	const started = await startHttpServer(handler, host);
	servers.push(started);
	return started;
}

/** Records every request and answers with an empty JSON object. */
const recorder = (host?: string) => server((_req, res) => res.end('{}'), host);

async function failure(call: () => Promise<unknown>): Promise<GraphApiError> {
	try {
		await call();
	} catch (error) {
		if (error instanceof GraphApiError) return error;
		throw error;
	}
	throw new Error('Expected the call to fail, but it succeeded');
}

/** An address of this machine that is not loopback (reached through the network stack), or 0.0.0.0 when it has none. */
function thisMachineOffLoopback(): string {
	for (const addresses of Object.values(networkInterfaces())) {
		const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
		if (found) return found.address;
	}
	return '0.0.0.0';
}

/** A "Graph" that answers `GET /v26.0/{media-id}` with the download URL it is given, as Meta's Retrieve Media URL does. */
function graphNaming(downloadUrl: () => string) {
	return server((req, res) => {
		if (req.url?.startsWith(`/v26.0/${MEDIA_ID}`)) {
			// Shape of Meta's answer: test/contract/fixtures/requests/media-get-url-response.json
			// (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media#get-media-url)
			res.setHeader('Content-Type', 'application/json');
			res.end(JSON.stringify({ messaging_product: 'whatsapp', url: downloadUrl(), mime_type: 'image/jpeg', sha256: 'x', file_size: '3', id: MEDIA_ID }));
			return;
		}
		res.writeHead(200, { 'Content-Type': 'image/jpeg' });
		res.end(Buffer.from([0xff, 0xd8, 0xff]));
	});
}

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none', fixture: { accessToken: TOKEN, appSecret: SECRETS.appSecret, appId: APP_ID } });
	await resetGateForTests();
	configureGateForTests({ timings: FAST_TIMINGS });
});

beforeEach(() => {
	destroyGraphClients();
	sim.reset();
	clearMediaCache();
});

afterEach(async () => {
	for (const name of POLICY_VARIABLES) delete process.env[name];
	await Promise.all(servers.splice(0).map((started) => started.close()));
});

afterAll(async () => {
	await resetGateForTests();
	destroyGraphClients();
	await sim.stop();
});

describe('plain http carries no secret off this machine', () => {
	test('a Graph Base URL of http:// on another address gets neither the token nor the app token: refused before any call', async () => {
		const target = await recorder('0.0.0.0');
		const baseUrl = `http://${thisMachineOffLoopback()}:${target.port}`;
		const bearer = await failure(() => graphRequest(credentials(baseUrl), { method: 'GET', path: '/me' }));
		const app = await failure(() => graphRequest(credentials(baseUrl), { method: 'GET', path: `/${APP_ID}/subscriptions`, auth: 'app' }));
		const test = await testWhatsAppCredentials(credentials(baseUrl));
		expect(target.requests).toEqual([]);
		for (const error of [bearer, app]) {
			expect(error.errorClass).toBe('permanent');
			expect(error.message).toContain('Graph Base URL');
			expect(error.message).toContain('https://');
		}
		expect(test.status).toBe('Error');
		expect(test.message).toContain('https://');
	});

	test('http:// to this machine (loopback) still works: the simulator and the tests run there', async () => {
		const response = await graphRequest<{ id: string }>(credentials(sim.url, { wabaId: sim.fixture.wabaId }), {
			method: 'GET',
			path: `/${sim.fixture.wabaId}`,
		});
		expect(response.data.id).toBe(sim.fixture.wabaId);
	});
});

describe('media downloads go only to Meta’s media hosts or the Graph host', () => {
	test('an answer naming another host for the download gets no token there: the node fails naming the host', async () => {
		const elsewhere = await recorder();
		const graph = await graphNaming(() => `${elsewhere.url}/whatsapp_business/attachments/?mid=1`);
		const result = await runWorkflow({
			nodes: [{ name: 'Download', type: 'whatsAppMedia', parameters: { operation: 'download', mediaId: MEDIA_ID } as never, continueOnFail: true }],
			credentials: { whatsAppCloudApi: credentials(graph.url) as never },
		});
		expect(elsewhere.requests).toEqual([]);
		const error = String(result.outputs('Download')[0].error ?? '');
		expect(error).toContain(`127.0.0.1:${elsewhere.port}`);
		expect(error).toContain('WHATSAPP_CLOUD_MEDIA_HOSTS');
		expect(graph.requests.map((request) => request.url)).toEqual([`/v26.0/${MEDIA_ID}`]);
	});

	test('a download from the Graph host itself works, as the simulator serves media', async () => {
		const graph = await graphNaming(() => `${graph.url}/whatsapp_business/attachments/?mid=1`);
		const result = await runWorkflow({
			nodes: [{ name: 'Download', type: 'whatsAppMedia', parameters: { operation: 'download', mediaId: MEDIA_ID } as never }],
			credentials: { whatsAppCloudApi: credentials(graph.url) as never },
		});
		expect(result.items('Download')[0].binary?.data).toBeDefined();
		expect(graph.requests[1].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});
});

describe('an answer that echoes the token shows none of it', () => {
	/** A server that echoes the Authorization header's token so that a cut at 200 characters falls inside it. */
	const echoing = () =>
		server((req, res) => {
			const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
			res.writeHead(400, { 'Content-Type': 'text/plain' });
			res.end(`${'.'.repeat(190)}${token}`);
		});

	test('the credential test, run by someone who may edit the Base URL but not read the token, shows no piece of it', async () => {
		const echo = await echoing();
		const result = await testWhatsAppCredentials(credentials(echo.url));
		expect(echo.requests).toHaveLength(1);
		expect(result.status).toBe('Error');
		expect(result.message).not.toContain(TOKEN.slice(0, 8));
	});

	test('a node error for the same answer shows no piece of it either', async () => {
		const echo = await echoing();
		const error = await failure(() => graphRequest(credentials(echo.url), { method: 'GET', path: '/me' }));
		expect(error.message).not.toContain(TOKEN.slice(0, 8));
	});
});

describe("n8n's SSRF protection applies to the pack's connections", () => {
	const protect = (variables: Record<string, string> = {}) => {
		process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
		Object.assign(process.env, variables);
	};

	test('with protection on, a Base URL on a blocked address (loopback, by n8n’s default ranges) is refused and nothing is sent', async () => {
		protect();
		const error = await failure(() => graphRequest(credentials(sim.url), { method: 'GET', path: `/${sim.fixture.wabaId}` }));
		expect(sim.requests()).toEqual([]);
		expect(error.errorClass).toBe('permanent');
		expect(error.message).toContain("n8n's SSRF protection");
		expect(error.message).toContain('N8N_SSRF_ALLOWED_HOSTNAMES');
	});

	test('a name is checked by the addresses it resolves to when the connection is made (localhost → 127.0.0.1)', async () => {
		protect();
		const error = await failure(() => graphRequest(credentials(sim.url.replace('127.0.0.1', 'localhost')), { method: 'GET', path: `/${sim.fixture.wabaId}` }));
		expect(sim.requests()).toEqual([]);
		expect(error.message).toContain('localhost (127.0.0.1)');
	});

	test('the blocked-hostnames list refuses a name even where its address is allowed', async () => {
		protect({ N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.0/8', N8N_SSRF_BLOCKED_HOSTNAMES: 'localhost' });
		const error = await failure(() => graphRequest(credentials(sim.url.replace('127.0.0.1', 'localhost')), { method: 'GET', path: `/${sim.fixture.wabaId}` }));
		expect(sim.requests()).toEqual([]);
		expect(error.message).toContain('N8N_SSRF_BLOCKED_HOSTNAMES');
	});

	test('an admin’s allow-list (hostnames or IP ranges) lets the simulator through, as for n8n’s own nodes', async () => {
		protect({ N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost' });
		const byName = await graphRequest<{ id: string }>(credentials(sim.url.replace('127.0.0.1', 'localhost')), { method: 'GET', path: `/${sim.fixture.wabaId}` });
		expect(byName.data.id).toBe(sim.fixture.wabaId);
		destroyGraphClients();
		process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
		const byAddress = await graphRequest<{ id: string }>(credentials(sim.url), { method: 'GET', path: `/${sim.fixture.wabaId}` });
		expect(byAddress.data.id).toBe(sim.fixture.wabaId);
	});

	test('a redirect of a media download to a blocked address is not followed', async () => {
		// The Graph host is allowed by name; the media host list would let 127.0.0.1 through: only the SSRF policy stops it.
		protect({ N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost', WHATSAPP_CLOUD_MEDIA_HOSTS: 'default,127.0.0.1' });
		const internal = await recorder();
		const graph = await server((_req, res) => {
			res.writeHead(302, { Location: `${internal.url}/latest/meta-data/` });
			res.end();
		});
		const graphUrl = graph.url.replace('127.0.0.1', 'localhost');
		const error = await failure(() =>
			graphRequest(credentials(graphUrl), { method: 'GET', url: `${graphUrl}/whatsapp_business/attachments/?mid=1`, responseType: 'arraybuffer' }),
		);
		expect(graph.requests).toHaveLength(1);
		expect(internal.requests).toEqual([]);
		expect(error.message).toContain("n8n's SSRF protection");
	});

	test('with protection off (n8n 2.40’s default) the same redirect is followed, without the token', async () => {
		process.env.WHATSAPP_CLOUD_MEDIA_HOSTS = 'default,127.0.0.1';
		const internal = await server((_req, res) => res.end('bytes'));
		const graph = await server((_req, res) => {
			res.writeHead(302, { Location: `${internal.url}/file` });
			res.end();
		});
		const response = await graphRequest<Buffer>(credentials(graph.url), { method: 'GET', url: `${graph.url}/attachments/?mid=1`, responseType: 'arraybuffer' });
		expect(response.data.toString()).toBe('bytes');
		expect(internal.requests[0].headers.authorization).toBeUndefined();
	});
});
