import type { IBinaryData, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { downloadMediaInto, extensionForMimeType } from '../../shared/media';
import type { StoredMedia } from '../../shared/media';
import type { WhatsAppCredentials } from '../../shared/transport/types';
import { readCredentials, runPerItem, toNodeError } from '../../shared/perItem';
import type { ItemJob } from '../../shared/perItem';
import { getMediaId, mediaIdField } from './mediaId';
import { fileNameOption, optionsCollection } from './options';

const show = { resource: ['media'], operation: ['download'] };

export const description: INodeProperties[] = [
	mediaIdField(
		'download',
		'ID of an uploaded media file or of media received by the WhatsApp Cloud Trigger (received media can be downloaded for 7 days)',
	),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show },
		hint: 'The name of the output binary field to put the file in',
	},
	optionsCollection(show, [
		fileNameOption(
			'Name of the downloaded file, e.g. the original name a document was sent with. Default: the media ID with an extension from the MIME type.',
			'e.g. {{ $json.document.filename }}',
		),
	]),
];

/** `invoice.pdf` stays; a bare name gets the extension of its MIME type; no name becomes `<media id>.<ext>`. */
export function downloadFileName(mediaId: string, mimeType: string, given?: string): string {
	const extension = extensionForMimeType(mimeType);
	const name = given?.trim().replace(/[/\\]/g, '_');
	if (name) return extension && !/\.[A-Za-z0-9]{1,5}$/.test(name) ? `${name}.${extension}` : name;
	return extension ? `${mediaId}.${extension}` : mediaId;
}

interface DownloadJob {
	media: StoredMedia<IBinaryData>;
	fileName: string;
	binaryPropertyName: string;
}

/** Stream the media into n8n's binary store (see downloadMediaInto): never the whole file in memory. */
async function download(context: IExecuteFunctions, credentials: WhatsAppCredentials, mediaId: string, binaryPropertyName: string, given?: string): Promise<DownloadJob> {
	const media = await downloadMediaInto(credentials, mediaId, (stream, info) =>
		context.helpers.prepareBinaryData(stream, downloadFileName(info.mediaId, info.mimeType, given), info.mimeType),
	);
	return { media, fileName: downloadFileName(media.mediaId, media.mimeType, given), binaryPropertyName };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const credentials = await readCredentials(this);
	const jobs: Array<ItemJob<DownloadJob>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const mediaId = getMediaId(this, itemIndex);
			const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim();
			const { fileName } = this.getNodeParameter('options', itemIndex, {}) as { fileName?: string };
			jobs.push({ itemIndex, run: () => download(this, credentials, mediaId, binaryPropertyName, fileName) });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, credentials, 'Media ID');
			if (!this.continueOnFail()) throw nodeError;
			jobs.push({ itemIndex, error: nodeError });
		}
	}
	return runPerItem(this, jobs, (result, itemIndex) => ({
		json: {
			mediaId: result.media.mediaId,
			mimeType: result.media.mimeType,
			fileSize: result.media.fileSize,
			sha256: result.media.sha256,
			fileName: result.fileName,
		},
		binary: { [result.binaryPropertyName]: result.media.stored },
		pairedItem: { item: itemIndex },
	}), credentials);
}
