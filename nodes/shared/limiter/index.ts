/**
 * The gate: the one verb the nodes use to reach Meta. Every Graph call of the pack is scheduled here for its phone
 * number (pacing, in-flight cap, pair rate) and its WABA (rolling-hour budget), retried here on throttling and
 * transient failures, and shared across processes through Redis when configured. Once a token proved access to a
 * number or WABA, its lane and budgets are shared only by the tokens that did (tenancy.ts).
 */
import { isGraphApiError } from '../transport';
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from '../transport/types';
import { ManagementBudget, WabaBudget } from './budget';
import { describeError, NumberLane, type PendingCall } from './gate';
import { hashKey, RedisStore, type SharedEntries } from './redis';
import { registry, type Registry } from './registry';
import { redisConnectionOf, resolveRedisTarget } from '../redis';
import { CALLS_PER_HOUR_PER_NUMBER, readGateSettings, TIER_MESSAGES_PER_SECOND, type GateSettings } from './settings';
import { isOnObject, Probation, type Users } from './tenancy';
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
	/** Once aborted, the call is not started: it rejects with the signal's reason when its turn comes. */
	withdrawal?: AbortSignal;
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
	let target;
	try {
		target = resolveRedisTarget(credentials.redisUrl);
	} catch (error) {
		// The message names the credential field or n8n variable at fault, never its value.
		reg.env.warn('redis-url', `${(error as Error).message}; the gate uses local limits`);
		return undefined;
	}
	if (!target) return undefined;
	// The login is part of the key: another credential's password never rides on this one's connection, and a rotated
	// password opens a new connection at the next execution.
	const key = redisConnectionOf(target);
	let store = reg.stores.get(key);
	if (!store) {
		store = new RedisStore(target, reg.env);
		reg.stores.set(key, store);
		ensureSweeper(reg);
	}
	store.lastUsedAt = Date.now();
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

/**
 * Forget recipients with a full pair bucket; release idle numbers, WABAs whose rolling hour no longer holds any call,
 * settled probations, and Redis connections no lane has used for a while (a rotated password's old one).
 */
