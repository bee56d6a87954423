/**
 * The check of a built template body against the template Meta holds (header format, variables, buttons, carousel
 * cards, one-time codes, offers): pure — the definition is read by the caller (and kept a few minutes), and nothing
 * here calls Meta. Throws a MessageValidationError naming the field to fix; fills in the language when none was given.
 */
import { defaultVariant, templateVariables } from '../../../shared/descriptions';
import type { MessageTemplate, TemplateButtonDefinition } from '../../../shared/descriptions';
import { MessageValidationError, type TemplateButtonParameter, type TemplateMessage } from '../../../shared/messages';
import { checkAuthenticationCode } from './authentication';
import { checkCarousel } from './carousel';
import { checkLimitedTimeOffer } from './offer';
import type { PreparedMessage } from '../types';

const BUTTON_SUBTYPE: Record<string, string> = {
	QUICK_REPLY: 'quick_reply',
	URL: 'url',
	COPY_CODE: 'copy_code',
	FLOW: 'flow',
	CATALOG: 'catalog',
	MPM: 'mpm',
	ORDER_DETAILS: 'order_details',
};

/**
 * A one-time password button of an authentication template (copy code, one-tap, zero-tap): `OTP` when created,
 * listed as `URL` afterwards (https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/copy-code-button-authentication-templates).
 */
function isOtpButton(definition: TemplateButtonDefinition, template: MessageTemplate): boolean {
	return definition.type === 'OTP' || definition.otp_type !== undefined || (template.category === 'AUTHENTICATION' && definition.type === 'URL');
}

/** The one value a button was given: a URL variable, a coupon code or a payload. */
function buttonValue(parameter: TemplateButtonParameter | undefined): string | undefined {
	switch (parameter?.type) {
		case 'text':
			return parameter.text;
		case 'coupon_code':
			return parameter.coupon_code;
		case 'payload':
			return parameter.payload;
		default:
			return undefined;
	}
}

/**
 * Check a built template body against the template Meta holds (header format, body variables, buttons). Returns the
 * variant checked: with no language given, the one to send in (`inLanguage`). Throws `MessageValidationError` naming
 * the field to fix. Pure: the body is not changed.
 */
