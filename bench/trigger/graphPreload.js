'use strict';
// Loaded into the bench's n8n (NODE_OPTIONS=--require): requests to graph.facebook.com go to the local stub named by
// WA_BENCH_GRAPH_STUB instead, over plain HTTP. Only the anchor (n8n's built-in WhatsApp Trigger) calls that host.
const http = require('http');
const https = require('https');

const stub = process.env.WA_BENCH_GRAPH_STUB && new URL(process.env.WA_BENCH_GRAPH_STUB);
if (stub) {
	const originalRequest = https.request;
	const isGraph = (options) => options && (options.hostname === 'graph.facebook.com' || options.host === 'graph.facebook.com');
	const redirect = (options) => {
		const copy = { ...options, protocol: 'http:', hostname: stub.hostname, host: stub.hostname, port: stub.port, agent: undefined };
		delete copy.servername;
		return copy;
	};
	https.request = function request(url, options, callback) {
		if (typeof url === 'string' || url instanceof URL) {
			const parsed = new URL(String(url));
			if (parsed.hostname === 'graph.facebook.com') {
				const merged = { ...(typeof options === 'object' ? options : {}), hostname: parsed.hostname, path: parsed.pathname + parsed.search };
				return http.request(redirect(merged), typeof options === 'function' ? options : callback);
			}
			return originalRequest.apply(this, arguments);
		}
		if (isGraph(url)) return http.request(redirect(url), options);
		return originalRequest.apply(this, arguments);
	};
}