function sweep(reg: Registry): void {
	const now = Date.now();
	const idleFor = reg.env.timings.idleReleaseMs;
	for (const [key, lane] of reg.lanes) {
		lane.sweepRecipients(now);
		if (lane.isIdle() && now - lane.lastActivityAt >= idleFor) releaseLane(reg, key, lane);
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
	for (const [key, probation] of reg.probations) {
		if (!probation.released && !(probation.idle && !reg.lanes.has(key))) continue;
		probation.retire();
		reg.probations.delete(key);
	}
	for (const [key, store] of reg.stores) {
		if (now - store.lastUsedAt < idleFor) continue;
		let used = false;
		for (const lane of reg.lanes.values()) used ||= lane.shared === store;
		if (used) continue;
		reg.stores.delete(key);
		void store.close();
	}
	if (reg.lanes.size === 0 && reg.wabas.size === 0 && reg.stores.size === 0 && reg.probations.size === 0 && reg.sweeper) {
		clearInterval(reg.sweeper);
		reg.sweeper = undefined;
	}
}

function releaseLane(reg: Registry, key: string, lane: NumberLane): void {
	lane.release();
	for (const store of reg.stores.values()) store.forget(lane);
	reg.lanes.delete(key);
}

/** What the gate derived from one credential object: n8n hands each execution its own copy, so an edit applies to the next one. */
interface CredentialView {
	settings: GateSettings;
	wabaId: string | undefined;
	wabaKey: string;
	baseUrl: string;
	/** A hash of the token (never the token): what proofs and a credential's own lanes are keyed by. */
	tokenHash: string;
	/** Where this credential's calls go, by phone number (or `management`): a lane, or a probation until it proved access. */
	routes: Map<string, NumberLane | Probation>;
	/** Routes onto a shared lane taken unproved because nobody had proved access yet: by route key, the resource. */
	provisional: Map<string, string>;
	/** The numbers and WABA this credential object proved access to (recorded once per execution, not per call). */
	proved: Set<string>;
}

// Keyed on the object itself: reading the limits and building keys once per execution, not once per call.
const views = new WeakMap<WhatsAppCredentials, CredentialView>();

function viewOf(credentials: WhatsAppCredentials): CredentialView {
	let view = views.get(credentials);
	if (!view) {
		view = {
			settings: readGateSettings(credentials),
			wabaId: credentials.wabaId || undefined,
			wabaKey: wabaKeyOf(credentials),
			baseUrl: baseUrlOf(credentials),
			tokenHash: hashKey(credentials.accessToken ?? ''),
			routes: new Map(),
			provisional: new Map(),
			proved: new Set(),
		};
		views.set(credentials, view);
	}
	return view;
}

/** The view's lane key of the WABA's management lane (phone-number IDs are digits, so it never meets one). */
const MANAGEMENT_VIEW_KEY = 'management';

/** The messaging budget of a lane's WABA (the registered numbers are read into it). */
function messagingBudgetOf(waba: WabaBudget): WabaBudget {
	return waba instanceof ManagementBudget ? waba.messaging : waba;
}

/** The shared lane of a phone number: also what proving access to the number is recorded under. */
function numberKeyOf(view: CredentialView, phoneNumberId: string): string {
	return `${view.baseUrl}|number:${phoneNumberId}`;
}

/** A key of the credential's own: its lanes and budgets on a resource it has not proved access to. */
function ownKeyOf(key: string, view: CredentialView): string {
	return `${key}|token:${view.tokenHash}`;
}

/**
 * Whether the token may share a number or WABA (its lane or budget, their limits and counters): it proved access, or
 * nobody did yet (a fresh process: the first credentials share as they always did, until a token proves access).
 */
function sharesResource(resource: string, tokenHash: string, now = Date.now()): boolean {
	const { proofs } = registry();
	return proofs.has(resource, tokenHash, now) || !proofs.claimed(resource, now);
}

/** Without a WABA ID the WABA key is the token's own already; else the token shares the WABA's as above. */
function sharesWaba(view: CredentialView, now = Date.now()): boolean {
	return view.wabaId === undefined || sharesResource(view.wabaKey, view.tokenHash, now);
}

/** Whether the token may see a shared lane's or budget's counters: it shares it, and nobody else used it unproved. */
function seesResource(resource: string, tokenHash: string, users: Users, now: number): boolean {
	return registry().proofs.has(resource, tokenHash, now) || (!registry().proofs.claimed(resource, now) && users.only(tokenHash));
}

/** The key of the messaging budget the view counts in: the WABA's, or its own until it proved access to the WABA. */
function messagingKeyOf(view: CredentialView, shared: boolean): string {
	return shared || view.wabaId === undefined ? view.wabaKey : ownKeyOf(view.wabaKey, view);
}

/** The registry key of a messaging budget's management budget (its own hour and pause, here and in Redis). */
function managementKeyOf(messagingKey: string): string {
	return `${messagingKey}|management`;
}

/** A WABA's budget limits rank by the hour they allow (registered numbers decide the management hour too). */
function budgetRank(waba: WabaBudget): (settings: GateSettings) => number {
	return (settings) =>
		settings.hourlyCallBudget > 0 ? settings.hourlyCallBudget : CALLS_PER_HOUR_PER_NUMBER * (settings.registeredNumbers || waba.discoveredNumbers || 1);
}

/**
 * The messaging budget the view counts in. A shared one takes the view's limits once its token proved access to
 * anything (a token Meta knows), and the most permissive apply: another credential can raise them, never lower them.
 */
function messagingBudgetFor(view: CredentialView, shared: boolean): WabaBudget {
	const reg = registry();
	const key = messagingKeyOf(view, shared);
	const trusted = !shared || sharesWaba(view);
	let waba = reg.wabas.get(key);
	if (!waba) {
		// A shared budget opened by a credential that has not proved the WABA starts without its overrides.
		const settings = trusted ? view.settings : { ...view.settings, registeredNumbers: 0, hourlyCallBudget: 0 };
		waba = new WabaBudget(key, view.wabaId, settings, reg.env);
		reg.wabas.set(key, waba);
	}
	waba.users.note(view.tokenHash);
	if (trusted) {
		const now = Date.now();
		waba.offers.offer(view.tokenHash, view.settings, now);
		const counts = (tokenHash: string) => !shared || sharesResource(view.wabaKey, tokenHash, now);
		waba.settings = waba.offers.pick(now, reg.env.timings.idleReleaseMs, budgetRank(waba), counts) ?? waba.settings;
	}
	return waba;
}

function managementBudgetFor(view: CredentialView, shared: boolean): ManagementBudget {
	const reg = registry();
	const messaging = messagingBudgetFor(view, shared);
	const key = managementKeyOf(messaging.key);
	let waba = reg.wabas.get(key);
	if (!waba) {
		waba = new ManagementBudget(key, view.wabaId, view.settings, reg.env, messaging);
		reg.wabas.set(key, waba);
	}
	waba.users.note(view.tokenHash);
	return waba as ManagementBudget;
}

/** What a lane opened by a probe paces at until a credential that proved access offers its limits. */
const NEUTRAL_SETTINGS = readGateSettings({} as WhatsAppCredentials);

/** The lane under `key` as it is, or a new one with these limits, budget and this credential's Redis. */
function existingOrNewLane(
	key: string,
	phoneNumberId: string | undefined,
	budget: () => WabaBudget,
	settings: GateSettings,
	credentials: WhatsAppCredentials,
): NumberLane {
	const reg = registry();
	const existing = reg.lanes.get(key);
	if (existing && !existing.released) return existing;
	const lane = new NumberLane(key, phoneNumberId, budget(), settings, reg.env, storeFor(credentials));
	// A number released while idle keeps what Meta said of it for its hour.
	lane.setMeasuredMessagesPerSecond(reg.throughput.get(key)?.messagesPerSecond);
	reg.lanes.set(key, lane);
	ensureSweeper(reg);
	return lane;
}

/**
 * The lane under `key` for a credential that proved access to it (or its own): it counts where that credential says.
 * A number nobody has claimed yet is shared as before, the last credential binding its budget and Redis; the first
 * proof binds it to the proving credential's (`watchForProof`), so a made-up token that rebound it meanwhile (a WABA
 * budget of 1, a Redis of its own) holds it only until the victim's first call answers.
 */
function laneAt(key: string, phoneNumberId: string | undefined, budget: () => WabaBudget, view: CredentialView, credentials: WhatsAppCredentials): NumberLane {
	const lane = existingOrNewLane(key, phoneNumberId, budget, view.settings, credentials);
	lane.users.note(view.tokenHash);
	lane.useStore(storeFor(credentials));
	lane.bindBudget(budget());
	return lane;
}

/** The number's shared lane, for a credential that proved access to it: its limits are offered there. */
function sharedNumberLane(view: CredentialView, credentials: WhatsAppCredentials, phoneNumberId: string): NumberLane {
	const lane = laneAt(numberKeyOf(view, phoneNumberId), phoneNumberId, () => messagingBudgetFor(view, sharesWaba(view)), view, credentials);
	lane.offers.offer(view.tokenHash, view.settings, Date.now());
	applyOffers(lane);
	return lane;
}

/**
 * A shared lane paces at the most permissive limits offered (Automatic: what Meta said) by the credentials that share
 * it: once a token proved access, those that did; an unproved token can raise the pace of an unclaimed number only.
 */
function applyOffers(lane: NumberLane): void {
	const now = Date.now();
	const counts = (tokenHash: string) => sharesResource(lane.key, tokenHash, now);
	const chosen = lane.offers.pick(now, registry().env.timings.idleReleaseMs, (settings) => lane.rateOf(settings), counts);
	if (chosen) lane.updateSettings(chosen);
}

const managementLaneKeyOf = (view: CredentialView): string => `${view.wabaKey}|managementCalls`;

function sharedManagementLane(view: CredentialView, credentials: WhatsAppCredentials): NumberLane {
	return laneAt(managementLaneKeyOf(view), undefined, () => managementBudgetFor(view, true), view, credentials);
}

/** An own lane: the credential's limits, counters and budgets. */
function ownLane(key: string, phoneNumberId: string | undefined, budget: () => WabaBudget, view: CredentialView, credentials: WhatsAppCredentials): NumberLane {
	const lane = laneAt(key, phoneNumberId, budget, view, credentials);
	lane.updateSettings(view.settings);
	return lane;
}

/**
 * WABA-level messaging calls (media by ID): our own pace, not Meta's, so each token keeps its own line; it counts in
 * the WABA's budget once the token proved access to something (a lane of each kind, so the next execution moves over).
 */
function wabaCallsLane(view: CredentialView, credentials: WhatsAppCredentials): NumberLane {
	const shared = sharesWaba(view);
	const key = ownKeyOf(`${view.wabaKey}|wabaCalls${shared ? '' : '|own'}`, view);
	return ownLane(key, undefined, () => messagingBudgetFor(view, shared), view, credentials);
}

/** Internal calls (throughput reads, the registered-number count) start no such reads of their own. */
const internalCalls = new WeakSet<PendingCall>();

interface ProbationLanes {
	/** The shared lane as a probe finds it: as it is, or opened with neutral limits; the probe changes nothing of it. */
	probe: (view: CredentialView, credentials: WhatsAppCredentials) => NumberLane;
	shared: (view: CredentialView, credentials: WhatsAppCredentials) => NumberLane;
	own: (view: CredentialView, credentials: WhatsAppCredentials) => NumberLane;
}

/**
 * A credential's calls on a resource it has not proved access to (see tenancy.ts): `resource` is what a proof is
 * recorded under, `objectId` the Graph object whose path proves it, `ownKey` the credential's own lane.
 */
function probationFor(view: CredentialView, resource: string, objectId: string, ownKey: string, lanes: ProbationLanes): Probation {
	const reg = registry();
	const existing = reg.probations.get(ownKey);
	if (existing && !existing.released) return existing;
	const { tokenHash } = view;
	const probation = new Probation({
		proven: () => reg.proofs.has(resource, tokenHash, Date.now()),
		refused: () => reg.proofs.refusedLately(resource, tokenHash, Date.now()),
		refuse: () => reg.proofs.refuse(resource, tokenHash, Date.now()),
		probe: (call) => lanes.probe(viewOf(call.credentials), call.credentials).enqueue(call),
		shared: (call) => admit(lanes.shared(viewOf(call.credentials), call.credentials), call, internalCalls.has(call)),
		own: (call) => lanes.own(viewOf(call.credentials), call.credentials).enqueue(call),
		proves: (request) => isOnObject(request, objectId),
		proved: (call, viaOwnLane) => {
			const now = Date.now();
			reg.proofs.record(resource, tokenHash, now);
			const shared = lanes.shared(viewOf(call.credentials), call.credentials);
			// A call through the own lane: the shared one counts it too (here and in Redis).
			if (viaOwnLane) shared.countStart(now, call.recipient, call.settings.pairRateLimiting);
			if (!internalCalls.has(call)) startReads(shared, call);
			const own = reg.lanes.get(ownKey);
			if (own) shared.learnPause(own);
			if (own?.isIdle()) releaseLane(reg, ownKey, own);
			reg.probations.delete(ownKey);
		},
	});
	reg.probations.set(ownKey, probation);
	ensureSweeper(reg);
	return probation;
}

function numberProbation(view: CredentialView, phoneNumberId: string): Probation {
	const resource = numberKeyOf(view, phoneNumberId);
	const ownKey = ownKeyOf(resource, view);
	return probationFor(view, resource, phoneNumberId, ownKey, {
		probe: (callView, credentials) =>
			existingOrNewLane(resource, phoneNumberId, () => messagingBudgetFor(callView, true), NEUTRAL_SETTINGS, credentials),
		shared: (callView, credentials) => sharedNumberLane(callView, credentials, phoneNumberId),
		own: (callView, credentials) => ownLane(ownKey, phoneNumberId, () => messagingBudgetFor(callView, false), callView, credentials),
	});
}

function managementProbation(view: CredentialView, wabaId: string): Probation {
	const ownKey = ownKeyOf(managementLaneKeyOf(view), view);
	return probationFor(view, view.wabaKey, wabaId, ownKey, {
		probe: (callView, credentials) =>
			existingOrNewLane(managementLaneKeyOf(callView), undefined, () => managementBudgetFor(callView, true), NEUTRAL_SETTINGS, credentials),
		shared: sharedManagementLane,
		own: (callView, credentials) => ownLane(ownKey, undefined, () => managementBudgetFor(callView, false), callView, credentials),
	});
}

/**
 * Where this credential's call goes; decided once per credential object and number, not once per call. A route taken
 * because nobody had proved access is decided again once someone has (O(1): two map lookups).
 */
function routeFor(call: GateCall, view: CredentialView): NumberLane | Probation {
	const management = call.family === 'management';
	const viewKey = management ? MANAGEMENT_VIEW_KEY : call.phoneNumberId ?? '';
	let route = view.routes.get(viewKey);
	const provisional = view.provisional.get(viewKey);
	if (provisional !== undefined && !sharesResource(provisional, view.tokenHash)) route = undefined;
	if (!route || route.released) {
		route = newRouteFor(call, view, management, viewKey);
		view.routes.set(viewKey, route);
	}
	return route;
}

function newRouteFor(call: GateCall, view: CredentialView, management: boolean, viewKey: string): NumberLane | Probation {
	const { credentials, phoneNumberId } = call;
	const now = Date.now();
	view.provisional.delete(viewKey);
	const resource = management ? view.wabaKey : phoneNumberId ? numberKeyOf(view, phoneNumberId) : undefined;
	if (resource === undefined) return wabaCallsLane(view, credentials);
	const shares = (management && view.wabaId === undefined) || sharesResource(resource, view.tokenHash, now);
	if (!shares) return management ? managementProbation(view, view.wabaId!) : numberProbation(view, phoneNumberId!);
	if (!registry().proofs.has(resource, view.tokenHash, now) && (!management || view.wabaId !== undefined)) view.provisional.set(viewKey, resource);
	return management ? sharedManagementLane(view, credentials) : sharedNumberLane(view, credentials, phoneNumberId!);
}

/**
 * A success on the number's or the WABA's own path (`/{id}`, `/{id}/…`) proves the token's access to it (tenancy.ts);
 * checked until this credential object proved it, so once per execution, not per call.
 */
function watchForProof(view: CredentialView, pending: PendingCall, phoneNumberId: string | undefined): void {
	const resources: string[] = [];
	if (phoneNumberId && isOnObject(pending.request, phoneNumberId)) resources.push(numberKeyOf(view, phoneNumberId));
	if (view.wabaId && isOnObject(pending.request, view.wabaId)) resources.push(view.wabaKey);
	const unproved = resources.filter((resource) => !view.proved.has(resource));
	if (unproved.length === 0) return;
	const { resolve } = pending;
	pending.resolve = (response) => {
		const reg = registry();
		const now = Date.now();
		for (const resource of unproved) {
			const claiming = !reg.proofs.claimed(resource, now);
			reg.proofs.record(resource, view.tokenHash, now);
			view.proved.add(resource);
			// The first proof drops the limits unproved credentials offered a number nobody had claimed, and binds the
			// lane to the prover's budget and Redis, whoever opened it.
			const lane = reg.lanes.get(resource);
			if (claiming && lane) {
				lane.useStore(storeFor(pending.credentials));
				lane.bindBudget(messagingBudgetFor(view, sharesWaba(view, now)));
				applyOffers(lane);
			}
			const management = resource === view.wabaKey ? reg.lanes.get(managementLaneKeyOf(view)) : undefined;
			if (claiming && management) {
				management.useStore(storeFor(pending.credentials));
				management.bindBudget(managementBudgetFor(view, true));
			}
		}
		resolve(response);
	};
}

/** Onto a lane: a call from a node first starts the reads the lane's budget and tier need. */
function admit(lane: NumberLane, call: PendingCall, internal: boolean): void {
	if (!internal) startReads(lane, call);
	lane.enqueue(call);
}

/** The registered numbers of the lane's WABA and (Automatic tier) the number's throughput, when not known yet. */
function startReads(lane: NumberLane, call: PendingCall): void {
	discoverRegisteredNumbers(call.credentials, messagingBudgetOf(lane.waba));
	followThroughput(call.credentials, call.recipient, lane);
}

/**
 * Automatic tier: pace a number at what Meta says of it. Its first message send (and one an hour after, or a few
 * minutes after a 130429) reads `GET /{phone-number-id}?fields=throughput,is_on_biz_app` through the gate as a
 * management call. The first sends wait for the first answer (a few seconds at most); later reads keep the number at
 * its last known rate meanwhile. Only shared lanes read it: a credential's own lane paces at its own tier.
 */
function followThroughput(credentials: WhatsAppCredentials, recipient: string | undefined, lane: NumberLane): void {
	if (!lane.settings.automaticThroughput || recipient === undefined || lane.phoneNumberId === undefined) return;
	const reg = registry();
	let reading = reg.throughput.get(lane.key);
	if (!reading) {
		reading = newThroughputReading();
		reg.throughput.set(lane.key, reading);
	}
	const now = Date.now();
	if (!throughputReadDue(reading, now, lane.lastThrottledAt > reading.readAt, reg.env.timings)) return;
	// Sends never wait on a management pause (80007) or a spent management hour: they go at 80 until Meta answers.
	const view = viewOf(credentials);
	const management = reg.wabas.get(managementKeyOf(messagingKeyOf(view, sharesWaba(view, now))));
	const managementFree = !management || (management.pausedUntil <= now && management.available(now) > 0);
	if (reading.messagesPerSecond === undefined && managementFree) lane.holdForThroughput(now + reg.env.timings.throughputFirstReadWaitMs);
	readThroughput(credentials, lane.phoneNumberId, lane.key, reading);
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
			if (!lane) return;
			lane.setMeasuredMessagesPerSecond(reading.messagesPerSecond);
			// The most permissive offer may be another now that Automatic has a figure.
			applyOffers(lane);
			lane.endThroughputHold();
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
			waba.lookupState = 'none';
			// Keep the safe budget of one number and try again later; a credential that never proved the WABA (a wrong or
			// made-up token) holds nobody else's lookup back.
			const view = viewOf(credentials);
			if (registry().proofs.has(view.wabaKey, view.tokenHash, Date.now())) waba.lookupRetryAt = Date.now() + 10 * 60_000;
		},
	);
}

