/**
 * Media: upload (multipart, Meta's MIME and size table), `GET /{media-id}` with a short-lived download URL,
 * the bearer-protected download itself, and `DELETE /{media-id}`.
 */
import { createHash, createHmac } from 'crypto';
import { deleteFlowObject } from './flows';
import { MetaError } from './types';
import type { Route, SimContext, SimRequest, SimResponse } from './types';
import { assertAccess, invalidParameter, moduleState, requirePhoneNumber, unknownObjectError } from './surfaces';

export type MediaKind = 'audio' | 'document' | 'image' | 'sticker' | 'video';

const MB = 1024 * 1024;
const KB = 1024;

/** Meta's supported media types and their size limits (bytes). Stickers: 100 KB static, 500 KB animated. */
export const MEDIA_TYPES: Record<string, { kind: MediaKind; maxBytes: number; extension: string }> = {
	'audio/aac': { kind: 'audio', maxBytes: 16 * MB, extension: 'aac' },
	'audio/amr': { kind: 'audio', maxBytes: 16 * MB, extension: 'amr' },
	'audio/mpeg': { kind: 'audio', maxBytes: 16 * MB, extension: 'mp3' },
	'audio/mp4': { kind: 'audio', maxBytes: 16 * MB, extension: 'm4a' },
	'audio/ogg': { kind: 'audio', maxBytes: 16 * MB, extension: 'ogg' },
	'text/plain': { kind: 'document', maxBytes: 100 * MB, extension: 'txt' },
	'application/pdf': { kind: 'document', maxBytes: 100 * MB, extension: 'pdf' },
	'application/msword': { kind: 'document', maxBytes: 100 * MB, extension: 'doc' },
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', maxBytes: 100 * MB, extension: 'docx' },
	'application/vnd.ms-excel': { kind: 'document', maxBytes: 100 * MB, extension: 'xls' },
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'document', maxBytes: 100 * MB, extension: 'xlsx' },
	'application/vnd.ms-powerpoint': { kind: 'document', maxBytes: 100 * MB, extension: 'ppt' },
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'document', maxBytes: 100 * MB, extension: 'pptx' },
	'image/jpeg': { kind: 'image', maxBytes: 5 * MB, extension: 'jpg' },
	'image/png': { kind: 'image', maxBytes: 5 * MB, extension: 'png' },
	'image/webp': { kind: 'sticker', maxBytes: 500 * KB, extension: 'webp' },
	'video/mp4': { kind: 'video', maxBytes: 16 * MB, extension: 'mp4' },
	'video/3gpp': { kind: 'video', maxBytes: 16 * MB, extension: '3gp' },
};

export const STATIC_STICKER_MAX_BYTES = 100 * KB;
export const ANIMATED_STICKER_MAX_BYTES = 500 * KB;

export interface MediaOptions {
	/** How long a download URL from `GET /{media-id}` works (Meta: 5 minutes). */
	urlTtlMs: number;
	/** How long an uploaded media ID lives (Meta: 30 days). */
	idTtlMs: number;
	/** How long a media ID received in a webhook lives (Meta: 7 days). */
	inboundIdTtlMs: number;
	/**
	 * `file_size` in `GET /{media-id}`: a string in both of Meta's sources (the Media page and the OpenAPI "Retrieve
	 * Media URL" example, "303833"); `number` plays answers seen with a number, which clients must take too.
	 */
	fileSizeAs: 'number' | 'string';
}

export const DEFAULT_MEDIA_OPTIONS: MediaOptions = {
	urlTtlMs: 5 * 60 * 1000,
	idTtlMs: 30 * 24 * 3600 * 1000,
	inboundIdTtlMs: 7 * 24 * 3600 * 1000,
	fileSizeAs: 'string',
};

/** Media options: `options.media` (when the core's options carry it), else `options.webhooks.media`, else defaults. */
export function mediaOptions(sim: SimContext): MediaOptions {
	const fromOptions = (sim.options as unknown as { media?: Partial<MediaOptions> }).media;
	const fromWebhooks = sim.options.webhooks?.media as Partial<MediaOptions> | undefined;
	return { ...DEFAULT_MEDIA_OPTIONS, ...fromWebhooks, ...fromOptions };
}

export interface StoredMedia {
	id: string;
	phoneNumberId: string;
	mimeType: string;
	data: Buffer;
	sha256Hex: string;
	fileSize: number;
	filename?: string;
	createdAt: number;
	expiresAt: number;
}

interface MediaState {
	byId: Map<string, StoredMedia>;
	/** Secret that signs download URLs, so a URL cannot be forged or extended. */
	urlSecret: string;
}

let mediaCounter = 0;

function state(sim: SimContext): MediaState {
	return moduleState(sim, 'media', () => ({ byId: new Map<string, StoredMedia>(), urlSecret: `sim-media-${process.pid}-${Date.now()}-${Math.random()}` }));
}

