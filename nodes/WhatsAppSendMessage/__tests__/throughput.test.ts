/**
 * 1,000 items in one execution: all scheduled on the gate at once, paced so Meta never answers 130429, each item sent
 * exactly once and reported in input order.
 *
 * Concurrency is asserted from the server's side, not from the clock: a counting pass-through in front of the
 * simulator records how many sends were open at the same moment. Meta answers in about a second (never under 800 ms
 * here), so a loop that awaits each send before the next has exactly one open at a time and starts at most two per
 * second: it fails here however fast or loaded the machine is, while the gate keeps hundreds open.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { destroyGraphClients } from '../../shared/transport';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { byId, HIGH_NUMBER, send } from './helpers';

let sim: Simulator;
let proxy: http.Server;
let proxyUrl = '';
const ITEMS = 1000;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
/** Sends open at the simulator right now, and the most ever open at once. */
let open = 0;
let maxOpen = 0;

beforeAll(async () => {
	// Meta-like latency (never below 800 ms): a loop awaiting each send would keep one call open; the gate overlaps them.
	sim = await startSimulator({ latency: { median: 1000, p90: 1200, p99: 1500, min: 800, max: 2000 } });
	const target = new URL(sim.url);
	proxy = http.createServer((req, res) => {
		const isSend = req.method === 'POST' && /\/messages$/.test(req.url ?? '');
		if (isSend) maxOpen = Math.max(maxOpen, ++open);
		const upstream = http.request(
			{ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
				answer.on('end', () => {
					if (isSend) open--;
				});
			},
		);
		upstream.on('error', () => {
			if (isSend) open--;
			res.destroy();
		});
		req.pipe(upstream);
	});
	proxy.keepAliveTimeout = 60_000;
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
	destroyGraphClients();
	agent.destroy();
	proxy.closeAllConnections();
	await new Promise<void>((resolve) => proxy.close(() => resolve()));
	await sim.stop();
});

test('1,000 items are sent many at once, each exactly once, with zero 130429, and come back in input order', async () => {
	const inputItems = Array.from({ length: ITEMS }, (_, i) => ({ json: { phone: `+1 650 ${String(1_000_000 + i).slice(1, 4)} ${String(1_000_000 + i).slice(4)}`, ref: `item-${i}` } }));
	const result = await send(
		sim,
		{
			phoneNumberId: byId(HIGH_NUMBER),
			messageType: 'text',
			textBody: '=Order {{ $json.ref }} is on its way',
			recipient: '={{ $json.phone }}',
			sendOptions: { bizOpaqueCallbackData: '={{ $json.ref }}' },
		},
		{ inputItems, credentials: { throughputTier: 'high', baseUrl: proxyUrl } },
	);
	expect(result.error).toBeUndefined();
	const outputs = result.outputs('Send');
	expect(outputs).toHaveLength(ITEMS);
	outputs.forEach((output, i) => expect(output.recipient).toBe(`1650${String(1_000_000 + i).slice(1)}`));
	expect(result.items('Send').every((item, i) => (item.pairedItem as { item: number }).item === i)).toBe(true);

	const log = sim.log();
	expect(log).toHaveLength(ITEMS);
	const refs = log.map((message) => message.bizOpaqueCallbackData);
	expect(new Set(refs).size).toBe(ITEMS);
	expect(new Set(outputs.map((output) => output.messageId))).toEqual(new Set(log.map((message) => message.wamid)));
	const counters = sim.counters();
	expect(counters.rejectedByCode['130429'] ?? 0).toBe(0);
	expect(counters.peakPerSecond[HIGH_NUMBER]).toBeLessThanOrEqual(1000);

	// Overlap, seen by the server: a sequential loop has 1 send open at a time and starts at most 2 per second.
	expect(open).toBe(0);
	expect(maxOpen).toBeGreaterThanOrEqual(20);
	expect(counters.peakPerSecond[HIGH_NUMBER]).toBeGreaterThanOrEqual(20);
}, 240_000);
