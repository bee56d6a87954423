import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { readCredentials, readCredentialsBriefly } from '../shared/transport/credentials';
import { searchPhoneNumbers } from '../shared/descriptions';
import { joinFieldPath } from '../shared/errors';
import { whatsAppCloudApiTest } from '../shared/transport/credentialTest';
import type { WhatsAppCredentials } from '../shared/transport/types';
import {
	answerHandshake,
	DEFAULT_DEDUPE_WINDOW_MS,
	DEFAULT_MAX_REMEMBERED,
	fieldsForSelection,
	getRedeliveryStore,
	handleDelivery,
	MAX_DEDUPE_WINDOW_MS,
	redeliveryHashKey,
	resolveRedisTarget,
	type DeliveryOptions,
	type RedeliveryStore,
} from '../shared/webhook';
import { subscriptionSubtitle, triggerProperties } from './description';
import {
	ALL_SUBSCRIBABLE_FIELDS,
	createSubscription,
	defaultVerifyToken,
	deleteSubscription,
	SubscriptionError,
	subscriptionExists,
	talksToMeta,
	unreachableCallbackReason,
	type LifecycleInput,
	type SubscriptionMode,
	type SubscriptionRecord,
} from './subscription';

interface TriggerOptions {
	phoneNumberIds?: string;
	includeRawChange?: boolean;
	ignoreRedeliveries?: boolean;
	redeliveryWindowMinutes?: number;
	maxRememberedEvents?: number;
	verifyToken?: string;
}

type TriggerContext = IHookFunctions | IWebhookFunctions;

/** Whether a parameter value holds an n8n expression anywhere (a string starting with "="). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * A parameter as the workflow holds it when it holds no expression (what n8n would return for it), else as n8n
 * evaluates it. Every webhook request reads the trigger's settings: most hold no expression, and those then cost
 * neither n8n's expression engine nor its copy of the parameter. The value is the workflow's own: never change it.
 */
function readParameter<T>(context: TriggerContext, name: string, fallback: T): T {
	const raw = context.getNodeParameter(name, fallback as never, { rawExpressions: true });
	return (holdsExpression(raw) ? context.getNodeParameter(name, fallback as never) : raw) as T;
}

function readOptions(context: TriggerContext): TriggerOptions {
	return readParameter<TriggerOptions>(context, 'options', {});
}

/**
 * The credential as the trigger uses it, its App Secret trimmed here once: a newline pasted with it would otherwise
 * fail every signature, and change the derived verify token.
 */
function triggerCredentials(credentials: WhatsAppCredentials): WhatsAppCredentials {
	const appSecret = String(credentials.appSecret ?? '').trim();
	return appSecret === credentials.appSecret ? credentials : { ...credentials, appSecret };
}

/** A secret to derive verify tokens and redelivery keys from: the App Secret, else the access token (never shown). */
function tokenSecret(credentials: WhatsAppCredentials): string {
	return String(credentials.appSecret || credentials.accessToken || '');
}

/** The node's webhook ID, shared by its test and production URLs. */
function webhookIdOf(context: TriggerContext): string {
	const node = context.getNode();
	return node.webhookId ?? node.id;
}

function verifyTokenOf(context: TriggerContext, credentials: WhatsAppCredentials): string {
	const custom = String(readOptions(context).verifyToken ?? '').trim();
	return custom || defaultVerifyToken(webhookIdOf(context), tokenSecret(credentials));
}

const CREDENTIAL_DISPLAY_NAME = 'WhatsApp Cloud Nodes API';
const TRIGGER_NAME = 'WhatsApp Cloud Trigger';
const MAX_WINDOW_MINUTES = MAX_DEDUPE_WINDOW_MS / 60_000;
const MIN_REMEMBERED_EVENTS = 100;

