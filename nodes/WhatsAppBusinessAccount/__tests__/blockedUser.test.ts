/**
 * The WhatsApp Business Account node's blocked-user operations in real workflows against the simulator. Shapes:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/block-api
 * Rules (24 hours, self block, 64k): https://developers.facebook.com/documentation/business-messaging/whatsapp/block-users
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { getConversationLedger } from '../../shared/conversations';
import { accountHarness, PHONE } from './harness';
import { clearConversationLedgers } from '../../../test/support/testHooks';

const harness = accountHarness('blockedUser');
const run = harness.run;
let sim: Simulator;

beforeAll(() => {
	sim = harness.sim;
});

beforeEach(() => {
	sim.configure({ inWindowRecipients: ['16505551234', '447700900123'] });
});

const blockCalls = () => sim.requests().filter((request) => request.path.endsWith('/block_users'));

describe('Block, List, Unblock', () => {
	it('blocks users in one call as Meta\'s reference shows, one output item per user', async () => {
		const result = await run({ operation: 'block', users: '+1 650-555-1234, 447700900123' });
		expect(JSON.parse(blockCalls()[0].body)).toEqual({ messaging_product: 'whatsapp', block_users: [{ user: '+16505551234' }, { user: '447700900123' }] });
		expect(result.outputs('Account')).toEqual([
			{ phoneNumberId: PHONE, user: '+16505551234', waId: '16505551234', blocked: true },
			{ phoneNumberId: PHONE, user: '447700900123', waId: '447700900123', blocked: true },
		]);
	});

	it('lists the blocked users and unblocks them', async () => {
		await run({ operation: 'block', users: '16505551234,447700900123' });
		const listed = await run({ operation: 'list', returnAll: true });
		expect(listed.outputs('Account')).toEqual([{ phoneNumberId: PHONE, waId: '16505551234' }, { phoneNumberId: PHONE, waId: '447700900123' }]);
		const limited = await run({ operation: 'list', returnAll: false, limit: 1 });
		expect(limited.outputs('Account')).toEqual([{ phoneNumberId: PHONE, waId: '16505551234' }]);
		const unblocked = await run({ operation: 'unblock', users: '16505551234' });
		expect(unblocked.outputs('Account')).toEqual([{ phoneNumberId: PHONE, user: '16505551234', waId: '16505551234', unblocked: true }]);
		expect((await run({ operation: 'list', returnAll: true })).outputs('Account')).toEqual([{ phoneNumberId: PHONE, waId: '447700900123' }]);
	});

	it('says Meta\'s rules when a user did not message the number in the last 24 hours', async () => {
		const result = await run({ operation: 'block', users: '+15550009999' }, true);
		const [item] = result.outputs('Account') as IDataObject[];
		expect(item).toEqual(expect.objectContaining({ code: 139100, retryable: false }));
		expect(String(item.details)).toContain('only users who messaged this number in the last 24 hours');
	});
});

// "You can only block users that have messaged your business in the last 24 hours" (block users guide, Limitations):
// https://developers.facebook.com/documentation/business-messaging/whatsapp/block-users
describe('the 24-hour rule, checked before the call from what the trigger received (the conversation ledger)', () => {
	const ledger = () => getConversationLedger({});
	afterEach(() => clearConversationLedgers());

	it('refuses, before any call, users no trigger saw write in the last 24 hours while a trigger receives the number', async () => {
		await ledger().recordTriggerSeen(PHONE, Date.now());
		await ledger().recordInbound(PHONE, '16505551234', Date.now() - 60_000);
		const result = await run({ operation: 'block', users: '+16505551234, 447700900123' }, true);
		const [item] = result.outputs('Account') as IDataObject[];
		expect(String(item.error)).toBe(
			'Item 1: "Users" has 1 user who sent this number no message in the last 24 hours that a WhatsApp Cloud Trigger of this n8n received (447700900123); nothing was blocked',
		);
		expect(String(item.description)).toContain('turn off "Check the 24-Hour Rule First"');
		expect(blockCalls()).toHaveLength(0);
	});

	it('blocks users who wrote within the window', async () => {
		await ledger().recordTriggerSeen(PHONE, Date.now());
		await ledger().recordInbound(PHONE, '16505551234', Date.now() - 60_000);
		const result = await run({ operation: 'block', users: '+16505551234' });
		expect(result.outputs('Account')).toEqual([{ phoneNumberId: PHONE, user: '+16505551234', waId: '16505551234', blocked: true }]);
	});

	it('leaves it to Meta when no trigger received the number\'s webhooks (nothing is known), or when the check is off', async () => {
		await run({ operation: 'block', users: '447700900123' });
		expect(blockCalls()).toHaveLength(1);
		await ledger().recordTriggerSeen(PHONE, Date.now());
		await run({ operation: 'block', users: '16505551234', checkWindow: false });
		expect(blockCalls()).toHaveLength(2);
	});
});

describe('bad input fails before any call, naming the item and the field', () => {
	it.each([
		['no users', { operation: 'block', users: ' , ' }, '"Users" is empty'],
		['a user that is no phone number', { operation: 'block', users: '+16505551234, ana@example.com' }, '"Users" has "ana@example.com" as user #2'],
		['a number longer than 15 digits', { operation: 'unblock', users: '+1234567890123456' }, '"Users" has "+1234567890123456" as user #1'],
		['more users than a blocklist holds', { operation: 'block', users: `={{ Array.from({ length: 64001 }, (_, i) => String(16500000000 + i)) }}` }, '"Users" has 64001 users'],
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/block-users — "Each request can include a maximum of 1,000 users."
		['more users than one request takes', { operation: 'block', users: `={{ Array.from({ length: 1001 }, (_, i) => String(16500000000 + i)) }}` }, '"Users" has 1001 users; Meta takes at most 1000 per request'],
		['a phone number ID that is no ID (from an expression)', { operation: 'list', returnAll: true, phoneNumberId: { __rl: true, mode: 'id', value: '={{ "+16505551234" }}' } }, '"Phone Number" is "+16505551234"'],
		['a list Limit of 0', { operation: 'list', returnAll: false, limit: 0 }, '"Limit" is 0'],
	] as Array<[string, INodeParameters, string]>)('%s', async (_case, parameters, message) => {
		const result = await run(parameters);
		expect(result.nodeError('Account')?.message).toContain(`Item 1: ${message}`);
		expect(sim.requests()).toEqual([]);
	});
});
