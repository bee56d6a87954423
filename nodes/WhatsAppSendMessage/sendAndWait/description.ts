/** The fields of the "Send and Wait for Reply" operation; the message itself is the chosen Message Type's. */
import type { INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

export const SEND_OPERATION = 'send';

/**
 * `operation` with the value n8n names SEND_AND_WAIT_OPERATION: n8n then checks the signature of the resume URL
 * (waiting-webhooks.ts, 1.x and 2.x) and, in 2.x, offers the node as a human-review tool of an AI Agent (hitl-tools.ts).
 */
export const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Send', value: SEND_OPERATION, description: 'Send the message and go on', action: 'Send a message' },
		{
			name: 'Send and Wait for Reply',
			value: SEND_AND_WAIT_OPERATION,
			description:
				'Send the message, then pause the workflow until the contact answers on WhatsApp (received by an active WhatsApp Cloud Trigger) or the wait limit passes',
			action: 'Send a message and wait for the reply',
		},
	],
	default: SEND_OPERATION,
};

const showWait = (extra: Record<string, string[]> = {}) => ({ show: { operation: [SEND_AND_WAIT_OPERATION], ...extra } });

export const sendAndWaitFields: INodeProperties[] = [
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Approval',
				value: 'approval',
				description: 'Your Message Text with Approve and Decline reply buttons; outputs approved: true or false',
			},
			{
				name: 'Choice',
				value: 'choice',
				description: "The message's own reply buttons, list rows or template quick replies; outputs the chosen ID and title",
			},
			{
				name: 'Free Text',
				value: 'freeText',
				description: "The contact's next message of any kind, as the WhatsApp Cloud Trigger outputs it",
			},
		],
		default: 'approval',
		displayOptions: showWait(),
	},
	{
		displayName:
			'The answer comes back through an active WhatsApp Cloud Trigger for this number (its production URL): the trigger resumes this workflow instead of starting its own',
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: showWait(),
	},
	{
		displayName: 'Approval Options',
		name: 'approvalOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: showWait({ responseType: ['approval'] }),
		options: [
			{
				displayName: 'Approve Label',
				name: 'approveLabel',
				type: 'string',
				default: '✓ Approve',
				description: 'The title of the approve button, up to 20 characters',
			},
			{
				displayName: 'Decline Label',
				name: 'declineLabel',
				type: 'string',
				default: '✗ Decline',
				description: 'The title of the decline button, up to 20 characters',
			},
		],
	},
	{
		displayName: 'Wait Limit',
		name: 'waitLimit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 24,
		description: 'How long to wait for the answer; then the node outputs an item with timedOut: true',
		displayOptions: showWait(),
	},
	{
		displayName: 'Wait Limit Unit',
		name: 'waitLimitUnit',
		type: 'options',
		options: [
			{ name: 'Seconds', value: 'seconds' },
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
		default: 'hours',
		displayOptions: showWait(),
	},
];
