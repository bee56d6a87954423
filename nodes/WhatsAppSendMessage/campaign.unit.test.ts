/**
 * The campaign rules as one decision per item, over a memory ledger and a fixed clock: only MARKETING templates are
 * held back for a person (Meta's per-user limit and opt-outs are about marketing templates:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates), a held
 * template fails whatever its category, and only Meta's campaign codes teach the ledger anything.
 */
import { GraphApiError } from '../shared/transport';
import { MemoryLedger } from '../shared/conversations/memory';
import { recordCampaignFacts, TemplateHeldError } from '../shared/conversations';
import { campaignFactsOf } from '../shared/conversations/campaignFacts';
import type { WebhookBody } from '../shared/webhook/types';
import type { MessageTemplate } from '../shared/descriptions';
import type { WhatsAppCredentials } from '../shared/transport/types';
import { refusalFacts, screenCampaign, type CampaignItem } from './campaign';

const NOW = Date.UTC(2026, 11, 5, 12);
const HOUR = 3600_000;
const PERSON = '16505551234';
const credentials = { accessToken: 't', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9', wabaId: '200000000000001' } as WhatsAppCredentials;

function item(itemIndex: number, name: string, to = PERSON, windowOpenUntil?: number): CampaignItem {
	return {
		itemIndex,
		messageType: 'template',
		phoneNumberId: '300000000000001',
		body: { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'template', template: { name, language: { code: 'en_US' } } },
		template: { name },
		windowOpenUntil,
	};
}

const definitions = new Map<string, Promise<MessageTemplate[]>>(
	(
		[
			['spring_sale', 'MARKETING'],
			['order_update', 'UTILITY'],
			['login_code', 'AUTHENTICATION'],
		] as const
	).map(([name, category]) => [name, Promise.resolve([{ name, language: 'en_US', status: 'APPROVED', category }])]),
);

const screen = (ledger: MemoryLedger, items: CampaignItem[]) => screenCampaign(ledger, credentials, items, definitions, NOW);

test('a person who stopped marketing is skipped for marketing templates only; utility and authentication templates go', async () => {
	const ledger = new MemoryLedger();
	await recordCampaignFacts(ledger, { preferences: [{ wabaId: credentials.wabaId!, contact: PERSON, value: 'stop', at: NOW - HOUR }], limits: [], templates: [] }, NOW);
	const result = await screen(ledger, [item(0, 'spring_sale'), item(1, 'order_update'), item(2, 'login_code'), item(3, 'spring_sale', '16505550000')]);
	expect(result.skipped.map(({ item: skipped, json }) => [skipped.itemIndex, json.skipReason])).toEqual([[0, 'optedOut']]);
	expect(result.send.map((sent) => sent.itemIndex)).toEqual([1, 2, 3]);
	expect(result.send.every((sent) => sent.withdrawal && !sent.withdrawal.aborted)).toBe(true);
});

/**
 * An opt-out is "from your business" (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates,
 * Stop/Resume controls), and the user_preferences webhook names the business by entry.id, its WABA ID
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences).
 */
test("a person who stopped another business's marketing (another WABA sharing this n8n's ledger) still gets this one's", async () => {
	const ledger = new MemoryLedger();
	const stop = (wabaId: string): WebhookBody =>
		({
			object: 'whatsapp_business_account',
			entry: [{ id: wabaId, changes: [{ field: 'user_preferences', value: { messaging_product: 'whatsapp', user_preferences: [{ wa_id: PERSON, category: 'marketing_messages', value: 'stop', timestamp: (NOW - HOUR) / 1000 }] } }] }],
		}) as unknown as WebhookBody;
	await recordCampaignFacts(ledger, campaignFactsOf(stop('200000000000999'), NOW), NOW);
	expect((await screen(ledger, [item(0, 'spring_sale')])).send.map((sent) => sent.itemIndex)).toEqual([0]);
	await recordCampaignFacts(ledger, campaignFactsOf(stop(credentials.wabaId!), NOW), NOW);
	expect((await screen(ledger, [item(0, 'spring_sale')])).skipped.map(({ json }) => json.skipReason)).toEqual(['optedOut']);
});

test('a person inside the marketing limit is skipped until it ends, unless their window is open', async () => {
	const ledger = new MemoryLedger();
	await recordCampaignFacts(ledger, { preferences: [], limits: [{ contact: PERSON, at: NOW - HOUR }], templates: [] }, NOW);
	const result = await screen(ledger, [item(0, 'spring_sale'), item(1, 'spring_sale', PERSON, NOW + HOUR)]);
	expect(result.skipped).toEqual([{ item: expect.objectContaining({ itemIndex: 0 }), json: expect.objectContaining({ skipReason: 'marketingLimit', marketingLimitedUntil: new Date(NOW + 23 * HOUR).toISOString() }) }]);
	expect(result.send.map((sent) => sent.itemIndex)).toEqual([1]);
});

test('every item of a paused template fails with the pause, whatever its category', async () => {
	const ledger = new MemoryLedger();
	const paused = { wabaId: credentials.wabaId!, name: 'order_update', language: 'en-US' };
	await recordCampaignFacts(ledger, { preferences: [], limits: [], templates: [{ template: paused, state: 'paused', at: NOW - HOUR, forMs: 3 * HOUR }] }, NOW);
	const result = await screen(ledger, [item(0, 'order_update'), item(1, 'login_code'), item(2, 'order_update', '16505550000')]);
	expect(result.failed.map(({ item: failed, error }) => [failed.itemIndex, error instanceof TemplateHeldError])).toEqual([
		[0, true],
		[2, true],
	]);
	expect(result.failed[0].error.description).toContain(`refused until ${new Date(NOW + 2 * HOUR).toISOString()}`);
	expect(result.send.map((sent) => sent.itemIndex)).toEqual([1]);
});

test('Meta\'s campaign codes become facts; any other failure teaches nothing', () => {
	const template = { wabaId: '200000000000001', name: 'spring_sale', language: 'en_US' };
	const error = (code: number) => new GraphApiError({ message: `(#${code})`, code, httpStatus: 400 });
	const one = item(0, 'spring_sale');
	expect(refusalFacts(error(131049), one, template, NOW)?.limits).toEqual([{ contact: PERSON, at: NOW }]);
	expect(refusalFacts(error(131050), one, template, NOW)?.preferences).toEqual([{ wabaId: template.wabaId, contact: PERSON, value: 'stop', at: NOW }]);
	expect(refusalFacts(error(132015), one, template, NOW)?.templates).toEqual([{ template, state: 'paused', at: NOW, forMs: 15 * 60_000 }]);
	expect(refusalFacts(error(132016), one, template, NOW)?.templates[0].state).toBe('disabled');
	expect(refusalFacts(error(131026), one, template, NOW)).toBeUndefined();
	expect(refusalFacts(new Error('socket hang up'), one, template, NOW)).toBeUndefined();
});
