import axios, { type AxiosAdapter, type AxiosProxyConfig, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
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

export interface GraphClient {
	origin: string;
	/** One request through axios's http adapter with this client's agents and proxy settings (see `adapterSender`). */
	send(
		method: string,
		url: string,
		headers: Record<string, string>,
		data: unknown,
		transport: { request(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void): http.ClientRequest },
		/** The body as a stream (media downloads) rather than one Buffer. */
		stream?: boolean,
	): Promise<AxiosResponse<Buffer | Readable>>;
	httpAgent: http.Agent;
	httpsAgent: https.Agent;
	/** Keep-alive CONNECT tunnels for https targets, one agent per proxy URL. */
	tunnelAgents: Map<string, TunnelingAgent>;
	/** The proxy settings of this origin as last read from the environment, and when. */
	connection?: { settings: ConnectionSettings; readAt: number };
}

// Shared through a global symbol so two copies of this module (n8n loads each node's bundle) share one pool.
const REGISTRY_KEY = Symbol.for('n8n-nodes-whatsapp-cloud.transport.clients');
type Registry = Map<string, GraphClient>;
const globalStore = globalThis as unknown as Record<symbol, Registry | undefined>;

function registry(): Registry {
	let clients = globalStore[REGISTRY_KEY];
	if (!clients) {
		clients = new Map();
		globalStore[REGISTRY_KEY] = clients;
	}
	return clients;
}

/**
 * How a call is sent: axios's own http adapter (`axios.getAdapter('http')`, the adapter contract axios documents for
 * custom adapters), given a complete config. What `axios.request` does before the adapter is all work our calls do
 * not need, and it showed in profiles at 1,000 calls/s: a deep merge of the call's config with the instance defaults
 * (header buckets per method, transitional options, env…), header flattening, interceptor chains, and the default
 * request/response transforms (`graphRequest` serialises the body and parses the answer itself). Everything that
 * talks HTTP stays axios's: agents, proxy option, body and size limits, decompression, FormData streaming, errors.
 */
function adapterSender(client: Omit<GraphClient, 'send'>): GraphClient['send'] {
	const adapter = axios.getAdapter('http') as AxiosAdapter;
	return (method, url, headers, data, transport, stream = false) => {
		const connection = connectionFor(client, client.origin);
		const proxied = connection.proxy !== false || connection.httpsAgent !== undefined;
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
		const send = () => adapter(config as unknown as InternalAxiosRequestConfig) as Promise<AxiosResponse<Buffer | Readable>>;
		// A proxy resolves the target itself, out of reach of our agents' lookup: check the target here first.
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
		client = Object.assign(base, { send: adapterSender(base) });
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
