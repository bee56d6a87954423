/**
 * The gate: the one verb the nodes use to reach Meta. Every Graph call of the pack is scheduled here for its phone
 * number (pacing, in-flight cap, pair rate) and its WABA (rolling-hour budget), retried here on throttling and
 * transient failures, and shared across processes through Redis when configured.
 */
import { graphRequest, isGraphApiError } from '../transport';
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from '../transport/types';
import { describeError, ManagementBudget, NumberLane, WabaBudget, type GateEnvironment, type PendingCall } from './gate';
import { hashKey, RedisStore, redisTargetFor, redisTargetKey, type SharedEntries } from './redis';
import { DEFAULT_TIMINGS, readGateSettings, TIER_MESSAGES_PER_SECOND, type GateSettings, type GateTimings } from './settings';
import {
	messagesPerSecondOf,
	newThroughputReading,
	THROUGHPUT_ONLY_FIELDS,
	throughputReadDue,
	type PhoneNumberThroughput,
	type ThroughputReading,
} from './throughput';

export { DEFAULT_TIMINGS, MANAGEMENT_CALLS_PER_HOUR, readGateSettings, TIER_MESSAGES_PER_SECOND } from './settings';
export type { GateSettings, GateTimings } from './settings';
export type { SharedEntries } from './redis';

/**
 * Meta counts two families apart: messaging (sends, media) in the number's second and the WABA's messaging hour, and
 * management (the WABA and its analytics, templates, phone numbers and their settings, subscriptions) in a much
 * smaller hour of its own (200, or 5,000 with a registered number). An 80007 holds only the family it came from.
 */
export type CallFamily = 'messaging' | 'management';

export interface GateCall {
	credentials: WhatsAppCredentials;
	/** The phone-number ID this call is paced on. Omit for WABA-level calls (templates, analytics): budget only. */
	phoneNumberId?: string;
	/** Default `messaging`. Management calls go to the WABA's management lane, whatever their phone number. */
	family?: CallFamily;
	/** The recipient's WhatsApp ID for message sends: enables pair-rate limiting for that user. */
	recipient?: string;
	request: GraphRequest;
}

export interface GateStatus {
	/** `waba`: the messaging budget; `wabaManagement`: the management calls' own hour. */
	scope: 'phoneNumber' | 'waba' | 'wabaManagement';
	id: string;
	messagesPerSecond?: number;
	queued: number;
	inFlight: number;
	sentLastSecond: number;
	sentLastHour: number;
	hourlyBudget?: number;
	budgetLeft?: number;
	/** ISO time until which calls are held (80007, 131057), if any. */
	pausedUntil?: string;
	/** 1 = full speed; below 1 after 130429 / code 4 until it recovers. */
	slowDownFactor: number;
	sharedThroughRedis: boolean;
	/** Recipients currently held back by the pair rate or a 131056. */
	recipientsWaiting?: number;
}

interface Registry {
	lanes: Map<string, NumberLane>;
	wabas: Map<string, WabaBudget>;
	/** Automatic tier: what Meta said of each number, by lane key (kept when an idle lane is released). */
	throughput: Map<string, ThroughputReading>;
	stores: Map<string, RedisStore>;
	env: GateEnvironment;
	warned: Set<string>;
	sweeper: NodeJS.Timeout | undefined;
}

// One registry per process, even if n8n loads two copies of this module (a Symbol.for key is global).
const REGISTRY_KEY = Symbol.for('n8n-nodes-whatsapp-cloud.gate');

function registry(): Registry {
	const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
	let existing = holder[REGISTRY_KEY];
	if (!existing) {
		const warned = new Set<string>();
		existing = {
			lanes: new Map(),
			wabas: new Map(),
			throughput: new Map(),
			stores: new Map(),
			warned,
			sweeper: undefined,
			env: {
				timings: { ...DEFAULT_TIMINGS },
				transport: graphRequest,
				random: Math.random,
				warn: (topic, message) => {
					if (warned.has(topic)) return;
					warned.add(topic);
					console.warn(`[whatsapp-cloud gate] ${message}`);
				},
			},
		};
		holder[REGISTRY_KEY] = existing;
	}
	return existing;
}

