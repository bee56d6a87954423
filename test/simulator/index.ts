/**
 * The local WhatsApp Cloud API simulator: `const sim = await startSimulator({ latency: 'none' })`, then point a
 * credential's base URL at `sim.url`. See types.ts for every option.
 */
import { analyticsRoutes } from './analytics';
import { blockUsersRoutes } from './blockUsers';
import { addProduct } from './catalog';
import { flowRoutes } from './flows';
import { businessProfileRoutes } from './businessProfile';
import { qrCodeRoutes } from './qrCodes';
import { resumableUploadRoutes } from './resumableUpload';
import { controlHandler } from './control';
import { defaultOptions, mergeOptions } from './fixture';
import { limitMarketing, paceTemplate, setMarketingPreference, userPreferencesValue, type Via } from './marketing';
import { mediaRoutes } from './media';
import { marketingMessageRoutes } from './marketingMessages';
import { messageRoutes } from './messages';
import { phoneNumberRoutes } from './phoneNumbers';
import { SimServer } from './server';
import { SimState } from './state';
import { subscriptionRoutes } from './subscriptions';
import { templateRoutes } from './templates';
import { rememberSeededTemplates, restoreSeededTemplates, setTemplateStatus, templateManagementRoutes } from './templateManagement';
import { WebhookDispatcher } from './webhooks';
import type {
	AcceptedMessage,
	Fixture,
	FixtureProduct,
	RequestLogEntry,
	Route,
	ScriptedFault,
	SimCounters,
	SimulatorOptions,
} from './types';

export * from './types';
export { metaJson, LIVE_VERSIONS, LATEST_VERSION } from './server';
export { defaultFixture, defaultOptions } from './fixture';
export { latencySampler, META_LATENCY } from './latency';
export { CONTROL_ENDPOINTS } from './control';
export { DOCUMENTED_CATALOG_ID } from './catalog';
export { WebhookDispatcher, signBody } from './webhooks';

export class Simulator {
	/** Base URL without version, e.g. `http://127.0.0.1:41234`. */
	url = '';
	private readonly server: SimServer;

	constructor(private readonly state: SimState, extraRoutes: Route[] = []) {
		const routes: Route[] = [
			...messageRoutes(state),
			...marketingMessageRoutes(state),
			...mediaRoutes,
			...templateRoutes,
			...templateManagementRoutes,
			...blockUsersRoutes,
			...businessProfileRoutes,
			...qrCodeRoutes,
			...flowRoutes,
			...resumableUploadRoutes,
			...analyticsRoutes,
			...subscriptionRoutes,
			...phoneNumberRoutes,
			...extraRoutes,
		];
		this.server = new SimServer(state, routes, controlHandler(this));
		rememberSeededTemplates(state);
	}

	get fixture(): Fixture {
		return this.state.fixture;
	}

	get options(): SimulatorOptions {
		return this.state.options;
	}

	/** The webhook dispatcher: `deliveries()`, `idle()`, `redeliver()`, `deliverRaw()`… */
	get webhooks(): WebhookDispatcher {
		return this.state.webhooks as WebhookDispatcher;
	}

	/** @internal */
	async listen(): Promise<void> {
		this.url = await this.server.listen(this.state.options.port, this.state.options.host);
		this.state.url = this.url;
	}

	/** Every accepted message, in the order accepted. */
	log(): AcceptedMessage[] {
		return this.state.messageLog();
	}

	/** Recent requests as seen (Authorization header left out), oldest first. */
	requests(): RequestLogEntry[] {
		return this.state.requests();
	}

	counters(): SimCounters {
		const c = this.state.counters;
		return {
			...c,
			rejectedByCode: { ...c.rejectedByCode },
			peakPerSecond: { ...c.peakPerSecond },
			peakBudgetWindow: { ...c.peakBudgetWindow },
			managementCalls: { ...c.managementCalls },
		};
	}

