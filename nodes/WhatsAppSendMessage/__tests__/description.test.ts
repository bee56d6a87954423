/**
 * The node's UI description: one kind never shows another kind's fields, and n8n's conventions hold.
 */
import type { INodeProperties } from 'n8n-workflow';

import { WhatsAppSendMessage } from '../WhatsAppSendMessage.node';
import { fieldDisplayName, MESSAGE_TYPE_NAMES } from '../actions';

const { description } = new WhatsAppSendMessage();
const shared = new Set(['messageType', 'phoneNumberId']);

describe('Send Message description', () => {
	it('is usable as an AI tool and uses the WhatsApp credential', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }]);
		expect(description.name).toBe('whatsAppSendMessage');
	});

	it('offers every message kind', () => {
		const kinds = description.properties.find((p) => p.name === 'messageType')?.options?.map((o) => (o as { value: string }).value);
		expect(kinds).toEqual(Object.keys(MESSAGE_TYPE_NAMES));
	});

	it('shows every field only for the kinds it belongs to', () => {
		const unscoped = description.properties.filter((p) => !shared.has(p.name) && !p.displayOptions?.show?.messageType);
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