function schedule<T>(call: GateCall, internal: boolean): Promise<GraphResponse<T>> {
	return new Promise<GraphResponse<T>>((resolve, reject) => {
		const view = viewOf(call.credentials);
		const pending: PendingCall = {
			credentials: call.credentials,
			request: call.request,
			recipient: call.recipient,
			withdrawal: call.withdrawal,
			// The caller's own retry limits, whoever shares the lane.
			settings: view.settings,
			resolve: resolve as (response: GraphResponse<unknown>) => void,
			reject,
			attempts: 0,
			firstQueuedAt: Date.now(),
			started: false,
			seq: 0,
		};
		const route = routeFor(call, view);
		if (route instanceof NumberLane) {
			watchForProof(view, pending, call.phoneNumberId);
			admit(route, pending, internal);
			return;
		}
		if (internal) internalCalls.add(pending);
		route.enqueue(pending);
	});
}

/** Schedule one Graph call on the gate; resolves with its response or rejects with a final `GraphApiError`. */
export function scheduleGraphCall<T = unknown>(call: GateCall): Promise<GraphResponse<T>> {
	return schedule<T>(call, false);
}

/**
 * `count` messages customers sent to a number, as a verified webhook told them: Meta's throughput "is inclusive of
 * inbound and outbound messages" (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput),
 * so they take places in the number's sliding second, here and through Redis, and its sends leave room for them. They
 * already happened: nothing here waits, refuses or throws (a credential the gate cannot read is warned about once).
 * The lane is the one this credential's sends would share. A token that has not proved access to a number someone
 * else claimed counts only on a lane of its own that its sends already made: a body signed with one's own App Secret
 * can name any number, and must not take another tenant's throughput; no lane is made for such a token either.
 */
