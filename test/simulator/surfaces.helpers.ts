/** Test helpers of the surface modules: a simulator with the webhook dispatcher and every surface route wired. */
import { defaultOptions, mergeOptions } from './fixture';
import { Simulator } from './index';
import { phoneNumberRoutes } from './phoneNumbers';
import { SimState } from './state';
import type { SimContext, SimulatorOptions } from './types';
import { WebhookDispatcher } from './webhooks';

export interface SurfaceSimulator {
	sim: Simulator;
	state: SimContext;
	webhooks: WebhookDispatcher;
}

/** Starts a simulator on a random port; the dispatcher and the phone-number routes are wired even before the core does it. */
export async function startSurfaceSimulator(options: Partial<SimulatorOptions> = {}): Promise<SurfaceSimulator> {
	const state = new SimState(mergeOptions(defaultOptions(), { latency: 'none', ...options }));
	if (!(state.webhooks instanceof WebhookDispatcher)) state.webhooks = new WebhookDispatcher(state);
	const sim = new Simulator(state, phoneNumberRoutes);
	await sim.listen();
	return { sim, state, webhooks: state.webhooks as WebhookDispatcher };
}
