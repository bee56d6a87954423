/**
 * The trigger's webhook handler on one core: verify the signature over the raw bytes, parse, split into events,
 * apply the user's choices and drop redeliveries (memory store), for bodies shaped and sized as Meta sends them.
 * Goal: ≥ 3,000 events/s (3× the 1,000 mps a high-tier number may send).
 *
 * The mix: 50% single updates, 25% bodies of 5, 15% of 25, 10% of 100 (Meta batches under load, up to 1,000);
 * 70% statuses (sent/delivered/read with pricing), 30% inbound texts with a contact and non-ASCII text; 5% of
 * bodies are redeliveries of an earlier one. Every body is handled once (no artificial repeats): `--bodies=N` sets
 * the size of the mix (default 6,000 bodies, about 93,000 events). `--redis=redis://host:port` shares the dedupe
 * through that Redis (`SET NX PX` per event, one pipeline per body) as n8n queue mode does; `--concurrency=N` bodies
 * in flight (default 1, 16 with Redis).
 */
import { closeRedisClients, getRedisClient, resolveRedisTarget } from '../nodes/shared/redis';
import {
	handleDelivery,
	MemoryRedeliveryStore,
	redeliveryHashKey,
	RedisRedeliveryStore,
	signWebhookBody,
	type DeliveryOptions,
	type RedeliveryStore,
} from '../nodes/shared/webhook';
import { batchBody, metaJson } from '../nodes/shared/webhook/__tests__/fixtures';

const APP_SECRET = 'benchAppSecret0123456789abcdef';
const SIZES: Array<[events: number, share: number]> = [
	[1, 0.5],
	[5, 0.25],
	[25, 0.15],
	[100, 0.1],
];

interface SignedBody {
	raw: Buffer;
	signature: string;
	events: number;
}

function signedBody(events: number): SignedBody {
	const raw = Buffer.from(metaJson(batchBody(events).body));
	return { raw, signature: signWebhookBody(raw, APP_SECRET), events };
}

