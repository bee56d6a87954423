import axios, { type AxiosAdapter, type AxiosProxyConfig, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { processWide } from '../processWide';
import { checkProxiedTarget, guardAgent, secureLookup } from './egress';
import { proxyForUrl, TunnelingAgent } from './proxy';

/**
 * Sockets per origin. At 1,000 calls/s with Meta's ~1-2 s latency about 2,000 calls are in flight; every one needs
 * its own socket (HTTP/1.1), so the pool must hold that many, and idle ones are kept (not closed and re-opened).
 */
export const MAX_SOCKETS_PER_ORIGIN = 2048;
/** Idle sockets are closed after this long; below the usual 60 s server idle timeout, so we close first. */
export const IDLE_SOCKET_TIMEOUT_MS = 50_000;
/** Largest body either way: documents are up to 100 MB, plus multipart overhead. */
export const MAX_BODY_BYTES = 120 * 1024 * 1024;
/** How long an origin's proxy settings read from the environment are reused. */
const PROXY_RECHECK_MS = 1000;

function agentOptions(): http.AgentOptions {
	return {
		keepAlive: true,
		// The same TCP keep-alive delay axios sets on the socket of every request (60 s): Node skips the setsockopt
		// when the value does not change, so a pooled socket costs no syscall per call (with 30 s, the agent and
		// axios would reset it back and forth on every call).
		keepAliveMsecs: 60_000,
		maxSockets: MAX_SOCKETS_PER_ORIGIN,
		maxFreeSockets: MAX_SOCKETS_PER_ORIGIN,
		timeout: IDLE_SOCKET_TIMEOUT_MS,
		// LIFO reuses the most recently used socket: the warm ones stay busy and the surplus ages out after a burst,
		// and the socket picked is the one least likely to have been closed by the server meanwhile (a reset on a
		// stale socket is an "ambiguous" failure we would rather never see). FIFO would pick the stalest one.
		scheduling: 'lifo',
	};
}

/** Creates the request of one attempt (graphRequest's `Attempt`: it tracks the connection and the deadline). */
export interface RequestTransport {
	request(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void): http.ClientRequest;
}

/** An answer as `graphRequest` reads it: the status, the raw body (a stream for media downloads) and the headers. */
export interface RawAnswer<Body extends Buffer | Readable = Buffer | Readable> {
	status: number;
	data: Body;
	headers: unknown;
}

export interface GraphClient {
	origin: string;
	/** One request with this client's agents and proxy settings (see `senderFor`). */
	send(
		method: string,
		url: string,
		headers: Record<string, string>,
		data: unknown,
		transport: RequestTransport,
		/** The body as a stream (media downloads) rather than one Buffer. */
		stream?: boolean,
	): Promise<RawAnswer>;
	httpAgent: http.Agent;
	httpsAgent: https.Agent;
	/** Keep-alive CONNECT tunnels for https targets, one agent per proxy URL. */
	tunnelAgents: Map<string, TunnelingAgent>;
	/** The proxy settings of this origin as last read from the environment, and when. */
	connection?: { settings: ConnectionSettings; readAt: number };
}

// One pool for every copy of this module (n8n loads each node's bundle).
type Registry = Map<string, GraphClient>;
const registry = processWide('transport.clients', (): Registry => new Map());

/**
 * How the calls `sendPlain` does not take are sent (GETs, forms, forward proxies): axios's own http adapter
 * (`axios.getAdapter('http')`, the adapter contract axios documents for custom adapters), given a complete config.
 * What `axios.request` does before the adapter is all work our calls do not need, and it showed in profiles at 1,000
 * calls/s: a deep merge of the call's config with the instance defaults (header buckets per method, transitional
 * options, env…), header flattening, interceptor chains, and the default request/response transforms (`graphRequest`
 * serialises the body and parses the answer itself). axios keeps: proxy option, streamed size limits, decompression
 * of large answers, FormData streaming.
 */
function adapterSender(client: Omit<GraphClient, 'send'>): (method: string, url: string, headers: Record<string, string>, data: unknown, transport: RequestTransport, connection: ConnectionSettings, stream: boolean) => Promise<AxiosResponse<Buffer | Readable>> {
	const adapter = axios.getAdapter('http') as AxiosAdapter;
	return (method, url, headers, data, transport, connection, stream) => {
		// One literal of the same shape for every call (no spreads or merges): cheap to build and for axios to read.
		const config = {
			method,
			url,
			headers,
			data,
			transport,
			httpAgent: client.httpAgent,
			httpsAgent: connection.httpsAgent ?? client.httpsAgent,
			// A forward proxy for http targets; false otherwise (axios's own https tunnelling opens a tunnel per call,
			// so https proxies are our pooled tunnel agent above).
			proxy: connection.proxy,
			maxBodyLength: MAX_BODY_BYTES,
			maxContentLength: MAX_BODY_BYTES,
			// Every status is an answer we parse ourselves: Meta's error envelope is the information.
			validateStatus: null,
			// Redirects are followed by graphRequest itself (only for downloads): with 0, axios uses the transport it
			// is given (Node's http(s)) instead of follow-redirects.
			maxRedirects: 0,
			decompress: true,
			// The raw bytes: graphRequest decodes JSON itself (a download reads them as they come).
			responseType: stream ? 'stream' : 'arraybuffer',
		};
		return adapter(config as unknown as InternalAxiosRequestConfig) as Promise<AxiosResponse<Buffer | Readable>>;
	};
}

/** Where a client's origin is, parsed once: what Node's `http.request` needs besides the path. */
interface OriginParts {
	protocol: string;
	hostname: string;
	port: string;
}

function originParts(origin: string): OriginParts {
	const url = new URL(origin);
	return { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port };
}

/**
 * A call whose body is JSON text (or none), not a GET, and that goes direct or through a CONNECT tunnel: Node's
 * http(s) with this client's agents, without axios. Such a call is every send; axios's adapter cost a send through
 * n8n ~0.07 ms of CPU of ~0.45 and ~20 KB of garbage (bench `send-cpu`) for work it never needs: header
 * normalisation, a stream pipeline, redirect, proxy and progress plumbing. Body limit and decompression as axios's.
 */
function sendPlain(
	client: Omit<GraphClient, 'send'>,
	origin: OriginParts,
	method: string,
	path: string,
	headers: Record<string, string>,
	body: Buffer | undefined,
	transport: RequestTransport,
	connection: ConnectionSettings,
): Promise<RawAnswer> {
	const secure = origin.protocol === 'https:';
	const options: http.RequestOptions = {
		protocol: origin.protocol,
		hostname: origin.hostname,
		port: origin.port || undefined,
		path,
		method,
		headers: body ? { ...headers, 'Content-Length': String(body.length) } : headers,
		agent: secure ? (connection.httpsAgent ?? client.httpsAgent) : client.httpAgent,
	};
	return new Promise<RawAnswer>((resolve, reject) => {
		const req = transport.request(options, (res) => {
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > MAX_BODY_BYTES) {
					res.destroy();
					reject(codedError('ERR_BAD_RESPONSE', `maxContentLength size of ${MAX_BODY_BYTES} exceeded`));
					return;
				}
				chunks.push(chunk);
			});
			res.on('error', reject);
			res.on('end', () => {
				try {
					const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
					resolve({ status: res.statusCode ?? 0, data: decoded(raw, res.headers['content-encoding']), headers: res.headers });
				} catch (error) {
					reject(codedError('ERR_BAD_RESPONSE', `The answer could not be decompressed: ${error instanceof Error ? error.message : String(error)}`));
				}
			});
		});
		req.on('error', reject);
		req.end(body);
	});
}

