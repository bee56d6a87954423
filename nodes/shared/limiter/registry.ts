/** The gate's process-wide state: its lanes, WABA budgets, Redis stores and environment (the nodes reach it through index.ts). */
import { processWide } from '../processWide';
import { graphRequest } from '../transport';
import type { WabaBudget } from './budget';
import type { GateEnvironment, NumberLane } from './gate';
import type { RedisStore } from './redis';
import { DEFAULT_TIMINGS } from './settings';
import { ProofBook, type Probation } from './tenancy';
import type { ThroughputReading } from './throughput';

export interface Registry {
	lanes: Map<string, NumberLane>;
	wabas: Map<string, WabaBudget>;
	/** Automatic tier: what Meta said of each number, by lane key (kept when an idle lane is released). */
	throughput: Map<string, ThroughputReading>;
	/** Redis connections by target and login (a hash of the password, never the password). */
	stores: Map<string, RedisStore>;
	/** Credentials' calls on numbers and WABAs they have not proved access to, by their own lane's key. */
	probations: Map<string, Probation>;
	/** Which tokens (by hash) answered 2xx on which number or WABA. */
	proofs: ProofBook;
	env: GateEnvironment;
	warned: Set<string>;
	sweeper: NodeJS.Timeout | undefined;
}

// One registry per process, even if n8n loads two copies of this module.
export const registry = processWide('gate', (): Registry => {
	const warned = new Set<string>();
	return {
		lanes: new Map(),
		wabas: new Map(),
		throughput: new Map(),
		stores: new Map(),
		probations: new Map(),
		proofs: new ProofBook(),
		warned,
		sweeper: undefined,
		env: {
			timings: { ...DEFAULT_TIMINGS },
			transport: graphRequest,
			random: Math.random,
			warn: (topic, message) => {
				if (warned.has(topic)) return;
				warned.add(topic);
				console.warn(`[whatsapp-cloud gate] ${message}`);
			},
		},
	};
});
