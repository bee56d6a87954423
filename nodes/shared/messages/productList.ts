import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MessageValidationError } from './errors';
import { buildBody, buildFooter, MAX_HEADER_TEXT } from './interactive';
import { MAX_SECTION_TITLE } from './interactiveList';
import { isPlainObject, listOf, optionalText, requiredId, requiredText } from './rules';
import type { InteractiveMessage, InteractiveProductList, ProductSection } from './types';

/** https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates */
export const MAX_PRODUCT_SECTIONS = 10;
export const MAX_PRODUCTS = 30;

export interface ProductListParams extends EnvelopeParams {
	/** Required: a multi-product message has a text header. */
	headerText: unknown;
	body: unknown;
	footer?: unknown;
	catalogId: unknown;
	sections: Array<{ title?: unknown; productRetailerIds: unknown[] }>;
}

/** Product sections as Meta takes them (shared with multi-product templates): 1–10 sections, 30 products in all. */
export function buildProductSections(given: unknown, field = 'sections'): ProductSection[] {
	const sections = listOf<Record<string, unknown>>(field, given);
	if (sections.length === 0) throw new MessageValidationError(field, 'add at least one section with at least one product');
	if (sections.length > MAX_PRODUCT_SECTIONS) {
		throw new MessageValidationError(field, `has ${sections.length} sections; WhatsApp allows at most ${MAX_PRODUCT_SECTIONS}`);
	}
	let total = 0;
	const built = sections.map((section, s): ProductSection => {
		const at = `${field}[${s}]`;
		if (!isPlainObject(section)) throw new MessageValidationError(at, 'must have products');
		const title = optionalText(`${at}.title`, section.title, MAX_SECTION_TITLE);
		if (title === undefined && sections.length > 1) {
			throw new MessageValidationError(`${at}.title`, 'is required when the message has more than one section');
		}
		const ids = listOf<unknown>(`${at}.productRetailerIds`, section.productRetailerIds);
		if (ids.length === 0) throw new MessageValidationError(`${at}.productRetailerIds`, 'add at least one product to this section');
		total += ids.length;
		const product_items = ids.map((id, p) => ({ product_retailer_id: requiredId(`${at}.productRetailerIds[${p}]`, id) }));
		return title === undefined ? { product_items } : { title, product_items };
	});
	if (total > MAX_PRODUCTS) {
		throw new MessageValidationError(field, `has ${total} products in all; WhatsApp allows at most ${MAX_PRODUCTS} across all sections`);
	}
	return built;
}

/**
 * Up to 30 products of a catalog in up to 10 sections, behind a text header.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products#multi-product-messages
 */
export function buildProductList(params: ProductListParams): InteractiveMessage<InteractiveProductList> {
	const envelope = buildEnvelope(params);
	const header = { type: 'text' as const, text: requiredText('headerText', params.headerText, MAX_HEADER_TEXT) };
	const body = buildBody(params.body);
	const footer = buildFooter(params.footer);
	const catalogId = requiredId('catalogId', params.catalogId);
	const interactive: InteractiveProductList = {
		type: 'product_list',
		header,
		body,
		action: { catalog_id: catalogId, sections: buildProductSections(params.sections) },
	};
	if (footer) interactive.footer = footer;
	return { ...envelope, type: 'interactive', interactive };
}
