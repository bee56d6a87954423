/**
 * Timing test (real time, the simulator in a process of its own: nodes/shared/limiter/__tests__/simulatorClient.ts).
 * An echo bot receiving 40 messages/s on an 80-msg/s number while a broadcast goes out from the same number: Meta's
 * throughput "is inclusive of inbound and outbound messages and all message types" and answers 130429 past it
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput). Counting the messages the
 * trigger receives, the gate leaves room for them: no 130429. The same run with the count turned off in the credential
 * shows the 130429s it prevents. Either way each message is sent exactly once. The scenario is
 * bench/limiter/echoBroadcast.ts (also `npm run bench -- echo-broadcast`).
 */
import { startSimulatorProcess, type SimulatorProcess } from '../../shared/limiter/__tests__/simulatorClient';
import { runEchoBroadcast, type EchoBroadcastOptions } from '../../../bench/limiter/echoBroadcast';

// Answers in tens of ms, so the runs take seconds: 120 messages in 3 s, each echoed, and 150 broadcast from the 2nd
// second on (the bot is receiving when the broadcast starts).
const LATENCY = { median: 10, p90: 25, p99: 40, max: 60, min: 3 };
const RUN: Omit<EchoBroadcastOptions, 'countInbound'> = { inboundPerSecond: 40, inboundSeconds: 3, broadcast: 150, broadcastAfterMs: 1000 };

let sim: SimulatorProcess;

beforeAll(async () => {
	sim = await startSimulatorProcess({ latency: LATENCY });
});

afterAll(async () => {
	await sim?.stop();
});

it('counting the messages the trigger receives, the broadcast and the echoes get no 130429 and each goes once', async () => {
	const result = await runEchoBroadcast(sim, { ...RUN, countInbound: true });
	process.stdout.write(`echo-broadcast (counting inbound): ${JSON.stringify(result)}\n`);
	expect(result.inboundCounted).toBe(120);
	expect(result.echoes).toBe(120);
	// Sends alone above the rate in a second would mean the simulator stamped them together (a stalled process), not an
	// inbound message the gate missed: say so before the 130429s it causes.
	expect(result.peakSendsPerSecond).toBeLessThanOrEqual(80);
	expect(result.rejected130429).toBe(0);
	expect([result.accepted, result.repeated, result.failed]).toEqual([120 + 150, 0, 0]);
});

it('with the count turned off, the same run meets the 130429s that counting prevents, and still sends each once', async () => {
	const result = await runEchoBroadcast(sim, { ...RUN, countInbound: false });
	process.stdout.write(`echo-broadcast (not counting inbound): ${JSON.stringify(result)}\n`);
	expect(result.inboundCounted).toBe(120);
	expect(result.rejected130429).toBeGreaterThan(0);
	expect([result.accepted, result.repeated, result.failed]).toEqual([120 + 150, 0, 0]);
});