	/** Forgets messages, counters, requests, limit windows, media, subscriptions, scripted faults and template changes. */
	reset(): void {
		this.state.reset();
		restoreSeededTemplates(this.state);
	}

	/** Changes options at runtime (limits, latency, faults…). */
	configure(partial: Partial<SimulatorOptions>): void {
		this.state.configure(partial);
	}

	/** The next calls matching each fault get its action (error code, reset, stall), in order. */
	scriptFaults(faults: ScriptedFault[]): void {
		this.state.faults.script(faults);
	}

	/**
	 * Meta's review of a template: it takes the event's status (APPROVED, REJECTED, PAUSED, DISABLED) and the
	 * message_template_status_update webhook goes to the subscribed callback.
	 */
	async reviewTemplate(templateId: string, event: string, reason = 'NONE'): Promise<unknown> {
		setTemplateStatus(this.state, templateId, event);
		// Meta reviews whether or not anyone listens: without a subscribed callback only the status changes.
		const webhook = await this.webhooks
			.injectEvent({ field: 'message_template_status_update', templateId, value: { event, reason } })
			.catch((error: unknown) => ({ sent: false, reason: error instanceof Error ? error.message : String(error) }));
		return { templateId, status: event, webhook };
	}

	/**
	 * Adds a product (`retailerId`, `name?`) to the account's catalog, or to `catalogId`'s: sends of products not in
	 * the catalog are refused as Meta refuses them (catalog.ts). Kept across resets, as account data.
	 */
	addProduct(input: { retailerId?: unknown; retailer_id?: unknown; name?: unknown; catalogId?: unknown }): FixtureProduct {
		return addProduct(this.state, input);
	}

	/** Marketing templates to `recipient` fail with 131049 for `hours` (marketing.ts). */
	limitMarketing(recipient: string, hours?: number, via?: Via): { recipient: string; until: string } {
		return limitMarketing(this.state, recipient, hours, via);
	}

	/**
	 * The user stops or resumes marketing messages (131050 while stopped, marketing.ts); the user_preferences webhook goes
	 * to the number's callback when one is subscribed.
	 */
	async setMarketingPreference(recipient: string, value: 'stop' | 'resume', options: { phoneNumberId?: string; via?: Via } = {}): Promise<unknown> {
		setMarketingPreference(this.state, recipient, value, options.via);
		const phoneNumberId = options.phoneNumberId ?? this.state.fixture.phoneNumbers[0].id;
		const webhook = await this.webhooks
			.injectEvent({ field: 'user_preferences', phoneNumberId, value: userPreferencesValue(recipient, value, Math.floor(this.state.now() / 1000)) })
			.catch((error: unknown) => ({ sent: false, reason: error instanceof Error ? error.message : String(error) }));
		return { recipient, value, webhook };
	}

	/** Template pacing (marketing.ts): sends past `holdAfter` are held; at `pauseAfter` sends the template is paused. */
	paceTemplate(templateId: string, holdAfter: number, pauseAfter?: number): { templateId: string; holdAfter: number; pauseAfter?: number } {
		paceTemplate(this.state, templateId, holdAfter, pauseAfter);
		return { templateId, holdAfter, pauseAfter };
	}

	/** Injects an inbound customer message (sent to the subscribed callback as a signed webhook). */
	async injectInbound(input: Record<string, unknown>): Promise<unknown> {
		const webhooks = this.state.webhooks;
		if (!webhooks.injectInbound) throw new Error('Inbound messages need the webhook dispatcher, which is not wired in');
		return webhooks.injectInbound(input);
	}

	/** Closes the server and every socket, cancels every timer. */
	async stop(): Promise<void> {
		await this.state.webhooks.stop?.();
		await this.server.close();
	}
}

/** Starts a simulator (random port on 127.0.0.1 unless told otherwise). */
export async function startSimulator(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
	const state = new SimState(mergeOptions(defaultOptions(), options));
	state.webhooks = new WebhookDispatcher(state);
	const simulator = new Simulator(state);
	await simulator.listen();
	return simulator;
}
