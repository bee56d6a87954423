/**
 * The trigger's settings as the other parts use them: parameters read the cheap way, the options checked once
 * (`readSettings`, pure), the credential trimmed once, the verify token, and what the credential lacks for the
 * chosen subscription (`credentialProblem`, pure).
 */
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { FieldError } from '../shared/fieldError';
import type { WhatsAppCredentials } from '../shared/transport/types';
import { DEFAULT_DEDUPE_WINDOW_MS, DEFAULT_MAX_REMEMBERED, MAX_DEDUPE_WINDOW_MS } from '../shared/webhook';
import { defaultVerifyToken, findStrategy, type SubscriptionMode } from './subscription';

export type TriggerContext = IHookFunctions | IWebhookFunctions;

/** The "Options" collection as the workflow holds it; every value may be missing, or text from an expression. */
export interface TriggerOptions {
	phoneNumberIds?: string;
	includeRawChange?: boolean;
	ignoreRedeliveries?: boolean;
	redeliveryWindowMinutes?: number;
	maxRememberedEvents?: number;
	verifyToken?: string;
	outputAnswers?: boolean;
}

export const TRIGGER_NAME = 'WhatsApp Cloud Trigger';
const CREDENTIAL_DISPLAY_NAME = 'WhatsApp Cloud Nodes API';
const MAX_WINDOW_MINUTES = MAX_DEDUPE_WINDOW_MS / 60_000;
const MIN_REMEMBERED_EVENTS = 100;

/** A log line naming this trigger, so an n8n with many workflows says which one. */
export function logLine(context: TriggerContext, message: string): string {
	return `${TRIGGER_NAME} "${context.getNode().name}": ${message}`;
}

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
export function readParameter<T>(context: TriggerContext, name: string, fallback: T): T {
	const raw = context.getNodeParameter(name, fallback as never, { rawExpressions: true });
	return (holdsExpression(raw) ? context.getNodeParameter(name, fallback as never) : raw) as T;
}

export function readOptions(context: TriggerContext): TriggerOptions {
	return readParameter<TriggerOptions>(context, 'options', {});
}

/** The verify token the user set in Options, or '' when the trigger derives one. */
export function customVerifyToken(options: TriggerOptions): string {
	return String(options.verifyToken ?? '').trim();
}

/**
 * The credential as the trigger uses it, its App Secret trimmed here once: a newline pasted with it would otherwise
 * fail every signature, and change the derived verify token.
 */
export function triggerCredentials(credentials: WhatsAppCredentials): WhatsAppCredentials {
	const appSecret = String(credentials.appSecret ?? '').trim();
	return appSecret === credentials.appSecret ? credentials : { ...credentials, appSecret };
}

/** A secret to derive verify tokens and redelivery keys from: the App Secret, else the access token (never shown). */
export function tokenSecret(credentials: WhatsAppCredentials): string {
	return String(credentials.appSecret || credentials.accessToken || '');
}

/** The verify token Meta must send: the user's, else one derived from the node's webhook ID (shared by its two URLs). */
export function verifyTokenOf(context: TriggerContext, credentials: WhatsAppCredentials, options: TriggerOptions): string {
	const node = context.getNode();
	return customVerifyToken(options) || defaultVerifyToken(node.webhookId ?? node.id, tokenSecret(credentials));
}

/** A setting of this trigger that cannot work; `field` is the name the user sees (a path joined with " › "). */
export class SettingError extends FieldError {}

export function settingError(context: TriggerContext, error: SettingError): NodeOperationError {
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

export interface TriggerSettings {
	phoneNumberIds: string[];
	windowMs: number;
	maxEntries: number;
}

/**
 * The options, checked: a bad value is refused with the option's name rather than silently replaced (a window of
 * 0 would drop nothing, NaN would fall back to a default the user did not choose). Answers the SettingError.
 */
export function readSettings(options: TriggerOptions): TriggerSettings | SettingError {
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
export function credentialProblem(credentials: WhatsAppCredentials, mode: SubscriptionMode, verifySignature: boolean): SettingError | undefined {
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
	const strategy = findStrategy(mode);
	const lacking = strategy?.credentialFields?.find(({ key }) => !String(credentials[key] ?? '').trim());
	if (strategy && lacking) {
		return missing(lacking.name, `Subscription "${strategy.label}"`, `Add the ${lacking.name} (${where}) to the credential, or choose another Subscription.`);
	}
	return undefined;
}
