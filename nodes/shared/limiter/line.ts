/**
 * The line of calls of one lane: new calls, due retries, calls waiting for a time (retries, recipients' wake-ups) and
 * calls parked until their recipient's pair rate (pairRate.ts) lets them go. No clock inside: `now` is passed in. The
 * lane asks it for up to N calls, gives back those a round could not start, and wakes when `nextDelayedAt` says.
 */
import { PairRate, type RecipientState } from './pairRate';
import { Deque, TimeHeap } from './queues';

/** What the line needs of a call. */
export interface LineCall {
	recipient?: string;
	settings: { readonly pairRateLimiting: boolean };
	/** Order of arrival in the line: a recipient's retried calls go back in this order. */
	seq: number;
	/** A retry or a call released by its recipient: keeps its place ahead of that recipient's later calls. */
	resumed?: boolean;
	/** Aborted by the caller before its turn: it leaves with the reason when its turn comes, never picked. */
	withdrawal?: AbortSignal;
	reject: (error: unknown) => void;
}

/** A call due again at `at`, or a recipient whose parked calls may go at `at`. */
interface DelayedEntry<Call extends LineCall> {
	at: number;
	call?: Call;
	recipient?: RecipientState<Call>;
}

export class CallLine<Call extends LineCall> {
	private readonly queue = new Deque<Call>();
	/** Due retries and calls released by their recipient: they go before new calls. */
	private readonly retryQueue = new Deque<Call>();
	private readonly delayed = new TimeHeap<DelayedEntry<Call>>();
	private parkedCount = 0;
	/** Calls in the delayed heap (the rest of its entries are recipients' wake-ups, which hold no call). */
	private delayedCalls = 0;
	private nextSeq = 0;

	constructor(private readonly pairRate: PairRate<Call>) {}

	/** Calls a round may take now: new ones, due retries and calls their recipient released. */
	get ready(): number {
		return this.queue.length + this.retryQueue.length;
	}

	/**
	 * Calls in line: new, retries (due or not) and parked by recipient, each once (the live status shows it; the lane
	 * is idle, and lets the process exit, only at 0). A recipient's wake-up is no call: without parked calls it does nothing.
	 */
	get queued(): number {
		return this.queue.length + this.retryQueue.length + this.delayedCalls + this.parkedCount;
	}

	/** A new call joins the end of the line; its place of arrival is its `seq`. */
	push(call: Call): void {
		call.seq = this.nextSeq++;
		this.queue.push(call);
	}

	/** A failed call goes again at `at`, ahead of new calls. */
	retryAt(call: Call, at: number): void {
		this.delayed.push({ at, call });
		this.delayedCalls++;
	}

	/** A failed call waits for its recipient (131056), at the front of that recipient's line in its original order. */
	backToRecipient(call: Call, recipient: RecipientState<Call>, now: number): void {
		this.park(recipient, call, now, true);
	}

	/** When the next delayed call or recipient wake-up is due (undefined: none). */
	nextDelayedAt(): number | undefined {
		return this.delayed.peek()?.at;
	}

	/** Delayed calls that are due go to the retry queue; recipients whose time came release their next call. */
	releaseDue(now: number): void {
		for (let entry = this.delayed.peek(); entry && entry.at <= now; entry = this.delayed.peek()) {
			this.delayed.pop();
			if (entry.call) {
				this.delayedCalls--;
				entry.call.resumed = true;
				this.retryQueue.push(entry.call);
			} else if (entry.recipient) this.wakeRecipient(entry.recipient, now);
		}
	}

	/** Take up to `allowance` calls in order, parking those whose recipient must wait (never blocking the others). */
	pick(allowance: number, now: number): Call[] {
		const batch: Call[] = [];
		while (batch.length < allowance) {
			const call = this.retryQueue.shift() ?? this.queue.shift();
			if (!call) break;
			if (call.withdrawal?.aborted) {
				call.reject(call.withdrawal.reason);
				continue;
			}
			// Each credential's own choice (several may share the lane).
			if (call.settings.pairRateLimiting && call.recipient !== undefined) {
				const state = this.pairRate.state(call.recipient, now);
				const unparked = call.resumed === true;
				call.resumed = false;
				if (this.pairRate.waitsBehind(state, unparked)) {
					this.park(state, call, now);
					continue;
				}
				if (this.pairRate.readyAt(state, now) > now) {
					this.park(state, call, now, unparked);
					continue;
				}
				this.pairRate.take(state);
				if (state.parked.length > 0 && state.wakeAt === 0 && state.strikes === 0) this.wakeAt(state, this.pairRate.readyAt(state, now));
			}
			batch.push(call);
		}
		return batch;
	}

	/** Give calls a round could not start back to the front of the line, in order, with their pair tokens. */
	giveBack(calls: Call[], now: number): void {
		for (let index = calls.length - 1; index >= 0; index--) {
			const call = calls[index];
			if (call.settings.pairRateLimiting && call.recipient !== undefined) {
				this.pairRate.giveBack(this.pairRate.state(call.recipient, now));
				call.resumed = true;
			}
			this.retryQueue.unshift(call);
		}
	}

	/** A recipient's call ended: if more wait for it, its next wakes when its time comes. True when a wake-up was set. */
	recipientDone(recipient: string, now: number): boolean {
		const state = this.pairRate.get(recipient);
		if (!state) return false;
		this.pairRate.done(state);
		if (state.parked.length === 0 || state.wakeAt !== 0) return false;
		this.wakeAt(state, this.pairRate.readyAt(state, now));
		return true;
	}

	/** Everything still in line (the lane is dropped): the caller rejects them. */
	drain(): Call[] {
		const waiting = [...this.queue.drain(), ...this.retryQueue.drain()];
		for (const entry of this.delayed.drain()) if (entry.call) waiting.push(entry.call);
		this.delayedCalls = 0;
		for (const state of this.pairRate.recipients.values()) waiting.push(...state.parked.drain());
		this.parkedCount = 0;
		return waiting;
	}

	private park(state: RecipientState<Call>, call: Call, now: number, front = false): void {
		if (front) state.parked.insertBefore(call, (other) => other.seq > call.seq);
		else state.parked.push(call);
		this.parkedCount++;
		const at = this.pairRate.readyAt(state, now);
		if (state.wakeAt === 0 || at < state.wakeAt) this.wakeAt(state, at);
	}

	private wakeAt(state: RecipientState<Call>, at: number): void {
		state.wakeAt = at;
		this.delayed.push({ at, recipient: state });
	}

	/** A recipient's time has come: its next parked call goes before new calls, in its original order. */
	private wakeRecipient(state: RecipientState<Call>, now: number): void {
		if (state.wakeAt === 0) return;
		if (this.pairRate.holdsNext(state)) {
			state.wakeAt = 0;
			return;
		}
		const readyAt = this.pairRate.readyAt(state, now);
		if (readyAt > now) {
			this.wakeAt(state, readyAt);
			return;
		}
		state.wakeAt = 0;
		const call = state.parked.shift();
		if (call) {
			this.parkedCount--;
			// pick() lets it through without parking it again behind its own siblings.
			call.resumed = true;
			this.retryQueue.push(call);
		}
	}
}
