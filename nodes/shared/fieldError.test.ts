import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fieldError, nameItem, namesItem } from './errors';
import { FieldError } from './fieldError';
import { toItemError } from './itemErrors';
import { MediaValidationError } from './media';
import { MessageValidationError } from './messages';
import { ManagementInputError } from '../WhatsAppBusinessAccount/actions/errors';
import { MetricsInputError } from '../WhatsAppMetrics/timeRange';
import { SettingError } from '../WhatsAppTrigger/settings';

const node = { id: '1', name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

test("every node's and builder's input error is one FieldError: field, problem, hint", () => {
	const errors = [
		new MessageValidationError('buttons[1].title', 'is longer than 20 characters'),
		new MediaValidationError('The file is empty', 'data', 'WhatsApp needs at least one byte.', 'holds an empty file'),
		new MetricsInputError('Start', 'is more than 90 days ago'),
		new ManagementInputError(['Buttons', 'Text'], 'is empty', 'Give the button a label'),
		new SettingError('Phone Number IDs', 'holds "abc"'),
	];
	for (const error of errors) expect(error).toBeInstanceOf(FieldError);
	expect(errors.map((error) => error.name)).toEqual(['MessageValidationError', 'MediaValidationError', 'MetricsInputError', 'ManagementInputError', 'SettingError']);
	expect(errors[3].message).toBe('"Buttons › Text" is empty');
});

test('toItemError names the item and the field as the node shows it, with the hint or the node’s default hint', () => {
	const error = toItemError(node, new MessageValidationError('buttons[1].title', 'is longer than 20 characters'), 2, {
		phoneNumberLabel: 'Phone Number',
		fieldLabel: (e) => (e.field === 'buttons[1].title' ? ['Buttons', 'Button 2', 'Title'] : e.field),
		defaultHint: (label) => `Fix "${String(label)}"`,
	});
	expect(error.message).toBe('Item 3: "Buttons › Button 2 › Title" is longer than 20 characters');
	expect(error.description).toBe('Fix "Buttons,Button 2,Title"');
	const withHint = toItemError(node, new ManagementInputError('Name', 'is empty', 'Give the template a name'), 0, { phoneNumberLabel: 'Phone Number' });
	expect(withHint.message).toBe('Item 1: "Name" is empty');
	expect(withHint.description).toBe('Give the template a name');
});

test('an error is named with its item once, by a mark, never by reading its message', () => {
	const named = fieldError(node, 4, 'Text', 'is empty');
	expect(namesItem(named)).toBe(true);
	expect(toItemError(node, named, 4, { phoneNumberLabel: 'Phone Number' })).toBe(named);
	expect(nameItem(named, 4).message).toBe('Item 5: "Text" is empty');
	// A message that merely starts like a named one is still named: nothing matches message text.
	const lookalike = new NodeOperationError(node, 'Item 9: came from elsewhere');
	expect(toItemError(node, lookalike, 0, { phoneNumberLabel: 'Phone Number' }).message).toBe('Item 1: Item 9: came from elsewhere');
});
