/**
 * The trigger against Meta's documented webhooks (test/contract/fixtures/webhooks, each naming its Meta page): every
 * value of every documented payload reaches the output events, or its path is listed in DROPPED with the reason. A
 * field Meta adds later then fails here instead of being lost. Matching rules: carried.ts.
 */
import { handleDelivery, signWebhookBody, splitIntoEvents, type WhatsAppEvent } from '../../nodes/shared/webhook';
import { metaJson } from '../../nodes/shared/webhook/__tests__/fixtures';
import { startTriggerServer } from '../support/trigger/fakeContexts';
import { post } from '../support/trigger/host';
import { carries, eventNodes, groupOf, isDistinctive, occurrences } from './carried';
import { isObject, leaves, pathPattern, pathText, webhookFixtures, type JsonObject, type Leaf, type WebhookFixture } from './fixtures';

const APP_SECRET = 'contractAppSecret0123456789abcdef';

// ---------------------------------------------------------------------------------------------------------------
// The one place for documented values the trigger does not output, each with the reason
// ---------------------------------------------------------------------------------------------------------------

/** Path pattern (array indexes left out) → why its value is not in the output. */
const DROPPED: Record<string, string> = {
	object: 'Always "whatsapp_business_account"; the trigger refuses any other body before making events.',
	'entry[].changes[].value.messaging_product': 'Always "whatsapp".',
};

/** Keys the trigger renames so that neither name ends with the other (carried.ts, keysMatch): path → output keys. */
const KEY_ALIASES: Record<string, string[]> = {
	'entry[].time': ['timestamp', 'timestampUnix'],
	'entry[].changes[].value.event': ['templateStatus'],
	'entry[].changes[].value.message_template_element': ['templateBody'],
	'entry[].changes[].value.statuses[].conversation.origin.type': ['conversationCategory'],
	'entry[].changes[].value.statuses[].conversation.expiration_timestamp': ['conversationExpiresAt'],
	// Renamed by Meta in May 2026 (SOURCES.md, webhooks, disagreement 1): the output keeps one name for both.
	'entry[].changes[].value.statuses[].parent_recipient_user_id': ['recipientParentUserId'],
};

/** Values the trigger puts in the user's words: path → documented value → output value. */
const RENAMED_VALUES: Record<string, Record<string, string>> = {
	'entry[].changes[].value.messages[].interactive.type': { nfm_reply: 'flowReply' },
};

/**
 * Per webhook field, the `event` of its events: one name for the whole change, or per array of the change's value
 * (one event per element). Names for fields the pack does not name are the field itself. In any field, an event made
 * of one of Meta's error objects (it has an `errorCode`) is an `error` event.
 */
const EVENT_NAMES: Record<string, string | Record<string, string>> = {
	messages: { messages: 'message', statuses: 'status', errors: 'error' },
	smb_message_echoes: { message_echoes: 'messageEcho' },
	calls: { calls: 'call', statuses: 'callStatus', errors: 'error' },
	history: 'history',
	user_preferences: 'userPreferences',
	group_lifecycle_update: 'groupLifecycleUpdate',
	group_participants_update: 'groupParticipantsUpdate',
	group_settings_update: 'groupSettingsUpdate',
	group_status_update: 'groupStatusUpdate',
	message_template_status_update: 'templateStatusUpdate',
	message_template_quality_update: 'templateQualityUpdate',
	message_template_components_update: 'templateComponentsUpdate',
	template_category_update: 'templateCategoryUpdate',
	phone_number_quality_update: 'phoneNumberQualityUpdate',
	phone_number_name_update: 'phoneNumberNameUpdate',
	account_update: 'accountUpdate',
	account_review_update: 'accountReviewUpdate',
	account_alerts: 'accountAlert',
	business_capability_update: 'businessCapabilityUpdate',
	security: 'security',
	flows: 'flowUpdate',
	smb_app_state_sync: 'appStateSync',
	automatic_events: 'automatic_events',
	business_username_update: 'business_username_update',
	partner_solutions: 'partner_solutions',
	payment_configuration_update: 'payment_configuration_update',
	user_id_update: 'user_id_update',
};

// ---------------------------------------------------------------------------------------------------------------

