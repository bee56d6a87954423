import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getConversationLedger, WINDOW_MS, type ConversationLedger } from '../../../shared/conversations';
import { getPhoneNumberId } from '../../../shared/descriptions';
import { managementCall, runOperation } from '../common';
import { ManagementInputError } from '../errors';
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
	{
		displayName: 'Check the 24-Hour Rule First',
		name: 'checkWindow',
		type: 'boolean',
		default: true,
		displayOptions: { show: { resource: ['blockedUser'], operation: ['block'] } },
		description:
			'Whether to refuse, before calling Meta, users who sent this number no message in the last 24 hours that a WhatsApp Cloud Trigger of this n8n received. Checked only while a trigger receives this number\'s webhooks; turn off for users who wrote before the trigger was active.',
	},
];

/**
 * The users Meta would refuse under its 24-hour rule, as far as this n8n can know: undefined when no WhatsApp trigger
 * received this number's webhooks in the last 24 hours (then nothing is known and Meta decides).
 */
export async function usersOutsideWindow(ledger: ConversationLedger, phoneNumberId: string, users: string[], now: number): Promise<string[] | undefined> {
	const seen = await ledger.triggerSeenAt(phoneNumberId);
	if (seen === undefined || now - seen > WINDOW_MS) return undefined;
	// The ledger knows a contact by its WhatsApp ID: the digits of the phone number, without the +.
	const open = await Promise.all(users.map((user) => ledger.windowOpenUntil(phoneNumberId, user.replace(/^\+/, ''), now)));
	return users.filter((_user, index) => open[index] === undefined);
}

interface BlockAnswer {
	block_users?: { added_users?: Array<{ input?: string; wa_id?: string }> };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const users = readUsers(this, itemIndex);
		const checkWindow = this.getNodeParameter('checkWindow', itemIndex, true) !== false;
		const body = { messaging_product: 'whatsapp', block_users: users.map((user) => ({ user })) };
		return async (): Promise<IDataObject[]> => {
			if (checkWindow) {
				const ledger = getConversationLedger({ redisUrl: credentials.redisUrl, accessToken: credentials.accessToken });
				const outside = await usersOutsideWindow(ledger, phoneNumberId, users, Date.now());
				if (outside && outside.length > 0) {
					const named = outside.slice(0, 5).join(', ') + (outside.length > 5 ? ` and ${outside.length - 5} more` : '');
					throw new ManagementInputError(
						'Users',
						`has ${outside.length} user${outside.length === 1 ? '' : 's'} who sent this number no message in the last 24 hours that a WhatsApp Cloud Trigger of this n8n received (${named}); nothing was blocked`,
						`${BLOCK_RULES} If they wrote before the trigger was active, turn off "Check the 24-Hour Rule First".`,
					);
				}
			}
			const answer = await managementCall<BlockAnswer>(credentials, { method: 'POST', path: `/${phoneNumberId}/block_users`, body }, phoneNumberId).catch((error: unknown) => {
				throw withBlockRules(error);
			});
			return (answer.block_users?.added_users ?? []).map((user) => ({ phoneNumberId, user: user.input ?? null, waId: user.wa_id ?? null, blocked: true }));
		};
	});
}
