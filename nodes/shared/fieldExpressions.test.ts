/**
 * Expressions naming item fields, read without n8n's evaluator (fieldExpressions.ts): every read must equal what
 * n8n's own `getNodeParameter` gives for the same stored parameter and item, through n8n-core's real WorkflowExecute.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { loadPackageNodeTypes, runWorkflow } from '../../test/harness';
import { NOT_RESOLVED, parseFieldExpression, resolveFieldExpression } from './fieldExpressions';
import { readParameter } from './parameters';

/** Reads `value`, `options.text` and `list` per item, ours and n8n's, and counts the reads that reached n8n. */
class ReadBoth implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Read Both',
		name: 'readBoth',
		group: ['transform'],
		version: 1,
		description: 'Test node',
		defaults: { name: 'Read Both' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [{ displayName: 'Text', name: 'text', type: 'string', default: '' }] },
			{
				displayName: 'List',
				name: 'list',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [{ displayName: 'Entry', name: 'entry', values: [{ displayName: 'Text', name: 'text', type: 'string', default: '' }] }],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let n8nReads = 0;
		const counting = Object.create(this, {
			getNodeParameter: { value: (...args: Parameters<IExecuteFunctions['getNodeParameter']>) => (n8nReads++, this.getNodeParameter(...args)) },
		}) as IExecuteFunctions;
		const attempt = (read: () => unknown) => {
			try {
				return { value: read() };
			} catch (error) {
				return { error: (error as Error).message };
			}
		};
		return [
			this.getInputData().map((_, itemIndex) => {
				const json: IDataObject = {};
				for (const path of ['value', 'options.text', 'list']) {
					const before = n8nReads;
					const ours = attempt(() => readParameter(counting, path, itemIndex, ''));
					json[path] = { ours, reachedN8n: n8nReads > before, n8n: attempt(() => this.getNodeParameter(path, itemIndex, '')) } as IDataObject;
				}
				return { json };
			}),
		];
	}
}

const ITEMS: IDataObject[] = [
	{
		phone: '+15550001',
		num: 12345,
		float: 0.1 + 0.2,
		zero: 0,
		neg: -7,
		empty: '',
		flag: true,
		nul: null,
		obj: { a: 'x' },
		arr: ['a', 'b'],
		nested: { order: { id: 'A-1', n: 5 } },
		'with space': 'sp',
		unicode: 'héllo 👋',
	},
	{ phone: 15550002, num: '12', nested: { order: { id: 7, n: 'five' } }, arr: [], unicode: '' },
	{ phone: '  +1 555 0003 ', nested: { order: null } },
];

async function readAll(expression: string) {
	const result = await runWorkflow({
		nodes: [
			{
				name: 'Read',
				type: 'readBoth',
				parameters: { value: expression, options: { text: expression }, list: { entry: [{ text: expression }, { text: 'plain' }] } },
			},
		],
		nodeTypes: { readBoth: new ReadBoth() },
		inputItems: ITEMS.map((json) => ({ json })),
	});
	if (result.error) throw result.error;
	return result.outputs('Read') as Array<Record<string, { ours: unknown; n8n: unknown; reachedN8n: boolean }>>;
}

/** Read from the item for the items holding the field as a string or number (n8n's evaluator agrees, checked below). */
const FROM_ITEM: Array<[string, number[]]> = [
	['={{$json.phone}}', [0, 1, 2]],
	['={{ $json.nested.order.id }}', [0, 1]],
	["={{ $json['with space'] }}", [0]],
	['={{ $json["unicode"] }}', [0, 1]],
];

/** Left to n8n for some or all items (a value or a form the fast path does not claim). */
const MIXED_OR_N8N = [
	'={{ $json.num }}',
	'={{ $json.float }}',
	'={{ $json.zero }}',
	'={{ $json.neg }}',
	'={{ $json.empty }}',
	'={{ $json.flag }}',
	'={{ $json.nul }}',
	'={{ $json.obj }}',
	'={{ $json.arr }}',
	'={{ $json.arr[1] }}',
	'={{ $json.missing }}',
	'=Order {{ $json.nested.order.id }} ({{ $json.nested.order.n }}) for {{ $json.phone }}',
	'=x {{ $json.zero }} y {{ $json.float }}',
	'=x {{ $json.flag }}',
	'=x {{ $json.nul }}',
	'=x {{ $json.missing }}',
	'=x {{ $json.obj }}',
	'=[{{ $json.empty }}]',
	'= {{ $json.phone }}',
	'={{ $json.phone }}\n',
	'={{ $json.phone.trim() }}',
	'={{ $json.constructor }}',
	'=call .constructor {{ $json.phone }}',
	'=a {b} {{ $json.phone }}',
	'={{ $json.__proto__ }}',
	'={{ $json }}',
	'=no fields at all',
];

