/**
 * Cross-process limits for n8n queue mode: one ioredis connection per Redis target, Bottleneck's Redis datastore for
 * the shared in-flight cap, and one Lua script that reserves call starts under the number's sliding second and the
 * WABA's rolling hour atomically (Redis' own clock, so workers' clocks may disagree). Counts are per-slot hash fields
 * with an expiry longer than their window: a worker that dies mid-hour leaves its calls counted until they age out.
 */
import { createHash, randomBytes } from 'crypto';
import Bottleneck from 'bottleneck';
import { quietly, type GateEnvironment } from './gate';
import type { CarryRequest, SharedStore } from './store';
import type { LeasedLane } from './lease';
import { callRedisWithin, connectRedis, RedisMasterDownError, RedisOutageError, redisServerOf, redisUnavailable, type RedisClient, type RedisTarget } from '../redis';

/** Number windows count in 5 ms slots in Redis (200 fields per second), budget windows in their own slots. */
const NUMBER_SLOT_MS = 5;
/** How long the first calls wait for the first connection before the gate starts on local limits. */
const FIRST_CONNECT_WAIT_MS = 2000;

// The scripts' common start: each hash holds slot → count plus `total`, `oldest`, `newest`; `evict` drops the slots
// out of the window ending at `now`, Redis' own clock in ms.
const EVICT_LUA = `
local function evict(key, now, windowMs, slotMs)
	local firstLive = math.floor((now - windowMs) / slotMs)
	local total = tonumber(redis.call('HGET', key, 'total') or '0')
	local oldest = tonumber(redis.call('HGET', key, 'oldest') or tostring(firstLive))
	local newest = tonumber(redis.call('HGET', key, 'newest') or '-1')
	if newest < firstLive then
		redis.call('DEL', key)
		return 0, firstLive
	end
	while oldest < firstLive do
		local value = redis.call('HGET', key, tostring(oldest))
		if value then
			total = total - tonumber(value)
			redis.call('HDEL', key, tostring(oldest))
		end
		oldest = oldest + 1
	end
	redis.call('HSET', key, 'total', total, 'oldest', oldest)
	return total, oldest
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

// KEYS: number hash, WABA hash, WABA pause, number's slow-down. ARGV: requested, numberCap, numberWindowMs, numberSlotMs, budgetCap,
// budgetWindowMs, budgetSlotMs, wanted (optional, 1 by default), afterFirstMs (optional), slowCap (the caller's cap
// while slowed down after 130429, else 0), slowShareMs (how long a slowed cap binds the others; 0: this request neither
// shares nor obeys one), caller (the process's id: its own slowed cap it may raise). Returns { granted, retryInMs,
// redisNow, paused, numberCount }: numberCount is the calls in the number's window with those granted; retryInMs is
// when `wanted` more calls (at most the rest of the request) fit in the number's window,
// but at most `afterFirstMs` after the first one does (the tail of a second must not wait for the next second), and no
// later than the last place freeing within that span (a clump that frees at once is taken then, as pacer.ts does);
// nothing is granted while the WABA is paused.
const RESERVE_SCRIPT = `${EVICT_LUA}
local function retryIn(key, now, windowMs, slotMs, oldest, excess, wantedMore, afterFirstMs)
	local newest = tonumber(redis.call('HGET', key, 'newest') or '-1')
	local slot = oldest
	local first, last
	while slot <= newest do
		local value = redis.call('HGET', key, tostring(slot))
		if value then
			local at = (slot + 1) * slotMs + windowMs - now
			if first ~= nil and at > first + afterFirstMs then return last end
			excess = excess - tonumber(value)
			if first == nil and excess - wantedMore + 1 <= 0 then first = at end
			if first ~= nil then last = at end
			if excess <= 0 then return at end
		end
		slot = slot + 1
	end
	return last or slotMs
