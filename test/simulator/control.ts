/**
 * Control endpoints under `/_sim/` (no auth, not counted, not in the request log): the demo and end-to-end tests
 * drive a simulator in another process through them.
 */
import type { Via } from './marketing';
import type { ControlHandler } from './server';
import { recipientKey, type ScriptedFault, type SimResponse, type SimulatorOptions } from './types';

/** What the control endpoints need from the simulator. */
export interface Controllable {
	log(): unknown[];
	counters(): unknown;
	requests(): unknown[];
	reset(): void;
	configure(partial: Partial<SimulatorOptions>): void;
	scriptFaults(faults: ScriptedFault[]): void;
	injectInbound(input: Record<string, unknown>): Promise<unknown>;
	reviewTemplate(templateId: string, event: string, reason?: string): Promise<unknown>;
	addProduct(input: Record<string, unknown>): unknown;
	limitMarketing(recipient: string, hours?: number, via?: Via): unknown;
	setMarketingPreference(recipient: string, value: 'stop' | 'resume', options?: { phoneNumberId?: string; via?: Via }): Promise<unknown>;
	paceTemplate(templateId: string, holdAfter: number, pauseAfter?: number): unknown;
	readonly webhooks: {
		deliveries(): unknown[];
		redeliver(count?: number): Promise<unknown>;
		deliverRaw(body: unknown, options?: { signature?: 'valid' | 'wrong' | 'none' }): Promise<unknown>;
		injectEvent(input: { field: string; value?: Record<string, unknown>; phoneNumberId?: string; templateId?: string }): Promise<unknown>;
	};
	readonly fixture: unknown;
	readonly options: SimulatorOptions;
	readonly url: string;
}

export const CONTROL_ENDPOINTS = [
	'GET  /_sim/log            accepted messages, newest first (?to= a phone or BSUID, ?phoneNumberId= filter; ?limit=N the newest N; ?since=N: after the first N, oldest first, for paging)',
	'GET  /_sim/counters       accepted, rejectedByCode, peakPerSecond, repeatedBodies (same number and body as an earlier message, since the last reset), calls…',
	'GET  /_sim/requests       recent requests as seen (no Authorization header)',
	'GET  /_sim/fixture        token, app id/secret, WABA, phone numbers, templates',
	'GET  /_sim/options        current options',
	'POST /_sim/reset          forget messages, counters, requests, limit windows, faults',
	'POST /_sim/config         JSON partial options: limits, latency, faults',
	'POST /_sim/faults         JSON [{path?, recipient?, method?, query?, count?, action:{kind,…}}]',
	'POST /_sim/inbound        JSON {phoneNumberId, from | userId (+ parentUserId, username), name, type, …that type\'s fields}',
	'GET  /_sim/webhooks       webhook deliveries: url, status, attempts, body',
	'POST /_sim/webhooks/redeliver?n=N   send the last N delivered bodies again (Meta\'s duplicates)',
	'POST /_sim/webhooks/raw?signature=valid|wrong|none   deliver this JSON body as it is',
	'POST /_sim/webhooks/event JSON {field, value?, phoneNumberId?, templateId?}: a template, number or account update',
	'POST /_sim/templates/review JSON {templateId, event, reason?}: Meta\'s review: the template takes the status, its status webhook is sent',
	'GET  /_sim/catalog        the catalogs and their products (retailer IDs); sends of products not in the account\'s catalog are refused (131009)',
	'POST /_sim/catalog/products JSON {retailerId, name?, catalogId?}: adds a product to the account\'s catalog (kept across resets)',
	'POST /_sim/marketing-messages/onboarding JSON {wabaId?, onboarded}: the WABA (default the fixture\'s) is onboarded to the Marketing Messages API or not',
	'POST /_sim/marketing/limit JSON {recipient, hours?, via?}: marketing templates to them fail with 131049 (by status webhook, or via:"response")',
	'POST /_sim/marketing/preferences JSON {recipient, value:"stop"|"resume", phoneNumberId?, via?}: the user stops/resumes marketing (131050) and the user_preferences webhook is sent',
	'POST /_sim/templates/pacing JSON {templateId, holdAfter, pauseAfter?}: sends past holdAfter answer held_for_quality_assessment; at pauseAfter sends the template is PAUSED and held ones fail (132015)',
];