/** A media ID like Meta's (15–16 digits), unique in the process even across simulator instances. */
function newMediaId(): string {
	mediaCounter += 1;
	return `1${String(Date.now() % 1e9).padStart(9, '0')}${String(mediaCounter % 1e6).padStart(6, '0')}`;
}

/** Base MIME type without parameters: `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMimeType(mimeType: string): string {
	return mimeType.split(';')[0].trim().toLowerCase();
}

/** A WebP is animated when its RIFF container has an `ANIM` chunk (VP8X with the animation flag). */
export function isAnimatedWebp(data: Buffer): boolean {
	if (data.length < 21 || data.toString('ascii', 0, 4) !== 'RIFF' || data.toString('ascii', 8, 12) !== 'WEBP') return false;
	if (data.toString('ascii', 12, 16) === 'VP8X' && (data[20] & 0x02) !== 0) return true;
	return data.indexOf('ANIM', 12, 'ascii') !== -1;
}

function mediaError(details: string): MetaError {
	return new MetaError({ httpStatus: 400, code: 131053, message: '(#131053) Media upload error', details });
}

function formatBytes(bytes: number): string {
	return bytes >= MB ? `${bytes / MB} MB` : `${bytes / KB} KB`;
}

/** Meta's answer for a file part whose MIME type is not in its table (live wording: code 100, no error_data). */
function unsupportedFileType(received: string): MetaError {
	return new MetaError({
		httpStatus: 400,
		code: 100,
		message: `(#100) Param file must be a file with one of the following types: ${Object.keys(MEDIA_TYPES).join(', ')}. Received file of type '${received}'.`,
	});
}

/**
 * Checks a file against Meta's table; returns the normalised MIME type or throws Meta's error. Meta reads the
 * file part's own Content-Type: a file sent as `application/octet-stream` is refused even with a valid `type`.
 */
export function validateMedia(typeParam: string, fileContentType: string | undefined, data: Buffer): string {
	const fileType = baseMimeType(fileContentType || 'application/octet-stream');
	if (!MEDIA_TYPES[fileType]) throw unsupportedFileType(fileType);
	const mimeType = baseMimeType(typeParam);
	const entry = MEDIA_TYPES[mimeType];
	if (!entry) {
		throw mediaError(`Param type must be one of the supported media types (${Object.keys(MEDIA_TYPES).join(', ')}) - got "${typeParam}"`);
	}
	if (fileType !== mimeType) {
		throw mediaError(`The type parameter (${mimeType}) does not match the uploaded file's MIME type (${fileType})`);
	}
	if (data.length === 0) throw mediaError('The uploaded file is empty');
	let maxBytes = entry.maxBytes;
	let what = mimeType;
	if (entry.kind === 'sticker') {
		const animated = isAnimatedWebp(data);
		maxBytes = animated ? ANIMATED_STICKER_MAX_BYTES : STATIC_STICKER_MAX_BYTES;
		what = animated ? 'animated stickers (image/webp)' : 'static stickers (image/webp)';
	}
	if (data.length > maxBytes) {
		throw mediaError(`File size (${data.length} bytes) exceeds the limit of ${formatBytes(maxBytes)} for ${what}`);
	}
	return mimeType;
}

/** Stores bytes as a media object (uploads, and media the simulator sends in inbound webhooks). */
export function storeMedia(
	sim: SimContext,
	input: { data: Buffer; mimeType: string; phoneNumberId: string; filename?: string; ttlMs?: number },
): StoredMedia {
	const now = sim.now();
	const media: StoredMedia = {
		id: newMediaId(),
		phoneNumberId: input.phoneNumberId,
		mimeType: input.mimeType,
		data: input.data,
		sha256Hex: createHash('sha256').update(input.data).digest('hex'),
		fileSize: input.data.length,
		filename: input.filename,
		createdAt: now,
		expiresAt: now + (input.ttlMs ?? mediaOptions(sim).idTtlMs),
	};
	state(sim).byId.set(media.id, media);
	return media;
}

/** The media object of an ID that exists and has not expired. */
export function findMedia(sim: SimContext, mediaId: string): StoredMedia | undefined {
	const media = state(sim).byId.get(mediaId);
	if (!media) return undefined;
	if (media.expiresAt <= sim.now()) {
		state(sim).byId.delete(mediaId);
		return undefined;
	}
	return media;
}

/** Whether a media ID may be used in a send (the core's message validation calls this). */
export function mediaExists(sim: SimContext, mediaId: string): boolean {
	return findMedia(sim, mediaId) !== undefined;
}

function urlSignature(sim: SimContext, mediaId: string, expiresAtSeconds: number): string {
	return createHmac('sha256', state(sim).urlSecret).update(`${mediaId}:${expiresAtSeconds}`).digest('hex').slice(0, 32);
}

