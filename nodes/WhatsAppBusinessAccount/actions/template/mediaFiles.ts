/**
 * A template's media examples from binary files (Create): the template header's and each carousel card's example is
 * uploaded with Meta's Resumable Upload API and its handle put in `example.header_handle`, as the components page and
 * the media card carousel page ask ("Uploaded media asset handle. Use the Resumable Upload API to generate an asset
 * handle"). https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { WhatsAppCredentials } from '../../../shared/transport/types';
import { ManagementInputError } from '../errors';
import { appIdOf, uploadForHandle } from '../resumableUpload';
import type { TemplateComponent } from './definition';

/** Stands in for the handle while the definition is checked; replaced by Meta's before the create is sent. */
const PENDING_HANDLE = 'pending-upload';

/** The file types the Resumable Upload API takes, per header format (https://developers.facebook.com/docs/graph-api/guides/upload). */
const FILE_TYPES: Record<string, string[]> = {
	IMAGE: ['image/jpeg', 'image/jpg', 'image/png'],
	VIDEO: ['video/mp4'],
	DOCUMENT: ['application/pdf'],
};

/** Where one file goes: the template header, or a carousel card's header (counted from 1). */
export interface MediaFileEntry {
	card?: number;
	property: string;
	label: string[];
}

export interface PendingMediaFile {
	property: string;
	mimeType: string;
	fileName: string;
	example: NonNullable<TemplateComponent['example']>;
}

const createOnly = (extra: Record<string, string[]> = {}) => ({ show: { resource: ['template'], operation: ['create'], ...extra } });

/** The Fields mode's choice of a handle or a file for a media header, and the JSON mode's files per header or card. */
export const mediaFileFields: INodeProperties[] = [
	{
		displayName: 'Header Media From',
		name: 'headerMediaSource',
		type: 'options',
		default: 'handle',
		displayOptions: createOnly({ defineBy: ['fields'], headerFormat: ['IMAGE', 'VIDEO', 'DOCUMENT'] }),
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A file of the input item, uploaded to Meta for its handle' },
			{ name: 'Handle / Link', value: 'handle', description: 'A handle Meta gave for an uploaded example file' },
		],
	},
	{
		displayName: 'Header Input Binary Field',
		name: 'headerBinaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The input binary field holding the example file: JPEG or PNG image, MP4 video, PDF document',
		displayOptions: createOnly({ defineBy: ['fields'], headerFormat: ['IMAGE', 'VIDEO', 'DOCUMENT'], headerMediaSource: ['binary'] }),
	},
	{
		displayName: 'Media Files',
		name: 'mediaFiles',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add file',
		default: {},
		displayOptions: createOnly({ defineBy: ['json'] }),
		description:
			'Example files from the input item, uploaded to Meta for the handles: the header\'s, or a carousel card\'s (leave its header_handle out of the JSON)',
		options: [
			{
				displayName: 'File',
				name: 'file',
				values: [
					{
						displayName: 'For',
						name: 'part',
						type: 'options',
						default: 'card',
						options: [
							{ name: 'Carousel Card', value: 'card' },
							{ name: 'Template Header', value: 'header' },
						],
					},
					{ displayName: 'Card Number', name: 'card', type: 'number', typeOptions: { minValue: 1, maxValue: 10 }, default: 1, displayOptions: { show: { part: ['card'] } } },
					{ displayName: 'Input Binary Field', name: 'binaryPropertyName', type: 'string', default: 'data' },
				],
			},
		],
	},
];

/** The item's file entries: the Fields mode's header file, or the JSON mode's list. */
export function readMediaFileEntries(context: IExecuteFunctions, itemIndex: number, defineBy: string): MediaFileEntry[] {
	if (defineBy !== 'json') {
		const format = String(context.getNodeParameter('headerFormat', itemIndex, 'none'));
		if (!FILE_TYPES[format] || context.getNodeParameter('headerMediaSource', itemIndex, 'handle') !== 'binary') return [];
		return [{ property: String(context.getNodeParameter('headerBinaryPropertyName', itemIndex, 'data')), label: ['Header Input Binary Field'] }];
	}
	const files = (context.getNodeParameter('mediaFiles', itemIndex, {}) as { file?: Array<{ part?: string; card?: number; binaryPropertyName?: string }> }).file ?? [];
	return files.map((file, index) => ({
		card: file.part === 'header' ? undefined : Number(file.card ?? 1),
		property: String(file.binaryPropertyName ?? ''),
		label: ['Media Files', `File #${index + 1}`, 'Input Binary Field'],
	}));
}

