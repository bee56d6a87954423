/**
 * The lane: one per phone number (or the WABA-level calls of one WABA and family). It orchestrates the parts, each
 * with one concern and its clock passed in:
 * - line.ts: the line of calls (new, retried, delayed, parked by recipient) and what a round picks from it;
 * - pacer.ts: per round, how many calls may start and when to wake (tokens, sliding second, head start);
 * - guard.ts: the pace guard's margin on the sliding second; slowDown.ts: the slow-down after 130429;
 * - pairRate.ts: each recipient's bucket (131056); rounds.ts: calls counted but not yet written;
 * - budget.ts: the WABA's rolling hours and pauses; reactions.ts: what a failed attempt means and what becomes of it;
 * - lease.ts: the Bottleneck lease a lane sends under; store.ts: the counts shared through Redis (redis.ts);
 *   localShare.ts: the share of the number this process took through Redis, its cap while Redis is lost.
 */
import { isGraphApiError, LONGEST_PLAIN_CALL_MS, longestCallMs, type GraphApiError, type GraphRequestHooks } from '../transport';
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from '../transport/types';
import { PaceGuard } from './guard';
import { LaneLease, type Lease } from './lease';
import { redisTimeOf, UnwrittenRounds, type Round, type SharedCount } from './rounds';
import { describeError, quietly } from './quiet';
import { burst, inboundMargin, newPacerState, nextRoundAt, pumpIntervalMs, refillTokens, returnTokens, roundAllowance, roundsWorth, shortestRoundMs, startRound, windowRoom, type PacerState, type WakeInput } from './pacer';
import { CallLine } from './line';
import { PairRate, type RecipientState as RecipientStateOf } from './pairRate';
import { applyReaction, decideReaction, fateOf, type ReactionEffects } from './reactions';
import type { WabaBudget } from './budget';
import type { GateSettings, GateTimings } from './settings';
import { SlidingWindow } from './slidingWindow';
import { SlowDown } from './slowDown';
import { LocalShare } from './localShare';
import type { SharedStore } from './store';
import { ProvenSettings, Users } from './tenancy';

/** Received messages are counted for the margin in 10 ms slots: ~100 counters per number that receives any. */
const INBOUND_SLOT_MS = 10;
/** Slots of the calls started on local limits, carried into Redis on its return (as Redis's own number slots). */
const UNSHARED_SLOT_MS = 5;
/** …and for the WABA's rolling hour: a minute's (at most 60 pairs to carry). */
const UNSHARED_HOUR_SLOT_MS = 60_000;

/** Calls started on local limits while Redis was lost, for the number's sliding second and the WABA's rolling hour. */
interface Unshared {
	second: SlidingWindow;
	hour: SlidingWindow;
}

/** One call waiting in (or passing through) the gate. */
export interface PendingCall {
	credentials: WhatsAppCredentials;
	request: GraphRequest;
	recipient?: string;
	settings: GateSettings;
	resolve: (response: GraphResponse<unknown>) => void;
	reject: (error: unknown) => void;
	attempts: number;
	firstQueuedAt: number;
	/** Set once the HTTP request of the current attempt was handed to the transport. */
	started: boolean;
	/** Order of arrival in the lane: a recipient's retried calls go back in this order. */
	seq: number;
	/** A retry or a call released by its recipient: keeps its place ahead of that recipient's later calls. */
	resumed?: boolean;
	/** Told when an attempt failed (before any retry): a credential's probe releases the calls waiting for it. */
	onFailedAttempt?: () => void;
	/** When its current attempt's round started (the pace guard ignores a 130429 paced under an older margin). */
	sentAt?: number;
	/** Aborted by the caller before its turn (e.g. its template was paused): it leaves with the reason, never sent. */
	withdrawal?: AbortSignal;
}

export interface GateEnvironment {
	timings: GateTimings;
	/** The transport (`graphRequest`); benches swap in a stub to measure the gate's own CPU. */
	transport: <T>(credentials: WhatsAppCredentials, request: GraphRequest, hooks?: GraphRequestHooks) => Promise<GraphResponse<T>>;
	random: () => number;
	/** Warn once per topic; never given a secret. */
	warn: (topic: string, message: string) => void;
}

type RecipientState = RecipientStateOf<PendingCall>;

