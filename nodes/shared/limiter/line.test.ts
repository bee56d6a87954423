/**
 * The lane's line of calls under a fake clock (`now` passed in): order of calls, parking and resuming by the pair rate
 * (131056: https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/), calls given
 * back with their pair tokens, delayed retries, withdrawal.
 */
import { CallLine, type LineCall } from './line';
import { PairRate } from './pairRate';
import { DEFAULT_TIMINGS } from './settings';

// One message per recipient at once, then one per 1,000 ms at Meta: ours refills one per 1,000 × 1.05 + 25 = 1,075 ms.
const INTERVAL = 1075;
const env = { timings: { ...DEFAULT_TIMINGS, pairBurst: 1, pairIntervalMs: 1000 } };

interface TestCall extends LineCall {
	name: string;
	rejectedWith?: unknown;
}

function callTo(name: string, recipient?: string, options: { pairRateLimiting?: boolean; withdrawal?: AbortSignal } = {}): TestCall {
	const call: TestCall = {
		name,
		recipient,
		settings: { pairRateLimiting: options.pairRateLimiting ?? true },
		seq: -1,
		withdrawal: options.withdrawal,
		reject: (error) => {
			call.rejectedWith = error;
		},
	};
	return call;
}

function newLine(): { line: CallLine<TestCall>; pairs: PairRate<TestCall> } {
	const pairs = new PairRate<TestCall>(env);
	return { line: new CallLine(pairs), pairs };
}

const names = (calls: TestCall[]): string[] => calls.map((call) => call.name);

/** The lane's rounds, every 25 ms until `until`: release what is due, pick all it may; each call answers at once. */
function sendUntil(line: CallLine<TestCall>, from: number, until: number): Array<[string, number]> {
	const sent: Array<[string, number]> = [];
	for (let now = from; now <= until; now += 25) {
		line.releaseDue(now);
		for (const call of line.pick(100, now)) {
			sent.push([call.name, now]);
			if (call.recipient !== undefined) line.recipientDone(call.recipient, now);
		}
	}
	return sent;
}

test('new calls go in the order they came; a retry due goes before them', () => {
	const { line } = newLine();
	for (const name of ['a', 'b', 'c']) line.push(callTo(name));
	const [a] = line.pick(1, 0);
	expect(a.name).toBe('a');
	line.retryAt(a, 500);
	line.push(callTo('d'));
	expect(line.nextDelayedAt()).toBe(500);
	line.releaseDue(499);
	expect(line.ready).toBe(3);
	line.releaseDue(500);
	expect(line.nextDelayedAt()).toBeUndefined();
	expect(names(line.pick(10, 500))).toEqual(['a', 'b', 'c', 'd']);
});

test('delayed calls are released only when due, earliest first, whatever order they were delayed in', () => {
	const { line } = newLine();
	for (const name of ['late', 'early', 'middle']) line.push(callTo(name));
	const [late, early, middle] = line.pick(3, 0);
	line.retryAt(late, 3000);
	line.retryAt(early, 1000);
	line.retryAt(middle, 2000);
	expect(line.queued).toBe(3);
	expect(line.ready).toBe(0);
	expect(line.nextDelayedAt()).toBe(1000);
	line.releaseDue(2500);
	expect(line.nextDelayedAt()).toBe(3000);
	expect(names(line.pick(10, 2500))).toEqual(['early', 'middle']);
	line.releaseDue(3000);
	expect(names(line.pick(10, 3000))).toEqual(['late']);
	expect(line.queued).toBe(0);
});

test("a recipient's calls beyond its pair rate park, never holding up other recipients' calls, and go one per interval", () => {
	const { line } = newLine();
	line.push(callTo('r1', 'R'));
	line.push(callTo('r2', 'R'));
	line.push(callTo('s1', 'S'));
	expect(names(line.pick(10, 0))).toEqual(['r1', 's1']);
	expect(line.ready).toBe(0);
	// r2 waits, with its recipient's wake-up: one call in line (the wake-up is none; the live status showed 2).
	expect(line.queued).toBe(1);
	expect(line.nextDelayedAt()).toBe(INTERVAL);
	line.releaseDue(INTERVAL - 1);
	expect(line.pick(10, INTERVAL - 1)).toEqual([]);
	line.releaseDue(INTERVAL);
	expect(names(line.pick(10, INTERVAL))).toEqual(['r2']);
	expect(line.queued).toBe(0);
});

