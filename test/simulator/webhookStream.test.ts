import { createHmac } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { shapeDifferencesFrom, type Json } from '../contract/fixtures';
import type { Simulator } from './index';
import { Receiver, startSurfaceSimulator } from './surfaces.helpers';
import { streamWebhooks, type WebhookStreamReport } from './webhookStream';

/** Meta's documented bodies (test/contract/fixtures/webhooks, each naming its page). */
function documented(...names: string[]): Json[] {
	return names.map((name) => (JSON.parse(readFileSync(join(__dirname, '../contract/fixtures/webhooks', `${name}.json`), 'utf8')) as { body: Json }).body);
}

// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status
const STATUS_BODIES = documented('statuses-sent-pricing', 'statuses-delivered-pricing', 'statuses-read-all-fields', 'statuses-v24-no-conversation');
// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/text
const TEXT_BODIES = documented('messages-text');

interface Change {
	value: { statuses?: Array<{ id: string; status: string }>; messages?: Array<{ id: string }> };
}

describe('the webhook stream of a busy sender', () => {
	let sim: Simulator;
	let receiver: Receiver;

	beforeAll(async () => {
		({ sim } = await startSurfaceSimulator());
	});
	afterAll(async () => {
		await sim.stop();
	});
	beforeEach(async () => {
		sim.reset();
		receiver = await new Receiver().start();
	});
	afterEach(async () => {
		await receiver.stop();
	});

	const changesOf = (index: number): Change[] => receiver.json(index).entry.flatMap((entry: { changes: Change[] }) => entry.changes);

	test("every message's sent, delivered and read, and the inbound messages, arrive signed in Meta's shapes", async () => {
		const report = await streamWebhooks(sim, { url: receiver.url, messages: 30, messagesPerSecond: 1e6, inboundPerMessage: 0.5, maxUpdatesPerBody: 10 });

		expect(report).toMatchObject({ updates: 30 * 3 + 15, updatesAnswered: 105, updatesUndelivered: 0, non200: 0, posts: receiver.posts.length });
		const seen = new Map<string, string[]>();
		const inbound: string[] = [];
		receiver.posts.forEach((post, index) => {
			expect(post.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', sim.fixture.appSecret).update(post.raw).digest('hex')}`);
			const changes = changesOf(index);
			expect(changes.length).toBeLessThanOrEqual(10);
			const examples = changes[0].value.statuses ? STATUS_BODIES : TEXT_BODIES;
			expect(shapeDifferencesFrom(examples, receiver.json(index))).toEqual([]);
			for (const change of changes) {
				for (const status of change.value.statuses ?? []) seen.set(status.id, [...(seen.get(status.id) ?? []), status.status]);
				inbound.push(...(change.value.messages ?? []).map((message) => message.id));
			}
		});
		expect([...seen.keys()].sort()).toEqual([...report.messageIds].sort());
		for (const statuses of seen.values()) expect(statuses).toEqual(['sent', 'delivered', 'read']);
		expect(inbound.sort()).toEqual([...report.inboundIds].sort());
		expect(new Set(inbound).size).toBe(15);
	});

	test('updates produced together share bodies up to the batch size; a batch size of 1 posts each alone', async () => {
		const batched = await streamWebhooks(sim, { url: receiver.url, messages: 40, messagesPerSecond: 1e6, inboundPerMessage: 0, maxUpdatesPerBody: 25 });
		const sizes = receiver.posts.map((_post, index) => changesOf(index).length);
		expect(Math.max(...sizes)).toBe(25);
		expect(batched.posts).toBeLessThan(batched.updates);
		// The report's body sizes are what the receiver got (the bench prints them to show how far batching went).
		expect(batched.bodies.statuses).toEqual({ posts: sizes.length, updates: 120, max: 25 });
		expect(batched.bodies.messages).toEqual({ posts: 0, updates: 0, max: 0 });

		await receiver.stop();
		receiver = await new Receiver().start();
		const single = await streamWebhooks(sim, { url: receiver.url, messages: 40, messagesPerSecond: 1e6, inboundPerMessage: 0.25, maxUpdatesPerBody: 1 });
		expect(receiver.posts.map((_post, index) => changesOf(index).length).every((size) => size === 1)).toBe(true);
		expect(single).toMatchObject({ updates: 130, posts: 130, updatesAnswered: 130 });
		expect(single.bodies).toEqual({ statuses: { posts: 120, updates: 120, max: 1 }, messages: { posts: 10, updates: 10, max: 1 } });
	});

	/**
	 * A slow receiver: one connection, its first answer held until the sender has injected every inbound message, so
	 * they all wait behind it (whatever the machine's speed). Returns the message IDs of each injection (a tick's, or
	 * a slice of one) and of each inbound body, in order.
	 */
	async function streamToSlowReceiver(inboundBatching?: 'backlog' | 'body'): Promise<{ report: WebhookStreamReport; ticks: string[][]; bodies: string[][] }> {
		const inject = jest.spyOn(sim.webhooks, 'injectInboundBatch');
		try {
			receiver.answer = (_post, index) => (index === 0 ? -1 : 200);
			const stream = streamWebhooks(sim, { url: receiver.url, messages: 60, messagesPerSecond: 200, inboundPerMessage: 0.5, maxUpdatesPerBody: 10, connections: 1, ...(inboundBatching ? { inboundBatching } : {}) });
			const injected = (): number => inject.mock.calls.reduce((sum, [inputs]) => sum + inputs.length, 0);
			while (injected() < 30) await new Promise((resolve) => setTimeout(resolve, 5));
			await receiver.waitForPosts(1);
			receiver.release(200);
			const report = await stream;
			const ticks = (await Promise.all(inject.mock.results.map(({ value }) => value as ReturnType<typeof sim.webhooks.injectInboundBatch>))).map((tick) => tick.map(({ message }) => message.id));
			const bodies = receiver.posts.map((_post, index) => changesOf(index).flatMap((change) => (change.value.messages ?? []).map((message) => message.id)));
			for (const post of receiver.posts) expect(post.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', sim.fixture.appSecret).update(post.raw).digest('hex')}`);
			// Each inbound message arrives exactly once, in the order injected, and the report names each one.
			expect(bodies.flat()).toEqual(ticks.flat());
			expect(new Set(bodies.flat()).size).toBe(30);
			expect([...report.inboundIds].sort()).toEqual([...ticks.flat()].sort());
			expect(report).toMatchObject({ updates: 60 * 3 + 30, updatesAnswered: 210, updatesUndelivered: 0, non200: 0 });
			return { report, ticks, bodies: bodies.filter((ids) => ids.length > 0) };
		} finally {
			inject.mockRestore();
		}
	}

	// Meta: "Event Notifications are aggregated and sent in a batch with a maximum of 1000 updates. However batching
	// cannot be guaranteed" (https://developers.facebook.com/docs/graph-api/webhooks/getting-started/, "Event
	// Notifications"): customers' messages waiting behind busy connections are batched too.
	test('behind a slow receiver, inbound messages of several ticks share bodies, up to the batch size', async () => {
		const { report, ticks, bodies } = await streamToSlowReceiver();
		const tickOf = new Map(ticks.flatMap((ids, tick) => ids.map((id) => [id, tick] as const)));
		// The first POST may carry the first tick's messages; all the rest waited, so they come in full bodies.
		const waited = receiver.json(0).entry[0].changes[0].value.messages ? bodies.slice(1) : bodies;
		const count = waited.flat().length;
		expect(waited.map((ids) => ids.length)).toEqual(Array.from({ length: Math.ceil(count / 10) }, (_, index) => Math.min(10, count - index * 10)));
		expect(waited.some((ids) => new Set(ids.map((id) => tickOf.get(id))).size > 1)).toBe(true);
		expect(report.bodies.messages).toEqual({ posts: bodies.length, updates: 30, max: 10 });
	});

	test('with inboundBatching body, each tick stays a body of its own, backlog or not', async () => {
		const { ticks, bodies } = await streamToSlowReceiver('body');
		expect(bodies).toEqual(ticks);
	});

	test("non-200 answers are counted and retried with the same bytes, so no update is lost; refused to the end, they count as undelivered", async () => {
		receiver.answer = (_post, index) => (index < 3 ? 503 : 200);
		const retried = await streamWebhooks(sim, { url: receiver.url, messages: 5, messagesPerSecond: 1e6, inboundPerMessage: 0, maxUpdatesPerBody: 1, connections: 1, retryDelaysMs: [1, 1, 1] });
		expect(retried).toMatchObject({ updates: 15, updatesAnswered: 15, updatesUndelivered: 0, non200: 3, posts: 18, posts200: 15 });
		// The refused first body comes again byte for byte; another status may take the one connection before its retry.
		expect(receiver.posts.slice(1).some((post) => post.raw.equals(receiver.posts[0].raw))).toBe(true);

		receiver.answer = () => 500;
		const refused = await streamWebhooks(sim, { url: receiver.url, messages: 2, messagesPerSecond: 1e6, inboundPerMessage: 1, maxUpdatesPerBody: 1, retryDelaysMs: [1] });
		// Each body is posted twice (one retry), then counted as undelivered, and the message's next status follows.
		expect(refused).toMatchObject({ updates: 8, updatesAnswered: 0, updatesUndelivered: 8, non200: 16, posts200: 0 });
	});
});
