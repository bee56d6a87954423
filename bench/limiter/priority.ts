/** Scheduling priority for Meta's stand-in (the simulator) in tests and benches. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Niceness asked for: Meta's edge is another machine, which a busy test machine cannot slow down. */
const WANTED_NICENESS = -10;
/** Real-time priority asked for (1–99): the lowest band, below the kernel's own real-time threads. */
const REAL_TIME_PRIORITY = 10;
/** Linux scheduling policies (sched.h) that run before every ordinary process: SCHED_FIFO, SCHED_RR. */
const REAL_TIME_POLICIES = new Set([1, 2]);

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

/**
 * Puts every thread of the process on the real-time round-robin policy (SCHED_RR) when allowed (root, CAP_SYS_NICE):
 * it then runs as soon as it has work, before any ordinary process. A niceness only tilts the share: with five n8n
 * processes, PostgreSQL and Redis on two cores (the queue bench), the simulator at −10 still read the requests of new
 * connections 300–1,100 ms after they were written, and stamped them then. Threads started later inherit the policy.
 * Node has no call for it: util-linux's `chrt`. Returns whether the process now runs in real time.
 */
export function runInRealTime(pid: number): boolean {
	try {
		execFileSync('chrt', ['--all-tasks', '--rr', '--pid', String(REAL_TIME_PRIORITY), String(pid)], { stdio: 'ignore' });
	} catch {
		// No chrt (not Linux), or refused: the process keeps its policy, as the answer says.
	}
	return runsInRealTime(pid);
}

/** Whether the process's main thread runs on a real-time policy (the 41st field of /proc/PID/stat). */
export function runsInRealTime(pid: number): boolean {
	let stat: string;
	try {
		stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return false;
	}
	// The command name (field 2) may hold spaces and parentheses: count the fields after its closing one (field 3 on).
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return REAL_TIME_POLICIES.has(Number(fields[41 - 3]));
}