test("parked calls resume in their original order, and a recipient's new call waits behind them", () => {
	const { line } = newLine();
	for (const name of ['r1', 'r2', 'r3']) line.push(callTo(name, 'R'));
	const sent = sendUntil(line, 0, 0);
	line.push(callTo('r4', 'R'));
	sent.push(...sendUntil(line, 25, 4 * INTERVAL));
	expect(sent).toEqual([
		['r1', 0],
		['r2', INTERVAL],
		['r3', 2 * INTERVAL],
		['r4', 3 * INTERVAL],
	]);
});

test("a call back from a 131056 waits for its recipient's block, ahead of its later siblings, which go only once it is answered", () => {
	const { line, pairs } = newLine();
	for (const name of ['r1', 'r2', 'r3']) line.push(callTo(name, 'R'));
	const [r1] = line.pick(10, 0);
	// Meta answered 131056: the lane strikes the recipient, blocks it, and gives the call back to it.
	// r2's wake-up is set already: no second one (the lane need not wake for it).
	expect(line.recipientDone('R', 100)).toBe(false);
	const state = pairs.state('R', 100);
	state.strikes = 1;
	state.blockedUntil = 5000;
	line.backToRecipient(r1, state, 100);
	expect(sendUntil(line, 100, 4975)).toEqual([]);
	line.releaseDue(5000);
	expect(names(line.pick(10, 5000))).toEqual(['r1']);
	// No wake-up while it decides: the lane's timer sleeps.
	expect(line.nextDelayedAt()).toBeUndefined();
	// After a 131056 one call at a time: r2 waits for r1's answer, however long the bucket has been full.
	expect(sendUntil(line, 5000 + INTERVAL, 5000 + 3 * INTERVAL)).toEqual([]);
	expect(line.recipientDone('R', 9000)).toBe(true);
	state.strikes = 0;
	expect(sendUntil(line, 9000, 9000 + 2 * INTERVAL)).toEqual([
		['r2', 9000],
		['r3', 9000 + INTERVAL],
	]);
});

test('calls a round could not start go back to the front in order, with their pair tokens', () => {
	const { line, pairs } = newLine();
	line.push(callTo('r1', 'R'));
	line.push(callTo('s1', 'S'));
	line.push(callTo('later'));
	const picked = line.pick(2, 0);
	expect(pairs.get('R')).toMatchObject({ tokens: 0, inFlight: 1 });
	line.giveBack(picked, 10);
	expect(pairs.get('R')).toMatchObject({ tokens: 1, inFlight: 0 });
	// Had R's token not come back, r1 would park for an interval.
	expect(names(line.pick(10, 10))).toEqual(['r1', 's1', 'later']);
});

test('a withdrawn call leaves with its reason when its turn comes, and is never picked', () => {
	const { line } = newLine();
	const paused = new AbortController();
	const reason = new Error('template "spring_sale" is paused');
	const withdrawn = callTo('withdrawn', 'R', { withdrawal: paused.signal });
	line.push(callTo('first', 'S'));
	line.push(withdrawn);
	line.push(callTo('last', 'R'));
	paused.abort(reason);
	expect(names(line.pick(10, 0))).toEqual(['first', 'last']);
	expect(withdrawn.rejectedWith).toBe(reason);
	expect(line.queued).toBe(0);
});

test('calls without a recipient, or whose credential turned the pair rate off, never park', () => {
	const { line } = newLine();
	line.push(callTo('r1', 'R', { pairRateLimiting: false }));
	line.push(callTo('r2', 'R', { pairRateLimiting: false }));
	line.push(callTo('waba-call'));
	expect(names(line.pick(10, 0))).toEqual(['r1', 'r2', 'waba-call']);
});

test('drain hands back every call still waiting: new, retried, delayed and parked', () => {
	const { line } = newLine();
	line.push(callTo('r1', 'R'));
	line.push(callTo('r2', 'R'));
	// r2 parks behind R's pair rate.
	const [r1] = line.pick(10, 0);
	line.retryAt(r1, 1000);
	line.push(callTo('new'));
	expect(names(line.drain()).sort()).toEqual(['new', 'r1', 'r2']);
	expect(line.ready).toBe(0);
});