/** A setting of this trigger that cannot work; `field` is the name the user sees (a path joined with " › "). */
class SettingError extends Error {
	constructor(
		readonly field: string | readonly string[],
		readonly problem: string,
		readonly description?: string,
	) {
		super(`"${joinFieldPath(field)}" ${problem}`);
		this.name = 'SettingError';
	}
}

function settingError(context: TriggerContext, error: SettingError): NodeOperationError {
	return new NodeOperationError(context.getNode(), error.message, { description: error.description });
}

function splitIds(text: string | undefined): string[] {
	return String(text ?? '')
		.split(/[,;\n]+/)
		.map((id) => id.trim())
		.filter((id) => id !== '');
}

/** An option that is set (not left out of the collection); expressions may still give NaN or text. */
function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

interface TriggerSettings {
	phoneNumberIds: string[];
	windowMs: number;
	maxEntries: number;
}

/**
 * The options, checked: a bad value is refused with the option's name rather than silently replaced (a window of
 * 0 would drop nothing, NaN would fall back to a default the user did not choose). Answers the SettingError.
 */
function readSettings(options: TriggerOptions): TriggerSettings | SettingError {
	const phoneNumberIds = splitIds(options.phoneNumberIds);
	const invalid = phoneNumberIds.filter((id) => !/^[0-9]{5,20}$/.test(id));
	if (invalid.length > 0) {
		return new SettingError(
			['Options', 'Only Phone Number IDs'],
			`holds "${invalid[0].slice(0, 40)}", which is not a phone number ID`,
			"Give phone number IDs (5 to 20 digits, as shown in Meta's WhatsApp Manager), separated by commas — not the phone numbers themselves.",
		);
	}

	let windowMinutes = DEFAULT_DEDUPE_WINDOW_MS / 60_000;
	if (isSet(options.redeliveryWindowMinutes)) {
		const given = Number(options.redeliveryWindowMinutes);
		if (!Number.isFinite(given) || given <= 0 || given > MAX_WINDOW_MINUTES) {
			return new SettingError(
				['Options', 'Redelivery Window (Minutes)'],
				`must be a number of minutes from 1 to ${MAX_WINDOW_MINUTES} (7 days), not ${JSON.stringify(String(options.redeliveryWindowMinutes)).slice(0, 40)}`,
				'Set how long an event is remembered to drop its redeliveries (60 is a good start), or turn "Ignore Redeliveries" off to keep every redelivery.',
			);
		}
		windowMinutes = given;
	}

	let maxEntries = DEFAULT_MAX_REMEMBERED;
	if (isSet(options.maxRememberedEvents)) {
		const given = Number(options.maxRememberedEvents);
		if (!Number.isFinite(given) || given < MIN_REMEMBERED_EVENTS) {
			return new SettingError(
				['Options', 'Max Remembered Events'],
				`must be a number of at least ${MIN_REMEMBERED_EVENTS}, not ${JSON.stringify(String(options.maxRememberedEvents)).slice(0, 40)}`,
				'About 170 bytes each: 100,000 events take about 17 MB of memory per n8n process.',
			);
		}
		maxEntries = Math.floor(given);
	}
	return { phoneNumberIds, windowMs: windowMinutes * 60_000, maxEntries };
}

/** What the credential lacks for this trigger's choices, if anything; checked when the trigger is activated. */
function credentialProblem(credentials: WhatsAppCredentials, mode: SubscriptionMode, verifySignature: boolean): SettingError | undefined {
	const missing = (field: string, needs: string, description: string) =>
		new SettingError(field, `is empty in the "${CREDENTIAL_DISPLAY_NAME}" credential, and ${needs} needs it`, description);
	const where = 'Meta App Dashboard → App settings → Basic';
	if (verifySignature && !credentials.appSecret) {
		return missing(
			'App Secret',
			'"Verify Signature"',
			`Add the App Secret (${where}) to the credential, so the trigger can check that each webhook comes from Meta. Turning "Verify Signature" off lets anyone who knows the URL start the workflow.`,
		);
	}
	if (mode === 'app') {
		if (!String(credentials.appId ?? '').trim()) {
			return missing('Meta App ID', 'Subscription "Meta App"', `Add the Meta App ID (${where}) to the credential, or choose another Subscription.`);
		}
		if (!credentials.appSecret) {
			return missing('App Secret', 'Subscription "Meta App"', `Add the App Secret (${where}) to the credential, or choose another Subscription.`);
		}
	}
	return undefined;
}

