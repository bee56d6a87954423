/**
 * The simulator's mutable state: options, fixture, store, limiters, counters, request log, faults and clock.
 * One instance per simulator; route handlers see it as a `SimContext`.
 */
import { createHash } from 'crypto';

import { buildFixture, HOURLY_BUDGET_PER_NUMBER, MANAGEMENT_CALLS_PER_HOUR, mergeOptions } from './fixture';
import { FaultPlan } from './faults';
import { latencySampler, type LatencySampler } from './latency';
import { MESSAGING_LIMIT_USERS, PairRateBuckets, PeakRateMeter, RollingBudget, SlidingWindowLimit, throughputLimit, UniqueReach } from './limits';
import type {
	AcceptedMessage,
	Fixture,
	RequestLogEntry,
	SimContext,
	SimCounters,
	SimStore,
	SimulatorOptions,
	WebhookSink,
} from './types';
import { recipientKey } from './types';

/** A small fast seeded generator (mulberry32) so runs with the same seed draw the same latencies and faults. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0 || 0x9e3779b9;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Used until the surfaces agent's dispatcher is wired in: accepts and drops. */
export const NO_WEBHOOKS: WebhookSink = {
	onAccepted: () => undefined,
	deliver: () => undefined,
};

function emptyCounters(): SimCounters {
	return {
		calls: 0,
		accepted: 0,
		readReceipts: 0,
		rejectedByCode: {},
		peakPerSecond: {},
		peakBudgetWindow: {},
		managementCalls: {},
		resets: 0,
		stalls: 0,
		errors5xx: 0,
		webhooksSent: 0,
		inboundCounted: 0,
		repeatedBodies: 0,
	};
}

export class SimState implements SimContext {
	options: SimulatorOptions;
	readonly fixture: Fixture;
	readonly store: SimStore = { messages: [], modules: new Map() };
	webhooks: WebhookSink = NO_WEBHOOKS;
	url = '';
	readonly faults = new FaultPlan();
	counters: SimCounters = emptyCounters();

	random: () => number;
	latency: LatencySampler;

	private throughput = new Map<string, SlidingWindowLimit>();
	private peaks = new Map<string, PeakRateMeter>();
	private budget!: RollingBudget;
	private management!: RollingBudget;
	private appRate: SlidingWindowLimit | null = null;
	pairs!: PairRateBuckets;
	private requestLog: RequestLogEntry[] = [];
	private requestLogNext = 0;
	private idCounter = 0;
	private throttleToggle = false;
	private inWindow = new Set<string>();
	private sentBodies = new Set<number>();
	private undeliverable = new Set<string>();
	/** The portfolio's reach under its messaging limit (one portfolio: the fixture's WABA). */
	private readonly reach = new UniqueReach(24 * 60 * 60 * 1000);

	constructor(options: SimulatorOptions) {
		this.options = options;
		this.fixture = buildFixture(options.fixture);
		this.random = seededRandom(options.seed);
		this.latency = latencySampler(options.latency);
		this.applyLimits();
	}

	now(): number {
		return this.options.clock ? this.options.clock() : Date.now();
	}

	newId(prefix?: string): string {
		this.idCounter++;
		if (prefix === 'wamid') {
			// Meta's ids are base64 of an opaque blob; ours carry a counter so they are unique per run.
			const blob = Buffer.from(`sim${this.options.seed}:${this.now()}:${this.idCounter}`).toString('base64');
			return `wamid.HBgL${blob.replace(/=+$/, '')}`;
		}
		return `${prefix ?? ''}${1_000_000_000_000_000 + this.idCounter}`;
	}

	count(counter: 'webhooksSent' | 'readReceipts', by = 1): void {
		this.counters[counter] += by;
	}

	/** Applies a partial change of options at runtime (limits, latency, faults…). */
	configure(partial: Partial<SimulatorOptions>): void {
		const next = mergeOptions(this.options, partial);
		if (partial.seed !== undefined) this.random = seededRandom(next.seed);
		this.options = next;
		this.latency = latencySampler(next.latency);
		this.applyLimits();
		if (partial.webhooks && this.webhooks.configure) this.webhooks.configure(partial.webhooks);
	}

	/** Forgets every message, counter, request, limit window and scripted fault (options stay). */
	reset(): void {
		this.store.messages = [];
		this.sentBodies.clear();
		this.store.modules.clear();
		this.counters = emptyCounters();
		this.requestLog = [];
		this.requestLogNext = 0;
		this.faults.clear();
		this.throughput.clear();
		this.peaks.clear();
		this.reach.clear();
		this.applyLimits(true);
		this.webhooks.reset?.();
	}

	// --- limits -------------------------------------------------------------------------------------------------

