/**
 * The node's description and its router agree: every operation the UI offers runs, and the canvas names it.
 */
import type { INodePropertyOptions } from 'n8n-workflow';

import { resources } from '../actions/router';
import { SUBTITLES, WhatsAppBusinessAccount } from '../WhatsAppBusinessAccount.node';

const { properties } = new WhatsAppBusinessAccount().description;
const offered = (properties.find((property) => property.name === 'resource')!.options as INodePropertyOptions[]).flatMap((resource) =>
	properties
		.filter((property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource.value))
		.flatMap((property) => (property.options as INodePropertyOptions[]).map((operation) => [String(resource.value), String(operation.value)] as const)),
);

describe('WhatsApp Business Account description', () => {
	it('offers the five resources of issue 21 and 23 operations', () => {
		expect([...new Set(offered.map(([resource]) => resource))].sort()).toEqual(['blockedUser', 'businessProfile', 'flow', 'qrCode', 'template']);
		expect(offered).toHaveLength(23);
	});

	it.each(offered)('%s › %s has a handler and a subtitle', (resource, operation) => {
		expect(typeof resources[resource]?.[operation]?.execute).toBe('function');
		expect(SUBTITLES[`${resource}:${operation}`]).toMatch(/^[A-Z].*: [A-Z]/);
	});
});