export function recordInboundMessages(credentials: WhatsAppCredentials, phoneNumberId: string, count: number): void {
	const reg = registry();
	try {
		if (!(count > 0)) return;
		const view = viewOf(credentials);
		if (!view.settings.countInboundMessages) return;
		const now = Date.now();
		const resource = numberKeyOf(view, phoneNumberId);
		const lane = sharesResource(resource, view.tokenHash, now)
			? existingOrNewLane(resource, phoneNumberId, () => messagingBudgetFor(view, sharesWaba(view, now)), view.settings, credentials)
			: reg.lanes.get(ownKeyOf(resource, view));
		if (lane && !lane.released) lane.countInbound(now, count);
	} catch (error) {
		reg.env.warn('inbound-count', `Could not count received messages in the number's throughput (${describeError(error)})`);
	}
}

/**
 * The gate's Redis (the one this credential's calls share their limits through) as a store of shared entries, when the
 * gate uses Redis and it is up; undefined otherwise (callers then keep things in this process only).
 */
export async function sharedEntriesFor(credentials: WhatsAppCredentials): Promise<SharedEntries | undefined> {
	const store = storeFor(credentials);
	return store && (await store.whenReady()) ? store : undefined;
}

/**
 * Counters for every number and WABA (messaging and management hours) of this credential the gate knows in this
 * process: the shared ones only once its token proved access to them, else its own; never another tenant's.
 */
