import { gzipSync } from 'node:zlib';
import type { INode } from 'n8n-workflow';
import { captureOutput, findSecretLeaks } from '../../../test/harness/secrets';
import { closedPort, startHttpServer, startNetServer, type RawServer } from '../../../test/harness/rawServers';
import { toNodeApiError } from '../nodeApiError';
import { destroyGraphClients, GraphApiError, graphRequest, type WhatsAppCredentials } from './index';
import type { GraphRequest } from './types';

const TOKEN = 'EAAGtest0accessTOKEN0123456789';
const APP_SECRET = 'testAppSecret0123456789abcdef';
const APP_ID = '900000000000009';
const SECRETS = { accessToken: TOKEN, appSecret: APP_SECRET, appId: APP_ID };
const NODE: INode = { id: 'n1', name: 'WhatsApp', type: 'test.whatsApp', typeVersion: 1, position: [0, 0], parameters: {} };

function credentialsFor(baseUrl: string): WhatsAppCredentials {
	return { accessToken: TOKEN, apiVersion: 'v26.0', baseUrl, appId: APP_ID, appSecret: APP_SECRET, wabaId: '200000000000001' };
}

/** Runs a call that must fail; returns the error after checking no secret leaked anywhere, logs included. */
async function failingCall(credentials: WhatsAppCredentials, request: GraphRequest): Promise<GraphApiError> {
	const output = captureOutput();
	let caught: unknown;
	try {
		await graphRequest(credentials, request);
	} catch (error) {
		caught = error;
	} finally {
		output.restore();
	}
	expect(caught).toBeInstanceOf(GraphApiError);
	const error = caught as GraphApiError;
	expect(findSecretLeaks(error, SECRETS)).toEqual([]);
	expect(findSecretLeaks(toNodeApiError(NODE, error, 0), SECRETS)).toEqual([]);
	expect(output.text()).not.toContain(TOKEN);
	expect(output.text()).not.toContain(APP_SECRET);
	return error;
}

/** Meta's envelope, with the token and secret echoed in its text as a hostile or buggy upstream might do. */
function metaError(code: number, extra: Record<string, unknown> = {}) {
	return {
		error: {
			message: `(#${code}) Failure for token ${TOKEN} and app ${APP_ID}|${APP_SECRET}`,
			type: 'OAuthException',
			code,
			error_data: { messaging_product: 'whatsapp', details: `See https://x.test/?access_token=${TOKEN}&secret=${APP_SECRET}` },
			fbtrace_id: 'AbCdEfTrace',
			...extra,
		},
	};
}

