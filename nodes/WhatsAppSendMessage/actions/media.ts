import type { IBinaryData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkMedia, type MediaKind } from '../../shared/media';
import { buildMedia, type MediaParams, type MediaSourceParams } from '../../shared/messages';
import { param, readEnvelope, show } from './common';
import type {
	BuildBody,
	GivenLink,
	LinkUploadOnce,
	MediaLinkUse,
	MediaSlot,
	MessageKindModule,
	PendingUpload,
	PreparedMessage,
	SlotMediaIds,
} from './types';

const MEDIA: MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

/** Where a header's image, video or document comes from (interactive and template headers). */
export const HEADER_MEDIA_SOURCES = [
	{ name: 'Binary File', value: 'binary', description: 'A file from a previous node, uploaded once and reused' },
	{ name: 'Link', value: 'link' },
	{ name: 'Media ID', value: 'id' },
];

/** Stands in for a pending upload's media ID in the check pass (digits, so the body validates); never sent. */
const CHECK_PASS_MEDIA_ID = '0';

const NO_MEDIA_IDS: SlotMediaIds = new Map();

/** The slot of a carousel card's header, by its card index. */
export const cardSlot = (cardIndex: number): MediaSlot => `card ${cardIndex}`;

/** A slot's media parameters as the item gave them, or sending `mediaId` in place of its link when one is given. */
export function inSlot<T extends MediaSourceParams>(given: T, mediaId: string | undefined): T {
	return mediaId === undefined ? given : { ...given, mediaId, link: undefined };
}

/** The media IDs of a read's check pass: a placeholder in the slot of each file still to be uploaded. */
export function checkPassIds(uploads: PendingUpload[] | undefined): SlotMediaIds {
	return uploads ? new Map(uploads.map((upload) => [upload.slot, CHECK_PASS_MEDIA_ID])) : NO_MEDIA_IDS;
}

/** A read item; `build` is kept only when a slot may still change (a file to upload, a link to upload once). */
export function prepared(
	body: PreparedMessage['body'],
	build: BuildBody,
	media: { uploads?: PendingUpload[]; mediaLinks?: MediaLinkUse[] },
): PreparedMessage {
	return media.uploads || media.mediaLinks ? { body, build, ...media } : { body };
}

/** "Upload Once and Send by ID", shown under each link it applies to (a media message's, a template or interactive header's). */
export function linkUploadOnceField(displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Upload Once and Send by ID',
		name: 'linkUploadOnce',
		type: 'options',
		options: [
			{ name: 'Always', value: 'always', description: 'Also for a single item: later executions reuse the media ID' },
			{ name: 'Never', value: 'never', description: 'Send the link; Meta downloads the file for each message' },
			{
				name: 'When Sent to Several Items',
				value: 'auto',
				description: 'When this execution sends the same link to more than one item',
			},
		],
		default: 'auto',
		description:
			"Whether n8n downloads the file once (from n8n's network, not Meta's), checks it against WhatsApp's type and size limits, uploads it once per sender number and sends every item by its media ID, as Meta recommends for broadcasts. The media ID is reused while the link's caching headers say the file is unchanged (up to 29 days). Private and local addresses are refused unless your n8n administrator allows them (N8N_SSRF_ALLOWED_IP_RANGES or N8N_SSRF_ALLOWED_HOSTNAMES).",
		displayOptions,
	};
}

export const description: INodeProperties[] = [
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description: 'A file from a previous node (uploaded once, then reused while its media ID is valid)',
			},
			{ name: 'Link', value: 'link', description: 'A public https:// URL Meta downloads the file from' },
			{ name: 'Media ID', value: 'id', description: 'The ID of media already uploaded to WhatsApp' },
		],
		default: 'link',
		displayOptions: show(...MEDIA),
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file',
		description:
			'Sizes: image (JPEG, PNG) 5 MB, video (MP4, 3GPP) 16 MB, audio (AAC, AMR, MP3, MP4, OGG) 16 MB, document 100 MB, sticker (WebP) 100 KB static / 500 KB animated',
		displayOptions: { show: { messageType: MEDIA, mediaSource: ['binary'] } },
	},
	{
		displayName: 'Link',
		name: 'mediaLink',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/brochure.pdf',
		description: 'A public URL of the file; Meta downloads it when sending',
		displayOptions: { show: { messageType: MEDIA, mediaSource: ['link'] } },
	},
	linkUploadOnceField({ show: { messageType: MEDIA, mediaSource: ['link'] } }),
	{
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1037543291543636',
		description: 'The ID returned when the media was uploaded (valid 30 days)',
		displayOptions: { show: { messageType: MEDIA, mediaSource: ['id'] } },
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'Text shown under the media, up to 1,024 characters',
		displayOptions: show('image', 'video', 'document'),
	},
	{
		displayName: 'File Name',
		name: 'filename',
		type: 'string',
		default: '',
		placeholder: 'e.g. invoice-2026-11.pdf',
		description: 'The file name the recipient sees. Empty: the binary file\'s own name (for a binary file).',
		displayOptions: show('document'),
	},
	{
		displayName: 'Send as Voice Note',
		name: 'voice',
		type: 'boolean',
		default: false,
		description: 'Whether to send the audio as a voice note (needs an OGG file with the Opus codec)',
		displayOptions: show('audio'),
	},
];

