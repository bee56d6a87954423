/**
 * The ledger on a Redis Cluster with one master frozen, under a fake clock: a call over keys on several masters answers
 * the healthy masters' keys from Redis and only the frozen one's from memory, and waits its deadline once, not on every
 * call.
 */
import { keySlot } from '../redis';
import { MemoryLedger } from './memory';
import { RedisLedger, type ScriptClient } from './redis';

afterEach(() => jest.useRealTimers());

const TIMEOUT_MS = 1000;

/**
 * A connected cluster client over two masters, each serving half the slots (as ioredis's `slots` lists them), holding
 * what another process stored; the first master is frozen (SIGSTOP): what it is asked is answered only when it thaws.
 */
function clusterWithFrozenMaster(stored: Map<string, string>) {
	const onFrozen = (key: string) => keySlot(key) < 8192;
	const waiting: Array<() => void> = [];
	let frozen = true;
	let sent = 0;
	const answer = <T>(keys: string[], value: () => T): Promise<T> => {
		sent++;
		if (!frozen || !keys.some(onFrozen)) return Promise.resolve(value());
		return new Promise<T>((resolve) => waiting.push(() => resolve(value())));
	};
	const client = {
		status: 'ready',
		isCluster: true,
		slots: Array.from({ length: 16384 }, (_, slot) => [slot < 8192 ? '10.0.0.1:6379' : '10.0.0.2:6379']),
		defineCommand: () => undefined,
		exists: (key: string) => answer([key], () => (stored.has(key) ? 1 : 0)),
		mget: (...keys: string[]) => answer(keys, () => keys.map((key) => stored.get(key) ?? null)),
	};
	return { client: client as unknown as ScriptClient, onFrozen, sent: () => sent, thaw: () => {
			frozen = false;
			waiting.splice(0).forEach((resume) => resume());
		},
	};
}

test('a read over several masters answers the healthy ones from Redis and the frozen one from memory, waiting its deadline once', async () => {
	jest.useFakeTimers();
	const stored = new Map<string, string>();
	const cluster = clusterWithFrozenMaster(stored);
	const memory = new MemoryLedger();
	const fallbacks: Error[] = [];
	const ledger = new RedisLedger({ client: () => cluster.client, memory, timeoutMs: TIMEOUT_MS, keySecret: Buffer.from('cluster'), onFallback: (error) => fallbacks.push(error) });
	// One message whose status lives on the frozen master, one on the healthy one.
	const ids = Array.from({ length: 40 }, (_, i) => `wamid.${i}`);
	const onFrozen = ids.find((id) => cluster.onFrozen(ledger.key('s', id)))!;
	const onHealthy = ids.find((id) => !cluster.onFrozen(ledger.key('s', id)))!;
	// Another process recorded both as read; this process saw only the first as sent.
	const now = Date.now();
	for (const id of [onFrozen, onHealthy]) stored.set(ledger.key('s', id), `4|${JSON.stringify({ state: 'read', at: now })}`);
	memory.recordFactsSync({ statuses: [{ messageId: onFrozen, record: { state: 'sent', at: now } }], inbound: [], triggerSeen: [] });

	let first: Array<string | undefined> | undefined;
	void ledger.statusesOf([onFrozen, onHealthy]).then((records) => (first = records.map((record) => record?.state)));
	await jest.advanceTimersByTimeAsync(TIMEOUT_MS);
	// The deadline is told after the next poll (an answer already read would win).
	await jest.advanceTimersByTimeAsync(1);
	expect(first).toEqual(['sent', 'read']);
	expect([ledger.fallingBack, fallbacks.length]).toEqual([true, 1]);

	// The frozen master is known now: the next read does not wait for it, and sends it nothing.
	const sentBefore = cluster.sent();
	let second: Array<string | undefined> | undefined;
	void ledger.statusesOf([onFrozen, onHealthy]).then((records) => (second = records.map((record) => record?.state)));
	await jest.advanceTimersByTimeAsync(0);
	expect(second).toEqual(['sent', 'read']);
	expect(cluster.sent() - sentBefore).toBe(1);

	// Thawed: its late answer ends the freeze, and the whole read comes from Redis again.
	cluster.thaw();
	await jest.advanceTimersByTimeAsync(0);
	let third: Array<string | undefined> | undefined;
	void ledger.statusesOf([onFrozen, onHealthy]).then((records) => (third = records.map((record) => record?.state)));
	await jest.advanceTimersByTimeAsync(0);
	expect(third).toEqual(['read', 'read']);
	expect([ledger.fallingBack, fallbacks.length]).toEqual([false, 1]);
});

test("a sender check over several masters says 'may be waited for' only for the frozen master's senders", async () => {
	jest.useFakeTimers();
	const cluster = clusterWithFrozenMaster(new Map());
	const ledger = new RedisLedger({ client: () => cluster.client, memory: new MemoryLedger(), timeoutMs: TIMEOUT_MS, keySecret: Buffer.from('cluster') });
	(cluster.client as unknown as { pipeline: () => unknown }).pipeline = () => {
		const keys: string[] = [];
		const pipeline = {
			exists: (key: string) => (keys.push(key), pipeline),
			exec: () => cluster.client.mget(...keys).then((values) => values.map((): [null, number] => [null, 0])),
		};
		return pipeline;
	};
	const senders = Array.from({ length: 40 }, (_, i) => ({ phoneNumberId: '1001', contact: `1555000${i}` }));
	const frozenSender = senders.find(({ phoneNumberId, contact }) => cluster.onFrozen(ledger.waitKeys(phoneNumberId, contact).queue))!;
	const healthySender = senders.find(({ phoneNumberId, contact }) => !cluster.onFrozen(ledger.waitKeys(phoneNumberId, contact).queue))!;
	let waiting: boolean[] | undefined;
	void ledger.contactsWaiting([frozenSender, healthySender]).then((answer) => (waiting = answer));
	await jest.advanceTimersByTimeAsync(TIMEOUT_MS + 1);
	// No wait is stored anywhere: Redis says so for the healthy master's sender; the frozen one's may be waited for.
	expect(waiting).toEqual([true, false]);
	cluster.thaw();
});