function baseUrlOf(credentials: WhatsAppCredentials): string {
	return (credentials.baseUrl || 'https://graph.facebook.com').replace(/\/+$/, '');
}

/** The WABA key: the WABA id when known, else a hash of the token (never the token itself). */
function wabaKeyOf(credentials: WhatsAppCredentials): string {
	const base = baseUrlOf(credentials);
	return credentials.wabaId ? `${base}|waba:${credentials.wabaId}` : `${base}|token:${hashKey(credentials.accessToken ?? '')}`;
}

function storeFor(credentials: WhatsAppCredentials): RedisStore | undefined {
	const reg = registry();
	let options;
	try {
		options = redisTargetFor(credentials);
	} catch {
		reg.env.warn('redis-url', 'The Redis URL in the credential is not a valid redis:// URL; the gate uses local limits');
		return undefined;
	}
	if (!options) return undefined;
	const key = redisTargetKey(options);
	let store = reg.stores.get(key);
	if (!store) {
		store = new RedisStore(key, options, reg.env);
		reg.stores.set(key, store);
	}
	return store;
}

function ensureSweeper(reg: Registry): void {
	if (reg.sweeper) return;
	// Recipients go on the pair rate's timescale (a recipient's bucket refills within ~2 pair intervals of its last
	// message): at 1,000 msg/s a minute's recipients would hold ~14 MB (234 bytes each).
	const { idleReleaseMs, pairIntervalMs } = reg.env.timings;
	const every = Math.min(60_000, Math.max(50, Math.min(idleReleaseMs / 2, 2 * pairIntervalMs)));
	reg.sweeper = setInterval(() => sweep(reg), every);
	reg.sweeper.unref();
}

/** Forget recipients with a full pair bucket; release idle numbers, and WABAs whose rolling hour no longer holds any call. */
function sweep(reg: Registry): void {
	const now = Date.now();
	const idleFor = reg.env.timings.idleReleaseMs;
	for (const [key, lane] of reg.lanes) {
		lane.sweepRecipients(now);
		if (lane.isIdle() && now - lane.lastActivityAt >= idleFor) {
			lane.release();
			for (const store of reg.stores.values()) store.forget(lane);
			reg.lanes.delete(key);
		}
	}
	for (const [key, waba] of reg.wabas) {
		if (waba.lanes.size === 0 && waba.window.count(now) === 0 && waba.pausedUntil <= now && now - waba.lastActivityAt >= idleFor) {
			reg.wabas.delete(key);
		}
	}
	// A number's answer outlives its idle lane for its hour; after that it would be read again anyway.
	for (const [key, reading] of reg.throughput) {
		if (!reading.pending && !reg.lanes.has(key) && now - reading.readAt >= reg.env.timings.throughputReadIntervalMs) reg.throughput.delete(key);
	}
	if (reg.lanes.size === 0 && reg.wabas.size === 0 && reg.sweeper) {
		clearInterval(reg.sweeper);
		reg.sweeper = undefined;
	}
}

/** What the gate derived from one credential object: n8n hands each execution its own copy, so an edit applies to the next one. */
interface CredentialView {
	settings: GateSettings;
	wabaKey: string;
	baseUrl: string;
	lanes: Map<string, NumberLane>;
}

// Keyed on the object itself: reading the limits and building keys once per execution, not once per call.
const views = new WeakMap<WhatsAppCredentials, CredentialView>();

function viewOf(credentials: WhatsAppCredentials): CredentialView {
	let view = views.get(credentials);
	if (!view) {
		view = { settings: readGateSettings(credentials), wabaKey: wabaKeyOf(credentials), baseUrl: baseUrlOf(credentials), lanes: new Map() };
		views.set(credentials, view);
	}
	return view;
}

/** The registry key of a WABA's management budget (its own hour and pause, here and in Redis). */
function managementKeyOf(wabaKey: string): string {
	return `${wabaKey}|management`;
}

/** The view's lane key of the WABA's management lane (phone-number IDs are digits, so it never meets one). */
const MANAGEMENT_VIEW_KEY = 'management';

