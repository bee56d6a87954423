/**
 * The simulator in a process of its own, so the bench measures the gate's process and not Meta's: forked by the
 * limiter bench, answers {url, fixture} over IPC, then is driven through its /_sim/ control endpoints.
 */
import { startSimulator } from '../../test/simulator';

void (async () => {
	const options = JSON.parse(process.argv[2] ?? '{}');
	const sim = await startSimulator(options);
	process.send?.({ url: sim.url, fixture: sim.fixture });
	process.on('disconnect', () => void sim.stop().finally(() => process.exit(0)));
	process.on('SIGTERM', () => void sim.stop().finally(() => process.exit(0)));
})();
