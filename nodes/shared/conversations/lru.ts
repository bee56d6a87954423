/** A Map bounded by a count, each entry with an expiry: the least recently written entry goes first. */
export class ExpiringLru<V> {
	private readonly entries = new Map<string, { value: V; expiresAt: number }>();

	constructor(
		private readonly maxEntries: number,
		private readonly onEvict?: (key: string, value: V) => void,
	) {}

	get size(): number {
		return this.entries.size;
	}

	get(key: string, now: number): V | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt > now) return entry.value;
		this.delete(key);
		return undefined;
	}

	set(key: string, value: V, expiresAt: number): void {
		// Re-insert so the Map's order stays the order of writes (oldest first).
		this.entries.delete(key);
		this.entries.set(key, { value, expiresAt });
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next().value as string;
			this.delete(oldest);
		}
	}

	delete(key: string): void {
		const entry = this.entries.get(key);
		if (!entry) return;
		this.entries.delete(key);
		this.onEvict?.(key, entry.value);
	}

	clear(): void {
		this.entries.clear();
	}
}
