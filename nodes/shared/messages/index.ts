/** Pure builders: typed parameters in, a Cloud API body out, or a `MessageValidationError` naming the field. */
export { MessageValidationError } from './errors';
export { charCount } from './rules';
export { normalizeRecipient, isBusinessScopedUserId } from './recipient';
export { buildEnvelope, recipientOf, type EnvelopeParams } from './envelope';
export { buildText, type TextParams } from './text';
export { buildMedia, buildMediaReference, MEDIA_KINDS, type MediaParams, type MediaSourceParams } from './media';
export { buildLocation, type LocationParams } from './location';
export { buildContacts, type ContactsParams, type ContactParams } from './contacts';
export { buildReaction, isSingleEmoji, type ReactionParams } from './reaction';
export { buildInteractiveButtons, MAX_REPLY_BUTTONS, type InteractiveButtonsParams } from './interactiveButtons';
export { buildInteractiveList, MAX_ROWS, MAX_SECTIONS, type InteractiveListParams } from './interactiveList';
export { buildCtaUrl, type CtaUrlParams } from './ctaUrl';
export { buildFlow, type FlowParams } from './flow';
export { buildLocationRequest, type LocationRequestParams } from './locationRequest';
export { buildProduct, type ProductParams } from './product';
export { buildProductList, buildProductSections, MAX_PRODUCTS, MAX_PRODUCT_SECTIONS, type ProductListParams } from './productList';
export { buildCatalogMessage, type CatalogMessageParams } from './catalogMessage';
export { buildCallPermissionRequest, type CallPermissionRequestParams } from './callPermissionRequest';
export {
	buildTemplate,
	type TemplateParams,
	type TemplateHeaderParams,
	type TemplateBodyParameterParams,
	type TemplateButtonParams,
} from './template';
export { buildLimitedTimeOffer, MAX_OFFER_CODE } from './templateOffer';
export { buildCarousel, MAX_CARDS, type TemplateCardParams, type TemplateCardHeaderParams } from './templateCarousel';
export { buildMarkAsRead, type MarkAsReadParams } from './markAsRead';
export type { InteractiveHeaderParams } from './interactive';
export { MAX_INTERACTIVE_BODY, MAX_LIST_BODY } from './interactive';
export type * from './types';
