/**
 * Call permission requests through n8n-core's WorkflowExecute against the simulator: only the body can be set, and it
 * is optional. https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions
 */
import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

describe('Send Message: call permission requests', () => {
	test('with the reason for the call', async () => {
		const result = await send(sim, { messageType: 'callPermissionRequest', interactiveBody: 'We would like to call you about order ON-12853.' });
		expect(result.error).toBeUndefined();
		expect(result.outputs('Send')[0]).toMatchObject({ messageType: 'callPermissionRequest', messageStatus: 'accepted' });
		expect(sim.log()[0].body).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '16505551234',
			type: 'interactive',
			interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' }, body: { text: 'We would like to call you about order ON-12853.' } },
		});
	});

	test('without a body', async () => {
		const result = await send(sim, { messageType: 'callPermissionRequest' });
		expect(result.error).toBeUndefined();
		expect((sim.log()[0].body as { interactive: object }).interactive).toEqual({ type: 'call_permission_request', action: { name: 'call_permission_request' } });
	});

	test('a body over 1,024 characters fails before any call, naming the item and the field', async () => {
		const result = await send(sim, { messageType: 'callPermissionRequest', interactiveBody: '={{ $json.n === 2 ? "b".repeat(1025) : "May we call?" }}' }, { inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }] });
		expect(result.error?.message).toMatch(/^Item 2: "Message Text" is 1025 characters long; WhatsApp allows at most 1024/);
		expect(messageCalls(sim)).toBe(0);
	});
});