describe('graphRequest against Meta-style error envelopes', () => {
	let server: RawServer;
	const answers = new Map<string, { status: number; body: string; headers?: Record<string, string> }>();

	beforeAll(async () => {
		server = await startHttpServer((req, res) => {
			const name = (req.url ?? '').split('?')[0].split('/').pop() ?? '';
			const answer = answers.get(name) ?? { status: 200, body: '{"ok":true}' };
			res.writeHead(answer.status, { 'Content-Type': 'application/json', ...(answer.headers ?? {}) });
			res.end(answer.body);
		});
	});
	afterAll(async () => {
		destroyGraphClients();
		await server.close();
	});

	const cases: Array<[string, number, number, Record<string, unknown>, 'throttled' | 'transient' | 'permanent']> = [
		['throttled-130429-400', 400, 130429, {}, 'throttled'],
		['throttled-130429-429', 429, 130429, {}, 'throttled'],
		['throttled-80007-400', 400, 80007, {}, 'throttled'],
		['throttled-80007-429', 429, 80007, {}, 'throttled'],
		['throttled-4-400', 400, 4, {}, 'throttled'],
		['throttled-4-429', 429, 4, {}, 'throttled'],
		['throttled-131056-400', 400, 131056, {}, 'throttled'],
		['throttled-131056-429', 429, 131056, {}, 'throttled'],
		['throttled-131057-400', 400, 131057, {}, 'throttled'],
		// Meta's table (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/):
		// 2494100 is maintenance like 131057; 131045 / 133000 come with HTTP 500 and code 1 with 400, all final.
		['throttled-2494100-400', 400, 2494100, {}, 'throttled'],
		['throttled-2494100-503', 503, 2494100, {}, 'throttled'],
		['transient-2-503', 503, 2, {}, 'transient'],
		['transient-131000-500', 500, 131000, {}, 'transient'],
		['transient-131016-503', 503, 131016, {}, 'transient'],
		['transient-100-500', 500, 100, {}, 'transient'],
		['permanent-1-400', 400, 1, {}, 'permanent'],
		['permanent-1-500', 500, 1, {}, 'permanent'],
		['permanent-3-500', 500, 3, {}, 'permanent'],
		['permanent-131045-500', 500, 131045, {}, 'permanent'],
		['permanent-133000-500', 500, 133000, {}, 'permanent'],
		['permanent-131049-400', 400, 131049, {}, 'permanent'],
		['permanent-131050-400', 400, 131050, {}, 'permanent'],
		['permanent-131059-400', 400, 131059, {}, 'permanent'],
		['permanent-200005-400', 400, 200005, {}, 'permanent'],
		['permanent-100-400', 400, 100, {}, 'permanent'],
		['permanent-190-401', 401, 190, {}, 'permanent'],
		['permanent-190-463-401', 401, 190, { error_subcode: 463 }, 'permanent'],
		['permanent-131047-400', 400, 131047, {}, 'permanent'],
	];
	for (const [name, status, code, extra] of cases) {
		answers.set(name, { status, body: JSON.stringify(metaError(code, extra)) });
	}

	test.each(cases)('case %s: HTTP %i with code %i is classified by its code', async (name, status, code, _extra, expectedClass) => {
		const error = await failingCall(credentialsFor(server.url), { method: 'POST', path: `/123/${name}`, body: { to: '1' } });
		expect(error.errorClass).toBe(expectedClass);
		expect(error.retryable).toBe(expectedClass !== 'permanent');
		expect(error.httpStatus).toBe(status);
		expect(error.code).toBe(code);
		expect(error.type).toBe('OAuthException');
		expect(error.fbtraceId).toBe('AbCdEfTrace');
		expect(error.details).toContain('access_token=[redacted]');
		expect(error.message).toContain(`(#${code})`);
		expect(error.request).toBe(`POST /v26.0/123/${name}`);
	});

	test('an expired token (190/463) tells the user the token expired', async () => {
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/permanent-190-463-401' });
		expect(error.subcode).toBe(463);
		expect(error.userTitle).toBe('Access token expired');
	});

	test('131047 tells the user to send a template', async () => {
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/permanent-131047-400' });
		expect(error.userTitle).toBe('More than 24 hours since the customer last replied: send a template');
	});

	// Meanings from https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/
	test('131049 says Meta limits marketing messages to this person and to try again after 24 h', async () => {
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/permanent-131049-400' });
		expect(error.userTitle).toBe('Meta limits marketing messages to this person');
		expect(error.userHint).toContain('try again after 24 h');
	});

	test('131050 says the person stopped marketing messages', async () => {
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/permanent-131050-400' });
		expect(error.userTitle).toBe('The person stopped marketing messages');
	});

	test.each([200005, 200006, 200007])('%i says how to enable template insights, not that a permission is missing', async (code) => {
		answers.set(`insights-${code}`, { status: 400, body: JSON.stringify(metaError(code)) });
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: `/x/insights-${code}` });
		expect(error.errorClass).toBe('permanent');
		expect(error.userTitle).toBe('Template insights are not enabled for this WhatsApp Business Account');
		expect(error.userHint).toContain('POST /{waba-id}?is_enabled_for_insights=true');
		expect(error.userHint).toContain('WhatsApp Manager');
	});

	test('a registration error that comes with HTTP 500 says what to do instead of "temporary"', async () => {
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/permanent-133000-500' });
		expect(error.userTitle).toBe('Incomplete deregistration');
		expect(error.userHint).not.toContain('Temporary');
	});

	test('a non-JSON 502 body from a proxy is transient and quoted', async () => {
		answers.set('html-502', { status: 502, body: '<html><body>Bad Gateway</body></html>', headers: { 'Content-Type': 'text/html' } });
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/html-502' });
		expect(error.errorClass).toBe('transient');
		expect(error.httpStatus).toBe(502);
		expect(error.code).toBeUndefined();
		expect(error.message).toContain('HTTP 502');
		expect(error.message).toContain('Bad Gateway');
	});

	test('a non-JSON 400 body is permanent and quoted without secrets', async () => {
		answers.set('text-400', { status: 400, body: `bad request for access_token=${TOKEN}`, headers: { 'Content-Type': 'text/plain' } });
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/text-400' });
		expect(error.errorClass).toBe('permanent');
		expect(error.message).toContain('access_token=[redacted]');
	});

	test('usage headers are parsed on an error', async () => {
		answers.set('usage-80007', {
			status: 429,
			body: JSON.stringify(metaError(80007)),
			headers: {
				'X-App-Usage': '{"call_count":12,"total_cputime":3,"total_time":4}',
				'X-Business-Use-Case-Usage':
					'{"200000000000001":[{"type":"whatsapp_business_management","call_count":100,"total_cputime":5,"total_time":6,"estimated_time_to_regain_access":7}]}',
			},
		});
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/usage-80007' });
		expect(error.usage.appUsage).toEqual({ call_count: 12, total_cputime: 3, total_time: 4 });
		expect(error.usage.businessUseCaseUsage?.['200000000000001'][0].call_count).toBe(100);
		expect(error.usage.estimatedTimeToRegainAccessMinutes).toBe(7);
	});

	test('usage headers are parsed on a success', async () => {
		answers.set('usage-ok', {
			status: 200,
			body: '{"id":"1"}',
			headers: {
				'X-App-Usage': '{"call_count":5,"total_cputime":1,"total_time":2}',
				'X-Business-Use-Case-Usage': '{"2":[{"type":"x","call_count":9,"estimated_time_to_regain_access":0}]}',
			},
		});
		const response = await graphRequest(credentialsFor(server.url), { method: 'GET', path: '/x/usage-ok' });
		expect(response.data).toEqual({ id: '1' });
		expect(response.usage.appUsage?.call_count).toBe(5);
		expect(response.usage.businessUseCaseUsage?.['2'][0].call_count).toBe(9);
		expect(response.usage.estimatedTimeToRegainAccessMinutes).toBe(0);
	});

	test('a malformed usage header does not fail a good response', async () => {
		answers.set('usage-bad', { status: 200, body: '{}', headers: { 'X-App-Usage': '{not json' } });
		const response = await graphRequest(credentialsFor(server.url), { method: 'GET', path: '/x/usage-bad' });
		expect(response.status).toBe(200);
		expect(response.usage).toEqual({});
	});

	test('toNodeApiError gives n8n the title, the code, the fbtrace id and the HTTP status', async () => {
		const error = await failingCall(credentialsFor(server.url), { method: 'GET', path: '/x/permanent-131047-400' });
		const nodeError = toNodeApiError(NODE, error, 3);
		expect(nodeError.message).toContain('send a template');
		expect(nodeError.description).toContain('Meta error code 131047');
		expect(nodeError.description).toContain('AbCdEfTrace');
		expect((nodeError as { httpCode?: string | null }).httpCode).toBe('400');
		expect(nodeError.context.itemIndex).toBe(3);
	});
});

