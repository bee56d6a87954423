/**
 * One value per process for a name, even when n8n loads two copies of this package's modules (it loads community
 * packages apart from each other, and a test runner may load a module twice): the value hangs on `globalThis` under a
 * `Symbol.for` key, which every copy computes alike.
 */
export function processWide<T>(name: string, create: () => T): () => T {
	const key = Symbol.for(`n8n-nodes-whatsapp-cloud.${name}`);
	const holder = globalThis as unknown as Record<symbol, T | undefined>;
	return () => (holder[key] ??= create());
}
