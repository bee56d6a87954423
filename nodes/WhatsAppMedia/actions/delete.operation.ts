import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { deleteMedia } from '../../shared/media';
import { readCredentials, runPerItem, toNodeError } from '../../shared/perItem';
import type { ItemJob } from '../../shared/perItem';
import { getMediaId, mediaIdField } from './mediaId';

export const description: INodeProperties[] = [
	mediaIdField('delete', 'ID of the uploaded media file to delete from Meta (it is also forgotten by the upload cache)'),
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const credentials = await readCredentials(this);
	const jobs: Array<ItemJob<{ mediaId: string; deleted: boolean }>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const mediaId = getMediaId(this, itemIndex);
			jobs.push({ itemIndex, run: async () => ({ mediaId, deleted: await deleteMedia(credentials, mediaId) }) });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, credentials, 'Media ID');
			if (!this.continueOnFail()) throw nodeError;
			jobs.push({ itemIndex, error: nodeError });
		}
	}
	return runPerItem(this, jobs, (result, itemIndex) => ({ json: result, pairedItem: { item: itemIndex } }), credentials);
}