/** A deterministic sequence of body sizes following the mix. */
function sizeAt(index: number): number {
	const position = ((index * 0.6180339887) % 1 + 1) % 1;
	let cumulative = 0;
	for (const [events, share] of SIZES) {
		cumulative += share;
		if (position < cumulative) return events;
	}
	return SIZES[SIZES.length - 1][0];
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Measured {
	bodies: number;
	events: number;
	output: number;
	duplicates: number;
	seconds: number;
	latenciesMs: number[];
}

/**
 * Handles every body once, timing each; `concurrency` bodies are in flight at once, as concurrent requests are in
 * n8n (it only matters when the dedupe waits on Redis: the CPU work is still on one core).
 */
async function measure(bodies: SignedBody[], options: DeliveryOptions, concurrency = 1): Promise<Measured> {
	const latenciesMs: number[] = [];
	let events = 0;
	let output = 0;
	let duplicates = 0;
	let next = 0;
	const started = process.hrtime.bigint();
	const worker = async () => {
		while (next < bodies.length) {
			const body = bodies[next++];
			const before = process.hrtime.bigint();
			const outcome = await handleDelivery(body.raw, body.signature, options);
			latenciesMs.push(Number(process.hrtime.bigint() - before) / 1e6);
			if (!outcome.accepted) throw new Error(`bench body rejected: ${outcome.reason}`);
			events += outcome.totalEvents;
			output += outcome.events.length;
			duplicates += outcome.duplicates;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	return { bodies: bodies.length, events, output, duplicates, seconds, latenciesMs: latenciesMs.sort((a, b) => a - b) };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
	const bodiesArg = args.find((arg) => arg.startsWith('--bodies='));
	const mixSize = bodiesArg ? Number(bodiesArg.split('=')[1]) : 6000;

	// Realistic mix: distinct bodies (so dedupe claims real keys), 5% of them redeliveries of an earlier body.
	const mix: SignedBody[] = [];
	for (let index = 0; index < mixSize; index += 1) {
		if (index > 20 && index % 20 === 0) mix.push(mix[index - 17]);
		else mix.push(signedBody(sizeAt(index)));
	}
	const single = Array.from({ length: 20_000 }, () => signedBody(1));
	const batch = Array.from({ length: 40 }, () => signedBody(1000));

	const redisArg = args.find((arg) => arg.startsWith('--redis='));
	const redisTarget = redisArg ? resolveRedisTarget(redisArg.slice('--redis='.length)) : undefined;
	let run = 0;
	const store = (): RedeliveryStore => {
		const memory = new MemoryRedeliveryStore(100_000);
		if (!redisTarget) return memory;
		run += 1;
		const prefix = `whatsapp-cloud:bench:${process.pid}:${Date.now()}:${run}:`;
		return new RedisRedeliveryStore(getRedisClient(redisTarget), { prefix, memory, onFallback: (error) => console.warn(`Redis failed: ${error.message}`) });
	};
	const options = (): DeliveryOptions => ({
		appSecret: APP_SECRET,
		verifySignature: true,
		triggerOn: ['all'],
		dedupe: { store: store(), windowMs: 60 * 60 * 1000, hashKey: redeliveryHashKey('bench', APP_SECRET) },
	});

	// Warm up the JIT on a separate store so the measured runs start cold on dedupe but warm on code.
	await measure(mix.slice(0, 500), options());

	const concurrencyArg = args.find((arg) => arg.startsWith('--concurrency='));
	const concurrency = concurrencyArg ? Number(concurrencyArg.split('=')[1]) : redisTarget ? 16 : 1;
	const mixed = await measure(mix, options(), concurrency);
	const singles = await measure(single, options(), concurrency);
	const batches = await measure(batch, options(), Math.min(concurrency, 4));

	const row = (name: string, result: Measured) => ({
		name,
		bodiesPerSecond: result.bodies / result.seconds,
		eventsPerSecond: result.events / result.seconds,
		eventsPerBody: result.events / result.bodies,
		p50: percentile(result.latenciesMs, 50),
		p99: percentile(result.latenciesMs, 99),
		duplicates: result.duplicates,
	});
	const rows = [row('realistic mix', mixed), row('single updates', singles), row('1,000-update batches', batches)];

	if (redisTarget) await closeRedisClients();

	console.log(`\nWebhook handler (verify + parse + split + dedupe in ${redisTarget ? 'Redis + memory' : 'memory'}), one core, ${concurrency} in flight`);
	console.log('scenario               bodies/s   events/s  events/body  p50 ms  p99 ms  duplicates dropped');
	for (const r of rows) {
		console.log(
			`${r.name.padEnd(22)} ${r.bodiesPerSecond.toFixed(0).padStart(8)} ${r.eventsPerSecond.toFixed(0).padStart(10)} ${r.eventsPerBody
				.toFixed(1)
				.padStart(12)} ${r.p50.toFixed(3).padStart(7)} ${r.p99.toFixed(3).padStart(7)} ${String(r.duplicates).padStart(19)}`,
		);
	}
	const goal = 3000;
	const worst = Math.min(...rows.map((r) => r.eventsPerSecond));
	console.log(`goal ≥ ${goal} events/s: ${worst >= goal ? 'met' : 'NOT met'} in every scenario (lowest ${worst.toFixed(0)} events/s, ${(worst / goal).toFixed(1)}× the goal)\n`);

	const [main, one, thousand] = rows;
	return {
		events_per_s: Math.round(main.eventsPerSecond),
		bodies_per_s: Math.round(main.bodiesPerSecond),
		p99_ms: Number(main.p99.toFixed(3)),
		events_per_body: Number(main.eventsPerBody.toFixed(2)),
		single_update_events_per_s: Math.round(one.eventsPerSecond),
		single_update_p99_ms: Number(one.p99.toFixed(3)),
		batch_1000_events_per_s: Math.round(thousand.eventsPerSecond),
		batch_1000_p99_ms: Number(thousand.p99.toFixed(3)),
		goal_events_per_s: goal,
		dedupe: redisTarget ? 'redis' : 'memory',
		concurrency,
	};
}