/** A documented body split into one body per change, so the events of each change can be told apart. */
interface DocumentedChange {
	wabaId: string;
	field: string;
	value: JsonObject;
	body: { object: string; entry: JsonObject[] };
}

function changesOf(fixture: WebhookFixture): DocumentedChange[] {
	return fixture.body.entry.flatMap((entry) =>
		(entry.changes as JsonObject[]).map((change) => ({
			wabaId: String(entry.id),
			field: String(change.field),
			value: change.value as JsonObject,
			body: { object: fixture.body.object, entry: [{ ...entry, changes: [change] }] },
		})),
	);
}

/** The pure path of a delivery: signed raw bytes in, the events the trigger outputs (all selected) out. */
async function deliver(body: unknown): Promise<WhatsAppEvent[]> {
	const raw = Buffer.from(metaJson(body));
	const outcome = await handleDelivery(raw, signWebhookBody(raw, APP_SECRET), { appSecret: APP_SECRET, verifySignature: true, triggerOn: ['all'] });
	if (!outcome.accepted) throw new Error(`Delivery refused: ${outcome.reason}`);
	return outcome.events;
}

/** Depth of `value` in a single-change body's paths: `entry[0].changes[0].value…`. */
const VALUE_DEPTH = 5;

/** The documented values of one change the events do not carry, as `path = value (where)`. */
function missingValues(change: DocumentedChange, events: WhatsAppEvent[]): string[] {
	const counts = occurrences(change.body as never);
	const nodes = events.map((event) => eventNodes(event));
	const groups = new Map<string, Leaf[]>();
	for (const leaf of leaves(change.body as never)) {
		if (pathPattern(leaf.path) in DROPPED) continue;
		const group = groupOf(leaf.path, VALUE_DEPTH);
		groups.set(group, [...(groups.get(group) ?? []), leaf]);
	}
	const carriedBy = (eventIndex: number, leaf: Leaf) =>
		carries(nodes[eventIndex], leaf, {
			distinctive: isDistinctive(leaf.value, counts.get(JSON.stringify(leaf.value)) ?? 0),
			aliases: KEY_ALIASES[pathPattern(leaf.path)],
			renamed: RENAMED_VALUES[pathPattern(leaf.path)]?.[String(leaf.value)],
		});
	if (events.length === 0) return [...groups.values()].flat().map((leaf) => `${pathText(leaf.path)} = ${JSON.stringify(leaf.value)} (no event)`);
	const missing: string[] = [];
	for (const [group, members] of groups) {
		if (group === '') {
			// Outside any array element (metadata, the WABA ID, a template update's fields): on every event.
			for (const leaf of members) {
				const without = events.map((_event, i) => i).filter((i) => !carriedBy(i, leaf));
				if (without.length > 0) missing.push(`${pathText(leaf.path)} = ${JSON.stringify(leaf.value)} (not on event ${without.join(', ')})`);
			}
			continue;
		}
		// One array element: all its values on one event; name those missing from the event that has most of them.
		const best = events
			.map((_event, i) => members.filter((leaf) => !carriedBy(i, leaf)))
			.reduce((fewest, current) => (current.length < fewest.length ? current : fewest), members);
		for (const leaf of best) missing.push(`${pathText(leaf.path)} = ${JSON.stringify(leaf.value)}`);
	}
	return missing;
}

/** The `event` names a change should give, one per array element (or one name for every event). */
function expectedNames(change: DocumentedChange): { each?: string; list?: string[] } {
	const names = EVENT_NAMES[change.field];
	if (names === undefined) return { list: [`(no EVENT_NAMES entry for field ${change.field})`] };
	if (typeof names === 'string') return { each: names };
	return {
		list: Object.entries(names).flatMap(([key, name]) => (Array.isArray(change.value[key]) ? (change.value[key] as unknown[]).map(() => name) : [])),
	};
}

const fixtures = webhookFixtures();

