/**
 * Send Message's option to send marketing templates through Meta's Marketing Messages API for WhatsApp
 * (`POST /{phone-number-id}/marketing_messages`, formerly Marketing Messages Lite API), with the fallback to the
 * Cloud API's `/messages` when Meta refuses the path for an account or template.
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/send-marketing-messages:
 *   the body is a Cloud API template send; only MARKETING templates; `product_policy: "STRICT"` makes Meta refuse
 *   rather than route a send of an account not onboarded through the Cloud API unseen.
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/route-template-messages:
 *   route by the template's latest category: MARKETING to /marketing_messages, every other to /messages.
 * - https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes#marketing-messages-api-for-whatsapp-error-codes
 */
import { SEND_AND_WAIT_OPERATION, type INodeProperties, type IExecuteFunctions } from 'n8n-workflow';

import { getManagementCache, managementCacheKey, type MessageTemplate, type MessageTemplateList } from '../../../shared/descriptions';
import { scheduleGraphCall, sharedEntriesFor } from '../../../shared/limiter';
import { MessageValidationError } from '../../../shared/messages';
import { readParameter } from '../../../shared/parameters';
import { isGraphApiError } from '../../../shared/transport';
import type { WhatsAppCredentials } from '../../../shared/transport/types';
import type { MessageType } from '../types';

/**
 * Meta's refusals of the path that sent nothing, so the same message can go through /messages without a duplicate:
 * 131055 / 134100 not a marketing template (its category changed), 134101 template still syncing with the ad
 * account (up to 10 minutes), 134102 template unavailable: the account is not onboarded or not eligible.
 */
const FALLBACK_CODES: Record<number, string> = {
	131055: 'Meta does not take this template as a marketing template',
	134100: 'Meta does not take this template as a marketing template',
	134101: 'the template is still syncing with Meta (up to 10 minutes after it is created or first used in 7 days)',
	134102: 'the WhatsApp Business Account is not onboarded to the Marketing Messages API, or not eligible',
};

/** Marketing templates' time-to-live at Meta, in seconds: 12 hours to 30 days (the time-to-live page). */
export const MARKETING_TTL_RANGE = { min: 43200, max: 2592000 };

export const MARKETING_TTL_LABEL = 'Options › Marketing Time-to-Live (Seconds)';

const onlyTemplates = { '/messageType': ['template'] };
// "Send and Wait for Reply" sends through /messages only.
const notWaiting = { '/operation': [SEND_AND_WAIT_OPERATION] };

/** The options, at the end of Send Message's option list. */
export const marketingMessagesOptions: INodeProperties[] = [
	{
		displayName: 'Send Marketing Templates Through the Marketing Messages API',
		name: 'marketingMessagesApi',
		type: 'boolean',
		default: false,
		displayOptions: { show: onlyTemplates, hide: notWaiting },
		description:
			"Whether to send templates whose category is Marketing through Meta's Marketing Messages API (POST /marketing_messages), which optimises their delivery, instead of the Cloud API. Other templates still go through the Cloud API. Where Meta answers that the account is not onboarded (or the template cannot use it yet), the items go through the Cloud API instead, and the output says so once.",
	},
	{
		displayName: 'Marketing Time-to-Live (Seconds)',
		name: 'marketingTimeToLiveSeconds',
		type: 'number',
		default: 0,
		displayOptions: { show: { ...onlyTemplates, marketingMessagesApi: [true] }, hide: notWaiting },
		description:
			"How long WhatsApp keeps trying to deliver the template when the person's phone is unreachable: 43,200 (12 hours) to 2,592,000 (30 days). Meta keeps it on the template (message_send_ttl_seconds) and applies it only through the Marketing Messages API, so the template is edited once when its time-to-live differs (approved templates can be edited once in 24 hours). 0: keep the template's own (30 days unless set).",
	},
];

/** What an item asked for, read before any call. */
export interface MarketingSetting {
	timeToLiveSeconds?: number;
}

/** Which endpoint carried a message: Meta's own names of the two paths. */
export type SentThrough = 'marketing_messages' | 'messages';

/** An item that goes the marketing way, once its template is known to be a marketing one. */
export interface MarketingSend {
	route: MarketingRoute;
	timeToLiveSeconds?: number;
	sentThrough?: SentThrough;
}

