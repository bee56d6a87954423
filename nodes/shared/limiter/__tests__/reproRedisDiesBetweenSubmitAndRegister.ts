/**
 * Repro of a gate defect (not a test; run `node -r ts-node/register/transpile-only
 * nodes/shared/limiter/__tests__/reproRedisDiesBetweenSubmitAndRegister.ts`): Redis dies after Bottleneck's Redis
 * datastore accepted a batch (`__submit__`) and before it registered it to run (`__register__`). Bottleneck 2.19.5's
 * `_drainOne` shifts a job off its queue only when `__register__` succeeds, and `_drainAll` turns a rejection into an
 * 'error' event: the job stays QUEUED. The gate then sends new batches through its local limiter (the store is not
 * usable), so nothing drains that Redis limiter again and the batch's calls never settle (heldWeight stays, status
 * shows them neither queued nor in flight). Seen as a 60 s timeout of redis.test.ts "falls back to local limits when
 * Redis dies mid-run" in 2 of 11 runs on a loaded machine (load 7–10). Expected once fixed: 5/5 settled.
 */
import { startRedis } from '../../../../test/support/redis';
import { getGateStatus, resetGateForTests } from '..';
import { credentialsFor, recipientFor, sendText } from './helpers';
import { startSimulatorProcess } from './simulatorClient';

/* eslint-disable @typescript-eslint/no-explicit-any */

console.warn = (m: string) => console.log(`  warn: ${m}`);
void (async () => {
	const sim = await startSimulatorProcess({ latency: 'none' });
	const redis = await startRedis();
	const credentials = credentialsFor(sim, { throughputTier: 'custom', customMessagesPerSecond: 100, redisUrl: redis.url });
	await sendText(credentials, 'first', recipientFor(9999));
	const reg = (globalThis as any)[Symbol.for('n8n-nodes-whatsapp-cloud.gate')];
	const lane = [...reg.lanes.values()][0];
	const store = [...reg.stores.values()][0];
	const limiter = store.limiters.get(lane);
	const original = limiter._store.__register__.bind(limiter._store);
	let rejected = 0;
	// Redis dies right between this batch's __submit__ (accepted) and its __register__ (fails).
	limiter._store.__register__ = (...args: unknown[]) => {
		if (rejected++ > 0) return original(...args);
		void redis.kill();
		return Promise.reject(new Error('Connection is closed.'));
	};
	let settled = 0;
	const sends = Array.from({ length: 5 }, (_, i) => sendText(credentials, `m${i}`, recipientFor(i)).finally(() => settled++));
	await new Promise((resolve) => setTimeout(resolve, 15000));
	console.log(`after 15 s: ${settled}/5 settled, accepted by Meta ${(await sim.counters()).accepted - 1}; Redis limiter counts ${JSON.stringify(limiter.counts())}; lane heldWeight ${lane.heldWeight}, status ${JSON.stringify(getGateStatus(credentials)[0])}`);
	void sends;
	await resetGateForTests();
	await redis.stop().catch(() => undefined);
	await sim.stop();
	process.exit(0);
})();
