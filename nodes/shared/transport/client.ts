// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- the transport is the one place that talks HTTP (axios, keep-alive agents)
import axios, { type AxiosInstance } from 'axios';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- the transport is the one place that talks HTTP (axios, keep-alive agents)
import * as http from 'node:http';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- the transport is the one place that talks HTTP (axios, keep-alive agents)
import * as https from 'node:https';

/**
 * Sockets per origin. At 1,000 calls/s with Meta's ~1-2 s latency about 2,000 calls are in flight; every one needs
 * its own socket (HTTP/1.1), so the pool must hold that many, and idle ones are kept (not closed and re-opened).
 */
export const MAX_SOCKETS_PER_ORIGIN = 2048;
/** Idle sockets are closed after this long; below the usual 60 s server idle timeout, so we close first. */
export const IDLE_SOCKET_TIMEOUT_MS = 50_000;
/** Largest body either way: documents are up to 100 MB, plus multipart overhead. */
export const MAX_BODY_BYTES = 120 * 1024 * 1024;

function agentOptions(): http.AgentOptions {
	return {
		keepAlive: true,
		keepAliveMsecs: 30_000,
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
	axios: AxiosInstance;
	httpAgent: http.Agent;
	httpsAgent: https.Agent;
}

// Shared through a global symbol so two copies of this module (n8n loads each node's bundle) share one pool.
const REGISTRY_KEY = Symbol.for('n8n-nodes-whatsapp-cloud.transport.clients');
type Registry = Map<string, GraphClient>;
// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- one socket pool per process, shared by every copy of the module
const globalStore = globalThis as unknown as Record<symbol, Registry | undefined>;

function registry(): Registry {
	let clients = globalStore[REGISTRY_KEY];
	if (!clients) {
		clients = new Map();
		globalStore[REGISTRY_KEY] = clients;
	}
	return clients;
}

/** The one axios instance (with its keep-alive agents) for an origin such as `https://graph.facebook.com`. */
export function getGraphClient(origin: string): GraphClient {
	const clients = registry();
	let client = clients.get(origin);
	if (!client) {
		const httpAgent = new http.Agent(agentOptions());
		const httpsAgent = new https.Agent(agentOptions());
		client = {
			httpAgent,
			httpsAgent,
			axios: axios.create({
				httpAgent,
				httpsAgent,
				// `proxy` left unset: axios reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY itself. For an https target it tunnels
				// (CONNECT) through its own agent built from these agents' options, so keep-alive still applies.
				maxBodyLength: MAX_BODY_BYTES,
				maxContentLength: MAX_BODY_BYTES,
				// Every status is an answer we parse ourselves: Meta's error envelope is the information.
				validateStatus: () => true,
				// Redirects are followed by graphRequest itself (only for downloads), so the transport stays native.
				maxRedirects: 0,
				decompress: true,
			}),
		};
		clients.set(origin, client);
	}
	return client;
}

/** Close every pooled socket (tests and shutdown). The next call opens new ones. */
export function destroyGraphClients(): void {
	const clients = registry();
	for (const client of clients.values()) {
		client.httpAgent.destroy();
		client.httpsAgent.destroy();
	}
	clients.clear();
}
