/**
 * The Bottleneck lease: a lane sends only under a lease, one Bottleneck job weighted by the lane's in-flight cap that
 * covers its rounds for up to `leaseMs` and ends when the calls started under it have answered. Bottleneck (through
 * Redis: across processes) decides who holds a lease; the sliding second and the hour are exact counters outside it.
 * So Bottleneck runs about one job per lane every two seconds instead of one per message (its ceiling is ~400 jobs/s
 * per limiter) or per round (each costs round trips through Redis).
 */
import Bottleneck from 'bottleneck';
import { describeError, quietly } from './quiet';
import type { GateTimings } from './settings';

/** The right to send on a lane for a while: one running Bottleneck job, ended when it is closed and its calls are done. */
export interface Lease {
	throughRedis: boolean;
	startedAt: number;
	/** Rounds may start under it. */
	open: boolean;
	/** Calls started under it (or being reserved) whose answer has not come yet. */
	calls: number;
	/** Ends the Bottleneck job (frees its weight). */
	end: () => void;
}

/** A lane as its shared limiter knows it: by key (and its WABA's, which place its counts in Redis), sized by its concurrency. */
export interface LeasedLane {
	readonly key: string;
	readonly wabaKey: string;
	readonly limiterConcurrency: number;
}

/** Where leases are shared across processes: a Bottleneck limiter on Redis per lane. */
export interface LeaseStore {
	/** The lane (without one: every lane) can share through Redis now. */
	usable(lane?: LeasedLane): boolean;
	/** A Bottleneck limiter on the Redis datastore for this lane (shared in-flight cap), or undefined. */
	limiterFor(lane: LeasedLane): Bottleneck | undefined;
	/**
	 * Drop the lane's Redis limiter (its keys vanished: Redis restarted or evicted them), unless it is no longer `limiter`;
	 * the next batch makes a new one.
	 */
	forget(lane: LeasedLane, limiter?: Bottleneck): void;
	/** Whether Redis still answers the lane's limiter in time (a frozen one holds a waiting lease without failing it). */
	answers(lane: LeasedLane): Promise<boolean>;
}

/** What the lease needs of its lane. */
export interface LeaseOwner extends LeasedLane {
	readonly released: boolean;
	readonly shared: LeaseStore | undefined;
	/** The weight of one lease: the lane's in-flight cap. */
	readonly leaseWeight: number;
	/** Run a round soon. */
	kick(): void;
	/** A lease began: run a round under it at once. */
	leaseStarted(): void;
}

export type LeaseTimings = Pick<GateTimings, 'leaseMs' | 'leaseExpiryGraceMs' | 'redisJobWatchMs' | 'longestPlainCallMs' | 'redisAnswerMs'>;

/** Each lease's Bottleneck job id, to ask Bottleneck where the job is. */
let leaseIds = 0;

export interface LeaseEnvironment {
	readonly timings: LeaseTimings;
	warn: (topic: string, message: string) => void;
}

/** The leases of one lane: the one rounds start under, the next being acquired, and the local limiter. */
export class LaneLease {
	/** The lease rounds start under now. */
	current: Lease | undefined;
	/** A lease being acquired (the next one, or the first after an idle spell). */
	private acquiring = false;
	/** The watch of a lease waiting in the Redis limiter: run at once when Redis turns unusable (it then goes local). */
	private watchRedisJob: (() => void) | undefined;
	/** The longest a call seen on this lane may take (see longestCallMs): a Redis lease expires only after that. */
	longestCallMs: number;
	/** Bottleneck did not take a Redis lease in time: leases are local until then (the counts still go through Redis). */
	private localUntil = 0;
	readonly localLimiter: Bottleneck;

	constructor(
		private readonly owner: LeaseOwner,
		private readonly env: LeaseEnvironment,
	) {
		this.longestCallMs = env.timings.longestPlainCallMs;
		this.localLimiter = new Bottleneck({ maxConcurrent: owner.limiterConcurrency });
		// Bottleneck emits 'error' for failures in its own machinery: log, never crash n8n.
		this.localLimiter.on('error', (error: unknown) => env.warn('bottleneck', `Bottleneck error: ${describeError(error)}`));
	}

