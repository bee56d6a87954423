/**
 * An echo bot on a number while a broadcast goes out from it (issue 19, "Prove it"). Customers write to an 80-msg/s
 * number at `inboundPerSecond`; the simulator delivers each message as a signed webhook to the WhatsApp Cloud Trigger
 * (the node's own webhook code, over HTTP), and the bot answers each one through the gate while a broadcast goes out
 * through the same gate. Meta: "Throughput is inclusive of inbound and outbound messages and all message types […] the
 * API will return error code 130429" (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput):
 * the simulator counts the messages it delivers in the number's sliding second and answers 130429 past the rest.
 * Shared by the timing test (nodes/WhatsAppTrigger/__tests__/echoBroadcast.test.ts) and `npm run bench -- echo-broadcast`.
 */
import { credentialsFor, recipientFor, sendText } from '../../nodes/shared/limiter/__tests__/helpers';
import type { SimulatorProcess } from '../../nodes/shared/limiter/__tests__/simulatorClient';
import { destroyGraphClients } from '../../nodes/shared/transport';
import type { WhatsAppCredentials } from '../../nodes/shared/transport/types';
import { startTriggerServer } from '../../test/support/trigger/fakeContexts';
import { clearRedeliveryStores, resetGateForTests } from '../../test/support/testHooks';

/** The simulator's standard number: 80 messages per second. */
export const ECHO_NUMBER = '300000000000001';

export interface EchoBroadcastOptions {
	/** The credential's "Count Received Messages in Throughput". */
	countInbound: boolean;
	inboundPerSecond: number;
	inboundSeconds: number;
	/** Messages of the broadcast, all handed to the gate at once, `broadcastAfterMs` after the first inbound one. */
	broadcast: number;
	/**
	 * The bot has been receiving for this long when the broadcast starts. A broadcast that starts in the very instant
	 * the first messages come sends its head start before their webhooks arrive: Meta counted them first.
	 */
	broadcastAfterMs: number;
}

export interface EchoBroadcastResult {
	countInbound: boolean;
	inbound: number;
	/** Inbound messages the simulator counted in the number's second. */
	inboundCounted: number;
	echoes: number;
	broadcast: number;
	/** Messages the simulator accepted, and how many of them repeated a body already accepted (sent twice). */
	accepted: number;
	repeated: number;
	/** Sends that failed for good. */
	failed: number;
	rejected130429: number;
	/** Most sends the simulator saw in one sliding second (inbound messages not included). */
	peakSendsPerSecond: number;
	durationMs: number;
}

const customer = (index: number): string => String(5511987650000 + index);

function sleepUntil(at: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}

/** One run against a simulator process (reset first); the gate is reset before and after. */
export async function runEchoBroadcast(sim: SimulatorProcess, options: EchoBroadcastOptions): Promise<EchoBroadcastResult> {
	await resetGateForTests();
	clearRedeliveryStores();
	await sim.reset();
	const credentials: WhatsAppCredentials = {
		...credentialsFor(sim),
		appSecret: sim.fixture.appSecret,
		countInboundMessages: options.countInbound,
	};
	const trigger = await startTriggerServer(credentials, { triggerOn: ['messages'] });
	const replies: Array<Promise<unknown>> = [];
	// The echo bot: the workflow after the trigger answers each message to whoever sent it.
	trigger.onExecution = (items) => {
		for (const { json } of items) {
			if (json.event === 'message') replies.push(sendText(credentials, `echo ${String(json.text)}`, String(json.replyTo), ECHO_NUMBER));
		}
	};
	try {
		await sim.configure({ webhooks: { callbackUrl: trigger.webhookUrl } });
		const inbound = options.inboundPerSecond * options.inboundSeconds;
		const startedAt = Date.now();
		const broadcast: Array<Promise<unknown>> = [];
		const injected: Array<Promise<void>> = [];
		for (let i = 0; i < inbound; i++) {
			const at = startedAt + (i * 1000) / options.inboundPerSecond;
			if (broadcast.length === 0 && at >= startedAt + options.broadcastAfterMs) {
				for (let j = 0; j < options.broadcast; j++) broadcast.push(sendText(credentials, `broadcast ${j}`, recipientFor(j), ECHO_NUMBER));
			}
			await sleepUntil(at);
			injected.push(sim.injectInbound({ phoneNumberId: ECHO_NUMBER, from: customer(i), name: `Customer ${i}`, type: 'text', body: `hi ${i}` }));
		}
		await Promise.all(injected);
		// Each delivered message starts an execution that hands its reply to the gate.
		while (replies.length < inbound && Date.now() - startedAt < 60_000) await sleepUntil(Date.now() + 20);
		const outcomes = await Promise.allSettled([...broadcast, ...replies]);
		const durationMs = Date.now() - startedAt;
		const counters = await sim.counters();
		return {
			countInbound: options.countInbound,
			inbound,
			inboundCounted: counters.inboundCounted,
			echoes: replies.length,
			broadcast: options.broadcast,
			accepted: (await sim.log()).length,
			repeated: counters.repeatedBodies,
			failed: outcomes.filter((outcome) => outcome.status === 'rejected').length,
			rejected130429: counters.rejectedByCode['130429'] ?? 0,
			peakSendsPerSecond: counters.peakPerSecond[ECHO_NUMBER] ?? 0,
			durationMs,
		};
	} finally {
		await trigger.close();
		await resetGateForTests();
		destroyGraphClients();
	}
}
