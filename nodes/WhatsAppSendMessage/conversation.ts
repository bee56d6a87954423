/**
 * What Send Message asks the conversation ledger (filled by the WhatsApp Cloud Trigger): whether the 24-hour window
 * is open before a free-form send, what to do when it is not, and the delivery status of each message afterwards.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { getConversationLedger, statusesOf, whenStatusesSettle, WINDOW_MS, type ConversationLedger, type StatusRecord } from '../shared/conversations';
import { windowsOpenUntil } from '../shared/conversations/reading';
import { buildTemplate, MessageValidationError, recipientOf, type MessagesRequestBody, type TemplateMessage } from '../shared/messages';
import { readParameter } from '../shared/parameters';
import { isGraphApiError } from '../shared/transport';
import type { WhatsAppCredentials } from '../shared/transport/types';
import { KINDS } from './actions/kinds';
import { collectionList, readEnvelope } from './actions/common';
import { readBodyParameters } from './actions/template';
import type { MessageType, PreparedMessage } from './actions/types';

export type OutsideWindow = 'send' | 'fail' | 'template';

/** Meta's answer to a free-form message outside the window. */
export const REENGAGEMENT_CODE = 131047;
export const MAX_DELIVERY_WAIT_SECONDS = 600;

/** Kinds bound by the window: every service (free-form) message, reactions included; templates are not (kinds.ts). */
export function isFreeForm(messageType: MessageType): boolean {
	return KINDS[messageType].freeForm;
}

export interface ConversationOptions {
	outsideWindow: OutsideWindow;
	/** Built when `outsideWindow` is 'template': the same recipient, reply-to and callback data. */
	windowTemplate?: PreparedMessage;
	/** 0: no wait. */
	deliveryWaitMs: number;
}

/** Reads one item's window and delivery options; a bad template is a field error before any send. */
export function readConversationOptions(context: IExecuteFunctions, itemIndex: number, messageType: MessageType): ConversationOptions {
	const seconds = Number(readParameter<unknown>(context, 'sendOptions.waitForDeliverySeconds', itemIndex, 0) ?? 0);
	if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_DELIVERY_WAIT_SECONDS) {
		throw new MessageValidationError('waitForDeliverySeconds', `is ${String(seconds)}: give a number of seconds from 0 to ${MAX_DELIVERY_WAIT_SECONDS}`);
	}
	const deliveryWaitMs = messageType === 'markAsRead' ? 0 : Math.round(seconds * 1000);
	if (!isFreeForm(messageType)) return { outsideWindow: 'send', deliveryWaitMs };
	const outsideWindow = readParameter<OutsideWindow>(context, 'sendOptions.outsideWindow', itemIndex, 'send') ?? 'send';
	if (outsideWindow !== 'template') return { outsideWindow, deliveryWaitMs };
	// Each option by its path: reading the whole collection would evaluate its other expressions once more.
	const option = (name: string, fallback: unknown) => readParameter<unknown>(context, `sendOptions.${name}`, itemIndex, fallback);
	const name = String(option('windowTemplateName', '') ?? '').trim();
	const language = String(option('windowTemplateLanguage', '') ?? '').trim();
	let body: TemplateMessage | undefined;
	let failure: unknown;
	try {
		body = buildTemplate({
			...readEnvelope(context, itemIndex),
			name,
			language,
			bodyParameters: readBodyParameters(collectionList(option('windowTemplateVariables', {}), 'parameter')),
		});
	} catch (error) {
		failure = windowTemplateError(error);
	}
	if (!body) throw failure;
	return { outsideWindow, deliveryWaitMs, windowTemplate: { body, template: { name, language, languageGiven: true } } };
}

/** A template field's error named as the option the user filled (the envelope's fields keep their own names). */
function windowTemplateError(error: unknown): unknown {
	if (!(error instanceof MessageValidationError) || ['to', 'replyToMessageId', 'bizOpaqueCallbackData'].includes(error.field)) return error;
	return new MessageValidationError(`windowTemplate.${error.field}`, error.message);
}

