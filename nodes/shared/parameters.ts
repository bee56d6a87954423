/**
 * Reading a node parameter for an item. n8n copies, walks and validates a parameter on every read, for every item,
 * even when its stored value is a constant; a parameter with no expression in it gives every item the same value,
 * so it is read from n8n once per execution (per node run) and that value reused.
 */
import type { IExecuteFunctions, IGetNodeParameterOptions, INodeParameters } from 'n8n-workflow';

interface RunParameters {
	/** The node's stored parameters (n8n's `getNode()` copies the node, so it is called once per run). */
	stored: INodeParameters;
	/** Values read once, by parameter path and read options. */
	constants: Map<string, ConstantRead>;
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
		run = { stored: context.getNode().parameters, constants: new Map() };
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
	const value = context.getNodeParameter(path, itemIndex, fallback as never, options) as T;
	if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return value;
	const kind = constantKind(run.stored, path);
	if (kind === 'stored') run.constants.set(key, { value });
	else if (kind === 'absent') run.constants.set(key, { value, absent: { fallback } });
	return value;
}
