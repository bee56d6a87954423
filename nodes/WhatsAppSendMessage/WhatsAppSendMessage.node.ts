import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

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
import { messageKinds, MESSAGE_TYPE_NAMES } from './actions';
import { FREE_FORM_KINDS, KINDS, MESSAGE_TYPES } from './actions/kinds';
import { recipientField, sendOptionsField, show } from './actions/common';
import { executeSendMessage } from './execute';
import { operationField, sendAndWaitFields } from './sendAndWait/description';
import { executeSendAndWait } from './sendAndWait/execute';
import { receiveAnswer } from './sendAndWait/webhook';
import { readParameter } from '../shared/parameters';


const messageTypeField: INodeProperties = {
	displayName: 'Message Type',
	name: 'messageType',
	type: 'options',
	noDataExpression: true,
	options: MESSAGE_TYPES.map((value) => ({
		name: KINDS[value].name,
		value,
		description: KINDS[value].description,
		action: KINDS[value].action ?? `Send a ${KINDS[value].name.toLowerCase()} message`,
	})),
	default: 'text',
};

/** Each kind's fields once (the five media kinds share one module). */
const kindFields = [...new Set(Object.values(messageKinds))].flatMap((kind) => kind.description);

const subtitle = `={{ ${JSON.stringify(MESSAGE_TYPE_NAMES)}[$parameter["messageType"]] }}`;

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
			messageTypeField,
			phoneNumberIdLocator,
			recipientField,
			{
				displayName:
					'Free-form messages reach a user only within 24 hours of their last message to you; outside that window, send a Template',
				name: 'windowNotice',
				type: 'notice',
				default: '',
				displayOptions: show(...FREE_FORM_KINDS),
			},
			...kindFields,
			...sendAndWaitFields,
			sendOptionsField,
		],
	};

	methods = {
		listSearch: { searchPhoneNumbers, searchTemplates },
		loadOptions: { getTemplateHeaders, getTemplateLanguages, getTemplateVariables, getWabaPhoneNumbers },
		resourceMapping: { getTemplateFields },
		credentialTest: { whatsAppCloudApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = readParameter<string>(this, 'operation', 0, 'send');
		return operation === SEND_AND_WAIT_OPERATION ? executeSendAndWait.call(this) : executeSendMessage.call(this);
	}

	/** The answer to a "Send and Wait for Reply", posted by the trigger to the execution's resume URL. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return receiveAnswer.call(this);
	}
}
