import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { TEST_TLS_CERT, TEST_TLS_KEY } from '../../../test/harness/testTls';
import { getGraphClient } from './client';
import { destroyGraphClients, GraphApiError, graphRequest, type WhatsAppCredentials } from './index';
import { proxyForUrl } from './proxy';

const TOKEN = 'EAAGproxy0TOKEN0123456789';

interface Counting {
	server: http.Server | https.Server;
	port: number;
	connections: number;
	requests: string[];
	connects: number;
	close: () => Promise<void>;
}

async function listen(server: http.Server | https.Server): Promise<number> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as net.AddressInfo).port;
}

function counting(server: http.Server | https.Server): Omit<Counting, 'port'> {
	const sockets = new Set<net.Socket>();
	const state = {
		server,
		connections: 0,
		requests: [] as string[],
		connects: 0,
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	server.on('connection', (socket: net.Socket) => {
		state.connections++;
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return state;
}

/** An origin answering `{}` (http or https). */
async function startOrigin(secure: boolean): Promise<Counting> {
	const handler: http.RequestListener = (req, res) => {
		state.requests.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`);
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{"ok":true}');
	};
	const server = secure ? https.createServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, handler) : http.createServer(handler);
	server.keepAliveTimeout = 60_000;
	const state = counting(server) as Counting;
	state.port = await listen(server);
	return state;
}

/** A forward proxy: absolute-URL requests for http targets, CONNECT tunnels for https targets. */
async function startProxy(): Promise<Counting> {
	const server = http.createServer((req, res) => {
		state.requests.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`);
		const target = new URL(req.url ?? '');
		const upstream = http.request(
			{ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
			(upstreamRes) => {
				res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
				upstreamRes.pipe(res);
			},
		);
		req.pipe(upstream);
	});
	server.keepAliveTimeout = 60_000;
	server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
		state.connects++;
		state.requests.push(`CONNECT ${req.url}`);
		const [host, port] = (req.url ?? '').split(':');
		const upstream = net.connect(Number(port), host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length) upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	});
	const state = counting(server) as Counting;
	state.port = await listen(server);
	return state;
}

const credentials = (baseUrl: string): WhatsAppCredentials => ({ accessToken: TOKEN, apiVersion: 'v26.0', baseUrl });