describe('every documented webhook value reaches the trigger\'s output, or is listed in DROPPED', () => {
	it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', async (_name, fixture) => {
		const missing: string[] = [];
		for (const change of changesOf(fixture)) missing.push(...missingValues(change, await deliver(change.body)));
		expect(missing).toEqual([]);
	});

	it('every DROPPED, KEY_ALIASES and RENAMED_VALUES path occurs in some fixture (no stale entries)', () => {
		const patterns = new Set(fixtures.flatMap((fixture) => leaves(fixture.body as never).map((leaf) => pathPattern(leaf.path))));
		const listed = [...Object.keys(DROPPED), ...Object.keys(KEY_ALIASES), ...Object.keys(RENAMED_VALUES)];
		expect(listed.filter((pattern) => !patterns.has(pattern))).toEqual([]);
	});

	it('finds a value only under its own key unless it is distinctive (the check cannot pass by chance)', async () => {
		const fixture = fixtures.find((candidate) => candidate.name === 'messages-text')!;
		const [change] = changesOf(fixture);
		const events = await deliver(change.body);
		expect(missingValues(change, events)).toEqual([]);
		// "text" moved to an unrelated key, the message ID dropped: both are reported.
		const tampered = events.map(({ messageType, messageId, ...rest }) => ({ ...rest, note: messageType, messageIdRenamed: undefined }));
		expect(messageTypeAndId(missingValues(change, tampered as WhatsAppEvent[]))).toEqual(['messages[0].id', 'messages[0].type']);
	});
});

/** The value paths of `missing` that concern a message's `id` or `type`, shortened. */
function messageTypeAndId(missing: string[]): string[] {
	return missing
		.map((line) => line.replace(/^entry\[0\]\.changes\[0\]\.value\./, '').split(' = ')[0])
		.filter((path) => /^messages\[0\]\.(id|type)$/.test(path))
		.sort();
}

describe('event kinds and the IDs every event carries', () => {
	it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', async (_name, fixture) => {
		for (const change of changesOf(fixture)) {
			const events = await deliver(change.body);
			const expected = expectedNames(change);
			if (expected.each !== undefined) {
				expect(events.length).toBeGreaterThan(0);
				expect(events.map((event) => event.event)).toEqual(events.map((event) => (event.errorCode !== undefined ? 'error' : expected.each)));
			} else {
				expect(events.map((event) => event.event)).toEqual(expected.list);
			}
			for (const event of events) {
				expect(event.wabaId).toBe(change.wabaId);
				expect(event.field).toBe(change.field);
				const metadata = change.value.metadata;
				if (isObject(metadata) && metadata.phone_number_id !== undefined) expect(event.phoneNumberId).toBe(String(metadata.phone_number_id));
			}
		}
	});

	it('names every field of the fixtures', () => {
		const fields = new Set(fixtures.flatMap((fixture) => changesOf(fixture).map((change) => change.field)));
		expect([...fields].filter((field) => !(field in EVENT_NAMES))).toEqual([]);
	});
});

describe('through the trigger node over HTTP', () => {
	const samples = ['messages-image', 'statuses-failed', 'message-template-status-update-rejected'];

	it(`outputs the same items for Meta's signed deliveries as the pure path (${samples.join(', ')})`, async () => {
		const trigger = await startTriggerServer(
			{ accessToken: 'EAAGcontract', apiVersion: 'v26.0', baseUrl: 'http://127.0.0.1:9', appId: '900000000000001', appSecret: APP_SECRET, wabaId: '102290129340398' },
			// Meta's examples are years old: the window would refuse them (test/security/webhook.test.ts), so no dedupe here.
			{ triggerOn: ['all'], options: { ignoreRedeliveries: false } },
		);
		try {
			for (const name of samples) {
				const fixture = fixtures.find((candidate) => candidate.name === name)!;
				const raw = Buffer.from(metaJson(fixture.body));
				const response = await post(trigger.webhookUrl, raw, { 'x-hub-signature-256': signWebhookBody(raw, APP_SECRET) });
				expect(response.status).toBe(200);
				const items = trigger.executions.at(-1)!.map((item) => item.json);
				expect(items).toEqual(JSON.parse(JSON.stringify(splitIntoEvents(fixture.body as never))));
				for (const change of changesOf(fixture)) expect(missingValues(change, items as WhatsAppEvent[])).toEqual([]);
			}
			expect(trigger.executions).toHaveLength(samples.length);
		} finally {
			await trigger.close();
		}
	});
});