/** Everything the gate knows about one phone number (or the WABA-level calls of one WABA and family). */
export class NumberLane {
	/** Each recipient's pair rate (131056): its bucket (its parked calls are the line's). */
	readonly pairRate: PairRate<PendingCall>;
	/** The calls waiting: new, retried, delayed, parked by recipient (line.ts). */
	private readonly line: CallLine<PendingCall>;
	window: SlidingWindow;
	readonly hourWindow: SlidingWindow;
	settings: GateSettings;
	/** Calls whose HTTP request is under way. */
	inFlight = 0;
	/** Calls held against the in-flight cap: in a batch on Bottleneck, or under way (each freed when its answer comes). */
	heldWeight = 0;
	/** Calls of a round whose reservation (through Redis) is under way. */
	reservedPending = 0;
	/** Calls whose request left later than the guard covers (moved in the sliding second and the hour to when they left). */
	lateStarts = 0;
	/** The slow-down after 130429 / code 4 (slowDown.ts). */
	private readonly throttle: SlowDown;
	/** The extra margin on the sliding second that 130429s for calls paced within it widen (see guard.ts). */
	readonly guard: PaceGuard;
	/** Automatic tier: the rate Meta gave for this number, once known. */
	private measuredMessagesPerSecond: number | undefined;
	/** Automatic tier: no call starts before this while Meta's first answer is awaited (0 = no hold). */
	private throughputHoldUntil = 0;
	pausedUntil = 0;
	/** Tokens and head start (pacer.ts). */
	private readonly pace: PacerState;
	/** What the wake-up after a round depends on: filled each round (one record per lane, not one per round). */
	private readonly wake: WakeInput;
	private timer: NodeJS.Timeout | undefined;
	private timerAt = 0;
	private lastPumpAt = 0;
	private reserving = false;
	/**
	 * Through Redis: the shared second had no room for this lane's last round; no round before this time (Redis said when
	 * a round's worth frees up). Asking sooner costs a round trip that grants nothing: with two workers on one number
	 * at 1,000 msg/s, polling for every freed slot made ~45 % of reservations grant nothing.
	 */
	private sharedRetryAt = 0;
	/** Received messages in the sliding second (made at the first one): how many places to keep free (inboundMargin). */
	private inbound: SlidingWindow | undefined;
	/** Rounds with calls whose request is not written yet (rounds.ts). */
	private readonly unwritten = new UnwrittenRounds();
	/** Through Redis: wakes when unwritten calls' shared count must move to the present (armed only while some wait). */
	private keepAliveTimer: NodeJS.Timeout | undefined;
	/** The last round stopped at the in-flight cap: an answer must wake the lane (no timer does). */
	private waitingForAnswers = false;
	/** The lease rounds start under now, and the next one being acquired (lease.ts). */
	private readonly leases: LaneLease;
	lastActivityAt = Date.now();
	/** True while the last batch went through Redis (set as its round starts when Redis is usable). */
	sharedThroughRedis = false;
	/** The share of the number this process took through Redis: its cap while Redis is lost (localShare.ts). */
	private readonly localShare: LocalShare;
	/** Calls started on local limits while Redis was lost, carried into the shared counts once it answers (CarryRequest). */
	private unshared: Unshared | undefined;
	/** Where the counts are shared across processes: the Redis of the last credential that used the lane. */
	shared: SharedStore | undefined;
	/** The budget its calls count in: the WABA the last credential that proved access to the number names. */
	waba: WabaBudget;
	/** The limits each credential that proved access offered; the most permissive is `settings` (see tenancy.ts). */
	readonly offers = new ProvenSettings();
	/** Whether one token alone used it (it may see the counters before proving access, see tenancy.ts). */
	readonly users = new Users();
	released = false;

	constructor(
		readonly key: string,
		readonly phoneNumberId: string | undefined,
		waba: WabaBudget,
		settings: GateSettings,
		readonly env: GateEnvironment,
		shared: SharedStore | undefined,
	) {
		this.shared = shared;
		this.waba = waba;
		this.settings = settings;
		this.guard = new PaceGuard(env.timings);
		this.pairRate = new PairRate(env);
		this.line = new CallLine(this.pairRate);
		this.throttle = new SlowDown(env);
		this.localShare = new LocalShare(env, this.sharedWindowMs);
		this.window = this.makeSecondWindow();
		this.hourWindow = new SlidingWindow(env.timings.hourMs, env.timings.hourSlotMs);
		const createdAt = Date.now();
		this.pace = newPacerState(createdAt, this.burst);
		this.wake = {
			now: createdAt,
			pumpIntervalMs: 0,
			shortestRoundMs: 0,
			headStart: false,
			roundsWorth: 0,
			tokens: 0,
			rate: 0,
			windowRoom: 0,
			started: 0,
			queued: 0,
			stale: 0,
			window: this.window,
			cap: 0,
			reservedPending: 0,
			inboundMargin: 0,
			budgetRoom: 0,
			budgetWindow: waba.window,
			hourlyBudget: 0,
			budgetReservedPending: 0,
		};
		this.leases = new LaneLease(this, env);
		waba.lanes.add(this);
	}

	private makeSecondWindow(): SlidingWindow {
		const { secondMs, secondGuardMs } = this.env.timings;
		// 1 ms slots: exact enough at 1,000 mps, ~1,000 counters per number.
		return new SlidingWindow(secondMs + secondGuardMs, 1);
	}

	/** The share of the rate in force after 130429s (1 = none). */
	get slowDown(): number {
		return this.throttle.factor;
	}

	/** When the last 130429 / code 4 slowed the number down (0 = never). */
	get lastThrottledAt(): number {
		return this.throttle.lastThrottledAt;
	}

	get messagesPerSecond(): number {
		if (this.phoneNumberId === undefined) return 50;
		return this.rateOf(this.settings);
	}

	/** The rate a credential's settings give this number: its tier's, or for Automatic what Meta said (once known). */
	rateOf(settings: GateSettings): number {
		return settings.automaticThroughput && this.measuredMessagesPerSecond !== undefined ? this.measuredMessagesPerSecond : settings.messagesPerSecond;
	}

