import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_NAME, searchPhoneNumbers } from '../shared/descriptions';
import type { WhatsAppCredentials } from '../shared/transport/types';
import {
	answerHandshake,
	DEFAULT_DEDUPE_WINDOW_MS,
	fieldsForSelection,
	getRedeliveryStore,
	handleDelivery,
	MAX_DEDUPE_WINDOW_MS,
	resolveRedisTarget,
	type DeliveryOptions,
	type RedeliveryStore,
} from '../shared/webhook';
import { triggerProperties } from './description';
import {
	ALL_SUBSCRIBABLE_FIELDS,
	createSubscription,
	defaultVerifyToken,
	deleteSubscription,
	SubscriptionError,
	subscriptionExists,
	webhookIdFromUrl,
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

async function readCredentials(context: TriggerContext): Promise<WhatsAppCredentials> {
	return (await context.getCredentials(CREDENTIAL_NAME)) as unknown as WhatsAppCredentials;
}

function readOptions(context: TriggerContext): TriggerOptions {
	return context.getNodeParameter('options', {}) as TriggerOptions;
}

/** A secret to derive verify tokens from: the App Secret, else the access token (never shown anywhere). */
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

/** The phone-number filter must hold IDs, or it would silently drop every event: checked at activation. */
function assertPhoneNumberFilter(context: IHookFunctions): void {
	const invalid = splitIds(readOptions(context).phoneNumberIds).filter((id) => !/^[0-9]{5,20}$/.test(id));
	if (invalid.length > 0) {
		throw new NodeOperationError(
			context.getNode(),
			`Options → Only Phone Number IDs: "${invalid[0].slice(0, 40)}" is not a phone number ID`,
			{ description: "Give phone number IDs (5 to 20 digits, as shown in Meta's WhatsApp Manager), separated by commas — not the phone numbers themselves." },
		);
	}
}

async function lifecycleInput(context: IHookFunctions): Promise<LifecycleInput> {
	assertPhoneNumberFilter(context);
	const credentials = await readCredentials(context);
	try {
		resolveRedisTarget(credentials.redisUrl);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message, {
			description: 'Fix the Redis URL in the credential, or leave it empty to drop redeliveries in memory (or through n8n queue mode\'s Redis).',
		});
	}
	const mode = context.getNodeParameter('subscription', 'app') as SubscriptionMode;
	const triggerOn = context.getNodeParameter('triggerOn', []) as string[];
	const callbackUrl = context.getNodeWebhookUrl('default') ?? '';
	const phoneNumberId =
		mode === 'phoneNumber'
			? String(context.getNodeParameter('subscriptionPhoneNumberId', '', { extractValue: true }) ?? '').trim()
			: undefined;
	const secret = tokenSecret(credentials);
	return {
		credentials,
		mode,
		callbackUrl,
		verifyToken: verifyTokenOf(context, credentials),
		customVerifyToken: String(readOptions(context).verifyToken ?? '').trim() !== '',
		fields: fieldsForSelection(triggerOn, ALL_SUBSCRIBABLE_FIELDS),
		phoneNumberId,
		verifyTokenForUrl: (url) => {
			const webhookId = webhookIdFromUrl(url);
			return webhookId ? defaultVerifyToken(webhookId, secret) : undefined;
		},
		warn: (message) => context.logger.warn(`WhatsApp Trigger "${context.getNode().name}": ${message}`),
	};
}

/** What to do about a Graph error of the subscription calls, by Meta's code. */
function subscriptionAdvice(error: unknown): string | undefined {
	const code = (error as { code?: unknown }).code;
	if (code === 190) {
		return 'The credential\'s access token (or, for the Meta App subscription, its App ID and App Secret) is not valid or has expired: renew it in the credential.';
	}
	if (code === 10 || code === 3 || (typeof code === 'number' && code >= 200 && code < 300)) {
		return 'The token lacks a permission: it needs whatsapp_business_management on this WhatsApp Business Account, and the App ID and App Secret must belong to the app that receives the webhooks.';
	}
	if (code === 2200) {
		return 'Meta could not verify the callback URL: n8n must be reachable from the internet at that URL, over HTTPS with a valid certificate, and the workflow must be saved.';
	}
	if (code === 100) return 'Meta rejected a parameter: check the IDs in the credential (App ID, WhatsApp Business Account ID) and the phone number.';
	return undefined;
}

/** Runs a lifecycle step; a user-facing failure becomes a NodeOperationError with its advice. */
async function lifecycleStep<T>(context: IHookFunctions, step: () => Promise<T>): Promise<T> {
	try {
		return await step();
	} catch (error) {
		if (error instanceof SubscriptionError) {
			throw new NodeOperationError(context.getNode(), error.message, { description: error.description });
		}
		throw new NodeOperationError(context.getNode(), error as Error, {
			message: `Meta refused the webhook subscription: ${(error as Error).message}`,
			description: subscriptionAdvice(error),
		});
	}
}

function splitIds(text: string | undefined): string[] {
	return String(text ?? '')
		.split(/[,;\n]+/)
		.map((id) => id.trim())
		.filter((id) => id !== '');
}

