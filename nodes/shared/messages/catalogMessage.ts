import { buildEnvelope, type EnvelopeParams } from './envelope';
import { buildBody, buildFooter } from './interactive';
import { optionalText } from './rules';
import type { InteractiveCatalogMessage, InteractiveMessage } from './types';

export interface CatalogMessageParams extends EnvelopeParams {
	body: unknown;
	footer?: unknown;
	/** The product whose image heads the message; Meta's default is the catalog's first product. */
	thumbnailProductRetailerId?: unknown;
}

/**
 * A "View catalog" button that opens the whole catalog inside WhatsApp.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products#catalog-messages
 */
export function buildCatalogMessage(params: CatalogMessageParams): InteractiveMessage<InteractiveCatalogMessage> {
	const envelope = buildEnvelope(params);
	const body = buildBody(params.body);
	const footer = buildFooter(params.footer);
	const thumbnail = optionalText('thumbnailProductRetailerId', params.thumbnailProductRetailerId)?.trim();
	const interactive: InteractiveCatalogMessage = {
		type: 'catalog_message',
		body,
		action: thumbnail ? { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: thumbnail } } : { name: 'catalog_message' },
	};
	if (footer) interactive.footer = footer;
	return { ...envelope, type: 'interactive', interactive };
}