	/**
	 * The lease to start a round under, or undefined while one is being acquired. A lease that is due for renewal (older
	 * than `leaseMs`) still serves until the next one starts, up to twice its length; one that no longer matches the path
	 * (Redis went away, or came back while the lease was local) is renewed the same way.
	 */
	serving(now: number): Lease | undefined {
		const lease = this.current;
		const redisUsable = this.owner.shared?.usable(this.owner) === true;
		if (!redisUsable) this.watchRedisJob?.();
		const throughRedis = redisUsable && now >= this.localUntil;
		if (lease) {
			const age = now - lease.startedAt;
			const { leaseMs } = this.env.timings;
			// Redis is gone (its limiter cannot answer: go local at once), or the lease had its turn (others may wait).
			if ((lease.throughRedis && !redisUsable) || age >= 2 * leaseMs) this.close(lease);
			else if (age < leaseMs && lease.throughRedis === throughRedis) return lease;
		}
		// None, or due for renewal: the next one is asked for (a lease still open serves until it starts).
		this.acquire(throughRedis);
		return this.current;
	}

	/** Ask Bottleneck for a lease; when its job starts, the lease replaces the current one and a round runs. */
	private acquire(throughRedis: boolean): void {
		const owner = this.owner;
		if (this.acquiring || owner.released) return;
		const redisLimiter = throughRedis ? owner.shared?.limiterFor(owner) : undefined;
		const limiter = redisLimiter ?? this.localLimiter;
		this.acquiring = true;
		let jobStarted = false;
		let abandoned = false;
		const abandon = (): void => {
			abandoned = true;
			this.acquiring = false;
			owner.kick();
		};
		const { leaseMs, leaseExpiryGraceMs } = this.env.timings;
		// On Redis, the lease of a worker that dies is freed once its expiration passes (Bottleneck frees only those): after
		// its longest life (two leaseMs) and its last call's timeout.
		const id = `lease-${++leaseIds}`;
		const options: Bottleneck.JobOptions = redisLimiter
			? { id, weight: owner.leaseWeight, expiration: 2 * leaseMs + this.longestCallMs + leaseExpiryGraceMs }
			: { id, weight: owner.leaseWeight };
		const job = limiter.schedule(
			options,
			() =>
				new Promise<void>((end) => {
					// Given up while Redis was down, or the lane was dropped: end the job at once.
					if (abandoned || owner.released) {
						end();
						return;
					}
					jobStarted = true;
					this.acquiring = false;
					const lease: Lease = { throughRedis: redisLimiter !== undefined, startedAt: Date.now(), open: true, calls: 0, end };
					const previous = this.current;
					this.current = lease;
					if (previous) this.close(previous);
					owner.leaseStarted();
				}),
		);
		// Every Bottleneck promise gets a handler: an unhandled rejection crashes n8n.
		job.catch((error: unknown) => {
			if (jobStarted || abandoned) return;
			// Bottleneck (or Redis under it) refused the lease before it started: nothing was sent; try again (locally
			// while Redis is unusable).
			this.env.warn('bottleneck-job', `Bottleneck could not start the number's lease (${describeError(error)}); continuing with local limits`);
			if (redisLimiter) {
				// The next lease comes from a fresh limiter: Bottleneck 2.19.5 fails every job at once of a limiter whose setup
				// failed (a Redis Cluster master down as it was made), never re-registers on Redis 7 (SETTINGS_KEY_NOT_FOUND),
				// and keeps the settings an older version or a lower rate stored (OVERWEIGHT; limiterFor sets its own).
				owner.shared?.forget(owner, redisLimiter);
				// …after one local lease (the counts still go through Redis while they answer), not a failing retry every round.
				this.localUntil = Date.now() + leaseMs;
				// Asked through the store, a Redis Cluster master that refuses the limiter's key counts as down for its lanes.
				void owner.shared?.answers(owner);
			}
			abandon();
		});
		if (redisLimiter) {
			// Bottleneck 2.19.5 keeps a job queued for good when Redis dies between its submit and its register (nothing
			// drains that limiter again): while the lease has not started and Redis is down, take a local one instead.
			// The same when Redis came back in between (the store then retired that limiter: it hears no other worker's
			// freed capacity again) or the limiter failed (the store retired it too), and after the longest a lease may be
			// held anywhere (a lost wake-up).
			const askedAt = Date.now();
			const giveUpAt = askedAt + (options.expiration ?? 0);
			const watch = (): void => {
				if (jobStarted || abandoned || owner.released) {
					if (this.watchRedisJob === watch) this.watchRedisJob = undefined;
					return;
				}
				const usable = owner.shared?.usable(owner) === true;
				const current = usable ? owner.shared?.limiterFor(owner) : undefined;
				if (current === redisLimiter && Date.now() < giveUpAt) {
					// A frozen Redis fails nothing: a probe past its deadline turns the store unusable, and this watch goes local.
					// Redis answers the lane, yet Bottleneck has not even queued the lease past the deadline: its own calls (which
					// have none) wait on a master that does not answer (on a Redis Cluster its subscriber's may be another).
					void owner.shared?.answers(owner).then((answers) => {
						if (!answers) watch();
						else if (unanswered()) leaseLocally();
					});
					watchLater();
					return;
				}
				this.watchRedisJob = undefined;
				// Drop that limiter unless the store already made a fresh one.
				if (!usable || current === redisLimiter) owner.shared?.forget(owner);
				this.env.warn(
					'bottleneck-job-lost',
					usable
						? "The number's lease waited too long in its Redis limiter (Redis reconnected or failed it, or a wake-up was lost); asking a fresh one"
						: "Redis went away while the number's lease waited in its shared limiter; continuing with local limits",
				);
				abandon();
			};
			const unanswered = (): boolean =>
				!jobStarted && !abandoned && !owner.released && redisLimiter.jobStatus(id) === 'RECEIVED' && Date.now() - askedAt >= this.env.timings.redisAnswerMs;
			const leaseLocally = (): void => {
				if (this.watchRedisJob === watch) this.watchRedisJob = undefined;
				// The limiter is kept: it takes leases again once its calls are answered (the jobs given up here then end at once).
				this.localUntil = Date.now() + leaseMs;
				this.env.warn(
					'bottleneck-job-deadline',
					`Bottleneck's Redis limiter did not take the number's lease within ${this.env.timings.redisAnswerMs} ms; its leases are local meanwhile (its counts still go through Redis)`,
				);
				abandon();
			};
			// After the next poll, as callRedisWithin's deadline: an answer already in the socket after a stalled loop is read first.
			const watchLater = (): void => void setTimeout(() => setImmediate(watch), this.env.timings.redisJobWatchMs);
			this.watchRedisJob = watch;
			watchLater();
		}
	}

