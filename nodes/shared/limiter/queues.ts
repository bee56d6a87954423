/** Small O(1) queues for the gate's hot path (a plain array's shift() is O(n) at 10,000 queued calls). */

/** FIFO with a moving head, compacted once the dead prefix is large; unshift puts a call back at the front. */
export class Deque<T> {
	private items: T[] = [];
	private head = 0;

	get length(): number {
		return this.items.length - this.head;
	}

	push(item: T): void {
		this.items.push(item);
	}

	unshift(item: T): void {
		if (this.head === 0) {
			// Make room at the front once (as much as the queue holds), not an O(n) shift per call given back.
			const room = Math.max(16, this.items.length);
			this.items = new Array<T>(room).concat(this.items);
			this.head = room;
		}
		this.items[--this.head] = item;
	}

	/** Insert before the first item for which `isAfter(item)` holds (keeps a sequence order on retries). */
	insertBefore(item: T, isAfter: (existing: T) => boolean): void {
		let index = this.head;
		while (index < this.items.length && !isAfter(this.items[index])) index++;
		if (index === this.head && this.head > 0) this.items[--this.head] = item;
		else this.items.splice(index, 0, item);
	}

	shift(): T | undefined {
		if (this.head >= this.items.length) return undefined;
		const item = this.items[this.head];
		this.items[this.head++] = undefined as unknown as T;
		if (this.head > 1024 && this.head * 2 > this.items.length) {
			this.items = this.items.slice(this.head);
			this.head = 0;
		}
		return item;
	}

	peek(): T | undefined {
		return this.head < this.items.length ? this.items[this.head] : undefined;
	}

	drain(): T[] {
		const rest = this.items.slice(this.head);
		this.items = [];
		this.head = 0;
		return rest;
	}
}

/** Min-heap on `at` (ms): delayed retries and recipient wake-ups. */
export class TimeHeap<T extends { at: number }> {
	private readonly items: T[] = [];

	get length(): number {
		return this.items.length;
	}

	peek(): T | undefined {
		return this.items[0];
	}

	push(item: T): void {
		const items = this.items;
		items.push(item);
		let index = items.length - 1;
		while (index > 0) {
			const parent = (index - 1) >> 1;
			if (items[parent].at <= item.at) break;
			items[index] = items[parent];
			index = parent;
		}
		items[index] = item;
	}

	pop(): T | undefined {
		const items = this.items;
		if (items.length === 0) return undefined;
		const top = items[0];
		const last = items.pop() as T;
		if (items.length > 0) {
			let index = 0;
			for (;;) {
				const left = index * 2 + 1;
				if (left >= items.length) break;
				const right = left + 1;
				const child = right < items.length && items[right].at < items[left].at ? right : left;
				if (items[child].at >= last.at) break;
				items[index] = items[child];
				index = child;
			}
			items[index] = last;
		}
		return top;
	}

	drain(): T[] {
		return this.items.splice(0, this.items.length);
	}
}