end
local pausedUntil = tonumber(redis.call('GET', KEYS[3]) or '0')
if pausedUntil > now then return { 0, pausedUntil - now, now, 1 } end
local requested = tonumber(ARGV[1])
local numberCap, numberWindowMs, numberSlotMs = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local budgetCap, budgetWindowMs, budgetSlotMs = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local numberTotal, numberOldest = evict(KEYS[1], now, numberWindowMs, numberSlotMs)
-- The slow-down after 130429 is the number's, whoever drew it: the lowest slowed cap a process reserved under in the
-- last slowShareMs binds every process's rounds (else one left at full cap fills the second, and the slowed one waits
-- until it is done). The process whose cap is in force renews it (recovering, it raises it); another's higher cap
-- replaces it only once it is no longer renewed.
local slowCap, slowShareMs, caller = tonumber(ARGV[10] or '0'), tonumber(ARGV[11] or '0'), ARGV[12] or ''
if slowShareMs > 0 then
	local shared = redis.call('HMGET', KEYS[4], 'slowCap', 'slowUntil', 'slowBy')
	local sharedCap, sharedUntil = tonumber(shared[1] or ''), tonumber(shared[2] or '0')
	if slowCap > 0 and (sharedUntil <= now or sharedCap == nil or slowCap <= sharedCap or shared[3] == caller) then
		redis.call('HSET', KEYS[4], 'slowCap', slowCap, 'slowUntil', now + slowShareMs, 'slowBy', caller)
		redis.call('PEXPIRE', KEYS[4], slowShareMs)
		sharedCap, sharedUntil = slowCap, now + slowShareMs
	end
	if sharedUntil > now and sharedCap ~= nil then numberCap = math.min(numberCap, sharedCap) end
end
local budgetTotal, budgetOldest = evict(KEYS[2], now, budgetWindowMs, budgetSlotMs)
local granted = math.max(0, math.min(requested, numberCap - numberTotal, budgetCap - budgetTotal))
local wait = 0
-- A head start's calls are moved a little ahead of Redis's present (moveLate): the newest slot never goes back.
local function count(key, slot, granted, total)
	redis.call('HINCRBY', key, tostring(slot), granted)
	local newest = tonumber(redis.call('HGET', key, 'newest') or '-1')
	redis.call('HSET', key, 'total', total + granted, 'newest', math.max(slot, newest))
	if redis.call('HEXISTS', key, 'oldest') == 0 then redis.call('HSET', key, 'oldest', slot) end
end
if granted > 0 then
	count(KEYS[1], math.floor(now / numberSlotMs), granted, numberTotal)
	count(KEYS[2], math.floor(now / budgetSlotMs), granted, budgetTotal)
end
if granted < requested then
	if numberCap - numberTotal < requested then
		local wanted = math.max(1, math.min(requested - granted, tonumber(ARGV[8] or '1')))
		local afterFirstMs = tonumber(ARGV[9] or '') or numberWindowMs
		wait = retryIn(KEYS[1], now, numberWindowMs, numberSlotMs, numberOldest, numberTotal + granted + wanted - numberCap, wanted, afterFirstMs)
	else
		wait = budgetSlotMs
	end
