/** The sender pool's pure choices: which number a recipient gets, and how a pool is read. */
import { hashedSender, parseSenderPool, pickSender } from '../senderPool';

const POOL = ['310000000000001', '310000000000002', '310000000000003', '310000000000004', '310000000000005'];
const recipients = Array.from({ length: 10_000 }, (_, i) => `1650${String(5_000_000 + i)}`);

test('a recipient gets the same number whatever the order of the pool', () => {
	const reversed = [...POOL].reverse();
	const rotated = [...POOL.slice(2), ...POOL.slice(0, 2)];
	for (const recipient of recipients.slice(0, 2000)) {
		const number = hashedSender(recipient, POOL);
		expect(hashedSender(recipient, reversed)).toBe(number);
		expect(hashedSender(recipient, rotated)).toBe(number);
	}
});

test('10,000 recipients spread evenly over 5 numbers (each within 15–25 %)', () => {
	const counts = new Map<string, number>();
	for (const recipient of recipients) counts.set(hashedSender(recipient, POOL), (counts.get(hashedSender(recipient, POOL)) ?? 0) + 1);
	expect([...counts.keys()].sort()).toEqual(POOL);
	for (const count of counts.values()) {
		expect(count / recipients.length).toBeGreaterThan(0.15);
		expect(count / recipients.length).toBeLessThan(0.25);
	}
});

test('a number joining the pool takes recipients only to itself: nobody else changes number', () => {
	const grown = [...POOL, '310000000000006'];
	let moved = 0;
	for (const recipient of recipients) {
		const before = hashedSender(recipient, POOL);
		const after = hashedSender(recipient, grown);
		if (after !== before) {
			expect(after).toBe('310000000000006');
			moved++;
		}
	}
	expect(moved / recipients.length).toBeGreaterThan(0.1);
	expect(moved / recipients.length).toBeLessThan(0.25);
});

test('the number of the latest open window wins over the hash', () => {
	const recipient = recipients[0];
	const hashed = hashedSender(recipient, POOL);
	const other = POOL.find((number) => number !== hashed)!;
	const openUntil = POOL.map((number) => (number === other ? 2000 : number === hashed ? 1000 : undefined));
	expect(pickSender(recipient, POOL, openUntil)).toEqual({ phoneNumberId: other, chosenBy: 'openWindow' });
	expect(pickSender(recipient, POOL, POOL.map(() => undefined))).toEqual({ phoneNumberId: hashed, chosenBy: 'recipientHash' });
});

test('the pool is the Sender Phone Number and the numbers given, each once, from a list or a text', () => {
	expect(parseSenderPool([POOL[1], POOL[0], POOL[2]], POOL[0])).toEqual([POOL[0], POOL[1], POOL[2]]);
	expect(parseSenderPool(`${POOL[1]}, ${POOL[2]}\n${POOL[3]}`, POOL[0])).toEqual([POOL[0], POOL[1], POOL[2], POOL[3]]);
	expect(parseSenderPool([Number(POOL[1])], POOL[0])).toEqual([POOL[0], POOL[1]]);
	expect(() => parseSenderPool('', POOL[0])).toThrow(/is empty/);
	expect(() => parseSenderPool([POOL[1], POOL[1]], POOL[0])).toThrow(/lists number 310000000000002 twice/);
	expect(() => parseSenderPool([{ id: POOL[1] }], POOL[0])).toThrow(/is not a phone number ID/);
});
