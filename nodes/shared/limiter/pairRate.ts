/**
 * The pair rate: how often one number may message one recipient (Meta's 131056: a burst, then about one message per
 * `pairIntervalMs`). One token bucket per recipient, refilled a little slower than Meta's (our clock starts at the
 * decision, Meta's at an arrival that may come later). The clock is passed in; parking and waking calls is the lane's.
 */
import { Deque } from './queues';
import type { GateTimings } from './settings';

export type PairRateTimings = Pick<GateTimings, 'pairBurst' | 'pairIntervalMs'>;

export interface RecipientState<Call> {
	id: string;
	tokens: number;
	updatedAt: number;
	blockedUntil: number;
	strikes: number;
	parked: Deque<Call>;
	wakeAt: number;
	/** Calls to this recipient under way: after a 131056 only one at a time, so retries keep their order. */
	inFlight: number;
}

export class PairRate<Call> {
	readonly recipients = new Map<string, RecipientState<Call>>();

	/** The timings are read live from `env`: tests and benches swap them for scaled ones. */
	constructor(private readonly env: { readonly timings: PairRateTimings }) {}

	/** A little slower than Meta's refill: our clock starts at the decision, Meta's at an arrival that may come later. */
	get intervalMs(): number {
		return this.env.timings.pairIntervalMs * 1.05 + 25;
	}

	get(id: string): RecipientState<Call> | undefined {
		return this.recipients.get(id);
	}

	/** The recipient's state, made with a full bucket at its first call. */
	state(id: string, now: number): RecipientState<Call> {
		let state = this.recipients.get(id);
		if (!state) {
			state = { id, tokens: this.env.timings.pairBurst, updatedAt: now, blockedUntil: 0, strikes: 0, parked: new Deque(), wakeAt: 0, inFlight: 0 };
			this.recipients.set(id, state);
		}
		return state;
	}

	refill(state: RecipientState<Call>, now: number): void {
		state.tokens = Math.min(this.env.timings.pairBurst, state.tokens + (now - state.updatedAt) / this.intervalMs);
		state.updatedAt = now;
	}

	/** When this recipient may receive the next message (now if it may). */
	readyAt(state: RecipientState<Call>, now: number): number {
		this.refill(state, now);
		const byTokens = state.tokens >= 1 ? now : now + Math.ceil((1 - state.tokens) * this.intervalMs);
		return Math.max(byTokens, state.blockedUntil);
	}

	/** After a 131056 only one call at a time: the one under way decides (success or another 131056) before the next goes. */
	holdsNext(state: RecipientState<Call>): boolean {
		return state.strikes > 0 && state.inFlight > 0;
	}

	/**
	 * A new call keeps its recipient's order: it waits behind that recipient's parked calls, and after a 131056 also
	 * behind the call under way. One resumed (a retry, or released by its recipient) has its place already.
	 */
	waitsBehind(state: RecipientState<Call>, resumed: boolean): boolean {
		return !resumed && (state.parked.length > 0 || this.holdsNext(state));
	}

	/** A call to the recipient starts: it takes a token and is under way. */
	take(state: RecipientState<Call>): void {
		state.tokens -= 1;
		state.inFlight += 1;
	}

	/** A call picked for a round that could not start: its token comes back. */
	giveBack(state: RecipientState<Call>): void {
		state.tokens += 1;
		state.inFlight -= 1;
	}

	/** A call to the recipient ended (answered or failed). */
	done(state: RecipientState<Call>): void {
		state.inFlight = Math.max(0, state.inFlight - 1);
	}

	/** A call that did not go through this lane (a credential's probe) took a token at `at`. */
	countStart(id: string, at: number): void {
		const state = this.state(id, at);
		this.refill(state, at);
		state.tokens -= 1;
	}

	/** Recipients with a full bucket and nothing parked carry no state worth keeping. */
	sweep(now: number): void {
		for (const [id, state] of this.recipients) {
			if (state.parked.length > 0 || state.blockedUntil > now || state.wakeAt !== 0 || state.inFlight > 0) continue;
			this.refill(state, now);
			if (state.tokens >= this.env.timings.pairBurst) this.recipients.delete(id);
		}
	}
}
