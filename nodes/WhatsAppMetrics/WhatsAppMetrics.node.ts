import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchPhoneNumbers, searchTemplates } from '../shared/descriptions';
import { whatsAppCloudApiTest } from '../shared/credentialTest';
import type { MetricsOperation, MetricsRows, OperationContext } from './actions/common';
import { readCredentials } from './actions/common';
import { redactDeep } from '../shared/transport';
import { failedItem, toNodeError } from './helpers';
import * as conversationAnalytics from './actions/conversationAnalytics';
import * as limiterStatus from './actions/limiterStatus';
import * as messageAnalytics from './actions/messageAnalytics';
import * as phoneNumberHealth from './actions/phoneNumberHealth';
import * as pricingAnalytics from './actions/pricingAnalytics';
import * as templateAnalytics from './actions/templateAnalytics';

const operations: Record<MetricsOperation, { run: (op: OperationContext) => Promise<MetricsRows> }> = {
	messageAnalytics,
	conversationAnalytics,
	pricingAnalytics,
	templateAnalytics,
	phoneNumberHealth,
	limiterStatus,
};

/** What the canvas shows under the node for each operation. */
export const OPERATION_NAMES: Record<MetricsOperation, string> = {
	messageAnalytics: 'Message Analytics',
	conversationAnalytics: 'Conversation Analytics',
	pricingAnalytics: 'Pricing Analytics',
	templateAnalytics: 'Template Analytics',
	phoneNumberHealth: 'Phone Number Health',
	limiterStatus: 'Rate Limiter Status',
};

export class WhatsAppMetrics implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Metrics',
		name: 'whatsAppMetrics',
		icon: { light: 'file:../../icons/whatsapp.svg', dark: 'file:../../icons/whatsapp.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: `={{ ${JSON.stringify(OPERATION_NAMES)}[$parameter["operation"]] }}`,
		description: 'WhatsApp analytics, costs, phone number health and rate limiter status, one row per data point',
		defaults: { name: 'WhatsApp Metrics' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'analytics',
				options: [
					{ name: 'Analytics', value: 'analytics', description: 'Messages, conversations, pricing and templates over time' },
					{ name: 'Phone Number', value: 'phoneNumber', description: 'Quality and limits of your numbers' },
					{ name: 'Rate Limiter', value: 'limiter', description: 'What this n8n process is sending right now' },
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'messageAnalytics',
				displayOptions: { show: { resource: ['analytics'] } },
				options: [
					{
						name: 'Get Conversation Analytics',
						value: 'conversationAnalytics',
						description: 'Conversations and cost by category, type, country and phone number (conversation-based billing; for periods after July 2025 use Pricing Analytics)',
						action: 'Get conversation analytics',
					},
					{
						name: 'Get Message Analytics',
						value: 'messageAnalytics',
						description: 'Messages sent and delivered',
						action: 'Get message analytics',
					},
					{
						name: 'Get Pricing Analytics',
						value: 'pricingAnalytics',
						description: 'Message volume and cost by category, type, country, phone number and tier',
						action: 'Get pricing analytics',
					},
					{
						name: 'Get Template Analytics',
						value: 'templateAnalytics',
						description: 'Sent, delivered, read, clicked and cost per template and day',
						action: 'Get template analytics',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'phoneNumberHealth',
				displayOptions: { show: { resource: ['phoneNumber'] } },
				options: [
					{
						name: 'Get Health',
						value: 'phoneNumberHealth',
						description: 'Quality rating, throughput, messaging limit and name status',
						action: 'Get phone number health',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'limiterStatus',
				displayOptions: { show: { resource: ['limiter'] } },
				options: [
					{
						name: 'Get Status',
						value: 'limiterStatus',
						description: 'Queued, in flight, sent and budget left in this n8n process\'s rate limiter',
						action: 'Get rate limiter status',
					},
				],
			},
			...messageAnalytics.description,
			...conversationAnalytics.description,
			...pricingAnalytics.description,
			...templateAnalytics.description,
			...phoneNumberHealth.description,
			...limiterStatus.description,
		],
	};

	methods = { listSearch: { searchPhoneNumbers, searchTemplates }, credentialTest: { whatsAppCloudApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await readCredentials(this);
		const nowSeconds = Math.floor(Date.now() / 1000);
		const node = this.getNode();
		const continueOnFail = this.continueOnFail();
		// Items run side by side; the gate paces their calls against the account's budget.
		const settled = await Promise.allSettled(
			items.map(async (_item, itemIndex) => {
				const operation = this.getNodeParameter('operation', itemIndex) as MetricsOperation;
				const handler = operations[operation];
				if (!handler) throw new Error(`The operation "${String(operation)}" is not supported`);
				return handler.run({ context: this, itemIndex, credentials, nowSeconds });
			}),
		);
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < settled.length; itemIndex++) {
			const result = settled[itemIndex];
			if (result.status === 'fulfilled') {
				// Raw pages come from Meta as they are: the paging links are cleaned already, and this catches any other copy.
				for (const row of result.value) output.push({ json: redactDeep(row, credentials) as IDataObject, pairedItem: { item: itemIndex } });
				continue;
			}
			if (!continueOnFail) throw toNodeError(node, result.reason, itemIndex, credentials);
			output.push(failedItem(node, result.reason, itemIndex, credentials));
		}
		return [output];
	}
}
