/**
 * 1,000 items in one execution: all scheduled on the gate at once, paced so Meta never answers 130429, each item sent
 * exactly once and reported in input order.
 */
import { destroyGraphClients } from '../../shared/transport';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { byId, HIGH_NUMBER, send } from './helpers';

let sim: Simulator;
const ITEMS = 1000;

beforeAll(async () => {
	// Meta-like latency: a loop awaiting each send would need minutes; the gate overlaps them.
	sim = await startSimulator({ latency: { median: 30, p90: 80, p99: 150 } });
});
afterAll(async () => {
	destroyGraphClients();
	await sim.stop();
});

test('1,000 items are each sent exactly once, with zero 130429, and come back in input order', async () => {
	const inputItems = Array.from({ length: ITEMS }, (_, i) => ({ json: { phone: `+1 650 ${String(1_000_000 + i).slice(1, 4)} ${String(1_000_000 + i).slice(4)}`, ref: `item-${i}` } }));
	const result = await send(
		sim,
		{
			phoneNumberId: byId(HIGH_NUMBER),
			messageType: 'text',
			textBody: '=Order {{ $json.ref }} is on its way',
			recipient: '={{ $json.phone }}',
			sendOptions: { bizOpaqueCallbackData: '={{ $json.ref }}' },
		},
		{ inputItems, credentials: { throughputTier: 'high' } },
	);
	expect(result.error).toBeUndefined();
	const outputs = result.outputs('Send');
	expect(outputs).toHaveLength(ITEMS);
	outputs.forEach((output, i) => expect(output.recipient).toBe(`1650${String(1_000_000 + i).slice(1)}`));
	expect(result.items('Send').every((item, i) => (item.pairedItem as { item: number }).item === i)).toBe(true);

	const log = sim.log();
	expect(log).toHaveLength(ITEMS);
	const refs = log.map((message) => message.bizOpaqueCallbackData);
	expect(new Set(refs).size).toBe(ITEMS);
	expect(new Set(outputs.map((output) => output.messageId))).toEqual(new Set(log.map((message) => message.wamid)));
	expect(sim.counters().rejectedByCode['130429'] ?? 0).toBe(0);
	expect(sim.counters().peakPerSecond[HIGH_NUMBER]).toBeLessThanOrEqual(1000);
}, 120_000);
