import { startSimulator, type Simulator } from '../../test/simulator';
import { startHttpServer, type RawServer } from '../../test/harness/rawServers';
import { CREDENTIAL_NEEDS, testWhatsAppCredentials, whatsAppCloudApiTest } from './credentialTest';
import { apiVersionClock } from './transport/credentials';
import { destroyGraphClients, type WhatsAppCredentials } from './transport';
import type { ICredentialTestFunctions } from 'n8n-workflow';
import { forgetApiVersionWarningsForTests } from '../../test/support/testHooks';

const realClock = apiVersionClock.now;
/** Meta's changelog: v21.0 is available until 2027-01-21 (https://developers.facebook.com/docs/graph-api/changelog). */
const setToday = (isoDate: string) => {
	apiVersionClock.now = () => Date.parse(`${isoDate}T12:00:00Z`);
};
afterEach(() => {
	apiVersionClock.now = realClock;
	forgetApiVersionWarningsForTests();
});

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

	test('without a WABA id a valid token does not pass: the message says what each node needs of the credential', async () => {
		const result = await testWhatsAppCredentials({ ...base, wabaId: '' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('The token is valid (Simulator System User), but the WhatsApp Business Account ID is empty');
		for (const node of ['WhatsApp Send Message', 'WhatsApp Media', 'WhatsApp Metrics', 'WhatsApp Cloud Trigger']) expect(result.message).toContain(`${node}: `);
		expect(result.message).toContain('WhatsApp Business Account ID for templates');
		expect(result.message).toContain('Meta App ID too for Subscription "Meta App"');
		expect(result.message).toContain('Only sending by phone-number ID and WhatsApp Media work without it');
		expect(CREDENTIAL_NEEDS.map((entry) => entry.node)).toEqual(['WhatsApp Send Message', 'WhatsApp Media', 'WhatsApp Metrics', 'WhatsApp Cloud Trigger']);
	});

	test('a wrong token without a WABA id is still called invalid first (the account ID comes after)', async () => {
		const result = await testWhatsAppCredentials({ ...base, wabaId: '', accessToken: 'EAAGnot0the0token' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/access token is invalid/i);
	});

	test('a version 90 days or less before its end still passes, and the message gives its end date', async () => {
		setToday('2027-01-01');
		const result = await testWhatsAppCredentials({ ...base, apiVersion: 'v21.0' });
		expect(result.status).toBe('OK');
		expect(result.message).toContain('Connected: the token can use WhatsApp Business Account');
		expect(result.message).toContain('Meta ends Graph API v21.0 on 2027-01-21 (in 20 days)');
	});

	test('a version past its end still passes (Meta serves the oldest live version), and the message says so', async () => {
		setToday('2027-02-01');
		const result = await testWhatsAppCredentials({ ...base, apiVersion: 'v21.0' });
		expect(result.status).toBe('OK');
		expect(result.message).toContain('Meta ended Graph API v21.0 on 2027-01-21: it now answers calls to it with the oldest version it still serves (v22.0)');
	});

	test('a failing test carries the version warning too', async () => {
		setToday('2027-02-01');
		const result = await testWhatsAppCredentials({ ...base, apiVersion: 'v21.0', wabaId: '' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Meta ended Graph API v21.0');
	});

	test('Newest and a version far from its end carry no warning', async () => {
		setToday('2027-01-01');
		const newest = await testWhatsAppCredentials({ ...base, apiVersion: 'newest' });
		expect(newest).toEqual({ status: 'OK', message: `Connected: the token can use WhatsApp Business Account "Simulator WABA" (${sim.fixture.wabaId}).` });
		expect(sim.requests().at(-1)?.path).toBe(`/v26.0/${sim.fixture.wabaId}`);
		const v23 = await testWhatsAppCredentials({ ...base, apiVersion: 'v23.0' });
		expect(v23.message).not.toContain('Meta end');
	});

	test('n8n’s entry point writes the warning to n8n’s log once per version', async () => {
		setToday('2027-01-01');
		const warnings: string[] = [];
		const context = { logger: { warn: (message: string) => warnings.push(message) } } as unknown as ICredentialTestFunctions;
		const credential = { id: '1', name: 'c', type: 'whatsAppCloudApi', data: { ...base, apiVersion: 'v21.0' } };
		await whatsAppCloudApiTest.call(context, credential);
		await whatsAppCloudApiTest.call(context, credential);
		expect(warnings).toEqual([expect.stringContaining('Meta ends Graph API v21.0 on 2027-01-21')]);
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

	test('without a WABA id the token is checked on /me, and the test refuses to pass until the account id is given', async () => {
		reply = { status: 200, body: JSON.stringify({ id: '61550000000001', name: 'n8n system user' }) };
		const result = await testWhatsAppCredentials({ ...credentials(), wabaId: '' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('The token is valid (n8n system user), but the WhatsApp Business Account ID is empty');
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
