/**
 * Property-based checks of the delivery pipeline: whatever JSON Meta (or anyone) sends, signed or not, the
 * handler answers with a verdict and never throws; every known-shape event comes out exactly once, in order.
 */
import fc from 'fast-check';

import { handleDelivery, MemoryRedeliveryStore, redeliveryHashKey, signWebhookBody, splitIntoEvents, type WebhookBody } from '../index';
import { metaJson } from './fixtures';

const SECRET = 'fuzzSecret0123456789';

const anyJson = fc.jsonValue({ maxDepth: 6 });

/** Bodies shaped like Meta's envelope with arbitrary values inside. */
const envelopeLike = fc.record({
	object: fc.constantFrom('whatsapp_business_account', 'page', ''),
	entry: fc.array(
		fc.record({
			id: fc.oneof(fc.string(), fc.integer()),
			changes: fc.array(
				fc.record({
					field: fc.oneof(fc.constantFrom('messages', 'account_update', 'message_template_status_update', 'brand_new_field'), fc.string()),
					value: anyJson,
				}),
				{ maxLength: 5 },
			),
		}),
		{ maxLength: 4 },
	),
});

/** A message of a random (possibly unknown) type with random content. */
const message = fc.record({
	from: fc.stringMatching(/^[0-9]{6,15}$/),
	id: fc.uuid().map((id) => `wamid.${id}`),
	timestamp: fc.integer({ min: 0, max: 2_000_000_000 }).map(String),
	type: fc.constantFrom('text', 'image', 'interactive', 'reaction', 'order', 'system', 'hologram', 'unsupported'),
	text: fc.option(fc.record({ body: fc.string() }), { nil: undefined }),
	image: fc.option(anyJson, { nil: undefined }),
	interactive: fc.option(anyJson, { nil: undefined }),
	hologram: fc.option(anyJson, { nil: undefined }),
});

describe('whatever arrives', () => {
	it('never throws and answers accepted or a 4xx for any signed JSON', async () => {
		await fc.assert(
			fc.asyncProperty(fc.oneof(anyJson, envelopeLike), async (value) => {
				const raw = Buffer.from(metaJson(value));
				const outcome = await handleDelivery(raw, signWebhookBody(raw, SECRET), {
					appSecret: SECRET,
					verifySignature: true,
					triggerOn: ['all'],
					includeRawChange: true,
					dedupe: { store: new MemoryRedeliveryStore(), windowMs: 60_000, hashKey: redeliveryHashKey('fuzz', SECRET) },
				});
				if (outcome.accepted) expect((value as { object?: unknown }).object).toBe('whatsapp_business_account');
				else expect(outcome.statusCode).toBe(400);
			}),
			{ numRuns: 300 },
		);
	});

	it('never throws for any bytes, signed with the right secret or not', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.boolean(), async (bytes, signRight) => {
				const raw = Buffer.from(bytes);
				const outcome = await handleDelivery(raw, signWebhookBody(raw, signRight ? SECRET : 'other'), {
					appSecret: SECRET,
					verifySignature: true,
					triggerOn: ['all'],
				});
				if (!signRight) expect(outcome).toMatchObject({ accepted: false, statusCode: 401 });
			}),
			{ numRuns: 300 },
		);
	});

	it('outputs every message of any type once, in order, with its ID', () => {
		fc.assert(
			fc.property(fc.array(fc.array(message, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (batches) => {
				const body = {
					object: 'whatsapp_business_account',
					entry: [{ id: '1', changes: batches.map((messages) => ({ field: 'messages', value: { metadata: { phone_number_id: '2' }, messages } })) }],
				};
				const events = splitIntoEvents(JSON.parse(metaJson(body)) as WebhookBody);
				expect(events.map((event) => event.messageId)).toEqual(batches.flat().map((entry) => entry.id));
				expect(events.every((event) => event.event === 'message' && event.phoneNumberId === '2')).toBe(true);
			}),
			{ numRuns: 200 },
		);
	});
});