export function getGateStatus(credentials: WhatsAppCredentials): GateStatus[] {
	const reg = registry();
	const now = Date.now();
	const view = viewOf(credentials);
	const messagingKey = messagingKeyOf(view, sharesWaba(view, now));
	// The numbers of the WABA this credential names, counted in its budget or in its own.
	const budgets = new Set([view.wabaKey, messagingKeyOf(view, false)]);
	const numbers = new Map<string, GateStatus>();
	for (const lane of reg.lanes.values()) {
		const id = lane.phoneNumberId;
		if (id === undefined || lane.released || !budgets.has(lane.waba.key)) continue;
		const numberKey = numberKeyOf(view, id);
		const shared = lane.key === numberKey;
		if (shared ? !seesResource(numberKey, view.tokenHash, lane.users, now) : lane.key !== ownKeyOf(numberKey, view)) continue;
		// Proved in the middle of a run, a number has both lanes for a moment: the shared one is the number's.
		if (!shared && numbers.has(id)) continue;
		numbers.set(id, numberStatus(lane, now));
	}
	const result = [...numbers.values()];
	const waba = reg.wabas.get(messagingKey);
	if (waba && seesBudget(view, waba, now)) result.push(budgetStatus(waba, 'waba', now));
	const management = reg.wabas.get(managementKeyOf(messagingKey));
	if (management && seesBudget(view, management, now)) result.push(budgetStatus(management, 'wabaManagement', now));
	return result;
}

