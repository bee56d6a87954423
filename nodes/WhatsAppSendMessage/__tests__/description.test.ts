/**
 * The node's UI description: one kind never shows another kind's fields, and n8n's conventions hold.
 */
import { NodeHelpers, Workflow, type INode, type INodeProperties, type INodeTypes } from 'n8n-workflow';

import { WhatsAppSendMessage } from '../WhatsAppSendMessage.node';
import { fieldDisplayName, MESSAGE_TYPE_NAMES } from '../actions';

const { description } = new WhatsAppSendMessage();
const shared = new Set(['operation', 'messageType', 'phoneNumberId']);

describe('Send Message description', () => {
	it('is usable as an AI tool and uses the WhatsApp credential', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }]);
		expect(description.name).toBe('whatsAppSendMessage');
	});

	it('offers every message kind that sends (Mark as Read is an operation)', () => {
		const kinds = description.properties.find((p) => p.name === 'messageType')?.options?.map((o) => (o as { value: string }).value);
		expect(kinds).toEqual(Object.keys(MESSAGE_TYPE_NAMES).filter((kind) => kind !== 'markAsRead'));
	});

	it('shows every field only for the kinds or the operation it belongs to', () => {
		const unscoped = description.properties.filter((p) => !shared.has(p.name) && !p.displayOptions?.show?.messageType && !p.displayOptions?.show?.operation);
		expect(unscoped.map((p) => p.name)).toEqual([]);
	});

	it('gives a field the same type wherever it appears under one name', () => {
		const types = new Map<string, Set<string>>();
		for (const property of description.properties as INodeProperties[]) {
			types.set(property.name, (types.get(property.name) ?? new Set()).add(property.type));
		}
		const conflicting = [...types.entries()].filter(([, set]) => set.size > 1).map(([name]) => name);
		expect(conflicting).toEqual([]);
	});

	it('describes every top-level field for people and AI agents', () => {
		const undescribed = description.properties.filter((p) => !shared.has(p.name) && !['notice', 'options', 'collection'].includes(p.type) && !p.description && !p.hint);
		expect(undescribed.map((p) => p.name)).toEqual([]);
	});
});

describe('operations', () => {
	const node = (parameters: Record<string, unknown>) => ({ id: '1', name: 'Send', type: 'whatsAppSendMessage', typeVersion: 1, position: [0, 0] as [number, number], parameters: parameters as never });
	/** The fields the editor shows (and a run reads) for these saved parameters, as n8n resolves them. */
	const shown = (parameters: Record<string, unknown>) =>
		Object.keys(NodeHelpers.getNodeParameters(description.properties, parameters as never, true, false, node(parameters), description) ?? {});

	it('offers Send Message, Send and Wait for Reply and Mark as Read, each with its action', () => {
		const options = description.properties.find((p) => p.name === 'operation')?.options as Array<{ name: string; value: string; action: string }>;
		expect(options.map(({ name, value, action }) => ({ name, value, action }))).toEqual([
			{ name: 'Send Message', value: 'send', action: 'Send a message' },
			{ name: 'Send and Wait for Reply', value: 'sendAndWait', action: 'Send a message and wait for the reply' },
			{ name: 'Mark as Read', value: 'markAsRead', action: 'Mark a message as read' },
		]);
	});

	it('Mark as Read shows its own fields only: no Message Type, recipient or message fields', () => {
		expect(shown({ operation: 'markAsRead' })).toEqual(['operation', 'phoneNumberId', 'readMessageId', 'typingIndicator', 'sendOptions']);
		const options = description.properties.filter((p) => p.name === 'sendOptions' && p.displayOptions?.show?.operation?.includes('markAsRead'));
		expect(options.map((p) => (p.options ?? []).map((o) => (o as { name: string }).name))).toEqual([['includeRawResponse']]);
	});

	it('a workflow saved with Mark as Read as its Message Type (no operation) still shows and reads its fields', () => {
		expect(shown({ messageType: 'markAsRead', readMessageId: 'wamid.IN1' })).toEqual(['operation', 'phoneNumberId', 'messageType', 'readMessageId', 'typingIndicator', 'sendOptions']);
	});

	it.each([
		[{ operation: 'markAsRead' }, 'Mark as Read'],
		[{ operation: 'send', messageType: 'markAsRead' }, 'Mark as Read'],
		[{ operation: 'send', messageType: 'buttons' }, 'Reply Buttons'],
		[{ operation: 'sendAndWait', messageType: 'text' }, 'Text'],
	])('the canvas subtitle of %j reads "%s"', (parameters, subtitle) => {
		// Evaluated by n8n's expression engine, as the editor does (see WhatsAppMedia/subtitle.test.ts).
		const saved: INode = { ...node(parameters), parameters } as INode;
		const nodeType = new WhatsAppSendMessage();
		const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) } as unknown as INodeTypes;
		const workflow = new Workflow({ nodes: [saved], connections: {}, active: false, nodeTypes });
		expect(workflow.expression.getSimpleParameterValue(saved, description.subtitle as string, 'internal', {})).toBe(subtitle);
	});

	it('Send Message shows the message fields and none of Mark as Read\'s', () => {
		expect(shown({ operation: 'send' })).toEqual(['operation', 'phoneNumberId', 'messageType', 'recipient', 'windowNotice', 'textBody', 'previewUrl', 'sendOptions']);
	});
});

