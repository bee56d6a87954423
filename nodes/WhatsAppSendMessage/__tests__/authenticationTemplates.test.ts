/**
 * Authentication (one-time password) templates, checked against the definition Meta holds. Meta's pages: the button
 * is created as `OTP` (copy code, one-tap, zero-tap) and listed as `URL` afterwards, and every one of them is sent as
 * a url button with the code as text:
 * https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/copy-code-button-authentication-templates
 */
import type { MessageTemplate, TemplateButtonDefinition } from '../../shared/descriptions';
import { buildTemplate, MessageValidationError, type TemplateButtonParams, type TemplateMessage } from '../../shared/messages';
import { checkAgainstTemplate } from '../actions/template/check';

const body = [{ type: 'text' as const, text: '482913' }];

function authTemplate(button: TemplateButtonDefinition): MessageTemplate {
	return {
		name: 'login_code',
		language: 'en_US',
		status: 'APPROVED',
		category: 'AUTHENTICATION',
		components: [
			{ type: 'BODY', text: '*{{1}}* is your verification code.' },
			{ type: 'BUTTONS', buttons: [button] },
		],
	};
}

function checked(definition: MessageTemplate, button: TemplateButtonParams): TemplateMessage {
	const message = buildTemplate({ to: '16505551234', name: 'login_code', language: 'en_US', bodyParameters: body, buttons: [button] });
	checkAgainstTemplate(message, [definition], true);
	return message;
}

const urlButton = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] };

describe.each([
	['a copy-code button', { type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }],
	['a one-tap autofill button', { type: 'OTP', otp_type: 'ONE_TAP', text: 'Copy code', autofill_text: 'Autofill', package_name: 'com.example.app', signature_hash: 'K8a/AINcGX7' }],
	['a zero-tap button', { type: 'OTP', otp_type: 'ZERO_TAP', text: 'Copy code' }],
	['a code button as Meta lists it after creation (URL)', { type: 'URL', text: 'Copy code', url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}' }],
] as Array<[string, TemplateButtonDefinition]>)('%s', (_name, button) => {
	const definition = authTemplate(button);

	test.each([
		['Copy Code', { subType: 'copy_code', index: 0, couponCode: '482913' }],
		['URL', { subType: 'url', index: 0, text: '482913' }],
		['Quick Reply', { subType: 'quick_reply', index: 0, payload: '482913' }],
	] as Array<[string, TemplateButtonParams]>)('goes out as a url button with the code as text when %s was picked', (_picked, given) => {
		const message = checked(definition, given);
		expect(message.template.components).toEqual([{ type: 'body', parameters: body }, urlButton]);
	});

	test('is required: the code button cannot be left out', () => {
		const message = buildTemplate({ to: '16505551234', name: 'login_code', language: 'en_US', bodyParameters: body });
		expect(() => checkAgainstTemplate(message, [definition], true)).toThrow(/button 0 of template "login_code" .* needs a value/);
	});

	test('refuses a flow button given for it, naming the button', () => {
		const error = (() => {
			try {
				checked(definition, { subType: 'flow', index: 0, flowToken: 'x' });
			} catch (caught) {
				return caught;
			}
			return undefined;
		})();
		expect(error).toBeInstanceOf(MessageValidationError);
		expect((error as MessageValidationError).field).toBe('buttons[0].subType');
		expect((error as Error).message).toContain('one-time password button');
	});
});

test('a URL button of a marketing template is not taken for a code button', () => {
	const marketing: MessageTemplate = { ...authTemplate({ type: 'URL', text: 'Shop', url: 'https://shop.example.com/{{1}}' }), category: 'MARKETING' };
	expect(() => checked(marketing, { subType: 'copy_code', index: 0, couponCode: 'SAVE20' })).toThrow(/is a url button, not copy code/);
});