describe('app-token calls', () => {
	let server: RawServer;
	beforeAll(async () => {
		server = await startHttpServer((req, res) => {
			res.writeHead(400, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(metaError(100, { message: `Bad app token ${req.headers.authorization}` })));
		});
	});
	afterAll(async () => {
		destroyGraphClients();
		await server.close();
	});

	test('a Meta error quoting the app token (app-id|app-secret) leaks neither the secret nor the token', async () => {
		const error = await failingCall(credentialsFor(server.url), { method: 'POST', path: `/${APP_ID}/subscriptions`, auth: 'app' });
		expect(error.message).toContain('[redacted]');
		expect(error.errorClass).toBe('permanent');
	});
});

describe('graphRequest network failures', () => {
	afterAll(() => destroyGraphClients());

	test('a refused connection is transient and nothing was sent', async () => {
		const port = await closedPort();
		const error = await failingCall(credentialsFor(`http://127.0.0.1:${port}`), { method: 'POST', path: '/1/messages', body: {} });
		expect(error.errorClass).toBe('transient');
		expect(error.networkCode).toBe('ECONNREFUSED');
		expect(error.sendStage).toBe('beforeSent');
	});

	test('an unknown host is transient and nothing was sent', async () => {
		const error = await failingCall(credentialsFor('https://no-such-host.invalid'), { method: 'GET', path: '/1' });
		expect(error.errorClass).toBe('transient');
		expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.networkCode);
		expect(error.sendStage).toBe('beforeSent');
	});

	test('a reset during the TLS handshake (before the request is written) is transient', async () => {
		const server = await startNetServer((socket) => socket.destroy());
		try {
			const error = await failingCall(credentialsFor(`https://127.0.0.1:${server.port}`), { method: 'POST', path: '/1/messages', body: {} });
			expect(error.errorClass).toBe('transient');
			expect(error.sendStage).toBe('beforeSent');
		} finally {
			await server.close();
		}
	});

	test('a connect phase that never completes (TLS handshake stalls) times out as transient', async () => {
		const server = await startNetServer(() => undefined);
		try {
			const error = await failingCall(credentialsFor(`https://127.0.0.1:${server.port}`), {
				method: 'POST',
				path: '/1/messages',
				body: {},
				timeoutMs: 300,
			});
			expect(error.errorClass).toBe('transient');
			expect(error.networkCode).toBe('ETIMEDOUT');
			expect(error.sendStage).toBe('beforeSent');
		} finally {
			await server.close();
		}
	});

	test('a reset after the request was written is ambiguous', async () => {
		const server = await startNetServer((socket) => {
			let seen = '';
			socket.on('data', (chunk: Buffer) => {
				seen += chunk.toString('latin1');
				if (seen.includes('\r\n\r\n')) socket.resetAndDestroy();
			});
		});
		try {
			const error = await failingCall(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: { to: '1' } });
			expect(error.errorClass).toBe('ambiguous');
			expect(error.retryable).toBe(false);
			expect(error.networkCode).toBe('ECONNRESET');
			expect(error.sendStage).toBe('mayHaveBeenSent');
		} finally {
			await server.close();
		}
	});

	test('an answer cut off after its status line is ambiguous: the send may have been processed', async () => {
		const server = await startNetServer((socket) => {
			socket.once('data', () => {
				socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n{"messages":[{"id":"wam');
				setTimeout(() => socket.destroy(), 20);
			});
		});
		try {
			const error = await failingCall(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: { to: '1' } });
			expect(error.errorClass).toBe('ambiguous');
			expect(error.sendStage).toBe('mayHaveBeenSent');
			expect(error.message).toContain('it may have been processed');
		} finally {
			await server.close();
		}
	});

	test('a socket closed without an answer after the request was written is ambiguous', async () => {
		const server = await startNetServer((socket) => {
			socket.on('data', () => socket.end());
		});
		try {
			const error = await failingCall(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: { to: '1' } });
			expect(error.errorClass).toBe('ambiguous');
			expect(error.sendStage).toBe('mayHaveBeenSent');
		} finally {
			await server.close();
		}
	});

	test('an answer that arrived while the event loop was blocked past the deadline is read, not thrown away', async () => {
		// The server (in this process) answers, then blocks the event loop well past the client's deadline: when the
		// loop runs again, the timer is due and the answer is waiting on the socket. Meta accepted the message, so
		// reporting a timeout would be wrong (and, with retries of ambiguous calls on, would send it twice).
		const server = await startHttpServer((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"messages":[{"id":"wamid.blocked"}]}');
			const until = Date.now() + 400;
			while (Date.now() < until) {
				// busy: an event-loop stall such as a long synchronous task in another execution
			}
		});
		try {
			const response = await graphRequest<{ messages: Array<{ id: string }> }>(credentialsFor(server.url), {
				method: 'POST',
				path: '/1/messages',
				body: {},
				timeoutMs: 100,
			});
			expect(response.data.messages[0].id).toBe('wamid.blocked');
		} finally {
			await server.close();
		}
	});

	test('no answer within the timeout is ambiguous', async () => {
		const server = await startHttpServer(() => undefined);
		try {
			const error = await failingCall(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: {}, timeoutMs: 300 });
			expect(error.errorClass).toBe('ambiguous');
			expect(error.networkCode).toBe('ETIMEDOUT');
			expect(error.sendStage).toBe('mayHaveBeenSent');
			expect(error.message).toContain('0.3 s');
		} finally {
			await server.close();
		}
	});
});