describe('field display names in errors', () => {
	it.each([
		['buttons', 'buttons[1].title', 'Buttons #2 › Title'],
		['list', 'sections[0].rows[2].id', 'Sections #1 › Rows #3 › ID'],
		['contacts', 'contacts[0].phones[1].phone', 'Contacts #1 › Phones #2 › Number'],
		['template', 'buttons[0].text', 'Buttons #1 › URL Variable'],
		['template', 'bodyParameters[2].amount1000', 'Body Variables #3 › Amount'],
		['text', 'to', 'Recipient'],
		['flow', 'data', 'Flow Options › Initial Data (JSON)'],
	] as const)('for %s, %s reads "%s"', (kind, field, label) => {
		expect(fieldDisplayName(kind, field)).toBe(label);
	});
});

describe('too many buttons or rows in the editor (n8n-workflow\'s own checks, as the editor runs them)', () => {
	const node = (parameters: Record<string, unknown>) => ({ id: '1', name: 'Send', type: 'whatsAppSendMessage', typeVersion: 1, position: [0, 0] as [number, number], parameters: parameters as never });
	const notices = (parameters: Record<string, unknown>) =>
		description.properties
			.filter((property) => property.type === 'notice' && /allows at most/.test(property.displayName))
			.filter((property) => NodeHelpers.displayParameter(parameters as never, property, node(parameters), description))
			.map((property) => property.displayName);
	const issues = (parameters: Record<string, unknown>) =>
		JSON.stringify(NodeHelpers.getNodeParametersIssues(description.properties, node(parameters), description) ?? {});
	const buttons = (count: number) => ({ operation: 'send', messageType: 'buttons', interactiveBody: 'Pick', replyButtons: { button: Array.from({ length: count }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) } });
	const rows = (...counts: number[]) => ({
		operation: 'send',
		messageType: 'list',
		interactiveBody: 'Pick',
		listButtonText: 'Open',
		sections: { section: counts.map((count, s) => ({ title: `S${s}`, rows: { row: Array.from({ length: count }, (_, i) => ({ id: `r${s}-${i}`, title: `R${i}` })) } })) },
	});

	it('says in our words that a fourth button is one too many, and only then', () => {
		expect(notices(buttons(3))).toEqual([]);
		expect(notices(buttons(4))).toEqual([expect.stringMatching(/^"Buttons" has more than 3 buttons: WhatsApp allows at most 3 reply buttons/)]);
	});

	it('never shows n8n\'s generic "At most 3 fields are allowed"', () => {
		expect(issues(buttons(4))).not.toMatch(/fields are allowed/);
	});

	it('says which section has an eleventh row', () => {
		expect(notices(rows(10, 10))).toEqual([]);
		expect(notices(rows(2, 11))).toEqual([expect.stringMatching(/^"Sections #2 › Rows" has more than 10 rows: WhatsApp allows at most 10 rows in a list/)]);
	});
});