	/** Automatic tier: what Meta says the number allows (undefined until known); a manual tier ignores it. */
	setMeasuredMessagesPerSecond(messagesPerSecond: number | undefined): void {
		const before = this.messagesPerSecond;
		this.measuredMessagesPerSecond = messagesPerSecond;
		this.rateChanged(before);
	}

	/** Automatic tier: hold the number's calls until Meta's first answer comes (at most until `until`). */
	holdForThroughput(until: number): void {
		this.throughputHoldUntil = until;
	}

	/** Meta answered (or the read failed): the held calls go. */
	endThroughputHold(): void {
		if (this.throughputHoldUntil === 0) return;
		this.throughputHoldUntil = 0;
		this.kick();
	}

	/** The WABA whose budget it counts in: its hash tag places the lane's counts on one Redis Cluster master. */
	get wabaKey(): string {
		return this.waba.key;
	}

	/** Rounds long enough to carry `callsPerRound` calls; longer through Redis (see pacer.ts). */
	private get pumpIntervalMs(): number {
		return pumpIntervalMs(this.cap, this.shared?.usable(this) === true, this.env.timings);
	}

	/** Starts allowed in one sliding second right now (the slow-down lowers it after 130429). */
	get cap(): number {
		const now = Date.now();
		const cap = this.numberCapAt(now);
		// Redis lost after sharing the number (and a sliding second after): the share this process took (localShare.ts).
		const share = this.localShare.factor(now);
		return share < 1 ? Math.max(1, Math.floor(cap * share)) : cap;
	}

	/** The number's cap, all processes together: what a reservation through Redis asks under (no share of it). */
	private numberCapAt(now: number): number {
		return this.guard.capAt(this.slowedCap, now);
	}

	/** The number's rate under the slow-down after 130429 (the pace guard's margin aside). */
	get slowedCap(): number {
		return Math.max(1, Math.floor(this.messagesPerSecond * this.slowDown));
	}

	get inFlightCap(): number {
		return Math.max(4, Math.ceil(this.messagesPerSecond * this.env.timings.inFlightSeconds));
	}

	/**
	 * A lease weighs the lane's in-flight cap and holds it until the calls started under it have answered, so a lane may
	 * hold two for a moment (the next starts while the last one's stragglers answer). The limiter takes
	 * `leasesAtOnce` such leases together: through Redis, half as many processes send on one number at once; one more
	 * waits for a lease to end (each is given up after at most two `leaseMs`, and freed by Redis at its expiration if
	 * its worker died).
	 */
	get leaseWeight(): number {
		return this.inFlightCap;
	}

	get limiterConcurrency(): number {
		return this.leaseWeight * this.env.timings.leasesAtOnce + 8;
	}

	/**
	 * Calls the pacer may start at once after a quiet spell (see pacer.ts). Through Redis each process asks for its head
	 * start and Redis grants the shared second's worth between them.
	 */
	private get burst(): number {
		return burst(this.cap, this.slowDown < 1, this.roundsWorth, this.env.timings);
	}

	/** Calls the cap allows in one round (fractional). */
	private get roundsWorth(): number {
		return roundsWorth(this.cap, this.pumpIntervalMs, this.env.timings);
	}

	get queued(): number {
		return this.line.queued;
	}

	updateSettings(settings: GateSettings): void {
		if (settings === this.settings) return;
		const before = this.messagesPerSecond;
		this.settings = settings;
		this.rateChanged(before);
	}

	/** Count in this WABA's budget from now on (its calls under way move with the lane). */
	bindBudget(waba: WabaBudget): void {
		if (waba === this.waba) return;
		this.waba.lanes.delete(this);
		this.waba.reservedPending -= this.reservedPending;
		waba.reservedPending += this.reservedPending;
		this.waba = waba;
		waba.lanes.add(this);
		this.kick();
	}

	/** Share the counts through this Redis from now on (another credential's, or a rotated password's connection). */
	useStore(store: SharedStore | undefined): void {
		if (store === this.shared) return;
		this.shared?.forget(this);
		this.shared = store;
		this.sharedRetryAt = 0;
		this.kick();
	}

	/** A pause Meta asked of the number through another lane (a credential's own, before it proved access) holds here too. */
	learnPause(other: NumberLane): void {
		if (other.pausedUntil <= this.pausedUntil) return;
		this.pausedUntil = other.pausedUntil;
		this.kick();
	}

	/**
	 * A call this lane did not start (a credential's probe, sent through its own lane) counts here too from `at` (and
	 * against its recipient's pair rate), and in Redis for the other processes (a reservation no cap refuses).
	 */
	countStart(at: number, recipient: string | undefined, pairRateLimiting: boolean): void {
		if (recipient !== undefined && pairRateLimiting) {
			this.pairRate.countStart(recipient, at);
		}
		this.window.record(at, 1);
		this.hourWindow.record(at, 1);
		this.waba.window.record(at, 1);
		this.lastActivityAt = Math.max(this.lastActivityAt, at);
		if (!this.shared?.usable(this)) return;
		this.shared
			.reserve({
				numberKey: this.key,
				wabaKey: this.waba.key,
				requested: 1,
				numberCap: Number.MAX_SAFE_INTEGER,
				numberWindowMs: this.sharedWindowMs,
				budgetCap: Number.MAX_SAFE_INTEGER,
				budgetWindowMs: this.waba.window.windowMs,
				budgetSlotMs: this.env.timings.hourSlotMs,
			})
			.catch((error: unknown) => this.env.warn('redis-reserve', `Redis unreachable for the shared limits (${describeError(error)}); using local limits`));
	}

