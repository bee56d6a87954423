/**
 * Options › Sender Pool, in real workflows (n8n-core's WorkflowExecute) against the simulator over real HTTP: one
 * broadcast spread over several numbers of the WABA, a recipient always hearing from the same number, each number paced
 * by its own gate lane, a media link uploaded once per number, bad pools refused before any send.
 *
 * Meta's side, as these tests expect it (pages read through the docs search, Dec 2026):
 * - Throughput is per number: "For each registered business phone number, Cloud API supports up to 80 messages per
 *   second (mps) by default … If you attempt to send more messages than your current throughput level allows, the API
 *   will return error code 130429" (Throughput, updated May 21, 2026:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput). The simulator counts and
 *   limits each number apart.
 * - The 24-hour customer service window is between the user and the business number they wrote to (Meta's send-messages
 *   page, https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages, as
 *   conversation.test.ts reads it; Telnyx's Cloud API wrapper says the same: the window is "open for a given
 *   source/destination pair", https://developers.telnyx.com/api-reference/whatsapp-phone-numbers/get-conversation-window-status-for-a-phone-number.md).
 * - Media is uploaded to a number (`POST /{phone-number-id}/media`) and its ID sent in `image.id`
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/image-messages). Meta's pages
 *   do not say whether another number of the WABA may send that ID; AWS's Cloud API wrapper says "Only the specified
 *   originationPhoneNumberId has the permissions to send the media file"
 *   (https://docs.aws.amazon.com/social-messaging/latest/APIReference/API_PostWhatsAppMessageMedia.md): one upload
 *   per number, as mediaLinks.test.ts already expects for two senders.
 * - The WABA's numbers: `GET /{waba-id}/phone_numbers` (the list the pack's number picker already reads).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INodeParameters } from 'n8n-workflow';

import { startN8nTrigger, type N8nTrigger } from '../../../test/support/trigger/n8nContexts';
import { startSimulator, type Simulator } from '../../../test/simulator';
import { defaultFixture } from '../../../test/simulator/fixture';
import { destroyGraphClients } from '../../shared/transport';
import { hashedSender } from '../senderPool';
import { byId, messageCalls, send } from './helpers';
import { clearConversationLedgers, clearManagementCache, clearMediaCache, clearMediaLinks, clearRedeliveryStores } from '../../../test/support/testHooks';

/** Three numbers of the simulator's WABA beside its default ones, each limited to 5 messages in any sliding second. */
const POOL = ['310000000000001', '310000000000002', '310000000000003'];
const NUMBER_MPS = 5;
const NOT_IN_WABA = '399999999999999';

let sim: Simulator;
let trigger: N8nTrigger | undefined;
let files: http.Server;
let filesUrl = '';
let fetches = 0;

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
	const standard = defaultFixture().phoneNumbers[0];
	const poolNumbers = POOL.map((id, index) => ({ ...standard, id, displayPhoneNumber: `+1 555-030-000${index + 1}`, verifiedName: `Pool ${index + 1}` }));
	sim = await startSimulator({
		latency: 'none',
		fixture: { phoneNumbers: [...defaultFixture().phoneNumbers, ...poolNumbers] },
		mps: Object.fromEntries(POOL.map((id) => [id, NUMBER_MPS])),
	});
	files = http.createServer((_req, res) => {
		fetches++;
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
	});
	await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
	filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
beforeEach(() => {
	clearConversationLedgers();
	clearRedeliveryStores();
	clearMediaCache();
	clearMediaLinks();
	fetches = 0;
});
afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
	sim.reset();
	clearManagementCache();
	delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
});
afterAll(async () => {
	destroyGraphClients();
	files.closeAllConnections();
	await new Promise<void>((resolve) => files.close(() => resolve()));
	await sim.stop();
});

const recipients = (count: number, from = 0) => Array.from({ length: count }, (_, i) => ({ json: { phone: `1650555${String(from + i).padStart(4, '0')}` } }));
const credentials = { throughputTier: 'custom', customMessagesPerSecond: NUMBER_MPS };

