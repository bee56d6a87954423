/**
 * Flow buttons of templates through n8n-core's WorkflowExecute against the simulator: a flow token and the first
 * screen's data (a JSON object), both optional, from the Template Fields; bad data fails before any call.
 * https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow ("flow_token … optional", "flow_action_data
 * … optional, json object with the data payload for the first screen")
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator, templateFields as fields } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

const survey = (values: IDataObject): INodeParameters => ({
	messageType: 'template',
	template: { __rl: true, mode: 'name', value: 'survey_flow' },
	language: 'en_US',
	templateFields: fields({ 'body:1': 'Ana', ...values }),
});
const flowButton = (action: IDataObject) => ({ type: 'button', sub_type: 'flow', index: '0', parameters: [{ type: 'action', action }] });
const components = () => (sim.log()[0].body as { template: { components: unknown[] } }).template.components;

describe('Send Message: template flow buttons from the Template Fields', () => {
	test('a flow token and the first screen\'s data', async () => {
		const result = await send(sim, survey({ 'button:flow:0': 'session-77', 'button:flow_data:0': '{"order": "#4512", "rating": 5}' }));
		expect(result.error).toBeUndefined();
		expect(components()[1]).toEqual(flowButton({ flow_token: 'session-77', flow_action_data: { order: '#4512', rating: 5 } }));
	});

	test('data without a token (Meta uses "unused")', async () => {
		const result = await send(sim, survey({ 'button:flow:0': '', 'button:flow_data:0': '{"order": "#4512"}' }));
		expect(result.error).toBeUndefined();
		expect(components()[1]).toEqual(flowButton({ flow_action_data: { order: '#4512' } }));
	});

	test('neither: no button parameter is sent', async () => {
		const result = await send(sim, survey({ 'button:flow:0': '', 'button:flow_data:0': '' }));
		expect(result.error).toBeUndefined();
		expect(components()).toHaveLength(1);
	});
});

describe('Send Message: bad flow data fails before any call, naming the item and the field', () => {
	test.each([
		['data that is not JSON', '={{ $json.n === 2 ? "{oops" : "{}" }}', /^Item 2: "Template Fields" button 0 is not valid JSON/],
		['data that is a list', '={{ $json.n === 2 ? "[1, 2]" : "{}" }}', /^Item 2: "Template Fields" button 0 must be a JSON object/],
	])('%s', async (_name, data, message) => {
		const result = await send(sim, survey({ 'button:flow:0': 't', 'button:flow_data:0': data }), { inputItems: [{ json: { n: 1 } }, { json: { n: 2 } }] });
		expect(result.error?.message).toMatch(message);
		expect(messageCalls(sim)).toBe(0);
	});
});