	/** No more rounds under this lease; its Bottleneck job ends once the calls started under it have answered. */
	close(lease: Lease): void {
		lease.open = false;
		if (this.current === lease) this.current = undefined;
		if (lease.calls === 0) lease.end();
	}

	/**
	 * Calls of a lease are done (answered, or handed back before they started). True when the lease is still open with
	 * none of its calls left: the lane gives it back if it has nothing more to send.
	 */
	callsDone(lease: Lease, count: number): boolean {
		lease.calls -= count;
		if (lease.calls > 0) return false;
		if (!lease.open) {
			lease.end();
			return false;
		}
		return true;
	}

	/** The lane's rate changed: its leases weigh differently, so its Bottleneck limiters take more or fewer. */
	resize(): void {
		this.localLimiter.updateSettings({ maxConcurrent: this.owner.limiterConcurrency });
		const redisLimiter = this.owner.shared?.limiterFor(this.owner);
		if (redisLimiter) quietly(() => redisLimiter.updateSettings({ maxConcurrent: this.owner.limiterConcurrency }));
	}

	/** The lane is dropped: its Bottleneck job ends now, whatever is still under way. */
	endNow(): void {
		const lease = this.current;
		this.current = undefined;
		lease?.end();
	}

	/** Stop the local limiter (the lane is dropped). */
	stop(): void {
		try {
			void this.localLimiter.stop({ dropWaitingJobs: false }).catch(() => undefined);
		} catch {
			// already stopped
		}
	}
}
