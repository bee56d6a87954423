/**
 * The rolling budgets of a WABA: its messaging calls' rolling hour (1,800,000 calls per registered number, Meta's
 * "Graph API rate limits") and, apart, its management calls' (200 an hour, 5,000 with a registered number), each with
 * its own 80007 pause. Shared by every number of the WABA in this process; the clock is passed in.
 */
import { CALLS_PER_HOUR_PER_NUMBER, MANAGEMENT_CALLS_PER_HOUR, type GateSettings, type GateTimings } from './settings';
import { SlidingWindow } from './slidingWindow';
import { ProvenSettings, Users } from './tenancy';

/** A lane counting in the budget: told when a pause begins (look again); read for the WABA's status row. */
export interface BudgetMember {
	kick(): void;
	readonly queued: number;
	readonly inFlight: number;
	readonly sharedThroughRedis: boolean;
	readonly window: SlidingWindow;
}

export type BudgetTimings = Pick<GateTimings, 'hourMs' | 'hourGuardMs' | 'hourSlotMs'>;

/** The WABA's rolling-hour budget and pauses, shared by every number of the WABA in this process. */
export class WabaBudget {
	readonly window: SlidingWindow;
	pausedUntil = 0;
	budgetStrikes = 0;
	/** Calls of rounds whose reservation is under way (already promised against the budget). */
	reservedPending = 0;
	/** Registered numbers read from the WABA (0 = not known). */
	discoveredNumbers = 0;
	lookupState: 'none' | 'pending' | 'done' = 'none';
	lookupRetryAt = 0;
	/** Registered numbers and budget override: the most permissive of the credentials that proved access to the WABA. */
	settings: GateSettings;
	readonly offers = new ProvenSettings();
	/** Whether one token alone used it (it may see the counters before proving access, see tenancy.ts). */
	readonly users = new Users();
	lastActivityAt: number;
	readonly lanes = new Set<BudgetMember>();

	constructor(
		readonly key: string,
		readonly wabaId: string | undefined,
		settings: GateSettings,
		env: { timings: BudgetTimings },
		createdAt = Date.now(),
	) {
		this.settings = settings;
		this.lastActivityAt = createdAt;
		const { hourMs, hourGuardMs, hourSlotMs } = env.timings;
		this.window = new SlidingWindow(hourMs + hourGuardMs, hourSlotMs);
	}

	/** Registered numbers from the credential, else read from the WABA (0 = not known yet). */
	get registeredNumbers(): number {
		return this.settings.registeredNumbers || this.discoveredNumbers;
	}

	/** 1,800,000 × registered numbers (1 while not known) unless overridden. */
	get hourlyBudget(): number {
		if (this.settings.hourlyCallBudget > 0) return this.settings.hourlyCallBudget;
		return CALLS_PER_HOUR_PER_NUMBER * (this.registeredNumbers || 1);
	}

	available(now: number): number {
		return Math.max(0, this.window.available(now, this.hourlyBudget) - this.reservedPending);
	}

	pause(until: number): void {
		if (until > this.pausedUntil) this.pausedUntil = until;
		for (const lane of this.lanes) lane.kick();
	}
}

/**
 * The WABA's management calls (the WABA itself, templates, phone numbers, subscriptions): their own rolling hour and
 * their own 80007 pause, so neither family's 80007 holds the other. 200 per hour, 5,000 once the WABA has a
 * registered number (as the messaging budget knows it).
 */
export class ManagementBudget extends WabaBudget {
	constructor(
		key: string,
		wabaId: string | undefined,
		settings: GateSettings,
		env: { timings: BudgetTimings },
		readonly messaging: WabaBudget,
		createdAt = Date.now(),
	) {
		super(key, wabaId, settings, env, createdAt);
	}

	override get hourlyBudget(): number {
		return this.messaging.registeredNumbers > 0 ? MANAGEMENT_CALLS_PER_HOUR.withRegisteredNumber : MANAGEMENT_CALLS_PER_HOUR.withoutRegisteredNumber;
	}
}