/** A text to each item's phone, from `main` with `pool` in Options › Sender Pool. */
function pooledText(main: string, pool: string | string[], extra: INodeParameters = {}): INodeParameters {
	return { messageType: 'text', textBody: 'Our sale starts today', recipient: '={{ $json.phone }}', phoneNumberId: byId(main), sendOptions: { senderPool: pool }, ...extra };
}

/** The number each recipient's message was accepted from, as the simulator logged it. */
function senderByRecipient(): Map<string, string> {
	return new Map(sim.log().map((message) => [message.to, message.phoneNumberId]));
}

describe('which number a recipient hears from', () => {
	it('spreads the recipients over every pool number, each output item naming its number, the same in a second run whatever the pool order', async () => {
		const first = await send(sim, pooledText(POOL[0], [POOL[1], POOL[2]]), { inputItems: recipients(30), credentials });
		expect(first.error).toBeUndefined();
		const firstSenders = senderByRecipient();
		expect(firstSenders.size).toBe(30);
		expect(new Set(firstSenders.values())).toEqual(new Set(POOL));
		const outputs = first.outputs('Send');
		outputs.forEach((output) => {
			expect(output.phoneNumberId).toBe(firstSenders.get(String(output.recipient)));
			expect(output.senderChosenBy).toBe('recipientHash');
			expect(output.senderDisplayNumber).toBe(`+1 555-030-000${POOL.indexOf(String(output.phoneNumberId)) + 1}`);
		});

		sim.reset();
		// Another Sender Phone Number, the pool listed in another order (the Sender Phone Number among them): the same pool.
		const second = await send(sim, pooledText(POOL[2], [POOL[1], POOL[2], POOL[0]]), { inputItems: recipients(30), credentials });
		expect(second.error).toBeUndefined();
		expect(senderByRecipient()).toEqual(firstSenders);
	}, 60_000);

	it('a recipient who wrote to a pool number in the last 24 hours hears from that number', async () => {
		// Someone whose hashed number is not the one they wrote to, so only the window can send them there.
		const wrote = recipients(20).map((item) => item.json.phone).find((phone) => hashedSender(phone, POOL) !== POOL[2])!;
		trigger = await startN8nTrigger(sim, { subscription: 'app', triggerOn: ['messages'] });
		await trigger.trigger.webhookMethods.default.create.call(trigger.hooks());
		await sim.injectInbound({ from: wrote, type: 'text', text: { body: 'Hi' }, phoneNumberId: POOL[2] });
		await sim.webhooks.idle();

		const result = await send(sim, pooledText(POOL[0], POOL), { inputItems: recipients(20), credentials });
		expect(result.error).toBeUndefined();
		const output = result.outputs('Send').find((item) => item.recipient === wrote)!;
		expect(output).toMatchObject({ phoneNumberId: POOL[2], senderChosenBy: 'openWindow' });
		expect(senderByRecipient().get(wrote)).toBe(POOL[2]);
		// Everyone else is where the hash puts them.
		for (const item of result.outputs('Send').filter((item) => item.recipient !== wrote)) {
			expect(item.phoneNumberId).toBe(hashedSender(String(item.recipient), POOL));
		}
	}, 60_000);
});

it('paces each number by its own gate: none over its limit at the simulator, zero 130429, together above one number’s limit', async () => {
	const result = await send(sim, pooledText(POOL[0], POOL), { inputItems: recipients(45), credentials });
	expect(result.error).toBeUndefined();
	const log = sim.log();
	expect(log).toHaveLength(45);
	expect(new Set(log.map((message) => message.to)).size).toBe(45);
	const counters = sim.counters();
	expect(counters.rejectedByCode['130429'] ?? 0).toBe(0);
	for (const id of POOL) expect(counters.peakPerSecond[id]).toBeLessThanOrEqual(NUMBER_MPS);
	// All the pool's sends in any one second of the simulator's clock: one lane for all could never pass one number's limit.
	const times = log.map((message) => message.acceptedAt).sort((a, b) => a - b);
	const together = Math.max(...times.map((at, index) => times.filter((other, j) => j >= index && other < at + 1000).length));
	expect(together).toBeGreaterThan(NUMBER_MPS);
}, 60_000);

