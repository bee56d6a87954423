import { startSimulator, type Simulator } from '../../../test/simulator';
import { startHttpServer, type RawServer } from '../../../test/harness/rawServers';
import { testWhatsAppCredentials, whatsAppCloudApiTest } from './credentialTest';
import { destroyGraphClients, type WhatsAppCredentials } from './index';
import type { ICredentialTestFunctions } from 'n8n-workflow';

describe('testWhatsAppCredentials against the simulator', () => {
	let sim: Simulator;
	let base: WhatsAppCredentials;

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
		base = { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId };
	});
	afterAll(async () => {
		destroyGraphClients();
		await sim.stop();
	});

	test('a WABA id that does not exist is reported as lacking access or wrong', async () => {
		const result = await testWhatsAppCredentials({ ...base, wabaId: '209999999999999' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('209999999999999');
		expect(result.message).toMatch(/lacks access|is wrong|not a WhatsApp Business Account/);
	});

	test('n8n’s credential-test entry point fills the defaults of fields never edited', async () => {
		const result = await whatsAppCloudApiTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'c',
			type: 'whatsAppCloudApi',
			data: { accessToken: sim.fixture.accessToken, baseUrl: sim.url, wabaId: sim.fixture.wabaId },
		});
		expect(result.status).toBe('OK');
	});
});

describe('testWhatsAppCredentials against odd servers', () => {
	let server: RawServer;
	let reply: { status: number; body: string; type?: string } = { status: 200, body: '{}' };
	beforeAll(async () => {
		server = await startHttpServer((_req, res) => {
			res.writeHead(reply.status, { 'Content-Type': reply.type ?? 'application/json' });
			res.end(reply.body);
		});
	});
	afterAll(async () => {
		destroyGraphClients();
		await server.close();
	});
	const credentials = () => ({ accessToken: 'EAAGodd0TOKEN0123456789', apiVersion: 'v26.0', baseUrl: server.url, wabaId: '1' });

	test('without a WABA id the token is checked on /me and the user is told to add the account id', async () => {
		reply = { status: 200, body: JSON.stringify({ id: '61550000000001', name: 'n8n system user' }) };
		const result = await testWhatsAppCredentials({ ...credentials(), wabaId: '' });
		expect(result.status).toBe('OK');
		expect(result.message).toContain('n8n system user');
		expect(result.message).toContain('Add the WhatsApp Business Account ID');
		expect(server.requests[server.requests.length - 1].url).toBe('/v26.0/me?fields=id%2Cname');
	});

	test('a base URL that answers 404 without Meta’s envelope is said not to be the Graph API', async () => {
		reply = { status: 404, body: '<h1>Not Found</h1>', type: 'text/html' };
		const result = await testWhatsAppCredentials(credentials());
		expect(result.status).toBe('Error');
		expect(result.message).toContain('does not look like the Graph API');
	});

	test('Meta being unavailable is not blamed on the credential', async () => {
		reply = { status: 503, body: JSON.stringify({ error: { message: 'Service temporarily unavailable', code: 2 } }) };
		const result = await testWhatsAppCredentials(credentials());
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Try the test again');
	});

	test('a phone number id given as the WABA id is named as such', async () => {
		reply = {
			status: 400,
			body: JSON.stringify({
				error: { message: '(#100) Tried accessing nonexisting field (name) on node type (WhatsAppBusinessPhoneNumber)', code: 100 },
			}),
		};
		const result = await testWhatsAppCredentials(credentials());
		expect(result.message).toContain('not a WhatsApp Business Account but a WhatsAppBusinessPhoneNumber');
	});

	test('a 190 with a Meta message quoting the token does not echo the token', async () => {
		reply = { status: 401, body: JSON.stringify({ error: { message: 'Invalid token EAAGodd0TOKEN0123456789', code: 190 } }) };
		const result = await testWhatsAppCredentials(credentials());
		expect(result.message).toContain('invalid');
		expect(result.message).not.toContain('EAAGodd0TOKEN0123456789');
	});

	test('a malformed API version is reported before any call', async () => {
		const before = server.requests.length;
		const result = await testWhatsAppCredentials({ ...credentials(), apiVersion: 'latest' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('v26.0');
		expect(server.requests.length).toBe(before);
	});
});