/** The simulator's own download URL, like Meta's lookaside URL: works for `urlTtlMs`, needs the bearer token. */
export function downloadUrl(sim: SimContext, media: StoredMedia): string {
	const expiresAtMs = sim.now() + mediaOptions(sim).urlTtlMs;
	const ext = String(expiresAtMs);
	const query = new URLSearchParams({ mid: media.id, ext, hash: urlSignature(sim, media.id, expiresAtMs) });
	return `${sim.url}/whatsapp_business/attachments/?${query.toString()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------------------------

async function upload(req: SimRequest, params: Record<string, string>, sim: SimContext): Promise<SimResponse> {
	requirePhoneNumber(req, params.phoneNumberId, sim);
	const { fields, files } = await req.form();
	if (fields.messaging_product === undefined) {
		throw invalidParameter('The parameter messaging_product is required.', '(#100) The parameter messaging_product is required.');
	}
	if (fields.messaging_product !== 'whatsapp') {
		throw invalidParameter(`Param messaging_product must be "whatsapp" - got "${fields.messaging_product}"`);
	}
	const file = files.file;
	if (!file) throw invalidParameter('The parameter file is required.', '(#100) The parameter file is required.');
	const type = fields.type ?? file.contentType;
	if (!type) throw invalidParameter('The parameter type is required.', '(#100) The parameter type is required.');
	const mimeType = validateMedia(type, file.contentType, file.data);
	const media = storeMedia(sim, { data: file.data, mimeType, phoneNumberId: params.phoneNumberId, filename: file.filename });
	return { status: 200, body: { id: media.id } };
}

function retrieve(req: SimRequest, mediaId: string, sim: SimContext): SimResponse {
	assertAccess(req, sim);
	const media = findMedia(sim, mediaId);
	if (!media) throw unknownObjectError(mediaId);
	const phoneNumberId = req.query.get('phone_number_id');
	if (phoneNumberId && phoneNumberId !== media.phoneNumberId) {
		throw invalidParameter(`Media ${mediaId} does not belong to phone number ${phoneNumberId}`);
	}
	return {
		status: 200,
		body: {
			messaging_product: 'whatsapp',
			url: downloadUrl(sim, media),
			mime_type: media.mimeType,
			sha256: media.sha256Hex,
			file_size: mediaOptions(sim).fileSizeAs === 'string' ? String(media.fileSize) : media.fileSize,
			id: media.id,
		},
	};
}

function remove(req: SimRequest, params: Record<string, string>, sim: SimContext): SimResponse {
	// `DELETE /{id}` is also how a draft flow is deleted.
	const flow = deleteFlowObject(req, params.mediaId, sim);
	if (flow) return flow;
	assertAccess(req, sim);
	const media = findMedia(sim, params.mediaId);
	if (!media) throw unknownObjectError(params.mediaId);
	const phoneNumberId = req.query.get('phone_number_id');
	if (phoneNumberId && phoneNumberId !== media.phoneNumberId) {
		throw invalidParameter(`Media ${params.mediaId} does not belong to phone number ${phoneNumberId}`);
	}
	state(sim).byId.delete(params.mediaId);
	return { status: 200, body: { success: true } };
}

function plainError(status: number, message: string): SimResponse {
	return { status, body: Buffer.from(message), headers: { 'content-type': 'text/plain; charset=utf-8' } };
}

function download(req: SimRequest, _params: Record<string, string>, sim: SimContext): SimResponse {
	if (req.bearer !== sim.fixture.accessToken) return plainError(401, 'Unauthorized: a valid access token is required to download media');
	const mediaId = req.query.get('mid') ?? '';
	const ext = Number(req.query.get('ext'));
	const hash = req.query.get('hash') ?? '';
	if (!Number.isFinite(ext) || hash !== urlSignature(sim, mediaId, ext)) return plainError(404, 'Not found');
	if (ext <= sim.now()) return plainError(404, 'Not found: the media URL has expired; get a new one from GET /{media-id}');
	const media = findMedia(sim, mediaId);
	if (!media) return plainError(404, 'Not found');
	const extension = MEDIA_TYPES[media.mimeType]?.extension ?? 'bin';
	return {
		status: 200,
		body: media.data,
		headers: {
			'content-type': media.mimeType,
			'content-disposition': `attachment; filename=${media.filename ?? `${media.id}.${extension}`}`,
		},
	};
}

/** `GET /{media-id}` (the phone-number module's `GET /{id}` route hands unknown ids here). */
export function getMediaObject(req: SimRequest, mediaId: string, sim: SimContext): SimResponse | undefined {
	return mediaExists(sim, mediaId) ? retrieve(req, mediaId, sim) : undefined;
}

export const mediaRoutes: Route[] = [
	{
		method: 'POST',
		match: (segments) => (segments.length === 2 && segments[1] === 'media' ? { phoneNumberId: segments[0] } : null),
		handler: upload,
	},
	{
		method: 'DELETE',
		match: (segments) => (segments.length === 1 && /^\d+$/.test(segments[0]) ? { mediaId: segments[0] } : null),
		handler: remove,
	},
	{
		method: 'GET',
		match: (segments) =>
			segments[0] === 'whatsapp_business' && segments[1] === 'attachments' && segments.length <= 3 && (segments[2] ?? '') === ''
				? {}
				: null,
		handler: download,
		auth: 'none',
		countsAgainstBudget: false,
	},
];
