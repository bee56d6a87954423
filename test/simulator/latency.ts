/**
 * Response latency drawn from a distribution given by its quantiles: a piecewise log-linear inverse CDF through
 * (0, min), (0.5, median), (0.9, p90), (0.99, p99), (1, max).
 */
import type { LatencyDistribution, ReceiveJitter, SimulatorOptions } from './types';

/** Meta-like: median ~300 ms, p90 ~1 s, p99 ~2 s. */
export const META_LATENCY: Required<LatencyDistribution> = { median: 300, p90: 1000, p99: 2000, max: 3000, min: 80 };

export type LatencySampler = (u: number) => number;

export function resolveLatency(latency: SimulatorOptions['latency']): Required<LatencyDistribution> | null {
	if (latency === 'none') return null;
	if (latency === 'meta') return META_LATENCY;
	if (!latency || !(latency.median > 0)) return null;
	const median = latency.median;
	const p90 = Math.max(median, latency.p90 ?? median * (META_LATENCY.p90 / META_LATENCY.median));
	const p99 = Math.max(p90, latency.p99 ?? p90 * (META_LATENCY.p99 / META_LATENCY.p90));
	const max = Math.max(p99, latency.max ?? p99 * 1.5);
	const min = Math.min(median, latency.min ?? median / 4);
	return { median, p90, p99, max, min };
}

/** The inverse CDF: u in [0, 1) → latency in ms. Returns 0 for every u when latency is off. */
export function latencySampler(latency: SimulatorOptions['latency']): LatencySampler {
	const dist = resolveLatency(latency);
	if (!dist) return () => 0;
	const points: Array<[number, number]> = [
		[0, dist.min],
		[0.5, dist.median],
		[0.9, dist.p90],
		[0.99, dist.p99],
		[1, dist.max],
	];
	const logs = points.map(([q, ms]) => [q, Math.log(Math.max(ms, 1e-3))] as const);
	return (u: number) => {
		const x = Math.min(Math.max(u, 0), 1);
		for (let i = 1; i < logs.length; i++) {
			const [q1, l1] = logs[i];
			if (x <= q1) {
				const [q0, l0] = logs[i - 1];
				const t = q1 === q0 ? 1 : (x - q0) / (q1 - q0);
				return Math.exp(l0 + t * (l1 - l0));
			}
		}
		return dist.max;
	};
}

/** The delay (ms) before a call is handled for a draw u in [0, 1): uniform over the jitter's range, never below 0. */
export function receiveDelay(jitter: ReceiveJitter | null, u: number): number {
	if (!jitter) return 0;
	const x = Math.min(Math.max(u, 0), 1);
	if ('maxMs' in jitter) return Math.max(0, jitter.maxMs) * x;
	return Math.max(0, jitter.meanMs - jitter.spreadMs + 2 * jitter.spreadMs * x);
}
