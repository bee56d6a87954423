import Bottleneck from 'bottleneck';
import { createHash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import type { IBinaryData, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { extensionForMimeType, streamMedia } from '../../shared/media';
import type { MediaInfo } from '../../shared/media';
import type { WhatsAppCredentials } from '../../shared/transport/types';
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
	media: MediaInfo;
	/** What was stored: its size and SHA-256 as counted while it streamed. */
	fileSize: number;
	sha256: string;
	fileName: string;
	binaryPropertyName: string;
	binary: IBinaryData;
}

/** At most this many downloads stream at once in the process: each holds a socket and its buffers until stored. */
export const MAX_CONCURRENT_DOWNLOADS = 4;

// One limiter for every copy of the module (n8n may load the package twice), like the gate's registry.
const DOWNLOADS_KEY = Symbol.for('n8n-nodes-whatsapp-cloud.downloads');
type GlobalWithDownloads = typeof globalThis & { [DOWNLOADS_KEY]?: Bottleneck };

function downloads(): Bottleneck {
	const store = globalThis as GlobalWithDownloads;
	store[DOWNLOADS_KEY] ??= new Bottleneck({ maxConcurrent: MAX_CONCURRENT_DOWNLOADS });
	return store[DOWNLOADS_KEY];
}

/** Stream the media into n8n's binary store (never all of it in memory), checking Meta's SHA-256 on the way. */
async function download(context: IExecuteFunctions, credentials: WhatsAppCredentials, mediaId: string, binaryPropertyName: string, given?: string): Promise<DownloadJob> {
	const { stream, ...media } = await streamMedia(credentials, mediaId);
	const hash = createHash('sha256');
	let fileSize = 0;
	const hashing = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			hash.update(chunk);
			fileSize += chunk.length;
			callback(null, chunk);
		},
	});
	const fileName = downloadFileName(media.mediaId, media.mimeType, given);
	const binary = await context.helpers.prepareBinaryData(pipeline(stream, hashing, () => undefined), fileName, media.mimeType);
	const sha256 = hash.digest('hex');
	// Meta gives the hex SHA-256 of the file: a mismatch means a truncated or altered download.
	if (media.sha256 && /^[0-9a-f]{64}$/i.test(media.sha256) && media.sha256.toLowerCase() !== sha256) {
		throw new Error(`The downloaded file does not match Meta's SHA-256 (expected ${media.sha256}, got ${sha256}); download it again`);
	}
	return { media, fileSize, sha256, fileName, binaryPropertyName, binary };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const credentials = await readCredentials(this);
	const jobs: Array<ItemJob<DownloadJob>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const mediaId = getMediaId(this, itemIndex);
			const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim();
			const { fileName } = this.getNodeParameter('options', itemIndex, {}) as { fileName?: string };
			jobs.push({ itemIndex, run: () => downloads().schedule(() => download(this, credentials, mediaId, binaryPropertyName, fileName)) });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex, 'Media ID', credentials);
			if (!this.continueOnFail()) throw nodeError;
			jobs.push({ itemIndex, error: nodeError });
		}
	}
	return runPerItem(this, jobs, (result, itemIndex) => ({
		json: {
			mediaId: result.media.mediaId,
			mimeType: result.media.mimeType,
			fileSize: result.fileSize,
			sha256: result.sha256,
			fileName: result.fileName,
		},
		binary: { [result.binaryPropertyName]: result.binary },
		pairedItem: { item: itemIndex },
	}), credentials);
}