/** The messaging budget of a lane's WABA (the registered numbers are read into it). */
function messagingBudgetOf(waba: WabaBudget): WabaBudget {
	return waba instanceof ManagementBudget ? waba.messaging : waba;
}

function laneFor(call: GateCall, internal: boolean): NumberLane {
	const view = viewOf(call.credentials);
	const management = call.family === 'management';
	const viewKey = management ? MANAGEMENT_VIEW_KEY : call.phoneNumberId ?? '';
	let lane = view.lanes.get(viewKey);
	if (!lane || lane.released) lane = newLaneFor(call, view, viewKey, management);
	if (!internal) {
		discoverRegisteredNumbers(call.credentials, messagingBudgetOf(lane.waba));
		followThroughput(call, lane);
	}
	return lane;
}

/** The lane for a call this credential object has not used yet: the registry's (settings refreshed), or a new one. */
function newLaneFor(call: GateCall, view: CredentialView, viewKey: string, management: boolean): NumberLane {
	const reg = registry();
	const { settings, wabaKey } = view;
	let waba = reg.wabas.get(wabaKey);
	if (!waba) {
		waba = new WabaBudget(wabaKey, call.credentials.wabaId, settings, reg.env);
		reg.wabas.set(wabaKey, waba);
	}
	const messaging = waba;
	if (management) {
		// Its own key: its own hour and pause, here and in Redis.
		const managementKey = managementKeyOf(wabaKey);
		waba = reg.wabas.get(managementKey);
		if (!waba) {
			waba = new ManagementBudget(managementKey, call.credentials.wabaId, settings, reg.env, messaging);
			reg.wabas.set(managementKey, waba);
		}
	}
	const laneKey = management ? `${wabaKey}|managementCalls` : call.phoneNumberId ? `${view.baseUrl}|number:${call.phoneNumberId}` : `${wabaKey}|wabaCalls`;
	let lane = reg.lanes.get(laneKey);
	if (!lane || lane.released) {
		lane = new NumberLane(laneKey, management ? undefined : call.phoneNumberId, waba, settings, reg.env, storeFor(call.credentials));
		// A number released while idle keeps what Meta said of it for its hour.
		lane.setMeasuredMessagesPerSecond(reg.throughput.get(laneKey)?.messagesPerSecond);
		reg.lanes.set(laneKey, lane);
	} else {
		// A new credential object (a new execution, maybe after an edit): its limits apply from now on, without a restart.
		lane.updateSettings(settings);
	}
	view.lanes.set(viewKey, lane);
	ensureSweeper(reg);
	return lane;
}

/**
 * Automatic tier: pace a number at what Meta says of it. Its first message send (and one an hour after, or a few
 * minutes after a 130429) reads `GET /{phone-number-id}?fields=throughput,is_on_biz_app` through the gate as a
 * management call. The first sends wait for the first answer (a few seconds at most); later reads keep the number at
 * its last known rate meanwhile.
 */
function followThroughput(call: GateCall, lane: NumberLane): void {
	if (!lane.settings.automaticThroughput || call.recipient === undefined || lane.phoneNumberId === undefined) return;
	const reg = registry();
	let reading = reg.throughput.get(lane.key);
	if (!reading) {
		reading = newThroughputReading();
		reg.throughput.set(lane.key, reading);
	}
	const now = Date.now();
	if (!throughputReadDue(reading, now, lane.lastThrottledAt > reading.readAt, reg.env.timings)) return;
	// Sends never wait on a management pause (80007) or a spent management hour: they go at 80 until Meta answers.
	const management = reg.wabas.get(managementKeyOf(viewOf(call.credentials).wabaKey));
	const managementFree = !management || (management.pausedUntil <= now && management.available(now) > 0);
	if (reading.messagesPerSecond === undefined && managementFree) lane.holdForThroughput(now + reg.env.timings.throughputFirstReadWaitMs);
	readThroughput(call.credentials, lane.phoneNumberId, lane.key, reading);
}

