/**
 * Parameters of a send, through n8n-core's WorkflowExecute: a parameter whose stored value holds no expression is
 * read from n8n once per run and given to every item; an expression is still evaluated for each item, by n8n unless
 * it only names item fields (then read from the item: nodes/shared/fieldExpressions.ts).
 * Text message body: https://developers.facebook.com/docs/whatsapp/cloud-api/messages/text-messages
 */
import { ExecuteContext } from 'n8n-core';

import type { Simulator } from '../../../test/simulator';
import { send, withSimulator } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

const items = [
	{ phone: '16505550001', preview: true, name: 'Ana' },
	{ phone: '16505550002', preview: false, name: 'Bo' },
	{ phone: '16505550003', preview: true, name: 'Cy' },
];

/** How often the node asked n8n for each parameter during `run` (every getNodeParameter of a run ends there). */
async function countReads<T>(run: () => Promise<T>): Promise<{ result: T; reads: Record<string, number> }> {
	const reads: Record<string, number> = {};
	const prototype = ExecuteContext.prototype as unknown as { _getNodeParameter: (...args: unknown[]) => unknown };
	const original = prototype._getNodeParameter;
	const spy = jest.spyOn(prototype, '_getNodeParameter').mockImplementation(function (this: unknown, ...args: unknown[]) {
		const name = String(args[0]);
		reads[name] = (reads[name] ?? 0) + 1;
		return original.apply(this, args);
	});
	try {
		return { result: await run(), reads };
	} finally {
		spy.mockRestore();
	}
}

test('a per-item expression still gives each item its own value when the other parameters are read once', async () => {
	const result = await send(
		sim,
		{ messageType: 'text', recipient: '={{ $json.phone }}', textBody: 'Your order is ready', previewUrl: '={{ $json.preview }}' },
		{ inputItems: items },
	);
	expect(result.status).toBe('success');
	expect(sim.log().map((message) => message.body)).toEqual(
		items.map((item) => ({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: item.phone,
			type: 'text',
			text: { body: 'Your order is ready', preview_url: item.preview },
		})),
	);
});

test('a constant parameter is read from n8n once per run; an expression n8n must evaluate once per item', async () => {
	const { result, reads } = await countReads(() =>
		send(sim, { messageType: 'text', recipient: '={{ $json.phone.trim() }}', textBody: '=Hello {{ $json.name.trim() }}', previewUrl: false }, { inputItems: items }),
	);
	expect(result.status).toBe('success');
	expect(sim.log().map((message) => (message.body.text as { body: string }).body)).toEqual(['Hello Ana', 'Hello Bo', 'Hello Cy']);
	expect(reads).toMatchObject({ messageType: 1, phoneNumberId: 1, previewUrl: 1, 'sendOptions.includeRawResponse': 1, recipient: 3, textBody: 3 });
});

test('expressions that only name item fields are read from the items, without n8n', async () => {
	const { result, reads } = await countReads(() =>
		send(sim, { messageType: 'text', recipient: '={{ $json.phone }}', textBody: '=Hello {{ $json.name }}', previewUrl: '={{ $json.preview }}' }, { inputItems: items }),
	);
	expect(result.status).toBe('success');
	expect(sim.log().map((message) => [message.body.to, message.body.text])).toEqual([
		['16505550001', { body: 'Hello Ana', preview_url: true }],
		['16505550002', { body: 'Hello Bo', preview_url: false }],
		['16505550003', { body: 'Hello Cy', preview_url: true }],
	]);
	expect(reads).toMatchObject({ messageType: 1, phoneNumberId: 1 });
	expect(reads).not.toHaveProperty('recipient');
	expect(reads).not.toHaveProperty('textBody');
	expect(reads).not.toHaveProperty('previewUrl');
});
