/**
 * Media calls to Meta, each through the gate: upload (with the content-hash cache), info, download, delete.
 */
import Bottleneck from 'bottleneck';
import { createHash } from 'crypto';
import { pipeline, Transform, type Readable } from 'node:stream';

import { scheduleGraphCall, tokenHashOf, type SharedEntries } from '../limiter';
import { processWide } from '../processWide';
import type { WhatsAppCredentials } from '../transport/types';
import { getMediaCache, isForgottenMedia, mediaCacheKey, MEDIA_ID_TTL_MS, type CachedMedia } from './cache';
import { checkMedia, normalizeMimeType } from './mime';
import type {
	MediaDeleteResponse,
	MediaInfoResponse,
	MediaKind,
	MediaUploadResponse,
	UploadedMedia,
} from './types';

export interface UploadMediaArgs {
	credentials: WhatsAppCredentials;
	phoneNumberId: string;
	/** The bytes, or how to get them when no media ID is known for them (then `sha256` says what they are). */
	data: Buffer | (() => Promise<Buffer>);
	/** Hex SHA-256 of the bytes `data` loads (a media link already fetched and checked once). */
	sha256?: string;
	mimeType: string;
	fileName?: string;
	/** Omit to derive from the MIME type. */
	kind?: MediaKind;
	/** Default true. False: always upload, and do not remember the ID. */
	useCache?: boolean;
	/** The gate's Redis: media IDs uploaded by any process that shares it. */
	shared?: SharedEntries;
}

