import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { removeStoredBinaryData, runWorkflow } from './index';

afterAll(removeStoredBinaryData);

const baseDescription = (name: string): INodeTypeDescription => ({
	displayName: name,
	name,
	group: ['transform'],
	version: 1,
	description: 'test',
	defaults: { name },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [],
});

/** Writes each item's `text` as a binary file named `data`. */
class WriteBinary implements INodeType {
	description = baseDescription('writeBinary');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const data = await this.helpers.prepareBinaryData(Buffer.from(String(items[i].json.text)), 'note.txt', 'text/plain');
			out.push({ json: {}, binary: { data }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Reads the `data` binary of each item back into json. */
class ReadBinary implements INodeType {
	description = baseDescription('readBinary');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const buffer = await this.helpers.getBinaryDataBuffer(i, 'data');
			out.push({ json: { text: buffer.toString('utf8'), mimeType: items[i].binary?.data.mimeType ?? null }, pairedItem: { item: i } });
		}
		return [out];
	}
}

const nodeTypes = { writeBinary: new WriteBinary(), readBinary: new ReadBinary() };

describe('binary data in harness runs', () => {
	test.each(['memory', 'filesystem'] as const)('in %s mode a node’s binary output can be read by the next node and by the test', async (binaryMode) => {
		const result = await runWorkflow({
			nodes: [
				{ name: 'Write', type: 'writeBinary' },
				{ name: 'Read', type: 'readBinary' },
			],
			nodeTypes,
			binaryMode,
			inputItems: [{ text: 'hello' }, { text: 'wörld ✓' }],
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs('Read')).toEqual([
			{ text: 'hello', mimeType: 'text/plain' },
			{ text: 'wörld ✓', mimeType: 'text/plain' },
		]);
		expect((await result.binary('Write', 1)).toString('utf8')).toBe('wörld ✓');
		expect(result.items('Write')[0].binary?.data.fileName).toBe('note.txt');
		// Memory mode keeps the bytes inline; filesystem mode stores a file and keeps its id.
		const stored = result.items('Write')[0].binary?.data;
		if (binaryMode === 'filesystem') expect(stored?.id).toMatch(/^filesystem/);
		else expect(stored?.id).toBeUndefined();
	});
});
