import type { IDataObject } from 'n8n-workflow';

import { TEMPLATE_FIELD } from '../../../shared/descriptions';
import type { MessageTemplate } from '../../../shared/descriptions';
import { charCount, MessageValidationError, type TemplateMessage } from '../../../shared/messages';

/**
 * Authentication templates carry one one-time code, "at most 15 characters", which "must appear twice in the payload"
 * (the body's {{1}} and the code button):
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/zero-tap-authentication-templates
 */
export const MAX_ONE_TIME_CODE = 15;

const OTP_KEY = /^otp(?::(\d))?$/;

function tooLong(code: string): string | undefined {
	const length = charCount(code);
	return length > MAX_ONE_TIME_CODE ? `is ${length} characters long; WhatsApp allows a one-time code of at most ${MAX_ONE_TIME_CODE}` : undefined;
}

/** The Template Fields' one-time code (`otp:<button>`) as the body's {{1}} and the code button's value. */
export function expandOneTimeCode(values: IDataObject): IDataObject {
	const key = Object.keys(values).find((candidate) => OTP_KEY.test(candidate));
	if (key === undefined) return values;
	const { [key]: code, ...rest } = values;
	const problem = typeof code === 'string' ? tooLong(code.trim()) : undefined;
	if (problem) throw new MessageValidationError('templateFields', `One-time code ${problem}`);
	const button = OTP_KEY.exec(key)![1];
	return { ...rest, [TEMPLATE_FIELD.body('1')]: code, ...(button !== undefined && { [TEMPLATE_FIELD.button('url', Number(button))]: code }) };
}

/** An authentication template's code: at most 15 characters, the same in the body and on the button. */
export function checkAuthenticationCode(body: TemplateMessage, template: MessageTemplate): void {
	if (template.category?.toUpperCase() !== 'AUTHENTICATION') return;
	const components = body.template.components ?? [];
	const bodyPart = components.find((component) => component.type === 'body');
	const bodyCode = bodyPart?.type === 'body' && bodyPart.parameters[0]?.type === 'text' ? bodyPart.parameters[0].text : undefined;
	if (bodyCode !== undefined && tooLong(bodyCode)) throw new MessageValidationError('bodyParameters[0].text', tooLong(bodyCode)!);
	components.filter((component) => component.type === 'button').forEach((component, position) => {
		if (component.type !== 'button' || component.parameters[0]?.type !== 'text') return;
		const code = component.parameters[0].text;
		const at = `buttons[${position}].text`;
		if (tooLong(code)) throw new MessageValidationError(at, tooLong(code)!);
		if (bodyCode !== undefined && code !== bodyCode) {
			throw new MessageValidationError(at, `is "${code}" but the body's code is "${bodyCode}": an authentication template sends the same one-time code in both`);
		}
	});
}