/** Checks everything activation needs before any call to Meta (n8n calls `checkExists`, then `create`). */
async function checkedLifecycleInput(context: IHookFunctions): Promise<LifecycleInput> {
	const input = await lifecycleInput(context);
	if ((context.getNodeParameter('triggerOn', []) as string[]).length === 0) {
		throw settingError(context, new SettingError('Trigger On', 'is empty, so nothing would start the workflow', 'Pick at least one event in "Trigger On".'));
	}
	const settings = readSettings(readOptions(context));
	if (settings instanceof SettingError) throw settingError(context, settings);
	const problem = credentialProblem(input.credentials, input.mode, context.getNodeParameter('verifySignature', true) as boolean);
	if (problem) throw settingError(context, problem);
	try {
		resolveRedisTarget(input.credentials.redisUrl);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message, {
			description: "Fix the Redis URL in the credential, or leave it empty to drop redeliveries in memory (or through n8n queue mode's Redis).",
		});
	}
	return input;
}

async function lifecycleInput(context: IHookFunctions): Promise<LifecycleInput> {
	const credentials = triggerCredentials(await readCredentials(context));
	const mode = context.getNodeParameter('subscription', 'app') as SubscriptionMode;
	const triggerOn = context.getNodeParameter('triggerOn', []) as string[];
	const callbackUrl = context.getNodeWebhookUrl('default') ?? '';
	const phoneNumberId =
		mode === 'phoneNumber'
			? String(context.getNodeParameter('subscriptionPhoneNumberId', '', { extractValue: true }) ?? '').trim()
			: undefined;
	return {
		credentials,
		mode,
		callbackUrl,
		verifyToken: verifyTokenOf(context, credentials),
		customVerifyToken: String(readOptions(context).verifyToken ?? '').trim() !== '',
		fields: fieldsForSelection(triggerOn, ALL_SUBSCRIBABLE_FIELDS),
		phoneNumberId,
		warn: (message) => context.logger.warn(`${TRIGGER_NAME} "${context.getNode().name}": ${message}`),
	};
}

/**
 * The plain-text page a browser gets at the trigger's URL: the Callback URL and Verify Token to enter at Meta. A
 * token the trigger derived is shown only on the Test URL, which exists only while the editor listens for a test
 * event, so the public production URL never gives it away; a token the user set is never echoed.
 */
function setupHelp(context: IWebhookFunctions, credentials: WhatsAppCredentials): string {
	const productionUrl = context.getNodeWebhookUrl('default');
	const custom = String(readOptions(context).verifyToken ?? '').trim() !== '';
	const listening = context.getMode() === 'manual';
	let token: string;
	if (custom) token = 'the value of Options › Verify Token in this trigger';
	else if (listening) token = verifyTokenOf(context, credentials);
	else token = 'shown on this trigger\'s Test URL: click "Listen for test event" in the trigger, then open its Test URL in your browser';
	const unreachable = talksToMeta(credentials) ? unreachableCallbackReason(productionUrl) : undefined;
	return [
		`This is the webhook of the n8n node "${TRIGGER_NAME}" ("${context.getNode().name}"). Meta sends WhatsApp events here with POST requests; opening it in a browser only shows this page.`,
		'',
		'Meta calls only a public HTTPS address: https:// with a valid certificate, reachable from the internet. Give Meta the production URL below, never the Test URL (n8n answers there only while the editor listens).',
		...(unreachable
			? [`Meta cannot reach this n8n yet: ${unreachable}. Set n8n's N8N_WEBHOOK_URL (WEBHOOK_URL before n8n 2.35) to its public HTTPS address (a reverse proxy or a tunnel in front of n8n) and restart n8n.`]
			: []),
		'',
		'To set it up by hand in the Meta App Dashboard (WhatsApp → Configuration → Webhook; Subscription "Manual" in the trigger):',
		`  Callback URL: ${productionUrl ?? 'this address (the production URL of the trigger)'}`,
		`  Verify Token: ${token}`,
		'',
		'With the other Subscription choices the trigger sets both at Meta itself when the workflow is activated.',
		...(listening
			? [
					'',
					"While the editor listens, Meta's events come here only if no active workflow holds a more specific subscription: a phone number's override wins over a WhatsApp Business Account's, which wins over the app's callback. If another active workflow's trigger holds one, deactivate it while you test, or give this trigger the same Subscription.",
				]
			: []),
		'',
	].join('\n');
}

