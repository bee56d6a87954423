/** Fork gate workers (see worker.ts) and start them at the same instant. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { FAST_NUMBER } from './helpers';
import type { WorkerJob, WorkerReport } from './worker';

/** What every worker's job against the simulator shares: where it is, its token and WABA, the Redis, the fast number. */
export function jobBase(sim: { url: string; fixture: { accessToken: string; wabaId: string } }, redisUrl: string): Pick<WorkerJob, 'simUrl' | 'accessToken' | 'wabaId' | 'redisUrl' | 'phoneNumberId'> {
	return { simUrl: sim.url, accessToken: sim.fixture.accessToken, wabaId: sim.fixture.wabaId, redisUrl, phoneNumberId: FAST_NUMBER };
}

export interface RunningWorker {
	child: ChildProcess;
	report: Promise<WorkerReport>;
}

export async function startWorkers(jobs: WorkerJob[]): Promise<{ go: () => void; reports: Promise<WorkerReport[]>; children: ChildProcess[] }> {
	const workers = jobs.map((job) => {
		const child = fork(join(__dirname, 'worker.ts'), [], {
			execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const ready = new Promise<void>((resolve, reject) => {
			child.once('error', reject);
			child.on('message', (message: { ready?: boolean }) => message.ready && resolve());
		});
		const report = new Promise<WorkerReport>((resolve, reject) => {
			child.on('message', (message: { report?: WorkerReport }) => message.report && resolve(message.report));
			child.once('exit', (code) => reject(new Error(`gate worker exited with code ${code} before reporting`)));
		});
		report.catch(() => undefined);
		child.send({ job });
		return { child, ready, report };
	});
	await Promise.all(workers.map((worker) => worker.ready));
	return {
		go: () => workers.forEach((worker) => worker.child.send({ go: true })),
		reports: Promise.all(workers.map((worker) => worker.report)),
		children: workers.map((worker) => worker.child),
	};
}
