import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { cachedWabaPhoneNumbers, getPhoneNumberId, phoneNumberIdLocator } from '../../shared/descriptions';
import { apiMajorVersion, messagingLimitField, tierValue } from '../../shared/descriptions/messagingLimit';
import { scheduleGraphCall } from '../../shared/limiter';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import type { PhoneNumberHealth } from '../types';
import { requireWabaId } from './common';
import type { MetricsRows, OperationContext } from './common';

const show = { operation: ['phoneNumberHealth'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Phone Numbers',
		name: 'healthScope',
		type: 'options',
		default: 'all',
		displayOptions: { show },
		options: [
			{ name: 'All Numbers of the Account', value: 'all' },
			{ name: 'One Number', value: 'one' },
		],
	},
	{
		...phoneNumberIdLocator,
		displayName: 'Phone Number',
		description: 'The WhatsApp Business phone number to check',
		displayOptions: { show: { ...show, healthScope: ['one'] } },
	},
	{
		displayName: 'Options',
		name: 'healthOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Output Raw Response Instead',
				name: 'rawResponse',
				type: 'boolean',
				default: false,
				description:
					'Whether to replace the flat item of each number by Meta\'s answer for it as it came. Unlike Send Message\'s "Include Raw Response", nothing else is output.',
			},
		],
	},
];

// The version's messaging-limit field is Send Message's too (its messaging limit check): one place for it.
export { apiMajorVersion, messagingLimitField };

export function healthFields(apiVersion: string | undefined): string {
	return [
		'id',
		'display_phone_number',
		'verified_name',
		'quality_rating',
		'throughput',
		'status',
		'name_status',
		'code_verification_status',
		'platform_type',
		messagingLimitField(apiVersion),
	].join(',');
}

/** One flat row per number. */
export function flattenPhoneNumberHealth(number: PhoneNumberHealth): IDataObject {
	return {
		phoneNumberId: String(number.id),
		displayPhoneNumber: number.display_phone_number ?? null,
		verifiedName: number.verified_name ?? null,
		qualityRating: number.quality_rating ?? null,
		throughputLevel: number.throughput?.level ?? null,
		messagingLimitTier: tierValue(number.whatsapp_business_manager_messaging_limit) ?? number.messaging_limit_tier ?? null,
		nameStatus: number.name_status ?? null,
		status: number.status ?? null,
		codeVerificationStatus: number.code_verification_status ?? null,
		platformType: number.platform_type ?? null,
	};
}

async function getHealth(credentials: WhatsAppCredentials, phoneNumberId: string): Promise<PhoneNumberHealth> {
	const response = await scheduleGraphCall<PhoneNumberHealth>({
		credentials,
		family: 'management',
		request: { method: 'GET', path: `/${phoneNumberId}`, query: { fields: healthFields(credentials.apiVersion) } },
	});
	return { ...response.data, id: String(response.data?.id ?? phoneNumberId) };
}

export async function run(op: OperationContext): Promise<MetricsRows> {
	const { context, itemIndex, credentials } = op;
	const scope = context.getNodeParameter('healthScope', itemIndex, 'all') as string;
	const { rawResponse } = context.getNodeParameter('healthOptions', itemIndex, {}) as { rawResponse?: boolean };
	let ids: string[];
	if (scope === 'one') {
		ids = [getPhoneNumberId(context, itemIndex)];
	} else {
		// The WABA's numbers change rarely: kept a few minutes (each number's health below is read every time).
		ids = (await cachedWabaPhoneNumbers(credentials, requireWabaId(credentials))).map((number) => number.id);
	}
	// The list has no throughput or limit fields: ask each number (the gate paces these calls).
	const numbers = await Promise.all(ids.map(async (id) => getHealth(credentials, id)));
	if (rawResponse) return numbers as unknown as MetricsRows;
	return numbers.map(flattenPhoneNumberHealth);
}
