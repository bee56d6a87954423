/** Small statistics shared by the benches. */

/** The median of `values` (the mean of the middle two, to 0.1, for an even count). */
export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : Math.round(((sorted[middle - 1] + sorted[middle]) / 2) * 10) / 10;
}

/** The values at each share (0–1) of `values` in order (nearest rank; 1 is the largest). */
export function quantiles(values: number[], shares: number[]): number[] {
	const sorted = [...values].sort((a, b) => a - b);
	return shares.map((share) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]);
}

/**
 * A paced run's first second and the rate after it: `first_second_ms` from the first time to the `mps`-th, and
 * `sustained_ratio` the rate after that as a share of `mps`. The limiter bench's `sustained_ratio` says why.
 */
export function secondShape(times: number[], mps: number): { sustained_ratio: number | null; first_second_ms: number | null } {
	if (times.length < 2 * mps) return { sustained_ratio: null, first_second_ms: null };
	const sorted = [...times].sort((a, b) => a - b);
	const afterFirst = sorted[mps - 1];
	const sustained = (sorted.length - mps) / Math.max(0.001, (sorted[sorted.length - 1] - afterFirst) / 1000) / mps;
	return { sustained_ratio: Math.round(sustained * 1000) / 1000, first_second_ms: afterFirst - sorted[0] };
}