describe('graphRequest requests', () => {
	let server: RawServer;
	beforeAll(async () => {
		server = await startHttpServer((req, res) => {
			if ((req.url ?? '').includes('/media-file')) {
				res.writeHead(200, { 'Content-Type': 'image/png' });
				res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]));
				return;
			}
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	afterEach(() => {
		server.requests.length = 0;
	});
	afterAll(async () => {
		destroyGraphClients();
		await server.close();
	});

	test('the URL is base URL, version and path, with trailing slashes removed and the query encoded', async () => {
		await graphRequest(credentialsFor(`${server.url}//`), {
			method: 'GET',
			path: '/200000000000001/message_templates',
			query: { fields: 'name,status', after: 'a b&c=d', limit: 5, skip: undefined },
		});
		expect(server.requests[0].url).toBe('/v26.0/200000000000001/message_templates?fields=name%2Cstatus&after=a+b%26c%3Dd&limit=5');
	});

	test('the bearer token goes in the Authorization header and never in the URL', async () => {
		await graphRequest(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: { a: 1 } });
		expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(server.requests[0].url).not.toContain(TOKEN);
		expect(server.requests[0].headers['content-type']).toContain('application/json');
		expect(JSON.parse(server.requests[0].body.toString('utf8'))).toEqual({ a: 1 });
	});

	test('an app token is sent as app-id|app-secret in the Authorization header, not in the URL', async () => {
		await graphRequest(credentialsFor(server.url), { method: 'GET', path: `/${APP_ID}/subscriptions`, auth: 'app' });
		expect(server.requests[0].headers.authorization).toBe(`Bearer ${APP_ID}|${APP_SECRET}`);
		expect(server.requests[0].url).not.toContain(APP_SECRET);
	});

	test('auth none sends no Authorization header', async () => {
		await graphRequest(credentialsFor(server.url), { method: 'GET', path: '/public', auth: 'none' });
		expect(server.requests[0].headers.authorization).toBeUndefined();
	});

	test('a FormData body is sent as multipart with its file', async () => {
		const form = new FormData();
		form.append('messaging_product', 'whatsapp');
		form.append('file', new Blob([Buffer.from('hello')], { type: 'text/plain' }), 'hello.txt');
		await graphRequest(credentialsFor(server.url), { method: 'POST', path: '/1/media', body: form });
		expect(server.requests[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		const body = server.requests[0].body.toString('utf8');
		expect(body).toContain('name="messaging_product"');
		expect(body).toContain('filename="hello.txt"');
		expect(body).toContain('hello');
	});

	test('an arraybuffer response returns the bytes and content type from an absolute URL with the token', async () => {
		// On the Graph host itself, as the simulator serves media.
		const response = await graphRequest<Buffer>(credentialsFor(server.url), {
			method: 'GET',
			url: `${server.url}/media-file?mid=1`,
			responseType: 'arraybuffer',
		});
		expect(Buffer.isBuffer(response.data)).toBe(true);
		expect([...response.data]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 255]);
		expect(response.contentType).toBe('image/png');
		expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	test('a media download follows a redirect to another host without sending it the token', async () => {
		const cdn = await startHttpServer((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'audio/ogg' });
			res.end(Buffer.from('OggS'));
		});
		const origin = await startHttpServer((_req, res) => {
			res.writeHead(302, { Location: `${cdn.url}/file.ogg` });
			res.end();
		});
		// The CDN listed as a media host, the way an admin would list one.
		process.env.WHATSAPP_CLOUD_MEDIA_HOSTS = 'default,127.0.0.1';
		try {
			const response = await graphRequest<Buffer>(credentialsFor(origin.url), {
				method: 'GET',
				url: `${origin.url}/media?mid=1`,
				responseType: 'arraybuffer',
			});
			expect(response.data.toString()).toBe('OggS');
			expect(response.contentType).toBe('audio/ogg');
			expect(origin.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
			expect(cdn.requests[0].headers.authorization).toBeUndefined();
		} finally {
			delete process.env.WHATSAPP_CLOUD_MEDIA_HOSTS;
			await cdn.close();
			await origin.close();
		}
	});

	test('a malformed API version is rejected before any call, naming the field', async () => {
		const error = await failingCall({ ...credentialsFor(server.url), apiVersion: '26' }, { method: 'GET', path: '/1' });
		expect(error.errorClass).toBe('permanent');
		expect(error.message).toContain('Graph API Version');
		expect(error.message).toContain('v26.0');
		expect(server.requests).toHaveLength(0);
	});

	test('a base URL that is not http(s) is rejected before any call', async () => {
		const error = await failingCall({ ...credentialsFor(server.url), baseUrl: 'ftp://graph.facebook.com' }, { method: 'GET', path: '/1' });
		expect(error.errorClass).toBe('permanent');
		expect(error.message).toContain('Graph Base URL');
	});

	test('a base URL that is not a URL is rejected with a clear error', async () => {
		const error = await failingCall({ ...credentialsFor(server.url), baseUrl: 'graph.facebook.com' }, { method: 'GET', path: '/1' });
		expect(error.message).toContain('is not a URL');
	});

	test('an empty access token is rejected before any call', async () => {
		const error = await failingCall({ ...credentialsFor(server.url), accessToken: ' ' }, { method: 'GET', path: '/1' });
		expect(error.message).toContain('Access Token');
		expect(server.requests).toHaveLength(0);
	});
});

describe('keep-alive', () => {
	test('many sequential calls reuse one connection', async () => {
		const server = await startHttpServer((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{}');
		});
		try {
			for (let i = 0; i < 50; i++) await graphRequest(credentialsFor(server.url), { method: 'GET', path: `/n/${i}` });
			expect(server.requests).toHaveLength(50);
			expect(server.connections()).toBe(1);
		} finally {
			destroyGraphClients();
			await server.close();
		}
	});

	test('concurrent calls open at most one connection each and then reuse them', async () => {
		const server = await startHttpServer((_req, res) => {
			setTimeout(() => {
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end('{}');
			}, 20);
		});
		try {
			const round = () =>
				Promise.all(Array.from({ length: 20 }, (_, i) => graphRequest(credentialsFor(server.url), { method: 'GET', path: `/n/${i}` })));
			await round();
			const afterFirst = server.connections();
			await round();
			await round();
			expect(afterFirst).toBeLessThanOrEqual(20);
			expect(server.connections()).toBe(afterFirst);
		} finally {
			destroyGraphClients();
			await server.close();
		}
	});
});

describe('what the gate and the nodes rely on', () => {
	let server: RawServer;
	beforeAll(async () => {
		server = await startHttpServer((_req, res) => {
			res.writeHead(200, {
				'Content-Type': 'application/json',
				'X-App-Usage': '{"call_count":7,"total_cputime":1,"total_time":2}',
			});
			res.end('{"messages":[{"id":"wamid.1"}]}');
		});
	});
	afterAll(async () => {
		destroyGraphClients();
		await server.close();
	});

	test('each call tells its onSent hook once, when its request finished writing, before its answer', async () => {
		// The gate counts a call in the sliding second when it really left (a busy event loop delays the bytes).
		const sentAt: number[][] = Array.from({ length: 10 }, () => []);
		const startedAt = Date.now();
		const answeredAt = await Promise.all(
			sentAt.map(async (times, id) => {
				await graphRequest(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: { to: String(id) } }, { onSent: (at) => times.push(at) });
				return Date.now();
			}),
		);
		for (const [i, times] of sentAt.entries()) {
			expect(times).toHaveLength(1);
			expect(times[0]).toBeGreaterThanOrEqual(startedAt);
			expect(times[0]).toBeLessThanOrEqual(answeredAt[i]);
		}
	});

	test('a success’s usage is an ordinary property: read, spread and serialised alike', async () => {
		const response = await graphRequest(credentialsFor(server.url), { method: 'GET', path: '/1' });
		const expected = { appUsage: { call_count: 7, total_cputime: 1, total_time: 2 } };
		expect({ ...response }.usage).toEqual(expected);
		expect(JSON.parse(JSON.stringify(response)).usage).toEqual(expected);
		expect(response.usage).toEqual(expected);
		expect(Object.keys(response)).toEqual(['status', 'data', 'usage']);
	});

	test('a JSON body is sent as JSON: objects serialised, a string of JSON as it is, other strings quoted', async () => {
		server.requests.length = 0;
		await graphRequest(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: { to: '1', text: { body: 'é' } } });
		await graphRequest(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: ' {"to":"2"} ' });
		await graphRequest(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: 'plain' });
		expect(server.requests.map((request) => request.body.toString('utf8'))).toEqual(['{"to":"1","text":{"body":"é"}}', '{"to":"2"}', '"plain"']);
		expect(server.requests.map((request) => request.headers['content-type'])).toEqual(Array(3).fill('application/json'));
		expect(server.requests[0].headers['content-length']).toBe(String(Buffer.byteLength('{"to":"1","text":{"body":"é"}}')));
	});
});

