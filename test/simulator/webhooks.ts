/**
 * The webhook dispatcher: Meta's side of webhooks. Statuses (sent → delivered → read, or failed) for every accepted
 * message, injected inbound messages and raw bodies, each signed with `X-Hub-Signature-256` over the exact bytes
 * and serialised the way Meta does (`\/`, `\uXXXX`). Delivery never slows the send path: `onAccepted` only appends
 * to a queue; a single timer and a few keep-alive sockets do the rest. Non-200 answers are retried (quickly, then
 * backing off, a bounded number of times), and a message's next status waits for its previous one to be delivered,
 * so a receiver sees sent before delivered before read.
 */
import { createHmac } from 'crypto';
import http from 'http';
import https from 'https';
import { buildInboundMessage, isMediaInboundType, newInboundMessageId, type InboundMessage, type InboundSpec } from './inbound';
import { downloadUrl, mediaOptions, storeMedia } from './media';
import { LATEST_VERSION, metaJson } from './server';
import { effectiveCallback } from './subscriptions';
import { findTemplate } from './templates';
import { recipientKey, type AcceptedMessage, type FixtureTemplate, type SimContext, type StatusError, type WebhookSink } from './types';

/** `played` is Meta's status for a voice message the customer listened to. */
export type StatusKind = 'sent' | 'delivered' | 'read' | 'played';

export interface WebhookOptions {
	/** Where to deliver when nothing is subscribed (tests that skip the subscription handshake). */
	callbackUrl?: string;
	/** Which statuses each accepted message gets, in order (default sent, delivered, read). */
	statuses: StatusKind[];
	/** Delay of each status after the previous one was delivered (after acceptance for the first), ms. */
	delaysMs: Record<StatusKind | 'failed', number>;
	/**
	 * Most changes (one status each) per body. Batches form only when statuses wait behind busy connections (under
	 * light load every body holds one change); Meta batches up to 1,000.
	 */
	maxChangesPerBody: number;
	/**
	 * How injected customer messages form bodies: `body`, each injectInboundBatch call is one body of its own messages;
	 * `backlog`, they wait in a ready queue as statuses do and a free connection takes up to maxChangesPerBody of them,
	 * as Meta aggregates all notifications (https://developers.facebook.com/docs/graph-api/webhooks/getting-started/).
	 */
	inboundBatching: InboundBatching;
	/** Bodies in flight at once (all callbacks together). */
	concurrency: number;
	/** Waits before each redelivery of a non-200 answer; its length bounds the retries. */
	retryDelaysMs: number[];
	/** A delivery that has not answered after this long counts as failed (status 0). */
	timeoutMs: number;
	/** Payload version when the app subscription does not give one (pricing/conversation differ by version). */
	version: string;
	/** How many deliveries `deliveries()` keeps (oldest dropped first). */
	deliveryLogLimit: number;
	/** How many characters of each body the delivery log keeps (bodies are kept whole when 0). */
	deliveryLogBodyChars: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
	statuses: ['sent', 'delivered', 'read'],
	delaysMs: { sent: 0, delivered: 0, read: 0, played: 0, failed: 0 },
	maxChangesPerBody: 100,
	inboundBatching: 'body',
	concurrency: 4,
	retryDelaysMs: [100, 500, 2000],
	timeoutMs: 10_000,
	version: LATEST_VERSION,
	deliveryLogLimit: 10_000,
	deliveryLogBodyChars: 0,
};

export type InboundBatching = 'backlog' | 'body';

export type SignatureMode = 'valid' | 'wrong' | 'none';

/** One delivered body, as `deliveries()` shows it. */
export interface DeliveryRecord {
	url: string;
	/** HTTP status of the last attempt (0: no answer: refused, reset or timed out); undefined while in flight. */
	status?: number;
	/** Status of every attempt in order. */
	statuses: number[];
	attempts: number;
	body: string;
	/** The `X-Hub-Signature-256` header sent (absent with signature `none`). */
	signature?: string;
	kind: 'statuses' | 'messages' | 'raw' | 'redelivery';
	/** Epoch ms of the first attempt. */
	firstAttemptAt?: number;
	/** Epoch ms the last attempt finished. */
	finishedAt?: number;
}

export interface DeliverOptions {
	/** Default: the body's phone number's effective callback (number → WABA → app), else `callbackUrl`. */
	url?: string;
	signature?: SignatureMode;
	/** Redeliver non-200 answers (default true; false for raw bodies). */
	retry?: boolean;
}

/** What a test gives to inject a customer message: a spec (see inbound.ts) or a full message object. */
export type InjectInboundInput = (InboundSpec | { message: InboundMessage; from?: string; type?: string }) & {
	phoneNumberId?: string;
	/** The customer's profile name. */
	name?: string;
	/** The customer's WhatsApp username (`@name`), for a user who adopted one. */
	username?: string;
};

/** An event of another webhook field; `templateId` picks the template a template event is about (default the first). */
export interface InjectEventInput {
	field: string;
	value?: Record<string, unknown>;
	phoneNumberId?: string;
	templateId?: string;
}

export interface InjectedInbound {
	message: InboundMessage;
	delivery: DeliveryRecord;
}

/** One POST as `observe()` reports it. */
export interface DeliveryAttempt {
	kind: DeliveryRecord['kind'];
	/** HTTP status (0: no answer). */
	status: number;
	/** Time from the request's start to the end of the answer, ms. */
	ms: number;
	/** Updates (statuses or messages) the body carries. */
	updates: number;
	/** Whether the dispatcher will post the same bytes again (a non-200 answer with retries left). */
	willRetry: boolean;
}