function codedError(code: string, message: string): Error {
	return Object.assign(new Error(message), { code });
}

/** The body as sent, decompressed if the server compressed it although we asked for `identity` (axios would too). */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
	if (!encoding || body.length === 0) return body;
	// The decompressed size is capped as the compressed one is: a small "bomb" from a host a Base URL names must not
	// hold the event loop or the memory of every workflow in the process (axios's adapter caps it the same way).
	const options = { maxOutputLength: MAX_BODY_BYTES };
	switch (encoding.toLowerCase()) {
		case 'gzip':
		case 'x-gzip':
			return zlib.gunzipSync(body, options);
		case 'deflate':
			// Servers send both zlib-wrapped and raw deflate under this name.
			return body[0] === 0x78 ? zlib.inflateSync(body, options) : zlib.inflateRawSync(body, options);
		case 'br':
			return zlib.brotliDecompressSync(body, options);
		default:
			return body;
	}
}

/** JSON text or bytes: what `sendPlain` can write as it is. */
function plainBody(data: unknown): Buffer | undefined | false {
	if (data === undefined) return undefined;
	if (typeof data === 'string') return Buffer.from(data, 'utf8');
	// A body past the cap goes through axios's adapter, which refuses it (maxBodyLength) before sending.
	if (Buffer.isBuffer(data)) return data.length <= MAX_BODY_BYTES ? data : false;
	return false;
}

/**
 * How a client sends: `sendPlain` for non-GET calls with a JSON (or no) body to a target reached directly or through
 * a tunnel; axios's adapter for the rest (GETs: lists, analytics and media downloads, with decompression and large
 * bodies; forms; forward proxies). The connection settings and the proxied target's check are the same for both.
 */
