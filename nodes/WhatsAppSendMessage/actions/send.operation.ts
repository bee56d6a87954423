import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep, type NodeApiError } from 'n8n-workflow';

import { errorItem as sharedErrorItem, joinFieldPath, nameItem } from '../../shared/errors';
import { toItemError } from '../../shared/itemErrors';
import { PHONE_NUMBER_LABEL } from '../../shared/perItem';
import {
	cachedTemplateVariants,
	forgetTemplateVariants,
	getPhoneNumberId,
	getSenderDisplayNumber,
	PhoneNumberIdError,
} from '../../shared/descriptions';
import type { MessageTemplate } from '../../shared/descriptions';
import { readGateSettings, scheduleGraphCall, sharedEntriesFor, type SharedEntries } from '../../shared/limiter';
import { forgetMedia, uploadMediaCached } from '../../shared/media';
import { readParameter } from '../../shared/parameters';
import {
	recipientOf,
	type MarkAsReadResponse,
	type MessagesRequestBody,
	type SendMessageResponse,
	type TemplateMessage,
} from '../../shared/messages';
import { toNodeApiError } from '../../shared/nodeApiError';
import { isGraphApiError } from '../../shared/transport';
import { readCredentials } from '../../shared/transport/credentials';
import type { GraphResponse, WhatsAppCredentials } from '../../shared/transport/types';
import { checkAgainstTemplate, sendInLanguage } from './template/check';
import { MarketingRoute, readMarketingSetting, type MarketingSend, type MarketingSetting } from './template/marketingMessages';
import { fieldDisplayName, MESSAGE_TYPE_NAMES, messageKinds } from './index';
import type { MessageType, PreparedMessage } from './types';
import { uploadLinksOnce } from '../mediaLinks';
import { applyMessagingLimit } from '../messagingLimit';
import {
	closeWindowsMetaRefused,
	decideWindows,
	deliveryFields,
	deliveryStatuses,
	ledgerFor,
	readConversationOptions,
	type ConversationOptions,
} from '../conversation';
import { startProgress, type ProgressReport } from '../progress';
import { readSenderPool, spreadOverSenderPools, type SenderChoice } from '../senderPool';
import { reportCampaign, screenCampaign, watchSends } from '../campaign';
import { TemplateHeldError } from '../../shared/conversations';
import { messageFields } from './messageFields';

/** The message's fields; "Send and Wait for Reply" shows them too. */
export const description: INodeProperties[] = messageFields;

export interface ReadyItem extends PreparedMessage {
	itemIndex: number;
	messageType: MessageType;
	phoneNumberId: string;
	/** The sender's display number, when the user picked it from the list. */
	senderDisplayNumber?: string;
	includeRawResponse: boolean;
	conversation: ConversationOptions;
	/** Epoch ms the customer service window stays open, when the ledger knows it. */
	windowOpenUntil?: number;
	/** The window was closed and "Send a Template Instead" replaced the message. */
	sentAsTemplate?: boolean;
	/** Options › Sender Pool: every number of the pool (senderPool.ts picks `phoneNumberId` among them). */
	senderPool?: string[];
	senderChosenBy?: SenderChoice;
	/** "Send Marketing Templates Through the Marketing Messages API", and the path once the template is known. */
	marketingSetting?: MarketingSetting;
	marketing?: MarketingSend;
	/** Aborted if Meta pauses the item's template meanwhile: the gate drops the call unsent (campaign.ts). */
	withdrawal?: AbortSignal;
}

export interface SentItem {
	response: SendMessageResponse & MarkAsReadResponse;
	/** The first file's media ID; `mediaIds` lists every file's when the message carries several (carousel cards). */
	media?: { mediaId: string; fromCache: boolean; reuploaded?: boolean; mediaIds?: string[] };
}

/** Meta codes for a media ID it no longer knows (deleted, expired, or from another number). */
const STALE_MEDIA_CODES: ReadonlySet<number> = new Set([100, 131009, 131053]);

/**
 * Whether a send failed because the media ID taken from the upload cache is gone at Meta: then the file is uploaded
 * again once and the send repeated. Meta rejected the send, so nothing went out and the repeat cannot duplicate it.
 */
