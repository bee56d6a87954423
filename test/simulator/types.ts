/**
 * The simulator's shared types: options, fixture, the request/response shapes every route module uses,
 * and Meta's error. The simulator is Meta for our purposes: it imports nothing from `nodes/`.
 */
import type { IncomingHttpHeaders } from 'http';

// ---------------------------------------------------------------------------------------------------------------
// Fixture: the Meta account the simulator pretends to be
// ---------------------------------------------------------------------------------------------------------------

/** Throughput tier of a number: 80 mps (STANDARD), 1,000 mps (HIGH), 20 mps (shared with the Business app). */
export type ThroughputLevel = 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE';

/**
 * A business portfolio's messaging limit: unique users reached with business-initiated messages per moving 24 h.
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
 */
export type MessagingLimitTier = 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';

export interface FixturePhoneNumber {
	id: string;
	displayPhoneNumber: string;
	verifiedName: string;
	qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
	throughputLevel: ThroughputLevel;
	/** Messages per second this number may start (80 / 1,000 / 20 by tier unless overridden by options.mps). */
	mps: number;
	/** `CLOUD_API`, also for a number shared with the WhatsApp Business app (Meta's "Check onboarding status" example). */
	platformType: 'CLOUD_API' | 'NOT_APPLICABLE';
	status: 'CONNECTED' | 'PENDING' | 'DISCONNECTED';
	nameStatus: 'APPROVED' | 'PENDING_REVIEW' | 'DECLINED' | 'NONE';
	codeVerificationStatus: 'VERIFIED' | 'NOT_VERIFIED' | 'EXPIRED';
	/** True for a number shared with the WhatsApp Business app (20 mps): answered as `is_on_biz_app`. */
	sharedWithBusinessApp: boolean;
}

export type TemplateParameterFormat = 'POSITIONAL' | 'NAMED';

/** A template component as Meta lists it (`GET /{waba}/message_templates`). */
export interface FixtureTemplateComponent {
	/** CAROUSEL: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates */
	type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | 'CAROUSEL' | 'LIMITED_TIME_OFFER';
	/** PRODUCT: a product card's header (product-card-carousel-templates). */
	format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' | 'PRODUCT';
	text?: string;
	example?: Record<string, unknown>;
	/** LIMITED_TIME_OFFER only: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates */
	limited_time_offer?: { text: string; has_expiration?: boolean };
	/** CAROUSEL only: every card has the same components (header, optional body, buttons). */
	cards?: Array<{ components: FixtureTemplateComponent[] }>;
	buttons?: Array<{
		type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | 'FLOW' | 'OTP' | 'SPM' | 'CATALOG' | 'MPM' | 'ORDER_DETAILS';
		text: string;
		url?: string;
		phone_number?: string;
		example?: string[];
	}>;
}

export interface FixtureTemplate {
	id: string;
	name: string;
	language: string;
	status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
	category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
	parameterFormat: TemplateParameterFormat;
	components: FixtureTemplateComponent[];
	/** The custom time-to-live a create or an edit set (`message_send_ttl_seconds`). */
	messageSendTtlSeconds?: number;
}

/** A product of a catalog: its SKU (Content ID in Commerce Manager) and name. */
export interface FixtureProduct {
	retailerId: string;
	name: string;
}

/** An ecommerce catalog and the WhatsApp Business Account it is connected to. */
export interface FixtureCatalog {
	id: string;
	wabaId: string;
	products: FixtureProduct[];
}

export interface Fixture {
	accessToken: string;
	/** A token the simulator treats as expired (190, subcode 463), for credential tests. */
	expiredAccessToken: string;
	/** A valid token without access to the WABA (200 permission error on WABA/number objects). */
	noAccessToken: string;
	appId: string;
	appSecret: string;
	wabaId: string;
	phoneNumbers: FixturePhoneNumber[];
	templates: FixtureTemplate[];
	/** The catalogs, one connected per account (catalog.ts); a reset keeps what was added, as account data. */
	catalogs: FixtureCatalog[];
}

// ---------------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------------

/** Quantiles of the response latency in milliseconds (piecewise log-linear between them). */
export interface LatencyDistribution {
	median: number;
	p90?: number;
	p99?: number;
	/** Upper bound of any draw (default p99 × 1.5). */
	max?: number;
	/** Lower bound of any draw (default median / 4). */
	min?: number;
}

/** A uniform random delay before the simulator handles a call: `{maxMs}` (0 to max) or `{meanMs, spreadMs}` (mean ± spread). */
export type ReceiveJitter = { maxMs: number } | { meanMs: number; spreadMs: number };