describe('proxies from the environment with keep-alive agents', () => {
	const saved = { ...process.env };
	let proxy: Counting;

	beforeEach(async () => {
		proxy = await startProxy();
		for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) delete process.env[name];
	});
	afterEach(async () => {
		destroyGraphClients();
		await proxy.close();
		for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	test('HTTP_PROXY carries http calls, over one reused connection to the proxy', async () => {
		const origin = await startOrigin(false);
		try {
			process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
			for (let i = 0; i < 20; i++) await graphRequest(credentials(`http://127.0.0.1:${origin.port}`), { method: 'GET', path: `/n/${i}` });
			expect(proxy.requests).toHaveLength(20);
			expect(proxy.requests[0]).toContain(`http://127.0.0.1:${origin.port}/v26.0/n/0`);
			expect(proxy.connections).toBe(1);
		} finally {
			await origin.close();
		}
	});

	test('HTTPS_PROXY tunnels https calls with CONNECT, reuses the tunnel, and the proxy never sees the token', async () => {
		const origin = await startOrigin(true);
		try {
			process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`;
			// The origin's certificate is self-signed: trust it on our pool's agent; axios builds its tunnel from its options.
			(getGraphClient(`https://127.0.0.1:${origin.port}`).httpsAgent.options as { ca?: string }).ca = TEST_TLS_CERT;
			for (let i = 0; i < 20; i++) await graphRequest(credentials(`https://127.0.0.1:${origin.port}`), { method: 'GET', path: `/n/${i}` });
			expect(origin.requests).toHaveLength(20);
			expect(origin.requests[0]).toContain(`auth=Bearer ${TOKEN}`);
			expect(proxy.connects).toBe(1);
			expect(origin.connections).toBe(1);
			expect(proxy.requests.join('\n')).not.toContain(TOKEN);
		} finally {
			await origin.close();
		}
	});

	test('NO_PROXY sends matching hosts directly', async () => {
		const origin = await startOrigin(false);
		try {
			process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
			process.env.NO_PROXY = '127.0.0.1';
			await graphRequest(credentials(`http://127.0.0.1:${origin.port}`), { method: 'GET', path: '/direct' });
			expect(origin.requests).toHaveLength(1);
			expect(proxy.requests).toHaveLength(0);
		} finally {
			await origin.close();
		}
	});
});

describe('a proxy that refuses the tunnel', () => {
	test('is a transient failure before anything was sent, and its credentials never show', async () => {
		const seen: string[] = [];
		const proxy = http.createServer();
		proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
			seen.push(String(req.headers['proxy-authorization'] ?? ''));
			client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
		});
		const port = await listen(proxy);
		const saved = process.env.HTTPS_PROXY;
		process.env.HTTPS_PROXY = `http://proxyuser:proxyPass123@127.0.0.1:${port}`;
		try {
			const error = await graphRequest(credentials('https://graph.example.test'), { method: 'GET', path: '/1' }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(GraphApiError);
			const graphError = error as GraphApiError;
			expect(graphError.errorClass).toBe('transient');
			expect(graphError.sendStage).toBe('beforeSent');
			expect(graphError.message).toContain('the proxy refused the tunnel');
			expect(seen[0]).toBe(`Basic ${Buffer.from('proxyuser:proxyPass123').toString('base64')}`);
			expect(JSON.stringify(graphError) + String(graphError.stack)).not.toContain('proxyPass123');
		} finally {
			if (saved === undefined) delete process.env.HTTPS_PROXY;
			else process.env.HTTPS_PROXY = saved;
			destroyGraphClients();
			await new Promise<void>((resolve) => proxy.close(() => resolve()));
		}
	});
});

describe('proxyForUrl', () => {
	const target = new URL('https://graph.facebook.com/v26.0/me');

	test('uses HTTPS_PROXY for https targets and HTTP_PROXY for http targets', () => {
		const env = { HTTPS_PROXY: 'http://secure-proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128' };
		expect(proxyForUrl(target, env)?.host).toBe('secure-proxy:3128');
		expect(proxyForUrl(new URL('http://127.0.0.1:4100/v26.0/me'), env)?.host).toBe('plain-proxy:3128');
	});

	test('reads lower-case names first and falls back to ALL_PROXY', () => {
		expect(proxyForUrl(target, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })?.host).toBe('lower:1');
		expect(proxyForUrl(target, { ALL_PROXY: 'http://all:3' })?.host).toBe('all:3');
	});

	test('accepts a proxy without a scheme as http', () => {
		expect(proxyForUrl(target, { HTTPS_PROXY: 'proxy.local:8080' })?.href).toBe('http://proxy.local:8080/');
	});

	test('NO_PROXY matches exact hosts, domain suffixes, wildcards and ports', () => {
		const env = { HTTPS_PROXY: 'http://p:1' };
		expect(proxyForUrl(target, { ...env, NO_PROXY: 'graph.facebook.com' })).toBeUndefined();
		expect(proxyForUrl(target, { ...env, NO_PROXY: '.facebook.com' })).toBeUndefined();
		expect(proxyForUrl(target, { ...env, NO_PROXY: 'facebook.com' })).toBeUndefined();
		expect(proxyForUrl(target, { ...env, NO_PROXY: '*.facebook.com' })).toBeUndefined();
		expect(proxyForUrl(target, { ...env, NO_PROXY: '*' })).toBeUndefined();
		expect(proxyForUrl(target, { ...env, NO_PROXY: 'graph.facebook.com:443' })).toBeUndefined();
		expect(proxyForUrl(target, { ...env, NO_PROXY: 'graph.facebook.com:8443' })).toBeDefined();
		expect(proxyForUrl(target, { ...env, NO_PROXY: 'notfacebook.com, example.org' })).toBeDefined();
	});

	test('no proxy variables means a direct connection', () => {
		expect(proxyForUrl(target, {})).toBeUndefined();
	});
});
