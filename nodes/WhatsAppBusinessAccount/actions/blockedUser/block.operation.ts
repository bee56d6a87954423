import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, runOperation } from '../common';
import { BLOCK_RULES, phoneNumberField, readUsers, usersField, withBlockRules } from './users';

export const description: INodeProperties[] = [
	phoneNumberField('block', 'The business phone number whose blocklist the users join'),
	usersField('block', 'Phone numbers or WhatsApp IDs to block, separated by commas (or a list from an expression)'),
	{
		displayName: BLOCK_RULES,
		name: 'blockNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['blockedUser'], operation: ['block'] } },
	},
];

interface BlockAnswer {
	block_users?: { added_users?: Array<{ input?: string; wa_id?: string }> };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const users = readUsers(this, itemIndex);
		const body = { messaging_product: 'whatsapp', block_users: users.map((user) => ({ user })) };
		return async (): Promise<IDataObject[]> => {
			const answer = await managementCall<BlockAnswer>(credentials, { method: 'POST', path: `/${phoneNumberId}/block_users`, body }, phoneNumberId).catch((error: unknown) => {
				throw withBlockRules(error);
			});
			return (answer.block_users?.added_users ?? []).map((user) => ({ phoneNumberId, user: user.input ?? null, waId: user.wa_id ?? null, blocked: true }));
		};
	});
}
