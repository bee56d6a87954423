/**
 * What tests and benches reset or tune between runs, kept out of the shipped package (test/package checks that dist
 * exports no `…ForTests`). Each reaches its module's process-wide state by the `processWide` name the module uses, or
 * through the module's own internal file, never through an export the nodes would ship only for tests.
 */
import { sleep } from 'n8n-workflow';

import { getManagementCache } from '../../nodes/shared/descriptions';
import { DEFAULT_TIMINGS, type GateTimings } from '../../nodes/shared/limiter';
import type { GateEnvironment } from '../../nodes/shared/limiter/gate';
import { registry, type Registry } from '../../nodes/shared/limiter/registry';
import { getMediaCache } from '../../nodes/shared/media';
import { processWide } from '../../nodes/shared/processWide';
import { graphRequest } from '../../nodes/shared/transport';

/** A module's process-wide Set or Map by the name it gives `processWide` (created empty if the module has not yet). */
const processSet = (name: string) => processWide(name, () => new Set<string>())();
const processMap = (name: string) => processWide(name, () => new Map<string, unknown>())();

/**
 * Scale the gate's internal timings (windows, backoffs) and its randomness. Applies to numbers and WABAs created
 * afterwards; call `resetGateForTests()` first to start from a clean registry.
 */
export function configureGateForTests(
	options: { timings?: Partial<GateTimings>; random?: () => number; transport?: GateEnvironment['transport'] } = {},
): void {
	const reg = registry();
	reg.env.timings = { ...DEFAULT_TIMINGS, ...options.timings };
	if (options.random) reg.env.random = options.random;
	if (options.transport) reg.env.transport = options.transport;
}

/** The process' gate registry (lanes, WABAs, Redis stores), to look at what the gate keeps. */
export function gateRegistryForTests(): Pick<Registry, 'lanes' | 'wabas' | 'stores' | 'throughput' | 'probations' | 'proofs'> {
	return registry();
}

/** Drop every lane (rejecting what still waits), close Redis, restore default timings. */
export async function resetGateForTests(): Promise<void> {
	const reg = registry();
	const reason = new Error('The gate was reset');
	for (const lane of reg.lanes.values()) lane.release(reason);
	reg.lanes.clear();
	reg.wabas.clear();
	reg.throughput.clear();
	reg.probations.clear();
	reg.proofs.clear();
	await Promise.all([...reg.stores.values()].map((store) => store.close()));
	reg.stores.clear();
	reg.warned.clear();
	if (reg.sweeper) clearInterval(reg.sweeper);
	reg.sweeper = undefined;
	reg.env.timings = { ...DEFAULT_TIMINGS };
	reg.env.random = Math.random;
	reg.env.transport = graphRequest;
}

/** Forget which API-version warnings the log has had (transport/credentials.ts). */
export function forgetApiVersionWarningsForTests(): void {
	processSet('apiVersionWarnings').clear();
}

/** Forget every remembered credential read (transport/credentials.ts, readCredentialsBriefly). */
export function forgetCredentialReadsForTests(): void {
	processMap('credentialReads').clear();
}

/** Forget every trigger's redelivery memory (webhook/stores.ts). */
export function clearRedeliveryStores(): void {
	processMap('webhook.redeliveryStores').clear();
}

/** Forget which Redis servers had their version checked (redis/server.ts). */
export function forgetRedisVersionChecks(): void {
	processSet('redis.versionChecked').clear();
}

/** Forget every conversation ledger (conversations/index.ts). */
export function clearConversationLedgers(): void {
	processMap('conversations.ledgers').clear();
	// The signals that withdraw a paused template's queued sends (conversations/campaign.ts).
	processMap('conversations.templateStops').clear();
}

/** Forget every kept media link and its bytes (media/link.ts). */
export function clearMediaLinks(): void {
	processMap('mediaLinks').clear();
	processMap('mediaLinks.bytes').clear();
}

/** Empty the media upload cache and its forgotten IDs (media/cache.ts). */
export function clearMediaCache(): void {
	getMediaCache().clear();
	processSet('mediaCache.forgotten').clear();
}

/** Empty the management cache (templates, phone numbers; descriptions/managementCache.ts). */
export function clearManagementCache(): void {
	getManagementCache().clear();
}

/** The messaging limit's clock and timer (WhatsAppSendMessage/messagingLimit.ts): set `now` and `sleep` to fake time. */
export function messagingLimitClockForTests(): { now: () => number; sleep: (ms: number) => Promise<void> } {
	return processWide('messagingLimit.clock', () => ({ now: (): number => Date.now(), sleep: (ms: number): Promise<void> => sleep(ms) }))();
}
