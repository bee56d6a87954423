/**
 * Reading a node parameter for an item. n8n copies, walks and validates a parameter on every read, for every item,
 * even when its stored value is a constant; a parameter with no expression in it gives every item the same value,
 * so it is read from n8n once per execution (per node run) and that value reused. A parameter whose expressions
 * only name fields of the item (`{{ $json.phone }}`, what n8n's drag-and-drop mapping writes) is read from the item
 * itself (see fieldExpressions.ts): n8n builds a data proxy and a sandbox for every expression of every item.
 */
import type { IExecuteFunctions, IGetNodeParameterOptions, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FieldRead, NOT_RESOLVED, parseFieldExpression, resolveFieldExpressions } from './fieldExpressions';

interface RunParameters {
	/** The node's stored parameters (n8n's `getNode()` copies the node, so it is called once per run). */
	stored: INodeParameters;
	/** Values read once, by parameter path and read options. */
	constants: Map<string, ConstantRead>;
	/** By parameter path: the stored value, when the fast path may read it from the item (see itemFieldsOnly). */
	fieldReads: Map<string, unknown>;
	/** The items n8n evaluates `$json` against (its `connectionInputData`); undefined when n8n does not expose them. */
	input: INodeExecutionData[] | undefined;
}

interface ConstantRead {
	value: string | number | boolean;
	/** For a parameter not stored (n8n gave the fallback): the fallback it was read with. */
	absent?: { fallback: unknown };
}

/** One entry per node run: n8n gives each run its own context object, dropped when the run ends. */
const runs = new WeakMap<IExecuteFunctions, RunParameters>();

function runParametersOf(context: IExecuteFunctions): RunParameters {
	let run = runs.get(context);
	if (!run) {
		const input = (context as { connectionInputData?: unknown }).connectionInputData;
		run = { stored: context.getNode().parameters, constants: new Map(), fieldReads: new Map(), input: Array.isArray(input) ? input : undefined };
		runs.set(context, run);
	}
	return run;
}

function isExpression(value: unknown): boolean {
	return typeof value === 'string' && value.startsWith('=');
}

function holdsExpression(value: unknown): boolean {
	if (isExpression(value)) return true;
	if (!value || typeof value !== 'object') return false;
	for (const inner of Object.values(value as object)) if (holdsExpression(inner)) return true;
	return false;
}

/**
 * What the stored value at `path` (`a.b.c`) is for every item alike: `stored` (present, no expression in it),
 * `absent` (not stored, and no parent on the way is an expression: n8n gives the fallback), or undefined when an
 * expression in it or in a parent (a collection given as one expression) makes it per item.
 */
export function constantKind(stored: INodeParameters, path: string): 'stored' | 'absent' | undefined {
	let value: unknown = stored;
	for (const segment of path.split('.')) {
		if (isExpression(value)) return undefined;
		if (value === undefined || value === null) return 'absent';
		if (typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[segment];
	}
	if (value === undefined) return 'absent';
	return holdsExpression(value) ? undefined : 'stored';
}

/**
 * `context.getNodeParameter(path, itemIndex, fallback, options)`, read from n8n once per node run when the parameter
 * is the same for every item (see `constantKind`) and what n8n gives is a plain string, number or boolean (never an
 * object a caller could change for the other items). An expression is evaluated for each item, as before; a read
 * that fails is not kept, so each item reports its own error.
 */
export function readParameter<T = unknown>(
	context: IExecuteFunctions,
	path: string,
	itemIndex: number,
	fallback?: T,
	options?: Pick<IGetNodeParameterOptions, 'extractValue'>,
): T {
	const run = runParametersOf(context);
	const key = options?.extractValue ? `${path}\u0000value` : path;
	const known = run.constants.get(key);
	if (known && (!known.absent || known.absent.fallback === fallback)) return known.value as T;
	if (!options && run.input) {
		const fromItem = readFromItem(run, path, itemIndex);
		if (fromItem !== NOT_RESOLVED) return fromItem as T;
	}
	const value = context.getNodeParameter(path, itemIndex, fallback as never, options) as T;
	if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return value;
	const kind = constantKind(run.stored, path);
	if (kind === 'stored') run.constants.set(key, { value });
	else if (kind === 'absent') run.constants.set(key, { value, absent: { fallback } });
	return value;
}

/** The stored value at `path` (`a.b.c`), as n8n's \`get\` finds it; undefined past a non-object (an expression). */
function storedAt(stored: INodeParameters, path: string): unknown {
	let value: unknown = stored;
	for (const segment of path.split('.')) {
		if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
		value = (value as Record<string, unknown>)[segment];
	}
	return value;
}

/**
 * The stored value, parsed, when its every expression names item fields only and n8n does nothing more to it after
 * evaluating: a resource mapper's value (`mappingMode`) is converted to its schema's types by n8n, so it is not.
 * Our nodes declare no `validateType` (checked in parameters.test.ts), the only other step n8n would apply.
 */
function itemFieldsOnly(stored: INodeParameters, path: string): unknown {
	const top = stored[path.split('.')[0]];
	if (top && typeof top === 'object' && 'mappingMode' in top) return undefined;
	const value = storedAt(stored, path);
	return holdsExpression(value) ? parsedTree(value) : undefined;
}

/** The stored tree with each expression string replaced by its parse; undefined when any expression is not fields only. */
function parsedTree(value: unknown): unknown {
	if (typeof value === 'string') {
		if (!isExpression(value)) return value;
		const parsed = parseFieldExpression(value);
		return parsed && new FieldRead(parsed);
	}
	if (!value || typeof value !== 'object') return value;
	if (Array.isArray(value)) {
		const list: unknown[] = [];
		for (const entry of value) {
			const parsed = parsedTree(entry);
			if (parsed === undefined && entry !== undefined) return undefined;
			list.push(parsed);
		}
		return list;
	}
	const tree: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) {
		const parsed = parsedTree(entry);
		if (parsed === undefined && entry !== undefined) return undefined;
		tree[key] = parsed;
	}
	return tree;
}

/** The parameter for one item from its own fields, or NOT_RESOLVED when n8n must evaluate it. */
function readFromItem(run: RunParameters, path: string, itemIndex: number): unknown {
	let tree = run.fieldReads.get(path);
	if (tree === undefined && !run.fieldReads.has(path)) {
		tree = itemFieldsOnly(run.stored, path);
		run.fieldReads.set(path, tree);
	}
	if (tree === undefined) return NOT_RESOLVED;
	const json = run.input![itemIndex]?.json;
	if (!json || typeof json !== 'object') return NOT_RESOLVED;
	return resolveFieldExpressions(tree, json);
}
