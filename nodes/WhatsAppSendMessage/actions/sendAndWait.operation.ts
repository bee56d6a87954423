/**
 * "Send and Wait for Reply": read and check the one item, refuse when no trigger would route the answer back, send
 * through the gate like any message, register the wait in the conversation ledger, and put the execution to wait.
 * The answer arrives through `receiveAnswer` (the trigger posts it to the resume URL); the limit through n8n's timer.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import type { ConversationLedger, WaitResponseType } from '../../shared/conversations';
import { cachedTemplateVariants, getPhoneNumberId } from '../../shared/descriptions';
import { fieldError } from '../../shared/errors';
import { buildInteractiveButtons, MessageValidationError, type TemplateMessage } from '../../shared/messages';
import { readParameter } from '../../shared/parameters';
import { toNodeApiError } from '../../shared/nodeApiError';
import { isGraphApiError } from '../../shared/transport';
import { readCredentials } from '../../shared/transport/credentials';
import { ANY_NUMBER, APPROVE_ID, DECLINE_ID } from '../../shared/waits/answers';
import { MESSAGE_TYPE_NAMES, messageKinds } from './index';
import { readEnvelope } from './common';
import { checkAgainstTemplate, sendInLanguage } from './template/check';
import type { MessageType, PreparedMessage } from './types';
import { closeWindowsMetaRefused, decideWindows, deliveryFields, deliveryStatuses, ledgerFor, readConversationOptions } from '../conversation';
import { itemError, output, sendItem, type ReadyItem } from './send.operation';
import { applyMessagingLimit } from '../messagingLimit';
import { screenCampaign, watchSends } from '../campaign';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { kindProblem, waitLimitMs } from '../sendAndWait/rules';

export { sendAndWaitFields as description } from '../sendAndWait/description';

/** The approval's labels as the user sees them, for errors the buttons builder raises. */
const APPROVAL_LABELS: Record<string, string> = {
	body: 'Message Text',
	'buttons[0].title': 'Approval Options › Approve Label',
	'buttons[1].title': 'Approval Options › Decline Label',
	buttons: 'Approval Options',
};

/** Your Message Text (or, as an AI Agent's human-review tool, n8n's own `message` field) with Approve and Decline buttons. */
function readApproval(context: IExecuteFunctions, itemIndex: number): PreparedMessage {
	const isHitlTool = context.getNode().type.endsWith('HitlTool');
	const labels = readParameter<IDataObject>(context, 'approvalOptions', itemIndex, {});
	try {
		return {
			body: buildInteractiveButtons({
				...readEnvelope(context, itemIndex),
				body: readParameter(context, isHitlTool ? 'message' : 'textBody', itemIndex, ''),
				buttons: [
					{ id: APPROVE_ID, title: labels.approveLabel ?? '✓ Approve' },
					{ id: DECLINE_ID, title: labels.declineLabel ?? '✗ Decline' },
				],
			}),
		};
	} catch (error) {
		if (!(error instanceof MessageValidationError)) throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
		const field = APPROVAL_LABELS[error.field] ?? error.field;
		throw fieldError(context.getNode(), itemIndex, field, error.message, { description: 'Nothing was sent to WhatsApp.' });
	}
}

/** The one item, read and checked before any call. */
async function readItem(context: IExecuteFunctions, responseType: WaitResponseType): Promise<ReadyItem & { limitMs: number }> {
	const itemIndex = 0;
	const messageType = readParameter<MessageType>(context, 'messageType', itemIndex);
	const node = context.getNode();
	try {
		const problem = kindProblem(responseType, messageType, (type) => MESSAGE_TYPE_NAMES[type] ?? type);
		if (problem) throw new NodeOperationError(node, `Item 1: ${problem}`, { itemIndex, description: 'Nothing was sent to WhatsApp.' });
		const limitMs = waitLimitMs(readParameter(context, 'waitLimit', itemIndex, 24), readParameter(context, 'waitLimitUnit', itemIndex, 'hours'));
		if (typeof limitMs === 'string') throw new NodeOperationError(node, `Item 1: ${limitMs}`, { itemIndex, description: 'Nothing was sent to WhatsApp.' });
		const phoneNumberId = getPhoneNumberId(context, itemIndex);
		const prepared = responseType === 'approval' ? readApproval(context, itemIndex) : await messageKinds[messageType].read(context, itemIndex);
		const includeRawResponse = readParameter<unknown>(context, 'sendOptions.includeRawResponse', itemIndex, false) === true;
		const conversation = readConversationOptions(context, itemIndex, messageType);
		return { ...prepared, itemIndex, messageType, phoneNumberId, includeRawResponse, conversation, limitMs };
	} catch (error) {
		throw isGraphApiError(error) ? toNodeApiError(node, error, itemIndex) : itemError(context, error, itemIndex, messageType);
	}
}