function isStaleMediaError(error: unknown, mediaId: string): boolean {
	if (!isGraphApiError(error) || error.code === undefined || !STALE_MEDIA_CODES.has(error.code)) return false;
	const text = `${error.message} ${error.details ?? ''}`;
	if (error.code === 131053) return true;
	return text.includes(mediaId) || /media/i.test(text);
}

/** The cached files a stale-media refusal is about: those whose media ID Meta's error names, else every cached one. */
function staleFiles(error: unknown, media: Array<{ mediaId: string; fromCache: boolean }>): Array<{ mediaId: string }> {
	const cached = media.filter((file) => file.fromCache && isStaleMediaError(error, file.mediaId));
	const named = cached.filter((file) => isGraphApiError(error) && `${error.message} ${error.details ?? ''}`.includes(file.mediaId));
	return named.length > 0 ? named : cached;
}

/** Meta refused a template send as not matching the template it holds: the kept definition is out of date. */
const STALE_TEMPLATE_CODES: ReadonlySet<number> = new Set([132000, 132001, 132012, 132015]);

/** Drops the kept definition of every template Meta refused a send of with a STALE_TEMPLATE_CODES code. */
async function forgetStaleTemplates(credentials: WhatsAppCredentials, items: ReadyItem[], settled: Array<PromiseSettledResult<unknown>>): Promise<void> {
	const stale = new Set<string>();
	settled.forEach((result, position) => {
		const body = items[position].body as Partial<TemplateMessage>;
		if (result.status === 'rejected' && isGraphApiError(result.reason) && STALE_TEMPLATE_CODES.has(result.reason.code ?? 0) && body.template) {
			stale.add(body.template.name);
		}
	});
	await Promise.all([...stale].map((name) => forgetTemplateVariants(credentials, name)));
}

/**
 * Longest stretch of item reading before the loop gets a turn (see step 1 of execute). The gate paces
 * calls with timers, so the loop's lag is its jitter: in the soak bench (3 executions of 1,000 in flight) 5 ms slices
 * gave ~945 mps while sending against ~905 with 20 ms (loop delay p99 26 ms against 43 ms), and 2 ms gained nothing.
 * `sleep(0)` is a timer (node files may not use setImmediate): when nothing else is waiting it idles up to 1 ms, so a
 * lone execution reads its items up to ~20 % slower in wall time, a fraction of the second its sends then take.
 */
const READ_SLICE_MS = 5;

/**
 * Whether the sender locator can carry a display number ("From List" mode), judged from the raw parameter: an ID or
 * URL mode cannot, so the locator is not read (and its expressions not evaluated) a second time per item for it.
 */
function locatorMayBeFromList(raw: unknown): boolean {
	if (!raw || typeof raw !== 'object') return true;
	const mode = (raw as { mode?: unknown }).mode;
	return typeof mode !== 'string' || mode === 'list' || mode.startsWith('=');
}

/** The credential's messages per second, or undefined when it cannot be read (each send then fails saying why). */
function messagesPerSecondOf(credentials: WhatsAppCredentials): number | undefined {
	try {
		return readGateSettings(credentials).messagesPerSecond;
	} catch {
		return undefined;
	}
}

/** Reports a long send in n8n's log (see progress.ts): the expected time, then a line per tenth settled. */
function reportProgress(context: IExecuteFunctions, credentials: WhatsAppCredentials, items: ReadyItem[]): ProgressReport | undefined {
	const perSender = new Map<string, number>();
	for (const item of items) perSender.set(item.phoneNumberId, (perSender.get(item.phoneNumberId) ?? 0) + 1);
	return startProgress({
		label: `WhatsApp Send Message "${context.getNode().name}" (execution ${context.getExecutionId()})`,
		total: items.length,
		senders: perSender.size,
		largestPerSender: Math.max(0, ...perSender.values()),
		messagesPerSecond: messagesPerSecondOf(credentials),
		now: () => Date.now(),
		log: (line) => context.logger.info(line),
	});
}