function parseBody(body: Buffer): unknown {
	const text = body.toString('utf8').trim();
	if (text === '') return {};
	try {
		return JSON.parse(text);
	} catch {
		throw new Error('The control request body must be JSON');
	}
}

interface LoggedMessage {
	phoneNumberId?: string;
	to: string;
}

/**
 * The message log as a person reads it: newest first, so the bot's reply is on top. With `?since=N` (a program reading
 * the log in pages) it answers what came after the first N in the order accepted, as it always did.
 */
export function readLog(log: LoggedMessage[], query: URLSearchParams): { count: number; messages: LoggedMessage[] } {
	// Any `since`, 0 included, is a program paging through the log.
	const since = Number(query.get('since'));
	let messages = query.has('since') ? log.slice(Number.isInteger(since) && since > 0 ? since : 0) : log.slice().reverse();
	const phoneNumberId = query.get('phoneNumberId');
	const to = query.get('to');
	if (phoneNumberId) messages = messages.filter((m) => m.phoneNumberId === phoneNumberId);
	if (to) messages = messages.filter((m) => recipientKey(m.to) === recipientKey(to));
	const limit = Number(query.get('limit') ?? 0);
	if (Number.isInteger(limit) && limit > 0) messages = messages.slice(0, limit);
	return { count: log.length, messages };
}

function viaOf(value: unknown): Via | undefined {
	if (value === undefined) return undefined;
	if (value !== 'webhook' && value !== 'response') throw new Error('via must be "webhook" (a failed status, Meta\'s documented way) or "response" (a 400)');
	return value;
}

function ok(body: unknown): SimResponse {
	return { status: 200, body };
}

/** Options a control client may not change (the server is already listening). */
const FIXED_OPTIONS = new Set(['port', 'host', 'fixture', 'clock']);

