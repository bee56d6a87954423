/**
 * Whether an output event carries a documented webhook value: the same value, or its obvious transformation (Unix
 * seconds → ISO 8601, base64 SHA-256 → hex, a JSON string → its object, snake_case → camelCase), under a key that
 * names the same thing. Only a distinctive value (a long, unique string or a large unique number) may sit under any
 * key; an empty string, a boolean, a small number or a common word must be found under its own key, so nothing
 * passes by chance.
 */
import { isObject, leaves, pathPattern, type Json, type Leaf, type Path } from './fixtures';

/** One place in an event: the key it sits under (an array item takes its array's key) and its value. */
export interface EventNode {
	key: string;
	value: unknown;
}

/** Every value in an event at any depth, objects and arrays included; `rawChange` (Meta's payload as is) left out. */
export function eventNodes(event: Record<string, unknown>): EventNode[] {
	const nodes: EventNode[] = [];
	const walk = (key: string, value: unknown): void => {
		nodes.push({ key, value });
		if (Array.isArray(value)) value.forEach((item) => walk(key, item));
		else if (isObject(value)) Object.entries(value).forEach(([child, item]) => walk(child, item));
	};
	for (const [key, value] of Object.entries(event)) if (key !== 'rawChange') walk(key, value);
	return nodes;
}

/** The last object key of a path (`messages[0].image.sha256` → `sha256`). */
export function keyOf(path: Path): string {
	for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
	return '';
}

const normalise = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** `message_template_id` ~ `templateId`, `type` ~ `messageType`: one ends with the other, case and `_` aside. */
export function keysMatch(documentedKey: string, eventKey: string, aliases: readonly string[] = []): boolean {
	const a = normalise(documentedKey);
	const b = normalise(eventKey);
	return a.endsWith(b) || b.endsWith(a) || aliases.some((alias) => normalise(alias) === b);
}

/** Unix seconds in a plausible range (2001–2286), as a number or a numeric string. */
function unixSeconds(value: Json): number | undefined {
	const seconds = typeof value === 'string' && /^\d{9,10}$/.test(value) ? Number(value) : value;
	return typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 1e9 && seconds < 1e10 ? seconds : undefined;
}

/** The values an event may show for a documented value. */
export function acceptedForms(value: Json): unknown[] {
	const forms: unknown[] = [value];
	if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) forms.push(Number(value));
	if (typeof value === 'number') forms.push(String(value));
	const seconds = unixSeconds(value);
	if (seconds !== undefined) forms.push(new Date(seconds * 1000).toISOString());
	if (typeof value === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(value)) {
		const digest = Buffer.from(value, 'base64');
		if (digest.length === 32) forms.push(digest.toString('hex'));
	}
	if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
		try {
			forms.push(JSON.parse(value));
		} catch {
			// not JSON: the text itself
		}
	}
	if (typeof value === 'string' && /^[a-z]+(_[a-z0-9]+)+$/.test(value)) forms.push(value.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
	return forms;
}

function sameJson(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** Values that may be found under any key: long unique text (not a single word) or a large unique number. */
export function isDistinctive(value: Json, occurrences: number): boolean {
	if (occurrences > 1) return false;
	if (typeof value === 'number') return Math.abs(value) >= 1e6;
	return typeof value === 'string' && value.length >= 10 && !/^[A-Za-z_]+$/.test(value);
}

/** How often each value occurs among a document's leaves. */
export function occurrences(document: Json): Map<string, number> {
	const counts = new Map<string, number>();
	for (const leaf of leaves(document)) {
		const key = JSON.stringify(leaf.value);
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return counts;
}

/** What a documented value may be called in an event: its key, its parent's key with it (`locationName`), or its parent's. */
export function namesOf(path: Path): string[] {
	const keys = path.filter((part): part is string => typeof part === 'string');
	const [parent, key] = [keys[keys.length - 2] ?? '', keys[keys.length - 1] ?? ''];
	return parent === '' ? [key] : [key, parent + '_' + key, parent];
}

/** How a leaf may be found: `aliases` are event keys it may also sit under, `renamed` an output value it may take. */
export interface Carrying {
	distinctive: boolean;
	aliases?: readonly string[];
	renamed?: unknown;
}

/** True when one of the nodes holds the leaf's value (or an accepted form), under a matching key unless distinctive. */
export function carries(nodes: EventNode[], leaf: Leaf, how: Carrying): boolean {
	const forms = how.renamed === undefined ? acceptedForms(leaf.value) : [...acceptedForms(leaf.value), how.renamed];
	const names = namesOf(leaf.path);
	return nodes.some(
		(node) =>
			forms.some((form) => sameJson(form, node.value)) &&
			(how.distinctive || names.some((name) => keysMatch(name, node.key, how.aliases))),
	);
}

/**
 * The leaves that belong together: those of one array element (its innermost object in an array) must all be carried
 * by one event; leaves in no array element of the change's value are carried by every event of the change.
 */
export function groupOf(path: Path, valueDepth: number): string {
	let end = -1;
	// An array of plain values belongs to the object holding it.
	for (let i = valueDepth; i < path.length - 1; i++) if (typeof path[i] === 'number') end = i;
	return end === -1 ? '' : pathPattern(path.slice(0, end + 1)) + '@' + path.slice(0, end + 1).join('.');
}