/** A read/validation failure as the error n8n shows: item and field named, with what was expected. */
export function itemError(context: IExecuteFunctions, error: unknown, itemIndex: number, messageType: MessageType): NodeApiError | NodeOperationError {
	const node = context.getNode();
	if (error instanceof PhoneNumberIdError) return nameItem(new NodeOperationError(node, error.message, { itemIndex }), itemIndex);
	return toItemError(node, error, itemIndex, {
		phoneNumberLabel: PHONE_NUMBER_LABEL,
		fieldLabel: (e) => (typeof e.field === 'string' ? fieldDisplayName(messageType, e.field) : e.field),
		defaultHint: (label) => `Fix the field "${joinFieldPath(label)}" of the ${MESSAGE_TYPE_NAMES[messageType]} message; nothing was sent to WhatsApp for this item.`,
	});
}

/** An error item for "continue on fail" (the shared builder), with the sender's phone-number ID when known. */
function errorItem(error: unknown, itemIndex: number, phoneNumberId?: string): INodeExecutionData {
	return sharedErrorItem(error, itemIndex, { phoneNumberId });
}

/** Whom the pair rate counts this call against: the phone number or BSUID it goes to (none for mark-as-read). */
function pairRateKey(item: ReadyItem): string | undefined {
	return item.messageType === 'markAsRead' ? undefined : recipientOf(item.body as Exclude<MessagesRequestBody, { status: 'read' }>);
}

export function output(ready: ReadyItem, sent: SentItem): INodeExecutionData {
	const { response } = sent;
	const json: IDataObject = { messageType: ready.messageType, phoneNumberId: ready.phoneNumberId };
	if (ready.senderDisplayNumber) json.senderDisplayNumber = ready.senderDisplayNumber;
	if (ready.senderChosenBy) json.senderChosenBy = ready.senderChosenBy;
	if (ready.messageType === 'markAsRead') {
		json.success = response.success === true;
		json.messageId = (ready.body as { message_id: string }).message_id;
	} else {
		const body = ready.body as Exclude<MessagesRequestBody, { status: 'read' }>;
		const contact = response.contacts?.[0];
		json.messageId = response.messages?.[0]?.id;
		json.messageStatus = response.messages?.[0]?.message_status ?? 'accepted';
		json.waId = contact?.wa_id;
		// Sent to a business-scoped user ID, Meta names the contact by `user_id` (and gives no `wa_id`).
		if (contact?.user_id !== undefined) json.userId = contact.user_id;
		json.recipient = recipientOf(body);
		if (body.type === 'template') json.template = { name: body.template.name, language: body.template.language.code };
		if (ready.sentAsTemplate) json.sentAsTemplate = true;
		if (ready.windowOpenUntil !== undefined) json.windowOpenUntil = new Date(ready.windowOpenUntil).toISOString();
		if (ready.marketing?.sentThrough) json.sentThrough = ready.marketing.sentThrough;
	}
	if (sent.media) {
		json.mediaId = sent.media.mediaId;
		json.fromCache = sent.media.fromCache;
		if (sent.media.reuploaded) json.mediaReuploaded = true;
		if (sent.media.mediaIds) json.mediaIds = sent.media.mediaIds;
	}
	if (ready.includeRawResponse) json.rawResponse = response as IDataObject;
	return { json, pairedItem: { item: ready.itemIndex } };
}

/**
 * One call through the gate with the body as built for it: to /messages, or the Marketing Messages API's path for a
 * marketing template with the option on.
 */
function sendThrough(credentials: WhatsAppCredentials, item: ReadyItem, body: MessagesRequestBody): Promise<GraphResponse<SendMessageResponse & MarkAsReadResponse>> {
	const post = (path: string, body: unknown) =>
		scheduleGraphCall<SendMessageResponse & MarkAsReadResponse>({
			credentials,
			phoneNumberId: item.phoneNumberId,
			recipient: pairRateKey(item),
			request: { method: 'POST', path, body },
			withdrawal: item.withdrawal,
		});
	return item.marketing ? item.marketing.route.send(item, body, post) : post(`/${item.phoneNumberId}/messages`, body);
}