/** The option as an item gives it, checked before any call; undefined when off or the item is not a template. */
export function readMarketingSetting(context: IExecuteFunctions, itemIndex: number, messageType: MessageType): MarketingSetting | undefined {
	if (messageType !== 'template') return undefined;
	if (readParameter<unknown>(context, 'sendOptions.marketingMessagesApi', itemIndex, false) !== true) return undefined;
	return { timeToLiveSeconds: checkMarketingTtl(readParameter<unknown>(context, 'sendOptions.marketingTimeToLiveSeconds', itemIndex, 0)) };
}

/** The time-to-live in whole seconds within Meta's marketing range; 0 or empty is "keep the template's". */
export function checkMarketingTtl(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '' || value === 0) return undefined;
	const seconds = typeof value === 'number' ? value : Number(String(value).trim());
	const { min, max } = MARKETING_TTL_RANGE;
	if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
		throw new MessageValidationError(
			'marketingTimeToLiveSeconds',
			`is ${JSON.stringify(value)}: Meta takes a marketing template's time-to-live in whole seconds from ${min} (12 hours) to ${max} (30 days), or 0 to keep the template's own`,
		);
	}
	return seconds;
}

/** What the route needs of an item; execute.ts's ReadyItem has it. */
export interface RoutableItem {
	phoneNumberId: string;
	body: unknown;
	marketing?: MarketingSend;
}

interface Fallback {
	code: number;
	template: string;
	phoneNumberId: string;
	items: number;
}

type Decision = 'marketing' | 'fallback';

/**
 * One execution's routing of marketing templates: the first send of each template from each number finds out whether
 * Meta takes it on the Marketing Messages API, and the others wait for that answer, so a refusal costs one call
 * per template and number, not one per item. Remembered for the execution only: onboarding can change.
 */
export class MarketingRoute {
	private readonly decisions = new Map<string, Promise<Decision>>();
	private readonly fallbacks = new Map<string, Fallback>();
	/** Per template: the time-to-live its items ask, set at Meta by the first of them to be sent (not before). */
	private readonly timesToLive = new Map<string, { seconds: number; set?: Promise<void> }>();

	constructor(private readonly credentials: WhatsAppCredentials) {}

	/**
	 * Marks the item for the marketing path when the option is on and Meta's definition says MARKETING. The template's
	 * time-to-live is only noted here: editing it is a call to Meta, made when the first item is sent (see `send`).
	 */
	consider(item: RoutableItem, setting: MarketingSetting | undefined, template: MessageTemplate | undefined): void {
		if (!setting || template?.category?.toUpperCase() !== 'MARKETING') return;
		const seconds = setting.timeToLiveSeconds;
		if (seconds !== undefined) {
			const name = templateOf(item);
			const asked = this.timesToLive.get(name);
			if (asked && asked.seconds !== seconds) {
				throw new MessageValidationError(
					'marketingTimeToLiveSeconds',
					`is ${seconds}, but an earlier item of this execution asks ${asked.seconds} for template "${name}": a template has one time-to-live at Meta, so give its items the same value`,
				);
			}
			if (!asked) this.timesToLive.set(name, { seconds });
		}
		item.marketing = { route: this, timeToLiveSeconds: seconds };
	}

	/**
	 * Sends the item's `body` (as built for this send) through /marketing_messages, or /messages once Meta refused the
	 * path for its template and number.
	 */
	async send<T>(item: RoutableItem, body: object, post: (path: string, body: unknown) => Promise<T>): Promise<T> {
		const marketing = item.marketing!;
		await this.setTimeToLive(item);
		const viaMessages = () => {
			marketing.sentThrough = 'messages';
			return post(`/${item.phoneNumberId}/messages`, body);
		};
		const key = routeKey(item);
		const known = this.decisions.get(key);
		if (known && (await known) === 'fallback') {
			this.fallbacks.get(key)!.items++;
			return viaMessages();
		}
		let decide: (decision: Decision) => void = () => undefined;
		if (!known) this.decisions.set(key, new Promise<Decision>((resolve) => (decide = resolve)));
		const attempt = await post(`/${item.phoneNumberId}/marketing_messages`, { ...body, product_policy: 'STRICT' }).then(
			(answer) => ({ answer, failure: undefined }),
			(failure: unknown) => ({ answer: undefined, failure }),
		);
		const code = isGraphApiError(attempt.failure) ? (attempt.failure.code ?? 0) : 0;
		if (attempt.answer || !FALLBACK_CODES[code]) {
			// Anything but a refusal of the path (an answer, or the person's or the network's error) keeps the path.
			decide('marketing');
			if (!attempt.answer) return Promise.reject(attempt.failure);
			marketing.sentThrough = 'marketing_messages';
			return attempt.answer;
		}
		if (!this.fallbacks.has(key)) this.fallbacks.set(key, { code, template: templateOf(item), phoneNumberId: item.phoneNumberId, items: 0 });
		this.fallbacks.get(key)!.items++;
		decide('fallback');
		// Refused after it was taken (onboarding or the template changed meanwhile): the later items go straight to /messages.
		if (known) this.decisions.set(key, Promise.resolve('fallback'));
		return viaMessages();
	}