/** What to do about a Graph error of the subscription calls, by Meta's code. */
function subscriptionAdvice(error: unknown, callbackUrl: string): string | undefined {
	const code = (error as { code?: unknown }).code;
	if (code === 190) {
		return 'The credential\'s access token (or, for the Meta App subscription, its App ID and App Secret) is not valid or has expired: renew it in the credential.';
	}
	if (code === 10 || code === 3 || (typeof code === 'number' && code >= 200 && code < 300)) {
		return 'The token lacks a permission: it needs whatsapp_business_management on this WhatsApp Business Account, and the App ID and App Secret must belong to the app that receives the webhooks.';
	}
	if (code === 2200) {
		return `Meta could not verify the callback URL ${callbackUrl}: n8n must be reachable from the internet at that URL, over HTTPS with a valid certificate, and the workflow must be saved. Or choose Subscription "Manual" and enter the URL yourself in the Meta App Dashboard.`;
	}
	if (code === 100) return 'Meta rejected a parameter: check the IDs in the credential (App ID, WhatsApp Business Account ID) and the phone number.';
	return undefined;
}

/** Runs a lifecycle step; a user-facing failure becomes a NodeOperationError with its advice. */
async function lifecycleStep<T>(context: IHookFunctions, input: LifecycleInput, step: () => Promise<T>): Promise<T> {
	try {
		return await step();
	} catch (error) {
		if (error instanceof SubscriptionError) {
			throw new NodeOperationError(context.getNode(), error.message, { description: error.description });
		}
		throw new NodeOperationError(context.getNode(), error as Error, {
			message: `Meta refused the webhook subscription: ${(error as Error).message}`,
			description: subscriptionAdvice(error, input.callbackUrl),
		});
	}
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
									`${TRIGGER_NAME} "${node.name}": Redis is unreachable (${error.message}); redeliveries are dropped by this process's memory only until it is back`,
								),
						}),
					},
	};
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
		`${TRIGGER_NAME} "${context.getNode().name}": ${tooOld} event(s) older than the redelivery window (${windowMs / 60_000} minutes) were refused, as a replay would be. If Meta delivered them late after an outage of n8n, raise Options › Redelivery Window (Minutes) to cover your longest outage (up to 10080, the 7 days Meta retries for).`,
	);
}