/**
 * One item's send through the gate: with files (a binary file, links fetched once), their uploads first, then the body
 * built with their media IDs, and one re-upload (and a body built again) if Meta lost a cached media ID.
 */
export async function sendItem(credentials: WhatsAppCredentials, item: ReadyItem, shared?: SharedEntries): Promise<SentItem> {
	// Most sends carry no file: one call with the body built at read, no upload or stale-media retry, so none of their
	// closures per item (a 1,000-item execution keeps every item's pending state alive until its turn at the gate).
	if (!item.uploads?.length) {
		const answer = await sendThrough(credentials, item, item.body);
		return { response: answer.data ?? {} };
	}
	const uploads = item.uploads;
	const uploadAll = () =>
		Promise.all(
			uploads.map(async (file) => {
				const uploaded = await uploadMediaCached({
					credentials,
					phoneNumberId: item.phoneNumberId,
					data: file.data,
					sha256: file.sha256,
					shared,
					mimeType: file.mimeType,
					fileName: file.fileName,
					kind: file.kind,
				});
				return { mediaId: uploaded.mediaId, fromCache: uploaded.fromCache };
			}),
		);
	const sendOnce = (media: Array<{ mediaId: string }>) =>
		sendThrough(credentials, item, item.build!(new Map(media.map((file, position) => [uploads[position].slot, file.mediaId]))));
	let media = await uploadAll();
	const attempt = await sendOnce(media).then(
		(answer) => ({ answer, failure: undefined }),
		(failure: unknown) => ({ answer: undefined, failure }),
	);
	let response = attempt.answer;
	let reuploaded = false;
	if (!response) {
		// A cached media ID Meta no longer knows (deleted, or expired early): drop it, upload once more, resend.
		const stale = staleFiles(attempt.failure, media);
		if (stale.length === 0) return Promise.reject(attempt.failure);
		for (const file of stale) forgetMedia(file.mediaId);
		media = await uploadAll();
		reuploaded = true;
		response = await sendOnce(media);
	}
	const [first] = media;
	return {
		response: response.data ?? {},
		media: { ...first, ...(reuploaded ? { reuploaded } : {}), ...(media.length > 1 ? { mediaIds: media.map((file) => file.mediaId) } : {}) },
	};
}

/** The same promise, counted in the progress report when it settles. */
function tracked(progress: ProgressReport, sent: Promise<SentItem>): Promise<SentItem> {
	sent.then(
		() => progress.settled(false),
		() => progress.settled(true),
	);
	return sent;
}