	/** Sets the template's time-to-live at Meta once per execution, before its first send; its items wait for it (and share its failure). */
	private async setTimeToLive(item: RoutableItem): Promise<void> {
		const seconds = item.marketing!.timeToLiveSeconds;
		if (seconds === undefined) return;
		const asked = this.timesToLive.get(templateOf(item))!;
		asked.set ??= setTemplateTimeToLive(this.credentials, item, seconds);
		await asked.set;
	}

	/** The one notice of the execution, when Meta refused the path for any template: which, why, and what went instead. */
	notice(): string | undefined {
		if (this.fallbacks.size === 0) return undefined;
		const fallbacks = [...this.fallbacks.values()];
		const items = fallbacks.reduce((sum, fallback) => sum + fallback.items, 0);
		const reasons = fallbacks.map((f) => `"${f.template}" from ${f.phoneNumberId}: error ${f.code}, ${FALLBACK_CODES[f.code]}`).join('; ');
		return `The Marketing Messages API refused ${fallbacks.length === 1 ? 'a template' : `${fallbacks.length} templates`} (${reasons}), so ${items} marketing message${items === 1 ? '' : 's'} went through the Cloud API (/messages) instead, without the Marketing Messages API's time-to-live; each item's sentThrough says which way it went. See https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/onboarding`;
	}
}

interface TemplateTimeToLive {
	id: string;
	seconds?: number;
}

/**
 * Sets a template's `message_send_ttl_seconds` with `POST /{template-id}` when Meta holds another value: approved
 * templates can be edited only once in 24 hours, so the value Meta holds is read first (kept like the definitions).
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/time-to-live
 */
async function setTemplateTimeToLive(credentials: WhatsAppCredentials, item: RoutableItem, seconds: number): Promise<void> {
	const { template } = item.body as { template: { name: string; language: { code: string } } };
	const key = managementCacheKey(credentials, 'templateTimeToLive', template.name, template.language.code);
	const shared = await sharedEntriesFor(credentials);
	const held = await getManagementCache().read(key, () => readTemplateTimeToLive(credentials, template.name, template.language.code), shared);
	// Meta's default for a marketing template is 30 days, the top of the range.
	if ((held.seconds ?? MARKETING_TTL_RANGE.max) === seconds) return;
	await scheduleGraphCall({ credentials, family: 'management', request: { method: 'POST', path: `/${held.id}`, body: { message_send_ttl_seconds: seconds } } });
	await getManagementCache().refresh(key, async () => ({ ...held, seconds }), shared);
}

async function readTemplateTimeToLive(credentials: WhatsAppCredentials, name: string, language: string): Promise<TemplateTimeToLive> {
	const answer = await scheduleGraphCall<MessageTemplateList>({
		credentials,
		family: 'management',
		request: { method: 'GET', path: `/${credentials.wabaId}/message_templates`, query: { name, language, fields: 'id,name,language,message_send_ttl_seconds' } },
	});
	const found = (answer.data?.data ?? []).find((template) => template.name === name && template.language === language) as (MessageTemplate & { message_send_ttl_seconds?: number }) | undefined;
	if (!found?.id) throw new MessageValidationError('name', `template "${name}" (${language}) was not found at Meta to set its time-to-live`);
	return { id: found.id, seconds: found.message_send_ttl_seconds };
}

function templateOf(item: RoutableItem): string {
	const { template } = item.body as { template: { name: string; language: { code: string } } };
	return `${template.name} (${template.language.code})`;
}

function routeKey(item: RoutableItem): string {
	return `${item.phoneNumberId}|${templateOf(item)}`;
}
