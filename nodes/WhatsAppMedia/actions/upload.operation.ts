import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getPhoneNumberId, phoneNumberIdLocator } from '../../shared/descriptions';
import { MEDIA_KINDS, MediaValidationError, checkMedia, uploadMediaCached } from '../../shared/media';
import type { MediaKind, UploadedMedia } from '../../shared/media';
import { fieldError } from '../../shared/errors';
import { readCredentials, runPerItem, toNodeError } from '../../shared/perItem';
import type { ItemJob } from '../../shared/perItem';
import { fileNameOption, optionsCollection } from './options';

const show = { resource: ['media'], operation: ['upload'] };

export const description: INodeProperties[] = [
	{
		...phoneNumberIdLocator,
		displayName: 'Phone Number',
		description: 'The WhatsApp Business phone number that will send the media (a media ID works with the number it was uploaded for)',
		displayOptions: { show },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show },
		hint: 'The name of the input binary field containing the file to upload',
	},
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		default: 'auto',
		displayOptions: { show },
		options: [
			{ name: 'From MIME Type', value: 'auto', description: 'WebP becomes a sticker, PNG/JPEG an image, PDF a document…' },
			{ name: 'Audio', value: 'audio', description: 'AAC, AMR, MP3, M4A, OGG (Opus); up to 16 MB' },
			{ name: 'Document', value: 'document', description: 'TXT, PDF, Word, Excel, PowerPoint; up to 100 MB' },
			{ name: 'Image', value: 'image', description: 'JPEG or PNG; up to 5 MB' },
			{ name: 'Sticker', value: 'sticker', description: 'WebP; up to 100 KB static, 500 KB animated' },
			{ name: 'Video', value: 'video', description: 'MP4 or 3GPP; up to 16 MB' },
		],
		description: 'What WhatsApp will treat the file as. The MIME type and size are checked against Meta\'s limits before the upload.',
	},
	optionsCollection(show, [
		fileNameOption('Name sent with the upload. Default: the binary data\'s file name.'),
		{
			displayName: 'MIME Type',
			name: 'mimeType',
			type: 'string',
			default: '',
			placeholder: 'e.g. application/pdf',
			description: 'Overrides the MIME type of the binary data (when it is missing or wrong)',
		},
		{
			displayName: 'Reuse Earlier Upload',
			name: 'useCache',
			type: 'boolean',
			default: true,
			description:
				'Whether to reuse the media ID of an earlier upload of the same file from the same number (kept 29 days, shared with WhatsApp Send Message) instead of uploading again',
		},
	]),
];

/** Which UI field to name when a media check fails: the MIME Type option only when the user set it. */
function fieldLabel(field: string | undefined, mimeTypeOption: boolean): string | string[] {
	if (field === 'kind') return 'Media Type';
	if (field === 'mimeType' && mimeTypeOption) return ['Options', 'MIME Type'];
	return 'Input Binary Field';
}

interface UploadResult {
	uploaded: UploadedMedia;
	phoneNumberId: string;
	fileName?: string;
}

interface UploadOptions {
	fileName?: string;
	mimeType?: string;
	useCache?: boolean;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const credentials = await readCredentials(this);
	const node = this.getNode();
	// Read and check every item first, so a bad file stops the node before anything is uploaded.
	const jobs: Array<ItemJob<UploadResult>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let options: UploadOptions = {};
		try {
			const phoneNumberId = getPhoneNumberId(this, itemIndex);
			const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim();
			if (!items[itemIndex].binary?.[binaryPropertyName]) {
				const present = Object.keys(items[itemIndex].binary ?? {});
				throw fieldError(
					node,
					itemIndex,
					'Input Binary Field',
					`is "${binaryPropertyName}", but the item has no file there (${present.length ? `its files: ${present.join(', ')}` : 'it has no files'})`,
				);
			}
			const binary = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
			options = this.getNodeParameter('options', itemIndex, {}) as UploadOptions;
			const mediaTypeParam = this.getNodeParameter('mediaType', itemIndex, 'auto') as string;
			if (mediaTypeParam !== 'auto' && !MEDIA_KINDS.includes(mediaTypeParam as MediaKind)) {
				throw new MediaValidationError(
					`Media Type "${mediaTypeParam}" is not one of ${MEDIA_KINDS.join(', ')}`,
					'kind',
					undefined,
					`is "${mediaTypeParam}", which is not one of ${MEDIA_KINDS.join(', ')}`,
				);
			}
			const kind = mediaTypeParam === 'auto' ? undefined : (mediaTypeParam as MediaKind);
			const data = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
			const mimeType = options.mimeType?.trim() || binary.mimeType;
			const fileName = options.fileName?.trim() || binary.fileName || undefined;
			checkMedia({ data, mimeType, kind, fileName: fileName ?? binaryPropertyName });
			jobs.push({
				itemIndex,
				run: async () => ({
					uploaded: await uploadMediaCached({
						credentials,
						phoneNumberId,
						data,
						mimeType,
						fileName,
						kind,
						useCache: options.useCache !== false,
					}),
					phoneNumberId,
					fileName,
				}),
			});
		} catch (error) {
			const label = fieldLabel((error as { field?: string }).field, Boolean(options.mimeType?.trim()));
			const nodeError = toNodeError(node, error, itemIndex, credentials, label);
			if (!this.continueOnFail()) throw nodeError;
			jobs.push({ itemIndex, error: nodeError });
		}
	}
	return runPerItem(this, jobs, (result, itemIndex) => ({
		json: {
			mediaId: result.uploaded.mediaId,
			mediaType: result.uploaded.kind,
			mimeType: result.uploaded.mimeType,
			fileSize: result.uploaded.fileSize,
			sha256: result.uploaded.sha256,
			fromCache: result.uploaded.fromCache,
			phoneNumberId: result.phoneNumberId,
			...(result.fileName ? { fileName: result.fileName } : {}),
		},
		pairedItem: { item: itemIndex },
	}), credentials);
}
