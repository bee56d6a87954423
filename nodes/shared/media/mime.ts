/**
 * Meta's MIME and size table for WhatsApp media (CLOUD_API.md, Media), and the checks made before an upload.
 * Pure: no network, no n8n.
 */
import { FieldError } from '../fieldError';
import type { MediaKind } from './types';

const KB = 1024;
const MB = 1024 * 1024;

interface KindRule {
	mimeTypes: readonly string[];
	maxBytes: number;
	/** Stickers: animated WebP may be larger. */
	maxBytesAnimated?: number;
}

export const MEDIA_RULES: Readonly<Record<MediaKind, KindRule>> = {
	audio: {
		mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
		maxBytes: 16 * MB,
	},
	document: {
		mimeTypes: [
			'text/plain',
			'application/pdf',
			'application/msword',
			'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
			'application/vnd.ms-excel',
			'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'application/vnd.ms-powerpoint',
			'application/vnd.openxmlformats-officedocument.presentationml.presentation',
		],
		maxBytes: 100 * MB,
	},
	image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
	sticker: { mimeTypes: ['image/webp'], maxBytes: 100 * KB, maxBytesAnimated: 500 * KB },
	video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
};

export const MEDIA_KINDS: readonly MediaKind[] = ['audio', 'document', 'image', 'sticker', 'video'];

/** File extensions for downloads, by MIME type. */
const EXTENSIONS: Readonly<Record<string, string>> = {
	'audio/aac': 'aac',
	'audio/amr': 'amr',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'audio/ogg': 'ogg',
	'text/plain': 'txt',
	'application/pdf': 'pdf',
	'application/msword': 'doc',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
	'application/vnd.ms-excel': 'xls',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
	'application/vnd.ms-powerpoint': 'ppt',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'video/mp4': 'mp4',
	'video/3gpp': '3gp',
};

/** MIME types by file extension, for files whose MIME type is missing or generic. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
	...Object.fromEntries(Object.entries(EXTENSIONS).map(([mimeType, extension]) => [extension, mimeType])),
	jpeg: 'image/jpeg',
	jpe: 'image/jpeg',
	opus: 'audio/ogg',
	oga: 'audio/ogg',
	mp4: 'video/mp4',
	'3gpp': 'video/3gpp',
};

/** `invoice.PDF` → `application/pdf`; undefined when the extension is not one WhatsApp takes. */
export function mimeTypeFromFileName(fileName: string | undefined): string | undefined {
	const extension = /\.([A-Za-z0-9]{1,5})$/.exec(fileName ?? '')?.[1]?.toLowerCase();
	return extension ? MIME_BY_EXTENSION[extension] : undefined;
}

/** Common spellings that mean a MIME type Meta accepts. */
const ALIASES: Readonly<Record<string, string>> = {
	'image/jpg': 'image/jpeg',
	'image/pjpeg': 'image/jpeg',
	'audio/mp3': 'audio/mpeg',
	'audio/x-m4a': 'audio/mp4',
	'audio/opus': 'audio/ogg',
	'video/3gp': 'video/3gpp',
};

/** `Audio/OGG; codecs=opus` → `audio/ogg` (Meta compares the bare type). */
export function normalizeMimeType(mimeType: string): string {
	const bare = mimeType.split(';')[0].trim().toLowerCase();
	return ALIASES[bare] ?? bare;
}

/** The media kind for a MIME type; `image/webp` is a sticker (WhatsApp sends WebP only as stickers). */
export function kindFromMimeType(mimeType: string): MediaKind | undefined {
	const bare = normalizeMimeType(mimeType);
	return MEDIA_KINDS.find((kind) => MEDIA_RULES[kind].mimeTypes.includes(bare));
}

export function extensionForMimeType(mimeType: string): string | undefined {
	return EXTENSIONS[normalizeMimeType(mimeType)];
}

/** True when the bytes are an animated WebP (VP8X header with the animation flag, or an ANIM chunk). */
export function isAnimatedWebp(data: Buffer): boolean {
	if (data.length < 21 || data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WEBP') {
		return false;
	}
	if (data.toString('ascii', 12, 16) === 'VP8X' && (data[20] & 0x02) !== 0) return true;
	return data.indexOf('ANIM', 12, 'ascii') !== -1;
}

export function formatBytes(bytes: number): string {
	if (bytes >= MB) return `${+(bytes / MB).toFixed(2)} MB`;
	if (bytes >= KB) return `${+(bytes / KB).toFixed(1)} KB`;
	return `${bytes} bytes`;
}