export function checkAgainstTemplate(body: TemplateMessage, variants: MessageTemplate[], languageGiven: boolean): MessageTemplate {
	const name = body.template.name;
	if (variants.length === 0) {
		throw new MessageValidationError('name', `no template named "${name}" exists in this WhatsApp Business Account`);
	}
	let template: MessageTemplate | undefined;
	if (languageGiven) {
		template = variants.find((variant) => variant.language === body.template.language.code);
		if (!template) {
			throw new MessageValidationError(
				'language',
				`template "${name}" has no language "${body.template.language.code}"; it exists in: ${variants.map((v) => v.language).join(', ')}`,
			);
		}
	} else {
		template = defaultVariant(variants)!;
	}
	if (template.status && template.status !== 'APPROVED') {
		throw new MessageValidationError(
			languageGiven ? 'language' : 'name',
			`template "${name}" (${template.language}) is ${template.status.toLowerCase()}, not approved: WhatsApp only sends approved templates`,
		);
	}
	if (body.recipient !== undefined && template.category?.toUpperCase() === 'AUTHENTICATION') {
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
		throw new MessageValidationError(
			'to',
			`"${body.recipient}" is a business-scoped user ID, and "${name}" is an authentication template: WhatsApp does not send authentication templates to business-scoped user IDs (error 131062). Send it to the user's phone number.`,
		);
	}
	const components = body.template.components ?? [];
	const definitions = template.components ?? [];
	const headerDefinition = definitions.find((component) => component.type === 'HEADER');
	const headerGiven = components.find((component) => component.type === 'header');
	const headerFormat = headerDefinition?.format?.toUpperCase();
	const headerNeedsValue =
		headerFormat !== undefined &&
		(headerFormat !== 'TEXT' || templateVariables(headerDefinition?.text ?? '').length > 0);
	if (headerGiven && !headerNeedsValue) {
		throw new MessageValidationError(
			'header.type',
			headerFormat ? `template "${name}" has a fixed ${headerFormat.toLowerCase()} header that takes no value: choose None` : `template "${name}" has no header: choose None`,
		);
	}
	if (headerGiven && headerNeedsValue) {
		const parameter = headerGiven.parameters[0];
		if (parameter?.type.toUpperCase() !== headerFormat) {
			throw new MessageValidationError('header.type', `template "${name}" has a ${headerFormat!.toLowerCase()} header, not ${parameter?.type}`);
		}
		// A text header has one variable: when it is named, fill in its name rather than asking for it.
		const headerVariable = templateVariables(headerDefinition?.text ?? '')[0];
		if (parameter.type === 'text' && headerVariable && !/^[0-9]+$/.test(headerVariable)) {
			if (parameter.parameter_name !== undefined && parameter.parameter_name !== headerVariable) {
				throw new MessageValidationError('header.parameterName', `the header variable of template "${name}" is {{${headerVariable}}}, not {{${parameter.parameter_name}}}`);
			}
			parameter.parameter_name = headerVariable;
		} else if (parameter.type === 'text' && parameter.parameter_name !== undefined) {
			throw new MessageValidationError('header.parameterName', `template "${name}" uses a numbered header variable ({{1}}): leave Header Variable Name empty`);
		}
	}
	if (!headerGiven && headerNeedsValue) {
		throw new MessageValidationError('header.type', `template "${name}" has a ${headerFormat!.toLowerCase()} header: set Header to ${headerFormat!.charAt(0)}${headerFormat!.slice(1).toLowerCase()} and give its value`);
	}

	const bodyDefinition = definitions.find((component) => component.type === 'BODY');
	const expected = templateVariables(bodyDefinition?.text ?? '');
	const given = components.find((component) => component.type === 'body')?.parameters ?? [];
	const named = expected.some((variable) => !/^[0-9]+$/.test(variable));
	if (named) {
		const givenNames = given.map((parameter) => parameter.parameter_name);
		const unnamed = givenNames.findIndex((parameterName) => parameterName === undefined);
		if (unnamed !== -1) {
			throw new MessageValidationError(`bodyParameters[${unnamed}].parameterName`, `template "${name}" uses named variables (${expected.map((v) => `{{${v}}}`).join(', ')}): pick the variable each value fills`);
		}
		const unknown = givenNames.findIndex((parameterName) => !expected.includes(parameterName!));
		if (unknown !== -1) {
			throw new MessageValidationError(`bodyParameters[${unknown}].parameterName`, `template "${name}" has no variable {{${givenNames[unknown]}}}; its variables are ${expected.map((v) => `{{${v}}}`).join(', ')}`);
		}
		const missing = expected.filter((variable) => !givenNames.includes(variable));
		if (missing.length) {
			throw new MessageValidationError('bodyParameters', `template "${name}" needs a value for ${missing.map((v) => `{{${v}}}`).join(', ')}`);
		}
	} else {
		const namedIndex = given.findIndex((parameter) => parameter.parameter_name !== undefined);
		if (namedIndex !== -1) {
			throw new MessageValidationError(`bodyParameters[${namedIndex}].parameterName`, `template "${name}" uses numbered variables ({{1}}, {{2}}…), not names`);
		}
		if (given.length !== expected.length) {
			throw new MessageValidationError(
				'bodyParameters',
				`template "${name}" has ${expected.length} body variable${expected.length === 1 ? '' : 's'} (${expected.map((v) => `{{${v}}}`).join(', ') || 'none'}) but ${given.length} value${given.length === 1 ? ' was' : 's were'} given`,
			);
		}
	}

	const buttonDefinitions = definitions.find((component) => component.type === 'BUTTONS')?.buttons ?? [];
	const buttonsGiven = components.filter((component) => component.type === 'button');
	buttonsGiven.forEach((button, position) => {
		if (button.type !== 'button') return;
		const definition = buttonDefinitions[Number(button.index)];
		if (!definition) {
			throw new MessageValidationError(`buttons[${position}].index`, `template "${name}" has ${buttonDefinitions.length} button${buttonDefinitions.length === 1 ? '' : 's'}; there is no button at position ${button.index}`);
		}
		if (isOtpButton(definition, template)) {
			const code = buttonValue(button.parameters[0]);
			if (code === undefined) {
				throw new MessageValidationError(`buttons[${position}].subType`, `button ${button.index} of template "${name}" is a one-time password button: give the code as its value`);
			}
			// Meta takes the code of any one-time password button as a URL button's text, whatever type was picked.
			button.sub_type = 'url';
			button.parameters = [{ type: 'text', text: code }];
			return;
		}
		const expectedSubType = BUTTON_SUBTYPE[definition.type];
		const accepted = expectedSubType ? [expectedSubType] : [];
		if (accepted.length && !accepted.includes(button.sub_type)) {
			throw new MessageValidationError(`buttons[${position}].subType`, `button ${button.index} of template "${name}" is a ${definition.type.toLowerCase().replace('_', ' ')} button, not ${button.sub_type.replace('_', ' ')}`);
		}
	});
	buttonDefinitions.forEach((definition, index) => {
		const needsValue =
			(definition.type === 'URL' && templateVariables(definition.url ?? '').length > 0) ||
			definition.type === 'COPY_CODE' ||
			definition.type === 'MPM' ||
			definition.type === 'ORDER_DETAILS' ||
			isOtpButton(definition, template!);
		if (needsValue && !buttonsGiven.some((button) => button.type === 'button' && Number(button.index) === index)) {
			throw new MessageValidationError('buttons', `button ${index} of template "${name}" (${definition.type.toLowerCase().replace('_', ' ')}) needs a value: add it under Buttons with position ${index}`);
		}
	});
	checkCarousel(body, template);
	checkAuthenticationCode(body, template);
	checkLimitedTimeOffer(body, template);
	return template;
}

/** The same body in `code` (a new object): a template given no language goes in the variant its check chose. */
export function inLanguage(body: TemplateMessage, code: string): TemplateMessage {
	return { ...body, template: { ...body.template, language: { ...body.template.language, code } } };
}

/** An item given no language is sent in `code`: its body now, and each body built after its uploads. */
export function sendInLanguage(item: Pick<PreparedMessage, 'body' | 'build'>, code: string): void {
	item.body = inLanguage(item.body as TemplateMessage, code);
	const build = item.build;
	if (build) item.build = (mediaIds) => inLanguage(build(mediaIds) as TemplateMessage, code);
}
