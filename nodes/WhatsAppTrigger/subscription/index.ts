/**
 * The trigger's lifecycle with Meta: where webhooks are sent for this trigger, set on activation and undone on
 * deactivation. One strategy per Subscription choice, so several triggers can share one Meta app:
 * `app` (app.ts), `waba` (waba.ts), `phoneNumber` (number.ts, wins over the others) and `manual` (manual.ts).
 * Meta sends a WABA's webhooks only to apps subscribed to that WABA, so the app and phone-number modes also subscribe
 * the app to the credential's WABA when it is not yet (appOnWaba.ts; the WABA mode's own call does).
 * A trigger takes over only its own other URL (Production while a test run listens) and hands only that back;
 * deactivation undoes only what this trigger set, and only while Meta still points at this trigger (takeover.ts).
 */
import { appSubscription } from './app';
import { callbackUrlTooLong, requireReachable } from './callbackUrl';
import { manualSubscription } from './manual';
import { numberSubscription } from './number';
import { SubscriptionError, type LifecycleInput, type SubscriptionMode, type SubscriptionRecord, type SubscriptionStrategy } from './types';
import { wabaSubscription } from './waba';

export { isOwnOtherUrl, talksToMeta, unreachableCallbackReason, webhookIdFromUrl } from './callbackUrl';
export { defaultVerifyToken } from './verifyToken';
export * from './types';

/** Fields subscribed for "All Events": everything a WhatsApp Business Account sends that the pack names. */
export const ALL_SUBSCRIBABLE_FIELDS = [
	'messages',
	'message_template_status_update',
	'message_template_quality_update',
	'template_category_update',
	'phone_number_quality_update',
	'phone_number_name_update',
	'account_update',
	'account_review_update',
	'account_alerts',
	'business_capability_update',
	'security',
	'message_template_components_update',
	'user_preferences',
	'calls',
	'smb_message_echoes',
	'history',
	'group_lifecycle_update',
	'group_participants_update',
	'group_settings_update',
	'group_status_update',
] as const;

/** The Subscription choices, in the order the node offers them. */
export const SUBSCRIPTION_STRATEGIES: readonly SubscriptionStrategy[] = [appSubscription, wabaSubscription, numberSubscription, manualSubscription];

const STRATEGIES = Object.fromEntries(SUBSCRIPTION_STRATEGIES.map((strategy) => [strategy.mode, strategy])) as Record<SubscriptionMode, SubscriptionStrategy>;

/** The strategy of a Subscription choice, if the node offers it. */
export function findStrategy(mode: string): SubscriptionStrategy | undefined {
	return Object.hasOwn(STRATEGIES, mode) ? STRATEGIES[mode as SubscriptionMode] : undefined;
}

/** The strategy of a Subscription choice; a value the node does not offer is refused by name. */
export function strategyFor(mode: string): SubscriptionStrategy {
	const strategy = findStrategy(mode);
	if (!strategy) {
		throw new SubscriptionError(
			`"Subscription" is ${JSON.stringify(String(mode).slice(0, 40))}, which is not one this trigger offers`,
			`Choose one of: ${SUBSCRIPTION_STRATEGIES.map((choice) => `"${choice.label}"`).join(', ')}.`,
		);
	}
	return strategy;
}

/** Whether Meta already sends this trigger's webhooks to its URL (n8n then skips `create`). */
export async function subscriptionExists(input: LifecycleInput): Promise<boolean> {
	return await strategyFor(input.mode).check(input);
}

/** Points Meta at this trigger, once its callback URL is one Meta can call; returns what it set, for `deleteSubscription`. */
export async function createSubscription(input: LifecycleInput): Promise<SubscriptionRecord | undefined> {
	const strategy = strategyFor(input.mode);
	if (strategy.setsCallback) requireReachable(input.credentials, input.callbackUrl);
	if (strategy.maxCallbackUrlLength !== undefined && input.callbackUrl.length > strategy.maxCallbackUrlLength) {
		throw callbackUrlTooLong(input.callbackUrl, strategy.label, strategy.maxCallbackUrlLength);
	}
	return await strategy.subscribe(input);
}

/** Undoes what `createSubscription` set, by the strategy it recorded (the node's choice may have changed since). */
export async function deleteSubscription(input: LifecycleInput, record: SubscriptionRecord | undefined): Promise<void> {
	await strategyFor(record?.mode ?? input.mode).unsubscribe(input, record);
}
