/**
 * The demo workflows `npm start` imports are plain JSON written against the nodes' descriptions: these checks catch
 * a renamed parameter or option before a person opens the demo and finds an empty field.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { WhatsAppMedia } from '../../nodes/WhatsAppMedia/WhatsAppMedia.node';
import { WhatsAppMetrics } from '../../nodes/WhatsAppMetrics/WhatsAppMetrics.node';
import { WhatsAppSendMessage } from '../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppTrigger } from '../../nodes/WhatsAppTrigger/WhatsAppTrigger.node';

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const { demoWorkflows } = require('../../scripts/demo/workflows') as {
	demoWorkflows: (fixture?: unknown) => Array<{
		name: string;
		nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
		connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	}>;
};

const descriptions: Record<string, INodeTypeDescription> = {
	whatsAppSendMessage: new WhatsAppSendMessage().description,
	whatsAppTrigger: new WhatsAppTrigger().description,
	whatsAppMetrics: new WhatsAppMetrics().description,
	whatsAppMedia: new WhatsAppMedia().description,
};

const ours = demoWorkflows().flatMap((workflow) =>
	workflow.nodes
		.filter((node) => node.type.startsWith('{{PACKAGE}}.'))
		.map((node) => [`${workflow.name} › ${node.name}`, node] as const),
);

function isShown(property: INodeProperties, parameters: Record<string, unknown>): boolean {
	const show = property.displayOptions?.show ?? {};
	return Object.entries(show).every(([name, values]) => {
		if (!(name in parameters)) return true;
		return (values as unknown[]).includes(parameters[name]);
	});
}

test('the demo uses each of the four nodes', () => {
	const types = new Set(ours.map(([, node]) => node.type.split('.')[1]));
	expect([...types].sort()).toEqual(Object.keys(descriptions).sort());
});

test.each(ours)('%s: every parameter is a field the node shows for these settings', (_label, node) => {
	const description = descriptions[node.type.split('.')[1]];
	for (const [name, value] of Object.entries(node.parameters)) {
		const candidates = description.properties.filter((property) => property.name === name);
		expect({ name, found: candidates.length > 0 }).toEqual({ name, found: true });
		const shown = candidates.filter((property) => isShown(property, node.parameters));
		expect({ name, shown: shown.length > 0 }).toEqual({ name, shown: true });
		const property = shown[0];
		const isExpression = typeof value === 'string' && value.startsWith('=');
		// Options loaded from Meta at edit time (template languages) have no fixed list to check against.
		const fixedList = !property.typeOptions?.loadOptionsMethod;
		if (property.type === 'options' && !isExpression && fixedList) {
			expect(property.options?.map((option) => (option as { value: unknown }).value)).toContain(value);
		}
		if (property.type === 'multiOptions' && fixedList) {
			const allowed = property.options?.map((option) => (option as { value: unknown }).value);
			for (const one of value as unknown[]) expect(allowed).toContain(one);
		}
	}
});

test.each(demoWorkflows().map((workflow) => [workflow.name, workflow] as const))('%s: every connection joins two of its nodes', (_name, workflow) => {
	const names = new Set(workflow.nodes.map((node) => node.name));
	for (const [from, outputs] of Object.entries(workflow.connections)) {
		expect(names.has(from)).toBe(true);
		for (const target of outputs.main.flat()) expect(names.has(target.node)).toBe(true);
	}
});
