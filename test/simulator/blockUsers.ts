/**
 * Blocking users as Meta plays it: `POST`, `DELETE` and `GET /{phone-number-id}/block_users`.
 * Shapes: the Block API reference (request and answers; `removed_users` when unblocking, `data[{messaging_product,
 * wa_id}]` when listing) https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/block-api
 * Rules and errors: the Block Users guide (only users who messaged the number in the last 24 hours: 131047; never the
 * number itself: 131021; 64k blocklist: 139101; a partial failure answers 400 with both lists and 139100)
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/block-users
 */
import type { Route, SimContext, SimRequest, SimResponse } from './types';
import { MetaError, recipientKey } from './types';
import { bodyParams, invalidParameter, moduleState, pageOf, requirePhoneNumber } from './surfaces';

/** "64k blocklist limit" (guide, Limitations). */
export const BLOCKLIST_LIMIT = 64_000;

interface UserOutcome {
	input: string;
	wa_id: string;
	errors?: Array<{ message: string; code: number; error_data: { details: string } }>;
}

/** Each number's blocklist: WhatsApp IDs in the order blocked. */
function blocklistOf(sim: SimContext, phoneNumberId: string): string[] {
	const lists = moduleState(sim, 'blockUsers', () => new Map<string, string[]>());
	let list = lists.get(phoneNumberId);
	if (!list) lists.set(phoneNumberId, (list = []));
	return list;
}

function usersOf(req: SimRequest): string[] {
	const input = bodyParams(req);
	if (input.messaging_product !== 'whatsapp') throw invalidParameter('Param messaging_product must be "whatsapp"', '(#100) The parameter messaging_product is required.');
	const users = input.block_users;
	if (!Array.isArray(users) || users.length === 0) throw invalidParameter('Param block_users must be a non-empty array of {user}', '(#100) The parameter block_users is required.');
	return users.map((entry: unknown) => {
		const user = (entry as { user?: unknown } | null)?.user;
		if (typeof user !== 'string' || user.trim() === '') throw invalidParameter('Each element of block_users needs a user (a phone number or WhatsApp ID)');
		return user;
	});
}

function failed(input: string, code: number, message: string, details: string): UserOutcome {
	return { input, wa_id: recipientKey(input), errors: [{ message, code, error_data: { details } }] };
}

/** The guide's answer when some users could not be changed: 400 with both lists and the 139100 error. */
function answer(key: 'added_users' | 'removed_users', done: UserOutcome[], failures: UserOutcome[]): SimResponse {
	if (failures.length === 0) return { status: 200, body: { messaging_product: 'whatsapp', block_users: { [key]: done } } };
	return {
		status: 400,
		body: {
			messaging_product: 'whatsapp',
			block_users: { [key]: done, failed_users: failures },
			error: {
				message: '(#139100) Failed to block/unblock users',
				type: 'OAuthException',
				code: 139100,
				error_data: { details: 'Failed to block some users, see the block_users response list for details' },
				fbtrace_id: 'AsimBlockUsers000000000',
			},
		},
	};
}

function blockUsers(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const users = usersOf(req);
	const list = blocklistOf(sim, number.id);
	const inWindow = new Set(sim.options.inWindowRecipients.map((user) => recipientKey(String(user))));
	const added: UserOutcome[] = [];
	const failures: UserOutcome[] = [];
	for (const input of users) {
		const waId = recipientKey(input);
		if (waId === recipientKey(number.displayPhoneNumber)) {
			failures.push(failed(input, 131021, '(#131021) Self Block', 'Failed to block self phone number'));
		} else if (!inWindow.has(waId)) {
			failures.push(failed(input, 131047, '(#131047) Re-engagement required', 'The business has not received a message from this user in the last 24 hours'));
		} else {
			if (!list.includes(waId)) {
				if (list.length >= BLOCKLIST_LIMIT) throw new MetaError({ httpStatus: 400, code: 139101, message: '(#139101) Blocklist limit reached', details: `The blocklist holds at most ${BLOCKLIST_LIMIT} users` });
				list.push(waId);
			}
			added.push({ input, wa_id: waId });
		}
	}
	return answer('added_users', added, failures);
}

function unblockUsers(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const list = blocklistOf(sim, number.id);
	const removed = usersOf(req).map((input) => {
		const waId = recipientKey(input);
		const at = list.indexOf(waId);
		if (at !== -1) list.splice(at, 1);
		return { input, wa_id: waId };
	});
	return answer('removed_users', removed, []);
}

function listBlockedUsers(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	const number = requirePhoneNumber(req, params.phoneNumberId, sim);
	const page = pageOf(req, sim, blocklistOf(sim, number.id).map((waId) => ({ messaging_product: 'whatsapp', wa_id: waId })), 25);
	return { status: 200, body: page.paging ? { data: page.data, paging: page.paging } : { data: page.data } };
}

const blockUsersPath = (segments: string[]) => (segments.length === 2 && segments[1] === 'block_users' ? { phoneNumberId: segments[0] } : null);

export const blockUsersRoutes: Route[] = [
	{ method: 'POST', match: blockUsersPath, handler: blockUsers },
	{ method: 'DELETE', match: blockUsersPath, handler: unblockUsers },
	{ method: 'GET', match: blockUsersPath, handler: listBlockedUsers },
];
