/** The gate's queues against a plain array: any mix of operations leaves the same order. */
import fc from 'fast-check';
import { Deque } from './queues';

type Op = { kind: 'push' | 'unshift' | 'shift' | 'insert'; value: number };

test('Deque keeps the order a plain array keeps, through pushes, shifts, give-backs and ordered inserts', () => {
	const op = fc.record({ kind: fc.constantFrom<Op['kind']>('push', 'unshift', 'shift', 'insert'), value: fc.integer({ min: 0, max: 1000 }) });
	fc.assert(
		fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
			const deque = new Deque<number>();
			const model: number[] = [];
			for (const { kind, value } of ops) {
				if (kind === 'push') {
					deque.push(value);
					model.push(value);
				} else if (kind === 'unshift') {
					deque.unshift(value);
					model.unshift(value);
				} else if (kind === 'shift') {
					expect(deque.shift()).toBe(model.shift());
				} else {
					deque.insertBefore(value, (existing) => existing > value);
					const index = model.findIndex((existing) => existing > value);
					model.splice(index === -1 ? model.length : index, 0, value);
				}
				expect(deque.length).toBe(model.length);
				expect(deque.peek()).toBe(model[0]);
			}
			expect(deque.drain()).toEqual(model);
			expect(deque.length).toBe(0);
		}),
		{ numRuns: 200 },
	);
});