function readThroughput(credentials: WhatsAppCredentials, phoneNumberId: string, laneKey: string, reading: ThroughputReading): void {
	const reg = registry();
	reading.pending = true;
	schedule<PhoneNumberThroughput>(
		{ credentials, family: 'management', request: { method: 'GET', path: `/${phoneNumberId}`, query: { fields: reading.fields } } },
		true,
	).then(
		(response) => {
			reading.pending = false;
			reading.readAt = Date.now();
			reading.messagesPerSecond = messagesPerSecondOf(response.data);
			const lane = reg.lanes.get(laneKey);
			lane?.setMeasuredMessagesPerSecond(reading.messagesPerSecond);
			lane?.endThroughputHold();
		},
		(error: unknown) => {
			reading.pending = false;
			if (isGraphApiError(error) && error.code === 100 && /is_on_biz_app/.test(error.message) && reading.fields !== THROUGHPUT_ONLY_FIELDS) {
				// This Graph version does not know `is_on_biz_app`: ask for the level alone, now.
				reading.fields = THROUGHPUT_ONLY_FIELDS;
				readThroughput(credentials, phoneNumberId, laneKey, reading);
				return;
			}
			reading.retryAt = Date.now() + reg.env.timings.throughputRetryMs;
			reg.lanes.get(laneKey)?.endThroughputHold();
			const pace = reading.messagesPerSecond ?? TIER_MESSAGES_PER_SECOND.standard;
			reg.env.warn('throughput-read', `Could not read a number's throughput from Meta (${describeError(error)}); pacing it at ${pace} messages per second for now`);
		},
	);
}

/** Budget default needs the count of registered numbers: read it once from the WABA, through the gate. */
function discoverRegisteredNumbers(credentials: WhatsAppCredentials, waba: WabaBudget): void {
	if (!credentials.wabaId || waba.settings.registeredNumbers > 0 || waba.settings.hourlyCallBudget > 0) return;
	if (waba.lookupState !== 'none' || Date.now() < waba.lookupRetryAt) return;
	waba.lookupState = 'pending';
	schedule<{ data?: unknown[] }>(
		{
			credentials,
			family: 'management',
			request: { method: 'GET', path: `/${credentials.wabaId}/phone_numbers`, query: { fields: 'id', limit: 1000 } },
		},
		true,
	).then(
		(response) => {
			const count = Array.isArray(response.data?.data) ? response.data.data.length : 0;
			waba.discoveredNumbers = count;
			waba.lookupState = 'done';
		},
		() => {
			// Keep the safe budget of one number and try again later.
			waba.lookupState = 'none';
			waba.lookupRetryAt = Date.now() + 10 * 60_000;
		},
	);
}

function schedule<T>(call: GateCall, internal: boolean): Promise<GraphResponse<T>> {
	return new Promise<GraphResponse<T>>((resolve, reject) => {
		const lane = laneFor(call, internal);
		const pending: PendingCall = {
			credentials: call.credentials,
			request: call.request,
			recipient: call.recipient,
			settings: lane.settings,
			resolve: resolve as (response: GraphResponse<unknown>) => void,
			reject,
			attempts: 0,
			firstQueuedAt: Date.now(),
			started: false,
			seq: 0,
		};
		lane.enqueue(pending);
	});
}

/** Schedule one Graph call on the gate; resolves with its response or rejects with a final `GraphApiError`. */
export function scheduleGraphCall<T = unknown>(call: GateCall): Promise<GraphResponse<T>> {
	return schedule<T>(call, false);
}

/**
 * The gate's Redis (the one this credential's calls share their limits through) as a store of shared entries, when the
 * gate uses Redis and it is up; undefined otherwise (callers then keep things in this process only).
 */
export async function sharedEntriesFor(credentials: WhatsAppCredentials): Promise<SharedEntries | undefined> {
	const store = storeFor(credentials);
	return store && (await store.whenReady()) ? store : undefined;
}

