/**
 * CPU time of the processes a bench starts, from Linux /proc: an n8n process with its task runner (its process
 * group), Redis, PostgreSQL with its backends. Tells which process a saturated machine spent its time in.
 */
import * as fs from 'fs';

import type { TestPostgres } from '../test/support/postgres';

/** Linux counts /proc times in ticks of 1/100 s (USER_HZ). */
const MS_PER_TICK = 10;

/** User + system CPU ms of the processes `match` picks (a process group: n8n and its task runner; one pid; children). */
export function cpuMsOf(match: (pid: number, pgrp: number, ppid: number) => boolean): number {
	let ticks = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// Fields after the command (which may hold spaces) start at state: state ppid pgrp … utime(14) stime(15).
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (match(Number(entry), Number(fields[2]), Number(fields[1]))) ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// the process ended meanwhile
		}
	}
	return ticks * MS_PER_TICK;
}

/** CPU ms of an n8n process started detached (its own process group, the task runner in it). */
export function n8nCpuMs(groupLeader: number | undefined): number {
	return groupLeader === undefined ? 0 : cpuMsOf((_pid, pgrp) => pgrp === groupLeader);
}

/** CPU ms of the PostgreSQL postmaster and its backends, or undefined when it does not run. */
export function postgresCpuMs(postgres: TestPostgres | undefined): number | undefined {
	const postmaster = postgres?.pid();
	return postmaster === undefined ? undefined : cpuMsOf((pid, _pgrp, ppid) => pid === postmaster || ppid === postmaster);
}

/** CPU ms of the redis-server listening on `port`, or undefined when none does. */
export function redisCpuMs(port: number): number | undefined {
	const pid = redisPid(port);
	return pid === undefined ? undefined : cpuMsOf((candidate) => candidate === pid);
}

function redisPid(port: number): number | undefined {
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			if (cmdline.startsWith('/usr/bin/redis-server') || cmdline.startsWith('redis-server')) {
				if (cmdline.includes(`:${port}`) || cmdline.includes(`--port\0${port}\0`)) return Number(entry);
			}
		} catch {
			// gone
		}
	}
	return undefined;
}

/** CPU ms each named process used between two readings. */
export function cpuSpent(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
	const spent: Record<string, number> = {};
	for (const [name, ms] of Object.entries(after)) spent[name] = ms - (before[name] ?? 0);
	return spent;
}

/** `name 1.2, other 0.3` in CPU seconds. */
export function formatCpu(cpuMs: Record<string, number>): string {
	return Object.entries(cpuMs)
		.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)}`)
		.join(', ');
}
