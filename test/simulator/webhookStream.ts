/**
 * Meta's webhook stream for a busy sender: for every message a 1,000-msg/s number sends, its sent, delivered and read
 * statuses, plus the customers' inbound messages, signed and shaped as Meta sends them, posted to one URL through the
 * simulator's webhook dispatcher (which signs, retries non-200 answers and keeps each message's statuses in order).
 *
 * Batching follows Meta: "Event Notifications are aggregated and sent in a batch with a maximum of 1000 updates.
 * However batching cannot be guaranteed" (https://developers.facebook.com/docs/graph-api/webhooks/getting-started/,
 * "Event Notifications"), customers' messages included. Updates produced in one tick, or waiting behind busy
 * connections, share a body of up to `maxUpdatesPerBody` changes, statuses and inbound messages apart (with
 * `inboundBatching: 'body'` inbound messages share one only with those of their tick); 1 streams every update alone.
 * Sizing follows Meta's WhatsApp guidance as BSPs quote it: 3x the outgoing message rate in statuses plus the inbound
 * rate (https://docs.360dialog.com/docs/messaging/webhook).
 */
import { DEFAULT_WEBHOOK_OPTIONS, type DeliveryAttempt, type InboundBatching, type InjectInboundInput } from './webhooks';
import type { Simulator } from './index';
import type { AcceptedMessage } from './types';

export interface WebhookStreamOptions {
	/** Where Meta posts (n8n's production webhook URL). */
	url: string;
	/** The sender's rate, messages per second (each gets sent, delivered and read). */
	messagesPerSecond: number;
	/** How many messages in all (the stream lasts messages / messagesPerSecond seconds). */
	messages: number;
	/** Inbound customer messages per sent message (Meta's sizing example: 0.3). */
	inboundPerMessage: number;
	/** Most updates (changes) per body; 1 = unbatched. Meta: up to 1,000. */
	maxUpdatesPerBody: number;
	/** Bodies in flight at once. */
	connections: number;
	/** How often the sender's messages are produced, ms: updates of one tick may share a body. */
	tickMs: number;
	/** `backlog`: inbound messages waiting behind busy connections share bodies; `body`: only those of one tick do. */
	inboundBatching: InboundBatching;
	/** Waits before each redelivery of a non-200 answer (Meta retries for up to 7 days; its length bounds ours). */
	retryDelaysMs: number[];
	/** The business number (default the fixture's fastest). */
	phoneNumberId?: string;
}

export const DEFAULT_STREAM_OPTIONS: Omit<WebhookStreamOptions, 'url'> = {
	messagesPerSecond: 1000,
	messages: 10_000,
	inboundPerMessage: 0.3,
	maxUpdatesPerBody: 100,
	connections: 16,
	tickMs: 20,
	inboundBatching: 'backlog',
	retryDelaysMs: [100, 500, 2000, 5000, 10_000],
};

export interface WebhookStreamReport {
	/** Messages whose statuses were streamed, and their wamids. */
	messageIds: string[];
	/** Inbound messages streamed, and their wamids. */
	inboundIds: string[];
	/** Updates streamed: three statuses per message plus the inbound messages. */
	updates: number;
	/** Updates whose body was answered 200 (at its first attempt or a retry). */
	updatesAnswered: number;
	/** Updates whose body was still refused after the last retry (Meta would keep retrying for 7 days). */
	updatesUndelivered: number;
	/** POSTs (retries included), POSTs answered 200, and answers other than 200 (each one a Meta retry unless out of retries). */
	posts: number;
	posts200: number;
	non200: number;
	/** Answer time of every POST, ms. */
	latenciesMs: number[];
	/** From the first message to the last answer, ms. */
	elapsedMs: number;
	/** Bodies posted (retries included) and the updates they carried, by kind: shows how far batching went under backlog. */
	bodies: Record<'statuses' | 'messages', BodySizes>;
}

export interface BodySizes {
	posts: number;
	updates: number;
	/** Most updates in one body. */
	max: number;
}

/** Meta's wamid shape: `wamid.` and base64 of an opaque blob (ours carries the run and a counter, so it is unique). */
function wamid(run: string, index: number): string {
	return `wamid.HBgL${Buffer.from(`stream:${run}:${index}`).toString('base64').replace(/=+$/, '')}`;
}

/** The customer a message goes to: 10,000 distinct numbers, as a broadcast has. */
function customer(index: number): string {
	return `1650555${String(index % 10_000).padStart(4, '0')}`;
}

