import { latencySampler, META_LATENCY, receiveDelay, resolveLatency } from './latency';
import { seededRandom } from './state';
import { startSimulator } from './index';
import { call, send, text } from './helpers';

function percentile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function draws(latency: Parameters<typeof latencySampler>[0], n = 2000, seed = 7): number[] {
	const sample = latencySampler(latency);
	const random = seededRandom(seed);
	return Array.from({ length: n }, () => sample(random())).sort((a, b) => a - b);
}

describe('latency distribution', () => {
	test('the Meta-like default has median ~300 ms, p90 ~1 s and p99 ~2 s within 10%', () => {
		const sorted = draws('meta');
		expect(percentile(sorted, 0.5)).toBeGreaterThan(300 * 0.9);
		expect(percentile(sorted, 0.5)).toBeLessThan(300 * 1.1);
		expect(percentile(sorted, 0.9)).toBeGreaterThan(1000 * 0.9);
		expect(percentile(sorted, 0.9)).toBeLessThan(1000 * 1.1);
		expect(percentile(sorted, 0.99)).toBeGreaterThan(2000 * 0.9);
		expect(percentile(sorted, 0.99)).toBeLessThan(2000 * 1.1);
	});

	test('configured quantiles are reproduced within 10%', () => {
		const sorted = draws({ median: 50, p90: 120, p99: 400 }, 2000, 99);
		for (const [q, expected] of [
			[0.5, 50],
			[0.9, 120],
			[0.99, 400],
		] as const) {
			const value = percentile(sorted, q);
			expect(Math.abs(value - expected) / expected).toBeLessThan(0.1);
		}
	});

	test('draws never leave the [min, max] range', () => {
		const sorted = draws('meta', 5000, 3);
		expect(sorted[0]).toBeGreaterThanOrEqual(META_LATENCY.min);
		expect(sorted[sorted.length - 1]).toBeLessThanOrEqual(META_LATENCY.max);
	});

	test("latency 'none' and a zero median give zero delay", () => {
		expect(draws('none', 10).every((ms) => ms === 0)).toBe(true);
		expect(draws({ median: 0 }, 10).every((ms) => ms === 0)).toBe(true);
		expect(resolveLatency({ median: 0 })).toBeNull();
	});

	test('a median alone gets Meta-shaped upper quantiles', () => {
		expect(resolveLatency({ median: 100 })).toMatchObject({ median: 100, p90: 100 * (1000 / 300) });
	});
});

describe('latency over HTTP', () => {
	test('the message is recorded at arrival and the answer comes only after the drawn latency', async () => {
		const sim = await startSimulator({ latency: { median: 400, p90: 400, p99: 400, min: 400, max: 400 } });
		try {
			const started = Date.now();
			let answered = false;
			const pending = send(sim, text()).then((response) => {
				answered = true;
				return response;
			});
			while (sim.log().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
			expect(answered).toBe(false);
			const response = await pending;
			expect(response.status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(390);
		} finally {
			await sim.stop();
		}
	});
});

describe('receive jitter (a network that delivers a call late)', () => {
	test('draws are uniform over 0..max, or over mean ± spread, and never negative', () => {
		expect(receiveDelay(null, 0.7)).toBe(0);
		expect(receiveDelay({ maxMs: 50 }, 0)).toBe(0);
		expect(receiveDelay({ maxMs: 50 }, 0.5)).toBe(25);
		expect(receiveDelay({ maxMs: 50 }, 1)).toBe(50);
		expect(receiveDelay({ meanMs: 300, spreadMs: 200 }, 0)).toBe(100);
		expect(receiveDelay({ meanMs: 300, spreadMs: 200 }, 0.5)).toBe(300);
		expect(receiveDelay({ meanMs: 300, spreadMs: 200 }, 1)).toBe(500);
		expect(receiveDelay({ meanMs: 10, spreadMs: 50 }, 0)).toBe(0);
	});

	test('a call set through /_sim/config is stamped (and counted) only after the delay, before the answer latency', async () => {
		const sim = await startSimulator({ latency: 'none' });
		try {
			const configured = await call(sim, 'POST', '/_sim/config', { receiveJitter: { meanMs: 300, spreadMs: 0 } }, null);
			expect(configured.status).toBe(200);
			const started = Date.now();
			const response = await send(sim, text());
			expect(response.status).toBe(200);
			const [message] = sim.log();
			expect(message.acceptedAt - started).toBeGreaterThanOrEqual(295);
			expect(sim.counters().peakPerSecond).toEqual({ '300000000000001': 1 });
		} finally {
			await sim.stop();
		}
	});
});