	/** Messages per second of a number: the options' override, else its tier. */
	mpsOf(phoneNumberId: string): number {
		const override = this.options.mps[phoneNumberId];
		if (typeof override === 'number' && override > 0) return override;
		return this.fixture.phoneNumbers.find((p) => p.id === phoneNumberId)?.mps ?? 80;
	}

	/** The WABA's budget per window: the option, else 1,800,000 × registered numbers. */
	budgetLimit(): number {
		const budget = this.options.hourlyBudget;
		return typeof budget === 'number' && budget > 0 ? budget : HOURLY_BUDGET_PER_NUMBER * this.fixture.phoneNumbers.length;
	}

	/** Management calls per app per WABA per window: the option, else 200 (5,000 once the WABA has a registered number). */
	managementLimit(): number {
		const limit = this.options.managementHourlyLimit;
		if (typeof limit === 'number' && limit > 0) return limit;
		const registered = this.fixture.phoneNumbers.some((number) => number.status === 'CONNECTED');
		return registered ? MANAGEMENT_CALLS_PER_HOUR.withRegisteredNumber : MANAGEMENT_CALLS_PER_HOUR.withoutRegisteredNumber;
	}

	private applyLimits(fresh = false): void {
		const o = this.options;
		if (fresh || !this.budget) {
			this.budget = new RollingBudget(this.budgetLimit(), o.budgetWindowMs);
			this.management = new RollingBudget(this.managementLimit(), o.managementWindowMs);
		} else {
			this.budget.budget = this.budgetLimit();
			this.budget.windowMs = o.budgetWindowMs;
			this.management.budget = this.managementLimit();
			this.management.windowMs = o.managementWindowMs;
		}
		for (const [phoneId, limiter] of this.throughput) {
			limiter.limit = throughputLimit(this.mpsOf(phoneId), o.throughputWindowMs);
			limiter.windowMs = o.throughputWindowMs;
		}
		if (o.appRateLimit && o.appRateLimit.calls > 0) {
			if (fresh || !this.appRate) this.appRate = new SlidingWindowLimit(o.appRateLimit.calls, o.appRateLimit.windowMs);
			this.appRate.limit = o.appRateLimit.calls;
			this.appRate.windowMs = o.appRateLimit.windowMs;
		} else {
			this.appRate = null;
		}
		if (fresh || !this.pairs) {
			this.pairs = new PairRateBuckets(o.pairBurst, o.pairIntervalMs);
		} else {
			this.pairs.burst = o.pairBurst;
			this.pairs.intervalMs = o.pairIntervalMs;
		}
		this.inWindow = new Set(o.inWindowRecipients.map((r) => recipientKey(String(r))));
		this.undeliverable = new Set(o.undeliverableRecipients.map((r) => recipientKey(String(r))));
	}

	/** Records a message call start for the number; false when its sliding window is full (130429). */
	tryThroughput(phoneNumberId: string, now: number): boolean {
		this.recordPeak(phoneNumberId, now);
		return this.throughputOf(phoneNumberId).tryStart(now);
	}

	countInbound(phoneNumberId: string, now: number): void {
		if (!this.options.inboundCountsInThroughput) return;
		this.throughputOf(phoneNumberId).record(now);
		this.counters.inboundCounted++;
	}

	/** The peak counts call starts only: tests compare it with the sends' rate. */
	private recordPeak(phoneNumberId: string, now: number): void {
		let peak = this.peaks.get(phoneNumberId);
		if (!peak) {
			peak = new PeakRateMeter(1000);
			this.peaks.set(phoneNumberId, peak);
		}
		peak.record(now);
		if (peak.peak > (this.counters.peakPerSecond[phoneNumberId] ?? 0)) {
			this.counters.peakPerSecond[phoneNumberId] = peak.peak;
		}
	}

	private throughputOf(phoneNumberId: string): SlidingWindowLimit {
		let limiter = this.throughput.get(phoneNumberId);
		if (!limiter) {
			const o = this.options;
			limiter = new SlidingWindowLimit(throughputLimit(this.mpsOf(phoneNumberId), o.throughputWindowMs), o.throughputWindowMs);
			this.throughput.set(phoneNumberId, limiter);
		}
		return limiter;
	}

	/** Counts a Graph call against the WABA's rolling budget; false when it is spent (80007). */
	tryBudget(now: number): boolean {
		const ok = this.budget.tryCall(now);
		this.counters.peakBudgetWindow[this.fixture.wabaId] = this.budget.peak;
		return ok;
	}

	/** Counts a management call (the WABA and its edges) against its own rolling limit; false when it is spent (80007). */
	tryManagement(now: number): boolean {
		const ok = this.management.tryCall(now);
		if (ok) this.counters.managementCalls[this.fixture.wabaId] = (this.counters.managementCalls[this.fixture.wabaId] ?? 0) + 1;
		return ok;
	}