export function sha256Hex(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

// Send Message hands every item of one file the same Buffer: hash it once (10 MB × 1,000 items would be seconds of CPU).
const hashes = new WeakMap<Buffer, string>();

function contentHashOf(data: Buffer): string {
	let hash = hashes.get(data);
	if (hash === undefined) {
		hash = sha256Hex(data);
		hashes.set(data, hash);
	}
	return hash;
}

/** Upload the bytes as `multipart/form-data` through the gate (paced on the phone number). */
async function uploadOnce(
	credentials: WhatsAppCredentials,
	phoneNumberId: string,
	data: Buffer,
	mimeType: string,
	fileName: string,
): Promise<string> {
	const form = new FormData();
	form.append('messaging_product', 'whatsapp');
	form.append('type', mimeType);
	form.append('file', new Blob([data], { type: mimeType }), fileName);
	const response = await scheduleGraphCall<MediaUploadResponse>({
		credentials,
		phoneNumberId,
		request: { method: 'POST', path: `/${encodeURIComponent(phoneNumberId)}/media`, body: form },
	});
	if (!response.data?.id) throw new Error('Meta answered the media upload without a media ID');
	return String(response.data.id);
}

/**
 * Check the media against Meta's table, then upload it unless the same bytes were already uploaded for this number
 * with the same token (and the ID is still valid). Throws `MediaValidationError` before any call when the file does
 * not fit.
 */
export async function uploadMediaCached(args: UploadMediaArgs): Promise<UploadedMedia> {
	const { credentials, phoneNumberId, fileName, useCache = true, shared } = args;
	if (!phoneNumberId) throw new Error('A phone number ID is needed to upload media');
	if (typeof args.data === 'function') {
		const known = args.sha256 && useCache ? await knownUpload(args, args.sha256) : undefined;
		if (known) return known;
		const data = await args.data();
		return uploadMediaCached({ ...args, data, sha256: undefined });
	}
	const data = args.data;
	const checked = checkMedia({ data, mimeType: args.mimeType, kind: args.kind, fileName });
	const sha256 = contentHashOf(data);
	const name = fileName || `${checked.kind}-${sha256.slice(0, 12)}`;
	const describe = (mediaId: string) => ({
		mediaId,
		sha256,
		fileSize: checked.fileSize,
		mimeType: checked.mimeType,
		kind: checked.kind,
	});
	if (!useCache) {
		const mediaId = await uploadOnce(credentials, phoneNumberId, data, checked.mimeType, name);
		return { ...describe(mediaId), fromCache: false };
	}
	const key = uploadKey(credentials, phoneNumberId, sha256, checked.mimeType);
	let sharedHit = false;
	const { entry, fromCache } = await getMediaCache().getOrUpload(key, async () => {
		const remembered = await sharedUpload(shared, key);
		if (remembered) {
			sharedHit = true;
			return remembered;
		}
		const uploaded = describe(await uploadOnce(credentials, phoneNumberId, data, checked.mimeType, name));
		await shared?.set(key, JSON.stringify(uploaded), MEDIA_ID_TTL_MS).catch(() => undefined);
		return uploaded;
	});
	return {
		mediaId: entry.mediaId,
		sha256: entry.sha256,
		fileSize: entry.fileSize,
		mimeType: entry.mimeType,
		kind: entry.kind,
		fromCache: fromCache || sharedHit,
	};
}

/** The cache key of one upload: one token's uploads are its own (another credential naming the number gets no ID without a call). */
function uploadKey(credentials: WhatsAppCredentials, phoneNumberId: string, sha256: string, mimeType: string): string {
	return `${mediaCacheKey({ baseUrl: credentials.baseUrl, phoneNumberId, sha256, mimeType })}|token:${tokenHashOf(credentials)}`;
}

/** A media ID uploaded by another process sharing the gate's Redis, unless this process saw Meta forget it. */
async function sharedUpload(shared: SharedEntries | undefined, key: string): Promise<Omit<CachedMedia, 'expiresAt'> | undefined> {
	// The shared store is a help, never a failure: Redis down means uploading as without it.
	const found = await shared?.get(key).catch(() => undefined);
	if (!found) return undefined;
	const media = JSON.parse(found.value) as Omit<CachedMedia, 'expiresAt'>;
	if (!isForgottenMedia(media.mediaId)) return media;
	await shared?.delete(key).catch(() => undefined);
	return undefined;
}

/** The media ID already known (here or through Redis) for bytes of this hash, without reading the bytes. */
async function knownUpload(args: UploadMediaArgs, sha256: string): Promise<UploadedMedia | undefined> {
	const mimeType = normalizeMimeType(args.mimeType);
	const key = uploadKey(args.credentials, args.phoneNumberId, sha256, mimeType);
	const cache = getMediaCache();
	let entry: Omit<CachedMedia, 'expiresAt'> | undefined = cache.get(key);
	if (!entry) {
		entry = await sharedUpload(args.shared, key);
		if (entry) cache.set(key, entry);
	}
	return entry && { ...entry, fromCache: true };
}

export interface MediaInfo {
	mediaId: string;
	url: string;
	mimeType: string;
	sha256?: string;
	fileSize?: number;
}

/** `GET /{media-id}`: a download URL (valid 5 minutes) and what Meta knows of the file. */
export async function getMediaInfo(
	credentials: WhatsAppCredentials,
	mediaId: string,
	phoneNumberId?: string,
): Promise<MediaInfo> {
	const response = await scheduleGraphCall<MediaInfoResponse>({
		credentials,
		request: {
			method: 'GET',
			path: `/${encodeURIComponent(mediaId)}`,
			// Meta checks the media belongs to this number when given.
			query: phoneNumberId ? { phone_number_id: phoneNumberId } : undefined,
		},
	});
	const info = response.data;
	const size = info.file_size === undefined ? undefined : Number(info.file_size);
	return {
		mediaId: String(info.id ?? mediaId),
		url: info.url,
		mimeType: info.mime_type,
		sha256: info.sha256,
		fileSize: size !== undefined && Number.isFinite(size) ? size : undefined,
	};
}

export interface DownloadedMedia extends MediaInfo {
	data: Buffer;
}

/** What `downloadMediaInto` stored, with the size and SHA-256 counted as the bytes went by. */
export interface StoredMedia<T> extends MediaInfo {
	stored: T;
	fileSize: number;
	sha256: string;
}

function isExpiredUrlError(error: unknown): boolean {
	const status = (error as { httpStatus?: number }).httpStatus;
	return status === 401 || status === 403 || status === 404 || status === 410;
}

/** At most this many downloads stream at once in the process: each holds a socket and its buffers until stored. */
export const MAX_CONCURRENT_DOWNLOADS = 4;

const downloads = processWide('downloads', () => new Bottleneck({ maxConcurrent: MAX_CONCURRENT_DOWNLOADS }));

/**
 * Fetch a fresh URL, then the bytes with the bearer token, as a stream. If the URL lapsed while the call waited in the
 * gate, fetch a new URL once and try again.
 */
async function streamMedia(credentials: WhatsAppCredentials, mediaId: string, phoneNumberId?: string): Promise<MediaInfo & { stream: Readable }> {
	let info = await getMediaInfo(credentials, mediaId, phoneNumberId);
	const fetchBytes = async (url: string) =>
		scheduleGraphCall<Readable>({
			credentials,
			request: { method: 'GET', url, responseType: 'stream', auth: 'bearer' },
		});
	let response;
	try {
		response = await fetchBytes(info.url);
	} catch (error) {
		// Shared code hands Graph errors to the node, which turns them into NodeApiErrors naming the item.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (!isExpiredUrlError(error)) throw error;
		info = await getMediaInfo(credentials, mediaId, phoneNumberId);
		response = await fetchBytes(info.url);
	}
	const mimeType = info.mimeType || response.contentType?.split(';')[0].trim() || 'application/octet-stream';
	return { ...info, mimeType, stream: response.data };
}

/**
 * Stream the media into `store` (n8n's binary store): never the whole file in memory, at most
 * MAX_CONCURRENT_DOWNLOADS at once in the process, Meta's SHA-256 checked on the way (a mismatch: a truncated or
 * altered download).
 */
export function downloadMediaInto<T>(
	credentials: WhatsAppCredentials,
	mediaId: string,
	store: (stream: Readable, media: MediaInfo) => Promise<T>,
	phoneNumberId?: string,
): Promise<StoredMedia<T>> {
	return downloads().schedule(async () => {
		const { stream, ...media } = await streamMedia(credentials, mediaId, phoneNumberId);
		const hash = createHash('sha256');
		let fileSize = 0;
		const counting = new Transform({
			transform(chunk: Buffer, _encoding, callback) {
				hash.update(chunk);
				fileSize += chunk.length;
				callback(null, chunk);
			},
		});
		const stored = await store(pipeline(stream, counting, () => undefined), media);
		const sha256 = hash.digest('hex');
		if (media.sha256 && /^[0-9a-f]{64}$/i.test(media.sha256) && media.sha256.toLowerCase() !== sha256) {
			throw new Error(`The downloaded file does not match Meta's SHA-256 (expected ${media.sha256}, got ${sha256}); download it again`);
		}
		return { ...media, stored, fileSize, sha256 };
	});
}

/** The media's bytes in one Buffer (small files, tests); a node streams them into n8n's binary store instead. */
export async function downloadMedia(credentials: WhatsAppCredentials, mediaId: string, phoneNumberId?: string): Promise<DownloadedMedia> {
	const { stored, ...media } = await downloadMediaInto(credentials, mediaId, buffered, phoneNumberId);
	return { ...media, data: stored };
}

async function buffered(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** `DELETE /{media-id}`; also drops the ID from the upload cache. */
export async function deleteMedia(
	credentials: WhatsAppCredentials,
	mediaId: string,
	phoneNumberId?: string,
): Promise<boolean> {
	const response = await scheduleGraphCall<MediaDeleteResponse>({
		credentials,
		request: {
			method: 'DELETE',
			path: `/${encodeURIComponent(mediaId)}`,
			query: phoneNumberId ? { phone_number_id: phoneNumberId } : undefined,
		},
	});
	getMediaCache().forgetMediaId(mediaId);
	return response.data?.success === true;
}