/** What a scripted or random fault does to one request. */
export type FaultAction =
	| {
			kind: 'error';
			code: number;
			httpStatus?: number;
			message?: string;
			subcode?: number;
			/** Extra response headers. */
			headers?: Record<string, string>;
			/** For 80007 / 4: send the usage header (default true), with this wait in ms (default 1000). */
			usageHeader?: boolean;
			retryAfterMs?: number;
	  }
	/** Socket destroyed before anything is recorded. */
	| { kind: 'reset' }
	/** The message is recorded (and goes to the log), then the socket is destroyed with no response. */
	| { kind: 'resetAfterRecord' }
	/** No answer for `ms` (default options.stallMs), then the socket is destroyed; nothing recorded. */
	| { kind: 'stall'; ms?: number }
	/** The message is recorded at arrival, the answer is held for `ms`, then sent normally. */
	| { kind: 'stallAfterRecord'; ms?: number };

/** A deterministic fault: the next `count` calls matching `path`/`recipient`/`method` get `action`. */
export interface ScriptedFault {
	/** Substring or RegExp source matched against the path after the version, e.g. `/messages` (default: any). */
	path?: string;
	/** Matched against the message's `to` digits (default: any). */
	recipient?: string;
	method?: 'GET' | 'POST' | 'DELETE';
	/** Substring of the decoded query (`name=value&…`), e.g. `after=` for page requests only (default: any). */
	query?: string;
	/** How many matching calls get the fault (default 1). */
	count?: number;
	action: FaultAction;
}

export interface SimulatorOptions {
	port: number;
	host: string;
	/** Seed of the simulator's random draws (latency, faults) so a run can be repeated. */
	seed: number;
	/** The simulator's clock in epoch ms (tests move time by hand; default Date.now). In-process only. */
	clock: (() => number) | null;
	/** Changes to the default fixture (token, ids, numbers, templates). */
	fixture: Partial<Fixture>;

	/** Per-number mps overrides: `{ '300000000000001': 5 }`. */
	mps: Record<string, number>;
	/** Length of the sliding throughput window (ms); the limit is mps × window / 1000 call starts. */
	throughputWindowMs: number;
	/**
	 * Whether each inbound message delivered as a webhook takes a place in its number's sliding window (default true):
	 * Meta's "Throughput is inclusive of inbound and outbound messages and all message types"
	 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput). Sends beyond the rest
	 * get 130429; the inbound message is never refused.
	 */
	inboundCountsInThroughput: boolean;
	/** HTTP status of throttling errors (130429, 80007, 4, 131056): 400, 429, or alternate between them. */
	throttleHttpStatus: 400 | 429 | 'alternate';
	/** Calls per WABA in the rolling budget window (default 1,800,000 × registered numbers). Management calls do not count. */
	hourlyBudget: number | undefined;
	budgetWindowMs: number;
	/**
	 * Management calls (the WABA and its edges: templates, phone numbers, subscribed apps, analytics) per app per WABA in
	 * their own rolling window: Meta's 200, or 5,000 once the WABA has a registered number (default), then 80007.
	 */
	managementHourlyLimit: number | undefined;
	managementWindowMs: number;
	/** Pair rate per (number, recipient): a bucket of `pairBurst`, refilled one per `pairIntervalMs`. */
	pairBurst: number;
	pairIntervalMs: number;
	/** Numbers in maintenance until the given epoch ms (131057). */
	maintenance: Record<string, number>;
	/** App call rate (code 4): at most `calls` Graph calls per `windowMs` (null = off). */
	appRateLimit: { calls: number; windowMs: number } | null;
	/**
	 * The business portfolio's messaging limit (the simulator's WABA is one portfolio): every number shows it (Meta moved
	 * the limit from the number to the portfolio on 7 Oct 2025), and template sends to recipients outside
	 * `inWindowRecipients` beyond it in a moving 24 h fail with 131048. Default TIER_UNLIMITED (nothing refused).
	 */
	messagingLimitTier: MessagingLimitTier;
	/** When true, non-template sends to recipients not in `inWindowRecipients` fail with 131047. */
	enforceServiceWindow: boolean;
	/** Refuse products the account's catalog lacks, as Meta does (catalog.ts); off for tests of shapes and limits only. */
	checkCatalog: boolean;
	inWindowRecipients: string[];
	/** Recipients (digits) whose messages fail with 131026. */
	undeliverableRecipients: string[];
	/** 131026 as the send's error response (default), or accepted then a `failed` status webhook (Meta's usual way). */
	undeliverableVia: 'response' | 'webhook';
	/**
	 * WhatsApp Business Accounts onboarded to the Marketing Messages API (marketingMessages.ts); the others' sends to
	 * `/marketing_messages` go through the Cloud API, or are refused with 134102 when `product_policy` is STRICT.
	 */
	marketingMessagesOnboarded: string[];