describe('compression', () => {
	let server: RawServer;
	beforeAll(async () => {
		server = await startHttpServer((req, res) => {
			const body = Buffer.from(JSON.stringify({ data: Array.from({ length: 50 }, (_, i) => ({ id: String(i), name: `template_${i}` })) }));
			if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
				res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
				res.end(gzipSync(body));
				return;
			}
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(body);
		});
	});
	afterAll(async () => {
		destroyGraphClients();
		await server.close();
	});

	test('a send asks for an uncompressed answer; a GET accepts gzip and gets the decoded JSON', async () => {
		server.requests.length = 0;
		const sent = await graphRequest<{ data: unknown[] }>(credentialsFor(server.url), { method: 'POST', path: '/1/messages', body: { to: '1' } });
		const listed = await graphRequest<{ data: Array<{ name: string }> }>(credentialsFor(server.url), { method: 'GET', path: '/1/message_templates' });
		expect(server.requests.map((request) => request.headers['accept-encoding'])).toEqual(['identity', expect.stringContaining('gzip')]);
		expect(sent.data.data).toHaveLength(50);
		expect(listed.data.data[49].name).toBe('template_49');
	});

	test('a send answered compressed although it asked for identity still gets the decoded JSON', async () => {
		const stubborn = await startHttpServer((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
			res.end(gzipSync(Buffer.from('{"messages":[{"id":"wamid.gzip"}]}')));
		});
		try {
			const sent = await graphRequest<{ messages: Array<{ id: string }> }>(credentialsFor(stubborn.url), { method: 'POST', path: '/1/messages', body: { to: '1' } });
			expect(sent.data.messages[0].id).toBe('wamid.gzip');
		} finally {
			await stubborn.close();
		}
	});

	test('a send answered by a compressed "bomb" fails at the body cap instead of inflating past it', async () => {
		// 130 MB of zeros compress to ~130 KB: the answer's compressed size is far below the cap, its inflated size above.
		const bomb = gzipSync(Buffer.alloc(130 * 1024 * 1024));
		const hostile = await startHttpServer((_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
			res.end(bomb);
		});
		try {
			await expect(graphRequest(credentialsFor(hostile.url), { method: 'POST', path: '/1/messages', body: { to: '1' } })).rejects.toThrow(/decompressed|maxContentLength|exceed|larger/i);
		} finally {
			await hostile.close();
		}
	});
});
