/**
 * The simulator in a process of its own, so a bench or a timing test measures the gate's process and not Meta's:
 * forked by the limiter bench and by `startSimulatorProcess` (nodes/shared/limiter/__tests__/simulatorClient.ts),
 * answers {url, fixture, pid, niceness} over IPC, then is driven through its /_sim/ control endpoints.
 * argv[2]: the simulator's options as JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { startSimulator } from '../../test/simulator';

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
function raisePriority(): number {
	try {
		os.setPriority(process.pid, WANTED_NICENESS);
	} catch {
		return os.getPriority(process.pid);
	}
	let tasks: string[] = [];
	try {
		tasks = fs.readdirSync('/proc/self/task');
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
	return os.getPriority(process.pid);
}

void (async () => {
	const niceness = raisePriority();
	const options = JSON.parse(process.argv[2] ?? '{}');
	const sim = await startSimulator(options);
	process.send?.({ url: sim.url, fixture: sim.fixture, pid: process.pid, niceness });
	const stop = () => void sim.stop().finally(() => process.exit(0));
	process.on('disconnect', stop);
	process.on('SIGTERM', stop);
})();