/**
 * The 24-hour window, as for any send ("Options › Outside the 24-Hour Window"); a template sent instead can ask for a
 * Free Text answer only, as it carries none of the Approval's or the Choice's options. Then the template check.
 */
async function applyWindow(context: IExecuteFunctions, ledger: ConversationLedger, item: ReadyItem, responseType: WaitResponseType): Promise<void> {
	const [decision] = await decideWindows(ledger, [item], Date.now());
	const node = context.getNode();
	if (decision.action === 'fail') throw new NodeOperationError(node, `Item 1: ${decision.reason}`, { itemIndex: 0 });
	if (decision.action === 'template') {
		if (responseType !== 'freeText') {
			throw new NodeOperationError(
				node,
				`Item 1: the 24-hour customer service window is closed, and the template "Outside the 24-Hour Window" sends instead cannot carry the ${responseType === 'approval' ? 'Approve and Decline buttons' : "message's options"}; nothing was sent`,
				{ itemIndex: 0, description: 'Pick Response Type "Free Text" to wait for any answer to the template, or ask with a template that has quick-reply buttons (Response Type "Choice", Message Type "Template").' },
			);
		}
		Object.assign(item, { ...item.conversation.windowTemplate!, build: undefined, uploads: undefined, mediaLinks: undefined, sentAsTemplate: true });
	}
	item.windowOpenUntil = decision.openUntil;
	if (!item.template) return;
	try {
		const variant = checkAgainstTemplate(item.body as TemplateMessage, await cachedTemplateVariants(context, item.template.name), item.template.languageGiven);
		if (!item.template.languageGiven) sendInLanguage(item, variant.language);
	} catch (error) {
		throw isGraphApiError(error) ? toNodeApiError(node, error, 0) : itemError(context, error, 0, item.messageType);
	}
}

/**
 * The campaign rules, as for any send (campaign.ts): a paused template fails; a marketing template the person stopped, or
 * is inside Meta's per-user limit for, is refused, as nothing would be sent to answer.
 */
async function applyCampaignRules(context: IExecuteFunctions, ledger: ConversationLedger, credentials: WhatsAppCredentials, item: ReadyItem): Promise<void> {
	if (!item.template) return;
	const definitions = new Map([[item.template.name, cachedTemplateVariants(context, item.template.name)]]);
	const { failed, skipped } = await screenCampaign(ledger, credentials, [item], definitions, Date.now());
	if (failed.length > 0) throw itemError(context, failed[0].error, 0, item.messageType);
	if (skipped.length > 0) {
		throw new NodeOperationError(context.getNode(), `Item 1: ${String(skipped[0].json.skipDetail)}`, {
			itemIndex: 0,
			description: 'Nothing was sent to WhatsApp, so there is no answer to wait for. Ask with a utility template, or once the person writes to you.',
		});
	}
}

/**
 * Refuses before sending when no trigger would bring the answer back. "Seen" is the ledger's heartbeat: a WhatsApp
 * Cloud Trigger records it when it is activated in production (for its Phone Number IDs, or for every number) and on
 * every webhook body it receives for a number; heartbeats live 24 hours, and a number that sends gets status webhooks
 * for each message, so an active trigger keeps it fresh. A trigger deactivated within the day still counts: Meta
 * then gets no answer at the URL and retries, and the wait ends at its limit.
 */
