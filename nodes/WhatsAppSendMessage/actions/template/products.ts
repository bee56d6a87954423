import type { INodeProperties } from 'n8n-workflow';

import { MessageValidationError } from '../../../shared/messages';

/**
 * Catalog and multi-product templates: the "View catalog" / "View items" button's values as the user types them.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/mpm-templates
 */

/**
 * Product sections typed one per line, "Popular Bundles: 2lc20305pt, nseiw1x3ch" (a line without a title is an
 * untitled section), or a list from an expression: [{ title, productRetailerIds }] or Meta's [{ title, product_items }].
 */
export function parseProductSections(value: unknown, field: string): Array<{ title?: unknown; productRetailerIds: unknown[] }> {
	if (Array.isArray(value)) {
		return value.map((section, index) => {
			if (!section || typeof section !== 'object') throw new MessageValidationError(`${field}[${index}]`, 'must be a section: { "title": …, "productRetailerIds": [ … ] }');
			const { title, productRetailerIds, product_items: items } = section as { title?: unknown; productRetailerIds?: unknown; product_items?: unknown };
			const ids = Array.isArray(productRetailerIds) ? productRetailerIds : Array.isArray(items) ? items.map((item) => (item as { product_retailer_id?: unknown })?.product_retailer_id) : [];
			return { title, productRetailerIds: ids };
		});
	}
	if (typeof value !== 'string') return [];
	return value
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => {
			const colon = line.indexOf(':');
			const title = colon === -1 ? undefined : line.slice(0, colon).trim();
			const ids = (colon === -1 ? line : line.slice(colon + 1)).split(',').map((id) => id.trim()).filter((id) => id !== '');
			return { title, productRetailerIds: ids };
		});
}

/** The values of a Catalog or Multi-Product button in the manual Buttons list. */
export const productButtonValues: INodeProperties[] = [
	{
		displayName: 'Thumbnail Product Retailer ID',
		name: 'thumbnailProductRetailerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2lc20305pt',
		description: 'The SKU (Content ID) of the product whose image heads the message',
		displayOptions: { show: { subType: ['catalog', 'mpm'] } },
	},
	{
		displayName: 'Product Sections',
		name: 'sections',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'Popular Bundles: 2lc20305pt, nseiw1x3ch\nPremium Packages: n6k6x0y7oe',
		description: 'One section per line, "Title: SKU, SKU…" (titles up to 24 characters); up to 30 products in up to 10 sections',
		displayOptions: { show: { subType: ['mpm'] } },
	},
];