/** The delivery settings of this trigger, read once per request. */
function deliveryOptions(context: IWebhookFunctions, credentials: WhatsAppCredentials): DeliveryOptions {
	const options = readOptions(context);
	const givenMinutes = Number(options.redeliveryWindowMinutes);
	const windowMinutes = Number.isFinite(givenMinutes) && givenMinutes > 0 ? givenMinutes : DEFAULT_DEDUPE_WINDOW_MS / 60_000;
	const windowMs = Math.min(windowMinutes * 60_000, MAX_DEDUPE_WINDOW_MS);
	const node = context.getNode();
	const mode = context.getMode() === 'manual' ? 'test' : 'production';
	const scope = `${context.getWorkflow().id ?? 'workflow'}:${node.id}:${mode}`;
	return {
		appSecret: credentials.appSecret,
		verifySignature: context.getNodeParameter('verifySignature', true) as boolean,
		triggerOn: context.getNodeParameter('triggerOn', []) as string[],
		phoneNumberIds: splitIds(options.phoneNumberIds),
		includeRawChange: options.includeRawChange === true,
		dedupe:
			options.ignoreRedeliveries === false
				? undefined
				: {
						windowMs,
						store: getRedeliveryStore({
							scope,
							redisUrl: credentials.redisUrl,
							maxEntries: options.maxRememberedEvents,
							onFallback: (error) =>
								context.logger.warn(
									`WhatsApp Trigger "${node.name}": Redis is unreachable (${error.message}); redeliveries are dropped by this process's memory only until it is back`,
								),
						}),
					},
	};
}

/**
 * n8n answers 200 only once the execution exists. Any other answer, or a dropped connection, means it did not
 * start: forget the claimed events so Meta's redelivery of this body runs instead of being dropped as a duplicate.
 */
function forgetIfNotStarted(res: ReturnType<IWebhookFunctions['getResponseObject']>, store: RedeliveryStore, keys: string[]): void {
	let answered = false;
	res.once('finish', () => {
		answered = true;
		if (res.statusCode !== 200) void store.release(keys);
	});
	res.once('close', () => {
		if (!answered) void store.release(keys);
	});
}

export class WhatsAppTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Cloud Trigger',
		name: 'whatsAppTrigger',
		icon: { light: 'file:../../icons/whatsapp.svg', dark: 'file:../../icons/whatsapp.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["subscription"] === "manual" ? "manual subscription" : "subscribed per " + $parameter["subscription"]}}',
		description: 'Starts the workflow on WhatsApp messages, message statuses and account or template updates',
		defaults: { name: 'WhatsApp Trigger' },
		eventTriggerDescription: 'Waiting for a WhatsApp event: send a message to your business number',
		activationMessage: 'WhatsApp events will now start this workflow.',
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const input = await lifecycleInput(this);
				return await lifecycleStep(this, async () => await subscriptionExists(input));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const input = await lifecycleInput(this);
				const record = await lifecycleStep(this, async () => await createSubscription(input));
				const staticData = this.getWorkflowStaticData('node');
				if (record) staticData.subscription = record as unknown as IDataObject;
				else delete staticData.subscription;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const input = await lifecycleInput(this);
				const staticData = this.getWorkflowStaticData('node');
				const record = staticData.subscription as unknown as SubscriptionRecord | undefined;
				try {
					await deleteSubscription(input, record);
				} catch (error) {
					// Deactivation must not fail over Meta: say what is left behind and go on.
					this.logger.warn(
						`WhatsApp Trigger "${this.getNode().name}": could not remove the webhook subscription at Meta (${(error as Error).message}); remove it in the Meta App Dashboard if it is still there`,
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
		const credentials = await readCredentials(this);

		if (this.getWebhookName() === 'setup') {
			const answer = answerHandshake(this.getQueryData() as Record<string, unknown>, verifyTokenOf(this, credentials));
			res.status(answer.statusCode).type('text/plain').send(answer.body);
			return { noWebhookResponse: true };
		}

		const req = this.getRequestObject();
		if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') await req.readRawBody();
		const rawBody = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
		const options = deliveryOptions(this, credentials);
		const outcome = await handleDelivery(rawBody, this.getHeaderData()['x-hub-signature-256'], options);

		if (!outcome.accepted) {
			// Answered here so the status code is ours; no workflowData means no execution.
			res.status(outcome.statusCode).json({ error: outcome.reason });
			if (outcome.statusCode === 500) this.logger.error(`WhatsApp Trigger "${this.getNode().name}": ${outcome.reason}`);
			return { noWebhookResponse: true };
		}
		if (outcome.events.length === 0) {
			// Verified and parsed, but nothing new to run on (duplicates, or events the user did not pick): 200, no run.
			return { webhookResponse: { received: outcome.totalEvents, started: 0, duplicates: outcome.duplicates } };
		}
		if (options.dedupe && outcome.claimedKeys.length > 0) forgetIfNotStarted(res, options.dedupe.store, outcome.claimedKeys);
		return { workflowData: [outcome.events.map((event) => ({ json: event as unknown as IDataObject }))] };
	}
}
