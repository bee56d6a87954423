/**
 * Templates filled through the "Template Fields" resource mapper: the fields come from the template Meta holds, and
 * the values become header, body and button parameters the simulator accepts.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Simulator } from '../../../test/simulator';
import { messageCalls, send, withSimulator, templateFields as fields } from './helpers';

let sim: Simulator;

withSimulator((started) => (sim = started));

/** A resource mapper value as n8n saves it. */
const template = (name: string) => ({ __rl: true, mode: 'name', value: name });

describe('Send Message: templates filled from the template fields', () => {
	test('a positional template with header, body and URL button values', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('order_confirmation'),
			language: 'pt_BR',
			templateFields: fields({ 'body:2': '#4512', header: '#4512', 'body:1': 'Ana', 'body:3': 'R$ 25,90', 'body:4': 'segunda-feira', 'button:url:0': '4512' }),
		});
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toMatchObject({
			template: {
				name: 'order_confirmation',
				language: { code: 'pt_BR' },
				components: [
					{ type: 'header', parameters: [{ type: 'text', text: '#4512' }] },
					{ type: 'body', parameters: ['Ana', '#4512', 'R$ 25,90', 'segunda-feira'].map((text) => ({ type: 'text', text })) },
					{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '4512' }] },
				],
			},
		});
	});

	test('a named template with a named header gets every parameter name', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('greeting_header_named'),
			language: 'en_US',
			templateFields: fields({ header: 'Ana', 'body:club_name': 'Book Club', 'body:first_name': 'Ana' }),
		});
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toMatchObject({
			template: {
				components: [
					{ type: 'header', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'first_name' }] },
					{
						type: 'body',
						parameters: [
							{ type: 'text', text: 'Book Club', parameter_name: 'club_name' },
							{ type: 'text', text: 'Ana', parameter_name: 'first_name' },
						],
					},
				],
			},
		});
	});

	test('a copy-code button value becomes a coupon code', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('coupon_offer'),
			language: 'en_US',
			templateFields: fields({ 'body:1': 'SAVE20', 'body:2': '20%', 'button:copy_code:0': 'SAVE20' }),
		});
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toMatchObject({
			template: { components: [{ type: 'body' }, { type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE20' }] }] },
		});
	});

	test('quick-reply payloads are sent for the buttons given; an empty one sends nothing for its button', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('appointment_reminder'),
			language: 'en_US',
			templateFields: fields({ 'body:1': 'Dr. Lee', 'body:2': 'Feb 25', 'button:quick_reply:0': 'CONFIRM-42', 'button:quick_reply:1': '', 'button:quick_reply:2': 'CANCEL-42' }),
		});
		expect(result.error).toBeUndefined();
		const components = (sim.log()[0].body.template as { components: IDataObject[] }).components;
		expect(components.filter((component) => component.type === 'button')).toEqual([
			{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'CONFIRM-42' }] },
			{ type: 'button', sub_type: 'quick_reply', index: '2', parameters: [{ type: 'payload', payload: 'CANCEL-42' }] },
		]);
	});

	test('currency and date-time values given as JSON or as an object become typed parameters', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('order_confirmation'),
			language: 'en_US',
			templateFields: fields({
				header: '#4512',
				'body:1': 'Ana',
				'body:2': '#4512',
				'body:3': '{"currency": "USD", "amount": 25.9, "fallback": "$25.90"}',
				'body:4': '={{ { "dateTime": "Monday, May 4" } }}',
				'button:url:0': '4512',
			}),
		});
		expect(result.error).toBeUndefined();
		const components = (sim.log()[0].body.template as { components: IDataObject[] }).components;
		expect(components.find((component) => component.type === 'body')).toEqual({
			type: 'body',
			parameters: [
				{ type: 'text', text: 'Ana' },
				{ type: 'text', text: '#4512' },
				{ type: 'currency', currency: { fallback_value: '$25.90', code: 'USD', amount_1000: 25900 } },
				{ type: 'date_time', date_time: { fallback_value: 'Monday, May 4' } },
			],
		});
	});

	test('a currency value with a code that is not ISO 4217 fails naming the template variable, before any send', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('order_confirmation'),
			language: 'en_US',
			templateFields: fields({ header: '#1', 'body:1': 'Ana', 'body:2': '#1', 'body:3': '{"currency": "dollars", "amount": 1}', 'body:4': 'today', 'button:url:0': '1' }),
		});
		expect(result.error?.message).toMatch(/^Item 1: "Template Fields" \{\{3\}\} .*not a currency code/);
		expect(messageCalls(sim)).toBe(0);
	});

	test('a flow button takes its flow token from the template fields', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('survey_flow'),
			language: 'en_US',
			templateFields: fields({ 'body:1': 'Ana', 'button:flow:0': 'survey-42' }),
		});
		expect(result.error).toBeUndefined();
		expect(sim.log()[0].body).toMatchObject({
			template: { components: [{ type: 'body' }, { type: 'button', sub_type: 'flow', index: '0', parameters: [{ type: 'action', action: { flow_token: 'survey-42' } }] }] },
		});
	});

	test('an authentication template sends its one-time code on the button', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('verification_code'),
			language: 'en_US',
			templateFields: fields({ 'body:1': '482913', 'button:url:0': '482913' }),
		});
		expect(result.error).toBeUndefined();
		// Meta's send body: https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/copy-code-button-authentication-templates
		expect(sim.log()[0].body).toMatchObject({
			template: {
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: '482913' }] },
					{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
				],
			},
		});
	});

	test('an empty field fails naming the template variable, before any send', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('delivery_update'),
			language: 'en_US',
			templateFields: fields({ 'body:1': '#4512', 'body:2': '' }),
		});
		expect(result.error?.message).toMatch(/^Item 1: "Template Fields" \{\{2\}\} is required/);
		expect(messageCalls(sim)).toBe(0);
	});

	test('fields of another template are caught against the picked one, before any send', async () => {
		const result = await send(sim, {
			messageType: 'template',
			template: template('delivery_update'),
			language: 'en_US',
			templateFields: fields({ 'body:1': '#4512' }),
		});
		expect(result.error?.message).toMatch(/has 2 body variables .* but 1 value was given/);
		expect(messageCalls(sim)).toBe(0);
	});
});
