import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem, fieldError } from './errors';
import { GraphApiError } from './transport';

const node: INode = { id: '1', name: 'Send', type: 'whatsAppSendMessage', typeVersion: 1, position: [0, 0], parameters: {} };

describe('fieldError', () => {
	it('names the item (from 1) and the field, nested parts joined with ›', () => {
		const error = fieldError(node, 2, ['Sections #2', 'Rows #1', 'Title'], 'is 25 characters long; WhatsApp allows at most 24');
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Item 3: "Sections #2 › Rows #1 › Title" is 25 characters long; WhatsApp allows at most 24');
		expect(fieldError(node, 0, 'Footer', 'is required').message).toBe('Item 1: "Footer" is required');
	});
});

describe('errorItem', () => {
	it('carries Meta’s code, details, trace ID, status, retryability, attempts and wait, paired to the item', () => {
		const graph = new GraphApiError({ message: '(#130429) Rate limit hit', httpStatus: 400, code: 130429, details: 'Cloud API message throughput has been reached.', fbtraceId: 'AbC' });
		graph.attempts = 4;
		graph.waitedMs = 5200;
		expect(errorItem(graph, 7)).toEqual({
			json: expect.objectContaining({
				error: '(#130429) Rate limit hit',
				code: 130429,
				details: 'Cloud API message throughput has been reached.',
				fbtraceId: 'AbC',
				httpStatus: 400,
				retryable: true,
				attempts: 4,
				waitedMs: 5200,
			}),
			pairedItem: { item: 7 },
		});
	});

	it('gives just the message (not retryable) for any other error', () => {
		expect(errorItem(new Error('bad'), 0)).toEqual({ json: { error: 'bad', retryable: false }, pairedItem: { item: 0 } });
	});
});
