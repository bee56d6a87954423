/** The wait limit and the message kinds each response type can ask with. */
import { kindProblem, MAX_WAIT_MS, waitLimitMs } from './rules';

describe('waitLimitMs', () => {
	it.each([
		[30, 'seconds', 30_000],
		[90, 'minutes', 5_400_000],
		[1.5, 'hours', 5_400_000],
		['2', 'days', 172_800_000],
	])('%s %s is %d ms', (amount, unit, ms) => {
		expect(waitLimitMs(amount, unit)).toBe(ms);
	});

	it.each([
		[0, 'hours', '"Wait Limit" is 0; expected a number above 0'],
		[-1, 'hours', '"Wait Limit" is -1; expected a number above 0'],
		['soon', 'hours', '"Wait Limit" is "soon"; expected a number above 0'],
		[1, 'weeks', '"Wait Limit Unit" is "weeks"; expected seconds, minutes, hours or days'],
		[366, 'days', '"Wait Limit" is 366 days, over the longest wait of 365 days'],
	])('refuses %s %s', (amount, unit, problem) => {
		expect(waitLimitMs(amount, unit)).toBe(problem);
	});

	it('takes the longest wait itself', () => {
		expect(waitLimitMs(365, 'days')).toBe(MAX_WAIT_MS);
	});
});

describe('kindProblem', () => {
	const name = (type: string) => type;

	it('lets Approval ask with a text, Choice with buttons, a list or a template, Free Text with any sent message', () => {
		expect(kindProblem('approval', 'text', name)).toBeUndefined();
		for (const kind of ['buttons', 'list', 'template'] as const) expect(kindProblem('choice', kind, name)).toBeUndefined();
		for (const kind of ['image', 'location', 'template', 'flow'] as const) expect(kindProblem('freeText', kind, name)).toBeUndefined();
	});

	it('refuses a kind that cannot carry the answer, saying which would', () => {
		expect(kindProblem('approval', 'list', name)).toContain('Message Type must be Text (got list)');
		expect(kindProblem('choice', 'text', name)).toContain('Message Type must be Reply Buttons, List or Template (got text)');
		expect(kindProblem('freeText', 'markAsRead', name)).toBe('markAsRead sends no message to answer: pick a kind that sends one');
	});
});