/** A budget of the credential's own shows; the WABA's shared one as its lanes do (seesResource). */
function seesBudget(view: CredentialView, waba: WabaBudget, now: number): boolean {
	const own = view.wabaId === undefined || messagingBudgetOf(waba).key !== view.wabaKey;
	return own || seesResource(view.wabaKey, view.tokenHash, waba.users, now);
}

/** A hash of the credential's token (never the token): what its own entries of shared caches are scoped by. */
export function tokenHashOf(credentials: WhatsAppCredentials): string {
	return viewOf(credentials).tokenHash;
}

function numberStatus(lane: NumberLane, now: number): GateStatus {
	const paused = Math.max(lane.pausedUntil, lane.waba.pausedUntil);
	let recipientsWaiting = 0;
	for (const state of lane.recipients.values()) if (state.parked.length > 0) recipientsWaiting++;
	return {
		scope: 'phoneNumber',
		id: lane.phoneNumberId ?? '',
		messagesPerSecond: lane.messagesPerSecond,
		queued: lane.queued,
		inFlight: lane.inFlight,
		sentLastSecond: Math.min(lane.window.count(now), lane.hourWindow.count(now)),
		sentLastHour: lane.hourWindow.count(now),
		pausedUntil: paused > now ? new Date(paused).toISOString() : undefined,
		slowDownFactor: Math.round(lane.slowDown * 1000) / 1000,
		sharedThroughRedis: lane.sharedThroughRedis,
		recipientsWaiting,
	};
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
