/**
 * n8n's webhook lifecycle for the trigger (`checkExists`, then `create` on activation; `delete` on deactivation):
 * everything activation needs is checked before any call to Meta, then the Subscription's strategy does the calls.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getConversationLedger } from '../shared/conversations';
import { readCredentials } from '../shared/transport/credentials';
import { ANY_NUMBER } from '../shared/waits/answers';
import { fieldsForSelection } from '../shared/webhook';
import { resolveRedisTarget } from '../shared/redis';
import {
	credentialProblem,
	customVerifyToken,
	logLine,
	readOptions,
	readSettings,
	SettingError,
	settingError,
	triggerCredentials,
	verifyTokenOf,
	type TriggerOptions,
} from './settings';
import {
	ALL_SUBSCRIBABLE_FIELDS,
	createSubscription,
	deleteSubscription,
	SubscriptionError,
	subscriptionExists,
	type LifecycleInput,
	type SubscriptionMode,
	type SubscriptionRecord,
} from './subscription';

async function lifecycleInput(context: IHookFunctions, options: TriggerOptions): Promise<LifecycleInput> {
	const credentials = triggerCredentials(await readCredentials(context));
	const mode = context.getNodeParameter('subscription', 'app') as SubscriptionMode;
	const triggerOn = context.getNodeParameter('triggerOn', []) as string[];
	const phoneNumberId =
		mode === 'phoneNumber'
			? String(context.getNodeParameter('subscriptionPhoneNumberId', '', { extractValue: true }) ?? '').trim()
			: undefined;
	return {
		credentials,
		mode,
		callbackUrl: context.getNodeWebhookUrl('default') ?? '',
		verifyToken: verifyTokenOf(context, credentials, options),
		customVerifyToken: customVerifyToken(options) !== '',
		fields: fieldsForSelection(triggerOn, ALL_SUBSCRIBABLE_FIELDS),
		phoneNumberId,
		warn: (message) => context.logger.warn(logLine(context, message)),
	};
}

/** Checks everything activation needs before any call to Meta (n8n calls `checkExists`, then `create`). */
async function checkedLifecycleInput(context: IHookFunctions): Promise<LifecycleInput> {
	const options = readOptions(context);
	const input = await lifecycleInput(context, options);
	if ((context.getNodeParameter('triggerOn', []) as string[]).length === 0) {
		throw settingError(context, new SettingError('Trigger On', 'is empty, so nothing would start the workflow', 'Pick at least one event in "Trigger On".'));
	}
	const settings = readSettings(options);
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

/** What to do about a Graph error of the subscription calls, by Meta's code. */
export function subscriptionAdvice(error: unknown, callbackUrl: string): string | undefined {
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

/**
 * The heartbeat of an activated production trigger that receives messages and verifies signatures: Send and Wait asks only when some trigger
 * would route the answer back (deliveries then keep it fresh, delivery.ts). Its numbers, or every number of the app.
 */
async function recordActivation(context: IHookFunctions, input: LifecycleInput): Promise<void> {
	// Only a trigger that verifies Meta's signature routes answers (delivery.ts).
	if (context.getMode() === 'manual' || context.getNodeParameter('verifySignature', true) !== true) return;
	const triggerOn = context.getNodeParameter('triggerOn', []) as string[];
	if (!triggerOn.some((kind) => kind === 'messages' || kind.startsWith('message:'))) return;
	const settings = readSettings(readOptions(context));
	const listed = settings instanceof SettingError ? [] : settings.phoneNumberIds;
	const numbers = listed.length > 0 ? listed : input.phoneNumberId ? [input.phoneNumberId] : [ANY_NUMBER];
	const ledger = getConversationLedger({ redisUrl: input.credentials.redisUrl, accessToken: input.credentials.accessToken });
	const now = Date.now();
	await Promise.all(numbers.map((id) => ledger.recordTriggerSeen(id, now)));
}

/** The node's `webhookMethods.default`. */
export const webhookLifecycle = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		const input = await checkedLifecycleInput(this);
		const exists = await lifecycleStep(this, input, async () => await subscriptionExists(input));
		if (exists) await recordActivation(this, input);
		return exists;
	},

	async create(this: IHookFunctions): Promise<boolean> {
		const input = await checkedLifecycleInput(this);
		const record = await lifecycleStep(this, input, async () => await createSubscription(input));
		const staticData = this.getWorkflowStaticData('node');
		if (record) staticData.subscription = record as unknown as IDataObject;
		else delete staticData.subscription;
		await recordActivation(this, input);
		return true;
	},

	async delete(this: IHookFunctions): Promise<boolean> {
		// Not checked: a trigger whose settings became invalid must still be removed from Meta.
		const input = await lifecycleInput(this, readOptions(this));
		const staticData = this.getWorkflowStaticData('node');
		const record = staticData.subscription as unknown as SubscriptionRecord | undefined;
		try {
			await deleteSubscription(input, record);
		} catch (error) {
			// Deactivation must not fail over Meta: say what is left behind and go on.
			this.logger.warn(
				logLine(this, `could not remove the webhook subscription at Meta (${(error as Error).message}); remove it in the Meta App Dashboard if it is still there`),
			);
			return false;
		}
		delete staticData.subscription;
		return true;
	},
};