/**
 * Streams `messages` messages' statuses and the inbound messages they draw to `url`, at `messagesPerSecond`, and
 * resolves once every body was answered 200 or ran out of retries. The dispatcher's options are restored afterwards.
 */
export async function streamWebhooks(sim: Simulator, input: Partial<WebhookStreamOptions> & { url: string }): Promise<WebhookStreamReport> {
	const options: WebhookStreamOptions = { ...DEFAULT_STREAM_OPTIONS, ...input };
	const webhooks = sim.webhooks;
	const before = webhooks.currentOptions;
	const number = options.phoneNumberId ?? [...sim.fixture.phoneNumbers].sort((a, b) => b.mps - a.mps)[0].id;
	const template = sim.fixture.templates[0];
	const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
	const report: WebhookStreamReport = {
		messageIds: [],
		inboundIds: [],
		updates: 0,
		updatesAnswered: 0,
		updatesUndelivered: 0,
		posts: 0,
		posts200: 0,
		non200: 0,
		latenciesMs: [],
		elapsedMs: 0,
		bodies: { statuses: { posts: 0, updates: 0, max: 0 }, messages: { posts: 0, updates: 0, max: 0 } },
	};
	const stopObserving = webhooks.observe((attempt: DeliveryAttempt) => {
		report.posts += 1;
		report.latenciesMs.push(attempt.ms);
		const sizes = report.bodies[attempt.kind === 'statuses' ? 'statuses' : 'messages'];
		sizes.posts += 1;
		sizes.updates += attempt.updates;
		sizes.max = Math.max(sizes.max, attempt.updates);
		if (attempt.status === 200) {
			report.posts200 += 1;
			report.updatesAnswered += attempt.updates;
		} else {
			report.non200 += 1;
			if (!attempt.willRetry) report.updatesUndelivered += attempt.updates;
		}
	});
	webhooks.configure({
		callbackUrl: options.url,
		statuses: ['sent', 'delivered', 'read'],
		delaysMs: { ...DEFAULT_WEBHOOK_OPTIONS.delaysMs },
		maxChangesPerBody: options.maxUpdatesPerBody,
		inboundBatching: options.inboundBatching,
		concurrency: options.connections,
		retryDelaysMs: options.retryDelaysMs,
		// Bodies are kept for the delivery log only as long as a test looks at them.
		deliveryLogLimit: 100,
		deliveryLogBodyChars: 200,
	});
	const inboundDeliveries: Array<Promise<unknown>> = [];
	const started = Date.now();
	try {
		let sent = 0;
		let inbound = 0;
		while (sent < options.messages) {
			const due = Math.min(options.messages, Math.floor(((Date.now() - started) / 1000) * options.messagesPerSecond) + 1);
			const inboundDue = Math.floor(due * options.inboundPerMessage);
			const tickInbound: InjectInboundInput[] = [];
			for (; sent < due; sent++) {
				const message: AcceptedMessage = {
					wamid: wamid(run, sent),
					phoneNumberId: number,
					to: customer(sent),
					waId: customer(sent),
					type: 'template',
					body: { template: { name: template.name, language: { code: template.language } } },
					acceptedAt: sim.options.clock ? sim.options.clock() : Date.now(),
				};
				report.messageIds.push(message.wamid);
				webhooks.onAccepted(message);
			}
			for (; inbound < inboundDue; inbound++) {
				tickInbound.push({ phoneNumberId: number, from: customer(inbound), type: 'text', name: 'Cliente', text: { body: 'Olá, quero saber do meu pedido nº 4521 🙂' } } as InjectInboundInput);
			}
			for (let first = 0; first < tickInbound.length; first += options.maxUpdatesPerBody) {
				const batch = webhooks.injectInboundBatch(tickInbound.slice(first, first + options.maxUpdatesPerBody));
				inboundDeliveries.push(batch.then((injected) => report.inboundIds.push(...injected.map(({ message }) => message.id))));
			}
			if (sent < options.messages) await new Promise((resolve) => setTimeout(resolve, options.tickMs));
		}
		report.updates = report.messageIds.length * 3 + inbound;
		await Promise.all(inboundDeliveries);
		await webhooks.idle();
		report.elapsedMs = Date.now() - started;
		return report;
	} finally {
		stopObserving();
		webhooks.configure(before as unknown as Record<string, unknown>);
	}
}