	/**
	 * Whether template insights are enabled on the WABA. When false, `template_analytics` answers 200005 until
	 * `POST /{waba}?is_enabled_for_insights=true` enables them (reset() forgets that).
	 */
	templateInsightsEnabled: boolean;
	/** A WABA billed through a partner's credit line: analytics that ask for COST are refused. */
	partnerBilledWaba: boolean;

	/** `meta` (median ~300 ms, p90 ~1 s, p99 ~2 s), `none`, or explicit quantiles. */
	latency: 'meta' | 'none' | LatencyDistribution;
	/**
	 * A random delay before a Graph call is handled (so before it is counted in any limit), as a real network delivers a
	 * call to Meta late: uniform in [0, maxMs], or in [meanMs − spreadMs, meanMs + spreadMs]. null = none. The answer's
	 * `latency` comes on top. Control calls are never delayed.
	 */
	receiveJitter: ReceiveJitter | null;

	/** Ratio of calls answered with a random 500/503 (codes 2, 131000, 131016). */
	errorRatio5xx: number;
	resetBeforeRecordRatio: number;
	resetAfterRecordRatio: number;
	stallRatio: number;
	stallMs: number;
	/** Random stalls record the message first (Meta got it, answers late) when true. */
	stallRecords: boolean;

	/** How many accepted messages `log()` keeps (oldest dropped first; null = all). Counters still count every one. */
	messageLogLimit: number | null;
	/** How many requests `requests()` keeps (oldest dropped first). */
	requestLogLimit: number;
	/** How many characters of each request body the request log keeps. */
	requestLogBodyChars: number;
	/** Largest request body accepted (bytes); Meta's document limit is 100 MB. */
	maxBodyBytes: number;

	/** Options of the webhook dispatcher (surfaces agent): callback URLs, status timing… */
	webhooks: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests, responses, routes
// ---------------------------------------------------------------------------------------------------------------

export interface MultipartFile {
	filename: string;
	contentType: string;
	data: Buffer;
}

export interface SimRequest {
	method: string;
	/** Path as received, without the query. */
	path: string;
	/** Path parts after the version. */
	segments: string[];
	/** The version the call is served as, e.g. `v26.0`. */
	version: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	/** Parsed JSON body (form-urlencoded bodies become an object too); throws MetaError 100 on bad JSON. */
	json(): unknown;
	/** Parsed multipart/form-data body; throws MetaError 100 when it is not one. */
	form(): Promise<{ fields: Record<string, string>; files: Record<string, MultipartFile> }>;
	bearer?: string;
}

export interface SimResponse {
	status: number;
	/** JSON (serialised Meta-style) or raw bytes. */
	body?: unknown;
	headers?: Record<string, string>;
}

export interface MetaErrorOptions {
	httpStatus: number;
	code: number;
	message: string;
	type?: string;
	subcode?: number;
	details?: string;
	headers?: Record<string, string>;
}

/** Thrown by a handler; the server answers with Meta's error envelope. */
export class MetaError extends Error {
	readonly httpStatus: number;
	readonly code: number;
	readonly type: string;
	readonly subcode?: number;
	readonly details?: string;
	readonly headers?: Record<string, string>;

