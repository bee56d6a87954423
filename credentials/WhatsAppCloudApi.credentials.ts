import type { IAuthenticateGeneric, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { apiVersionOptions, NEWEST_API_VERSION } from '../nodes/shared/transport/apiVersions';

/**
 * One credential for every WhatsApp node: who we are at Meta (token, account, app) and the limits the shared gate
 * applies to every call made with it. The credential test is a node method (`testedBy: 'whatsAppCloudApiTest'`),
 * because n8n ignores a node's test function when the credential declares its own `test`, and only the function
 * can tell "expired" from "invalid" from "no access to this account".
 */
export class WhatsAppCloudApi implements ICredentialType {
	name = 'whatsAppCloudApi';

	// Not "WhatsApp Cloud API": in n8n's picker it was taken for n8n's own "WhatsApp API" / "WhatsApp OAuth API".
	displayName = 'WhatsApp Cloud Nodes API';

	icon: Icon = { light: 'file:../icons/whatsapp.svg', dark: 'file:../icons/whatsapp.dark.svg' };

	documentationUrl = 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A permanent token of a system user in Meta Business Settings, with the whatsapp_business_messaging and whatsapp_business_management permissions',
		},
		{
			displayName: 'WhatsApp Business Account ID',
			name: 'wabaId',
			type: 'string',
			default: '',
			placeholder: '102290129340398',
			description:
				'Shown in WhatsApp Manager and on the API Setup page of your Meta app. Needed for templates, metrics, phone-number lists and the connection test.',
		},
		{
			displayName: 'Graph API Version',
			name: 'apiVersion',
			type: 'options',
			options: apiVersionOptions(),
			default: NEWEST_API_VERSION,
			description:
				'The Graph API version to call. Meta ends each version about two years after its release; the nodes warn 90 days before. Keep Newest unless your Meta app is pinned to an older one.',
		},
		{
			displayName: 'Meta App ID',
			name: 'appId',
			type: 'string',
			default: '',
			description: 'The ID of your Meta app. Needed by the WhatsApp Cloud Trigger to subscribe to webhooks.',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'For webhooks: the trigger checks every incoming event was signed by Meta with this secret (App settings → Basic)',
		},
		{
			displayName: 'Graph Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			description:
				'Every call goes to this address with the Access Token (and the App ID and App Secret for webhook subscriptions): whoever runs that host receives them. Leave as is to talk to Meta. Change it only to your own API gateway (https://) or the local Cloud API simulator: plain http:// is allowed only to this machine (e.g. http://127.0.0.1:4100).',
		},
		{
			displayName:
				'Speed limits and retries: the defaults match a standard Meta account. Every workflow using this credential shares them.',
			name: 'limitsNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Throughput Tier',
			name: 'throughputTier',
			type: 'options',
			options: [
				{
					name: 'Automatic (Read From Meta)',
					value: 'automatic',
					description:
						'Ask Meta each number’s throughput about once an hour and pace at it: 80, or 1,000 after Meta upgraded the number, 20 for a number shared with the WhatsApp Business app',
				},
				{
					name: 'Standard (80 Messages per Second)',
					value: 'standard',
					description: 'The default for a number using the Cloud API',
				},
				{
					name: 'High (1,000 Messages per Second)',
					value: 'high',
					description: 'After Meta upgraded the number (WhatsApp Manager shows the throughput)',
				},
				{
					name: 'Shared with WhatsApp Business App (20 Messages per Second)',
					value: 'businessApp',
					description: 'A number also used in the WhatsApp Business app on a phone',
				},
				{
					name: 'Custom',
					value: 'custom',
					description: 'Set your own messages per second, e.g. to leave room for another system sending from the same number',
				},
			],
			default: 'automatic',
			description:
				'How many messages per second each phone number may send; the nodes never go faster than this. A tier other than Automatic overrides what Meta says.',
		},
		{
			displayName: 'Messages per Second',
			name: 'customMessagesPerSecond',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 1000 },
			default: 80,
			displayOptions: { show: { throughputTier: ['custom'] } },
			description: 'Messages per second for each phone number (1 to 1,000)',
		},
		{
			// Meta: "Throughput is inclusive of inbound and outbound messages and all message types"
			// (https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput).
			displayName: 'Count Received Messages in Throughput',
			name: 'countInboundMessages',
			type: 'boolean',
			default: true,
			description:
				'Whether messages your customers send to a number (as the WhatsApp Cloud Trigger receives them) take a place in that number’s messages per second, as Meta counts them, so sends leave room for them. Turn off only if your number shows no such effect.',
		},
		{
			displayName: 'Registered Phone Numbers',
			name: 'registeredNumbers',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'How many phone numbers are registered in this WhatsApp Business Account. 0 = find out from Meta automatically. Used for the hourly call budget.',
		},
		{
			displayName: 'Hourly Call Budget',
			name: 'hourlyCallBudget',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Most Graph calls allowed per rolling hour for this account (sends, media, metrics, templates). 0 = Meta’s default of 1,800,000 × registered numbers.',
		},
		{
			displayName: 'Pace Messages to the Same Person',
			name: 'pairRateLimiting',
			type: 'boolean',
			default: true,
			description:
				'Whether to space out messages to one recipient (WhatsApp allows a short burst, then about one every 6 seconds) instead of letting Meta reject them',
		},
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 20 },
			default: 5,
			description:
				'How many times one call is tried in total when Meta is busy or briefly unavailable (1 = never retry)',
		},
		{
			displayName: 'Max Total Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 300,
			description:
				'Longest time one call may wait in the queue and between retries before it fails with an error',
		},
		{
			displayName: 'Retry Ambiguous Failures',
			name: 'retryAmbiguous',
			type: 'boolean',
			default: false,
			description:
				'Whether to retry a call whose connection broke after it was sent. Warning: Meta may already have sent that message, so turning this on can deliver the same message twice.',
		},
		// A Redis URL usually carries the Redis password (redis://user:password@host), so it is masked.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Redis URL',
			name: 'redisUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'redis://user:password@redis-host:6379',
			description:
				'Optional. Lets several n8n processes share the limits above. In queue mode the n8n Redis (or Redis Cluster) is used when empty; without Redis each process keeps its own limits. For a Redis Cluster: redis+cluster://user:password@host1:6379,host2:6379 (rediss+cluster:// for TLS).',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};
}
