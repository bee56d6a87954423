/**
 * Expressions that only name fields of the item — `={{ $json.phone }}`, `=Order {{ $json.order.id }} shipped` — read
 * without n8n's evaluator. n8n builds a data proxy and runs a sandbox for every expression of every item (~0.05 ms
 * each on the legacy engine, more on the isolated-vm one); these need a property walk. Only values whose result is
 * certain are given; anything else (a missing field, null, an object, an array, a boolean inside text) is left to
 * n8n, which then evaluates the expression as before. parameters.test.ts checks every case against n8n's evaluator.
 */

/** A field path under `$json`: property names and array indexes. */
type FieldPath = Array<string | number>;

export interface FieldExpression {
	/** `={{ $json.a }}` alone: n8n gives the field's own value (a number stays a number). */
	whole?: FieldPath;
	/** Text and fields: n8n joins them into one string. */
	parts?: Array<string | FieldPath>;
}

/** What a read gives when n8n must evaluate the expression instead. */
export const NOT_RESOLVED: unique symbol = Symbol('not resolved from the item');

/** Names n8n's sandbox refuses or that reach past the item's own data: left to n8n. */
const REFUSED_NAMES: ReadonlySet<string> = new Set(['constructor', '__proto__', 'prototype']);

const FIELD = /^\$json((?:\.[A-Za-z_$][\w$]*|\[(?:\d+|"[^"\\]*"|'[^'\\]*')\])+)$/;
const STEP = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\["([^"\\]*)"\]|\['([^'\\]*)'\]/g;

function fieldPath(inner: string): FieldPath | undefined {
	const match = FIELD.exec(inner.trim());
	if (!match) return undefined;
	const path: FieldPath = [];
	for (const step of match[1].matchAll(STEP)) {
		const name = step[1] ?? step[3] ?? step[4];
		if (name !== undefined) {
			if (REFUSED_NAMES.has(name)) return undefined;
			path.push(name);
		} else path.push(Number(step[2]));
	}
	return path;
}

/** The parse of a stored expression string (`=…`), or undefined when it is anything but text and item fields. */
export function parseFieldExpression(stored: string): FieldExpression | undefined {
	if (!stored.startsWith('=')) return undefined;
	// n8n refuses any `.constructor` in the expression text, literal text included: left to n8n to say so.
	if (/\.\s*constructor/.test(stored)) return undefined;
	const text = stored.slice(1);
	const parts: Array<string | FieldPath> = [];
	let at = 0;
	while (at < text.length) {
		const open = text.indexOf('{{', at);
		const literal = open === -1 ? text.slice(at) : text.slice(at, open);
		// Braces or escapes in the text are the template language's business, not ours.
		if (/[{}\\]/.test(literal)) return undefined;
		if (literal) parts.push(literal);
		if (open === -1) break;
		const close = text.indexOf('}}', open + 2);
		if (close === -1) return undefined;
		const path = fieldPath(text.slice(open + 2, close));
		if (!path) return undefined;
		parts.push(path);
		at = close + 2;
	}
	if (!parts.some((part) => typeof part !== 'string')) return undefined;
	return parts.length === 1 ? { whole: parts[0] as FieldPath } : { parts };
}

function fieldValue(json: object, path: FieldPath): unknown {
	let value: unknown = json;
	for (const step of path) {
		if (!value || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, step)) return NOT_RESOLVED;
		value = (value as Record<string | number, unknown>)[step];
	}
	return value;
}

function isFiniteNumber(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

/** One expression's value for the item, or NOT_RESOLVED. */
export function resolveFieldExpression(expression: FieldExpression, json: object): unknown {
	if (expression.whole) {
		const value = fieldValue(json, expression.whole);
		return typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value) ? value : NOT_RESOLVED;
	}
	let text = '';
	for (const part of expression.parts!) {
		if (typeof part === 'string') {
			text += part;
			continue;
		}
		const value = fieldValue(json, part);
		if (typeof value === 'string') text += value;
		else if (isFiniteNumber(value)) text += String(value);
		else return NOT_RESOLVED;
	}
	return text;
}

/** An expression inside a parsed stored tree (parameters.ts), told apart from the plain stored objects around it. */
export class FieldRead {
	constructor(readonly expression: FieldExpression) {}
}

/**
 * A parsed stored tree (see parameters.ts) for one item: a fresh copy with each expression's value, as n8n's read
 * gives; NOT_RESOLVED when any expression in it is.
 */
export function resolveFieldExpressions(tree: unknown, json: object): unknown {
	if (!tree || typeof tree !== 'object') return tree;
	if (tree instanceof FieldRead) return resolveFieldExpression(tree.expression, json);
	if (Array.isArray(tree)) {
		const list: unknown[] = [];
		for (const entry of tree) {
			const value = resolveFieldExpressions(entry, json);
			if (value === NOT_RESOLVED) return NOT_RESOLVED;
			list.push(value);
		}
		return list;
	}
	const copy: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(tree)) {
		const value = resolveFieldExpressions(entry, json);
		if (value === NOT_RESOLVED) return NOT_RESOLVED;
		copy[key] = value;
	}
	return copy;
}
