/** The users of a block or unblock, checked against what Meta takes, and Meta's rules said where they fail. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { GraphApiError, isGraphApiError } from '../../../shared/transport';
import { phoneNumberField as numberField } from '../common';
import { ManagementInputError } from '../errors';

/** "64k blocklist limit": https://developers.facebook.com/documentation/business-messaging/whatsapp/block-users */
export const BLOCKLIST_LIMIT = 64_000;
/** "Each request can include a maximum of 1,000 users" (block users guide, Limitations). */
const USERS_PER_REQUEST = 1_000;

/** A phone number in international format or a WhatsApp ID: up to 15 digits (E.164), an optional leading +. */
const USER = /^\+?[1-9]\d{6,14}$/;

export const BLOCK_RULES =
	'Meta blocks only users who messaged this number in the last 24 hours, never your own number, and up to 64,000 users per number. A blocked user cannot message you and you cannot message them.';

export const phoneNumberField = (operation: string, description: string): INodeProperties => numberField('blockedUser', operation, description);

export function usersField(operation: string, description: string): INodeProperties {
	return {
		displayName: 'Users',
		name: 'users',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +16505551234, 447700900123',
		displayOptions: { show: { resource: ['blockedUser'], operation: [operation] } },
		description,
	};
}

/** The item's users: a list from an expression, or text separated by commas, semicolons or line breaks. */
export function readUsers(context: IExecuteFunctions, itemIndex: number): string[] {
	const value = context.getNodeParameter('users', itemIndex, '') as unknown;
	const entries = (Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,;\n]/)).map((entry) => entry.trim()).filter(Boolean);
	if (entries.length === 0) throw new ManagementInputError('Users', 'is empty: give at least one phone number or WhatsApp ID');
	if (entries.length > USERS_PER_REQUEST) {
		throw new ManagementInputError('Users', `has ${entries.length} users; Meta takes at most ${USERS_PER_REQUEST} per request (its blocklist holds ${BLOCKLIST_LIMIT})`, 'Split the users over several items.');
	}
	return entries.map((entry, index) => {
		const user = entry.replace(/[\s().-]/g, '');
		if (!USER.test(user)) {
			throw new ManagementInputError('Users', `has "${entry.slice(0, 40)}" as user #${index + 1}: expected a phone number in international format or a WhatsApp ID (7 to 15 digits, e.g. +16505551234)`);
		}
		return user;
	});
}

/**
 * Meta's 139100 (some users not blocked) names the users only in a body the transport does not keep: say the rules
 * that make a block fail, so the error is actionable.
 */
export function withBlockRules(error: unknown): unknown {
	if (!isGraphApiError(error) || error.code !== 139100) return error;
	return new GraphApiError({
		message: error.message,
		httpStatus: error.httpStatus,
		code: error.code,
		type: error.type,
		details: `${error.details ?? 'Failed to block some users'}. ${BLOCK_RULES}`,
		fbtraceId: error.fbtraceId,
		request: error.request,
	});
}