	managementUsed(now: number): number {
		return this.management.used(now);
	}

	managementMsUntilFree(now: number): number {
		return this.management.msUntilOldestLeaves(now);
	}

	/** Counts a Graph call against the app rate (code 4); always true when that option is off. */
	tryAppRate(now: number): boolean {
		return this.appRate ? this.appRate.tryStart(now) : true;
	}

	budgetUsed(now: number): number {
		return this.budget.used(now);
	}

	budgetMsUntilFree(now: number): number {
		return this.budget.msUntilOldestLeaves(now);
	}

	appUsagePercent(now: number): number {
		if (!this.appRate) return 0;
		return Math.min(100, Math.round((this.appRate.count(now) / this.appRate.limit) * 100));
	}

	/** `recipient`: a WhatsApp ID (digits) or a business-scoped user ID (see recipientKey). */
	isInServiceWindow(recipient: string): boolean {
		return !this.options.enforceServiceWindow || this.inWindow.has(recipient);
	}

	/**
	 * Whether a template to `recipient` fits the portfolio's messaging limit: it counts only outside a customer service
	 * window, and a user already reached in the last 24 h takes no new place.
	 */
	fitsMessagingLimit(recipient: string, now: number): boolean {
		if (this.inWindow.has(recipient)) return true;
		return this.reach.fits(recipient, MESSAGING_LIMIT_USERS[this.options.messagingLimitTier] ?? null, now);
	}

	/** Counts an accepted template to `recipient` (outside a window) in the portfolio's reach. */
	recordReach(recipient: string, now: number): void {
		if (!this.inWindow.has(recipient) && MESSAGING_LIMIT_USERS[this.options.messagingLimitTier] != null) this.reach.record(recipient, now);
	}

	/** Users the portfolio reached with business-initiated messages in the last 24 h (tests). */
	reachCount(now: number): number {
		return this.reach.count(now);
	}

	isUndeliverable(recipient: string): boolean {
		return this.undeliverable.has(recipient);
	}

	/** True when the number is in maintenance now (131057). */
	inMaintenance(phoneNumberId: string, now: number): boolean {
		const until = this.options.maintenance[phoneNumberId];
		return typeof until === 'number' && until > now;
	}

	/** HTTP status of the next throttling error (400, 429, or alternating). */
	throttleStatus(): number {
		const setting = this.options.throttleHttpStatus;
		if (setting === 'alternate') {
			this.throttleToggle = !this.throttleToggle;
			return this.throttleToggle ? 429 : 400;
		}
		return setting === 400 ? 400 : 429;
	}

	// --- log, counters, request log ------------------------------------------------------------------------------

	/** Records an accepted message; `rawBody` (the bytes sent) detects resends of the very same message. */
	recordAccepted(message: AcceptedMessage, rawBody?: Buffer): void {
		if (rawBody) {
			// 48 bits of the hash as a number: compact enough for hundreds of thousands of messages.
			const key = createHash('sha1').update(message.phoneNumberId).update('\n').update(rawBody).digest().readUIntBE(0, 6);
			if (this.sentBodies.has(key)) this.counters.repeatedBodies++;
			else this.sentBodies.add(key);
		}
		const messages = this.store.messages;
		messages.push(message);
		const limit = this.options.messageLogLimit;
		// Trim in batches so a bounded log stays O(1) amortised per message.
		if (typeof limit === 'number' && limit >= 0 && messages.length > limit + Math.max(1024, limit)) {
			messages.splice(0, messages.length - limit);
		}
		this.counters.accepted++;
		this.webhooks.onAccepted(message);
	}

	countRejected(code: number): void {
		const key = String(code);
		this.counters.rejectedByCode[key] = (this.counters.rejectedByCode[key] ?? 0) + 1;
	}

	logRequest(entry: RequestLogEntry): void {
		const limit = Math.max(1, this.options.requestLogLimit);
		if (this.requestLog.length < limit) {
			this.requestLog.push(entry);
			return;
		}
		this.requestLog[this.requestLogNext % limit] = entry;
		this.requestLogNext = (this.requestLogNext + 1) % limit;
	}

	/** The accepted messages `log()` shows (the newest messageLogLimit). */
	messageLog(): AcceptedMessage[] {
		const limit = this.options.messageLogLimit;
		const messages = this.store.messages;
		if (typeof limit === 'number' && limit >= 0 && messages.length > limit) return messages.slice(messages.length - limit);
		return messages.slice();
	}

	requests(): RequestLogEntry[] {
		const limit = this.requestLog.length;
		if (this.requestLogNext === 0) return this.requestLog.slice();
		return [...this.requestLog.slice(this.requestLogNext), ...this.requestLog.slice(0, this.requestLogNext)].slice(0, limit);
	}
}
