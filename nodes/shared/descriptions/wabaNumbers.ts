/**
 * The WABA's phone numbers, kept a few minutes in the management cache (Meta allows 200, or 5,000, management calls per
 * WABA an hour): what a sender pool is checked against and named from, and what the pool's picker lists.
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { sharedEntriesFor } from '../limiter';
import { collectPages } from '../paging';
import type { WhatsAppCredentials } from '../transport/types';
import type { WabaPhoneNumber, WabaPhoneNumberList } from './graphTypes';
import { getManagementCache, managementCacheKey } from './managementCache';
import { credentialsWithWaba } from './methods';

const FIELDS = 'id,display_phone_number,verified_name,quality_rating';

function listKey(credentials: WhatsAppCredentials): string {
	return managementCacheKey(credentials, 'phone_numbers', FIELDS);
}

/** Every page of `GET /{waba-id}/phone_numbers`, through the gate's management family. */
function readWabaPhoneNumbers(credentials: WhatsAppCredentials, wabaId: string): () => Promise<WabaPhoneNumber[]> {
	const request = (after?: string) => ({ method: 'GET' as const, path: `/${wabaId}/phone_numbers`, query: { fields: FIELDS, limit: 100, after } });
	return async () =>
		(await collectPages<WabaPhoneNumberList>({ credentials, request: request(), pageOf: (body) => body as WabaPhoneNumberList, requestAfter: request }))
			.flatMap((page) => page.data ?? [])
			.map((number) => ({ ...number, id: String(number.id) }));
}

/** The WABA's numbers as kept (one read every few minutes, shared through the gate's Redis); the credential names the WABA. */
export async function cachedWabaPhoneNumbers(credentials: WhatsAppCredentials, wabaId: string): Promise<WabaPhoneNumber[]> {
	return getManagementCache().read(listKey(credentials), readWabaPhoneNumbers(credentials, wabaId), await sharedEntriesFor(credentials));
}

/** loadOptions: the WABA's numbers read afresh ("+1 555-0100 · Acme Support", value = phone number ID), refilling the kept list. */
export async function getWabaPhoneNumbers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const credentials = await credentialsWithWaba(this);
	const numbers = await getManagementCache().refresh(listKey(credentials), readWabaPhoneNumbers(credentials, credentials.wabaId), await sharedEntriesFor(credentials));
	return numbers.map((number) => ({
		name: [number.display_phone_number ?? number.id, number.verified_name].filter(Boolean).join(' · '),
		value: number.id,
		description: number.quality_rating ? `Quality: ${number.quality_rating}` : undefined,
	}));
}
