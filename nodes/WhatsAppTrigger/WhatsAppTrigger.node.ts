import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchPhoneNumbers } from '../shared/descriptions';
import { whatsAppCloudApiTest } from '../shared/credentialTest';
import { receiveDelivery } from './delivery';
import { subscriptionSubtitle, triggerProperties } from './description';
import { webhookLifecycle } from './lifecycle';
import { TRIGGER_NAME } from './settings';
import { answerSetup } from './setupPage';

export class WhatsAppTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Cloud Trigger',
		name: 'whatsAppTrigger',
		icon: { light: 'file:../../icons/whatsapp.svg', dark: 'file:../../icons/whatsapp.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves as 1. n8n evaluates an expression on every webhook request to a node of version 1 (its
		// `binaryData` option, which this node does not have): ~9 ms of isolate time per request on its default engine.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: subscriptionSubtitle,
		description: 'Starts the workflow on WhatsApp messages, message statuses and account or template updates',
		defaults: { name: TRIGGER_NAME },
		eventTriggerDescription: 'Waiting for a WhatsApp event: send a message to your business number',
		activationMessage: 'WhatsApp events will now start this workflow.',
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { whatsAppCloudApiTest },
	};

	/** Activation and deactivation: the webhook subscription at Meta (lifecycle.ts, subscription/). */
	webhookMethods = { default: webhookLifecycle };

	/** `GET`: Meta's handshake or the setup page (setupPage.ts); `POST`: a delivery of events (delivery.ts). */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return this.getWebhookName() === 'setup' ? await answerSetup(this) : await receiveDelivery(this);
	}
}
