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
