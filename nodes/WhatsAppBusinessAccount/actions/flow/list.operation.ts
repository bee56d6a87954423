import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runOperation, wabaIdOf } from '../common';
import { limitFields, readLimit, readList } from '../listing';

const show = { resource: ['flow'], operation: ['list'] };

export const description: INodeProperties[] = limitFields(show);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	return runOperation(this, items, (itemIndex, credentials) => {
		const wabaId = wabaIdOf(credentials);
		const limit = readLimit(this, itemIndex);
		return async (): Promise<IDataObject[]> => await readList(credentials, `/${wabaId}/flows`, {}, limit);
	});
}