/**
 * A media check that failed; `field` names what the user should fix. The node adds the item index and the field's
 * display name, followed by `problem` (worded to follow the field's name; the message when not given).
 */
export class MediaValidationError extends FieldError {
	declare readonly field: 'mimeType' | 'fileSize' | 'kind' | 'data';

	constructor(message: string, field: 'mimeType' | 'fileSize' | 'kind' | 'data', description?: string, problem?: string) {
		super(field, problem ?? `is not usable: ${message}`, description, message);
	}
}

export interface MediaCheck {
	data: Buffer;
	mimeType: string;
	/** Omit to derive it from the MIME type. */
	kind?: MediaKind;
	/** For messages: the name of the file or binary property, to make the error findable. */
	fileName?: string;
}

export interface CheckedMedia {
	kind: MediaKind;
	/** Normalized MIME type sent to Meta. */
	mimeType: string;
	fileSize: number;
	/** Limit that applied, in bytes. */
	maxBytes: number;
	animated: boolean;
}

/** Check MIME type and size against Meta's table; throws `MediaValidationError` before any call to Meta. */
export function checkMedia({ data, mimeType, kind, fileName }: MediaCheck): CheckedMedia {
	const what = fileName ? `"${fileName}"` : 'the file';
	const named = fileName ? ` ("${fileName}")` : '';
	if (!data || data.length === 0) {
		throw new MediaValidationError(`The file ${what} is empty`, 'data', 'WhatsApp needs at least one byte.', `holds an empty file${named}`);
	}
	let bare = normalizeMimeType(mimeType ?? '');
	// n8n marks files it cannot identify as octet-stream: their extension still says what they are.
	if (!bare || bare === 'application/octet-stream') bare = mimeTypeFromFileName(fileName) ?? bare;
	if (!bare) {
		throw new MediaValidationError(
			`The MIME type of ${what} is unknown`,
			'mimeType',
			'Set the MIME type on the binary data (e.g. with the "Edit Image" or "Set" node) or choose the media type.',
			`holds a file${named} whose MIME type is unknown`,
		);
	}
	const resolvedKind = kind ?? kindFromMimeType(bare);
	if (!resolvedKind) {
		throw new MediaValidationError(
			`WhatsApp does not accept MIME type "${bare}" (${what})`,
			'mimeType',
			`Accepted: ${MEDIA_KINDS.map((k) => `${k}: ${MEDIA_RULES[k].mimeTypes.join(', ')}`).join('; ')}.`,
			`gives MIME type "${bare}"${named}, which WhatsApp does not accept`,
		);
	}
	const rule = MEDIA_RULES[resolvedKind];
	if (!rule) {
		throw new MediaValidationError(
			`Unknown media type "${String(resolvedKind)}"`,
			'kind',
			`Use one of: ${MEDIA_KINDS.join(', ')}.`,
			`is "${String(resolvedKind)}", which is not a WhatsApp media type`,
		);
	}
	if (!rule.mimeTypes.includes(bare)) {
		throw new MediaValidationError(
			`WhatsApp does not accept MIME type "${bare}" for ${resolvedKind} (${what})`,
			'mimeType',
			`Accepted for ${resolvedKind}: ${rule.mimeTypes.join(', ')}.`,
			`gives MIME type "${bare}"${named}, which WhatsApp does not accept for ${resolvedKind}`,
		);
	}
	const animated = resolvedKind === 'sticker' && isAnimatedWebp(data);
	const maxBytes = animated && rule.maxBytesAnimated ? rule.maxBytesAnimated : rule.maxBytes;
	if (data.length > maxBytes) {
		const label = resolvedKind === 'sticker' ? `${animated ? 'animated' : 'static'} sticker` : resolvedKind;
		// Just over the limit would round to the limit itself ("5 MB, over the 5 MB limit"): give the bytes then.
		const size = formatBytes(data.length) === formatBytes(maxBytes) ? `${data.length.toLocaleString('en-US')} bytes` : formatBytes(data.length);
		throw new MediaValidationError(
			`The ${label} ${what} (${bare}) is ${size}, over WhatsApp's ${formatBytes(maxBytes)} limit`,
			'fileSize',
			'Compress or resize the file, or send it as a link instead of an upload.',
			`holds ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}${named} (${bare}) of ${size}, over WhatsApp's ${formatBytes(maxBytes)} limit`,
		);
	}
	return { kind: resolvedKind, mimeType: bare, fileSize: data.length, maxBytes, animated };
}
