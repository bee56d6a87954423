import { processWide } from './processWide';

test('two accessors of one name (two copies of a module) get the same value, created once', () => {
	let created = 0;
	const first = processWide('test.processWide', () => ({ n: ++created }));
	const second = processWide('test.processWide', () => ({ n: ++created }));
	expect(second()).toBe(first());
	expect(created).toBe(1);
	expect(processWide('test.processWide.other', () => ({ n: 0 }))()).not.toBe(first());
});