end
redis.call('PEXPIRE', KEYS[1], numberWindowMs + 60000)
redis.call('PEXPIRE', KEYS[2], budgetWindowMs + 60000)
return { granted, wait, now, 0, numberTotal + granted }
`;

// KEYS: number hash. ARGV: count, numberWindowMs, numberSlotMs. Messages customers sent to the number take `count`
// places in its window at Redis time, whatever its cap (they already happened); sends' reservations then see them.
// Returns Redis time. The WABA's hour is not touched: an inbound message is no Graph call.
const INBOUND_SCRIPT = `${EVICT_LUA}
local count, windowMs, slotMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local total = evict(KEYS[1], now, windowMs, slotMs)
local slot = math.floor(now / slotMs)
redis.call('HINCRBY', KEYS[1], tostring(slot), count)
redis.call('HSET', KEYS[1], 'total', total + count)
local newest = tonumber(redis.call('HGET', KEYS[1], 'newest') or '-1')
if slot > newest then redis.call('HSET', KEYS[1], 'newest', slot) end
if redis.call('HEXISTS', KEYS[1], 'oldest') == 0 then redis.call('HSET', KEYS[1], 'oldest', slot) end
redis.call('PEXPIRE', KEYS[1], windowMs + 60000)
return now
`;

// KEYS: number hash, WABA hash. ARGV: numberWindowMs, numberSlotMs, budgetWindowMs, budgetSlotMs, n, then n pairs of
// (ageMs, count) for the number's second, then pairs for the WABA's hour. Calls this process started on local limits
// while Redis was lost (or restarted empty) join the shared counts once it answers again, each at Redis time minus its
// age (negative: a head start's, ahead of the present), those already out of their window skipped. Else every process's
// calls of the last second before the return are missing from the number's second and the processes together go over
// it. Returns Redis time.
const CARRY_SCRIPT = `${EVICT_LUA}
local numberWindowMs, numberSlotMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local budgetWindowMs, budgetSlotMs, numberPairs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function add(key, slot, count, total)
	redis.call('HINCRBY', key, tostring(slot), count)
	local newest = tonumber(redis.call('HGET', key, 'newest') or '-1')
	local first = tonumber(redis.call('HGET', key, 'oldest') or tostring(slot))
	-- A past slot below the stored oldest moves it back, so eviction still walks over it.
	redis.call('HSET', key, 'total', total + count, 'newest', math.max(slot, newest), 'oldest', math.min(slot, first))
	return total + count
end
local function carry(key, windowMs, slotMs, from, to)
	if to < from then return end
	local total = evict(key, now, windowMs, slotMs)
	local firstLive = math.floor((now - windowMs) / slotMs)
	for i = from, to, 2 do
		local slot = math.floor((now - tonumber(ARGV[i])) / slotMs)
		local count = tonumber(ARGV[i + 1])
		if slot >= firstLive and count > 0 then total = add(key, slot, count, total) end
	end
	redis.call('PEXPIRE', key, windowMs + 60000)
