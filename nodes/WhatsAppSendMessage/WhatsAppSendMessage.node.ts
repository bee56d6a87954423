import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	getTemplateFields,
	getTemplateHeaders,
	getTemplateLanguages,
	getTemplateVariables,
	getWabaPhoneNumbers,
	phoneNumberIdLocator,
	searchPhoneNumbers,
	searchTemplates,
} from '../shared/descriptions';
import { whatsAppCloudApiTest } from '../shared/credentialTest';
import { MESSAGE_TYPE_NAMES } from './actions';
import { messageOptionsField } from './actions/messageFields';
import * as markAsRead from './actions/markAsRead.operation';
import { operationField, router } from './actions/router';
import * as send from './actions/send.operation';
import * as sendAndWait from './actions/sendAndWait.operation';
import { receiveAnswer } from './sendAndWait/webhook';

// Mark as Read is named by its operation; a workflow saved with it as a Message Type keeps its subtitle.
const subtitle = `={{ $parameter["operation"] === "${markAsRead.MARK_AS_READ_OPERATION}" ? "Mark as Read" : ${JSON.stringify(MESSAGE_TYPE_NAMES)}[$parameter["messageType"]] }}`;

// Its only webhook is n8n's resume URL (restartWebhook), never registered anywhere: no lifecycle to implement.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class WhatsAppSendMessage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Send Message',
		name: 'whatsAppSendMessage',
		icon: { light: 'file:../../icons/whatsapp.svg', dark: 'file:../../icons/whatsapp.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle,
		description:
			'Send any WhatsApp message through the Cloud API (text, media, location, contacts, reactions, buttons, lists, links, flows, templates) or mark messages as read, at the speed Meta allows',
		defaults: { name: 'WhatsApp Send Message' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }],
		waitingNodeTooltip: 'Waiting for the contact to answer on WhatsApp (through a WhatsApp Cloud Trigger), or for the wait limit',
		// The resume URL of "Send and Wait for Reply" (n8n's waiting webhooks): never registered on activation.
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
		],
		properties: [
			operationField,
			phoneNumberIdLocator,
			...send.description,
			...sendAndWait.description,
			messageOptionsField,
			...markAsRead.description,
		],
	};

	methods = {
		listSearch: { searchPhoneNumbers, searchTemplates },
		loadOptions: { getTemplateHeaders, getTemplateLanguages, getTemplateVariables, getWabaPhoneNumbers },
		resourceMapping: { getTemplateFields },
		credentialTest: { whatsAppCloudApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	/** The answer to a "Send and Wait for Reply", posted by the trigger to the execution's resume URL. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return receiveAnswer.call(this);
	}
}