// Each execution's files by where n8n keeps them: 1,000 items of one 10 MB PDF are one 10 MB Buffer, not 10 GB.
const filesRead = new WeakMap<IExecuteFunctions, Map<string, Promise<Buffer>>>();

/** The bytes of an item's binary file, read once per execution for all the items that carry the same file. */
function readOnce(context: IExecuteFunctions, itemIndex: number, propertyName: string, binary: IBinaryData): Promise<Buffer> {
	const files = filesRead.get(context) ?? new Map<string, Promise<Buffer>>();
	filesRead.set(context, files);
	// Its id in n8n's binary store (`mode:…`, a colon no base64 has), or the base64 text kept in the item itself (as
	// is: a prefixed copy would build a string of the file's size per item).
	const key = binary.id ?? binary.data;
	let read = files.get(key);
	if (!read) {
		read = context.helpers.getBinaryDataBuffer(itemIndex, propertyName);
		files.set(key, read);
		// A failed read is the item's error, not every later item's.
		read.catch(() => files.delete(key));
	}
	return read;
}

/** Reads and checks a binary file of one item (size and MIME type for the kind) before any call. */
export async function readBinaryMedia(
	context: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	kind: MediaKind,
): Promise<Omit<PendingUpload, 'slot'>> {
	const binary = context.helpers.assertBinaryData(itemIndex, propertyName.trim());
	const data = await readOnce(context, itemIndex, propertyName.trim(), binary);
	const checked = checkMedia({ data, mimeType: binary.mimeType, kind, fileName: binary.fileName });
	return { data, mimeType: checked.mimeType, fileName: binary.fileName, kind };
}

/** The links the item may send by media ID, per its "Upload Once and Send by ID" (none when "Never"). */
export function readLinkUses(
	context: IExecuteFunctions,
	itemIndex: number,
	uses: GivenLink[],
): MediaLinkUse[] | undefined {
	const given = uses.filter((use): use is typeof use & { url: string } => typeof use.url === 'string' && use.url !== '');
	if (given.length === 0) return undefined;
	const uploadOnce = param<LinkUploadOnce>(context, 'linkUploadOnce', itemIndex, 'auto');
	return uploadOnce === 'never' ? undefined : given.map((use) => ({ ...use, uploadOnce }));
}

export async function read(context: IExecuteFunctions, itemIndex: number): Promise<PreparedMessage> {
	const kind = param<MediaKind>(context, 'messageType', itemIndex);
	const source = param<string>(context, 'mediaSource', itemIndex, 'link');
	const params: MediaParams = {
		...readEnvelope(context, itemIndex),
		kind,
		caption: kind === 'image' || kind === 'video' || kind === 'document' ? param(context, 'caption', itemIndex, '') : undefined,
		filename: kind === 'document' ? param<string>(context, 'filename', itemIndex, '') : undefined,
		voice: kind === 'audio' ? param(context, 'voice', itemIndex, false) : undefined,
	};
	const build: BuildBody = (mediaIds) => buildMedia(inSlot(params, mediaIds.get('media')));
	if (source === 'binary') {
		const file = await readBinaryMedia(context, itemIndex, param<string>(context, 'binaryPropertyName', itemIndex, 'data'), kind);
		if (kind === 'document' && !params.filename && file.fileName) params.filename = file.fileName;
		const uploads: PendingUpload[] = [{ ...file, slot: 'media' }];
		return prepared(build(checkPassIds(uploads)), build, { uploads });
	}
	if (source === 'link') params.link = param<string>(context, 'mediaLink', itemIndex, '');
	else if (source === 'id') params.mediaId = param(context, 'mediaId', itemIndex, '');
	const body = build(checkPassIds(undefined));
	return prepared(body, build, { mediaLinks: readLinkUses(context, itemIndex, [{ url: params.link, kind, field: 'Link', slot: 'media' }]) });
}

export const labels = {
	mediaId: 'Media ID',
	link: 'Link',
	caption: 'Caption',
	filename: 'File Name',
	voice: 'Send as Voice Note',
	linkUploadOnce: 'Upload Once and Send by ID',
	kind: 'Message Type',
	data: 'Input Binary Field',
	mimeType: 'Input Binary Field (MIME type)',
	fileSize: 'Input Binary Field (file size)',
};

export const module: MessageKindModule = { description, read, labels };
