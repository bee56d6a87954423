import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchPhoneNumbers } from '../shared/descriptions';
import { whatsAppCloudApiTest } from '../shared/credentialTest';
import { router } from './actions/router';
import * as blockedUser from './actions/blockedUser/BlockedUser.resource';
import * as businessProfile from './actions/businessProfile/BusinessProfile.resource';
import * as flow from './actions/flow/Flow.resource';
import * as qrCode from './actions/qrCode/QrCode.resource';
import * as template from './actions/template/Template.resource';

/** What the canvas shows under the node: "Template: Create", "QR Code: List"… */
const RESOURCE_NAMES: Record<string, string> = { template: 'Template', flow: 'Flow', businessProfile: 'Business Profile', blockedUser: 'Blocked User', qrCode: 'QR Code' };
const RESOURCE_OPERATIONS: Record<string, INodeProperties[]> = {
	template: template.description,
	flow: flow.description,
	businessProfile: businessProfile.description,
	blockedUser: blockedUser.description,
	qrCode: qrCode.description,
};
export const SUBTITLES: Record<string, string> = Object.fromEntries(
	Object.entries(RESOURCE_OPERATIONS).flatMap(([resource, properties]) =>
		(properties.find((property) => property.name === 'operation')?.options ?? []).map((option) => [
			`${resource}:${String((option as { value: string }).value)}`,
			`${RESOURCE_NAMES[resource]}: ${(option as { name: string }).name}`,
		]),
	),
);

export class WhatsAppBusinessAccount implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Business Account',
		name: 'whatsAppBusinessAccount',
		icon: { light: 'file:../../icons/whatsapp.svg', dark: 'file:../../icons/whatsapp.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${JSON.stringify(SUBTITLES)}[$parameter["resource"] + ":" + $parameter["operation"]] }}`,
		description: 'Manage a WhatsApp Business Account: templates, flows, business profiles, blocked users and QR codes (Cloud API)',
		defaults: { name: 'WhatsApp Business Account' },
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
				options: [
					{ name: 'Blocked User', value: 'blockedUser', description: 'Block, unblock and list the users a number blocked' },
					{ name: 'Business Profile', value: 'businessProfile', description: 'A number\'s profile: about, address, description, email, websites, vertical' },
					{ name: 'Flow', value: 'flow', description: 'WhatsApp Flows: create, upload the Flow JSON, publish, preview' },
					{ name: 'QR Code', value: 'qrCode', description: 'QR codes and short links that open a chat with a prefilled message' },
					{ name: 'Template', value: 'template', description: 'Message templates: list, create, edit, delete' },
				],
				default: 'template',
			},
			{
				displayName: 'Every call counts in Meta\'s management budget (200 calls an hour per app and account, 5,000 with a registered number), apart from sending',
				name: 'budgetNotice',
				type: 'notice',
				default: '',
			},
			...template.description,
			...blockedUser.description,
			...businessProfile.description,
			...qrCode.description,
			...flow.description,
		],
	};

	methods = { listSearch: { searchPhoneNumbers }, credentialTest: { whatsAppCloudApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
