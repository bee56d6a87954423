import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId } from '../../../shared/descriptions';
import { runOperation } from '../common';
import { limitFields, readLimit, readList, type GraphPage } from '../listing';
import { phoneNumberField } from './users';

const show = { resource: ['blockedUser'], operation: ['list'] };

export const description: INodeProperties[] = [
	phoneNumberField('list', 'The business phone number whose blocklist to read'),
	...limitFields(show),
];

/** The reference lists `{messaging_product, wa_id}`; the guide nests `{block_users: [{input, wa_id}]}`. */
interface BlockedEntry {
	wa_id?: string;
	block_users?: Array<{ input?: string; wa_id?: string }>;
}

function waIdsOf(page: GraphPage): string[] {
	return ((page.data ?? []) as BlockedEntry[]).flatMap((entry) => (entry.block_users ? entry.block_users.map((user) => user.wa_id ?? user.input ?? '') : [entry.wa_id ?? ''])).filter(Boolean);
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const phoneNumberId = getPhoneNumberId(this, itemIndex);
		const limit = readLimit(this, itemIndex);
		return async (): Promise<IDataObject[]> => (await readList(credentials, `/${phoneNumberId}/block_users`, {}, limit, waIdsOf)).map((waId) => ({ phoneNumberId, waId }));
	});
}