export function controlHandler(sim: Controllable): ControlHandler {
	return async (method, segments, query, body) => {
		const route = `${method} ${segments.join('/')}`;
		switch (route) {
			case 'GET ':
				return ok({ url: sim.url, endpoints: CONTROL_ENDPOINTS });
			case 'GET log':
				return ok(readLog(sim.log() as LoggedMessage[], query));
			case 'GET counters':
				return ok(sim.counters());
			case 'GET requests':
				return ok({ requests: sim.requests() });
			case 'GET fixture':
				return ok(sim.fixture);
			case 'GET options':
				return ok(sim.options);
			case 'POST reset':
				sim.reset();
				return ok({ success: true });
			case 'POST config': {
				const partial = parseBody(body);
				if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
					throw new Error('POST /_sim/config needs a JSON object of options');
				}
				for (const key of Object.keys(partial)) {
					if (FIXED_OPTIONS.has(key)) throw new Error(`Option ${key} cannot be changed at runtime`);
					if (!(key in sim.options)) throw new Error(`Unknown option ${key}`);
				}
				sim.configure(partial as Partial<SimulatorOptions>);
				return ok({ success: true, options: sim.options });
			}
			case 'POST faults': {
				const parsed = parseBody(body) as unknown;
				const faults = Array.isArray(parsed) ? parsed : (parsed as { faults?: unknown }).faults;
				if (!Array.isArray(faults)) throw new Error('POST /_sim/faults needs a JSON array of faults (or {faults:[…]})');
				sim.scriptFaults(faults as ScriptedFault[]);
				return ok({ success: true });
			}
			case 'POST inbound': {
				const input = parseBody(body);
				if (typeof input !== 'object' || input === null || Array.isArray(input)) {
					throw new Error('POST /_sim/inbound needs a JSON object {phoneNumberId, from, name, type, …}');
				}
				return ok(await sim.injectInbound(input as Record<string, unknown>));
			}
			case 'GET webhooks':
				return ok({ deliveries: sim.webhooks.deliveries() });
			case 'POST webhooks/redeliver':
				return ok({ redelivered: await sim.webhooks.redeliver(Number(query.get('n') ?? 1)) });
			case 'POST webhooks/raw': {
				const signature = query.get('signature') ?? 'valid';
				if (signature !== 'valid' && signature !== 'wrong' && signature !== 'none') {
					throw new Error('signature must be valid, wrong or none');
				}
				return ok(await sim.webhooks.deliverRaw(parseBody(body), { signature }));
			}
			case 'POST templates/review': {
				const input = parseBody(body) as { templateId?: unknown; event?: unknown; reason?: unknown };
				if (typeof input.templateId !== 'string' || typeof input.event !== 'string') throw new Error('POST /_sim/templates/review needs {templateId, event, reason?}');
				return ok(await sim.reviewTemplate(input.templateId, input.event, typeof input.reason === 'string' ? input.reason : undefined));
			}
			case 'POST marketing/limit': {
				const input = parseBody(body) as { recipient?: unknown; hours?: unknown; via?: unknown };
				if (typeof input.recipient !== 'string') throw new Error('POST /_sim/marketing/limit needs {recipient, hours?, via?}');
				return ok(sim.limitMarketing(input.recipient, typeof input.hours === 'number' ? input.hours : undefined, viaOf(input.via)));
			}
			case 'POST marketing/preferences': {
				const input = parseBody(body) as { recipient?: unknown; value?: unknown; phoneNumberId?: unknown; via?: unknown };
				if (typeof input.recipient !== 'string' || (input.value !== 'stop' && input.value !== 'resume')) {
					throw new Error('POST /_sim/marketing/preferences needs {recipient, value: "stop" | "resume", phoneNumberId?, via?}');
				}
				return ok(await sim.setMarketingPreference(input.recipient, input.value, { phoneNumberId: typeof input.phoneNumberId === 'string' ? input.phoneNumberId : undefined, via: viaOf(input.via) }));
			}
			case 'POST templates/pacing': {
				const input = parseBody(body) as { templateId?: unknown; holdAfter?: unknown; pauseAfter?: unknown };
				if (typeof input.templateId !== 'string' || typeof input.holdAfter !== 'number') throw new Error('POST /_sim/templates/pacing needs {templateId, holdAfter, pauseAfter?}');
				return ok(sim.paceTemplate(input.templateId, input.holdAfter, typeof input.pauseAfter === 'number' ? input.pauseAfter : undefined));
			}
			case 'GET catalog':
				return ok({ catalogs: (sim.fixture as { catalogs: unknown }).catalogs });
			case 'POST catalog/products': {
				const input = parseBody(body);
				if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('POST /_sim/catalog/products needs {retailerId, name?, catalogId?}');
				return ok({ success: true, product: sim.addProduct(input as Record<string, unknown>) });
			}
			case 'POST marketing-messages/onboarding': {
				const input = parseBody(body) as { wabaId?: unknown; onboarded?: unknown };
				if (typeof input.onboarded !== 'boolean') throw new Error('POST /_sim/marketing-messages/onboarding needs {wabaId?, onboarded: true|false}');
				const wabaId = typeof input.wabaId === 'string' ? input.wabaId : (sim.fixture as { wabaId: string }).wabaId;
				const others = sim.options.marketingMessagesOnboarded.filter((id) => id !== wabaId);
				sim.configure({ marketingMessagesOnboarded: input.onboarded ? [...others, wabaId] : others });
				return ok({ success: true, marketingMessagesOnboarded: sim.options.marketingMessagesOnboarded });
			}
			case 'POST webhooks/event': {
				const input = parseBody(body) as { field?: unknown };
				if (typeof input.field !== 'string') throw new Error('POST /_sim/webhooks/event needs {field, value?, phoneNumberId?, templateId?}');
				return ok(await sim.webhooks.injectEvent(input as { field: string }));
			}
			default:
				return { status: 404, body: { error: { message: `Unknown control endpoint ${method} /_sim/${segments.join('/')}`, endpoints: CONTROL_ENDPOINTS } } };
		}
	};
}