/** One pending status of an accepted message. */
interface StatusItem {
	message: AcceptedMessage;
	/** Index into the configured statuses (or -1 for failed). */
	stage: number;
	dueAt: number;
	/** A failed status's error (default: 131026 undeliverable). */
	error?: StatusError;
}

/** An injected customer message waiting for a free connection (inboundBatching `backlog`). */
interface InboundItem {
	url: string;
	/** Its change's `value` (metadata, contacts, messages). */
	value: Record<string, unknown>;
	/** Settles the injection with the delivery of the body it went in. */
	done: (record: DeliveryRecord) => void;
}

interface Job {
	url: string;
	body: string;
	signature?: string;
	kind: DeliveryRecord['kind'];
	retry: boolean;
	record: DeliveryRecord;
	/** Statuses this body carries: each advances to its next stage once the body is done. */
	items?: StatusItem[];
	/** Updates a prepared body carries (one when not given). */
	updates?: number;
	done?: (record: DeliveryRecord) => void;
}

/** A FIFO with O(1) push and shift. */
class Fifo<T> {
	private items: T[] = [];
	private head = 0;

	get length(): number {
		return this.items.length - this.head;
	}

	push(item: T): void {
		this.items.push(item);
	}

	peek(): T | undefined {
		return this.items[this.head];
	}

	shift(): T | undefined {
		if (this.head >= this.items.length) return undefined;
		const item = this.items[this.head];
		this.items[this.head] = undefined as unknown as T;
		this.head += 1;
		if (this.head > 1024 && this.head * 2 > this.items.length) {
			this.items = this.items.slice(this.head);
			this.head = 0;
		}
		return item;
	}

	/** Removes and returns every item. */
	drain(): T[] {
		const items = this.items.slice(this.head);
		this.items = [];
		this.head = 0;
		return items;
	}
}

function digits(value: string): string {
	return value.replace(/\D/g, '');
}

