/**
 * The ledger's campaign facts: read from Meta's documented webhook bodies (test/contract/fixtures, each naming its page;
 * the PAUSED body follows the syntax of
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update),
 * kept later-fact-wins under a fake clock, in memory and through a real Redis.
 */
import Redis from 'ioredis';

import { webhookFixtures } from '../../../test/contract/fixtures';
import { redisAvailable, startRedis, type TestRedis } from '../../../test/support/redis';
import type { WebhookBody } from '../webhook/types';
import { contactsMarketing, MARKETING_LIMIT_MS, recordCampaignFacts, TEMPLATE_PAUSE_MS, TemplateHeldError, templateHolds, templateSendSignal, type CampaignFacts } from './campaign';
import { campaignFactsOf } from './campaignFacts';
import { MemoryLedger } from './memory';
import { RedisLedger } from './redis';
import type { ConversationLedger } from './types';

const fixture = (name: string) => webhookFixtures().find((candidate) => candidate.name === name)!.body as WebhookBody;
const NOW = Date.UTC(2026, 11, 5, 12);
const HOUR = 60 * 60 * 1000;
const CONTACT = '16505551234';
const TEMPLATE = { wabaId: '102290129340398', name: 'spring_sale', language: 'en_US' };

/** A PAUSED status update as the page's syntax gives it (a first pause; Meta spells the language en-US here). */
function pausedBody(title: string, timeSeconds: number, event = 'PAUSED'): WebhookBody {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: TEMPLATE.wabaId,
				time: timeSeconds,
				changes: [
					{
						field: 'message_template_status_update',
						value: {
							event,
							message_template_id: 1689556908129832,
							message_template_name: TEMPLATE.name,
							message_template_language: 'en-US',
							reason: 'NONE',
							message_template_category: 'MARKETING',
							other_info: { title, description: 'Your WhatsApp message template has been paused.' },
						},
					},
				],
			},
		],
	} as unknown as WebhookBody;
}

describe('campaign facts of webhook bodies', () => {
	it('reads a user_preferences resume with its numeric timestamp', () => {
		expect(campaignFactsOf(fixture('user-preferences'), NOW).preferences).toEqual([{ wabaId: '102290129340398', contact: CONTACT, value: 'resume', at: 1731705721000 }]);
	});

	it('reads a stop for both the phone number and the business-scoped user ID', () => {
		expect(campaignFactsOf(fixture('user-preferences-bsuid'), NOW).preferences.map((fact) => [fact.contact, fact.value])).toEqual([
			[CONTACT, 'stop'],
			['US.13491208655302741918', 'stop'],
		]);
	});

	it('reads a failed status with 131049 as the recipient\'s marketing limit', () => {
		expect(campaignFactsOf(fixture('statuses-failed'), NOW).limits).toEqual([{ contact: CONTACT, at: 1751142888000 }]);
	});

	it('reads a first pause for 3 hours, a second for 6, and an approval as the template usable again', () => {
		const first = campaignFactsOf(pausedBody('FIRST_PAUSE', 1751247548), NOW).templates[0];
		expect(first).toEqual({ template: { ...TEMPLATE, language: 'en-US' }, state: 'paused', forMs: TEMPLATE_PAUSE_MS.FIRST_PAUSE, at: 1751247548000 });
		expect(campaignFactsOf(pausedBody('SECOND_PAUSE', 1751247548), NOW).templates[0].forMs).toBe(6 * HOUR);
		expect(campaignFactsOf(fixture('message-template-status-update'), NOW).templates[0]).toMatchObject({ state: 'active', template: { name: 'order_confirmation' } });
	});

	it('takes nothing from a quality update (sent under the status field on Meta\'s page) or a rejection', () => {
		expect(campaignFactsOf(fixture('message-template-quality-update'), NOW).templates).toEqual([]);
		expect(campaignFactsOf(fixture('message-template-status-update-rejected'), NOW).templates).toEqual([]);
	});
});

