/**
 * The check of a template send against the template Meta holds, pure: definitions from Meta's template-management
 * page (GET message_templates, test/contract/fixtures/requests/message-templates-list.json:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-management#get-templates),
 * bodies as Meta's send-template page shapes them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { MessageTemplate } from '../../../shared/descriptions';
import { FieldError } from '../../../shared/fieldError';
import type { TemplateMessage } from '../../../shared/messages';
import { checkAgainstTemplate, inLanguage } from './check';

const fixture = JSON.parse(readFileSync(join(__dirname, '../../../../test/contract/fixtures/requests/message-templates-list.json'), 'utf8')) as {
	response: { body: { data: MessageTemplate[] } };
};
const [reservation, coupon] = fixture.response.body.data;

function send(name: string, language: string, components: unknown[]): TemplateMessage {
	return { messaging_product: 'whatsapp', to: '16505551234', type: 'template', template: { name, language: { code: language }, components } } as unknown as TemplateMessage;
}

function fieldOf(action: () => void): string | readonly string[] | undefined {
	try {
		action();
	} catch (error) {
		if (error instanceof FieldError) return error.field;
		throw error;
	}
	return undefined;
}

const reservationValues = [
	{ type: 'header', parameters: [{ type: 'image', image: { id: '1234' } }] },
	{
		type: 'body',
		parameters: [
			{ type: 'text', parameter_name: 'number_of_guests', text: '4' },
			{ type: 'text', parameter_name: 'day', text: 'Saturday' },
			{ type: 'text', parameter_name: 'date', text: 'August 30th, 2025' },
			{ type: 'text', parameter_name: 'time', text: '7:30 pm' },
		],
	},
];

test('a send that fills every variable of the template Meta holds passes, and the language is filled in when not given', () => {
	const body = send('reservation_confirmation', 'en', reservationValues);
	const variant = checkAgainstTemplate(body, [reservation], false);
	expect(inLanguage(body, variant.language).template.language.code).toBe('en_US');
	// The body checked is not changed: the one sent is a new object in the chosen language.
	expect(body.template.language.code).toBe('en');
	expect(() => checkAgainstTemplate(send('coupon_expiration_reminder_number_vars', 'en', [
		{ type: 'header', parameters: [{ type: 'text', text: 'Ana' }] },
		{ type: 'body', parameters: [{ type: 'text', text: 'SAVE10' }, { type: 'text', text: '3' }] },
	]), [coupon], true)).not.toThrow();
});

test.each([
	['an unknown template', () => checkAgainstTemplate(send('nope', 'en', []), [], false), 'name'],
	['a language the template lacks', () => checkAgainstTemplate(send('reservation_confirmation', 'de', reservationValues), [reservation], true), 'language'],
	['no image for an image header', () => checkAgainstTemplate(send('reservation_confirmation', 'en_US', reservationValues.slice(1)), [reservation], true), 'header.type'],
	['a named variable the template lacks', () => checkAgainstTemplate(send('reservation_confirmation', 'en_US', [reservationValues[0], { type: 'body', parameters: [{ type: 'text', parameter_name: 'guests', text: '4' }] }]), [reservation], true), 'bodyParameters[0].parameterName'],
	['too few numbered values', () => checkAgainstTemplate(send('coupon_expiration_reminder_number_vars', 'en', [{ type: 'header', parameters: [{ type: 'text', text: 'Ana' }] }, { type: 'body', parameters: [{ type: 'text', text: 'SAVE10' }] }]), [coupon], true), 'bodyParameters'],
	['a button position the template lacks', () => checkAgainstTemplate(send('reservation_confirmation', 'en_US', [...reservationValues, { type: 'button', sub_type: 'quick_reply', index: '5', parameters: [{ type: 'payload', payload: 'x' }] }]), [reservation], true), 'buttons[0].index'],
	['a template not approved', () => checkAgainstTemplate(send('reservation_confirmation', 'en_US', reservationValues), [{ ...reservation, status: 'PAUSED' }], true), 'language'],
])('%s is refused, naming the field to fix', (_case, action, field) => {
	expect(fieldOf(action)).toBe(field);
});
