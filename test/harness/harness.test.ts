import { startSimulator, type Simulator } from '../simulator';
import { destroyGraphClients } from '../../nodes/shared/transport';
import { findSecretLeaks } from './secrets';
import packageJson from '../../package.json';
import { loadPackageNodeTypes, nodeLoadFailures, runWorkflow } from './index';

describe('runWorkflow through n8n-core WorkflowExecute', () => {
	let sim: Simulator;
	const credentialsFor = (overrides: Record<string, unknown> = {}) => ({
		whatsAppCloudApi: {
			accessToken: sim.fixture.accessToken,
			apiVersion: 'v26.0',
			baseUrl: sim.url,
			wabaId: sim.fixture.wabaId,
			appId: sim.fixture.appId,
			appSecret: sim.fixture.appSecret,
			...overrides,
		},
	});

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterEach(() => sim.reset());
	afterAll(async () => {
		destroyGraphClients();
		await sim.stop();
	});

	test('a probe node reads a phone number through the gate with the decrypted credential', async () => {
		const phone = sim.fixture.phoneNumbers[0];
		const result = await runWorkflow({
			nodes: [{ name: 'Probe', type: 'graphProbe', parameters: { operation: 'getPhoneNumber', phoneNumberId: phone.id } }],
			credentials: credentialsFor(),
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.outputs('Probe')).toEqual([
			{ id: phone.id, display_phone_number: phone.displayPhoneNumber, verified_name: phone.verifiedName },
		]);
		expect(sim.requests().map((r) => `${r.method} ${r.path}`)).toContain(`GET /v26.0/${phone.id}`);
	});

	test('every input item becomes one output item, in order, with its pairedItem', async () => {
		const ids = sim.fixture.phoneNumbers.map((p) => p.id);
		const result = await runWorkflow({
			nodes: [{ name: 'Probe', type: 'graphProbe', parameters: { operation: 'getPhoneNumber', phoneNumberId: '={{ $json.phone }}' } }],
			credentials: credentialsFor(),
			inputItems: ids.map((phone) => ({ phone })),
		});
		expect(result.outputs('Probe').map((j) => j.id)).toEqual(ids);
		expect(result.items('Probe').map((i) => i.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
	});

	test('two chained nodes run in order and the second gets the first one’s items', async () => {
		const phone = sim.fixture.phoneNumbers[1];
		const result = await runWorkflow({
			nodes: [
				{ name: 'First', type: 'graphProbe', parameters: { operation: 'getPhoneNumber', phoneNumberId: phone.id } },
				{ name: 'Second', type: 'graphProbe', parameters: { operation: 'getPhoneNumber', phoneNumberId: '={{ $json.id }}' } },
			],
			credentials: credentialsFor(),
		});
		expect(result.executionOrder).toEqual(['First', 'Second']);
		expect(result.outputs('Second')[0].id).toBe(phone.id);
	});

	test('a Graph error fails the node with Meta’s code and no secret anywhere in the run', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Probe', type: 'graphProbe', parameters: { operation: 'getPhoneNumber', phoneNumberId: '300000000000001' } }],
			credentials: credentialsFor({ accessToken: 'EAAGwrong0TOKEN0123456789' }),
		});
		expect(result.status).toBe('error');
		expect(result.nodeError('Probe')?.message).toContain('Access token invalid');
		expect(result.nodeError('Probe')?.description).toContain('Meta error code 190');
		const secrets = { accessToken: 'EAAGwrong0TOKEN0123456789', appSecret: sim.fixture.appSecret };
		expect(findSecretLeaks(result.error, secrets)).toEqual([]);
		expect(JSON.stringify(result.run)).not.toContain('EAAGwrong0TOKEN0123456789');
		expect(JSON.stringify(result.run)).not.toContain(sim.fixture.appSecret);
	});

	test('with continue on fail, a failed call becomes an error item and the run succeeds', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Probe', type: 'graphProbe', continueOnFail: true, parameters: { operation: 'getPhoneNumber', phoneNumberId: '999' } }],
			credentials: credentialsFor(),
		});
		expect(result.status).toBe('success');
		expect(String(result.outputs('Probe')[0].error)).not.toBe('');
	});

	test('credentials are stored encrypted and decrypted with the type’s defaults filled in', async () => {
		const result = await runWorkflow({
			nodes: [{ name: 'Probe', type: 'graphProbe', parameters: { operation: 'getPhoneNumber', phoneNumberId: '300000000000001' } }],
			credentials: { whatsAppCloudApi: { accessToken: sim.fixture.accessToken, baseUrl: sim.url } },
		});
		// apiVersion was not given: the credential type's default (Newest, today v26.0) reached the node.
		expect(result.status).toBe('success');
		expect(sim.requests()[0].path).toBe('/v26.0/300000000000001');
		expect(result.credentialsHelper.decryptCount).toBeGreaterThan(0);
	});
});

describe('the credential test through a workflow', () => {
	let sim: Simulator;
	const probe = async (overrides: Record<string, unknown>) => {
		const result = await runWorkflow({
			nodes: [{ name: 'Probe', type: 'graphProbe', parameters: { operation: 'testCredential' } }],
			credentials: {
				whatsAppCloudApi: { accessToken: sim.fixture.accessToken, apiVersion: 'v26.0', baseUrl: sim.url, wabaId: sim.fixture.wabaId, ...overrides },
			},
		});
		return result.outputs('Probe')[0] as { status: string; message: string };
	};

	beforeAll(async () => {
		sim = await startSimulator({ latency: 'none' });
	});
	afterAll(async () => {
		destroyGraphClients();
		await sim.stop();
	});

	test('a valid token with its WABA is OK', async () => {
		const result = await probe({});
		expect(result.status).toBe('OK');
		expect(result.message).toContain(sim.fixture.wabaId);
	});

	test('a wrong token is reported as invalid', async () => {
		const result = await probe({ accessToken: 'EAAGnot0aTOKEN0123456789' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('invalid');
		expect(result.message).not.toContain('EAAGnot0aTOKEN0123456789');
	});

	test('an expired token is reported as expired', async () => {
		const result = await probe({ accessToken: sim.fixture.expiredAccessToken });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('expired');
	});

	test('a token without access to the WABA is reported as lacking access', async () => {
		const result = await probe({ accessToken: sim.fixture.noAccessToken });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('lacks access');
	});

	test('a WABA id that is not digits is reported before any call', async () => {
		const before = sim.requests().length;
		const result = await probe({ wabaId: 'my-waba' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('digits only');
		expect(sim.requests().length).toBe(before);
	});

	test('an unreachable base URL is reported as unreachable', async () => {
		const result = await probe({ baseUrl: 'http://127.0.0.1:1' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Could not reach');
	});
});

describe('node types from the package', () => {
	test('every node listed in package.json loads from source under its full and short name', () => {
		const types = loadPackageNodeTypes();
		expect(nodeLoadFailures()).toEqual({});
		const listed = packageJson.n8n.nodes;
		const shortNames = Object.keys(types).filter((name) => !name.includes('.'));
		// One class per listed node file, plus the test-only Graph Probe.
		expect(shortNames.length).toBe(listed.length + 1);
		for (const name of shortNames) expect(types[`n8n-nodes-whatsapp-cloud.${name}`]).toBe(types[name]);
	});
});
