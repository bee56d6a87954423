import { buildEnvelope, type EnvelopeParams } from './envelope';
import { buildFooter, MAX_INTERACTIVE_BODY } from './interactive';
import { optionalText, requiredId } from './rules';
import type { InteractiveMessage, InteractiveProduct } from './types';

export interface ProductParams extends EnvelopeParams {
	/** The ID of the catalog linked to the WhatsApp Business Account. */
	catalogId: unknown;
	/** The product's SKU, labelled Content ID in Commerce Manager. */
	productRetailerId: unknown;
	body?: unknown;
	footer?: unknown;
}

/**
 * One product of a catalog, which the user can open, add to a cart and order; no header.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products#single-product-messages
 */
export function buildProduct(params: ProductParams): InteractiveMessage<InteractiveProduct> {
	const envelope = buildEnvelope(params);
	const bodyText = optionalText('body', params.body, MAX_INTERACTIVE_BODY);
	const footer = buildFooter(params.footer);
	const interactive: InteractiveProduct = {
		type: 'product',
		action: {
			catalog_id: requiredId('catalogId', params.catalogId),
			product_retailer_id: requiredId('productRetailerId', params.productRetailerId),
		},
	};
	if (bodyText !== undefined) interactive.body = { text: bodyText };
	if (footer) interactive.footer = footer;
	return { ...envelope, type: 'interactive', interactive };
}