export function signBody(body: string | Buffer, appSecret: string): string {
	return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

export class WebhookDispatcher implements WebhookSink {
	private options: WebhookOptions;
	/** Statuses waiting for their delay, one FIFO per stage (delays are per stage, so each FIFO is in due order). */
	private waiting: Array<Fifo<StatusItem>> = [];
	private failedWaiting = new Fifo<StatusItem>();
	/** Statuses due, waiting for a free connection, with their callback. */
	private readyStatuses = new Fifo<{ url: string; item: StatusItem }>();
	/** Injected customer messages waiting for a free connection (inboundBatching `backlog`). */
	private readyInbound = new Fifo<InboundItem>();
	/** Prepared bodies (inbound, raw, redeliveries) waiting for a free connection. */
	private readyBodies = new Fifo<Job>();
	private inFlight = 0;
	private retriesPending = 0;
	private timer: NodeJS.Timeout | null = null;
	private timerDueAt = Infinity;
	private retryTimers = new Map<NodeJS.Timeout, Job>();
	private log: DeliveryRecord[] = [];
	private logNext = 0;
	private idleWaiters: Array<() => void> = [];
	private observers = new Set<(attempt: DeliveryAttempt) => void>();
	private stopped = false;
	private generation = 0;
	private readonly httpAgent: http.Agent;
	private readonly httpsAgent: https.Agent;

	constructor(
		private readonly sim: SimContext,
		options: Partial<WebhookOptions> = {},
	) {
		this.options = { ...DEFAULT_WEBHOOK_OPTIONS };
		this.configure({ ...(sim.options.webhooks as Partial<WebhookOptions>), ...options });
		// noDelay: a webhook body is one small write; Nagle's algorithm would hold it back for an ACK.
		this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, noDelay: true });
		this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, noDelay: true, rejectUnauthorized: false });
	}

	/** Changes options (merged over the current ones). */
	configure(partial: Record<string, unknown>): void {
		const next = { ...this.options, ...(partial as Partial<WebhookOptions>) };
		next.delaysMs = { ...this.options.delaysMs, ...((partial as Partial<WebhookOptions>).delaysMs ?? {}) };
		next.maxChangesPerBody = Math.max(1, Math.min(1000, Math.floor(next.maxChangesPerBody)));
		next.concurrency = Math.max(1, Math.floor(next.concurrency));
		if (next.inboundBatching !== 'backlog' && next.inboundBatching !== 'body') {
			throw new Error(`webhooks.inboundBatching: expected "backlog" or "body", got ${JSON.stringify(next.inboundBatching)}`);
		}
		this.options = next;
		while (this.waiting.length < next.statuses.length) this.waiting.push(new Fifo<StatusItem>());
		this.pump();
	}

	get currentOptions(): WebhookOptions {
		return { ...this.options, delaysMs: { ...this.options.delaysMs }, statuses: [...this.options.statuses] };
	}

	// -------------------------------------------------------------------------------------------------------------
	// What the core calls
	// -------------------------------------------------------------------------------------------------------------

	/** An accepted message: queue its statuses (or its failure). O(1), no I/O here. */
	onAccepted(message: AcceptedMessage): void {
		if (this.stopped) return;
		let delay: number;
		const recipient = recipientKey(message.to);
		// Held for quality assessment: nothing until Meta releases or drops it (onDropped).
		if (message.held) return;
		if (message.failure) {
			this.onDropped(message, message.failure);
			return;
		}
		if (this.sim.options.undeliverableRecipients.some((candidate) => recipientKey(String(candidate)) === recipient)) {
			delay = this.options.delaysMs.failed;
			this.failedWaiting.push({ message, stage: -1, dueAt: Date.now() + delay });
		} else if (this.options.statuses.length > 0) {
			delay = this.options.delaysMs[this.options.statuses[0]];
			this.waiting[0].push({ message, stage: 0, dueAt: Date.now() + delay });
		} else {
			return;
		}
		this.schedule(delay);
	}

	/** A message Meta accepted but will not send: a failed status with `error` (131049, 131050, a dropped held message). */
	onDropped(message: AcceptedMessage, error: StatusError): void {
		if (this.stopped) return;
		const delay = this.options.delaysMs.failed;
		this.failedWaiting.push({ message, stage: -1, dueAt: Date.now() + delay, error });
		this.schedule(delay);
	}

	/** Delivers a whole webhook body (an object is serialised Meta-style; a string or Buffer is sent as is). */
	deliver(body: unknown, options: DeliverOptions = {}): Promise<DeliveryRecord> {
		const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : metaJson(body);
		const url = options.url ?? this.callbackFor(this.phoneNumberIdOf(body), this.fieldOf(body))?.url;
		return this.enqueueBody(url, text, options.signature ?? 'valid', options.retry ?? true, 'messages');
	}

	/** A body sent as given, with a valid, wrong or no signature, for tests of the receiving end. No retries by default. */
	deliverRaw(body: unknown, options: DeliverOptions = {}): Promise<DeliveryRecord> {
		const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : metaJson(body);
		const url = options.url ?? this.callbackFor(this.phoneNumberIdOf(body), 'messages')?.url;
		return this.enqueueBody(url, text, options.signature ?? 'valid', options.retry ?? false, 'raw');
	}

	/** A customer message, from a spec or a full message object, delivered to the number's callback. */
	async injectInbound(input: Record<string, unknown>): Promise<InjectedInbound> {
		const [injected] = await this.injectInboundBatch([input as InjectInboundInput]);
		return injected;
	}

	/**
	 * Several customer messages, one change each in Meta's envelope
	 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview). With inboundBatching
	 * `body` they make one body, to the first message's number's callback; with `backlog` each joins the ready queue
	 * for its number's callback and resolves with the body it went in.
	 */
	async injectInboundBatch(inputs: InjectInboundInput[]): Promise<InjectedInbound[]> {
		if (inputs.length === 0) return [];
		const changes = inputs.map((input) => this.inboundChange(input));
		const backlog = this.options.inboundBatching === 'backlog';
		const urls = (backlog ? changes : changes.slice(0, 1)).map((change) => this.callbackFor(change.phoneNumberId, 'messages')?.url);
		if (urls.some((url) => url === undefined)) {
			throw new Error('injectInbound: nothing is subscribed to receive webhooks (subscribe a callback or set webhooks.callbackUrl)');
		}
		// Meta counts the message when the customer's message reaches the number, before its webhook goes out (once,
		// whatever the redeliveries): https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
		for (const change of changes) this.sim.countInbound(change.phoneNumberId, this.sim.now());
		if (!backlog) {
			const delivery = await this.enqueueBody(urls[0], this.messagesBody(changes.map(({ value }) => value)), 'valid', true, 'messages', changes.length);
			return changes.map(({ message }) => ({ message, delivery }));
		}
		if (this.stopped) throw new Error('The webhook dispatcher is stopped');
		// Every message is queued before the pump runs, so a free connection takes them together.
		const deliveries = changes.map(({ value }, index) => new Promise<DeliveryRecord>((done) => this.readyInbound.push({ url: urls[index]!, value, done })));
		this.pump();
		const records = await Promise.all(deliveries);
		return changes.map(({ message }, index) => ({ message, delivery: records[index] }));
	}

	/** Meta's body for customer messages: one entry for the WABA, one `messages` change per message. */
	private messagesBody(values: Array<Record<string, unknown>>): string {
		return metaJson({ object: 'whatsapp_business_account', entry: [{ id: this.sim.fixture.wabaId, changes: values.map((value) => ({ value, field: 'messages' })) }] });
	}

	/** The `value` of one inbound message's change (contacts, messages), checked before anything is sent. */
	private inboundChange(spec: InjectInboundInput): { message: InboundMessage; value: Record<string, unknown>; phoneNumberId: string } {
		const phoneNumberId = spec.phoneNumberId ?? this.sim.fixture.phoneNumbers[0].id;
		const number = this.sim.fixture.phoneNumbers.find((candidate) => candidate.id === phoneNumberId);
		if (!number) throw new Error(`injectInbound: phoneNumberId "${phoneNumberId}" is not a phone number of the simulator's WABA`);
		const nowSeconds = Math.floor(this.sim.now() / 1000);
		const name = spec.name ?? 'Sim Customer';
		let message: InboundMessage;
		if ('message' in spec && spec.message) {
			message = spec.message;
		} else {
			const inboundSpec = spec as InboundSpec;
			if (!inboundSpec.from && !inboundSpec.userId) {
				throw new Error('injectInbound: "from" (the customer\'s WhatsApp ID) or "userId" (their business-scoped user ID) is required');
			}
			if (!inboundSpec.type) throw new Error('injectInbound: "type" is required (text, image, location, interactive…)');
			message = buildInboundMessage(this.withInboundMedia({ ...inboundSpec, name }, phoneNumberId), nowSeconds);
		}
		const value: Record<string, unknown> = {
			messaging_product: 'whatsapp',
			metadata: { display_phone_number: digits(number.displayPhoneNumber), phone_number_id: number.id },
		};
		// System messages come without contacts: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system
		if (message.type !== 'system') value.contacts = [inboundContact(message, name, spec.username)];
		value.messages = [message];
		return { message, value, phoneNumberId };
	}

	/**
	 * An event of another webhook field (template status, quality, category updates, phone-number quality and name
	 * updates, account updates and alerts, security, or system-level `errors` on `messages`): Meta's envelope with a
	 * realistic default value, `value` merged over it. Goes to the field's effective callback.
	 */
	async injectEvent(input: InjectEventInput): Promise<DeliveryRecord> {
		const value = { ...this.defaultEventValue(input.field, input.phoneNumberId, input.templateId), ...(input.value ?? {}) };
		const entry: Record<string, unknown> = { id: this.sim.fixture.wabaId, changes: [{ value, field: input.field }] };
		if (input.field !== 'messages') entry.time = Math.floor(this.sim.now() / 1000);
		const body = metaJson({ object: 'whatsapp_business_account', entry: [entry] });
		const url = this.callbackFor(input.phoneNumberId, input.field)?.url;
		return this.enqueueBody(url, body, 'valid', true, 'messages');
	}

	/** One body carrying a status change per message (e.g. a 1,000-update batch for `deliver`). */
	statusesBody(messages: AcceptedMessage[], status: StatusKind | 'failed' = 'delivered', version = this.options.version): Record<string, unknown> {
		const nowSeconds = Math.floor(this.sim.now() / 1000);
		const changes = messages.map((message) => ({
			value: {
				messaging_product: 'whatsapp',
				metadata: this.metadataOf(message.phoneNumberId),
				statuses: [this.statusObject(message, status, nowSeconds, version)],
			},
			field: 'messages',
		}));
		return { object: 'whatsapp_business_account', entry: [{ id: this.sim.fixture.wabaId, changes }] };
	}

	private eventTemplate(templateId: string | undefined): FixtureTemplate {
		if (templateId === undefined) return this.sim.fixture.templates[0];
		const template = this.sim.fixture.templates.find((candidate) => candidate.id === templateId);
		if (!template) throw new Error(`injectEvent: templateId "${templateId}" is not a template of the simulator's WABA`);
		return template;
	}

	private metadataOf(phoneNumberId: string): { display_phone_number: string; phone_number_id: string } {
		const number = this.sim.fixture.phoneNumbers.find((candidate) => candidate.id === phoneNumberId);
		return { display_phone_number: digits(number?.displayPhoneNumber ?? ''), phone_number_id: phoneNumberId };
	}

	private defaultEventValue(field: string, phoneNumberId: string | undefined, templateId: string | undefined): Record<string, unknown> {
		const number = this.sim.fixture.phoneNumbers.find((candidate) => candidate.id === phoneNumberId) ?? this.sim.fixture.phoneNumbers[0];
		const nowSeconds = Math.floor(this.sim.now() / 1000);
		const display = digits(number.displayPhoneNumber);
		const template = this.eventTemplate(templateId);
		const templateRef = { message_template_id: Number(template.id), message_template_name: template.name, message_template_language: template.language };
		switch (field) {
			case 'message_template_status_update':
				// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update
				return { event: 'APPROVED', ...templateRef, reason: 'NONE', message_template_category: template.category };
			case 'message_template_quality_update':
				return { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', ...templateRef };
			case 'message_template_components_update':
				return { ...templateRef, ...templateComponentsValue(template) };
			case 'template_category_update':
				return { ...templateRef, previous_category: 'UTILITY', new_category: 'MARKETING' };
			case 'phone_number_quality_update':
				return { display_phone_number: display, event: 'FLAGGED', current_limit: this.sim.options.messagingLimitTier };
			case 'phone_number_name_update':
				return { display_phone_number: display, decision: 'APPROVED', requested_verified_name: number.verifiedName, rejection_reason: null };
			case 'account_update':
				return { phone_number: display, event: 'VERIFIED_ACCOUNT' };
			case 'account_review_update':
				return { decision: 'APPROVED' };
			case 'account_alerts':
				// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/account_alerts
				return {
					entity_type: 'WABA',
					entity_id: this.sim.fixture.wabaId,
					alert_info: {
						alert_severity: 'WARNING',
						alert_status: 'ACTIVE',
						alert_type: 'INCREASED_CAPABILITIES_ELIGIBILITY',
						alert_description: 'Your business is eligible for a higher messaging limit.',
					},
				};
			case 'business_capability_update':
				// The example's keys; the page's syntax adds per-phone / per-business keys "removed in February, 2026":
				// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/business_capability_update
				return { max_daily_conversations_per_business: 10000, max_phone_numbers_per_waba: 25 };
			case 'security':
				return { display_phone_number: display, event: 'PIN_CHANGED', requester: '1234567890' };
			// Fields whose value lists records, each with Meta's envelope (metadata) and the user's contact where Meta
			// gives one. The customer is 16505551234, as in Meta's examples.
			case 'user_preferences':
				// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
				return {
					messaging_product: 'whatsapp',
					metadata: this.metadataOf(number.id),
					contacts: [{ profile: { name: 'Sim Customer' }, wa_id: '16505551234' }],
					user_preferences: [{ wa_id: '16505551234', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: nowSeconds }],
				};
			case 'calls':
				// A user-initiated call connecting (Calling API; shape as whatsapp-api-js types it after Meta's reference).
				return {
					messaging_product: 'whatsapp',
					metadata: this.metadataOf(number.id),
					contacts: [{ profile: { name: 'Sim Customer' }, wa_id: '16505551234' }],
					calls: [
						{
							id: `wacid.${Buffer.from(this.sim.newId('call')).toString('base64')}`,
							to: display,
							from: '16505551234',
							event: 'connect',
							timestamp: String(nowSeconds),
							direction: 'USER_INITIATED',
							session: { sdp_type: 'offer', sdp: 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\n' },
						},
					],
				};
			case 'smb_message_echoes':
				// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_message_echoes
				return {
					messaging_product: 'whatsapp',
					metadata: this.metadataOf(number.id),
					message_echoes: [
						{ from: display, to: '16505551234', id: newInboundMessageId(), timestamp: String(nowSeconds), type: 'text', text: { body: 'Sent from the WhatsApp Business app' } },
					],
				};
			case 'history':
				// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history/
				return {
					messaging_product: 'whatsapp',
					metadata: this.metadataOf(number.id),
					history: [
						{
							metadata: { phase: 0, chunk_order: 1, progress: 100 },
							threads: [
								{
									id: '16505551234',
									messages: [
										{ from: '16505551234', id: newInboundMessageId(), timestamp: String(nowSeconds - 60), type: 'text', text: { body: 'Is the shop open?' }, history_context: { status: 'READ' } },
										{ from: display, to: '16505551234', id: newInboundMessageId(), timestamp: String(nowSeconds), type: 'text', text: { body: 'Yes, until 6 pm' }, history_context: { status: 'DELIVERED' } },
									],
								},
							],
						},
					],
				};
			case 'group_lifecycle_update':
				// https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/webhooks ("Group create succeed")
				return {
					messaging_product: 'whatsapp',
					metadata: this.metadataOf(number.id),
					groups: [
						{
							timestamp: String(nowSeconds),
							group_id: this.sim.newId('group'),
							type: 'group_create',
							request_id: this.sim.newId('request'),
							subject: 'Sim group',
							invite_link: 'https://chat.whatsapp.com/SIMLINK',
							join_approval_mode: 'auto_approve',
						},
					],
				};
			case 'messages':
				return {
					messaging_product: 'whatsapp',
					metadata: this.metadataOf(number.id),
					errors: [
						{
							code: 131000,
							title: 'Something went wrong',
							message: 'Something went wrong',
							error_data: { details: 'Message failed to send due to an unknown error.' },
							href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
						},
					],
				};
			default:
				return {};
		}
	}

	/** Sends the last `count` delivered bodies again, byte for byte (Meta's duplicates). */
	redeliver(count = 1): Promise<DeliveryRecord[]> {
		const records = this.deliveries()
			.filter((record) => record.kind !== 'redelivery' && record.status !== undefined)
			.slice(-count);
		return Promise.all(
			records.map((record) => this.enqueueJob({ url: record.url, body: record.body, signature: record.signature, kind: 'redelivery', retry: false })),
		);
	}

	/** Every delivery so far (bounded by deliveryLogLimit), oldest first. */
	deliveries(): DeliveryRecord[] {
		if (this.logNext === 0) return this.log.slice();
		return [...this.log.slice(this.logNext), ...this.log.slice(0, this.logNext)];
	}

	/** Calls `listener` after every POST (each retry too) until the returned function is called. */
	observe(listener: (attempt: DeliveryAttempt) => void): () => void {
		this.observers.add(listener);
		return () => this.observers.delete(listener);
	}

	/** Resolves when nothing is waiting, in flight or due for a retry. */
	idle(): Promise<void> {
		if (this.isIdle()) return Promise.resolve();
		return new Promise((resolve) => this.idleWaiters.push(resolve));
	}

	/** Forgets the queues and the delivery log (pending retries are dropped). */
	reset(): void {
		this.generation += 1;
		for (const queue of this.waiting) queue.drain();
		this.failedWaiting.drain();
		this.readyStatuses.drain();
		// Whoever awaits a dropped body (injectInbound, deliver) gets its record as it stands.
		const dropped = this.readyBodies.drain();
		for (const [timer, job] of this.retryTimers) {
			clearTimeout(timer);
			dropped.push(job);
		}
		this.retryTimers.clear();
		for (const job of dropped) job.done?.(job.record);
		// A queued customer message never went out: its record has no attempt.
		for (const item of this.readyInbound.drain()) item.done({ url: item.url, statuses: [], attempts: 0, body: this.messagesBody([item.value]), kind: 'messages' });
		this.retriesPending = 0;
		this.log = [];
		this.logNext = 0;
		this.notifyIdle();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		this.reset();
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.httpAgent.destroy();
		this.httpsAgent.destroy();
		const waiters = this.idleWaiters;
		this.idleWaiters = [];
		for (const resolve of waiters) resolve();
	}

	// -------------------------------------------------------------------------------------------------------------
	// Status payloads
	// -------------------------------------------------------------------------------------------------------------

	/** Meta's status object for one stage of an accepted message. */
	statusObject(message: AcceptedMessage, status: StatusKind | 'failed', timestampSeconds: number, version: string, error?: StatusError): Record<string, unknown> {
		const object: Record<string, unknown> = { id: message.wamid, status, timestamp: String(timestampSeconds) };
		if (message.userId === undefined) {
			object.recipient_id = message.waId;
		} else {
			// Sent to a BSUID: no `recipient_id`, the BSUID in `recipient_user_id` (and a parent BSUID in
			// `recipient_parent_user_id` too), as the BSUID page's status examples show.
			object.recipient_user_id = message.userId;
			if (message.userId.includes('.ENT.')) object.recipient_parent_user_id = message.userId;
		}
		if (status === 'sent' || status === 'delivered') {
			const category = this.categoryOf(message);
			const billable = category !== 'service';
			// From v24.0 status webhooks drop `conversation` (Meta keeps it only for free entry-point windows).
			if (Number(/^v(\d+)/.exec(version)?.[1] ?? 26) < 24) {
				const conversation: Record<string, unknown> = {
					id: createHmac('sha256', 'conversation').update(`${message.phoneNumberId}:${recipientKey(message.to)}:${category}`).digest('hex').slice(0, 32),
					origin: { type: category },
				};
				if (status === 'sent') conversation.expiration_timestamp = String(Math.floor(message.acceptedAt / 1000) + 86400);
				object.conversation = conversation;
			}
			object.pricing = { billable, pricing_model: 'PMP', category, type: billable ? 'regular' : 'free_customer_service' };
		}
		if (status === 'failed' && error) {
			object.errors = [
				{
					code: error.code,
					title: error.title,
					message: error.message,
					error_data: { details: error.details },
					href: '/documentation/business-messaging/whatsapp/support/error-codes',
				},
			];
		} else if (status === 'failed') {
			object.errors = [
				{
					code: 131026,
					title: 'Message undeliverable',
					message: 'Message undeliverable',
					error_data: { details: 'Message Undeliverable.' },
					href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
				},
			];
		}
		if (message.bizOpaqueCallbackData !== undefined) object.biz_opaque_callback_data = message.bizOpaqueCallbackData;
		return object;
	}

	private categoryOf(message: AcceptedMessage): string {
		if (message.type !== 'template') return 'service';
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/send-marketing-messages
		// ("Receiving message status webhooks"): `marketing_lite` for the Marketing Messages API, `marketing` via Cloud API.
		if (message.viaMarketingMessagesApi) return 'marketing_lite';
		const template = (message.body as { template?: { name?: string; language?: { code?: string } } }).template;
		const found = template?.name && template.language?.code ? findTemplate(this.sim.fixture.templates, template.name, template.language.code) : undefined;
		return (found?.category ?? 'UTILITY').toLowerCase();
	}

	// -------------------------------------------------------------------------------------------------------------
	// Scheduling
	// -------------------------------------------------------------------------------------------------------------

	private callbackFor(phoneNumberId: string | undefined, field: string): { url: string; version: string } | undefined {
		const callback = effectiveCallback(this.sim, phoneNumberId, field, this.options.callbackUrl);
		return callback ? { url: callback.url, version: callback.version ?? this.options.version } : undefined;
	}

	private phoneNumberIdOf(body: unknown): string | undefined {
		let value: unknown = body;
		if (typeof body === 'string' || Buffer.isBuffer(body)) {
			try {
				value = JSON.parse(body.toString());
			} catch {
				return undefined;
			}
		}
		const id = (value as { entry?: Array<{ changes?: Array<{ value?: { metadata?: { phone_number_id?: unknown } } }> }> })?.entry?.[0]?.changes?.[0]?.value?.metadata?.phone_number_id;
		return typeof id === 'string' ? id : undefined;
	}

	private fieldOf(body: unknown): string {
		if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return 'messages';
		const field = (body as { entry?: Array<{ changes?: Array<{ field?: unknown }> }> }).entry?.[0]?.changes?.[0]?.field;
		return typeof field === 'string' ? field : 'messages';
	}

	/** Arms the single timer for the earliest due status (0 = as soon as possible). */
	private schedule(inMs: number): void {
		if (this.stopped) return;
		const dueAt = Date.now() + Math.max(0, inMs);
		if (this.timer && this.timerDueAt <= dueAt) return;
		if (this.timer) clearTimeout(this.timer);
		this.timerDueAt = dueAt;
		this.timer = setTimeout(() => {
			this.timer = null;
			this.timerDueAt = Infinity;
			this.release();
		}, Math.max(0, inMs));
	}

	/** Moves due statuses to the ready queue with their callback; re-arms the timer for the next one. */
	private release(): void {
		// Scheduling runs on the real clock; only payload timestamps use the simulator's clock.
		const now = Date.now();
		let nextDue = Infinity;
		const queues: Array<Fifo<StatusItem>> = [...this.waiting, this.failedWaiting];
		for (const queue of queues) {
			for (let item = queue.peek(); item !== undefined; item = queue.peek()) {
				if (item.dueAt > now) {
					nextDue = Math.min(nextDue, item.dueAt);
					break;
				}
				queue.shift();
				const callback = this.callbackFor(item.message.phoneNumberId, 'messages');
				if (callback) this.readyStatuses.push({ url: callback.url, item });
			}
		}
		if (nextDue !== Infinity) this.schedule(nextDue - now);
		this.pump();
		this.notifyIdle();
	}

	/** Starts deliveries while connections are free: prepared bodies first, then customer messages, then statuses. */
	private pump(): void {
		while (!this.stopped && this.inFlight < this.options.concurrency) {
			const job = this.readyBodies.shift() ?? this.nextInboundBatch() ?? this.nextStatusBatch();
			if (!job) return;
			this.send(job);
		}
	}

	/** The next queued entries for one callback URL, up to maxChangesPerBody (a body's worth), or undefined when none wait. */
	private takeRun<Entry extends { url: string }>(queue: { shift(): Entry | undefined; peek(): Entry | undefined }): Entry[] | undefined {
		const first = queue.shift();
		if (!first) return undefined;
		const batch = [first];
		while (batch.length < this.options.maxChangesPerBody && queue.peek()?.url === first.url) batch.push(queue.shift()!);
		return batch;
	}

	/** Up to maxChangesPerBody queued customer messages for one callback, in one body. */
	private nextInboundBatch(): Job | undefined {
		const batch = this.takeRun(this.readyInbound);
		if (!batch) return undefined;
		const first = batch[0];
		const body = this.messagesBody(batch.map(({ value }) => value));
		const job = this.makeJob({ url: first.url, body, signature: signBody(body, this.sim.fixture.appSecret), kind: 'messages', retry: true });
		job.updates = batch.length;
		job.done = (record) => {
			for (const item of batch) item.done(record);
		};
		return job;
	}

	private nextStatusBatch(): Job | undefined {
		const batch = this.takeRun(this.readyStatuses);
		if (!batch) return undefined;
		const first = batch[0];
		const version = this.callbackFor(first.item.message.phoneNumberId, 'messages')?.version ?? this.options.version;
		const nowSeconds = Math.floor(this.sim.now() / 1000);
		const changes = batch.map(({ item }) => {
			const status = item.stage < 0 ? 'failed' : this.options.statuses[item.stage];
			return {
				value: {
					messaging_product: 'whatsapp',
					metadata: this.metadataOf(item.message.phoneNumberId),
					statuses: [this.statusObject(item.message, status, nowSeconds, version, item.error)],
				},
				field: 'messages',
			};
		});
		const body = metaJson({ object: 'whatsapp_business_account', entry: [{ id: this.sim.fixture.wabaId, changes }] });
		return this.makeJob({ url: first.url, body, signature: signBody(body, this.sim.fixture.appSecret), kind: 'statuses', retry: true }, batch.map(({ item }) => item));
	}

	private makeJob(input: { url: string; body: string; signature?: string; kind: DeliveryRecord['kind']; retry: boolean }, items?: StatusItem[]): Job {
		const record: DeliveryRecord = { url: input.url, statuses: [], attempts: 0, body: input.body, kind: input.kind };
		if (input.signature !== undefined) record.signature = input.signature;
		this.appendLog(record);
		return { ...input, record, items };
	}

	private enqueueBody(url: string | undefined, body: string, signature: SignatureMode, retry: boolean, kind: DeliveryRecord['kind'], updates?: number): Promise<DeliveryRecord> {
		if (!url) {
			return Promise.reject(new Error('No webhook callback: subscribe one (app subscription, WABA or number override) or set webhooks.callbackUrl'));
		}
		let header: string | undefined;
		if (signature === 'valid') header = signBody(body, this.sim.fixture.appSecret);
		else if (signature === 'wrong') header = signBody(body, `${this.sim.fixture.appSecret}-wrong`);
		return this.enqueueJob({ url, body, signature: header, kind, retry }, updates);
	}

	private enqueueJob(input: { url: string; body: string; signature?: string; kind: DeliveryRecord['kind']; retry: boolean }, updates?: number): Promise<DeliveryRecord> {
		if (this.stopped) return Promise.reject(new Error('The webhook dispatcher is stopped'));
		return new Promise((resolve) => {
			const job = this.makeJob(input);
			job.done = resolve;
			job.updates = updates;
			this.readyBodies.push(job);
			this.pump();
		});
	}

	private appendLog(record: DeliveryRecord): void {
		const limit = Math.max(1, this.options.deliveryLogLimit);
		if (this.log.length < limit) {
			this.log.push(record);
			return;
		}
		this.log[this.logNext] = record;
		this.logNext = (this.logNext + 1) % limit;
	}

	// -------------------------------------------------------------------------------------------------------------
	// HTTP
	// -------------------------------------------------------------------------------------------------------------

	private send(job: Job): void {
		this.inFlight += 1;
		const generation = this.generation;
		const record = job.record;
		record.attempts += 1;
		record.firstAttemptAt ??= this.sim.now();
		this.sim.count('webhooksSent');
		const started = performance.now();
		this.post(job).then((status) => {
			const ms = performance.now() - started;
			this.inFlight -= 1;
			record.statuses.push(status);
			record.status = status;
			record.finishedAt = this.sim.now();
			if (generation !== this.generation) {
				// Reset while in flight: settle the waiter, drop the retries and the next statuses.
				job.done?.(record);
				this.pump();
				this.notifyIdle();
				return;
			}
			const retryIndex = record.attempts - 1;
			const willRetry = status !== 200 && job.retry && retryIndex < this.options.retryDelaysMs.length && !this.stopped;
			if (this.observers.size > 0) {
				const attempt: DeliveryAttempt = { kind: job.kind, status, ms, updates: job.items?.length ?? job.updates ?? 1, willRetry };
				for (const observer of this.observers) observer(attempt);
			}
			if (willRetry) {
				this.retriesPending += 1;
				const timer = setTimeout(() => {
					this.retryTimers.delete(timer);
					this.retriesPending -= 1;
					this.readyBodies.push(job);
					this.pump();
				}, this.options.retryDelaysMs[retryIndex]);
				this.retryTimers.set(timer, job);
			} else {
				this.finish(job);
			}
			this.pump();
			this.notifyIdle();
		});
	}

	/** A body is done (delivered or out of retries): its statuses move on to their next stage. */
	private finish(job: Job): void {
		if (this.options.deliveryLogBodyChars > 0 && job.record.body.length > this.options.deliveryLogBodyChars) {
			job.record.body = job.record.body.slice(0, this.options.deliveryLogBodyChars);
		}
		job.done?.(job.record);
		if (!job.items) return;
		const now = Date.now();
		let soonest = Infinity;
		for (const item of job.items) {
			const stage = item.stage + 1;
			if (item.stage < 0 || stage >= this.options.statuses.length) continue;
			const delay = this.options.delaysMs[this.options.statuses[stage]];
			this.waiting[stage].push({ message: item.message, stage, dueAt: now + delay });
			soonest = Math.min(soonest, delay);
		}
		if (soonest !== Infinity) this.schedule(soonest);
	}

	private lastUrl: { text: string; url: URL | undefined } = { text: '', url: undefined };

	/** Parsed callback URL (the last one is cached: bodies mostly go to one callback). */
	private parseUrl(text: string): URL | undefined {
		if (this.lastUrl.text !== text) {
			let url: URL | undefined;
			try {
				url = new URL(text);
			} catch {
				url = undefined;
			}
			this.lastUrl = { text, url };
		}
		return this.lastUrl.url;
	}

	/** POSTs one body; resolves with the HTTP status, 0 when there was no answer. Never rejects. */
	private post(job: Job): Promise<number> {
		return new Promise((resolve) => {
			const url = this.parseUrl(job.url);
			if (!url) {
				resolve(0);
				return;
			}
			const secure = url.protocol === 'https:';
			const payload = Buffer.from(job.body, 'utf8');
			const headers: Record<string, string | number> = {
				'Content-Type': 'application/json',
				'Content-Length': payload.length,
				'User-Agent': 'facebookexternalua',
			};
			if (job.signature !== undefined) headers['X-Hub-Signature-256'] = job.signature;
			let settled = false;
			const settle = (status: number): void => {
				if (settled) return;
				settled = true;
				resolve(status);
			};
			const request = (secure ? https : http).request(
				url,
				{ method: 'POST', headers, agent: secure ? this.httpsAgent : this.httpAgent, timeout: this.options.timeoutMs },
				(response) => {
					response.on('data', () => undefined);
					response.on('end', () => settle(response.statusCode ?? 0));
					response.on('error', () => settle(response.statusCode ?? 0));
				},
			);
			request.on('timeout', () => request.destroy(new Error('timeout')));
			request.on('error', () => settle(0));
			request.end(payload);
		});
	}

	// -------------------------------------------------------------------------------------------------------------
	// Idle tracking
	// -------------------------------------------------------------------------------------------------------------

	private isIdle(): boolean {
		if (this.inFlight > 0 || this.retriesPending > 0 || this.readyBodies.length > 0 || this.readyStatuses.length > 0 || this.readyInbound.length > 0) return false;
		if (this.failedWaiting.length > 0) return false;
		return this.waiting.every((queue) => queue.length === 0);
	}

	private notifyIdle(): void {
		if (this.idleWaiters.length === 0 || !this.isIdle()) return;
		const waiters = this.idleWaiters;
		this.idleWaiters = [];
		for (const resolve of waiters) resolve();
	}

	/**
	 * Media an injected inbound message refers to is stored, so the receiver can download it, by its ID or by the `url`
	 * Meta's media webhooks carry (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/image).
	 */
	private withInboundMedia(spec: InboundSpec, phoneNumberId: string): InboundSpec {
		if (!isMediaInboundType(spec.type)) return spec;
		const given = spec[spec.type] ?? {};
		if (given.id !== undefined) return spec;
		const mimeType = given.mime_type ?? defaultInboundMime(spec.type);
		const data = Buffer.from(`simulated ${spec.type} from ${spec.from || spec.userId} at ${this.sim.now()}`);
		const media = storeMedia(this.sim, { data, mimeType: mimeType.split(';')[0].trim(), phoneNumberId, filename: given.filename, ttlMs: mediaOptions(this.sim).inboundIdTtlMs });
		return {
			...spec,
			[spec.type]: { ...given, id: media.id, mime_type: mimeType, sha256: Buffer.from(media.sha256Hex, 'hex').toString('base64'), url: given.url ?? downloadUrl(this.sim, media) },
		};
	}
}

/**
 * The sender as `contacts[0]`: `wa_id` when the phone number is shared, `user_id` / `parent_user_id` when Meta gives
 * the BSUIDs, `profile.username` for a username user.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
function inboundContact(message: InboundMessage, name: string, username: string | undefined): Record<string, unknown> {
	const contact: Record<string, unknown> = { profile: username === undefined ? { name } : { name, username } };
	if (message.from) contact.wa_id = message.from;
	if (message.from_user_id !== undefined) contact.user_id = message.from_user_id;
	if (message.from_parent_user_id !== undefined) contact.parent_user_id = message.from_parent_user_id;
	return contact;
}

/**
 * A template's components as a components update names them: the body always, a text header, a footer and URL or
 * phone-number buttons only when the template has them.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_components_update
 */
function templateComponentsValue(template: FixtureTemplate): Record<string, unknown> {
	const of = (type: string) => template.components.find((component) => component.type === type);
	const header = of('HEADER');
	const footer = of('FOOTER');
	const buttons = (of('BUTTONS')?.buttons ?? []).filter((button) => button.type === 'URL' || button.type === 'PHONE_NUMBER');
	const value: Record<string, unknown> = {};
	if (header?.format === 'TEXT' && header.text !== undefined) value.message_template_title = header.text;
	value.message_template_element = of('BODY')?.text ?? '';
	if (footer?.text !== undefined) value.message_template_footer = footer.text;
	if (buttons.length > 0) {
		value.message_template_buttons = buttons.map((button) => ({
			message_template_button_type: button.type,
			message_template_button_text: button.text,
			...(button.type === 'URL' ? { message_template_button_url: button.url } : { message_template_button_phone_number: button.phone_number }),
		}));
	}
	return value;
}

function defaultInboundMime(type: string): string {
	switch (type) {
		case 'image':
			return 'image/jpeg';
		case 'video':
			return 'video/mp4';
		case 'document':
			return 'application/pdf';
		case 'audio':
			return 'audio/ogg; codecs=opus';
		default:
			return 'image/webp';
	}
}
