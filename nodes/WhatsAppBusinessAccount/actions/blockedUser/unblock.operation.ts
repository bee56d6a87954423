import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, runOperation } from '../common';
import { phoneNumberField, readUsers, usersField } from './users';

export const description: INodeProperties[] = [
	phoneNumberField('unblock', 'The business phone number whose blocklist the users leave'),
	usersField('unblock', 'Phone numbers or WhatsApp IDs to unblock, separated by commas (or a list from an expression)'),
];

type UserResult = { input?: string; wa_id?: string };

interface UnblockAnswer {
	/** The reference answers `removed_users`; the guide's example shows `added_users`. */
	block_users?: { removed_users?: UserResult[]; added_users?: UserResult[] };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const users = readUsers(this, itemIndex);
		const body = { messaging_product: 'whatsapp', block_users: users.map((user) => ({ user })) };
		return async (): Promise<IDataObject[]> => {
			const answer = await managementCall<UnblockAnswer>(credentials, { method: 'DELETE', path: `/${phoneNumberId}/block_users`, body }, phoneNumberId);
			const removed = answer.block_users?.removed_users ?? answer.block_users?.added_users ?? [];
			return removed.map((user) => ({ phoneNumberId, user: user.input ?? null, waId: user.wa_id ?? null, unblocked: true }));
		};
	});
}
