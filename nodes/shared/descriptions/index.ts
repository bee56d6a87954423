export { phoneNumberIdLocator, getPhoneNumberId, getSenderDisplayNumber, PhoneNumberIdError } from './phoneNumber';
export { templateLocator, templateLanguageField } from './template';
export {
	CREDENTIAL_NAME,
	searchPhoneNumbers,
	searchTemplates,
	fetchTemplateVariants,
	getTemplateLanguages,
	getTemplateVariables,
	getTemplateFields,
	TEMPLATE_FIELD,
	templateVariables,
} from './methods';
export type { CredentialContext } from './methods';
export type * from './graphTypes';
