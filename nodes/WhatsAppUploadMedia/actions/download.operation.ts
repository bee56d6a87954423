import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { downloadMedia, extensionForMimeType, sha256Hex } from '../../shared/media';
import type { DownloadedMedia } from '../../shared/media';
import { readCredentials, runPerItem, toNodeError } from '../helpers';
import type { ItemJob } from '../helpers';
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
	media: DownloadedMedia;
	binaryPropertyName: string;
	fileName?: string;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const credentials = await readCredentials(this);
	const jobs: Array<ItemJob<DownloadJob>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const mediaId = getMediaId(this, itemIndex);
			const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim();
			const { fileName } = this.getNodeParameter('options', itemIndex, {}) as { fileName?: string };
			jobs.push({
				itemIndex,
				run: async () => {
					const media = await downloadMedia(credentials, mediaId);
					const actual = sha256Hex(media.data);
					// Meta gives the hex SHA-256 of the file: a mismatch means a truncated or altered download.
					if (media.sha256 && /^[0-9a-f]{64}$/i.test(media.sha256) && media.sha256.toLowerCase() !== actual) {
						throw new Error(
							`The downloaded file does not match Meta's SHA-256 (expected ${media.sha256}, got ${actual}); download it again`,
						);
					}
					return { media: { ...media, sha256: actual }, binaryPropertyName, fileName };
				},
			});
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, 'Media ID', credentials);
			if (!this.continueOnFail()) throw nodeError;
			jobs.push({ itemIndex, error: nodeError });
		}
	}
	return runPerItem(this, jobs, async (result, itemIndex) => {
		const fileName = downloadFileName(result.media.mediaId, result.media.mimeType, result.fileName);
		return {
			json: {
				mediaId: result.media.mediaId,
				mimeType: result.media.mimeType,
				fileSize: result.media.data.length,
				sha256: result.media.sha256 ?? null,
				fileName,
			},
			binary: {
				[result.binaryPropertyName]: await this.helpers.prepareBinaryData(result.media.data, fileName, result.media.mimeType),
			},
			pairedItem: { item: itemIndex },
		};
	}, credentials);
}