/** The ledger of the credential's Redis (or this process's memory); Redis outages go to the node's log. */
export function ledgerFor(context: IExecuteFunctions, credentials: WhatsAppCredentials): ConversationLedger {
	return getConversationLedger({
		redisUrl: credentials.redisUrl,
		accessToken: credentials.accessToken,
		onFallback: (error) => context.logger.warn(`WhatsApp Send Message: Redis is unreachable (${error.message}); windows and delivery statuses are read from this process's memory until it is back`),
	});
}

export interface WindowItem {
	itemIndex: number;
	messageType: MessageType;
	phoneNumberId: string;
	body: MessagesRequestBody;
	conversation: ConversationOptions;
}

/** What the window decides for one item: send it as it is, send the template instead, or fail saying why. */
export type WindowDecision = { action: 'send' | 'template'; openUntil?: number } | { action: 'fail'; reason: string };

function contactOf(item: WindowItem): string {
	return recipientOf(item.body as Exclude<MessagesRequestBody, { status: 'read' }>);
}

/** Why an item may not be sent as it is: the window is closed, or nothing told this n8n that it is open. */
async function closedReason(ledger: ConversationLedger, item: WindowItem, now: number): Promise<string> {
	const contact = contactOf(item);
	const since = new Date(now - WINDOW_MS).toISOString();
	const heard = await ledger.triggerSeenAt(item.phoneNumberId);
	const cause =
		heard === undefined
			? `no WhatsApp Cloud Trigger has received webhooks for number ${item.phoneNumberId} in the last 24 hours, so the window is unknown: activate a trigger for this number`
			: `no message from ${contact} to number ${item.phoneNumberId} since ${since} has reached a WhatsApp Cloud Trigger`;
	return `the 24-hour customer service window with ${contact} is closed (${cause}); "Options › Outside the 24-Hour Window" is "Fail Before Sending", so nothing was sent. Send a template, or wait until ${contact} writes.`;
}

/** The window of every item at once (one Redis round trip), and what to do with each. */
export async function decideWindows(ledger: ConversationLedger, items: WindowItem[], now: number): Promise<WindowDecision[]> {
	const senders = items.map((item) => (item.messageType === 'markAsRead' ? undefined : { phoneNumberId: item.phoneNumberId, contact: contactOf(item) }));
	const known = senders.filter((sender): sender is NonNullable<typeof sender> => sender !== undefined);
	const until = await windowsOpenUntil(ledger, known, now);
	let position = 0;
	return Promise.all(
		items.map(async (item, index): Promise<WindowDecision> => {
			const openUntil = senders[index] ? until[position++] : undefined;
			const { outsideWindow } = item.conversation;
			if (openUntil !== undefined || outsideWindow === 'send' || !isFreeForm(item.messageType)) return { action: 'send', openUntil };
			if (outsideWindow === 'template') return { action: 'template' };
			return { action: 'fail', reason: await closedReason(ledger, item, now) };
		}),
	);
}

/** Meta answered 131047: the window is closed whatever the ledger saw. */
export async function closeWindowsMetaRefused(ledger: ConversationLedger, items: WindowItem[], settled: Array<PromiseSettledResult<unknown>>): Promise<void> {
	await Promise.all(
		settled.map((result, position) =>
			result.status === 'rejected' && isGraphApiError(result.reason) && result.reason.code === REENGAGEMENT_CODE
				? ledger.closeWindow(items[position].phoneNumberId, contactOf(items[position]))
				: undefined,
		),
	);
}

export type DeliveryStatus = 'delivered' | 'read' | 'failed' | 'unknown';

/** The item's fields for a status: `deliveryStatus`, and Meta's error when it failed. */
export function deliveryFields(record: StatusRecord | undefined): IDataObject {
	if (!record || record.state === 'sent') return { deliveryStatus: 'unknown' satisfies DeliveryStatus };
	const fields: IDataObject = { deliveryStatus: record.state satisfies DeliveryStatus };
	if (record.state === 'failed' && record.error) fields.deliveryError = { ...record.error };
	return fields;
}

/** The statuses of the sent messages, waiting at most `waitMs` for all of them together. */
export async function deliveryStatuses(ledger: ConversationLedger, messageIds: string[], waitMs: number): Promise<Array<StatusRecord | undefined>> {
	if (messageIds.length === 0) return [];
	return waitMs > 0 ? whenStatusesSettle(ledger, messageIds, waitMs) : statusesOf(ledger, messageIds);
}
