import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getMediaInfo } from '../../shared/media';
import type { MediaInfo } from '../../shared/media';
import { readCredentials, runPerItem, toNodeError } from '../../shared/perItem';
import type { ItemJob } from '../../shared/perItem';
import { getMediaId, mediaIdField } from './mediaId';

export const description: INodeProperties[] = [
	{
		...mediaIdField('getUrl', 'ID of an uploaded media file or of media received by the WhatsApp Cloud Trigger'),
		hint: 'The URL expires after 5 minutes and needs the access token: to get the file itself, use the Download operation',
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const credentials = await readCredentials(this);
	const jobs: Array<ItemJob<MediaInfo>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const mediaId = getMediaId(this, itemIndex);
			jobs.push({ itemIndex, run: async () => getMediaInfo(credentials, mediaId) });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, credentials, 'Media ID');
			if (!this.continueOnFail()) throw nodeError;
			jobs.push({ itemIndex, error: nodeError });
		}
	}
	return runPerItem(this, jobs, (info, itemIndex) => ({
		json: {
			mediaId: info.mediaId,
			url: info.url,
			mimeType: info.mimeType,
			sha256: info.sha256 ?? null,
			fileSize: info.fileSize ?? null,
			urlExpiresAt: new Date(Date.now() + 5 * 60 * 1000).toISOString(),
		},
		pairedItem: { item: itemIndex },
	}), credentials);
}
