/** The fields of the "Send and Wait for Reply" operation; the message itself is the chosen Message Type's. */
import type { INodeProperties } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

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