function senderFor(client: Omit<GraphClient, 'send'>): GraphClient['send'] {
	const viaAdapter = adapterSender(client);
	const origin = originParts(client.origin);
	const pathStart = client.origin.length;
	return (method, url, headers, data, transport, stream = false) => {
		const connection = connectionFor(client, client.origin);
		const body = stream || method === 'GET' || connection.proxy !== false || url[pathStart] !== '/' || !url.startsWith(client.origin) ? false : plainBody(data);
		const send = (): Promise<RawAnswer> =>
			body === false
				? viaAdapter(method, url, headers, data, transport, connection, stream)
				: sendPlain(client, origin, method, url.slice(pathStart), headers, body, transport, connection);
		// A proxy resolves the target itself, out of reach of our agents' lookup: check the target here first.
		const proxied = connection.proxy !== false || connection.httpsAgent !== undefined;
		return proxied ? checkProxiedTarget(new URL(url)).then(send) : send();
	};
}

/** The one client (axios's http adapter over keep-alive agents) for an origin such as `https://graph.facebook.com`. */
export function getGraphClient(origin: string): GraphClient {
	const clients = registry();
	let client = clients.get(origin);
	if (!client) {
		// Every new socket is checked where it goes (n8n's SSRF policy; plain http only to loopback), redirects included.
		const httpAgent = guardAgent(new http.Agent({ ...agentOptions(), lookup: secureLookup('loopback') }), 'loopback');
		const httpsAgent = guardAgent(new https.Agent({ ...agentOptions(), lookup: secureLookup('any') }), 'any');
		const base = { origin, httpAgent, httpsAgent, tunnelAgents: new Map<string, TunnelingAgent>() };
		client = Object.assign(base, { send: senderFor(base) });
		clients.set(origin, client);
	}
	return client;
}

export interface ConnectionSettings {
	/** axios `proxy`: a forward proxy for http targets, otherwise false (direct, or tunnelled by `httpsAgent`). */
	proxy: AxiosProxyConfig | false;
	/** Set when an https target goes through a proxy: the keep-alive tunnelling agent. */
	httpsAgent?: https.Agent;
}

/**
 * How a call to `url` connects, honouring HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY: https targets through a
 * proxy use a pooled CONNECT tunnel (end-to-end TLS, the proxy never sees the token); http targets use the proxy
 * as a forward proxy over the keep-alive http agent.
 */
export function connectionFor(client: Omit<GraphClient, 'send'>, url: URL | string): ConnectionSettings {
	// Reading the proxy variables per call showed in profiles (process.env is a native lookup per name and case),
	// so an origin reads them at most once a second: a change of environment still applies within a second.
	const now = Date.now();
	const cached = client.connection;
	if (cached && now - cached.readAt < PROXY_RECHECK_MS && now >= cached.readAt) return cached.settings;
	const settings = resolveConnection(client, typeof url === 'string' ? new URL(url) : url);
	client.connection = { settings, readAt: now };
	return settings;
}

/** Direct calls add nothing to a request's config: the instance defaults already say `proxy: false`. */
const DIRECT: ConnectionSettings = Object.freeze({ proxy: false as const });

function resolveConnection(client: Omit<GraphClient, 'send'>, url: URL): ConnectionSettings {
	const proxy = proxyForUrl(url);
	if (!proxy) return DIRECT;
	if (url.protocol === 'https:') {
		const key = proxy.href;
		let agent = client.tunnelAgents.get(key);
		if (!agent) {
			// Same pool settings and TLS options (e.g. a custom CA) as the direct https agent.
			agent = guardAgent(new TunnelingAgent(proxy, { ...client.httpsAgent.options, ...agentOptions() }), 'any');
			client.tunnelAgents.set(key, agent);
		}
		return { proxy: false, httpsAgent: agent };
	}
	const username = decodeURIComponent(proxy.username);
	const password = decodeURIComponent(proxy.password);
	return {
		proxy: {
			protocol: proxy.protocol.replace(':', ''),
			host: proxy.hostname.replace(/^\[|\]$/g, ''),
			port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
			...(username || password ? { auth: { username, password } } : {}),
		},
	};
}

/** Close every pooled socket (tests and shutdown). The next call opens new ones. */
export function destroyGraphClients(): void {
	const clients = registry();
	for (const client of clients.values()) {
		client.httpAgent.destroy();
		client.httpsAgent.destroy();
		for (const tunnel of client.tunnelAgents.values()) tunnel.destroy();
	}
	clients.clear();
}