	/**
	 * Messages customers sent to the number: Meta's throughput "is inclusive of inbound and outbound messages"
	 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput), so each takes a place in
	 * the sliding second from `at`, here and through Redis, and the sends' rounds leave room for it. Nothing waits on
	 * it: a send path with no inbound traffic costs what it did.
	 */
	countInbound(at: number, count: number): void {
		this.window.record(at, count);
		this.inbound ??= new SlidingWindow(this.window.windowMs, INBOUND_SLOT_MS);
		this.inbound.record(at, count);
		this.lastActivityAt = Math.max(this.lastActivityAt, at);
		this.shareInbound(count);
	}

	/** Through Redis for the other processes; a first connection still being made is waited for (2 s at most). */
	private shareInbound(count: number): void {
		const shared = this.shared;
		if (shared?.connecting()) {
			setTimeout(() => this.shareInbound(count), 20).unref();
			return;
		}
		if (!shared?.usable(this)) return;
		shared
			.recordInbound(this.key, this.waba.key, count, this.sharedWindowMs)
			.catch((error: unknown) => this.env.warn('redis-inbound', `Could not count received messages in Redis (${describeError(error)}); counting them in this process only`));
	}

	/**
	 * Places kept free for messages Meta counted whose webhooks have not come yet: in proportion to those that came in
	 * the sliding second (a webhook's delay varies; a steady delay is no harm, the window then just shifts).
	 */
	private inboundMargin(now: number): number {
		if (this.inbound === undefined) return 0;
		return inboundMargin(this.inbound.count(now), this.env.timings.inboundLagMs, this.inbound.windowMs);
	}

	/** The sliding second shared through Redis: across processes the time from a grant to the bytes leaving varies more. */
	private get sharedWindowMs(): number {
		const { secondMs, secondGuardMs, redisSecondGuardMs } = this.env.timings;
		return secondMs + Math.max(secondGuardMs, redisSecondGuardMs);
	}

	/** The lane's rate changed: its leases weigh differently, so its Bottleneck limiters take more or fewer. */
	private rateChanged(before: number): void {
		if (before === this.messagesPerSecond) return;
		this.leases.resize();
		this.kick();
	}

	enqueue(call: PendingCall): void {
		// Sends and other plain calls take the default (`longestPlainCallMs`); media and explicit timeouts may be longer.
		const longest = longestCallMs(call.request);
		if (longest > LONGEST_PLAIN_CALL_MS && longest > this.leases.longestCallMs) this.leases.longestCallMs = longest;
		this.lastActivityAt = Date.now();
		this.line.push(call);
		this.kick();
	}

	/** Run a pump round soon (respecting the minimum interval between rounds). */
	kick(): void {
		if (this.released) return;
		const earliest = Math.max(Date.now(), this.lastPumpAt + this.pumpIntervalMs);
		this.scheduleAt(earliest);
	}

	private scheduleAt(at: number): void {
		if (this.timer !== undefined && this.timerAt <= at) return;
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timerAt = at;
		this.timer = setTimeout(() => this.pump(), Math.max(0, at - Date.now()));
		// Queued calls are work a caller awaits: keep the process alive for them, but never for an idle gate.
		if (this.line.queued === 0) this.timer.unref();
	}

