import { buildProductSections } from './productList';
import { requiredId } from './rules';
import type { TemplateButtonParameter } from './types';

/**
 * The action of a catalog template's "View catalog" button (its thumbnail product) or of a multi-product template's
 * "View items" button (thumbnail and up to 30 products in up to 10 sections).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
 */
export function buildProductButtonAction(
	subType: 'catalog' | 'mpm',
	button: { thumbnailProductRetailerId?: unknown; sections?: unknown },
	at: string,
): TemplateButtonParameter {
	const thumbnail = requiredId(`${at}.thumbnailProductRetailerId`, typeof button.thumbnailProductRetailerId === 'string' ? button.thumbnailProductRetailerId.trim() : button.thumbnailProductRetailerId);
	if (subType === 'catalog') return { type: 'action', action: { thumbnail_product_retailer_id: thumbnail } };
	return { type: 'action', action: { thumbnail_product_retailer_id: thumbnail, sections: buildProductSections(button.sections, `${at}.sections`) } };
}
