/**
 * Tiny servers a test controls byte by byte, for transport behaviour the simulator cannot pin down
 * (a TLS handshake that is reset or never completes, a socket closed after the request was read).
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface RawServer {
	url: string;
	port: number;
	/** TCP connections accepted so far (keep-alive reuse keeps this low). */
	connections: () => number;
	/** Requests seen (for http servers) with their method, URL and headers. */
	requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }>;
	close: () => Promise<void>;
}

function trackSockets(server: net.Server) {
	const sockets = new Set<net.Socket>();
	let count = 0;
	server.on('connection', (socket: net.Socket) => {
		count++;
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return {
		connections: () => count,
		destroyAll: () => {
			for (const socket of sockets) socket.destroy();
		},
	};
}

async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	return (server.address() as net.AddressInfo).port;
}

/**
 * An HTTP server running `handler` after reading the whole body (available as `requests[i].body`). It listens on
 * loopback unless `host` says otherwise (`0.0.0.0`: also on the machine's other addresses).
 */
export async function startHttpServer(
	handler: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void,
	host = '127.0.0.1',
): Promise<RawServer> {
	const requests: RawServer['requests'] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			handler(req, res, body);
		});
	});
	server.keepAliveTimeout = 60_000;
	const tracker = trackSockets(server);
	const port = await listen(server, host);
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		connections: tracker.connections,
		requests,
		close: async () => {
			tracker.destroyAll();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A raw TCP server; `onSocket` decides what happens to each connection. */
export async function startNetServer(onSocket: (socket: net.Socket) => void): Promise<RawServer> {
	const server = net.createServer(onSocket);
	const tracker = trackSockets(server);
	const port = await listen(server);
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		connections: tracker.connections,
		requests: [],
		close: async () => {
			tracker.destroyAll();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
	const server = net.createServer();
	const port = await listen(server);
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}