export async function execute(this: IExecuteFunctions, onlyKind?: MessageType): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const credentials = await readCredentials(this);
	const continueOnFail = this.continueOnFail();
	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const ready: ReadyItem[] = [];
	/** An item that fails before any send: the node stops there, or with "Continue On Fail" the item is an error item. */
	const fail = (failure: Error, itemIndex: number, phoneNumberId?: string): void => {
		if (!continueOnFail) throw failure;
		results[itemIndex] = errorItem(failure, itemIndex, phoneNumberId);
	};

	// 1. Read and validate every item before any call: a bad field stops the node before anything is sent.
	const mayHaveDisplayNumber = locatorMayBeFromList(this.getNode().parameters.phoneNumberId);
	let sliceStart = performance.now();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		// Each expression costs n8n a fresh data proxy (~0.25 ms): thousands of items would hold the event loop for
		// seconds, and every call already in flight (this execution's or another's) would wait that long for its
		// answer. Give the loop a turn every few milliseconds; the order of items and of checks is unchanged.
		if (performance.now() - sliceStart >= READ_SLICE_MS) {
			await sleep(0);
			sliceStart = performance.now();
		}
		const messageType = onlyKind ?? readParameter<MessageType>(this, 'messageType', itemIndex);
		try {
			const kind = messageKinds[messageType];
			if (!kind) throw new NodeOperationError(this.getNode(), `Unknown message type "${messageType}"`, { itemIndex });
			const phoneNumberId = getPhoneNumberId(this, itemIndex);
			const prepared = await kind.read(this, itemIndex);
			// Only the one option, not the whole collection: reading 'sendOptions' would evaluate its expressions
			// (callback data, reply-to) a second time per item after readEnvelope already did.
			const includeRawResponse = readParameter<unknown>(this, 'sendOptions.includeRawResponse', itemIndex, false) === true;
			const conversation = readConversationOptions(this, itemIndex, messageType);
			const marketingSetting = readMarketingSetting(this, itemIndex, messageType);
			ready.push({
				...prepared,
				itemIndex,
				messageType,
				phoneNumberId,
				senderDisplayNumber: mayHaveDisplayNumber ? getSenderDisplayNumber(this, itemIndex) : undefined,
				includeRawResponse,
				conversation,
				senderPool: messageType === 'markAsRead' ? undefined : readSenderPool(this, itemIndex, phoneNumberId),
				marketingSetting,
			});
		} catch (error) {
			fail(itemError(this, error, itemIndex, messageType), itemIndex);
		}
	}

	// 1b. The 24-hour window, from the ledger the trigger fills: still before any call to Meta.
	const ledger = ledgerFor(this, credentials);
	// Sender pool first: each pooled item's number is the one its window is open with, else its recipient's (senderPool.ts).
	const pooled = await spreadOverSenderPools(this, credentials, ledger, ready, Date.now(), (item, failure) => fail(failure, item.itemIndex));
	const decisions = await decideWindows(ledger, pooled, Date.now());
	const windowed: ReadyItem[] = [];
	for (const [position, item] of pooled.entries()) {
		const decision = decisions[position];
		if (decision.action === 'fail') {
			fail(nameItem(new NodeOperationError(this.getNode(), decision.reason, { itemIndex: item.itemIndex }), item.itemIndex), item.itemIndex, item.phoneNumberId);
			continue;
		}
		if (decision.action === 'template') {
			// The template replaces the message whole: its own body and check, no file to upload.
			Object.assign(item, { ...item.conversation.windowTemplate!, build: undefined, uploads: undefined, mediaLinks: undefined, sentAsTemplate: true });
		}
		item.windowOpenUntil = decision.openUntil;
		windowed.push(item);
	}

	// 2. Templates: check the items against each distinct template, still before any send. Its definition is kept a few
	// minutes across executions: Meta allows only 200 (or 5,000) management calls an hour.
	const templateNames = [...new Set(windowed.filter((item) => item.template).map((item) => item.template!.name))];
	const templates = new Map<string, Promise<MessageTemplate[]>>();
	for (const name of templateNames) templates.set(name, cachedTemplateVariants(this, name));
	let checked: ReadyItem[] = [];
	const marketingRoute = new MarketingRoute(credentials);
	for (const item of windowed) {
		if (!item.template) {
			checked.push(item);
			continue;
		}
		try {
			const variants = await templates.get(item.template.name)!;
			const body = item.body as TemplateMessage;
			const variant = checkAgainstTemplate(body, variants, item.template.languageGiven);
			if (!item.template.languageGiven) sendInLanguage(item, variant.language);
			marketingRoute.consider(item, item.marketingSetting, variant);
			checked.push(item);
		} catch (error) {
			const failure = isGraphApiError(error)
				? toNodeApiError(this.getNode(), error, item.itemIndex, credentials)
				: itemError(this, error, item.itemIndex, item.messageType);
			if (!continueOnFail) {
				// Settle the other template reads first so no call is left running.
				await Promise.allSettled(templates.values());
				throw failure;
			}
			results[item.itemIndex] = isGraphApiError(error) ? errorItem(error, item.itemIndex, item.phoneNumberId) : errorItem(failure, item.itemIndex);
		}
	}

	// 2a. Media links sent by ID (message or header): each fetched once, before any send (a link that fails is its
	// items' error); after the template check, so a template Meta would refuse costs no fetch or upload.
	const shared = checked.some((item) => item.uploads || item.mediaLinks) ? await sharedEntriesFor(credentials) : undefined;
	checked = await uploadLinksOnce(this, checked, shared, (item, failure) => fail(failure, item.itemIndex));

	// 2b. Campaign rules (campaign.ts): paused templates fail, marketing to opted-out or limited people is skipped.
	const screened = await screenCampaign(ledger, credentials, checked, templates, Date.now());
	for (const { item, error } of screened.failed) fail(itemError(this, error, item.itemIndex, item.messageType), item.itemIndex, item.phoneNumberId);
	for (const { item, json } of screened.skipped) results[item.itemIndex] = { json, pairedItem: { item: item.itemIndex } };
	checked = screened.send;

	// 2c. The portfolio's messaging limit (messagingLimit.ts): items past it fail, or wait for room, before any send.
	const limited = await applyMessagingLimit(this, credentials, ledger, checked, (item, failure) => fail(failure, item.itemIndex, item.phoneNumberId));
	const sending = limited.items;

	// 3. Schedule every send at once; the gate decides when each starts. Never await one before the next.
	const progress = reportProgress(this, credentials, sending);
	const watch = watchSends(ledger, credentials);
	const send = (item: ReadyItem) => watch.sending(item, limited.send(item, () => sendItem(credentials, item, shared)));
	const settled = await Promise.allSettled(sending.map((item) => (progress ? tracked(progress, send(item)) : send(item))));
	await watch.recorded();

	// A template Meta refused as not matching its definition is read afresh next time.
	await forgetStaleTemplates(credentials, sending, settled);
	await closeWindowsMetaRefused(ledger, sending, settled);
	await limited.release(sending, settled);
	const marketingNotice = marketingRoute.notice();
	if (marketingNotice) {
		this.logger.warn(marketingNotice);
		this.addExecutionHints({ type: 'warning', message: marketingNotice, location: 'outputPane' });
	}

	// 4. Collect in input order.
	let firstFailure: { error: unknown; item: ReadyItem } | undefined;
	settled.forEach((result, position) => {
		const item = sending[position];
		if (result.status === 'fulfilled') {
			results[item.itemIndex] = output(item, result.value);
			return;
		}
		if (!continueOnFail) {
			firstFailure ??= { error: result.reason, item };
			return;
		}
		const reason = isGraphApiError(result.reason) ? result.reason : itemError(this, result.reason, item.itemIndex, item.messageType);
		results[item.itemIndex] = errorItem(reason, item.itemIndex, item.phoneNumberId);
	});
	if (firstFailure) {
		const { error, item } = firstFailure;
		const failed = settled.filter((result) => result.status === 'rejected').length;
		const failure = isGraphApiError(error)
			? nameItem(toNodeApiError(this.getNode(), error, item.itemIndex, credentials), item.itemIndex)
			: itemError(this, error, item.itemIndex, item.messageType);
		const sent = settled.length - failed;
		failure.description = [
			failure.description,
			`${failed} of ${items.length} item${items.length === 1 ? '' : 's'} failed; ${sent} message${sent === 1 ? ' was' : 's were'} sent. Turn on "Continue On Fail" (Settings) to get one output item per message, failed ones included.`,
		]
			.filter(Boolean)
			.join(' ');
		throw failure;
	}

	const withdrawn = settled.filter((result) => result.status === 'rejected' && result.reason instanceof TemplateHeldError).length;
	reportCampaign(this, results.flatMap((result) => (result ? [result.json] : [])), screened.failed.length + withdrawn);

	// 5. Delivery statuses, as the trigger records them: one wait for all the items together.
	const waiting = sending.filter((item, position) => settled[position].status === 'fulfilled' && item.conversation.deliveryWaitMs > 0 && results[item.itemIndex]?.json.messageId);
	const records = await deliveryStatuses(
		ledger,
		waiting.map((item) => String(results[item.itemIndex]!.json.messageId)),
		Math.max(0, ...waiting.map((item) => item.conversation.deliveryWaitMs)),
	);
	waiting.forEach((item, position) => Object.assign(results[item.itemIndex]!.json, deliveryFields(records[position])));
	return [results.filter((result): result is INodeExecutionData => result !== undefined)];
}