const upper = (value: unknown) => String(value ?? '').toUpperCase();

/** The header component a file is for: the template's, or card n's. */
function headerFor(components: TemplateComponent[], entry: MediaFileEntry): TemplateComponent {
	if (entry.card === undefined) {
		const header = components.find((component) => upper(component.type) === 'HEADER');
		if (!header) throw new ManagementInputError(entry.label, 'is a file for the template header, but the template has none');
		return header;
	}
	const cards = (components.find((component) => upper(component.type) === 'CAROUSEL')?.cards ?? []) as Array<{ components?: TemplateComponent[] }>;
	const header = cards[entry.card - 1]?.components?.find((component) => upper(component.type) === 'HEADER');
	if (!header) throw new ManagementInputError(entry.label, `is a file for card ${entry.card}, but the template has ${cards.length ? `${cards.length} cards` : 'no carousel'}${cards.length >= entry.card ? ' and that card no header' : ''}`);
	return header;
}

/**
 * Checks each file (present, of a type its header's format takes, not given a handle too) and holds its header's
 * example for the handle; the definition is then checked with a stand-in handle. No call is made here.
 */
export function placeMediaFiles(context: IExecuteFunctions, itemIndex: number, components: TemplateComponent[], entries: MediaFileEntry[]): PendingMediaFile[] {
	const seen = new Set<TemplateComponent>();
	return entries.map((entry) => {
		const property = entry.property.trim();
		if (property === '') throw new ManagementInputError(entry.label, 'is empty: name the input binary field holding the file', 'e.g. data');
		const header = headerFor(components, entry);
		if (seen.has(header)) throw new ManagementInputError(entry.label, `gives a second file for the same ${entry.card === undefined ? 'header' : `card (${entry.card})`}`);
		seen.add(header);
		const format = upper(header.format);
		const types = FILE_TYPES[format];
		if (!types || (entry.card !== undefined && format === 'DOCUMENT')) {
			throw new ManagementInputError(entry.label, `is a file for a ${format.toLowerCase() || 'format-less'} header, which takes no example file`);
		}
		const given = header.example?.header_handle?.[0];
		if (typeof given === 'string' && given.trim() !== '') {
			throw new ManagementInputError(entry.label, `is set, and the ${entry.card === undefined ? 'header' : `card ${entry.card} header`} has a header_handle too: give its example one way`);
		}
		const binary = context.helpers.assertBinaryData(itemIndex, property);
		const mimeType = String(binary.mimeType ?? '').toLowerCase().split(';')[0].trim();
		if (!types.includes(mimeType)) {
			throw new ManagementInputError(entry.label, `holds a file of type "${mimeType || 'unknown'}": a ${format.toLowerCase()} header's example is ${types.join(' or ')}`);
		}
		header.example = { ...header.example, header_handle: [PENDING_HANDLE] };
		return { property, mimeType, fileName: binary.fileName ?? `example.${mimeType.split('/')[1]}`, example: header.example };
	});
}

/** The credential's App ID when there are files to upload (checked before any call). */
export function uploadAppId(credentials: WhatsAppCredentials, pending: PendingMediaFile[]): string | undefined {
	return pending.length ? appIdOf(credentials) : undefined;
}

/** Uploads each file and puts Meta's handle in its header's example. */
export async function uploadMediaFiles(context: IExecuteFunctions, itemIndex: number, credentials: WhatsAppCredentials, appId: string | undefined, pending: PendingMediaFile[]): Promise<void> {
	for (const file of pending) {
		const data = await context.helpers.getBinaryDataBuffer(itemIndex, file.property);
		file.example.header_handle = [await uploadForHandle(credentials, appId!, { data, mimeType: file.mimeType, fileName: file.fileName })];
	}
}
