/**
 * A call withdrawn before its turn (its template was paused: Send Message's campaign rules) leaves the gate with the
 * signal's reason and never reaches the transport; the calls queued with it and after it still go, in order.
 */
import type { GraphRequest, GraphResponse, WhatsAppCredentials } from '../transport/types';
import { scheduleGraphCall } from '.';
import { configureGateForTests, resetGateForTests } from '../../../test/support/testHooks';

const credentials: WhatsAppCredentials = {
	accessToken: 'EAAGwithdrawalTOKEN0123456789',
	apiVersion: 'v26.0',
	baseUrl: 'http://127.0.0.1:9',
	wabaId: '200000000000077',
	registeredNumbers: 1,
	throughputTier: 'custom',
	customMessagesPerSecond: 2,
};
const NUMBER = '300000000000077';

afterEach(async () => {
	await resetGateForTests();
});

function send(to: string, withdrawal?: AbortSignal): Promise<GraphResponse<unknown>> {
	return scheduleGraphCall({ credentials, phoneNumberId: NUMBER, recipient: to, request: { method: 'POST', path: `/${NUMBER}/messages`, body: { to } }, withdrawal });
}

test('a queued call whose signal is aborted rejects with its reason without a call; the others are sent', async () => {
	const started: string[] = [];
	configureGateForTests({
		transport: async <T>(_credentials: WhatsAppCredentials, request: GraphRequest) => {
			started.push((request.body as { to: string }).to);
			return { status: 200, data: {} as T, usage: {} };
		},
	});
	const paused = new AbortController();
	const reason = new Error('template "spring_sale" is paused');
	// Two a second: at most the first two go at once, the rest wait their turn in the queue.
	const recipients = ['1', '2', '3', '4', '5'];
	const calls = recipients.map((to) => send(to, to === '1' || to === '5' ? undefined : paused.signal));
	paused.abort(reason);
	const settled = await Promise.allSettled(calls);
	const rejected = recipients.filter((_to, index) => settled[index].status === 'rejected');
	expect(rejected).toEqual(expect.arrayContaining(['3', '4']));
	for (const to of rejected) expect((settled[recipients.indexOf(to)] as PromiseRejectedResult).reason).toBe(reason);
	expect(started).toEqual(recipients.filter((to) => !rejected.includes(to)));
	expect(started).toEqual(expect.arrayContaining(['1', '5']));
});
