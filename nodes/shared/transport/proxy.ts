/**
 * Proxies from the environment, resolved here rather than by axios: axios tunnels HTTPS through a proxy with an
 * agent that opens a new CONNECT tunnel (and TLS handshake) for every call, which defeats keep-alive. Our tunnel
 * agent pools the tunnelled TLS sockets like any keep-alive agent.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
	const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
	return value && value.trim() ? value.trim() : undefined;
}

function defaultPort(protocol: string): number {
	return protocol === 'https:' ? 443 : 80;
}

/** NO_PROXY as curl reads it: `*`, exact hosts, `.example.com` / `example.com` suffixes, optional `:port`. */
function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
	if (!noProxy) return false;
	const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = Number(target.port) || defaultPort(target.protocol);
	for (const raw of noProxy.split(/[\s,]+/)) {
		const entry = raw.trim().toLowerCase();
		if (!entry) continue;
		if (entry === '*') return true;
		const match = /^(.*?)(?::(\d+))?$/.exec(entry);
		const entryHost = (match?.[1] ?? entry).replace(/^\*?\./, '.').replace(/^\[|\]$/g, '');
		const entryPort = match?.[2] ? Number(match[2]) : undefined;
		if (entryPort !== undefined && entryPort !== port) continue;
		if (entryHost.startsWith('.') ? host.endsWith(entryHost) || host === entryHost.slice(1) : host === entryHost || host.endsWith(`.${entryHost}`)) {
			return true;
		}
	}
	return false;
}

/** The proxy a call to `target` should use according to HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY. */
export function proxyForUrl(target: URL, env: Env = process.env): URL | undefined {
	if (bypassesProxy(target, envValue(env, 'no_proxy'))) return undefined;
	const raw =
		(target.protocol === 'https:' ? envValue(env, 'https_proxy') : envValue(env, 'http_proxy')) ?? envValue(env, 'all_proxy');
	if (!raw) return undefined;
	try {
		const proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
		return proxy.protocol === 'http:' || proxy.protocol === 'https:' ? proxy : undefined;
	} catch {
		return undefined;
	}
}

/** `Basic …` for a proxy URL with user info, else undefined. */
export function proxyAuthorization(proxy: URL): string | undefined {
	if (!proxy.username && !proxy.password) return undefined;
	const user = decodeURIComponent(proxy.username);
	const password = decodeURIComponent(proxy.password);
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Thrown when the proxy answers the CONNECT with anything but 200. Nothing reached the origin. */
export class ProxyConnectError extends Error {
	readonly code = 'ERR_PROXY_CONNECT';

	constructor(readonly statusCode: number) {
		super(`The proxy refused the tunnel (HTTP ${statusCode})`);
		this.name = 'ProxyConnectError';
	}
}

/**
 * A keep-alive HTTPS agent whose sockets are TLS sessions through a CONNECT tunnel. Node's pool keeps and reuses
 * them, so a busy origin costs one tunnel per socket instead of one per call.
 */
export class TunnelingAgent extends https.Agent {
	constructor(
		private readonly proxy: URL,
		options: https.AgentOptions,
	) {
		super(options);
	}

	createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
		const done = once(callback);
		const host = String(options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
		const port = Number(options.port) || 443;
		const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
		const headers: http.OutgoingHttpHeaders = { Host: authority };
		const auth = proxyAuthorization(this.proxy);
		if (auth) headers['Proxy-Authorization'] = auth;
		const proxyModule = this.proxy.protocol === 'https:' ? https : http;
		const connectRequest = proxyModule.request({
			host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
			port: Number(this.proxy.port) || defaultPort(this.proxy.protocol),
			method: 'CONNECT',
			path: authority,
			headers,
			agent: false,
		});
		connectRequest.once('connect', (response, socket, head) => {
			if (response.statusCode !== 200) {
				socket.destroy();
				done(new ProxyConnectError(response.statusCode ?? 0));
				return;
			}
			if (head.length > 0) socket.unshift(head);
			const secure = tls.connect({
				...(options as tls.ConnectionOptions),
				socket,
				servername: options.servername ?? (isIP(host) ? undefined : host),
			});
			secure.once('secureConnect', () => done(null, secure));
			secure.once('error', (error) => done(error));
		});
		connectRequest.once('error', (error) => done(error));
		connectRequest.end();
		return undefined;
	}
}

function once(callback?: (err: Error | null, stream: Duplex) => void) {
	let called = false;
	return (err: Error | null, stream?: Duplex) => {
		if (called || !callback) return;
		called = true;
		callback(err, stream as Duplex);
	};
}