it('uploads a media link once per pool number and sends each number’s own media ID', async () => {
	process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
	const image = { messageType: 'image', mediaSource: 'link', mediaLink: `${filesUrl}/sale.png` };
	const result = await send(sim, pooledText(POOL[0], POOL, image), { inputItems: recipients(30), credentials });
	expect(result.error).toBeUndefined();
	expect(fetches).toBe(1);
	const uploads = sim.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/media'));
	expect(uploads.map((request) => request.path).sort()).toEqual(POOL.map((id) => `/v26.0/${id}/media`));
	const idsByNumber = new Map<string, Set<unknown>>();
	for (const message of sim.log()) {
		const ids = idsByNumber.get(message.phoneNumberId) ?? new Set();
		ids.add((message.body.image as { id?: string }).id);
		idsByNumber.set(message.phoneNumberId, ids);
	}
	expect([...idsByNumber.keys()].sort()).toEqual(POOL);
	expect([...idsByNumber.values()].map((ids) => ids.size)).toEqual([1, 1, 1]);
	expect(new Set([...idsByNumber.values()].map((ids) => [...ids][0])).size).toBe(3);
	for (const output of result.outputs('Send')) expect(idsByNumber.get(String(output.phoneNumberId))).toEqual(new Set([output.mediaId]));
}, 60_000);

describe('a bad pool fails before any send, naming the item and the option', () => {
	it.each([
		['empty', [] as string[], /^Item 1: "Options › Sender Pool" is empty/],
		['a number twice', `${POOL[1]}, ${POOL[2]}, ${POOL[1]}`, /^Item 1: "Options › Sender Pool" lists number 310000000000002 twice/],
		['not a phone number ID', [POOL[1], '+1 555 030 0003'], /^Item 1: "Options › Sender Pool" has "\+1 555 030 0003", which is not a phone number ID/],
	])('%s', async (_case, pool, message) => {
		const result = await send(sim, pooledText(POOL[0], pool), { inputItems: recipients(3), credentials });
		expect(result.nodeError('Send')?.message).toMatch(message);
		expect(sim.requests()).toHaveLength(0);
	});

	it('a number the WhatsApp Business Account does not have (its list read once, kept for the next run)', async () => {
		for (let run = 0; run < 2; run++) {
			const result = await send(sim, pooledText(POOL[0], [POOL[1], NOT_IN_WABA]), { inputItems: recipients(3), credentials });
			expect(result.nodeError('Send')?.message).toBe(`Item 1: "Options › Sender Pool" has ${NOT_IN_WABA}, not a number of the WhatsApp Business Account ${sim.fixture.wabaId}`);
		}
		expect(messageCalls(sim)).toBe(0);
		// One read of the list (the gate's own count of registered numbers, `fields=id`, aside).
		const listReads = sim.requests().filter((request) => request.path.endsWith('/phone_numbers') && request.query.includes('display_phone_number'));
		expect(listReads).toHaveLength(1);
	});

	it('with "Continue On Fail", each item of a bad pool gets its error and the others are sent', async () => {
		const items = recipients(2).map((item, i) => ({ json: { ...item.json, pool: i === 0 ? [POOL[1], NOT_IN_WABA] : [POOL[1]] } }));
		const result = await send(sim, pooledText(POOL[0], '={{ $json.pool }}'), { inputItems: items, credentials, continueOnFail: true });
		const [bad, good] = result.outputs('Send');
		expect(bad.error).toMatch(/^Item 1: "Options › Sender Pool" has 399999999999999/);
		expect(good.messageId).toBeDefined();
		expect(messageCalls(sim)).toBe(1);
	});
});