end
carry(KEYS[1], numberWindowMs, numberSlotMs, 6, 6 + 2 * numberPairs - 2)
carry(KEYS[2], budgetWindowMs, budgetSlotMs, 6 + 2 * numberPairs, #ARGV - 1)
return now
`;

// KEYS: WABA pause. ARGV: pause length in ms. Sets the pause to end at Redis time + ms unless it already ends later.
const PAUSE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1])) end
return untilMs
`;

// KEYS: number hash, WABA hash. ARGV: numberSlotMs, budgetSlotMs, then pairs of (countedAt, sentAt) in Redis ms.
// Each call is moved to when it really left this process (the transport's `onSent`), or, still unwritten, to the
// present (kept alive). A call whose slot left the window still counts from `to`, even once the hash itself is gone.
const MOVE_SCRIPT = `
local function move(key, slotMs, from, to)
	local fromSlot = math.floor(from / slotMs)
	local toSlot = math.floor(to / slotMs)
	if fromSlot == toSlot then return end
	if redis.call('EXISTS', key) == 0 then
		-- Its oldest slot is at most Redis's present, where reservations count; it lives an hour's hash's time (a reservation then sets its own).
		local time = redis.call('TIME')
		local nowSlot = math.floor((tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)) / slotMs)
		redis.call('HSET', key, 'total', 0, 'oldest', math.min(toSlot, nowSlot), 'newest', -1)
		redis.call('PEXPIRE', key, 3660000)
	end
	local oldest = tonumber(redis.call('HGET', key, 'oldest') or '0')
	local value = tonumber(redis.call('HGET', key, tostring(fromSlot)) or '0')
	local total = tonumber(redis.call('HGET', key, 'total') or '0')
	if fromSlot >= oldest and value > 0 then
		redis.call('HINCRBY', key, tostring(fromSlot), -1)
		total = total - 1
	end
	redis.call('HINCRBY', key, tostring(toSlot), 1)
	local newest = tonumber(redis.call('HGET', key, 'newest') or '-1')
	if toSlot > newest then redis.call('HSET', key, 'newest', toSlot) end
	redis.call('HSET', key, 'total', total + 1)
end
local numberSlotMs, budgetSlotMs = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
	local from, to = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
	move(KEYS[1], numberSlotMs, from, to)
	move(KEYS[2], budgetSlotMs, from, to)
end
return 1
`;

/**
 * The number's and the WABA's keys, and the WABA's pause: one Lua script touches them together, so on a Redis Cluster
 * they share the WABA's {hash tag} (one slot).
 */
export function redisKeys(numberKey: string, wabaKey: string): [string, string, string, string] {
	// Every round's reservation needs them: two SHA-256 per round were ~7 % of a Redis worker's CPU (CPU profile).
	const cacheKey = `${numberKey}\0${wabaKey}`;
	let keys = keysCache.get(cacheKey);
	if (!keys) {
		const tag = `{wa-gate:${hashKey(wabaKey)}}`;
		const number = `${tag}:n:${hashKey(numberKey)}`;
		// The number's shared slow-down has a key of its own: the number's hash goes when its window empties.
		keys = [number, `${tag}:w`, `${tag}:pause`, `${number}:slow`];
		// Numbers × WABAs this process sends for: a handful; the cap only bounds a pathological churn.
		if (keysCache.size >= 10_000) keysCache.clear();
		keysCache.set(cacheKey, keys);
	}
	return keys;
}

const keysCache = new Map<string, [string, string, string, string]>();

/**
 * A lane's Bottleneck limiter id: a {hash tag}, so Bottleneck's keys b_<id>_* live in one Redis Cluster slot, as its
 * Lua scripts need. "lease": the limiter holds leases (not the per-round batches of earlier versions, sized differently).
 */
/** Bottleneck's id for this process's registration in a Redis limiter (its `client_*` entries). */
function clientIdOf(limiter: Bottleneck | undefined): string {
	return String((limiter as unknown as { _store?: { clientId?: string } } | undefined)?._store?.clientId ?? '');
}

export function limiterId(lane: Pick<LeasedLane, 'key'>): string {
	return `{wa-gate-lease-${hashKey(lane.key)}}`;
}

/**
 * A key of each Redis Cluster master a lane shares through: its counts' (the WABA's hash tag) and its lease limiter's
 * (a tag of its own). On a single Redis, Redis itself.
 */
function laneKeys(lane: LeasedLane): string[] {
	// Read several times a round: hashed once per lane and WABA, as redisKeys.
	const cached = laneKeysCache.get(lane);
	if (cached?.wabaKey === lane.wabaKey) return cached.keys;
	const keys = [redisKeys(lane.key, lane.wabaKey)[0], `b_${limiterId(lane)}_settings`];
	laneKeysCache.set(lane, { wabaKey: lane.wabaKey, keys });
	return keys;
}

const laneKeysCache = new WeakMap<LeasedLane, { wabaKey: string; keys: string[] }>();

export function hashKey(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

type ReservingRedis = RedisClient & {
	waGateReserve(
		numberKey: string,
		wabaKey: string,
		pauseKey: string,
		slowKey: string,
		...args: Array<string | number>
	): Promise<[number, number, number, number, number?]>;
	waGateMove(numberKey: string, wabaKey: string, ...args: Array<string | number>): Promise<number>;
	waGatePause(pauseKey: string, pauseMs: number): Promise<number>;
	waGateInbound(numberKey: string, count: number, windowMs: number, slotMs: number): Promise<number>;
	waGateCarry(numberKey: string, wabaKey: string, ...args: number[]): Promise<number>;
};

/** A limiter let go without Bottleneck's disconnect: its heartbeat (a Redis script every 5 s) stops. */
function stopHeartbeat(limiter: Bottleneck): void {
	const store = (limiter as unknown as { _store?: { heartbeat?: NodeJS.Timeout } })._store;
	if (store?.heartbeat) clearInterval(store.heartbeat);
}

/** Small JSON texts every process sees, each expiring after its own time (the management cache). */
export interface SharedEntries {
	/** The text and how long it still lives, or undefined. */
	get(key: string): Promise<{ value: string; ttlMs: number } | undefined>;
	set(key: string, value: string, ttlMs: number): Promise<void>;
	delete(key: string): Promise<void>;
}

/** A shared entry's Redis key: hashed, so a template name or a URL never lands in Redis as it is. */
export function entryKey(key: string): string {
	return `wa-cache:${hashKey(key)}`;
}

/** One Redis target: its client, Bottleneck connection and the Redis limiter of each lane. */
export class RedisStore implements SharedStore, SharedEntries {
	readonly client: ReservingRedis;
	private connection: Bottleneck.IORedisConnection | undefined;
	private readonly limiters = new Map<LeasedLane, Bottleneck>();
	private wasReady = false;
	private failedOnce = false;
	/** The first connection was still not made when the gate stopped waiting for it (warned then, and once made). */
	private firstConnectMissed = false;
	private readonly firstConnectTimer: NodeJS.Timeout;
	private closed = false;
	/** What was found frozen or down and has not answered since: Redis ('') or a cluster's masters (warned once each way). */
	private readonly out = new Set<string>();
	/** Leases waiting in their Redis limiter asked whether its master still answers: the answers to come, by probed key. */
	private readonly probes = new Map<string, Promise<boolean>>();
	private readonly createdAt = Date.now();
	/** When a credential last asked for this connection: one unused for a while is closed (a rotated password's). */
	lastUsedAt = Date.now();

	/** Names the server in warnings (never the password). */
	readonly targetKey: string;
	/** This process's store in the shared slow-down (the reservation script's `caller`). */
	private readonly callerId = randomBytes(8).toString('hex');

	constructor(
		target: RedisTarget,
		private readonly env: GateEnvironment,
	) {
		this.targetKey = target.id;
		const targetKey = target.id;
		const server = redisServerOf(target);
		this.client = connectRedis({ ...target, options: { ...target.options, lazyConnect: false } }, (message) =>
			env.warn(`redis-version:${server}`, message),
		) as ReservingRedis;
		this.client.defineCommand('waGateReserve', { numberOfKeys: 4, lua: RESERVE_SCRIPT });
		this.client.defineCommand('waGateMove', { numberOfKeys: 2, lua: MOVE_SCRIPT });
		this.client.defineCommand('waGatePause', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
		this.client.defineCommand('waGateInbound', { numberOfKeys: 1, lua: INBOUND_SCRIPT });
		this.client.defineCommand('waGateCarry', { numberOfKeys: 2, lua: CARRY_SCRIPT });
		this.client.on('error', (error: Error) => {
			this.failedOnce = true;
			// ioredis errors name host and port at most, never the password.
			env.warn(`redis-error:${targetKey}`, `Redis ${targetKey} unreachable (${error.message}); the gate uses local limits until it is back`);
		});
		// A first connection still not made when lanes stop waiting for it (a server that accepts but does not answer, or a
		// Cluster master frozen during ioredis's ready check, which has no deadline): they go local; say so, as for a loss.
		this.firstConnectTimer = setTimeout(() => {
			if (this.closed || this.wasReady || this.failedOnce) return;
			this.firstConnectMissed = true;
			env.warn(`redis-first-connect:${targetKey}`, `Redis ${targetKey} has not finished connecting within ${FIRST_CONNECT_WAIT_MS / 1000} s; the gate uses local limits until it does`);
		}, FIRST_CONNECT_WAIT_MS);
		this.firstConnectTimer.unref();
		this.client.on('ready', () => {
			if (!this.wasReady && this.firstConnectMissed) env.warn(`redis-connected:${targetKey}`, `Redis ${targetKey} is connected; the gate shares its limits through it`);
			if (this.wasReady) {
				// After a Redis restart Bottleneck's keys are gone (and 2.19.5 cannot re-register on Redis 7): start afresh.
				this.resetLimiters();
				env.warn(`redis-back:${targetKey}`, `Redis ${targetKey} is back; the gate shares its limits through it again`);
			}
			this.wasReady = true;
		});
	}

	/**
	 * The lane (without one: every lane) can share through Redis now. On a Redis Cluster only the masters holding the
	 * lane's keys count: another one frozen or down leaves it shared.
	 */
	usable(lane?: LeasedLane): boolean {
		return this.usableFor(lane && laneKeys(lane));
	}

	/** Connected, and no call on these keys (without keys: none at all) is past its deadline unanswered or refused by its master. */
	private usableFor(keys: string[] | undefined): boolean {
		return this.connected() && !redisUnavailable(this.client, keys);
	}

	private connected(): boolean {
		return !this.closed && this.client.status === 'ready';
	}

	/**
	 * A gate call to Redis on `keys` with a deadline (`redisAnswerMs`): a frozen Redis (or cluster master) keeps the
	 * connection open and answers nothing, so the call fails in time (its caller goes local); a cluster master that is
	 * down refuses it. Either way the lanes whose keys it holds are unusable until it answers again.
	 */
	private answered<T>(keys: string[], call: () => Promise<T>): Promise<T> {
		return callRedisWithin(this.client, call, this.env.timings.redisAnswerMs, keys).catch((error: unknown) => {
			if (error instanceof RedisOutageError) this.noteOutage(error);
			throw error;
		});
	}

	/** Warn once that Redis (or a cluster's master) froze or went down, and once that it answers again (its lanes share through it again). */
	private noteOutage(error: RedisOutageError): void {
		const { node, over } = error;
		if (node === undefined || this.out.has(node) || this.closed) return;
		this.out.add(node);
		const down = error instanceof RedisMasterDownError;
		const { redisAnswerMs } = this.env.timings;
		const what = node ? `Redis Cluster master ${node} of ${this.targetKey}` : `Redis ${this.targetKey}`;
		const local = node ? 'the numbers whose counts or leases it holds use local limits' : 'the gate uses local limits';
		const shared = node ? 'the numbers whose counts or leases it holds share their limits through it again' : 'the gate shares its limits through it again';
		this.env.warn(
			`redis-${down ? 'down' : 'frozen'}:${this.targetKey}${node && `:${node}`}`,
			down ? `${what} is unreachable (${error.message}); ${local} until it is back` : `${what} did not answer within ${redisAnswerMs} ms; ${local} until it answers`,
		);
		void over.then(() => {
			this.out.delete(node);
			if (!this.connected()) return;
			this.env.warn(`redis-${down ? 'up' : 'thawed'}:${this.targetKey}${node && `:${node}`}`, `${what} ${down ? 'is back' : 'answers again'}; ${shared}`);
		});
	}

	/**
	 * A lease waits in the lane's Redis limiter: true when Redis still answers (within the deadline). Bottleneck's own
	 * calls have no deadline, so a frozen Redis would hold the lease for good; its limiter's key routes the probe to the
	 * same Redis Cluster master. Leases waiting on one limiter share one probe.
	 */
	async answers(lane: LeasedLane): Promise<boolean> {
		if (!this.usable(lane)) return false;
		const id = limiterId(lane);
		const settings = `b_${id}_settings`;
		let probe = this.probes.get(settings);
		if (!probe) {
			const limiter = this.limiters.get(lane);
			probe = this.answered([settings], () => this.client.multi().exists(settings).zscore(`b_${id}_client_last_seen`, clientIdOf(limiter)).exec()).then(
				(answers) => {
					// Redis lost the limiter's keys (a restart without persistence, a flush, an eviction) or this process's
					// registration while the lease waited in it: 2.19.5 never drains that limiter again (its register fails).
					// Drop it: the waiting lease takes a fresh one.
					const [exists, seen] = answers ?? [];
					const lost = exists?.[1] === 0 || seen?.[1] === null;
					if (lost && limiter) this.forget(lane, limiter);
					return true;
				},
				() => this.usable(lane),
			);
			this.probes.set(settings, probe);
			void probe.then(() => this.probes.delete(settings));
		}
		return probe;
	}

	/** The first connection is still being made: wait for it rather than start with local limits. */
	connecting(): boolean {
		return !this.closed && !this.wasReady && !this.failedOnce && Date.now() - this.createdAt < FIRST_CONNECT_WAIT_MS;
	}

	/** Usable now, or once the first connection is made (waiting at most what is left of the first-connect wait). */
	async whenReady(): Promise<boolean> {
		if (this.connected() || !this.connecting()) return this.connected();
		await new Promise<void>((resolve) => {
			const done = (): void => {
				clearTimeout(timer);
				this.client.off('ready', done);
				resolve();
			};
			const timer = setTimeout(done, Math.max(0, FIRST_CONNECT_WAIT_MS - (Date.now() - this.createdAt)));
			this.client.once('ready', done);
		});
		return this.connected();
	}

	async get(key: string): Promise<{ value: string; ttlMs: number } | undefined> {
		const name = entryKey(key);
		const answers = await this.answered([name], () => this.client.multi().get(name).pttl(name).exec());
		const value = answers?.[0]?.[1];
		const ttlMs = Number(answers?.[1]?.[1]);
		return typeof value === 'string' && ttlMs > 0 ? { value, ttlMs } : undefined;
	}

	async set(key: string, value: string, ttlMs: number): Promise<void> {
		const name = entryKey(key);
		await this.answered([name], () => this.client.set(name, value, 'PX', Math.max(1, Math.ceil(ttlMs))));
	}

	async delete(key: string): Promise<void> {
		const name = entryKey(key);
		await this.answered([name], () => this.client.del(name));
	}

	async reserve(request: Parameters<SharedStore['reserve']>[0]): Promise<Awaited<ReturnType<SharedStore['reserve']>>> {
		const keys = redisKeys(request.numberKey, request.wabaKey);
		const [granted, retryInMs, redisNow, paused, numberCount] = await this.answered(keys, () =>
			this.client.waGateReserve(
				...keys,
				request.requested,
				request.numberCap,
				request.numberWindowMs,
				NUMBER_SLOT_MS,
				request.budgetCap,
				request.budgetWindowMs,
				request.budgetSlotMs,
				request.wanted ?? 1,
				request.afterFirstMs ?? request.numberWindowMs,
				request.slowCap ?? 0,
				request.slowShareMs ?? 0,
				this.callerId,
			),
		);
		return { granted: Number(granted), retryInMs: Number(retryInMs), redisNow: Number(redisNow), paused: Number(paused) === 1, numberCount: numberCount === undefined ? undefined : Number(numberCount) };
	}

	/** Pause the WABA for every process (80007): reservations grant nothing until it ends, on Redis's clock. */
	async pauseWaba(wabaKey: string, pauseMs: number): Promise<void> {
		const pause = redisKeys('', wabaKey)[2];
		if (!this.usableFor([pause]) || pauseMs <= 0) return;
		await this.answered([pause], () => this.client.waGatePause(pause, Math.ceil(pauseMs)));
	}

	async recordInbound(numberKey: string, wabaKey: string, count: number, numberWindowMs: number): Promise<void> {
		const numberHash = redisKeys(numberKey, wabaKey)[0];
		await this.answered([numberHash], () => this.client.waGateInbound(numberHash, count, numberWindowMs, NUMBER_SLOT_MS));
	}

	async carry(request: CarryRequest): Promise<void> {
		const [numberHash, wabaHash] = redisKeys(request.numberKey, request.wabaKey);
		const pairs = (list: Array<[number, number]>) => list.flatMap(([ageMs, count]) => [Math.round(ageMs), count]);
		await this.answered([numberHash, wabaHash], () =>
			this.client.waGateCarry(numberHash, wabaHash, request.numberWindowMs, NUMBER_SLOT_MS, request.budgetWindowMs, request.budgetSlotMs, request.second.length, ...pairs(request.second), ...pairs(request.hour)),
		);
	}

	async moveLate(numberKey: string, wabaKey: string, budgetSlotMs: number, moves: Array<[number, number]>): Promise<void> {
		// A call that left within the slot it was counted in stays where it is (the script would skip it): no round trip.
		const crossing = moves.filter(([from, to]) => Math.floor(from / NUMBER_SLOT_MS) !== Math.floor(to / NUMBER_SLOT_MS));
		const [numberHash, wabaHash] = redisKeys(numberKey, wabaKey);
		if (crossing.length === 0 || !this.usableFor([numberHash])) return;
		await this.answered([numberHash, wabaHash], () => this.client.waGateMove(numberHash, wabaHash, NUMBER_SLOT_MS, budgetSlotMs, ...crossing.flat()));
	}

	limiterFor(lane: LeasedLane): Bottleneck | undefined {
		if (!this.usable(lane)) return undefined;
		let limiter = this.limiters.get(lane);
		if (!limiter) {
			if (!this.connection) {
				this.connection = new Bottleneck.IORedisConnection({ client: this.client });
				this.connection.on('error', (error: unknown) =>
					this.env.warn(`bottleneck-redis:${this.targetKey}`, `Bottleneck's Redis connection failed: ${String((error as Error)?.message ?? error)}`),
				);
			}
			const maxConcurrent = lane.limiterConcurrency;
			limiter = new Bottleneck({
				id: limiterId(lane),
				datastore: 'ioredis',
				connection: this.connection,
				maxConcurrent,
				clearDatastore: false,
			});
			const created = limiter;
			created.on('error', (error: unknown) => {
				this.env.warn(`bottleneck-redis:${this.targetKey}`, `Bottleneck (Redis) error: ${String((error as Error)?.message ?? error)}`);
				// Bottleneck 2.19.5 keeps a lease whose register failed queued for good, and a Redis Cluster client stays ready
				// while a master restarts (no reset): the lane's next lease goes through a fresh limiter (the lease's watch gives
				// the stuck one up). Not unsubscribed: Redis may be failing now, and the fresh one takes the same channel.
				if (this.limiters.get(lane) !== created) return;
				this.limiters.delete(lane);
				stopHeartbeat(created);
			});
			// Without clearDatastore Bottleneck keeps the settings another worker stored (maybe for a lower rate, whose
			// maxConcurrent is below this lease's weight): this worker's current ones apply.
			quietly(() => created.updateSettings({ maxConcurrent }));
			this.limiters.set(lane, limiter);
		}
		return limiter;
	}

	forget(lane: LeasedLane, limiter?: Bottleneck): void {
		const current = this.limiters.get(lane);
		if (!current || (limiter && current !== limiter)) return;
		this.limiters.delete(lane);
		this.retire(current);
	}

	/**
	 * Bottleneck's disconnect unsubscribes through the subscriber client and leaves that promise unhandled: with the
	 * subscriber down that rejection would crash n8n. Then only stop the limiter's heartbeat and let it go.
	 */
	private retire(limiter: Bottleneck): void {
		const subscriber = (this.connection as unknown as { subscriber?: { status?: string } } | undefined)?.subscriber;
		if (this.usable() && subscriber?.status === 'ready') {
			quietly(() => limiter.disconnect(false));
			return;
		}
		stopHeartbeat(limiter);
	}

	private resetLimiters(): void {
		for (const limiter of this.limiters.values()) this.retire(limiter);
		this.limiters.clear();
	}

	async close(): Promise<void> {
		this.closed = true;
		clearTimeout(this.firstConnectTimer);
		this.resetLimiters();
		const connection = this.connection;
		if (connection) await Promise.resolve().then(() => connection.disconnect(false)).catch(() => undefined);
		this.client.disconnect();
	}
}
