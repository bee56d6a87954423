/**
 * The canvas subtitle of the WhatsApp Media and WhatsApp Metrics nodes, evaluated by n8n's expression engine as the
 * editor does: the operation's display name, never its internal value.
 */
import type { INode, INodeType, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { WhatsAppMetrics } from '../WhatsAppMetrics/WhatsAppMetrics.node';
import { WhatsAppMedia } from './WhatsAppMedia.node';

function subtitleOf(nodeType: INodeType, parameters: INode['parameters']): unknown {
	const node: INode = {
		id: '1',
		name: 'Node',
		type: nodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, nodeType.description.subtitle as string, 'internal', {});
}

describe('subtitles show display names', () => {
	it.each([
		['upload', 'Upload'],
		['getUrl', 'Get URL'],
		['download', 'Download'],
		['delete', 'Delete'],
	])('WhatsApp Media %s → %s', (operation, shown) => {
		expect(subtitleOf(new WhatsAppMedia(), { resource: 'media', operation })).toBe(shown);
	});

	it.each([
		['messageAnalytics', 'Message Analytics'],
		['conversationAnalytics', 'Conversation Analytics'],
		['pricingAnalytics', 'Pricing Analytics'],
		['templateAnalytics', 'Template Analytics'],
		['phoneNumberHealth', 'Phone Number Health'],
		['limiterStatus', 'Rate Limiter Status'],
	])('WhatsApp Metrics %s → %s', (operation, shown) => {
		expect(subtitleOf(new WhatsAppMetrics(), { operation })).toBe(shown);
	});
});
