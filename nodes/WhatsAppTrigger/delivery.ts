/**
 * The trigger's `POST` webhook: the request's raw bytes and the trigger's settings → `handleDelivery` (signature,
 * events, the user's choices, dedupe) → the items of one execution, or an answer of our own when nothing starts.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { ConversationLedger } from '../shared/conversations';
import type { ResumeBody } from '../shared/waits/answers';
import type { WhatsAppEvent } from '../shared/webhook/types';

import { getConversationLedger } from '../shared/conversations';
import { recordInboundMessages } from '../shared/limiter';
import { readCredentialsBriefly } from '../shared/transport/credentials';
import type { WhatsAppCredentials } from '../shared/transport/types';
import { getRedeliveryStore, handleDelivery, redeliveryHashKey, type DeliveryOptions, type RedeliveryStore } from '../shared/webhook';
import { routeAnswers } from './routing';
import { logLine, readOptions, readParameter, readSettings, SettingError, tokenSecret, triggerCredentials } from './settings';

/** n8n answers 409 while the asking execution is still being saved as waiting: a reply that fast is posted again. */
const RESUME_ATTEMPTS = 5;
const RESUME_RETRY_MS = 400;
/** A resume answers once n8n has queued the execution: far below this unless n8n is stuck. */
const RESUME_TIMEOUT_MS = 10_000;

/**
 * Whether a resume URL points at this n8n: the same host as the trigger's own webhook URL (both come from n8n's
 * WEBHOOK_URL). A URL read from a shared Redis is never posted to another host.
 */
export function isOwnHost(resumeUrl: string, webhookUrl: string | undefined): boolean {
	try {
		return webhookUrl !== undefined && new URL(resumeUrl).hostname === new URL(webhookUrl).hostname;
	} catch {
		return false;
	}
}

/** Posts an answer to n8n's resume URL; rejects unless n8n resumed the execution (its JSON answer, not a page). */
async function postResume(context: IWebhookFunctions, url: string, body: ResumeBody): Promise<void> {
	if (!isOwnHost(url, context.getNodeWebhookUrl('default'))) {
		throw new NodeOperationError(context.getNode(), "the resume URL is not on this n8n's host, so it was not called");
	}
	for (let attempt = 1; ; attempt++) {
		try {
			const response = (await context.helpers.httpRequest({ method: 'POST', url, body, json: true, timeout: RESUME_TIMEOUT_MS, returnFullResponse: true })) as {
				headers?: Record<string, string>;
			};
			// n8n 2.x answers an already finished send-and-wait with an HTML page ("no action required").
			if (String(response.headers?.['content-type'] ?? '').includes('text/html')) {
				throw Object.assign(new Error('n8n says the execution needs no answer any more'), { httpCode: '200' });
			}
			return;
		} catch (error) {
			const status = (error as { httpCode?: string; status?: number }).httpCode ?? (error as { status?: number }).status;
			if (String(status) !== '409' || attempt >= RESUME_ATTEMPTS) throw new NodeOperationError(context.getNode(), error as Error);
			await sleep(RESUME_RETRY_MS);
		}
	}
}

/** Resumes the waits the new messages answer (handleDelivery recorded the number's heartbeat); returns those events. */
async function routeToWaits(context: IWebhookFunctions, ledger: ConversationLedger, events: WhatsAppEvent[]): Promise<Set<WhatsAppEvent>> {
	return routeAnswers(
		{ ledger, now: Date.now, resume: async (url, body) => postResume(context, url, body), warn: (message) => context.logger.warn(logLine(context, message)) },
		events,
	);
}

/** The delivery settings of this trigger, read once per request; a bad option answers its SettingError. */
function deliveryOptions(context: IWebhookFunctions, credentials: WhatsAppCredentials): DeliveryOptions | SettingError {
	const options = readOptions(context);
	const settings = readSettings(options);
	if (settings instanceof SettingError) return settings;
	const node = context.getNode();
	const mode = context.getMode() === 'manual' ? 'test' : 'production';
	const scope = `${context.getWorkflow().id ?? 'workflow'}:${node.id}:${mode}`;
	return {
		appSecret: credentials.appSecret,
		verifySignature: readParameter(context, 'verifySignature', true),
		triggerOn: readParameter<string[]>(context, 'triggerOn', []),
		phoneNumberIds: settings.phoneNumberIds,
		includeRawChange: options.includeRawChange === true,
		ledger: getConversationLedger({
			redisUrl: credentials.redisUrl,
			accessToken: credentials.accessToken,
			onFallback: (error) =>
				context.logger.warn(logLine(context, `Redis is unreachable (${error.message}); the conversation ledger (windows, delivery statuses) is kept in this process's memory only until it is back`)),
		}),
		dedupe:
			options.ignoreRedeliveries === false
				? undefined
				: {
						windowMs: settings.windowMs,
						hashKey: redeliveryHashKey(scope, tokenSecret(credentials)),
						store: getRedeliveryStore({
							scope,
							redisUrl: credentials.redisUrl,
							maxEntries: settings.maxEntries,
							onFallback: (error) =>
								context.logger.warn(
									logLine(context, `Redis is unreachable (${error.message}); redeliveries are dropped by this process's memory only until it is back`),
								),
						}),
					},
	};
}

