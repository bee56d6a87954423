/**
 * The ecommerce catalog connected to the WhatsApp Business Account, and Meta's refusal of products it does not hold.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products
 * ("Missing items"): "If none of the items provided in the API calls above matches a product from your product catalog,
 * an error message is sent and the Multi- or Single-Product Message is not sent to the user. For Multi-Product Message,
 * at least one item from the products list must match … Items without a match are dropped."
 * No Meta page names the error code: 131009 ("Parameter value is not valid") is the nearest documented one, and is
 * what this module answers; the page's "error message asking for a catalog update" for dropped items is not played.
 * The pages say nothing of an unknown thumbnail (catalog message, catalog and MPM template buttons): it is refused as a
 * single product is, which is a guess.
 */
import type { FixtureCatalog, FixtureProduct, SimContext } from './types';
import { MetaError } from './types';

type Json = Record<string, unknown>;

/** Meta's example catalog and the SKUs its pages use (share-products, SPM, MPM, catalog and product card pages). */
export const DOCUMENTED_CATALOG_ID = '194836987003835';

export function defaultCatalogs(wabaId: string): FixtureCatalog[] {
	const products: Array<[string, string]> = [
		['2lc20305pt', 'Blue Elf Aloe'],
		['nseiw1x3ch', 'Buddha\'s Temple'],
		['n6k6x0y7oe', 'Black Prince'],
		['nqryix03ez', 'Newest succulent'],
		['di9ozbzfi4', 'Rare succulent 1'],
		['vrpj01fvwp', 'Rare succulent 2'],
		['va2l5ioeat', 'Rare succulent 3'],
		['sqpjv0mgde', 'Rare succulent 4'],
	];
	return [{ id: DOCUMENTED_CATALOG_ID, wabaId, products: products.map(([retailerId, name]) => ({ retailerId, name })) }];
}

function productError(details: string): MetaError {
	return new MetaError({ httpStatus: 400, code: 131009, message: '(#131009) Parameter value is not valid', details });
}

/** The catalog connected to the account the sending number belongs to. */
export function connectedCatalog(sim: Pick<SimContext, 'fixture'>): FixtureCatalog | undefined {
	return sim.fixture.catalogs.find((catalog) => catalog.wabaId === sim.fixture.wabaId);
}

/** Adds a product to a catalog (the account's, unless another is named); a known SKU is updated. */
export function addProduct(sim: Pick<SimContext, 'fixture'>, input: { retailerId?: unknown; retailer_id?: unknown; name?: unknown; catalogId?: unknown }): FixtureProduct {
	const retailerId = String(input.retailerId ?? input.retailer_id ?? '').trim();
	if (retailerId === '') throw new Error('A product needs its retailerId (the SKU)');
	let catalog = input.catalogId === undefined ? connectedCatalog(sim) : sim.fixture.catalogs.find((c) => c.id === String(input.catalogId));
	if (!catalog) {
		catalog = { id: String(input.catalogId ?? DOCUMENTED_CATALOG_ID), wabaId: sim.fixture.wabaId, products: [] };
		sim.fixture.catalogs.push(catalog);
	}
	const product = { retailerId, name: String(input.name ?? retailerId) };
	catalog.products = [...catalog.products.filter((known) => known.retailerId !== retailerId), product];
	return product;
}

function requireCatalog(sim: Pick<SimContext, 'fixture'>, catalogId: unknown, path: string): FixtureCatalog {
	const catalog = connectedCatalog(sim);
	if (!catalog) throw productError('No catalog is connected to this WhatsApp Business Account');
	if (catalogId !== undefined && String(catalogId) !== catalog.id) {
		throw productError(`Param ${path}['catalog_id'] is not the catalog connected to this WhatsApp Business Account`);
	}
	return catalog;
}

const holds = (catalog: FixtureCatalog, retailerId: unknown) => catalog.products.some((product) => product.retailerId === retailerId);

