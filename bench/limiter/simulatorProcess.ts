/**
 * The simulator in a process of its own, so a bench or a timing test measures the gate's process and not Meta's:
 * forked by the limiter bench and by `startSimulatorProcess` (nodes/shared/limiter/__tests__/simulatorClient.ts),
 * answers {url, fixture, pid, niceness} over IPC, then is driven through its /_sim/ control endpoints.
 * argv[2]: the simulator's options as JSON.
 */
import { startSimulator } from '../../test/simulator';
import { raisePriority } from './priority';

void (async () => {
	const niceness = raisePriority(process.pid);
	const options = JSON.parse(process.argv[2] ?? '{}');
	const sim = await startSimulator(options);
	process.send?.({ url: sim.url, fixture: sim.fixture, pid: process.pid, niceness });
	const stop = () => void sim.stop().finally(() => process.exit(0));
	process.on('disconnect', stop);
	process.on('SIGTERM', stop);
})();
