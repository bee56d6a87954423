/** SCRATCH (not committed): freeze the master Bottleneck's subscriber uses, then a lane needs a new Redis limiter. */
import { startRedisCluster, type TestRedisCluster } from '../../../test/support/redisCluster';
import { credentialsFor, FAST_NUMBER, recipientFor, sendText, warmUp } from '../limiter/__tests__/helpers';
import { startSimulatorProcess, type SimulatorProcess } from '../limiter/__tests__/simulatorClient';
import { limiterId, redisKeys } from '../limiter/redis';
import { gateRegistryForTests, resetGateForTests } from '../../../test/support/testHooks';

let cluster: TestRedisCluster;
let sim: SimulatorProcess;
beforeAll(async () => {
	[cluster, sim] = await Promise.all([startRedisCluster(), startSimulatorProcess({ latency: { median: 10, p90: 25, p99: 40, max: 60, min: 3 }, mps: { [FAST_NUMBER]: 100 } })]);
	await warmUp(credentialsFor(sim));
}, 60_000);
afterAll(async () => {
	await resetGateForTests();
	await Promise.all([sim?.stop(), cluster?.stop()]);
});

it('subscriber master frozen', async () => {
	const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 100, redisUrl: cluster.url });
	await sendText(credentials, 'first', recipientFor(1));
	const laneKey = `${sim.url}|number:${FAST_NUMBER}`;
	const masters = [await cluster.masterOf(redisKeys(laneKey, `${sim.url}|waba:${sim.fixture.wabaId}`)[0]), await cluster.masterOf(limiterId({ key: laneKey }))];
	const reg = gateRegistryForTests();
	const store = [...reg.stores.values()][0] as any;
	const third = cluster.ports.find((p) => !masters.includes(p));
	const picker = store.connection.subscriber.subscriber;
	for (let i = 0; i < 100 && picker.getInstance().options.port !== third; i++) picker.selectSubscriber();
	const sub = picker.getInstance();
	const port = sub.options.port;
	process.stdout.write(`[scratch] lane masters ${masters}, subscriber on ${port} (${sub.status})\n`);
	if (masters.includes(port)) return;
	await new Promise((resolve) => setTimeout(resolve, 200));
	const lane = [...reg.lanes.values()][0];
	store.forget(lane);
	cluster.freeze(port);
	const t = setTimeout(() => cluster.thaw(port), 8000);
	const started = Date.now();
	await Promise.all([0, 1, 2].map((i) => sendText(credentials, `m${i}`, recipientFor(10 + i))));
	process.stdout.write(`[scratch] 3 sent ${Date.now() - started} ms after the freeze of the subscriber's master\n`);
	clearTimeout(t);
	cluster.thaw(port);
}, 120_000);
