/** Scheduling priority for Meta's stand-in (the simulator) in tests and benches. */
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Niceness asked for: Meta's edge is another machine, which a busy test machine cannot slow down. */
const WANTED_NICENESS = -10;

/**
 * Raises this process' scheduling priority when allowed (root, CAP_SYS_NICE), so the CPU contention of the sender
 * (jest, n8n workers, Redis) delays the stamp Meta's stand-in puts on an arrival as little as possible: a stamp taken
 * late bunches arrivals into one sliding second that the sender spread out, and the test would see a 130429 that the
 * real Meta, on other machines, would not give. Linux keeps a niceness per thread: set the main thread (whose id is
 * the pid) first, so the threads started later inherit it, then the threads V8 and libuv started already.
 * Returns the niceness now in force; a refusal (EACCES, EPERM) leaves it as it was.
 */
export function raisePriority(pid: number): number {
	try {
		os.setPriority(pid, WANTED_NICENESS);
	} catch {
		return os.getPriority(pid);
	}
	let tasks: string[] = [];
	try {
		tasks = fs.readdirSync(`/proc/${pid}/task`);
	} catch {
		// Not Linux: the main thread is the one that stamps arrivals.
	}
	for (const task of tasks) {
		try {
			os.setPriority(Number(task), WANTED_NICENESS);
		} catch {
			// A thread that ended meanwhile.
		}
	}
	return os.getPriority(pid);
}
