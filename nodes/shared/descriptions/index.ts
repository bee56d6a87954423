export { phoneNumberIdLocator, getPhoneNumberId, getSenderDisplayNumber, PhoneNumberIdError } from './phoneNumber';
export { templateLocator, templateLanguageField } from './template';
export {
	CREDENTIAL_NAME,
	searchPhoneNumbers,
	searchTemplates,
	fetchTemplateVariants,
	cachedTemplateVariants,
	forgetTemplateVariants,
	getTemplateLanguages,
	getTemplateVariables,
	getTemplateFields,
	getTemplateHeaders,
	templateHeaderOptions,
	templateHeaderNeed,
	defaultVariant,
	templateListName,
	TEMPLATE_FIELD,
	templateVariables,
} from './methods';
export type { CredentialContext, TemplateHeaderNeed } from './methods';
export { getManagementCache, ManagementCache, MANAGEMENT_CACHE_TTL_MS, managementCacheKey } from './managementCache';
export type * from './graphTypes';
export { cachedWabaPhoneNumbers, getWabaPhoneNumbers } from './wabaNumbers';
