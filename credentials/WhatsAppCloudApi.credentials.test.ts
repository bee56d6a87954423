import type { ICredentialType } from 'n8n-workflow';
import type { WhatsAppCredentials } from '../nodes/shared/transport/types';
import { GRAPH_API_VERSION_TABLE } from '../nodes/shared/transport/apiVersions';
import { WhatsAppCloudApi } from './WhatsAppCloudApi.credentials';

const credential: ICredentialType = new WhatsAppCloudApi();
const field = (name: string) => credential.properties.find((p) => p.name === name);

// Every key of the contract the nodes read; a compile error here means the credential and the contract drifted.
const CONTRACT_FIELDS: Array<keyof Required<WhatsAppCredentials>> = [
	'accessToken',
	'apiVersion',
	'baseUrl',
	'wabaId',
	'appId',
	'appSecret',
	'throughputTier',
	'customMessagesPerSecond',
	'countInboundMessages',
	'registeredNumbers',
	'hourlyCallBudget',
	'pairRateLimiting',
	'maxAttempts',
	'maxWaitSeconds',
	'retryAmbiguous',
	'redisUrl',
];

describe('WhatsApp Cloud Nodes API credential', () => {
	test('is named whatsAppCloudApi and shown as WhatsApp Cloud Nodes API, unlike n8n\'s "WhatsApp API" and "WhatsApp OAuth API"', () => {
		expect(credential.name).toBe('whatsAppCloudApi');
		expect(credential.displayName).toBe('WhatsApp Cloud Nodes API');
		// n8n names a new credential after its type without "API": ours must not read like theirs ("WhatsApp account").
		expect(credential.displayName.replace(/\s*API$/, '')).not.toMatch(/^WhatsApp( OAuth)?$/);
	});

	test('has a field for every key of WhatsAppCredentials and no other settings', () => {
		const names = credential.properties.filter((p) => p.type !== 'notice').map((p) => p.name);
		expect(names.sort()).toEqual([...CONTRACT_FIELDS].sort());
	});

	test('masks the token, the app secret and the Redis URL', () => {
		for (const name of ['accessToken', 'appSecret', 'redisUrl']) {
			expect(field(name)?.typeOptions?.password).toBe(true);
		}
	});

	test('offers Newest (the default) and then each version of the table with its end date', () => {
		const options = (field('apiVersion')?.options ?? []) as Array<{ name: string; value: string }>;
		expect(field('apiVersion')?.default).toBe('newest');
		expect(options.map((option) => option.value)).toEqual(['newest', ...GRAPH_API_VERSION_TABLE.map((entry) => entry.version)]);
		expect(options.map((option) => option.value)).toEqual(['newest', 'v26.0', 'v25.0', 'v24.0', 'v23.0', 'v22.0', 'v21.0']);
		expect(options[0].name).toBe('Newest (Recommended)');
		expect(options.find((option) => option.value === 'v21.0')?.name).toBe('v21.0 (Until 2027-01-21)');
		expect(options.find((option) => option.value === 'v26.0')?.name).toBe('v26.0');
	});

	test('defaults to Meta’s Graph base URL', () => {
		expect(field('baseUrl')?.default).toBe('https://graph.facebook.com');
	});

	test('defaults the limits to what Meta says: throughput, budget and numbers from Meta, pair pacing on, no ambiguous retries', () => {
		expect(field('throughputTier')?.default).toBe('automatic');
		expect(field('registeredNumbers')?.default).toBe(0);
		expect(field('hourlyCallBudget')?.default).toBe(0);
		expect(field('pairRateLimiting')?.default).toBe(true);
		// Meta counts inbound messages in the throughput: https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
		expect(field('countInboundMessages')?.default).toBe(true);
		expect(field('retryAmbiguous')?.default).toBe(false);
		expect(field('retryAmbiguous')?.description).toContain('twice');
	});

	test('offers the Automatic tier first, then the manual tiers that override it', () => {
		const options = (field('throughputTier')?.options ?? []) as Array<{ value: string }>;
		expect(options.map((option) => option.value)).toEqual(['automatic', 'standard', 'high', 'businessApp', 'custom']);
	});

	test('shows the custom messages per second only for the custom tier, capped at 1,000', () => {
		expect(field('customMessagesPerSecond')?.displayOptions?.show?.throughputTier).toEqual(['custom']);
		expect(field('customMessagesPerSecond')?.typeOptions?.maxValue).toBe(1000);
	});

	test('authenticates with a Bearer header built from the token', () => {
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
		});
	});

	test('leaves the test to the nodes (testedBy), so n8n runs the plain-words credential test', () => {
		// n8n prefers a credential's own `test` over a node's `testedBy` function: declaring one would hide ours.
		expect(credential.test).toBeUndefined();
	});
});
