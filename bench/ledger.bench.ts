/**
 * The conversation ledger's cost: per webhook event (the trigger reads a verified body's facts and records them,
 * one Redis round trip per body), per send (Send Message reads the window of each item before sending and, with
 * "Wait for Delivery Status", each message's status after: one round trip per execution each), and memory per
 * 100,000 contacts (windows in this process's heap; the same in Redis's used_memory).
 *
 * Bodies follow the webhook bench's shape: 70% statuses, 30% inbound texts, 1 to 100 updates each.
 * `--bodies=N` bodies per run (default 2,000), `--contacts=N` for the memory figure (default 100,000, reported per
 * 100,000), `--sends=N` items per execution (default 100). Redis: a redis-server started for the run.
 */
import v8 from 'v8';
import vm from 'vm';
import Redis from 'ioredis';

import { MemoryLedger } from '../nodes/shared/conversations/memory';
import { ledgerFactsOf } from '../nodes/shared/conversations/facts';
import { recordFacts, statusesOf, windowsOpenUntil } from '../nodes/shared/conversations/reading';
import { RedisLedger } from '../nodes/shared/conversations/redis';
import type { ConversationLedger, LedgerFacts } from '../nodes/shared/conversations/types';
import type { WebhookBody } from '../nodes/shared/webhook/types';
import { batchBody } from '../nodes/shared/webhook/__tests__/fixtures';
import { startRedis } from '../test/support/redis';

const SIZES = [1, 1, 5, 1, 25, 5, 1, 100, 1, 5];

function numberArg(args: string[], name: string, fallback: number): number {
	const found = args.find((arg) => arg.startsWith(`--${name}=`));
	return found ? Number(found.split('=')[1]) : fallback;
}

interface Cost {
	microsPerEvent: number;
	eventsPerSecond: number;
}

async function recordCost(ledger: ConversationLedger, bodies: WebhookBody[], concurrency: number): Promise<Cost> {
	let next = 0;
	let events = 0;
	const started = process.hrtime.bigint();
	const worker = async () => {
		while (next < bodies.length) {
			const facts: LedgerFacts = ledgerFactsOf(bodies[next++], Date.now());
			events += facts.inbound.length + facts.statuses.length;
			await recordFacts(ledger, facts);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	return { microsPerEvent: (seconds * 1e6) / events, eventsPerSecond: events / seconds };
}

/** One execution of `sends` items: the windows before, the statuses after (no wait: the cost of the reads). */
async function sendCost(ledger: ConversationLedger, executions: number, sends: number, phoneNumberId: string): Promise<number> {
	const senders = Array.from({ length: sends }, (_unused, index) => ({ phoneNumberId, contact: `3519${String(20000000 + index)}` }));
	const ids = Array.from({ length: sends }, (_unused, index) => `wamid.bench${index}`);
	const started = process.hrtime.bigint();
	for (let run = 0; run < executions; run += 1) {
		await windowsOpenUntil(ledger, senders, Date.now());
		await statusesOf(ledger, ids);
	}
	return Number(process.hrtime.bigint() - started) / 1e3 / (executions * sends);
}

function collectGarbage(): () => void {
	v8.setFlagsFromString('--expose-gc');
	return vm.runInNewContext('gc') as () => void;
}

/** Heap bytes that `contacts` windows take in one ledger (the LRU sized to hold them all). */
function heapPerContacts(contacts: number): number {
	const gc = collectGarbage();
	gc();
	const before = process.memoryUsage().heapUsed;
	const ledger = new MemoryLedger({ windows: contacts });
	const now = Date.now();
	for (let index = 0; index < contacts; index += 1) ledger.recordInboundSync('106540352242922', String(351910000000 + index), now);
	gc();
	const used = process.memoryUsage().heapUsed - before;
	if (ledger.sizes.windows !== contacts) throw new Error('bench: the ledger did not hold every contact');
	return used;
}

async function redisBytesPerContacts(client: Redis, contacts: number): Promise<number> {
	await client.flushall();
	const before = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
	const ledger = new RedisLedger({ client: () => client, memory: new MemoryLedger({ windows: 1 }), keySecret: Buffer.from('bench') });
	const batch = 1000;
	for (let start = 0; start < contacts; start += batch) {
		const inbound = Array.from({ length: Math.min(batch, contacts - start) }, (_unused, index) => ({
			phoneNumberId: '106540352242922',
			contact: String(351910000000 + start + index),
			at: Date.now(),
		}));
		await ledger.recordFacts({ inbound, statuses: [], triggerSeen: [] });
	}
	return Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]) - before;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const bodyCount = numberArg(args, 'bodies', 2000);
	const contacts = numberArg(args, 'contacts', 100_000);
	const sends = numberArg(args, 'sends', 100);
	const bodies = Array.from({ length: bodyCount }, (_unused, index) => batchBody(SIZES[index % SIZES.length]).body as WebhookBody);
	const phoneNumberId = '300000000000001';

	await recordCost(new MemoryLedger(), bodies.slice(0, 200), 1);
	const memoryEvent = await recordCost(new MemoryLedger(), bodies, 1);
	const memorySend = await sendCost(new MemoryLedger(), 200, sends, phoneNumberId);
	const heapPer100k = (heapPerContacts(contacts) / contacts) * 100_000;

	const redis = await startRedis();
	const client = new Redis(redis.url);
	// Connected before measuring: no call waits for the first connection.
	await client.ping();
	try {
		const ledger = () => new RedisLedger({ client: () => client, memory: new MemoryLedger(), keySecret: Buffer.from('bench') });
		await recordCost(ledger(), bodies.slice(0, 200), 16);
		const redisEvent = await recordCost(ledger(), bodies, 16);
		const redisSend = await sendCost(ledger(), 50, sends, phoneNumberId);
		const redisPer100k = ((await redisBytesPerContacts(client, contacts)) / contacts) * 100_000;

		console.log(`\nConversation ledger: ${bodyCount} bodies (${SIZES.join('/')} updates), executions of ${sends} sends, ${contacts} contacts for memory`);
		console.log('store    µs/webhook event  events/s   µs/send (window + status read)  MB per 100,000 contacts');
		const line = (name: string, event: Cost, send: number, mb: number) =>
			console.log(`${name.padEnd(8)} ${event.microsPerEvent.toFixed(2).padStart(16)} ${event.eventsPerSecond.toFixed(0).padStart(9)} ${send.toFixed(2).padStart(32)} ${mb.toFixed(1).padStart(24)}`);
		line('memory', memoryEvent, memorySend, heapPer100k / 1e6);
		line('redis', redisEvent, redisSend, redisPer100k / 1e6);
		console.log('');
		return {
			memory_us_per_event: Number(memoryEvent.microsPerEvent.toFixed(3)),
			memory_us_per_send: Number(memorySend.toFixed(3)),
			memory_mb_per_100k_contacts: Number((heapPer100k / 1e6).toFixed(2)),
			redis_us_per_event: Number(redisEvent.microsPerEvent.toFixed(3)),
			redis_us_per_send: Number(redisSend.toFixed(3)),
			redis_mb_per_100k_contacts: Number((redisPer100k / 1e6).toFixed(2)),
			bodies: bodyCount,
			contacts,
			sends_per_execution: sends,
		};
	} finally {
		await client.quit();
		await redis.stop();
	}
}
