/**
 * The WABA's rolling budgets under a fake clock. Figures from Meta's "Graph API rate limits" (see CLOUD_API.md):
 * 1,800,000 messaging calls per registered number per rolling hour; management calls 200 an hour, 5,000 with a
 * registered number.
 */
import { ManagementBudget, WabaBudget, type BudgetMember } from './budget';
import { DEFAULT_TIMINGS, type GateSettings } from './settings';

// A one-second "hour" in 10 ms slots, with a 100 ms guard: the window holds a call for 1,100 ms.
const env = { timings: { ...DEFAULT_TIMINGS, hourMs: 1000, hourGuardMs: 100, hourSlotMs: 10 } };

function settings(overrides: Partial<GateSettings> = {}): GateSettings {
	return {
		messagesPerSecond: 80,
		automaticThroughput: false,
		registeredNumbers: 0,
		hourlyCallBudget: 0,
		pairRateLimiting: true,
		countInboundMessages: true,
		maxAttempts: 5,
		maxWaitMs: 300_000,
		retryAmbiguous: false,
		...overrides,
	};
}

function member(): BudgetMember & { kicks: number } {
	return { kicks: 0, queued: 0, inFlight: 0, sharedThroughRedis: false, window: undefined as never, kick() { this.kicks++; } };
}

test('the hourly budget is 1,800,000 per registered number, counts 1 number while none is known, and an override wins', () => {
	const budget = new WabaBudget('w', undefined, settings(), env, 0);
	expect(budget.hourlyBudget).toBe(1_800_000);
	budget.discoveredNumbers = 3;
	expect(budget.hourlyBudget).toBe(5_400_000);
	budget.settings = settings({ registeredNumbers: 2 });
	expect(budget.hourlyBudget).toBe(3_600_000);
	budget.settings = settings({ registeredNumbers: 2, hourlyCallBudget: 500 });
	expect(budget.hourlyBudget).toBe(500);
});

test('what is available leaves out the calls in the rolling hour and those whose reservation is under way', () => {
	const budget = new WabaBudget('w', undefined, settings({ hourlyCallBudget: 10 }), env, 0);
	budget.window.record(0, 4);
	budget.reservedPending = 3;
	expect(budget.available(500)).toBe(3);
	budget.reservedPending = 8;
	expect(budget.available(500)).toBe(0);
});

test('calls leave the rolling hour only once the hour and its guard have passed', () => {
	const budget = new WabaBudget('w', undefined, settings({ hourlyCallBudget: 10 }), env, 0);
	budget.window.record(5, 10);
	expect(budget.available(1099)).toBe(0);
	expect(budget.window.nextAvailableAt(1099, 10)).toBe(1110);
	expect(budget.available(1110)).toBe(10);
});

test('a pause only ever extends, and every lane of the WABA is told', () => {
	const budget = new WabaBudget('w', undefined, settings(), env, 0);
	const lanes = [member(), member()];
	for (const lane of lanes) budget.lanes.add(lane);
	budget.pause(5000);
	budget.pause(3000);
	expect(budget.pausedUntil).toBe(5000);
	expect(lanes.map((lane) => lane.kicks)).toEqual([2, 2]);
});

test('the management budget is 200 an hour, 5,000 once the messaging budget knows a registered number', () => {
	const messaging = new WabaBudget('w', undefined, settings(), env, 0);
	const management = new ManagementBudget('w:m', undefined, settings({ hourlyCallBudget: 999 }), env, messaging, 0);
	expect(management.hourlyBudget).toBe(200);
	messaging.discoveredNumbers = 1;
	expect(management.hourlyBudget).toBe(5000);
});

test('the management budget has its own rolling hour and pause: neither family holds the other', () => {
	const messaging = new WabaBudget('w', undefined, settings(), env, 0);
	const management = new ManagementBudget('w:m', undefined, settings(), env, messaging, 0);
	management.window.record(0, 200);
	management.pause(9000);
	expect(management.available(10)).toBe(0);
	expect(messaging.available(10)).toBe(1_800_000);
	expect(messaging.pausedUntil).toBe(0);
});

test('a budget made at a given time was last active then', () => {
	expect(new WabaBudget('w', 'waba', settings(), env, 1234).lastActivityAt).toBe(1234);
});