/** Counters for every number and WABA (messaging and management hours) of this credential the gate knows in this process. */
export function getGateStatus(credentials: WhatsAppCredentials): GateStatus[] {
	const reg = registry();
	const now = Date.now();
	const wabaKey = wabaKeyOf(credentials);
	const result: GateStatus[] = [];
	const waba = reg.wabas.get(wabaKey);
	for (const lane of reg.lanes.values()) {
		if (lane.waba.key !== wabaKey || lane.phoneNumberId === undefined || lane.released) continue;
		const paused = Math.max(lane.pausedUntil, lane.waba.pausedUntil);
		let recipientsWaiting = 0;
		for (const state of lane.recipients.values()) if (state.parked.length > 0) recipientsWaiting++;
		result.push({
			scope: 'phoneNumber',
			id: lane.phoneNumberId,
			messagesPerSecond: lane.messagesPerSecond,
			queued: lane.queued,
			inFlight: lane.inFlight,
			sentLastSecond: Math.min(lane.window.count(now), lane.hourWindow.count(now)),
			sentLastHour: lane.hourWindow.count(now),
			pausedUntil: paused > now ? new Date(paused).toISOString() : undefined,
			slowDownFactor: Math.round(lane.slowDown * 1000) / 1000,
			sharedThroughRedis: lane.sharedThroughRedis,
			recipientsWaiting,
		});
	}
	if (waba) result.push(budgetStatus(waba, 'waba', now));
	const management = reg.wabas.get(managementKeyOf(wabaKey));
	if (management) result.push(budgetStatus(management, 'wabaManagement', now));
	return result;
}

/** One WABA budget's row: its lanes' queues and calls, its hour and its pause. */
function budgetStatus(waba: WabaBudget, scope: 'waba' | 'wabaManagement', now: number): GateStatus {
	let queued = 0;
	let inFlight = 0;
	let shared = false;
	for (const lane of waba.lanes) {
		queued += lane.queued;
		inFlight += lane.inFlight;
		shared ||= lane.sharedThroughRedis;
	}
	const used = waba.window.count(now);
	return {
		scope,
		id: waba.wabaId ?? '(unknown WABA)',
		queued,
		inFlight,
		sentLastSecond: sentInLast(waba, now),
		sentLastHour: used,
		hourlyBudget: waba.hourlyBudget,
		budgetLeft: Math.max(0, waba.hourlyBudget - used),
		pausedUntil: waba.pausedUntil > now ? new Date(waba.pausedUntil).toISOString() : undefined,
		slowDownFactor: 1,
		sharedThroughRedis: shared,
	};
}

function sentInLast(waba: WabaBudget, now: number): number {
	let sum = 0;
	for (const lane of waba.lanes) sum += lane.window.count(now);
	return sum;
}

/**
 * Tests and benches only: scale the gate's internal timings (windows, backoffs) and its randomness. Applies to
 * numbers and WABAs created afterwards; call `resetGateForTests()` first to start from a clean registry.
 */
export function configureGateForTests(
	options: { timings?: Partial<GateTimings>; random?: () => number; transport?: GateEnvironment['transport'] } = {},
): void {
	const reg = registry();
	reg.env.timings = { ...DEFAULT_TIMINGS, ...options.timings };
	if (options.random) reg.env.random = options.random;
	if (options.transport) reg.env.transport = options.transport;
}

/** Tests and benches only: the process' registry (lanes, WABAs, Redis stores), to look at what the gate keeps. */
export function gateRegistryForTests(): Pick<Registry, 'lanes' | 'wabas' | 'stores' | 'throughput'> {
	return registry();
}

/** Tests and benches only: drop every lane (rejecting what still waits), close Redis, restore default timings. */
export async function resetGateForTests(): Promise<void> {
	const reg = registry();
	const reason = new Error('The gate was reset');
	for (const lane of reg.lanes.values()) lane.release(reason);
	reg.lanes.clear();
	reg.wabas.clear();
	reg.throughput.clear();
	await Promise.all([...reg.stores.values()].map((store) => store.close()));
	reg.stores.clear();
	reg.warned.clear();
	if (reg.sweeper) clearInterval(reg.sweeper);
	reg.sweeper = undefined;
	reg.env.timings = { ...DEFAULT_TIMINGS };
	reg.env.random = Math.random;
	reg.env.transport = graphRequest;
}
