import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { once } from 'events';
import { runInRealTime, runsInRealTime } from '../../bench/limiter/priority';

/** Linux lets root (CAP_SYS_NICE) choose a real-time policy; anyone else is refused. */
const allowed = process.platform === 'linux' && process.getuid?.() === 0;

/** A Node process with its threads (V8's, libuv's) started, as the simulator's is when a bench raises it. */
async function idleNode(): Promise<ChildProcess> {
	const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], { stdio: ['ignore', 'pipe', 'ignore'] });
	await once(child.stdout!, 'data');
	return child;
}

describe('runInRealTime (Meta\'s stand-in in the queue bench: stamps as a machine of its own would)', () => {
	let child: ChildProcess | undefined;
	afterEach(async () => {
		if (child && child.exitCode === null) {
			child.kill('SIGKILL');
			await once(child, 'exit');
		}
		child = undefined;
	});

	it('reads an ordinary process as not real-time', async () => {
		child = await idleNode();
		expect(runsInRealTime(child.pid!)).toBe(false);
	});

	(allowed ? it : it.skip)('puts every thread of the process on a real-time policy', async () => {
		child = await idleNode();
		expect(runInRealTime(child.pid!)).toBe(true);
		const threads = fs.readdirSync(`/proc/${child.pid}/task`).map(Number);
		expect(threads.length).toBeGreaterThan(1);
		expect(threads.filter((thread) => !runsInRealTime(thread))).toEqual([]);
	});

	(allowed ? it.skip : it)('says so when it is refused, and leaves the process as it was', async () => {
		child = await idleNode();
		expect(runInRealTime(child.pid!)).toBe(false);
		expect(runsInRealTime(child.pid!)).toBe(false);
	});
});
