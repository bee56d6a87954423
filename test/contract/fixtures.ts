/**
 * Meta's documented examples (test/contract/fixtures/, each naming its source page; SOURCES.md lists them) and the
 * JSON walks the contract tests share. Imports nothing of ours, so the simulator's contract test stays Meta's.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface DocumentedRequest {
	method: string;
	/** e.g. `/{Phone-Number-ID}/messages`; absent when the page gives a whole URL (media download). */
	path?: string;
	url?: string;
	query?: Record<string, string>;
	body?: JsonObject;
	form?: Record<string, string>;
	contentType?: string;
	headers?: Record<string, string>;
}

export interface DocumentedResponse {
	/** `null` where the page documents no HTTP status. */
	status: number | null;
	body?: Json;
	headers?: Record<string, string>;
}

export interface RequestFixture {
	/** File name without `.json`. */
	name: string;
	source: string;
	request?: DocumentedRequest | null;
	response?: DocumentedResponse | null;
}

export interface WebhookFixture {
	name: string;
	source: string;
	body: { object: string; entry: JsonObject[] };
}

const FIXTURES = join(__dirname, 'fixtures');

function load<T>(folder: 'requests' | 'webhooks'): T[] {
	return readdirSync(join(FIXTURES, folder))
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ name: file.slice(0, -'.json'.length), ...JSON.parse(readFileSync(join(FIXTURES, folder, file), 'utf8')) }) as T);
}

export function requestFixtures(): RequestFixture[] {
	return load<RequestFixture>('requests');
}

export function webhookFixtures(): WebhookFixture[] {
	return load<WebhookFixture>('webhooks');
}

/** The documented request fixtures that send a message or a read receipt (`POST /{Phone-Number-ID}/messages`). */
export function messageRequestFixtures(): RequestFixture[] {
	return requestFixtures().filter((fixture) => fixture.request?.method === 'POST' && fixture.request.path === '/{Phone-Number-ID}/messages');
}

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Paths: `entry[0].changes[0].value.messages[0].id` and its pattern `entry[].changes[].value.messages[].id`
// ---------------------------------------------------------------------------------------------------------------

export type Path = Array<string | number>;

export function pathText(path: Path): string {
	return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** The path with every array index left out, as the exception tables name it. */
export function pathPattern(path: Path): string {
	return path.map((part, i) => (typeof part === 'number' ? '[]' : i === 0 ? part : `.${part}`)).join('');
}

export function parsePath(text: string): Path {
	const path: Path = [];
	for (const match of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(match[2] !== undefined ? Number(match[2]) : match[1]);
	return path;
}

export function getAt(value: Json | undefined, path: Path): Json | undefined {
	let current = value;
	for (const part of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string | number, Json>)[part];
	}
	return current;
}

/** Sets (or, for `undefined`, removes) the value at `path` inside `root`, which it changes in place. */
export function setAt(root: Json, path: Path, value: Json | undefined): void {
	const parent = getAt(root, path.slice(0, -1));
	if (parent === null || typeof parent !== 'object') throw new Error(`No object at ${pathText(path.slice(0, -1))}`);
	const key = path[path.length - 1];
	if (value === undefined) delete (parent as Record<string | number, Json>)[key];
	else (parent as Record<string | number, Json>)[key] = value;
}

export interface Leaf {
	path: Path;
	value: Json;
}

/** Every primitive at every path, and every empty object or array (a value in its own right). */
export function leaves(value: Json, path: Path = []): Leaf[] {
	if (Array.isArray(value)) {
		if (value.length === 0) return [{ path, value }];
		return value.flatMap((item, index) => leaves(item, [...path, index]));
	}
	if (isObject(value)) {
		const keys = Object.keys(value);
		if (keys.length === 0) return [{ path, value }];
		return keys.flatMap((key) => leaves(value[key], [...path, key]));
	}
	return [{ path, value }];
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes: the keys and value types of a documented answer, values aside
// ---------------------------------------------------------------------------------------------------------------

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

function typeOf(value: unknown): JsonType {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value as JsonType;
}

/** What Meta's examples of one place show: the types seen, the keys of its objects, the shape of its array items. */
interface Shape {
	types: Set<JsonType>;
	objects: number;
	keys: Map<string, { seen: number; shape: Shape }>;
	items?: Shape;
}

/** The shape that all `examples` fit (several examples of one place: the elements of an array). */
export function shapeOf(examples: Json[]): Shape {
	const shape: Shape = { types: new Set(examples.map(typeOf)), objects: 0, keys: new Map() };
	const objects = examples.filter(isObject);
	shape.objects = objects.length;
	const children = new Map<string, Json[]>();
	for (const object of objects) {
		for (const [key, child] of Object.entries(object)) children.set(key, [...(children.get(key) ?? []), child]);
	}
	for (const [key, values] of children) shape.keys.set(key, { seen: values.length, shape: shapeOf(values) });
	const items = examples.filter(Array.isArray).flat();
	if (items.length > 0) shape.items = shapeOf(items);
	return shape;
}

/**
 * Where `actual` departs from the documented `expected`: a missing or extra key, another type, or an empty array
 * where Meta shows items. Keys every documented element of an array has are required; keys only some have are not.
 */
export function shapeDifferences(expected: Json, actual: unknown): string[] {
	return shapeDifferencesFrom([expected], actual);
}

/** As shapeDifferences, against several documented examples of one thing: keys all of them show are required. */
export function shapeDifferencesFrom(examples: Json[], actual: unknown): string[] {
	const differences: string[] = [];
	check(shapeOf(examples), actual, [], differences);
	return differences;
}

function check(shape: Shape, actual: unknown, path: Path, differences: string[]): void {
	const at = path.length === 0 ? '(root)' : pathText(path);
	const type = typeOf(actual);
	if (!shape.types.has(type)) {
		differences.push(`${at}: ${type} where Meta documents ${[...shape.types].join(' or ')}`);
		return;
	}
	if (type === 'object' && shape.objects > 0) {
		const object = actual as Record<string, unknown>;
		for (const [key, child] of shape.keys) {
			if (!(key in object)) {
				if (child.seen === shape.objects) differences.push(`${pathText([...path, key])}: missing`);
				continue;
			}
			check(child.shape, object[key], [...path, key], differences);
		}
		for (const key of Object.keys(object)) {
			if (!shape.keys.has(key)) differences.push(`${pathText([...path, key])}: not in Meta's example`);
		}
	}
	if (type === 'array' && shape.items) {
		const items = actual as unknown[];
		if (items.length === 0) differences.push(`${at}: empty where Meta's example has items`);
		items.forEach((item, index) => check(shape.items!, item, [...path, index], differences));
	}
}