/** The request's body as Meta sent it: the signature is over these bytes, not over any parsed copy. */
async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer> {
	const req = context.getRequestObject();
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') await req.readRawBody();
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
}

/**
 * n8n (webhook-helpers' executeWebhook) answers 200 right after the execution was started, and an error status
 * whenever it could not start it: only then are the claimed events forgotten, so Meta's redelivery runs. A client
 * that hangs up first changes nothing (n8n still starts the execution); 'prefinish' still tells n8n's answer then,
 * where 'finish' does not come.
 */
function forgetIfNotStarted(res: ReturnType<IWebhookFunctions['getResponseObject']>, store: RedeliveryStore, keys: string[]): void {
	res.once('prefinish', () => {
		if (res.statusCode >= 400) void store.release(keys);
	});
}

/** Says what was refused as older than the window, and what to set when Meta may deliver that late after an outage. */
function warnTooOld(context: IWebhookFunctions, tooOld: number, windowMs: number): void {
	context.logger.warn(
		logLine(
			context,
			`${tooOld} event(s) older than the redelivery window (${windowMs / 60_000} minutes) were refused, as a replay would be. If Meta delivered them late after an outage of n8n, raise Options › Redelivery Window (Minutes) to cover your longest outage (up to 10080, the 7 days Meta retries for).`,
		),
	);
}

/** Answers one delivery: an execution with one item per new event, or a status of our own when nothing starts. */
export async function receiveDelivery(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = context.getResponseObject();
	// Every delivery needs the credential (App Secret, Redis URL): read once per few seconds, not per request.
	const credentials = triggerCredentials(await readCredentialsBriefly(context));
	const rawBody = await rawBodyOf(context);
	const options = deliveryOptions(context, credentials);
	if (options instanceof SettingError) {
		// Activation refuses these settings; reaching here means they changed since. Meta retries a 500 later.
		const reason = `${options.message}: fix it in the trigger and save the workflow`;
		context.logger.error(logLine(context, reason));
		res.status(500).json({ error: reason });
		return { noWebhookResponse: true };
	}
	const outcome = await handleDelivery(rawBody, context.getHeaderData()['x-hub-signature-256'], options);

	if (!outcome.accepted) {
		// Answered here so the status code is ours; no workflowData means no execution.
		res.status(outcome.statusCode).json({ error: outcome.reason });
		if (outcome.statusCode === 500) context.logger.error(logLine(context, outcome.reason));
		return { noWebhookResponse: true };
	}
	// Before the trigger's own choices: a trigger that outputs only statuses still leaves the sends room for messages.
	for (const [phoneNumberId, count] of outcome.inboundMessages) recordInboundMessages(credentials, phoneNumberId, count);
	// 200 all the same: Meta would retry a refusal for 7 days, and a replay must start nothing either way.
	if (outcome.tooOld > 0 && options.dedupe) warnTooOld(context, outcome.tooOld, options.dedupe.windowMs);
	// Only a body signed by Meta may answer a wait: an unsigned one could approve anything.
	const resumed = options.ledger && options.verifySignature ? await routeToWaits(context, options.ledger, outcome.events) : new Set<WhatsAppEvent>();
	// A message that resumed a waiting execution does not also start this workflow, unless the user asks for both.
	const events = readOptions(context).outputAnswers === true ? outcome.events : outcome.events.filter((event) => !resumed.has(event));
	if (events.length === 0) {
		// Verified and parsed, but nothing new to run on (duplicates, too old, or not picked): 200, no run.
		return { webhookResponse: { received: outcome.totalEvents, started: 0, duplicates: outcome.duplicates, tooOld: outcome.tooOld, resumed: resumed.size } };
	}
	if (options.dedupe && outcome.claimedKeys.length > 0) forgetIfNotStarted(res, options.dedupe.store, outcome.claimedKeys);
	return { workflowData: [events.map((event) => ({ json: event as unknown as IDataObject }))] };
}
