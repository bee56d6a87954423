/** The gate's proof book (tenancy.ts), pure, under a fake clock: who proved access, for how long, in bounded memory. */
import type { GraphRequest } from '../transport/types';
import type { PendingCall } from './gate';
import { Probation, ProofBook, Users } from './tenancy';

const HOUR = 3_600_000;

test('a proof claims the resource for its lifetime; another token shares it only once it proved access too', () => {
	const book = new ProofBook(24 * HOUR, 100);
	expect(book.claimed('number:1', 0)).toBe(false);
	book.record('number:1', 'victim', 0);
	expect(book.claimed('number:1', 1)).toBe(true);
	expect(book.has('number:1', 'victim', 1)).toBe(true);
	expect(book.has('number:1', 'attacker', 1)).toBe(false);
	// A day later, unproved again: a token revoked at Meta stops sharing.
	expect(book.has('number:1', 'victim', 24 * HOUR)).toBe(false);
	expect(book.claimed('number:1', 24 * HOUR)).toBe(false);
});

test('a refused probe is not repeated for an hour', () => {
	const book = new ProofBook();
	book.refuse('number:1', 'attacker', 0);
	expect(book.refusedLately('number:1', 'attacker', HOUR - 1)).toBe(true);
	expect(book.refusedLately('number:1', 'attacker', HOUR)).toBe(false);
});

test('holds at most its bound of proofs, claims and refusals, the oldest dropped first', () => {
	const book = new ProofBook(24 * HOUR, 3);
	for (let index = 0; index < 1000; index++) {
		book.record(`number:${index}`, `token${index}`, index);
		book.refuse(`number:${index}`, `other${index}`, index);
	}
	const maps = book as unknown as { proofs: Map<string, number>; claims: Map<string, number>; refusals: Map<string, number> };
	expect([maps.proofs.size, maps.claims.size, maps.refusals.size]).toEqual([3, 3, 3]);
	expect(book.has('number:999', 'token999', 1000)).toBe(true);
	expect(book.has('number:0', 'token0', 1000)).toBe(false);
});

test('tells whether one token alone used a lane', () => {
	const users = new Users();
	expect(users.only('a')).toBe(false);
	users.note('a');
	users.note('a');
	expect(users.only('a')).toBe(true);
	users.note('b');
	expect(users.only('a')).toBe(false);
	expect(users.only('b')).toBe(false);
});

test("a probe answered 2xx on another object than the number or the WABA is no refusal: the next call probes again", () => {
	const seen: string[] = [];
	const paths = {
		proven: () => false,
		refused: () => false,
		refuse: () => seen.push('refuse'),
		probe: (call: PendingCall) => seen.push(`probe ${call.request.path}`),
		shared: (call: PendingCall) => seen.push(`shared ${call.request.path}`),
		own: (call: PendingCall) => seen.push(`own ${call.request.path}`),
		// Only a call on the WABA's own path proves access to it.
		proves: (request: GraphRequest) => request.path === '/200000000000001/message_templates',
		proved: () => seen.push('proved'),
	};
	const call = (path: string) => ({ request: { method: 'GET', path }, resolve: () => undefined, reject: () => undefined }) as unknown as PendingCall;
	const probation = new Probation(paths);
	const template = call('/1234567890'); // a template's own ID: proves nothing of the WABA
	probation.enqueue(template);
	const list = call('/200000000000001/message_templates');
	probation.enqueue(list); // held behind the probe
	template.resolve({ status: 200, data: {}, usage: {} });
	expect(seen).toEqual(['probe /1234567890', 'probe /200000000000001/message_templates']);
	list.resolve({ status: 200, data: {}, usage: {} });
	expect(seen).toContain('proved');
	expect(seen).not.toContain('refuse');
});
