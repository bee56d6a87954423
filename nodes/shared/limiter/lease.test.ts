/**
 * The Bottleneck lease of one lane, on Bottleneck's local datastore under jest's fake clock: a lane asks for a lease
 * when it has calls, rounds run under it, it is renewed after `leaseMs` (serving until the next starts, at most twice
 * as long), and its job ends only once the calls started under it have answered.
 */
import { LaneLease, type LeaseOwner, type LeaseStore } from './lease';
import { DEFAULT_TIMINGS } from './settings';

const timings = { ...DEFAULT_TIMINGS, leaseMs: 1000 };

interface FakeLane extends LeaseOwner {
	started: number;
	kicks: number;
	released: boolean;
	shared: LeaseStore | undefined;
}

function fakeLane(): FakeLane {
	return { key: 'lane', wabaKey: 'waba', limiterConcurrency: 8 * 2 + 8, leaseWeight: 8, released: false, shared: undefined, started: 0, kicks: 0, kick() { this.kicks++; }, leaseStarted() { this.started++; } };
}

const warnings: string[] = [];
const env = { timings, warn: (_topic: string, message: string) => warnings.push(message) };
let leases: LaneLease[] = [];

function laneLease(owner: LeaseOwner): LaneLease {
	const lease = new LaneLease(owner, env);
	leases.push(lease);
	return lease;
}

beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
	warnings.length = 0;
});

afterEach(async () => {
	for (const lease of leases) {
		lease.endNow();
		lease.stop();
	}
	leases = [];
	await jest.advanceTimersByTimeAsync(100);
	jest.useRealTimers();
});

test('a lane without a lease asks for one; once its job starts a round runs under it', async () => {
	const lane = fakeLane();
	const leasing = laneLease(lane);
	expect(leasing.serving(Date.now())).toBeUndefined();
	// Asked once, however many rounds look meanwhile.
	expect(leasing.serving(Date.now())).toBeUndefined();
	await jest.advanceTimersByTimeAsync(50);
	expect(lane.started).toBe(1);
	const lease = leasing.current;
	expect(lease).toMatchObject({ throughRedis: false, open: true, calls: 0 });
	expect(leasing.serving(Date.now())).toBe(lease);
});

test('a lease past leaseMs serves until the next one starts, and none serves past twice leaseMs', async () => {
	const lane = fakeLane();
	const leasing = laneLease(lane);
	leasing.serving(Date.now());
	await jest.advanceTimersByTimeAsync(50);
	const first = leasing.current!;
	first.calls = 1;
	// Due for renewal: still serves while the next is asked for.
	jest.setSystemTime(first.startedAt + 1000);
	expect(leasing.serving(Date.now())).toBe(first);
	await jest.advanceTimersByTimeAsync(50);
	// The next started: the first is closed, its job waits for its call.
	expect(lane.started).toBe(2);
	expect(leasing.current).not.toBe(first);
	expect(first.open).toBe(false);
	const second = leasing.current!;
	jest.setSystemTime(second.startedAt + 2000);
	expect(leasing.serving(Date.now())).toBeUndefined();
	expect(second.open).toBe(false);
});

test("a closed lease's job ends only when its last call is done; an open one tells the lane it may be given back", async () => {
	const lane = fakeLane();
	const leasing = laneLease(lane);
	leasing.serving(Date.now());
	await jest.advanceTimersByTimeAsync(50);
	const lease = leasing.current!;
	const end = jest.spyOn(lease, 'end');
	lease.calls = 2;
	expect(leasing.callsDone(lease, 1)).toBe(false);
	expect(leasing.callsDone(lease, 1)).toBe(true);
	expect(end).not.toHaveBeenCalled();
	lease.calls = 1;
	leasing.close(lease);
	expect(leasing.current).toBeUndefined();
	expect(end).not.toHaveBeenCalled();
	expect(leasing.callsDone(lease, 1)).toBe(false);
	expect(end).toHaveBeenCalledTimes(1);
});

test('a lease weighs the in-flight cap: with room for one, the next starts only when the last one’s calls are done', async () => {
	const lane = { ...fakeLane(), limiterConcurrency: 8, leaseWeight: 8 };
	const leasing = laneLease(lane);
	leasing.serving(Date.now());
	await jest.advanceTimersByTimeAsync(50);
	const first = leasing.current!;
	first.calls = 1;
	jest.setSystemTime(first.startedAt + 1000);
	expect(leasing.serving(Date.now())).toBe(first);
	await jest.advanceTimersByTimeAsync(50);
	expect(lane.started).toBe(1);
	leasing.close(first);
	await jest.advanceTimersByTimeAsync(50);
	expect(lane.started).toBe(1);
	leasing.callsDone(first, 1);
	await jest.advanceTimersByTimeAsync(50);
	expect(lane.started).toBe(2);
});

test('through a usable store the lease takes the lane’s Redis limiter, and goes local at once when Redis goes away', async () => {
	const lane = fakeLane();
	const local = laneLease({ ...fakeLane(), key: 'stand-in' });
	let usable = true;
	lane.shared = { usable: () => usable, limiterFor: () => (usable ? local.localLimiter : undefined), forget: () => undefined, answers: async () => usable };
	const leasing = laneLease(lane);
	leasing.serving(Date.now());
	await jest.advanceTimersByTimeAsync(50);
	const throughRedis = leasing.current!;
	expect(throughRedis.throughRedis).toBe(true);
	usable = false;
	expect(leasing.serving(Date.now())).toBeUndefined();
	expect(throughRedis.open).toBe(false);
	await jest.advanceTimersByTimeAsync(50);
	expect(leasing.current?.throughRedis).toBe(false);
});

test('a dropped lane starts no lease, and ends the one it holds', async () => {
	const lane = fakeLane();
	const leasing = laneLease(lane);
	leasing.serving(Date.now());
	await jest.advanceTimersByTimeAsync(50);
	const lease = leasing.current!;
	const end = jest.spyOn(lease, 'end');
	lease.calls = 3;
	lane.released = true;
	leasing.endNow();
	expect(end).toHaveBeenCalledTimes(1);
	expect(leasing.serving(Date.now())).toBeUndefined();
	await jest.advanceTimersByTimeAsync(50);
	expect(lane.started).toBe(1);
});