describe('item-field expressions: the same value as n8n evaluating them', () => {
	test.each([...FROM_ITEM.map(([expression]) => expression), ...MIXED_OR_N8N])('%j', async (expression) => {
		const outputs = await readAll(expression);
		for (const [itemIndex, output] of outputs.entries()) {
			for (const path of ['value', 'options.text', 'list']) {
				expect({ itemIndex, path, read: output[path].ours }).toEqual({ itemIndex, path, read: output[path].n8n });
			}
		}
	});

	test.each(FROM_ITEM)('%j is read from the items holding the field, not by n8n: %j', async (expression, fromItem) => {
		const outputs = await readAll(expression);
		for (const [itemIndex, output] of outputs.entries()) {
			for (const path of ['value', 'options.text', 'list']) {
				expect({ itemIndex, path, reachedN8n: output[path].reachedN8n }).toEqual({ itemIndex, path, reachedN8n: !fromItem.includes(itemIndex) });
			}
		}
	});

	test('a text with numbers and strings is joined from the item; a field n8n would render differently is left to it', async () => {
		const [first, second, third] = await readAll('=Order {{ $json.nested.order.id }} ({{ $json.nested.order.n }}) for {{ $json.phone }}');
		expect(first.value).toMatchObject({ ours: { value: 'Order A-1 (5) for +15550001' }, reachedN8n: false });
		expect(second.value).toMatchObject({ ours: { value: 'Order 7 (five) for 15550002' }, reachedN8n: false });
		expect(third.value.reachedN8n).toBe(true); // order is null: n8n's to say
	});
});

describe('parseFieldExpression', () => {
	test('fields alone or inside text', () => {
		expect(parseFieldExpression('={{ $json.a.b[2]["c d"] }}')).toEqual({ whole: ['a', 'b', 2, 'c d'] });
		expect(parseFieldExpression('=Hi {{ $json.name }}!')).toEqual({ parts: ['Hi ', ['name'], '!'] });
	});

	test('anything else is not claimed', () => {
		for (const stored of ['{{ $json.a }}', '={{ $json.a + 1 }}', '={{ $json.a ', '={{ $node["X"].json.a }}', '={{ $json.prototype }}']) {
			expect(parseFieldExpression(stored)).toBeUndefined();
		}
	});

	test('a value the item does not hold as a string or number is not resolved', () => {
		const expression = parseFieldExpression('=x {{ $json.a }}')!;
		expect(resolveFieldExpression(expression, { a: 'y' })).toBe('x y');
		expect(resolveFieldExpression(expression, { a: false })).toBe(NOT_RESOLVED);
		expect(resolveFieldExpression(expression, Object.create({ a: 'inherited' }) as object)).toBe(NOT_RESOLVED);
	});
});

describe('the one step n8n takes after evaluating that the fast path skips', () => {
	test('no parameter of our nodes declares validateType (n8n would convert or refuse the value)', () => {
		const declaring: string[] = [];
		const walk = (properties: INodeProperties[] | undefined, where: string) => {
			for (const property of properties ?? []) {
				if (property.validateType) declaring.push(`${where} › ${property.name}`);
				for (const option of (property.options ?? []) as Array<{ name: string; values?: INodeProperties[] }>) {
					if ('type' in option) walk([option as unknown as INodeProperties], `${where} › ${property.name}`);
					if (option.values) walk(option.values, `${where} › ${property.name} › ${option.name}`);
				}
			}
		};
		for (const [name, type] of Object.entries(loadPackageNodeTypes())) {
			const versions = 'nodeVersions' in type ? Object.values(type.nodeVersions) : [type];
			for (const version of versions) walk(version.description.properties, name);
		}
		expect(declaring).toEqual([]);
	});
});