	private clearTimer(): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = undefined;
	}

	/** One round: release what is due and start as many calls as every limit allows, under the lane's lease. */
	pump(): void {
		this.timer = undefined;
		if (this.released) return;
		const now = Date.now();
		this.lastPumpAt = now;
		this.throttle.recover(now);
		this.line.releaseDue(now);
		if (this.line.ready === 0) {
			this.pace.idleBeforeRound = true;
			this.giveLeaseBack();
			this.scheduleNextDelayed();
			return;
		}
		const pausedUntil = Math.max(this.pausedUntil, this.waba.pausedUntil, this.throughputHoldUntil);
		if (pausedUntil > now) {
			// A pause may last minutes: hold no lease through it.
			this.giveLeaseBack();
			this.scheduleAt(pausedUntil);
			return;
		}
		if (this.reserving) return;
		if (this.shared?.connecting()) {
			this.scheduleAt(now + 20);
			return;
		}
		if (now < this.sharedRetryAt && this.shared?.usable(this)) {
			this.scheduleAt(this.sharedRetryAt);
			return;
		}
		const lease = this.leases.serving(now);
		// No lease yet: its start runs the next round.
		if (!lease) return;
		const cap = this.cap;
		const pace = this.pace;
		const rate = cap / this.window.windowMs;
		refillTokens(pace, now, rate, this.burst);
		const stale = this.unwrittenOutside(now);
		const margin = this.inboundMargin(now);
		const room = windowRoom(this.window.available(now, cap), this.reservedPending, stale, margin);
		const allowance = roundAllowance(pace.tokens, room, this.inFlightCap - this.heldWeight, this.waba.available(now), this.env.timings);
		const batch = allowance > 0 ? this.line.pick(allowance, now) : [];
		const worth = this.roundsWorth;
		const extraGuardMs = startRound(pace, now, batch.length, worth, this.env.timings);
		if (batch.length > 0) {
			// Every promise gets a handler: an unhandled rejection crashes n8n (nothing in a round is meant to throw).
			this.runBatch(batch, lease, extraGuardMs).catch((error: unknown) => this.env.warn('gate-round', `A round of calls failed unexpectedly: ${describeError(error)}`));
		}
		if (this.line.ready > 0) {
			// Read after the round started (its calls are counted, its weight held), as the pacer's wake-up needs.
			const wake = this.wake;
			wake.now = now;
			wake.pumpIntervalMs = this.pumpIntervalMs;
			wake.shortestRoundMs = shortestRoundMs(this.shared?.usable(this) === true, this.env.timings);
			wake.headStart = now < pace.headStartEndsAt;
			wake.roundsWorth = worth;
			wake.tokens = pace.tokens;
			wake.rate = rate;
			wake.windowRoom = room;
			wake.started = batch.length;
			wake.queued = this.line.ready;
			wake.stale = stale;
			wake.window = this.window;
			wake.cap = cap;
			wake.reservedPending = this.reservedPending;
			wake.inboundMargin = margin;
			wake.budgetRoom = this.waba.available(now);
			wake.budgetWindow = this.waba.window;
			wake.hourlyBudget = this.waba.hourlyBudget;
			wake.budgetReservedPending = this.waba.reservedPending;
			const next = nextRoundAt(wake, this.env.timings);
			if (this.inFlightCap - this.heldWeight > 0 || this.heldWeight === 0) this.scheduleAt(next);
			// The in-flight cap is full: the next answer kicks the next round (other answers wake nothing).
			else this.waitingForAnswers = true;
		} else {
			this.scheduleNextDelayed();
		}
	}

	private scheduleNextDelayed(): void {
		const at = this.line.nextDelayedAt();
		if (at !== undefined) this.scheduleAt(Math.max(at, Date.now()));
	}

	/** A lease began (lease.ts): a round runs under it at once. */
	leaseStarted(): void {
		this.clearTimer();
		this.pump();
	}

	/** Calls of a lease are done (answered, or handed back before they started). */
	private leaseCallsDone(lease: Lease, count: number): void {
		// The last answer of an idle lane: give the lease back now rather than on a wake-up just for that.
		if (this.leases.callsDone(lease, count) && this.line.ready === 0) this.giveLeaseBack();
	}

	/** The lane stops sending for now (idle or paused): no more rounds under its lease, unless a reservation is under way. */
	private giveLeaseBack(): void {
		const lease = this.leases.current;
		if (lease && !this.reserving) this.leases.close(lease);
	}

	/** One round under a lease: take the final say on the window and budget (through Redis when shared), then fire. */
	private async runBatch(batch: PendingCall[], lease: Lease, extraGuardMs = 0): Promise<void> {
		const requested = batch.length;
		this.heldWeight += requested;
		lease.calls += requested;
		// Promised against the window and the budget while the reservation is under way (other lanes of the WABA see it).
		this.reservedPending += requested;
		this.waba.reservedPending += requested;
		// Shared whenever Redis answers, even under a lease taken locally while it did not: that lease serves until its
		// renewal through Redis starts (up to 2 s), and sending on local limits meanwhile went over the number's limit.
		const throughRedis = this.shared?.usable(this) === true;
		this.sharedThroughRedis = throughRedis;
		// Before the cap is read: lost, it is the share this process took (localShare.ts).
		if (this.shared && !throughRedis) this.localShare.lost(Date.now());
		let granted = 0;
		let retryInMs = 0;
		let redisNow: number | undefined;
		const now = Date.now();
		const cap = this.cap;
		// This process's own calls keep to its share while it has one (cap); the number's count in Redis to the whole cap.
		const numberCap = this.numberCapAt(now);
		const localAvailable = Math.min(this.window.available(now, cap) - this.unwrittenOutside(now), this.waba.window.available(now, this.waba.hourlyBudget));
		if (throughRedis && this.shared) {
			this.reserving = true;
			try {
				if (this.unshared) await this.carryUnshared(this.shared, now);
				const answer = await this.shared.reserve({
					numberKey: this.key,
					wabaKey: this.waba.key,
					requested: Math.min(requested, localAvailable),
					numberCap,
					numberWindowMs: this.sharedWindowMs,
					budgetCap: this.waba.hourlyBudget,
					budgetWindowMs: this.waba.window.windowMs,
					budgetSlotMs: this.env.timings.hourSlotMs,
					wanted: Math.ceil(this.roundsWorth),
					afterFirstMs: this.pumpIntervalMs,
					// Slowed down after 130429, this lane's cap (its pace guard's margin too) binds the number's other
					// processes: one left at a higher cap would fill the second, and this one wait until it is done.
					slowCap: this.slowDown < 1 ? numberCap : undefined,
					// Renewed by every reservation it makes, refused ones too: those come about a window apart.
					slowShareMs: 2 * this.sharedWindowMs,
				});
				granted = answer.granted;
				retryInMs = answer.retryInMs;
				// Another worker got 80007: hold this WABA here too, until the pause it set in Redis ends.
				if (answer.paused) this.waba.pause(Date.now() + retryInMs);
				redisNow = answer.redisNow;
				this.localShare.learn(now, this.window.count(now) + granted, answer.numberCount, numberCap);
			} catch (error) {
				this.sharedThroughRedis = false;
				this.localShare.lost(Date.now());
				this.env.warn('redis-reserve', `Redis unreachable for the shared limits (${describeError(error)}); using local limits`);
				granted = Math.min(requested, Math.max(0, this.window.available(Date.now(), this.cap)), localAvailable);
			} finally {
				this.reserving = false;
			}
		} else {
			granted = Math.min(requested, localAvailable);
		}
		this.reservedPending -= requested;
		this.waba.reservedPending -= requested;
		const startAt = Date.now();
		if (granted < requested) {
			this.heldWeight -= requested - granted;
			returnTokens(this.pace, requested - granted, this.burst);
			this.line.giveBack(batch.slice(granted), Date.now());
			this.leaseCallsDone(lease, requested - granted);
			if (retryInMs > 0) {
				if (redisNow !== undefined) this.sharedRetryAt = startAt + retryInMs;
				this.scheduleAt(startAt + retryInMs);
			}
		}
		if (granted <= 0) {
			if (retryInMs <= 0) this.kick();
			return;
		}
		const fired = granted === requested ? batch : batch.slice(0, granted);
		this.window.record(startAt + extraGuardMs, granted);
		const unshared = this.shared && redisNow === undefined ? this.recordUnshared(startAt + extraGuardMs, startAt, granted) : undefined;
		this.hourWindow.record(startAt, granted);
		this.waba.window.record(startAt, granted);
		this.waba.lastActivityAt = startAt;
		this.lastActivityAt = startAt;
		this.inFlight += granted;
		// Redis counted the batch at redisNow; a call moves there by as much as it left after the reservation was sent
		// (`now`, before the round trip): Redis ran the script after that, so the mapped time is never early, however
		// long this event loop took to read the answer.
		const shared: SharedCount | undefined = redisNow === undefined ? undefined : { redisNow, localAt: now, at: now };
		// One hook for the round's calls: they differ only in when they left.
		const round: Round = { countedAt: startAt + extraGuardMs, calls: granted, written: 0, settled: 0, shared };
		this.unwritten.add(round);
		if (shared) this.armKeepAlive();
		const hooks: GraphRequestHooks = {
			onSent: (at: number) => {
				round.written++;
				this.unwritten.progressed(round);
				this.departed(startAt, extraGuardMs, at, shared, unshared);
			},
		};
		for (const call of fired) {
			call.sentAt = startAt;
			void this.attempt(call, lease, hooks, round);
		}
		// The next round need not wait for these answers (in-flight cap permitting). Answers wake nothing unless the cap
		// was full (each would otherwise cost a wake-up that finds the sliding second still full). Nothing left to send:
		// no round either (a lane going idle costs no wake-up; the next call's round sees the lane was idle).
		if (this.line.ready > 0) this.kick();
		else this.pace.idleBeforeRound = true;
	}

	/** A round started on local limits though the lane shares through Redis: the others learn of it on the return. */
	private recordUnshared(countedAt: number, startAt: number, calls: number): Unshared {
		const unshared = (this.unshared ??= this.newUnshared());
		unshared.second.record(countedAt, calls);
		unshared.hour.record(startAt, calls);
		return unshared;
	}

	private newUnshared(): Unshared {
		return { second: new SlidingWindow(this.sharedWindowMs, UNSHARED_SLOT_MS), hour: new SlidingWindow(this.waba.window.windowMs, UNSHARED_HOUR_SLOT_MS) };
	}

	/**
	 * Redis answers again: first the calls this process started on local limits join the shared counts where they were
	 * (each slot counted at its end: later, never earlier; only those still in their window), the last second's in the
	 * number's sliding second, the outage's in the WABA's rolling hour. A restarted Redis comes back empty, a frozen one
	 * without them: else each process's share of the last second is missing and the processes together go over the
	 * number's limit in the second after. Not carried: kept for the next reservation (which then most likely fails too,
	 * and the round goes local). A carry Redis ran after its deadline is carried again: counted twice, slower, never over.
	 */
	private async carryUnshared(shared: SharedStore, now: number): Promise<void> {
		const unshared = this.unshared;
		if (!unshared) return;
		this.unshared = undefined;
		const ages = (window: SlidingWindow) => window.entries(now).map(([slotAt, calls]): [number, number] => [now - (slotAt + window.slotMs), calls]);
		try {
			await shared.carry({
				numberKey: this.key,
				wabaKey: this.waba.key,
				second: ages(unshared.second),
				numberWindowMs: this.sharedWindowMs,
				hour: ages(unshared.hour),
				budgetWindowMs: this.waba.window.windowMs,
				budgetSlotMs: this.env.timings.hourSlotMs,
			});
		} catch (error) {
			// Rounds that went local meanwhile were counted afresh: these join them.
			const kept = (this.unshared ??= this.newUnshared());
			for (const [slotAt, calls] of unshared.second.entries(now)) kept.second.record(slotAt, calls);
			for (const [slotAt, calls] of unshared.hour.entries(now)) kept.hour.record(slotAt, calls);
			this.env.warn('redis-carry', `Could not count this process's calls of the outage in Redis (${describeError(error)}); trying again at its next reservation`);
		}
	}

	/** Calls counted more than a sliding second ago whose request is still not written: they still take a place. */
	private unwrittenOutside(now: number): number {
		return this.unwritten.outside(now, this.window.windowMs);
	}

	/**
	 * A call of the round started at `startAt` left at `at`: count it in the sliding second then (plus a head start's
	 * extra guard), here and for the other processes (the calls of one tick in one Redis round trip), so the guard is
	 * left for the trip to Meta; a round on local limits (`unshared`) is carried into Redis after the outage from there.
	 */
	private departed(startAt: number, extraGuardMs: number, at: number, shared: SharedCount | undefined, unshared: Unshared | undefined): void {
		if (at > startAt) {
			this.window.move(startAt + extraGuardMs, at + extraGuardMs, 1);
			// On local limits: carried where it really left (unless carried already, at its count).
			if (unshared && unshared === this.unshared) {
				unshared.second.move(startAt + extraGuardMs, at + extraGuardMs, 1);
				unshared.hour.move(startAt, at, 1);
			}
		}
		// From where the shared second counts it now (when it was granted, or where it was last kept alive), with the head
		// start's guard too: the workers' head starts reach the receiver together and are stamped late together.
		if (shared && at + extraGuardMs > shared.at) this.queueDeparture(redisTimeOf(shared, shared.at), redisTimeOf(shared, at + extraGuardMs));
		// Later than the guard covers: the hour learns it too.
		if (at - startAt > this.env.timings.secondGuardMs) {
			this.waba.window.move(startAt, at, 1);
			this.lateStarts += 1;
		}
	}

	/**
	 * One HTTP attempt; settles the caller's promise or requeues the call through the gate. Never rejects: nothing in it
	 * is meant to throw, and if something did the caller gets that error (an unhandled rejection would crash n8n).
	 */
	private async attempt(call: PendingCall, lease: Lease, hooks: GraphRequestHooks, round: Round): Promise<void> {
		call.started = true;
		call.attempts += 1;
		let response: GraphResponse<unknown> | undefined;
		let failure: unknown;
		try {
			response = await this.env.transport<unknown>(call.credentials, call.request, hooks);
		} catch (error) {
			failure = error;
		}
		try {
			round.settled++;
			this.unwritten.progressed(round);
			this.inFlight -= 1;
			// Per call, not per round: a round's slowest answer (Meta's p99 is ~2 s) must not hold its siblings' places.
			this.heldWeight -= 1;
			this.lastActivityAt = Date.now();
			this.leaseCallsDone(lease, 1);
			if (this.waitingForAnswers) {
				this.waitingForAnswers = false;
				this.kick();
			}
			const recipient = call.recipient;
			// A recipient's call ended: if more wait for it, the next wakes when its time comes.
			if (recipient !== undefined && call.settings.pairRateLimiting && this.line.recipientDone(recipient, Date.now())) this.kick();
			const recipientState = recipient === undefined ? undefined : this.pairRate.get(recipient);
			if (response === undefined) {
				call.onFailedAttempt?.();
				this.react(call, failure);
				return;
			}
			if (recipientState) recipientState.strikes = 0;
			this.waba.budgetStrikes = 0;
			call.resolve(response);
		} catch (error) {
			this.env.warn('gate-answer', `Handling an answer failed unexpectedly: ${describeError(error)}`);
			// Unless the call went back in line (react clears `started` first): it will still be sent, and a caller told
			// it failed might send it again (a duplicate message is worse than an error).
			if (call.started) call.reject(error);
		}
	}

	private react(call: PendingCall, failure: unknown): void {
		const now = Date.now();
		if (!isGraphApiError(failure)) {
			this.fail(call, failure, now);
			return;
		}
		const recipientState = call.recipient !== undefined ? this.pairRate.state(call.recipient, now) : undefined;
		if (failure.code === 131056 && recipientState) recipientState.strikes += 1;
		if (failure.code === 80007 && !((failure.usage?.estimatedTimeToRegainAccessMinutes ?? 0) > 0)) this.waba.budgetStrikes += 1;
		const reaction = decideReaction(failure, {
			attempts: call.attempts,
			recipientStrikes: recipientState?.strikes ?? 1,
			budgetStrikes: Math.max(1, this.waba.budgetStrikes),
			settings: call.settings,
			timings: this.env.timings,
			random: this.env.random,
		});
		applyReaction(reaction, this.reactionEffects(call, failure, recipientState, now));
		const fate = fateOf(reaction, call, now);
		if (fate.kind === 'giveUp') {
			this.fail(call, failure, now);
			return;
		}
		call.started = false;
		if (fate.kind === 'retryAt') this.line.retryAt(call, fate.at);
		else if (recipientState) this.line.backToRecipient(call, recipientState, now);
		this.kick();
	}

	/** Where a failed call's reaction takes effect (reactions.ts): this number, its WABA, the call's recipient. */
	private reactionEffects(call: PendingCall, failure: GraphApiError, recipientState: RecipientState | undefined, now: number): ReactionEffects {
		return {
			slowDown: () => {
				this.applySlowDown(now);
				// Only the number's own sliding second (not the app's code 4) says the trip to Meta spreads more than the margin.
				if (failure.code === 130429) this.guard.throttled(now, call.sentAt ?? now, this.slowedCap);
			},
			pauseWaba: (pauseMs) => {
				this.waba.pause(now + pauseMs);
				// The other workers learn it through Redis: their reservations grant nothing until it ends.
				this.shared
					?.pauseWaba(this.waba.key, pauseMs)
					.catch((error: unknown) => this.env.warn('redis-pause', `Could not share the WABA's pause through Redis (${describeError(error)})`));
			},
			pauseNumber: (pauseMs) => {
				if (now + pauseMs > this.pausedUntil) this.pausedUntil = now + pauseMs;
			},
			pauseRecipient: (pauseMs) => {
				if (recipientState) recipientState.blockedUntil = Math.max(recipientState.blockedUntil, now + pauseMs);
			},
		};
	}

	/**
	 * Half the shared second: on a starved event loop the tick comes late, and its move must reach Redis before the
	 * count leaves the window there. Calls written on time are never kept alive (no round trip).
	 */
	private get keepAliveAgeMs(): number {
		return this.sharedWindowMs / 2;
	}

	/** Wake when the oldest unwritten calls counted through Redis need keeping alive (nothing to do: no timer). */
	private armKeepAlive(): void {
		if (this.keepAliveTimer !== undefined || this.released) return;
		const at = this.unwritten.nextKeepAliveAt(this.keepAliveAgeMs);
		if (at === undefined) return;
		this.keepAliveTimer = setTimeout(() => this.keepAlive(), Math.max(0, at - Date.now()));
		this.keepAliveTimer.unref();
	}

	/**
	 * Calls reserved through Redis and still unwritten keep their place in the shared second, as they do here: their
	 * count moves to now (with the tick's departures, one round trip), before other processes see the room free.
	 */
	private keepAlive(): void {
		this.keepAliveTimer = undefined;
		for (const [from, to] of this.unwritten.keepAlive(Date.now(), this.keepAliveAgeMs)) this.queueDeparture(from, to);
		this.armKeepAlive();
	}

	private pendingDepartures: Array<[number, number]> = [];

	/** The departures of one tick go to Redis in one round trip. */
	private queueDeparture(from: number, to: number): void {
		this.pendingDepartures.push([from, to]);
		if (this.pendingDepartures.length > 1) return;
		setImmediate(() => {
			const moves = this.pendingDepartures;
			this.pendingDepartures = [];
			this.shared
				?.moveLate(this.key, this.waba.key, this.env.timings.hourSlotMs, moves)
				.catch((error: unknown) => this.env.warn('redis-move', `Could not record when calls left in Redis (${describeError(error)})`));
		});
	}

	/** A 130429 / code 4: the slow-down cuts the cap (slowDown.ts), and the tokens no longer hold a head start. */
	private applySlowDown(now: number): void {
		this.throttle.throttled(now, this.messagesPerSecond);
		this.pace.tokens = Math.min(this.pace.tokens, this.burst);
	}

	private fail(call: PendingCall, failure: unknown, now: number): void {
		const waitedMs = now - call.firstQueuedAt;
		if (isGraphApiError(failure)) {
			const error = failure as GraphApiError;
			error.attempts = call.attempts;
			error.waitedMs = waitedMs;
			if (call.attempts > 1 || waitedMs >= 1000) {
				error.message = `${error.message} (gave up after ${call.attempts} attempt${call.attempts === 1 ? '' : 's'} and ${(waitedMs / 1000).toFixed(1)} s)`;
			}
		}
		call.reject(failure);
	}

	/** Idle: nothing queued, nothing in flight, nothing parked or delayed. */
	isIdle(): boolean {
		return this.queued === 0 && this.inFlight === 0 && this.heldWeight === 0;
	}

	/** Recipients with a full bucket and nothing parked carry no state worth keeping. */
	sweepRecipients(now: number): void {
		this.pairRate.sweep(now);
	}

	/** Each recipient's pair-rate state (the gate's status reads it). */
	get recipients(): Map<string, RecipientState> {
		return this.pairRate.recipients;
	}

	/** Drop the lane: reject what is still waiting (used only by tests' reset and when the process shuts the gate). */
	release(reason?: Error): void {
		this.released = true;
		this.clearTimer();
		clearTimeout(this.keepAliveTimer);
		this.waba.lanes.delete(this);
		// Its Bottleneck job ends now, whatever is still under way.
		this.leases.endNow();
		if (reason) {
			for (const call of this.line.drain()) call.reject(reason);
		}
		this.leases.stop();
	}
}

/** Callers (index.ts, redis.ts) read these here. */
export { describeError, quietly };
