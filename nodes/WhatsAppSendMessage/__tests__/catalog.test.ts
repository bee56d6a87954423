/**
 * Products the account's catalog lacks, through n8n-core's WorkflowExecute against the simulator: Meta refuses a
 * single product (interactive or an SPM template's header) and a product list none of whose products it holds
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/sell-products-and-services/share-products,
 * "Missing items"); the node reports Meta's answer for the item. The page names no code; the simulator answers 131009.
 */
import type { INodeParameters } from 'n8n-workflow';

import { DOCUMENTED_CATALOG_ID, type Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator, templateFields as fields } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

const product = (productRetailerId: string): INodeParameters => ({ messageType: 'product', catalogId: DOCUMENTED_CATALOG_ID, productRetailerId });
// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates
const spm = (productRetailerId: string): INodeParameters => ({
	messageType: 'template',
	template: { __rl: true, mode: 'name', value: 'spm_template_named_params' },
	language: 'en_US',
	templateHeader: 'product',
	templateHeaderCatalogId: DOCUMENTED_CATALOG_ID,
	templateHeaderProductRetailerId: productRetailerId,
	templateFields: fields({ 'body:code': '25OFF', 'body:percent': '25%' }),
});
const productList = (ids: string): INodeParameters => ({
	messageType: 'productList',
	catalogId: DOCUMENTED_CATALOG_ID,
	headerText: 'Picks',
	interactiveBody: 'Have a look',
	productSections: { section: [{ title: 'All', productRetailerIds: ids }] },
});

describe('Send Message: products the catalog lacks', () => {
	test.each([
		['a single product', product('ghost-sku')],
		['an SPM template', spm('ghost-sku')],
		['a product list of unknown products', productList('ghost-sku, ghost-sku-2')],
	])('%s is refused by Meta and reported for the item', async (_case, parameters) => {
		const result = await send(sim, parameters);
		expect(result.error?.message).toMatch(/131009|Parameter value is not valid/);
		expect(JSON.stringify(result.error)).toContain('ghost-sku');
		expect(sim.log()).toHaveLength(0);
	});

	test('the same product is sent once it is in the catalog', async () => {
		sim.addProduct({ retailerId: 'ghost-sku' });
		expect((await send(sim, product('ghost-sku'))).error).toBeUndefined();
		expect((await send(sim, spm('ghost-sku'))).error).toBeUndefined();
		expect(messageCalls(sim)).toBe(2);
	});
});
