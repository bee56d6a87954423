/**
 * The account's catalog over HTTP: a single product, an SPM template's or a product card's product, a catalog
 * thumbnail the catalog lacks is refused; a product list or MPM template is sent when at least one of its products
 * is in the catalog. https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products
 * ("Missing items"). The page names no error code: 131009 is the nearest documented one (catalog.ts says why).
 */
import { DOCUMENTED_CATALOG_ID, startSimulator, type Simulator } from './index';
import { call, send } from './helpers';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ latency: 'none' });
});
afterEach(() => sim.reset());
afterAll(async () => {
	await sim.stop();
});

const product = (retailerId: string, catalogId = DOCUMENTED_CATALOG_ID) => ({ type: 'interactive', interactive: { type: 'product', action: { catalog_id: catalogId, product_retailer_id: retailerId } } });
const productList = (...retailerIds: string[]) => ({
	type: 'interactive',
	interactive: { type: 'product_list', header: { type: 'text', text: 'Picks' }, body: { text: 'Have a look' }, action: { catalog_id: DOCUMENTED_CATALOG_ID, sections: [{ title: 'All', product_items: retailerIds.map((id) => ({ product_retailer_id: id })) }] } },
});
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
const spm = (retailerId: string) => ({
	type: 'template',
	template: {
		name: 'spm_template_named_params',
		language: { code: 'en_US' },
		components: [
			{ type: 'header', parameters: [{ type: 'product', product: { product_retailer_id: retailerId, catalog_id: DOCUMENTED_CATALOG_ID } }] },
			{ type: 'body', parameters: [{ type: 'text', parameter_name: 'code', text: '25OFF' }, { type: 'text', parameter_name: 'percent', text: '25%' }] },
		],
	},
});
const catalogMessage = (thumbnail: string) => ({ type: 'interactive', interactive: { type: 'catalog_message', body: { text: 'Browse' }, action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: thumbnail } } } });
const control = (method: string, path: string, body?: unknown) => call(sim, method, `/_sim/${path}`, body, null);

describe('the catalog connected to the account', () => {
	test('a product of Meta\'s example catalog is sent', async () => {
		expect((await send(sim, product('2lc20305pt'))).status).toBe(200);
	});

	test.each([
		['a single product', product('not-in-catalog'), "no product with retailer ID \"not-in-catalog\""],
		['a single product of another catalog', product('2lc20305pt', '999'), "is not the catalog connected to this WhatsApp Business Account"],
		['a product list none of whose products is in the catalog', productList('x1', 'x2'), 'none of the products is in catalog'],
		['an SPM template\'s product', spm('not-in-catalog'), "no product with retailer ID \"not-in-catalog\""],
		['a catalog message\'s thumbnail', catalogMessage('not-in-catalog'), "no product with retailer ID \"not-in-catalog\""],
	])('%s the catalog lacks is refused with 131009', async (_case, message, details) => {
		const answer = await send(sim, message);
		expect(answer.status).toBe(400);
		expect(answer.body.error.code).toBe(131009);
		expect(answer.body.error.error_data.details).toContain(details);
		expect(sim.log()).toHaveLength(0);
	});

	test('a product list with one product in the catalog is sent (Meta drops the others)', async () => {
		expect((await send(sim, productList('x1', 'nseiw1x3ch'))).status).toBe(200);
	});

	test('a product added through the control endpoint is sent, and stays across a reset', async () => {
		expect((await send(sim, product('new-sku'))).status).toBe(400);
		const added = await control('POST', 'catalog/products', { retailerId: 'new-sku', name: 'New plant' });
		expect(added.body).toEqual({ success: true, product: { retailerId: 'new-sku', name: 'New plant' } });
		await control('POST', 'reset');
		expect((await send(sim, product('new-sku'))).status).toBe(200);
		const listed = await control('GET', 'catalog');
		expect(listed.body.catalogs[0]).toEqual(expect.objectContaining({ id: DOCUMENTED_CATALOG_ID, wabaId: sim.fixture.wabaId }));
		expect(listed.body.catalogs[0].products).toContainEqual({ retailerId: 'new-sku', name: 'New plant' });
	});

	test('an account without a catalog refuses every product', async () => {
		const bare = await startSimulator({ latency: 'none', fixture: { catalogs: [] } });
		try {
			const answer = await send(bare, product('2lc20305pt'));
			expect(answer.body.error.code).toBe(131009);
			expect(answer.body.error.error_data.details).toBe('No catalog is connected to this WhatsApp Business Account');
		} finally {
			await bare.stop();
		}
	});
});
