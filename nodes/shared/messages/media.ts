import { buildEnvelope, type EnvelopeParams } from './envelope';
import { MessageValidationError } from './errors';
import { oneOf, optionalBoolean, optionalText, requiredId, requiredUrl } from './rules';
import type { MediaKind, MediaMessage, MediaReference } from './types';

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];
export const MAX_CAPTION = 1024;
export const MAX_FILENAME = 240;

export interface MediaSourceParams {
	/** A media ID from an upload (`POST /{phone-number-id}/media`). */
	mediaId?: unknown;
	/** A public http(s) URL Meta downloads the file from. */
	link?: unknown;
}

export interface MediaParams extends EnvelopeParams, MediaSourceParams {
	kind: MediaKind;
	/** Image, video and document only. */
	caption?: unknown;
	/** Document only: the file name the recipient sees. */
	filename?: unknown;
	/** Audio only: send as a voice note. */
	voice?: unknown;
}

/** Exactly one of a media ID or a link; `prefix` names the fields in errors (e.g. `header.`). */
export function buildMediaReference(params: MediaSourceParams, prefix = ''): MediaReference {
	const mediaId = optionalText(`${prefix}mediaId`, params.mediaId);
	const link = optionalText(`${prefix}link`, params.link);
	if (mediaId !== undefined && link !== undefined) {
		throw new MessageValidationError(`${prefix}mediaId`, 'give either a media ID or a link, not both');
	}
	if (mediaId !== undefined) return { id: requiredId(`${prefix}mediaId`, mediaId, 256) };
	if (link !== undefined) return { link: requiredUrl(`${prefix}link`, link) };
	throw new MessageValidationError(`${prefix}mediaId`, 'is required: give a media ID, a public link or a binary file');
}

function rejectIfGiven(field: string, value: unknown, kind: MediaKind): void {
	const given = value !== undefined && value !== null && value !== false && !(typeof value === 'string' && value.trim() === '');
	if (given) {
		throw new MessageValidationError(field, `cannot be sent with ${kind === 'audio' ? 'an audio' : `a ${kind}`} message`);
	}
}

/** Image, video, audio, document or sticker message. */
export function buildMedia(params: MediaParams): MediaMessage {
	const envelope = buildEnvelope(params);
	const kind = oneOf('kind', params.kind, MEDIA_KINDS);
	const media = buildMediaReference(params);
	switch (kind) {
		case 'image':
		case 'video': {
			rejectIfGiven('filename', params.filename, kind);
			rejectIfGiven('voice', params.voice, kind);
			const caption = optionalText('caption', params.caption, MAX_CAPTION);
			const object = caption === undefined ? media : { ...media, caption };
			return kind === 'image'
				? { ...envelope, type: 'image', image: object }
				: { ...envelope, type: 'video', video: object };
		}
		case 'document': {
			rejectIfGiven('voice', params.voice, kind);
			const caption = optionalText('caption', params.caption, MAX_CAPTION);
			const filename = optionalText('filename', params.filename, MAX_FILENAME);
			return {
				...envelope,
				type: 'document',
				document: { ...media, ...(caption !== undefined && { caption }), ...(filename !== undefined && { filename }) },
			};
		}
		case 'audio': {
			rejectIfGiven('caption', params.caption, kind);
			rejectIfGiven('filename', params.filename, kind);
			const voice = optionalBoolean('voice', params.voice);
			return { ...envelope, type: 'audio', audio: voice ? { ...media, voice: true } : media };
		}
		case 'sticker': {
			rejectIfGiven('caption', params.caption, kind);
			rejectIfGiven('filename', params.filename, kind);
			rejectIfGiven('voice', params.voice, kind);
			return { ...envelope, type: 'sticker', sticker: media };
		}
	}
}