	constructor(opts: MetaErrorOptions) {
		super(opts.message);
		this.name = 'MetaError';
		this.httpStatus = opts.httpStatus;
		this.code = opts.code;
		this.type = opts.type ?? 'OAuthException';
		this.subcode = opts.subcode;
		this.details = opts.details;
		this.headers = opts.headers;
	}
}

/**
 * A business-scoped user ID (`US.1349…`) or parent BSUID (`US.ENT.1181…`): a country code, a dot, up to 128 letters
 * and digits. https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids
 */
export const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/** How the simulator keys a recipient (pair rate, undeliverable, service window): a BSUID as is, a phone by its digits. */
export function recipientKey(value: string): string {
	return BSUID.test(value) ? value : value.replace(/\D/g, '');
}

/** One accepted message, in the order the simulator accepted them. */
export interface AcceptedMessage {
	wamid: string;
	phoneNumberId: string;
	/** The recipient as the client gave it: `to`, or `recipient` (a BSUID) when the body had no `to`. */
	to: string;
	/** Digits of `to`; empty for a message sent to a business-scoped user ID. */
	waId: string;
	/** The business-scoped user ID or parent BSUID the message went to (`recipient` without `to`). */
	userId?: string;
	type: string;
	/** The whole request body. */
	body: Record<string, unknown>;
	/** Epoch ms (simulator clock). */
	acceptedAt: number;
	bizOpaqueCallbackData?: string;
	/** Sent through the Marketing Messages API (its status webhooks say `marketing_lite`). */
	viaMarketingMessagesApi?: boolean;
	/** Accepted, then failed by webhook with this error instead of being sent (marketing.ts). */
	failure?: StatusError;
	/** Answered `held_for_quality_assessment`: no status until it is released or dropped (marketing.ts). */
	held?: boolean;
}

/** The error of a failed status webhook: `errors[0]` of https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status */
export interface StatusError {
	code: number;
	title: string;
	message: string;
	details: string;
}

/** One request as the simulator saw it (Authorization header left out). */
export interface RequestLogEntry {
	at: number;
	method: string;
	path: string;
	query: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	status?: number;
}

export interface SimCounters {
	/** Graph calls (control endpoints excluded). */
	calls: number;
	accepted: number;
	readReceipts: number;
	rejectedByCode: Record<string, number>;
	/** Largest number of `POST /{phone}/messages` call starts seen in any sliding second, per number. */
	peakPerSecond: Record<string, number>;
	/** Largest number of Graph calls seen in any rolling budget window, per WABA. */
	peakBudgetWindow: Record<string, number>;
	/** Management calls (the WABA and its edges) counted against the management limit, per WABA. */
	managementCalls: Record<string, number>;
	resets: number;
	stalls: number;
	errors5xx: number;
	webhooksSent: number;
	/** Inbound messages counted in their number's sliding window (see `inboundCountsInThroughput`). */
	inboundCounted: number;
	/**
	 * Accepted messages whose number and exact body were accepted before, since the last reset. Running the same
	 * broadcast twice repeats every body on purpose; within one run, a repeat means a message went out twice.
	 */
	repeatedBodies: number;
}

/** The surfaces agent's webhook dispatcher, as the core uses it. */
export interface WebhookSink {
	onAccepted(message: AcceptedMessage): void;
	deliver(body: unknown, options?: Record<string, unknown>): Promise<unknown> | unknown;
	reset?(): void;
	stop?(): Promise<void> | void;
	configure?(options: Record<string, unknown>): void;
	/** Builds and delivers an inbound customer message: `{phoneNumberId, from, name, type, …that type's fields}`. */
	injectInbound?(input: Record<string, unknown>): Promise<unknown>;
	/** Delivers an event of another field (template status, user_preferences…). */
	injectEvent?(input: { field: string; value?: Record<string, unknown>; phoneNumberId?: string; templateId?: string }): Promise<unknown>;
	/** A held message is dropped: its failed status goes out with this error. */
	onDropped?(message: AcceptedMessage, error: StatusError): void;
}

/** Shared state the route modules read and write. */
export interface SimStore {
	messages: AcceptedMessage[];
	/** Free-form per-module state (media, subscriptions…), keyed by module name; cleared by reset(). */
	modules: Map<string, unknown>;
}

export interface SimContext {
	readonly options: SimulatorOptions;
	readonly fixture: Fixture;
	readonly store: SimStore;
	readonly webhooks: WebhookSink;
	/** Base URL of the simulator (no version), e.g. `http://127.0.0.1:8090`. */
	readonly url: string;
	now(): number;
	/** Random number in [0, 1) from the simulator's seeded generator. */
	random(): number;
	newId(prefix?: string): string;
	/** Adds one to a counter (`rejectedByCode` is kept by the server). */
	count(counter: 'webhooksSent' | 'readReceipts', by?: number): void;
	/** A customer's message reached the number: it takes a place in the number's sliding window (never refused). */
	countInbound(phoneNumberId: string, now: number): void;
}

export type RouteParams = Record<string, string>;

export interface Route {
	method: 'GET' | 'POST' | 'DELETE';
	match: (segments: string[]) => RouteParams | null;
	handler: (req: SimRequest, params: RouteParams, sim: SimContext) => SimResponse | Promise<SimResponse>;
	/** Default `bearer`. */
	auth?: 'bearer' | 'app' | 'none';
	/** Default true. */
	countsAgainstBudget?: boolean;
}