async function refuseWithoutTrigger(context: IExecuteFunctions, ledger: ConversationLedger, phoneNumberId: string): Promise<void> {
	const seen = (await ledger.triggerSeenAt(phoneNumberId)) ?? (await ledger.triggerSeenAt(ANY_NUMBER));
	if (seen !== undefined) return;
	throw new NodeOperationError(
		context.getNode(),
		`Item 1: no active WhatsApp Cloud Trigger has received webhooks for phone number ID ${phoneNumberId} in the last 24 hours, so the reply would never come back to this wait`,
		{
			itemIndex: 0,
			description:
				'Activate a workflow with a WhatsApp Cloud Trigger for this number (its production URL subscribed at Meta, Verify Signature on, Options › Phone Number IDs empty or listing this number), with the same Redis as this node when n8n runs in queue mode. Nothing was sent to WhatsApp.',
		},
	);
}

/**
 * The URL that resumes this execution at this node. n8n checks a send-and-wait URL's HMAC when the workflow stores
 * `operation: sendAndWait` (waiting-webhooks.ts); a human-review tool stores it as a hidden default, and n8n 2.x then
 * checks the execution's resume token, which `$execution.resumeUrl` carries.
 */
function resumeUrlOf(context: IExecuteFunctions): string {
	const node = context.getNode();
	if (node.parameters.operation === SEND_AND_WAIT_OPERATION) {
		// n8n 1.x checks the signature only when asked to; 2.x always does (and dropped this method).
		(context as { setSignatureValidationRequired?: () => void }).setSignatureValidationRequired?.();
		return context.getSignedResumeUrl();
	}
	const url = new URL(String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0)));
	url.pathname = `${url.pathname}/${node.id}`;
	return url.toString();
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length > 1) {
		throw new NodeOperationError(this.getNode(), `Item 2: Send and Wait for Reply asks one contact per execution, and got ${items.length} items`, {
			itemIndex: 1,
			description:
				'Nothing was sent to WhatsApp. Send one item (e.g. a Limit node before this one), or run this node per item in a sub-workflow (Execute Workflow, "Run once for each item").',
		});
	}
	const responseType = readParameter<WaitResponseType>(this, 'responseType', 0, 'approval');
	const credentials = await readCredentials(this);
	const item = await readItem(this, responseType);
	const ledger = ledgerFor(this, credentials);
	await refuseWithoutTrigger(this, ledger, item.phoneNumberId);
	await applyWindow(this, ledger, item, responseType);
	await applyCampaignRules(this, ledger, credentials, item);

	// The portfolio's messaging limit, as for any send (messagingLimit.ts): a template past it is refused before sending.
	const limited = await applyMessagingLimit(this, credentials, ledger, [item], (_item, failure) => {
		throw failure;
	});

	let sent: INodeExecutionData;
	const watch = watchSends(ledger, credentials);
	try {
		sent = output(item, await watch.sending(item, limited.send(item, () => sendItem(credentials, item))));
	} catch (error) {
		await watch.recorded();
		await closeWindowsMetaRefused(ledger, [item], [{ status: 'rejected', reason: error }]);
		await limited.release([item], [{ status: 'rejected', reason: error }]);
		throw isGraphApiError(error) ? toNodeApiError(this.getNode(), error, 0, credentials) : itemError(this, error, 0, item.messageType);
	}
	const json = sent.json;
	if (item.conversation.deliveryWaitMs > 0) {
		const [record] = await deliveryStatuses(ledger, [String(json.messageId)], item.conversation.deliveryWaitMs);
		Object.assign(json, deliveryFields(record));
	}
	const now = Date.now();
	const expiresAt = now + item.limitMs;
	await ledger.addWait({
		id: `${this.getExecutionId()}:${this.getNode().id}`,
		phoneNumberId: item.phoneNumberId,
		contact: String(json.waId ?? json.userId ?? json.recipient),
		messageId: String(json.messageId),
		resumeUrl: resumeUrlOf(this),
		responseType,
		createdAt: now,
		expiresAt,
	});
	// At the limit n8n resumes the execution without running this node again: it passes its input on. The input
	// item becomes the timed-out item, so that is what the workflow gets.
	items[0] = { json: { ...json, responseType, timedOut: true }, pairedItem: { item: 0 } };
	await this.putExecutionToWait(new Date(expiresAt));
	return [[{ json: { ...json, responseType, waitingUntil: new Date(expiresAt).toISOString() }, pairedItem: { item: 0 } }]];
}