/** The same behaviour, whatever keeps the ledger. */
function behaves(name: string, make: () => Promise<ConversationLedger>): void {
	describe(name, () => {
		const facts = (partial: Partial<CampaignFacts>): CampaignFacts => ({ preferences: [], limits: [], templates: [], ...partial });

		it('an older stop redelivered after a resume does not opt the contact out again', async () => {
			const ledger = await make();
			await recordCampaignFacts(ledger, facts({ preferences: [{ wabaId: TEMPLATE.wabaId, contact: CONTACT, value: 'stop', at: NOW - 2 * HOUR }] }), NOW);
			expect((await contactsMarketing(ledger, TEMPLATE.wabaId, [CONTACT], NOW))[0]).toEqual({ optedOutAt: NOW - 2 * HOUR });
			await recordCampaignFacts(ledger, facts({ preferences: [{ wabaId: TEMPLATE.wabaId, contact: CONTACT, value: 'resume', at: NOW - HOUR }] }), NOW);
			await recordCampaignFacts(ledger, facts({ preferences: [{ wabaId: TEMPLATE.wabaId, contact: CONTACT, value: 'stop', at: NOW - 2 * HOUR }] }), NOW);
			expect((await contactsMarketing(ledger, TEMPLATE.wabaId, [CONTACT], NOW))[0]).toEqual({});
		});

		it('a marketing limit holds 24 hours from Meta\'s answer, then lifts', async () => {
			const ledger = await make();
			await recordCampaignFacts(ledger, facts({ limits: [{ contact: CONTACT, at: NOW }] }), NOW);
			expect((await contactsMarketing(ledger, TEMPLATE.wabaId, [CONTACT, '16505550000'], NOW + HOUR))).toEqual([{ limitedUntil: NOW + MARKETING_LIMIT_MS }, {}]);
			expect((await contactsMarketing(ledger, TEMPLATE.wabaId, [CONTACT], NOW + MARKETING_LIMIT_MS + 1))[0]).toEqual({});
		});

		it('a paused template is held whatever the language spelling, until reinstated', async () => {
			const ledger = await make();
			await recordCampaignFacts(ledger, facts({ templates: [{ template: { ...TEMPLATE, language: 'en-US' }, state: 'paused', at: NOW, forMs: 3 * HOUR }] }), NOW);
			expect(await templateHolds(ledger, [TEMPLATE], NOW + HOUR)).toEqual([{ state: 'paused', since: NOW, until: NOW + 3 * HOUR }]);
			await recordCampaignFacts(ledger, facts({ templates: [{ template: TEMPLATE, state: 'active', at: NOW + HOUR, forMs: 0 }] }), NOW + HOUR);
			expect(await templateHolds(ledger, [TEMPLATE], NOW + HOUR)).toEqual([undefined]);
		});
	});
}

behaves('the campaign facts in memory', async () => new MemoryLedger());

const describeWithRedis = redisAvailable() || process.env.CI ? describe : describe.skip;
describeWithRedis('the campaign facts through Redis', () => {
	let redis: TestRedis;
	const clients: Redis[] = [];
	beforeAll(async () => {
		redis = await startRedis();
	});
	afterEach(async () => {
		await Promise.all(clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
	});
	afterAll(async () => {
		await redis?.stop();
	});
	/** Each ledger with its own memory: what one process records, a fresh one reads from Redis. */
	const processLedger = () => {
		const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
		client.on('error', () => undefined);
		clients.push(client);
		return new RedisLedger({ client: () => client, memory: new MemoryLedger(), timeoutMs: 500, keySecret: Buffer.from(`test-${clients.length}-${Math.random()}`) });
	};
	behaves('one process', async () => processLedger());

	it('another process reads what one recorded, under key names that hold no phone number', async () => {
		const keySecret = Buffer.from('shared');
		const make = () => {
			const client = new Redis(redis.url);
			clients.push(client);
			return new RedisLedger({ client: () => client, memory: new MemoryLedger(), timeoutMs: 500, keySecret });
		};
		await recordCampaignFacts(make(), { preferences: [{ wabaId: TEMPLATE.wabaId, contact: '16505559999', value: 'stop', at: NOW }], limits: [], templates: [] }, NOW);
		expect((await contactsMarketing(make(), TEMPLATE.wabaId, ['16505559999'], NOW))[0]).toEqual({ optedOutAt: NOW });
		expect((await clients[0].keys('*')).join(' ')).not.toContain('16505559999');
	});
});

describe('the sends of a held template in this process', () => {
	it('carry a signal that is aborted with the pause as soon as it is recorded; later sends get a fresh one', async () => {
		const ledger = new MemoryLedger();
		const template = { ...TEMPLATE, name: `signal_${Math.random()}` };
		const signal = templateSendSignal(template);
		expect(signal.aborted).toBe(false);
		await recordCampaignFacts(ledger, { preferences: [], limits: [], templates: [{ template: { ...template, language: 'en-US' }, state: 'paused', at: NOW, forMs: HOUR }] }, NOW);
		expect(signal.aborted).toBe(true);
		expect(signal.reason).toBeInstanceOf(TemplateHeldError);
		expect((signal.reason as Error).message).toBe(`template "${template.name}" (en-US) is paused by Meta for low quality (error 132015): this message was not sent`);
		expect(templateSendSignal(template).aborted).toBe(false);
	});
});
