import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { scheduleGraphCall } from '../../nodes/shared/limiter';
import { testWhatsAppCredentials, whatsAppCloudApiTest } from '../../nodes/shared/credentialTest';
import { toNodeApiError } from '../../nodes/shared/nodeApiError';
import type { WhatsAppCredentials } from '../../nodes/shared/transport/types';

interface PhoneNumberFields {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
}

/**
 * Test-only node: reads one phone number through the gate (`GET /{phone-number-id}`), or runs the credential test.
 * It is the smallest real node: credentials from n8n, all items scheduled at once, errors through toNodeApiError.
 */
export class GraphProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Graph Probe (test)',
		name: 'graphProbe',
		group: ['transform'],
		version: 1,
		description: 'Test-only node for the workflow harness',
		defaults: { name: 'Graph Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppCloudApi', required: true, testedBy: 'whatsAppCloudApiTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Get Phone Number', value: 'getPhoneNumber' },
					{ name: 'Test Credential', value: 'testCredential' },
				],
				default: 'getPhoneNumber',
			},
			{
				displayName: 'Phone Number ID',
				name: 'phoneNumberId',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['getPhoneNumber'] } },
			},
		],
	};

	methods = { credentialTest: { whatsAppCloudApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = (await this.getCredentials('whatsAppCloudApi')) as unknown as WhatsAppCredentials;
		const calls = items.map(async (_item, itemIndex): Promise<INodeExecutionData> => {
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			if (operation === 'testCredential') {
				const result = await testWhatsAppCredentials(credentials);
				return { json: { ...result }, pairedItem: { item: itemIndex } };
			}
			const phoneNumberId = String(this.getNodeParameter('phoneNumberId', itemIndex));
			try {
				const response = await scheduleGraphCall<PhoneNumberFields>({
					credentials,
					phoneNumberId,
					request: {
						method: 'GET',
						path: `/${encodeURIComponent(phoneNumberId)}`,
						query: { fields: 'id,display_phone_number,verified_name' },
					},
				});
				return { json: { ...response.data }, pairedItem: { item: itemIndex } };
			} catch (error) {
				const nodeError = toNodeApiError(this.getNode(), error, itemIndex, credentials);
				if (this.continueOnFail()) {
					return { json: { error: nodeError.message, description: nodeError.description ?? null }, pairedItem: { item: itemIndex } };
				}
				throw nodeError;
			}
		});
		// Every item is scheduled at once; results keep input order.
		const settled = await Promise.allSettled(calls);
		const firstFailure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
		if (firstFailure) throw firstFailure.reason;
		return [settled.map((s) => (s as PromiseFulfilledResult<INodeExecutionData>).value)];
	}
}