function requireProduct(sim: Pick<SimContext, 'fixture'>, catalogId: unknown, retailerId: unknown, path: string, key: string): void {
	const catalog = requireCatalog(sim, catalogId, path);
	if (!holds(catalog, retailerId)) throw productError(`Param ${path}['${key}']: no product with retailer ID "${String(retailerId)}" in catalog ${catalog.id}`);
}

/** At least one of the sections' products must be in the catalog; the others Meta drops. */
function requireSomeProduct(sim: Pick<SimContext, 'fixture'>, catalogId: unknown, sections: unknown, path: string): void {
	const catalog = requireCatalog(sim, catalogId, path);
	const ids = (Array.isArray(sections) ? sections : []).flatMap((section) => ((section as Json)?.product_items as Json[] | undefined)?.map((item) => item?.product_retailer_id) ?? []);
	if (!ids.some((id) => holds(catalog, id))) throw productError(`Param ${path}['sections']: none of the products is in catalog ${catalog.id}`);
}

/** A header `{type: product, product: {catalog_id, product_retailer_id}}` (SPM template, product card). */
function checkProductHeader(sim: Pick<SimContext, 'fixture'>, component: Json | undefined, path: string): void {
	const parameter = (component?.parameters as Json[] | undefined)?.[0];
	if (parameter?.type !== 'product') return;
	const product = parameter.product as Json;
	requireProduct(sim, product.catalog_id, product.product_retailer_id, `${path}['parameters'][0]['product']`, 'product_retailer_id');
}

function checkTemplateButtons(sim: Pick<SimContext, 'fixture'>, components: Json[], path: string): void {
	components.forEach((component, index) => {
		if (component.type !== 'button') return;
		const subType = String(component.sub_type).toLowerCase();
		if (subType !== 'catalog' && subType !== 'mpm') return;
		const action = (component.parameters as Json[] | undefined)?.[0]?.action as Json | undefined;
		const at = `${path}[${index}]['parameters'][0]['action']`;
		if (action?.thumbnail_product_retailer_id !== undefined) requireProduct(sim, undefined, action.thumbnail_product_retailer_id, at, 'thumbnail_product_retailer_id');
		if (subType === 'mpm') requireSomeProduct(sim, undefined, action?.sections, at);
	});
}

/** Refuses a validated send whose products the account's catalog does not hold, as Meta does. */
export function checkCatalogProducts(sim: Pick<SimContext, 'fixture'>, body: Json): void {
	if (body.type === 'interactive') {
		const interactive = body.interactive as Json;
		const action = interactive.action as Json;
		if (interactive.type === 'product') requireProduct(sim, action.catalog_id, action.product_retailer_id, "interactive['action']", 'product_retailer_id');
		if (interactive.type === 'product_list') requireSomeProduct(sim, action.catalog_id, action.sections, "interactive['action']");
		const thumbnail = (action.parameters as Json | undefined)?.thumbnail_product_retailer_id;
		if (interactive.type === 'catalog_message' && thumbnail !== undefined) requireProduct(sim, undefined, thumbnail, "interactive['action']['parameters']", 'thumbnail_product_retailer_id');
		return;
	}
	if (body.type !== 'template') return;
	const components = ((body.template as Json).components ?? []) as Json[];
	const path = "template['components']";
	components.forEach((component, index) => {
		if (component.type === 'header') checkProductHeader(sim, component, `${path}[${index}]`);
		if (component.type === 'carousel') {
			((component.cards ?? []) as Json[]).forEach((card, cardIndex) => {
				const parts = (card.components ?? []) as Json[];
				const header = parts.findIndex((part) => part.type === 'header');
				if (header !== -1) checkProductHeader(sim, parts[header], `${path}[${index}]['cards'][${cardIndex}]['components'][${header}]`);
			});
		}
	});
	checkTemplateButtons(sim, components, path);
}