export class WhatsAppTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Cloud Trigger',
		name: 'whatsAppTrigger',
		icon: { light: 'file:../../icons/whatsapp.svg', dark: 'file:../../icons/whatsapp.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves as 1. n8n evaluates an expression on every webhook request to a node of version 1 (its
		// `binaryData` option, which this node does not have): ~9 ms of isolate time per request on its default engine.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: subscriptionSubtitle,
		description: 'Starts the workflow on WhatsApp messages, message statuses and account or template updates',
		defaults: { name: TRIGGER_NAME },
		eventTriggerDescription: 'Waiting for a WhatsApp event: send a message to your business number',
		activationMessage: 'WhatsApp events will now start this workflow.',
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { whatsAppCloudApiTest },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const input = await checkedLifecycleInput(this);
				return await lifecycleStep(this, input, async () => await subscriptionExists(input));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const input = await checkedLifecycleInput(this);
				const record = await lifecycleStep(this, input, async () => await createSubscription(input));
				const staticData = this.getWorkflowStaticData('node');
				if (record) staticData.subscription = record as unknown as IDataObject;
				else delete staticData.subscription;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				// Not checked: a trigger whose settings became invalid must still be removed from Meta.
				const input = await lifecycleInput(this);
				const staticData = this.getWorkflowStaticData('node');
				const record = staticData.subscription as unknown as SubscriptionRecord | undefined;
				try {
					await deleteSubscription(input, record);
				} catch (error) {
					// Deactivation must not fail over Meta: say what is left behind and go on.
					this.logger.warn(
						`${TRIGGER_NAME} "${this.getNode().name}": could not remove the webhook subscription at Meta (${(error as Error).message}); remove it in the Meta App Dashboard if it is still there`,
					);
					return false;
				}
				delete staticData.subscription;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();

		if (this.getWebhookName() === 'setup') {
			// Rare (Meta's handshake while activating, a browser): read fresh, as activation just did.
			const credentials = triggerCredentials(await readCredentials(this));
			const query = this.getQueryData() as Record<string, unknown>;
			if (!Object.keys(query).some((key) => key.startsWith('hub.'))) {
				// Someone opened the URL in a browser: say what it is and what to enter at Meta.
				res.status(200).type('text/plain').send(setupHelp(this, credentials));
				return { noWebhookResponse: true };
			}
			const answer = answerHandshake(query, verifyTokenOf(this, credentials));
			res.status(answer.statusCode).type('text/plain').send(answer.body);
			return { noWebhookResponse: true };
		}

		// Every delivery needs the credential (App Secret, Redis URL): read once per few seconds, not per request.
		const credentials = triggerCredentials(await readCredentialsBriefly(this));
		const req = this.getRequestObject();
		if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') await req.readRawBody();
		const rawBody = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
		const options = deliveryOptions(this, credentials);
		if (options instanceof SettingError) {
			// Activation refuses these settings; reaching here means they changed since. Meta retries a 500 later.
			const reason = `${options.message}: fix it in the trigger and save the workflow`;
			this.logger.error(`${TRIGGER_NAME} "${this.getNode().name}": ${reason}`);
			res.status(500).json({ error: reason });
			return { noWebhookResponse: true };
		}
		const outcome = await handleDelivery(rawBody, this.getHeaderData()['x-hub-signature-256'], options);

		if (!outcome.accepted) {
			// Answered here so the status code is ours; no workflowData means no execution.
			res.status(outcome.statusCode).json({ error: outcome.reason });
			if (outcome.statusCode === 500) this.logger.error(`${TRIGGER_NAME} "${this.getNode().name}": ${outcome.reason}`);
			return { noWebhookResponse: true };
		}
		// 200 all the same: Meta would retry a refusal for 7 days, and a replay must start nothing either way.
		if (outcome.tooOld > 0 && options.dedupe) warnTooOld(this, outcome.tooOld, options.dedupe.windowMs);
		if (outcome.events.length === 0) {
			// Verified and parsed, but nothing new to run on (duplicates, too old, or not picked): 200, no run.
			return { webhookResponse: { received: outcome.totalEvents, started: 0, duplicates: outcome.duplicates, tooOld: outcome.tooOld } };
		}
		if (options.dedupe && outcome.claimedKeys.length > 0) forgetIfNotStarted(res, options.dedupe.store, outcome.claimedKeys);
		return { workflowData: [outcome.events.map((event) => ({ json: event as unknown as IDataObject }))] };
	}
}
